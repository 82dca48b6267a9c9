// `npm run bench:relay`: what the Sori relay adds on top of an upstream, side by side with
// nginx proxy_pass and a direct connection, under the same load in the same run. See
// docs/BENCHMARKS.md for the method. `npm run bench:relay -- --help` lists the options.
import type { ChildProcess } from 'node:child_process'
import type { RunResult, RunSpec } from './relay/load'
import type { Target } from './relay/paths'
import type { RssPeak, RunRecord } from './relay/report'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, release, tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { setTimeout as sleep } from 'node:timers/promises'
import { findNginx, startNginx } from './relay/nginx'
import { list, num, opt, options, relayBundle, relayEnv } from './relay/options'
import { forkTs, reply, startRelay, startUpstream } from './relay/paths'
import { killChildrenOnExit, memoryMb, stop } from './relay/procs'
import { budgets, summarize, table } from './relay/report'
import { percentile } from './relay/stats'

const levels = list(opt('levels')).map(Number)
const reps = num('reps')
const big = num('big')
const schedule = { chunks: num('chunks'), intervalMs: num('interval'), thinkMs: num('think') }
const started = performance.now()
const loadAtStart = loadavg()
const log = (text: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${text}\n`)

/** Summed RSS of these processes in MB; null for none, or when one is gone (a crashed proxy must not end the run). */
function rssMb(pids: number[]): number | null {
  try {
    return pids.length ? pids.reduce((mb, pid) => mb + memoryMb(pid).rss, 0) : null
  }
  catch {
    return null
  }
}

async function main(): Promise<void> {
  killChildrenOnExit()
  const dir = mkdtempSync(join(tmpdir(), 'sori-bench-'))
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  const wanted = new Set([...list(opt('paths')), ...(big > 0 ? list(opt('big-paths')) : [])])
  const skipped: Record<string, string> = {}
  const targets: Target[] = []

  let nginxChild: ChildProcess | undefined
  const upstream = await startUpstream(schedule)
  log(`mock upstream ${upstream.url}: ${schedule.chunks} chunks, every ${schedule.intervalMs} ms, first after ${schedule.thinkMs} ms`)
  targets.push({ name: 'direct', url: upstream.url, pids: [] })

  const nginx = findNginx(opt('nginx') || undefined)
  if ('skip' in nginx) {
    skipped.nginx = nginx.skip
    log(`SKIPPING nginx: ${nginx.skip}`)
  }
  else if (wanted.has('nginx')) {
    try {
      const proxy = await startNginx(nginx.bin, dir, upstream.url)
      nginxChild = proxy.child
      targets.push(proxy.target)
    }
    catch (error) {
      skipped.nginx = `could not start: ${(error as Error).message}`
      log(`SKIPPING nginx: ${skipped.nginx}`)
    }
  }

  const relay = await startRelay(dir, upstream.url, { entry: opt('relay-entry'), bundle: relayBundle, nodeArgs: list(opt('relay-node-args').replaceAll(' ', ',')), env: relayEnv })
  targets.push(relay.target)
  log(`relay ${relay.target.url} (mode ${relay.log.mode ?? '?'}), nginx ${nginxChild && 'version' in nginx ? nginx.version : 'not started'}`)
  const guard = [...targets.filter(t => t.name === 'nginx').flatMap(t => t.pids.map(pid => ({ pid, signal: 'SIGTERM' }))), { pid: relay.child.pid!, signal: 'SIGKILL' }]
  upstream.child.send({ type: 'guard', guard })
  await sleep(1000)
  const idleMb = memoryMb(relay.child.pid!).rss
  const nginxPids = targets.find(t => t.name === 'nginx')?.pids ?? []
  const nginxIdleMb = rssMb(nginxPids)

  const load = forkTs('load.ts', 'load generator')
  let nextId = 0
  const run = async (spec: RunSpec): Promise<RunResult> => {
    const id = nextId++
    const answer = await reply<{ id: number, result?: RunResult, error?: string }>(load, 'result', { type: 'run', id, spec })
    if (!answer.result)
      throw new Error(answer.error)
    return answer.result
  }
  const spec = (t: Target, s: Partial<RunSpec>): RunSpec => ({ url: t.url, concurrency: 1, warmupPerClient: 1, rampMs: 0, expectedChunks: schedule.chunks, proxyPids: t.pids, upstreamPid: upstream.child.pid!, timeoutMs: 120_000, ...s })

  if (relay.log.mode !== 'upstream')
    log(`WARNING: the relay says mode "${relay.log.mode}", not "upstream": is OPENAI_BASE_URL still how it is configured?`)
  // Smoke test: a path that cannot stream a short answer correctly is reported and left out.
  for (const t of [...targets]) {
    const smoke = await run(spec(t, { requestsPerClient: 1, warmupPerClient: 0, maxTokens: 3, expectedChunks: 3 }))
    if (smoke.errors > 0) {
      skipped[t.name] = `smoke test failed: ${Object.keys(smoke.errorKinds).join(', ')}${t.name === 'relay' && relay.log.lastProblem ? `; relay log: ${relay.log.lastProblem}` : ''}`
      log(`SKIPPING ${t.name}: ${skipped[t.name]}`)
      targets.splice(targets.indexOf(t), 1)
    }
  }

  // Warm-up: JIT and connection pools get the same start on every path before anything counts.
  for (const t of targets)
    await run(spec(t, { concurrency: 32, requestsPerClient: 1, warmupPerClient: 0, rampMs: 200 }))
  log(`warmed up ${targets.map(t => t.name).join(', ')}`)

  // RSS every 100 ms, kept as the peak of the level running (all its reps and paths).
  const memory = { idleMb, nginxIdleMb, peakLevelsMb: 0, peakBigMb: 0, idleAfterMb: 0, nginxIdleAfterMb: null as number | null, peaks: [] as RssPeak[] }
  let level: RssPeak | undefined
  const sampler = setInterval(() => {
    if (!level)
      return
    level.relayMb = Math.max(level.relayMb, rssMb([relay.child.pid!]) ?? 0)
    level.nginxMb = Math.max(level.nginxMb, rssMb(nginxPids) ?? 0)
  }, 100)
  const records: RunRecord[] = []
  const measure = async (phase: RunRecord['phase'], concurrency: number, names: string[], s: Partial<RunSpec>) => {
    const chosen = targets.filter(t => names.includes(t.name))
    memory.peaks.push(level = { phase, concurrency, relayMb: 0, nginxMb: 0 })
    for (let rep = 0; rep < reps; rep++) {
      // Rotate the order every rep so drift and noise do not always favour the same path.
      for (const t of chosen.map((_, i) => chosen[(i + rep) % chosen.length]!)) {
        const result = await run(spec(t, { concurrency, ...s }))
        records.push({ phase, concurrency, rep, path: t.name, result })
        const ttft = (p: number) => percentile(result.ttftMs, p).toFixed(2)
        // A run without gaps (a 1-chunk answer) has NaN percentiles, which JSON over IPC makes null.
        const gap = (p: 'p50' | 'p99') => result.gapMs.count > 0 ? result.gapMs[p].toFixed(2) : '-'
        log(`c=${concurrency} rep ${rep + 1}/${reps} ${t.name.padEnd(6)} ${result.ttftMs.length} samples, TTFT p50 ${ttft(50)} p99 ${ttft(99)} ms, gap p50 ${gap('p50')} p99 ${gap('p99')} ms, CPU ${result.proxyCpuMs.toFixed(0)} ms, ${result.peakStreaming} streaming at once, ${result.exact}/${result.complete} exact, ${result.errors} errors`)
      }
    }
  }
  for (const c of levels)
    await measure('levels', c, list(opt('paths')), { seconds: num('seconds'), rampMs: schedule.thinkMs + schedule.chunks * schedule.intervalMs })
  if (big > 0) {
    const chunks = num('big-chunks')
    await reply(upstream.child, 'schedule', { type: 'schedule', chunks, intervalMs: num('big-interval') })
    await measure('big', big, list(opt('big-paths')), { requestsPerClient: 1, warmupPerClient: 0, rampMs: num('big-ramp'), expectedChunks: chunks })
  }
  clearInterval(sampler)
  await sleep(1000)
  memory.idleAfterMb = memoryMb(relay.child.pid!).rss
  memory.nginxIdleAfterMb = rssMb(nginxPids)
  const peakOf = (phase: RssPeak['phase']) => Math.max(0, ...memory.peaks.filter(p => p.phase === phase).map(p => p.relayMb))
  memory.peakLevelsMb = peakOf('levels')
  memory.peakBigMb = peakOf('big')
  // In order, and gently: the relay flushes a --cpu-prof profile on SIGTERM.
  const profiling = opt('relay-node-args').includes('prof')
  for (const child of [load, relay.child, nginxChild, upstream.child])
    await (child && stop(child, 'SIGTERM', child === relay.child && profiling ? 40_000 : 3000))

  const summaries = summarize(records, memory.peaks)
  const checks = budgets(summaries, memory, big)
  const mb = (n: number | null) => n === null ? '-' : `${n.toFixed(1)} MB`
  process.stdout.write(`\nSori relay benchmark, ${new Date().toISOString()}: ${reps} runs per row, medians of runs; times in ms\n`)
  process.stdout.write(`${cpus().length} x ${cpus()[0]?.model}, Linux ${release()}, Node ${process.version}, nginx ${'skip' in nginx ? 'skipped' : nginx.version}, load average ${loadAtStart.map(l => l.toFixed(2)).join(' ')} at start, ${loadavg().map(l => l.toFixed(2)).join(' ')} at end\n\n`)
  process.stdout.write(`${table(summaries)}\n\n`)
  for (const [name, why] of Object.entries(skipped))
    process.stdout.write(`SKIPPED ${name}: ${why}\n`)
  for (const s of summaries.filter(s => s.loadCpuPercent > 85))
    process.stdout.write(`note: the load generator reached ${s.loadCpuPercent.toFixed(0)}% of a core at ${s.concurrency} streams (${s.path}): it may limit that row\n`)
  for (const s of summaries.filter(s => s.errors > 0))
    process.stdout.write(`errors, ${s.path} at ${s.concurrency}: ${JSON.stringify(s.errorKinds)}\n`)
  for (const s of summaries.filter(s => s.mismatch))
    process.stdout.write(`fidelity, ${s.path} at ${s.concurrency}, first mismatch: ${s.mismatch}\n`)
  const peaks = memory.peaks.map(p => `${mb(p.relayMb)} at ${p.concurrency}${p.phase === 'big' ? ' (one request each)' : ''}`).join(', ')
  process.stdout.write(`relay RSS: idle after start ${mb(memory.idleMb)}; peak ${peaks || '-'}; idle after load ${mb(memory.idleAfterMb)}. nginx idle ${mb(memory.nginxIdleMb)} before, ${mb(memory.nginxIdleAfterMb)} after\n`)
  process.stdout.write(`relay log: ${relay.log.lines} lines, ${relay.log.warnings} warnings, ${relay.log.errors} errors\n\nBudgets (DESIGN.md section 6):\n`)
  for (const b of checks)
    process.stdout.write(`  ${b.verdict.toUpperCase().padEnd(4)} ${b.what}: ${b.measured} (budget ${b.budget})\n`)
  if (opt('json')) {
    const machine = { cpus: cpus().length, model: cpus()[0]?.model, kernel: release(), node: process.version, nginx: 'skip' in nginx ? null : nginx.version, loadavgStart: loadAtStart, loadavgEnd: loadavg() }
    writeFileSync(opt('json'), `${JSON.stringify({ date: new Date().toISOString(), machine, options: { ...options, schedule }, skipped, memory, relayLog: relay.log, budgets: checks, summaries, runs: records }, null, 2)}\n`)
    log(`wrote ${opt('json')}`)
  }
  log('done')
}

main().catch((error: Error) => {
  process.stderr.write(`\nbench:relay failed: ${error.stack ?? error}\n`)
  process.exit(1)
})
