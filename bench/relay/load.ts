// The load generator, forked by bench/relay.ts into its own process so that its CPU is
// never counted as the proxy's. Per run: C clients on one keep-alive agent, each sending
// a streaming chat request and reading it to the end, again and again. CPU of the
// processes under test is read from /proc right before and after the measured phase.
import type { Sample } from './request'
import { Agent } from 'node:http'
import process from 'node:process'
import { setTimeout as sleep } from 'node:timers/promises'
import { BENCH_MODEL } from './answer'
import { sumCpuMs } from './procs'
import { oneRequest, tally } from './request'
import { percentile } from './stats'

export interface RunSpec {
  url: string
  concurrency: number
  /**
   * Steady state: client i starts at rampMs * i / C and clients loop until the tally closes;
   * the tally opens when the ramp ends and lasts `seconds`. Only requests started in it give
   * TTFT samples, and CPU and chunks are counted over it. Requests in flight then finish.
   */
  seconds?: number
  /** Or: each client sends exactly this many requests, all of them measured (the 1,000-stream run). */
  requestsPerClient?: number
  /** Short requests (max_tokens 4) per client before the run: connections and JIT warm. */
  warmupPerClient: number
  rampMs: number
  /** Content chunks a complete answer has; anything else is an error. */
  expectedChunks: number
  maxTokens?: number
  proxyPids: number[]
  upstreamPid: number
  timeoutMs: number
}

export interface RunResult {
  /** Every request of the run (ramp and tail included), and those that failed. */
  requests: number
  errors: number
  errorKinds: Record<string, number>
  /** Time to the first data event with content, per successful request started in the tally, ms. */
  ttftMs: number[]
  totalMs: number[]
  /**
   * Inter-chunk gaps: time between consecutive content events of one stream as the client
   * received them, for every gap that ended in the window (all streams, failed ones too), ms.
   * Only the percentiles travel: a run at 256 streams has about 100,000 gaps per window second.
   */
  gapMs: { count: number, p50: number, p99: number, max: number }
  /** Streams of the run that arrived complete (`[DONE]`, no error), and those byte-for-byte as the mock sent them. */
  complete: number
  exact: number
  /** The run's first fidelity mismatch, described, if any. */
  mismatch?: string
  /** Streams completed, SSE data events and bytes received during the tally. */
  streamsDone: number
  events: number
  bytes: number
  wallMs: number
  proxyCpuMs: number
  upstreamCpuMs: number
  /** Most responses open (headers received) and most streaming (content received, not ended) at one moment. */
  peakOpen: number
  peakStreaming: number
  /** This load generator's own CPU during the window, % of one core: near 100 means it, not the proxy, limits. */
  loadCpuPercent: number
}

async function clients(spec: RunSpec, agent: Agent, body: string, expected: number, more: (k: number) => boolean): Promise<Sample[]> {
  const samples: Sample[] = []
  await Promise.all(Array.from({ length: spec.concurrency }, async (_, i) => {
    if (spec.rampMs > 0)
      await sleep(spec.rampMs * i / spec.concurrency)
    for (let k = 0; more(k); k++)
      samples.push(await oneRequest(spec.url, agent, body, expected, spec.timeoutMs))
  }))
  return samples
}

const bodyOf = (maxTokens?: number) => JSON.stringify({ model: BENCH_MODEL, stream: true, ...(maxTokens ? { max_tokens: maxTokens } : {}), messages: [{ role: 'user', content: 'Write two hundred tokens about relays.' }] })

export async function run(spec: RunSpec): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency, keepAliveMsecs: 30_000 })
  try {
    if (spec.warmupPerClient > 0)
      await clients({ ...spec, rampMs: 0 }, agent, bodyOf(4), 4, k => k < spec.warmupPerClient)
    Object.assign(tally, { measuring: false, events: 0, bytes: 0, streamsDone: 0, open: 0, peakOpen: 0, streaming: 0, peakStreaming: 0, gaps: [] })
    let cpu = 0
    let upstreamCpu = 0
    let t0 = 0
    let t1 = Infinity
    let own = process.cpuUsage()
    const begin = () => {
      own = process.cpuUsage()
      cpu = sumCpuMs(spec.proxyPids)
      upstreamCpu = sumCpuMs([spec.upstreamPid])
      t0 = performance.now()
      tally.measuring = true
    }
    const end = () => {
      t1 = performance.now()
      own = process.cpuUsage(own)
      tally.measuring = false
      cpu = sumCpuMs(spec.proxyPids) - cpu
      upstreamCpu = sumCpuMs([spec.upstreamPid]) - upstreamCpu
    }
    const steady = spec.requestsPerClient === undefined
    let samples: Sample[]
    if (steady) {
      // The window opens as the last client starts.
      const rampEnd = spec.rampMs * (spec.concurrency - 1) / spec.concurrency
      const opening = setTimeout(begin, rampEnd)
      const closing = setTimeout(end, rampEnd + spec.seconds! * 1000)
      samples = await clients(spec, agent, bodyOf(spec.maxTokens), spec.expectedChunks, () => t1 === Infinity)
      clearTimeout(opening)
      clearTimeout(closing)
    }
    else {
      begin()
      samples = await clients(spec, agent, bodyOf(spec.maxTokens), spec.expectedChunks, k => k < spec.requestsPerClient!)
      end()
    }
    const measured = samples.filter(s => !s.error && s.start >= t0 && s.start < t1)
    const errorKinds: Record<string, number> = {}
    for (const s of samples.filter(s => s.error))
      errorKinds[s.error!] = (errorKinds[s.error!] ?? 0) + 1
    return {
      requests: samples.length,
      errors: samples.filter(s => s.error).length,
      errorKinds,
      ttftMs: measured.map(s => s.ttft),
      totalMs: measured.map(s => s.total),
      gapMs: { count: tally.gaps.length, p50: percentile(tally.gaps, 50), p99: percentile(tally.gaps, 99), max: percentile(tally.gaps, 100) },
      complete: samples.filter(s => s.complete).length,
      exact: samples.filter(s => s.exact).length,
      mismatch: samples.find(s => s.mismatch)?.mismatch,
      streamsDone: tally.streamsDone,
      events: tally.events,
      bytes: tally.bytes,
      wallMs: t1 - t0,
      proxyCpuMs: cpu,
      upstreamCpuMs: upstreamCpu,
      peakOpen: tally.peakOpen,
      peakStreaming: tally.peakStreaming,
      loadCpuPercent: (own.user + own.system) / 1000 / (t1 - t0) * 100,
    }
  }
  finally {
    agent.destroy()
  }
}

if (process.send) {
  process.on('message', (message: { type: 'run', id: number, spec: RunSpec }) => {
    run(message.spec).then(
      result => process.send!({ type: 'result', id: message.id, result }),
      (error: Error) => process.send!({ type: 'result', id: message.id, error: error.stack ?? String(error) }),
    )
  })
  process.on('disconnect', () => process.exit(0))
}
