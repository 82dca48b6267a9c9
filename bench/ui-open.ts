// `npm run bench:ui`: how long the SPA takes to open a conversation of 500 messages,
// how smoothly that conversation scrolls, and the page's JS heap afterwards (DESIGN.md
// section 6 and issue 6: "opens in under 200 ms and scrolls smoothly"). Builds the SPA,
// serves it from the relay in demo mode, seeds IndexedDB in Debian's Chromium and
// measures inside the page. See docs/BENCHMARKS-ui.md for the method.
// `npm run bench:ui -- --help` lists the options.
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core'
import type { RelayProcess } from '../tests/e2e/harness'
import type { Seed } from './ui/content'
import type { OpenResult, ScrollResult } from './ui/probe'
import type { CpuProfile } from './ui/profile'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { build } from 'vite'
import { findChromium, launchChromium, startRelay } from '../tests/e2e/harness'
import { createSeed } from './ui/content'
import { appReady, finishOpen, idleFrames, measureScroll, seedDatabase, startOpen } from './ui/probe'
import { functionTimes } from './ui/profile'
import { fixed, max, median, percentile, table } from './ui/stats'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OPEN_BUDGET_MS = 200
/** "Scrolls smoothly": 60 Hz held (median), at most one frame dropped in a row (p95), no frame over the 50 ms longest-task budget. */
const SMOOTH = { p50: 17.5, p95: 33.4, over50: 0 }

const spec = {
  'reps': ['5', 'repetitions, each in a fresh browser context'],
  'messages': ['500', 'messages in the long conversation'],
  'small': ['4', 'small conversations besides it'],
  'scroll-ms': ['2000', 'time a bottom-to-top scroll of the long conversation takes at constant speed'],
  'settle-ms': ['300', 'how long observers keep collecting after the open is painted'],
  'cpu-slowdown': ['1', 'CPU throttling rate (CDP Emulation.setCPUThrottlingRate) during measurements; 4 = a slow phone'],
  'width': ['1280', 'viewport width'],
  'height': ['800', 'viewport height'],
  'spa': ['', 'serve this already built SPA directory instead of building one'],
  'profile': ['', 'after the reps, record a V8 CPU profile of one more open into this .cpuprofile file and print where the time went'],
  'json': ['', 'also write the results to this file'],
} as const
type Name = keyof typeof spec

const { values } = parseArgs({ options: { ...Object.fromEntries(Object.keys(spec).map(name => [name, { type: 'string' as const }])), 'no-minify': { type: 'boolean' }, 'help': { type: 'boolean' } } })
if (values.help) {
  const rows = Object.entries(spec).map(([name, [value, help]]) => `  --${`${name} ${value}`.padEnd(22)} ${help}`)
  rows.push(`  --${'no-minify'.padEnd(22)} build the SPA without minifying (readable --profile names; slower code, not for the numbers)`)
  process.stdout.write(`npm run bench:ui -- [options]\n${rows.join('\n')}\n`)
  process.exit(0)
}
const opt = (name: Name): string => (values as Record<string, string | undefined>)[name] ?? spec[name][0]
const noMinify = values['no-minify'] === true
function num(name: Name): number {
  const value = Number(opt(name))
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`--${name} must be a number, not ${opt(name)}`)
  return value
}

const started = performance.now()
const loadAtStart = loadavg()
const log = (text: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`)

/** Renderer main-thread time during a measurement (CDP Performance metrics in thread ticks, so time spent waiting for a CPU is left out), in ms. */
interface Cpu {
  /** CPU time of the renderer's main thread. */
  thread: number
  /** Style recalculation and layout. */
  styleAndLayout: number
}

interface Run {
  rep: number
  open: OpenResult & { cpu: Cpu }
  reopen: OpenResult & { cpu: Cpu }
  scroll: ScrollResult & { cpu: Cpu }
  /** How long the benchmark waited, after the open and the heap readings, for all the messages to be in the DOM before scrolling. */
  allMessagesWaitMs: number
  loadavg: number
  heap: { beforeMb: number, afterMb: number, afterNoGcMb: number, performanceMemoryMb: number | null }
  dom: { nodesBefore: number, nodesAfter: number, listenersAfter: number }
}

// Everything started here is stopped on exit, on errors and on Ctrl+C.
let relay: RelayProcess | undefined
let browser: Browser | undefined
let spaDir: string | undefined
let builtSpa = false
function cleanUp(): void {
  // stop() sends SIGTERM synchronously, so this also works inside process.on('exit').
  void relay?.stop()
  relay = undefined
  if (builtSpa && spaDir)
    rmSync(spaDir, { recursive: true, force: true })
  builtSpa = false
}
process.on('exit', cleanUp)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\n${signal}: stopping\n`)
    void browser?.close().catch(() => {})
    cleanUp()
    process.exit(130)
  })
}

const mb = (bytes: number) => bytes / 1024 / 1024

async function heapMb(cdp: CDPSession, gc: boolean): Promise<number> {
  if (gc)
    await cdp.send('HeapProfiler.collectGarbage')
  return mb((await cdp.send('Runtime.getHeapUsage')).usedSize)
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  return Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map(m => [m.name, m.value]))
}

/** Runs `measure` and adds the main-thread CPU time it took. */
async function withCpu<T>(cdp: CDPSession, measure: () => Promise<T>): Promise<T & { cpu: Cpu }> {
  const before = await metrics(cdp)
  const result = await measure()
  const after = await metrics(cdp)
  const delta = (name: string) => ((after[name] ?? 0) - (before[name] ?? 0)) * 1000
  return { ...result, cpu: { thread: delta('ThreadTime'), styleAndLayout: delta('LayoutDuration') + delta('RecalcStyleDuration') } }
}

/**
 * Opens the long conversation from the sidebar. The main-thread CPU time covers the click
 * to the paint only; the observers then collect for --settle-ms more (tasks that follow
 * the paint show up as long tasks, not in the CPU time).
 */
async function openLong(page: Page, cdp: CDPSession, seed: Seed): Promise<OpenResult & { cpu: Cpu }> {
  const { cpu } = await withCpu(cdp, () => page.evaluate(startOpen, { title: seed.bigTitle, marker: seed.lastMarker, messages: seed.bigMessages }))
  return { ...await page.evaluate(finishOpen, num('settle-ms')), cpu }
}

/** Clicks a conversation in the sidebar (not measured) and waits until it is on screen. */
async function select(page: Page, title: string, messages: number): Promise<void> {
  await page.evaluate((t) => {
    [...document.querySelectorAll<HTMLElement>('[data-testid="conversation-item"]')].find(b => b.textContent?.includes(t))!.click()
  }, title)
  await page.waitForFunction(n => document.querySelectorAll('.chat-message-list [data-testid="message"]').length === n, messages)
}

/** A fresh browser context with the seeded database and the app loaded, idle, showing a small conversation. */
async function openApp(url: string, seed: Seed): Promise<{ context: BrowserContext, page: Page, cdp: CDPSession }> {
  const context = await browser!.newContext({ viewport: { width: num('width'), height: num('height') }, locale: 'en-US', colorScheme: 'light' })
  try {
    // tsx compiles this file with esbuild's keepNames, which wraps named functions in
    // __name(...); the functions passed to page.evaluate need it defined in the page.
    await context.addInitScript('globalThis.__name ??= (target) => target')
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' })
    // Seed from a same-origin page that is not the app, so the app never sees an empty database.
    await page.goto(`${url}/healthz`)
    const stored = await page.evaluate(seedDatabase, { conversations: seed.conversations, messages: seed.messages })
    if (stored !== seed.messages.length)
      throw new Error(`seeded ${stored} messages, expected ${seed.messages.length}`)
    await page.goto(url)
    await page.waitForFunction(appReady, seed.conversations.length, { timeout: 20_000 })
    // Startup work (model list, lazy Markdown chunk, first paints) is over before measuring.
    await page.waitForLoadState('networkidle')
    await page.waitForTimeout(300)
    return { context, page, cdp }
  }
  catch (error) {
    await context.close()
    throw error
  }
}

async function runOnce(rep: number, url: string, seed: Seed): Promise<Run> {
  const { context, page, cdp } = await openApp(url, seed)
  try {
    if (num('cpu-slowdown') > 1)
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: num('cpu-slowdown') })
    const settleMs = num('settle-ms')
    const beforeMb = await heapMb(cdp, true)
    const nodesBefore = (await cdp.send('Memory.getDOMCounters')).nodes

    const loadBefore = loadavg()[0]!
    const open = await openLong(page, cdp, seed)
    const afterNoGcMb = await heapMb(cdp, false)
    const performanceMemoryMb = await page.evaluate(() => (performance as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null)
    const afterMb = await heapMb(cdp, true)
    const counters = await cdp.send('Memory.getDOMCounters')

    // An app that renders a long conversation progressively gets until then to finish: the scroll covers all of it.
    const waitStart = performance.now()
    await page.waitForFunction(n => document.querySelectorAll('.chat-message-list [data-testid="message"]').length === n, seed.bigMessages, { timeout: 30_000 })
    const allMessagesWaitMs = performance.now() - waitStart
    const scroll = await withCpu(cdp, () => page.evaluate(measureScroll, { durationMs: num('scroll-ms'), maxMs: num('scroll-ms') * 5 }))

    // Away to a small conversation and back: the same open with a warm page.
    const small = seed.conversations.find(c => c.id !== seed.bigId)!
    await select(page, small.title, small.messageIds.length)
    await page.waitForTimeout(settleMs)
    await cdp.send('HeapProfiler.collectGarbage')
    const reopen = await openLong(page, cdp, seed)
    return {
      rep,
      loadavg: loadBefore,
      open,
      reopen,
      scroll,
      allMessagesWaitMs,
      heap: { beforeMb, afterMb, afterNoGcMb, performanceMemoryMb: performanceMemoryMb === null ? null : mb(performanceMemoryMb) },
      dom: { nodesBefore, nodesAfter: counters.nodes, listenersAfter: counters.jsEventListeners },
    }
  }
  finally {
    await context.close()
  }
}

/** One more cold open with the V8 sampling profiler on; not part of the numbers (the profiler slows the page). */
async function profileOpen(url: string, seed: Seed, file: string): Promise<ReturnType<typeof functionTimes>> {
  const { context, page, cdp } = await openApp(url, seed)
  try {
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.setSamplingInterval', { interval: 250 })
    await cdp.send('HeapProfiler.collectGarbage')
    await cdp.send('Profiler.start')
    await page.evaluate(startOpen, { title: seed.bigTitle, marker: seed.lastMarker, messages: seed.bigMessages })
    const { profile } = await cdp.send('Profiler.stop')
    writeFileSync(file, JSON.stringify(profile))
    log(`wrote the CPU profile of an open to ${file} (open it in Chromium DevTools, Performance panel)`)
    return functionTimes(profile as CpuProfile)
  }
  finally {
    await context.close()
  }
}

function summarize(runs: Run[]) {
  const stat = (f: (r: Run) => number) => {
    const v = runs.map(f)
    return { median: median(v), max: max(v), min: Math.min(...v) }
  }
  const longest = (spans: { duration: number }[]) => spans.length ? Math.max(...spans.map(s => s.duration)) : 0
  const total = (spans: { duration: number }[]) => spans.reduce((sum, s) => sum + s.duration, 0)
  return {
    open: {
      dom: stat(r => r.open.dom),
      painted: stat(r => r.open.painted),
      cpu: stat(r => r.open.cpu.thread),
      cpuStyleAndLayout: stat(r => r.open.cpu.styleAndLayout),
      loafEnd: stat(r => r.open.loafEnd ?? Number.NaN),
      messagesAtFirstFrame: stat(r => r.open.messagesAtFirstFrame),
      allInDom: stat(r => r.open.allInDom ?? Number.NaN),
      longTasks: stat(r => r.open.longTasks.length),
      longestTask: stat(r => longest(r.open.longTasks)),
      longTaskTotal: stat(r => total(r.open.longTasks)),
      beforeRender: stat(r => r.open.frames.beforeRender),
      render: stat(r => r.open.frames.render),
      forced: stat(r => r.open.frames.forcedStyleAndLayout),
      lastVisible: runs.every(r => r.open.lastVisible),
    },
    reopen: {
      dom: stat(r => r.reopen.dom),
      painted: stat(r => r.reopen.painted),
      cpu: stat(r => r.reopen.cpu.thread),
      longestTask: stat(r => longest(r.reopen.longTasks)),
    },
    scroll: {
      p50: stat(r => percentile(r.scroll.deltas, 50)),
      p95: stat(r => percentile(r.scroll.deltas, 95)),
      p99: stat(r => percentile(r.scroll.deltas, 99)),
      worst: stat(r => max(r.scroll.deltas)),
      over50: stat(r => r.scroll.deltas.filter(d => d > 50).length),
      frames: stat(r => r.scroll.deltas.length),
      durationMs: stat(r => r.scroll.durationMs),
      longTasks: stat(r => r.scroll.longTasks.length),
      cpuPercent: stat(r => r.scroll.cpu.thread / r.scroll.durationMs * 100),
      cpuStyleAndLayoutPercent: stat(r => r.scroll.cpu.styleAndLayout / r.scroll.durationMs * 100),
      heightGrowth: stat(r => r.scroll.endScrollHeight / r.scroll.startScrollHeight),
      reachedTop: runs.every(r => r.scroll.reachedTop),
    },
    heap: {
      afterMb: stat(r => r.heap.afterMb),
      deltaMb: stat(r => r.heap.afterMb - r.heap.beforeMb),
      afterNoGcMb: stat(r => r.heap.afterNoGcMb),
      nodes: stat(r => r.dom.nodesAfter),
    },
  }
}

async function main(): Promise<void> {
  process.chdir(ROOT)
  const chromiumPath = findChromium()
  if (!chromiumPath)
    throw new Error('no Chromium at /usr/bin/chromium: install Debian\'s chromium (apt-get install chromium) or set CHROMIUM_PATH')
  const reps = Math.max(1, Math.round(num('reps')))
  const seed = createSeed(Math.round(num('messages')), Math.round(num('small')))

  if (opt('spa')) {
    spaDir = opt('spa')
  }
  else {
    spaDir = mkdtempSync(join(tmpdir(), 'sori-bench-ui-'))
    builtSpa = true
    await build({ configFile: 'vite.config.ts', logLevel: 'warn', build: { outDir: spaDir, emptyOutDir: true, ...(noMinify ? { minify: false } : {}) } })
    log(`built the SPA${noMinify ? ' (not minified)' : ''} into ${spaDir}`)
  }
  relay = await startRelay({}, spaDir)
  log(`relay (demo mode) at ${relay.url}`)
  browser = await launchChromium(chromiumPath)
  const chromiumVersion = browser.version()
  log(`Chromium ${chromiumVersion}; seeding ${seed.messages.length} messages in ${seed.conversations.length} conversations, ${reps} repetitions`)

  let idle: number[] = []
  const runs: Run[] = []
  for (let rep = 1; rep <= reps; rep++) {
    const run = await runOnce(rep, relay.url, seed)
    runs.push(run)
    log(`rep ${rep}: open ${fixed(run.open.painted)} ms (DOM ${fixed(run.open.dom)} ms, CPU ${fixed(run.open.cpu.thread)} ms, load ${run.loadavg.toFixed(1)}), re-open ${fixed(run.reopen.painted)} ms, scroll p95 ${fixed(percentile(run.scroll.deltas, 95))} ms, ${run.scroll.deltas.filter(d => d > 50).length} frames > 50 ms, heap ${fixed(run.heap.afterMb)} MB`)
  }
  {
    // Frame intervals of an idle page in this browser, for reference.
    const context = await browser.newContext()
    await context.addInitScript('globalThis.__name ??= (target) => target')
    const page = await context.newPage()
    await page.goto(`${relay.url}/healthz`)
    idle = await page.evaluate(idleFrames, 1000)
    await context.close()
  }
  const profileFile = opt('profile')
  const profile = profileFile ? await profileOpen(relay.url, seed, profileFile) : null
  await browser.close()
  browser = undefined
  await relay.stop()
  relay = undefined

  const s = summarize(runs)
  const row = (label: string, st: { median: number, max: number }, digits = 1, unit = 'ms') => [label, fixed(st.median, digits), fixed(st.max, digits), unit]
  const rows = [
    row('open: click -> last message in DOM', s.open.dom),
    row('open: click -> painted (double rAF)', s.open.painted),
    row('open: click -> end of last long animation frame', s.open.loafEnd),
    row('open: main-thread CPU time, click -> painted', s.open.cpu),
    row('open: main-thread CPU in style + layout', s.open.cpuStyleAndLayout),
    row('open: messages in the DOM at that frame', s.open.messagesAtFirstFrame, 0, ''),
    row(`open: click -> all ${seed.bigMessages} messages in the DOM`, s.open.allInDom),
    row('open: long tasks (count)', s.open.longTasks, 0, ''),
    row('open: longest task', s.open.longestTask),
    row('open: long task time, total', s.open.longTaskTotal),
    row('open: LoAF script before rendering', s.open.beforeRender),
    row('open: LoAF rendering update (style, layout, paint)', s.open.render),
    row('open: LoAF forced style + layout (in scripts)', s.open.forced),
    row('re-open (warm): click -> painted', s.reopen.painted),
    row('re-open (warm): main-thread CPU, click -> painted', s.reopen.cpu),
    row('re-open (warm): longest task', s.reopen.longestTask),
    row('scroll: frame interval p50', s.scroll.p50),
    row('scroll: frame interval p95', s.scroll.p95),
    row('scroll: frame interval p99', s.scroll.p99),
    row('scroll: longest frame', s.scroll.worst),
    row('scroll: frames > 50 ms', s.scroll.over50, 0, ''),
    row('scroll: frames', s.scroll.frames, 0, ''),
    row('scroll: time bottom -> top', s.scroll.durationMs, 0),
    row('scroll: long tasks (count)', s.scroll.longTasks, 0, ''),
    row('scroll: main-thread CPU, % of the time', s.scroll.cpuPercent, 0, '%'),
    row('scroll: main-thread style + layout, % of the time', s.scroll.cpuStyleAndLayoutPercent, 0, '%'),
    row('scroll: scrollHeight at the top / at the bottom', s.scroll.heightGrowth, 2, 'x'),
    row('JS heap after open (after GC)', s.heap.afterMb, 1, 'MB'),
    row('JS heap added by the open (after GC)', s.heap.deltaMb, 1, 'MB'),
    row('JS heap right after open (before GC)', s.heap.afterNoGcMb, 1, 'MB'),
    row('DOM nodes after open', s.heap.nodes, 0, ''),
  ]
  const openOk = s.open.painted.median < OPEN_BUDGET_MS && s.open.painted.max < OPEN_BUDGET_MS
  const smoothOk = s.scroll.p50.median <= SMOOTH.p50 && s.scroll.p95.median <= SMOOTH.p95 && s.scroll.over50.max <= SMOOTH.over50
  const budgets = [
    ['open < 200 ms (click -> painted, median and max)', `${fixed(s.open.painted.median)} / ${fixed(s.open.painted.max)} ms`, openOk ? 'ok' : 'over'],
    [`smooth scroll (p50 <= ${SMOOTH.p50}, p95 <= ${SMOOTH.p95}, no frame > 50 ms)`, `${fixed(s.scroll.p50.median)} / ${fixed(s.scroll.p95.median)} ms, ${fixed(s.scroll.over50.max, 0)} frames > 50 ms (worst run)`, smoothOk ? 'ok' : 'over'],
  ]
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', memoryGb: totalmem() / 2 ** 30, kernel: release(), node: process.version, chromium: chromiumVersion, loadavgAtStart: loadAtStart, loadavgAtEnd: loadavg() }
  process.stdout.write(`\nSori UI: open and scroll a conversation of ${seed.bigMessages} messages (${reps} reps, median and max over reps)\n`)
  process.stdout.write(`${machine.cpus} x ${machine.cpuModel}, Node ${machine.node}, Chromium ${machine.chromium} headless without GPU, viewport ${opt('width')}x${opt('height')}, CPU slowdown ${opt('cpu-slowdown')}x, load average ${machine.loadavgAtStart.map(l => l.toFixed(2)).join(' ')} at start, ${machine.loadavgAtEnd.map(l => l.toFixed(2)).join(' ')} at end\n`)
  process.stdout.write(`answers: ${seed.answerChars.min}-${seed.answerChars.max} chars (median ${seed.answerChars.median}), ${(seed.answerChars.total / 1000).toFixed(0)}k chars of Markdown; idle page frame interval p50 ${fixed(percentile(idle, 50))} ms\n\n`)
  const yes = (ok: boolean) => ok ? 'yes' : 'NO'
  process.stdout.write(`${table(['measure', 'median', 'max', 'unit'], rows)}\n\nin every run: last message on screen at the open's first frame ${yes(s.open.lastVisible)}; scroll reached the top ${yes(s.scroll.reachedTop)}\n\n${table(['budget', 'measured', 'verdict'], budgets)}\n`)
  const slowest = runs.reduce((a, b) => a.open.painted >= b.open.painted ? a : b)
  if (slowest.open.frames.scripts.length)
    process.stdout.write(`\nlongest scripts of the slowest open (rep ${slowest.rep}, LoAF attribution):\n${slowest.open.frames.scripts.map(x => `  ${fixed(x.duration)} ms  ${x.invoker}  ${x.source}${x.forced ? `  (forced layout ${fixed(x.forced)} ms)` : ''}`).join('\n')}\n`)

  if (profile) {
    const list = (times: { name: string, ms: number }[]) => times.map(f => `  ${fixed(f.ms).padStart(8)} ms  ${fixed(f.ms / profile.totalMs * 100, 0).padStart(3)} %  ${f.name}`).join('\n')
    process.stdout.write(`\nCPU profile of one more open (${fixed(profile.totalMs, 0)} ms sampled, written to ${profileFile}${noMinify ? '' : '; --no-minify gives readable names'}):\ninclusive:\n${list(profile.inclusive.slice(0, 30))}\nself:\n${list(profile.self.slice(0, 15))}\n`)
  }

  const jsonPath = opt('json')
  if (jsonPath) {
    const result = { date: new Date().toISOString(), machine, options: Object.fromEntries(Object.keys(spec).map(n => [n, opt(n as Name)])), seed: { conversations: seed.conversations.length, messages: seed.messages.length, bigMessages: seed.bigMessages, answerChars: seed.answerChars }, budgets: { openMs: OPEN_BUDGET_MS, smooth: SMOOTH, openOk, smoothOk }, summary: s, idleFrames: { p50: percentile(idle, 50), p95: percentile(idle, 95) }, runs }
    writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`)
    log(`wrote ${jsonPath}`)
  }
  log('done')
}

main().catch(async (error) => {
  process.stderr.write(`bench:ui failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  await browser?.close().catch(() => {})
  cleanUp()
  process.exit(1)
})
