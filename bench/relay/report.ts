// Turns runs into medians of runs, the stdout table and the budget check (DESIGN.md section 6).
import type { RunResult } from './load'
import { median, percentile } from './stats'

export interface RunRecord { phase: 'levels' | 'big', concurrency: number, rep: number, path: string, result: RunResult }

/** Peak RSS of the relay and of nginx (master + worker) while one level ran (all its reps and paths), MB. */
export interface RssPeak { phase: 'levels' | 'big', concurrency: number, relayMb: number, nginxMb: number }

export interface Summary {
  phase: 'levels' | 'big'
  concurrency: number
  path: string
  runs: number
  /** Successful requests per run (median): the sample behind each run's percentiles. */
  samplesPerRun: number
  ttftP50: number
  ttftP95: number
  ttftP99: number
  /** Median over reps of (this path's percentile minus direct's percentile in the same rep). */
  addedP50: number | null
  addedP99: number | null
  /** Inter-chunk gap percentiles over all gaps of a run's window (median over reps), and the same added vs direct. */
  gapP50: number
  gapP99: number
  addedGapP50: number | null
  addedGapP99: number | null
  /** Successful streams started per second in the window; chunks (SSE data events) received per second. */
  streamsPerSec: number
  chunksPerSec: number
  /** Proxy CPU (user + system, all threads; nginx master + worker) per SSE event delivered, and per 10,000 of them in ms. */
  cpuUsPerChunk: number | null
  cpuMsPer10kChunks: number | null
  cpuPercent: number | null
  upstreamCpuUsPerChunk: number
  /** Peak RSS of this path's proxy while its level ran, MB (null for direct). */
  rssPeakMb: number | null
  requests: number
  errors: number
  errorKinds: Record<string, number>
  /** Streams that arrived complete, and those of them byte-for-byte the mock's answer, summed over reps. */
  complete: number
  exact: number
  /** The first fidelity mismatch over the runs, described. */
  mismatch?: string
  peakOpen: number
  /** Least, over runs, of the most streams receiving content at one moment. */
  peakStreaming: number
  /** Load generator's own CPU, % of a core, highest over runs. */
  loadCpuPercent: number
}

/** A run's gap percentile; NaN when it had no gaps (JSON over IPC turned NaN into null). */
const gap = (r: RunResult, p: 'p50' | 'p99') => r.gapMs.count > 0 ? r.gapMs[p] : Number.NaN

export function summarize(records: RunRecord[], rss: RssPeak[]): Summary[] {
  const groups = new Map<string, RunRecord[]>()
  for (const r of records)
    groups.set(`${r.phase}|${r.concurrency}|${r.path}`, [...(groups.get(`${r.phase}|${r.concurrency}|${r.path}`) ?? []), r])
  return [...groups.values()].map((runs) => {
    const { phase, concurrency, path } = runs[0]!
    const direct = (rep: number) => records.find(r => r.phase === phase && r.concurrency === concurrency && r.rep === rep && r.path === 'direct')
    // A difference of percentiles within one rep (this path's minus direct's), then the median over reps.
    const added = (f: (r: RunResult) => number) => {
      if (path === 'direct')
        return null
      const diffs = runs.flatMap(r => direct(r.rep) ? [f(r.result) - f(direct(r.rep)!.result)] : []).filter(d => !Number.isNaN(d))
      return diffs.length ? median(diffs) : null
    }
    const per = (f: (r: RunResult) => number) => median(runs.map(r => f(r.result)))
    const proxied = path !== 'direct'
    return {
      phase,
      concurrency,
      path,
      runs: runs.length,
      samplesPerRun: per(r => r.ttftMs.length),
      ttftP50: per(r => percentile(r.ttftMs, 50)),
      ttftP95: per(r => percentile(r.ttftMs, 95)),
      ttftP99: per(r => percentile(r.ttftMs, 99)),
      addedP50: added(r => percentile(r.ttftMs, 50)),
      addedP99: added(r => percentile(r.ttftMs, 99)),
      gapP50: per(r => gap(r, 'p50')),
      gapP99: per(r => gap(r, 'p99')),
      addedGapP50: added(r => gap(r, 'p50')),
      addedGapP99: added(r => gap(r, 'p99')),
      streamsPerSec: per(r => r.ttftMs.length / r.wallMs * 1000),
      chunksPerSec: per(r => r.events / r.wallMs * 1000),
      cpuUsPerChunk: proxied ? per(r => r.proxyCpuMs * 1000 / r.events) : null,
      cpuMsPer10kChunks: proxied ? per(r => r.proxyCpuMs * 10_000 / r.events) : null,
      cpuPercent: proxied ? per(r => r.proxyCpuMs / r.wallMs * 100) : null,
      upstreamCpuUsPerChunk: per(r => r.upstreamCpuMs * 1000 / r.events),
      rssPeakMb: path === 'direct' ? null : rssOf(rss.find(m => m.phase === phase && m.concurrency === concurrency), path),
      requests: runs.reduce((n, r) => n + r.result.requests, 0),
      complete: runs.reduce((n, r) => n + r.result.complete, 0),
      exact: runs.reduce((n, r) => n + r.result.exact, 0),
      mismatch: runs.find(r => r.result.mismatch)?.result.mismatch,
      errors: runs.reduce((n, r) => n + r.result.errors, 0),
      errorKinds: runs.reduce<Record<string, number>>((kinds, r) => {
        for (const [kind, n] of Object.entries(r.result.errorKinds))
          kinds[kind] = (kinds[kind] ?? 0) + n
        return kinds
      }, {}),
      peakOpen: Math.min(...runs.map(r => r.result.peakOpen)),
      peakStreaming: Math.min(...runs.map(r => r.result.peakStreaming)),
      loadCpuPercent: Math.max(...runs.map(r => r.result.loadCpuPercent)),
    }
  })
}

function rssOf(peak: RssPeak | undefined, path: string): number | null {
  const mb = path === 'relay' ? peak?.relayMb : path === 'nginx' ? peak?.nginxMb : undefined
  return mb || null
}

const num = (value: number | null, digits = 2) => value === null || Number.isNaN(value) ? '-' : value.toFixed(digits)

export function table(summaries: Summary[]): string {
  const head = ['conc', 'path', 'n/run', 'TTFT p50', 'p95', 'p99', 'added p50', 'added p99', 'gap p50', 'gap p99', 'added gap p50', 'added gap p99', 'streams/s', 'chunks/s', 'CPU ms/10k chunks', 'CPU %', 'RSS peak MB', 'fidelity', 'errors']
  const rows = summaries.map(s => [
    `${s.concurrency}`,
    s.path,
    num(s.samplesPerRun, 0),
    num(s.ttftP50),
    num(s.ttftP95),
    num(s.ttftP99),
    num(s.addedP50),
    num(s.addedP99),
    num(s.gapP50),
    num(s.gapP99),
    num(s.addedGapP50),
    num(s.addedGapP99),
    num(s.streamsPerSec, 1),
    num(s.chunksPerSec, 0),
    num(s.cpuMsPer10kChunks, 0),
    num(s.cpuPercent, 0),
    num(s.rssPeakMb, 1),
    `${s.exact}/${s.complete} exact`,
    `${s.errors}/${s.requests}`,
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join(' | ')} |`
  return [line(head), `|${widths.map((w, i) => i < 2 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`).join('|')}|`, ...rows.map(line)].join('\n')
}

export interface Budget { what: string, budget: string, measured: string, verdict: 'ok' | 'over' | 'n/a' }

export function budgets(summaries: Summary[], memory: { idleMb: number | null }, big: number): Budget[] {
  const find = (phase: string, c: number, path: string) => summaries.find(s => s.phase === phase && s.concurrency === c && s.path === path)
  const verdict = (value: number | null | undefined, limit: number): Budget['verdict'] => value === null || value === undefined || Number.isNaN(value) ? 'n/a' : value <= limit ? 'ok' : 'over'
  const added = find('levels', 16, 'relay')?.addedP99
  const out: Budget[] = [{ what: 'added TTFT p99 at 16 streams (relay p99 - direct p99)', budget: '<= 3 ms', measured: `${num(added ?? null)} ms`, verdict: verdict(added, 3) }]
  for (const c of [...new Set(summaries.filter(s => s.phase === 'levels').map(s => s.concurrency))]) {
    const relay = find('levels', c, 'relay')?.cpuMsPer10kChunks
    const nginx = find('levels', c, 'nginx')?.cpuMsPer10kChunks
    const ratio = relay && nginx ? relay / nginx : null
    out.push({ what: `CPU per chunk vs nginx at ${c} streams`, budget: '<= 2x', measured: ratio === null ? '-' : `${ratio.toFixed(1)}x (${num(relay ?? null, 0)} vs ${num(nginx ?? null, 0)} ms per 10,000 chunks)`, verdict: verdict(ratio, 2) })
  }
  const b = find('big', big, 'relay')
  out.push({
    what: `${big} concurrent streams through the relay`,
    budget: 'no errors, all streaming at once',
    measured: b ? `${b.errors} errors in ${b.requests} streams (${b.exact}/${b.complete} exact); at most ${b.peakStreaming} streaming at once (least of the runs), TTFT p99 ${num(b.ttftP99, 0)} ms` : '-',
    verdict: b ? (b.errors === 0 && b.peakStreaming >= big ? 'ok' : 'over') : 'n/a',
  })
  out.push({ what: 'relay idle RSS after start', budget: '<= 60 MB', measured: `${num(memory.idleMb, 1)} MB`, verdict: verdict(memory.idleMb, 60) })
  return out
}
