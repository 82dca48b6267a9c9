// `npm run build:relay`: the relay as ES modules for plain Node, in dist-relay/
// (or the directory given). Dependencies are bundled in: loading one file instead
// of a few hundred in node_modules keeps about 5 MB off the idle relay's memory.
// Code split, so what loads only on demand (ioredis for REDIS_URL, zod for
// RELAY_CONFIG) stays in chunks of its own.
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Builds the relay into `outDir`; returns the entry file to run with `node`. */
export async function buildRelay(outDir = resolve(ROOT, 'dist-relay'), entry = resolve(ROOT, 'relay/node.ts')): Promise<string> {
  removeOldChunks(outDir)
  await build({
    entryPoints: { node: entry },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // CommonJS dependencies (prom-client, ioredis) call require() for Node's own modules.
    banner: { js: 'import { createRequire as __sori_createRequire } from \'node:module\'; const require = __sori_createRequire(import.meta.url);' },
    logLevel: 'warning',
  })
  return resolve(outDir, 'node.mjs')
}

/** Chunk names carry content hashes: the chunks of earlier builds would pile up. */
function removeOldChunks(dir: string): void {
  if (!existsSync(dir))
    return
  for (const file of readdirSync(dir).filter(name => name.endsWith('.mjs')))
    rmSync(resolve(dir, file))
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await buildRelay(process.argv[2] ? resolve(process.argv[2]) : undefined)
