// npm run bench:bundle: builds the SPA into a temp dir and measures, gzip, the
// JavaScript a first visit downloads. DESIGN.md's budget counts the scripts and
// modulepreloads of dist/index.html (90 KB); the locale the app loads before it
// mounts (one language, a dynamic import) is reported next to it.
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'

const BUDGET_KB = 90
const print = (line: string) => process.stdout.write(`${line}\n`)

async function main(): Promise<void> {
  const outDir = await mkdtemp(join(tmpdir(), 'sori-first-visit-'))
  try {
    await build({ logLevel: 'warn', build: { outDir, emptyOutDir: true } })
    const html = readFileSync(join(outDir, 'index.html'), 'utf8')
    const files = [...html.matchAll(/<script[^>]+src="\.\/([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="\.\/([^"]+\.js)"/g)].map(m => m[1] ?? m[2]!)
    const gzipKb = (file: string) => gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length / 1024
    const rows = files.map(file => ({ file, kb: gzipKb(file) }))
    const total = rows.reduce((sum, row) => sum + row.kb, 0)
    for (const row of rows)
      print(`${row.kb.toFixed(1).padStart(7)} KB  ${row.file}`)
    print(`${total.toFixed(1).padStart(7)} KB  scripts and modulepreloads of index.html (budget ${BUDGET_KB} KB): ${total <= BUDGET_KB ? 'within budget' : 'OVER BUDGET'}`)
    const assets = readdirSync(join(outDir, 'assets'))
    for (const locale of ['ko', 'en']) {
      const name = assets.find(file => new RegExp(`^${locale}-[\\w-]+\\.js$`).test(file))
      const chunk = name && `assets/${name}`
      if (chunk)
        print(`${gzipKb(chunk).toFixed(1).padStart(7)} KB  ${chunk} (loaded before the app mounts when the language is ${locale}): first visit ${(total + gzipKb(chunk)).toFixed(1)} KB`)
    }
    process.exitCode = total <= BUDGET_KB ? 0 : 1
  }
  finally {
    rmSync(outDir, { recursive: true, force: true })
  }
}

void main()
