// Turns runs into medians of runs, the stdout table and the budget check (DESIGN.md section 6).
import type { RunResult } from './load'

export interface RunRecord { phase: 'levels' | 'big', concurrency: number, rep: number, path: string, result: RunResult }

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
  /** Successful streams started per second in the window; chunks (SSE data events) received per second. */
  streamsPerSec: number
  chunksPerSec: number
  /** Proxy CPU (user + system, all threads; nginx master + worker) per SSE event delivered. */
  cpuUsPerChunk: number | null
  cpuPercent: number | null
  upstreamCpuUsPerChunk: number
  requests: number
  errors: number
  errorKinds: Record<string, number>
  peakOpen: number
  /** Least, over runs, of the most streams receiving content at one moment. */
  peakStreaming: number
  /** Load generator's own CPU, % of a core, highest over runs. */
  loadCpuPercent: number
}

/** Linear interpolation between closest ranks. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0)
    return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (sorted.length - 1) * p / 100
  const low = Math.floor(rank)
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (rank - low)
}

export const median = (values: number[]) => percentile(values, 50)

export function summarize(records: RunRecord[]): Summary[] {
  const groups = new Map<string, RunRecord[]>()
  for (const r of records)
    groups.set(`${r.phase}|${r.concurrency}|${r.path}`, [...(groups.get(`${r.phase}|${r.concurrency}|${r.path}`) ?? []), r])
  return [...groups.values()].map((runs) => {
    const { phase, concurrency, path } = runs[0]!
    const direct = (rep: number) => records.find(r => r.phase === phase && r.concurrency === concurrency && r.rep === rep && r.path === 'direct')
    const added = (p: number) => {
      if (path === 'direct')
        return null
      const diffs = runs.flatMap(r => direct(r.rep) ? [percentile(r.result.ttftMs, p) - percentile(direct(r.rep)!.result.ttftMs, p)] : [])
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
      addedP50: added(50),
      addedP99: added(99),
      streamsPerSec: per(r => r.ttftMs.length / r.wallMs * 1000),
      chunksPerSec: per(r => r.events / r.wallMs * 1000),
      cpuUsPerChunk: proxied ? per(r => r.proxyCpuMs * 1000 / r.events) : null,
      cpuPercent: proxied ? per(r => r.proxyCpuMs / r.wallMs * 100) : null,
      upstreamCpuUsPerChunk: per(r => r.upstreamCpuMs * 1000 / r.events),
      requests: runs.reduce((n, r) => n + r.result.requests, 0),
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

const num = (value: number | null, digits = 2) => value === null || Number.isNaN(value) ? '-' : value.toFixed(digits)

export function table(summaries: Summary[]): string {
  const head = ['conc', 'path', 'n/run', 'TTFT p50', 'p95', 'p99', 'added p50', 'added p99', 'streams/s', 'chunks/s', 'CPU us/chunk', 'CPU %', 'errors']
  const rows = summaries.map(s => [
    `${s.concurrency}`,
    s.path,
    num(s.samplesPerRun, 0),
    num(s.ttftP50),
    num(s.ttftP95),
    num(s.ttftP99),
    num(s.addedP50),
    num(s.addedP99),
    num(s.streamsPerSec, 1),
    num(s.chunksPerSec, 0),
    num(s.cpuUsPerChunk, 1),
    num(s.cpuPercent, 0),
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
    const relay = find('levels', c, 'relay')?.cpuUsPerChunk
    const nginx = find('levels', c, 'nginx')?.cpuUsPerChunk
    const ratio = relay && nginx ? relay / nginx : null
    out.push({ what: `CPU per chunk vs nginx at ${c} streams`, budget: '<= 2x', measured: ratio === null ? '-' : `${ratio.toFixed(1)}x (${num(relay ?? null, 1)} vs ${num(nginx ?? null, 1)} us)`, verdict: verdict(ratio, 2) })
  }
  const b = find('big', big, 'relay')
  out.push({
    what: `${big} concurrent streams through the relay`,
    budget: 'no errors, all streaming at once',
    measured: b ? `${b.errors} errors in ${b.requests} streams; at most ${b.peakStreaming} streaming at once (least of the runs), TTFT p99 ${num(b.ttftP99, 0)} ms` : '-',
    verdict: b ? (b.errors === 0 && b.peakStreaming >= big ? 'ok' : 'over') : 'n/a',
  })
  out.push({ what: 'relay idle RSS after start', budget: '<= 60 MB', measured: `${num(memory.idleMb, 1)} MB`, verdict: verdict(memory.idleMb, 60) })
  return out
}
