// `npm run bench:render`: per-frame Markdown render cost while a 50k-token answer
// streams in, in Debian's Chromium, for the block-wise streaming renderer and for
// the naive full re-render per frame, in the same run (DESIGN.md section 6, issue 5).
// Frames are simulated back to back (one task each) at 60 Hz worth of tokens:
// 100 tokens/s is 1.67 tokens per frame, "fast" is 3,000 tokens/s (50 per frame).
// Options: --tokens N (50000), --naive-every N (time every n-th naive frame, 200),
// --from N (start with N tokens already rendered: quick runs at the end of a long answer),
// --feed text (the renderer gets the whole answer each frame, as a string grown by +=,
// as the chat did before its text feed; the default, --feed feed, is what the chat does now).
import type { RunOptions, RunResult } from './render/page'
import type { FrameTimes } from './render/trace'
import { cpus, loadavg } from 'node:os'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { build } from 'vite'
import { findChromium, launchChromium } from '../tests/e2e/harness'
import { generateTokens } from './render/content'
import { frameTimes, TRACE_CATEGORIES } from './render/trace'
import { fixed, max, percentile, table } from './ui/stats'

const { values } = parseArgs({ options: { 'tokens': { type: 'string', default: '50000' }, 'naive-every': { type: 'string', default: '200' }, 'from': { type: 'string', default: '0' }, 'feed': { type: 'string', default: 'feed' } } })
const TOKENS = Number(values.tokens)
const NAIVE_EVERY = Number(values['naive-every'])
const FROM = Number(values.from)
const FEED = values.feed === 'text' ? 'text' : 'feed'
const PAGE = fileURLToPath(new URL('./render/page.ts', import.meta.url))
const log = (text: string) => process.stderr.write(`${text}\n`)

async function bundlePage(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'warn',
    build: { write: false, minify: true, lib: { entry: PAGE, formats: ['iife'], name: 'renderBenchPage' } },
  })
  const chunk = (Array.isArray(output) ? output : [output]).flatMap(result => 'output' in result ? result.output : []).find(item => item.type === 'chunk')
  if (!chunk || chunk.type !== 'chunk')
    throw new Error('no bundle for the bench page')
  return chunk.code
}

const STYLE = `.chat-markdown { content-visibility: auto; font: 16px/1.6 system-ui; max-width: 48rem; }
.chat-markdown pre { background: #f3f4f6; padding: 0.75rem 1rem; overflow-x: auto; }
.chat-markdown table { border-collapse: collapse; display: block; overflow-x: auto; }
.chat-markdown th, .chat-markdown td { border: 1px solid #ddd; padding: 0.3rem 0.7rem; }`

interface Row { name: string, result: RunResult, cpu: FrameTimes }

const all = (row: Row) => [...row.cpu.frames.values()].flat()
/** Main-thread CPU for the whole answer; naive frames are timed one in n, so scaled up. */
const totalCpu = (row: Row) => row.cpu.total * row.result.frameCount / row.result.frames.length

function summarize(row: Row): string[] {
  const cpu = all(row)
  return [
    row.name,
    fixed(percentile(row.result.frames.map(frame => frame.totalMs), 50), 2),
    fixed(percentile(cpu, 50), 2),
    fixed(percentile(cpu, 95), 2),
    fixed(percentile(cpu, 99), 2),
    fixed(max(cpu), 1),
    fixed(percentile(row.cpu.frames.get('start') ?? [], 99), 2),
    fixed(percentile(row.cpu.frames.get('last') ?? [], 99), 2),
    String(cpu.filter(ms => ms > 50).length),
    fixed(totalCpu(row) / 1000, 1),
  ]
}

interface Bench { renderBench: { run: (tokens: string[], options: RunOptions) => Promise<RunResult> } }

async function main(): Promise<void> {
  const chromiumPath = findChromium()
  if (!chromiumPath)
    throw new Error('No Chromium at /usr/bin/chromium (set CHROMIUM_PATH)')
  const tokens = generateTokens(TOKENS)
  log(`${tokens.length} tokens, ${tokens.join('').length} characters; bundling the renderer`)
  const script = await bundlePage()
  const browser = await launchChromium(chromiumPath)
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    await page.setContent(`<!doctype html><meta charset="utf-8"><style>${STYLE}</style><main></main>`)
    await page.addScriptTag({ content: script })
    const runs: [string, RunOptions][] = [
      ['streaming, 100 tokens/s', { mode: 'streaming', tokensPerFrame: 100 / 60, sampleEvery: 1, from: FROM, feed: FEED }],
      ['naive, 100 tokens/s', { mode: 'naive', tokensPerFrame: 100 / 60, sampleEvery: NAIVE_EVERY, from: FROM }],
      ['streaming, 3,000 tokens/s', { mode: 'streaming', tokensPerFrame: 50, sampleEvery: 1, from: FROM, feed: FEED }],
      ['naive, 3,000 tokens/s', { mode: 'naive', tokensPerFrame: 50, sampleEvery: Math.max(1, Math.round(NAIVE_EVERY / 30)), from: FROM }],
    ]
    const rows: Row[] = []
    for (const [name, options] of runs) {
      await browser.startTracing(page, { categories: TRACE_CATEGORIES })
      const result = await page.evaluate(([t, o]) => (globalThis as unknown as Bench).renderBench.run(t, o), [tokens, options] as const)
      const cpu = frameTimes(await browser.stopTracing(), 'bench-')
      rows.push({ name, result, cpu })
      log(`${name}: ${result.frameCount} frames, ${result.frames.length} timed (${all({ name, result, cpu }).length} frame tasks traced), ${result.longTasks.length} long tasks by wall clock`)
    }
    process.stdout.write(`\nChromium ${browser.version()}, feed ${FEED}, ${tokens.length} tokens (${tokens.join('').length} characters), load average ${loadavg().map(l => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs.\n`)
    process.stdout.write('Main-thread CPU ms per frame (render, style and layout; one task per frame), wall-clock p50 for reference; "first/last 1k" = p99 while the answer had under 1,000 tokens / its last 1,000 tokens; total in CPU seconds for the whole answer.\n\n')
    process.stdout.write(`${table(['run', 'wall p50', 'p50', 'p95', 'p99', 'max', 'p99 first 1k', 'p99 last 1k', 'tasks > 50 ms', 'total s'], rows.map(summarize))}\n`)
    for (const speed of ['100 tokens/s', '3,000 tokens/s']) {
      const [streaming, naive] = ['streaming', 'naive'].map(kind => rows.find(row => row.name === `${kind}, ${speed}`)!)
      const ratio = totalCpu(naive!) / totalCpu(streaming!)
      // The old component re-rendered on every token, not once per frame.
      const perToken = ratio * (tokens.length - FROM) / naive!.result.frameCount
      process.stdout.write(`\nAt ${speed}: a full re-render per frame does ${fixed(ratio, 0)}x the work of the streaming renderer; per token ${fixed(perToken, 0)}x (budget: at least 50x).`)
    }
    process.stdout.write('\n')
  }
  finally {
    await browser.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
