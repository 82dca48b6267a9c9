// A fast mock OpenAI-compatible upstream on plain node:http, so it is never the bottleneck.
// `POST /v1/chat/completions` streams the answer of answer.ts (a role chunk, N content chunks of
// 40 bytes of content each, a finish chunk, a usage chunk when asked, `data: [DONE]`) on a fixed
// schedule: the role and first content chunk at `thinkMs`, then one chunk every `intervalMs`,
// timed from the request's arrival so bursts do not accumulate drift. `max_tokens` caps N.
// Run alone: `tsx bench/relay/upstream.ts [--port 0] [--chunks 200] [--interval 5] [--think 0]`.
// Forked by bench/relay.ts, it reports its URL and takes schedule changes over IPC.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Buffer } from 'node:buffer'
import { createServer } from 'node:http'
import process from 'node:process'
import { parseArgs } from 'node:util'
import { answerData } from './answer'

export interface Schedule { chunks: number, intervalMs: number, thinkMs: number }

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, chunks: { type: 'string', default: '200' }, interval: { type: 'string', default: '5' }, think: { type: 'string', default: '0' } } })
const schedule: Schedule = { chunks: Number(values.chunks), intervalMs: Number(values.interval), thinkMs: Number(values.think) }

/** Frames are built once per model and chunk count, then reused: the mock does almost no work per chunk. */
const cache = new Map<string, Buffer[]>()
function framesFor(model: string, n: number, usage: boolean): Buffer[] {
  const key = `${model}\0${n}\0${usage}`
  let frames = cache.get(key)
  if (!frames) {
    const text = answerData(model, n, usage).map(data => `data: ${data}\n\n`)
    // The role chunk and the first content chunk leave together, as the first write.
    frames = [Buffer.from(text[0]! + text[1]!), ...text.slice(2).map(t => Buffer.from(t))]
    cache.set(key, frames)
  }
  return frames
}

function stream(req: IncomingMessage, res: ServerResponse, body: string): void {
  let request: { model?: unknown, max_tokens?: unknown, stream_options?: { include_usage?: unknown } }
  try {
    request = JSON.parse(body)
  }
  catch {
    res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":{"message":"bad json"}}')
    return
  }
  const model = typeof request.model === 'string' ? request.model : 'bench-model'
  const n = Math.max(1, Math.min(schedule.chunks, typeof request.max_tokens === 'number' ? request.max_tokens : Infinity))
  const frames = framesFor(model, n, request.stream_options?.include_usage === true)
  const { intervalMs, thinkMs } = schedule
  const start = performance.now()
  let next = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' })
  const tick = () => {
    res.write(frames[next++]!)
    if (next === frames.length)
      return res.end()
    timer = setTimeout(tick, Math.max(0, start + thinkMs + next * intervalMs - performance.now()))
  }
  res.on('close', () => clearTimeout(timer))
  timer = setTimeout(tick, thinkMs)
  req.on('error', () => clearTimeout(timer))
}

const MODELS = JSON.stringify({ object: 'list', data: [{ id: 'bench-model', object: 'model', created: 0, owned_by: 'bench' }] })

const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, (req, res) => {
  if (req.method === 'GET' && req.url === '/v1/models')
    return res.writeHead(200, { 'Content-Type': 'application/json' }).end(MODELS)
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
    return res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":{"message":"not found"}}')
  const parts: Buffer[] = []
  req.on('data', (part: Buffer) => parts.push(part))
  req.on('end', () => stream(req, res, Buffer.concat(parts).toString('utf8')))
})
server.headersTimeout = 60_000
server.maxRequestsPerSocket = 0

server.listen(Number(values.port), '127.0.0.1', () => {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  if (process.send)
    process.send({ type: 'listening', url })
  else
    process.stdout.write(`${JSON.stringify({ event: 'listening', url, ...schedule })}\n`)
})

/** Processes to end if the benchmark dies without cleaning up (SIGKILL): nginx and the relay. */
let guarded: { pid: number, signal: NodeJS.Signals }[] = []

process.on('message', (message: { type: string, guard?: typeof guarded } & Partial<Schedule>) => {
  if (message.type === 'guard')
    guarded = message.guard ?? []
  if (message.type !== 'schedule')
    return
  Object.assign(schedule, { chunks: message.chunks ?? schedule.chunks, intervalMs: message.intervalMs ?? schedule.intervalMs, thinkMs: message.thinkMs ?? schedule.thinkMs })
  process.send?.({ type: 'schedule', ...schedule })
})
// Forked: the parent going away (even by SIGKILL) closes the IPC channel; take the others along.
process.on('disconnect', () => {
  for (const { pid, signal } of guarded) {
    try {
      process.kill(pid, signal)
    }
    catch {}
  }
  process.exit(0)
})
