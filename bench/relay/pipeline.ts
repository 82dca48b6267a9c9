// The relay's per-chunk path in one process, without sockets: `npm run bench:pipeline`.
// An upstream body (a web stream that gives one mock frame per read, each after a
// setImmediate, as socket reads arrive) goes through the event reader and the answer
// pump into the client stream, and a reader drains it. `floor` does the least the same
// path can: eventsource-parser, an id per event, enqueue. Prints time and allocation per
// chunk for each; allocation comes from V8's sampling heap profiler (collected objects
// included), so it is an estimate. Use it to compare changes to relay/upstream/*.ts.
import type { AnswerOptions } from '../../relay/upstream/answer-pump'
import { Session } from 'node:inspector/promises'
import { performance } from 'node:perf_hooks'
import process from 'node:process'
import { setImmediate } from 'node:timers/promises'
import { createParser } from 'eventsource-parser'
import { createClientStream } from '../../relay/upstream/client-stream'
import { readEvents } from '../../relay/upstream/events'
import { answerData, BENCH_MODEL } from './answer'

const ANSWERS = 300
const ROUNDS = 5
const encoder = new TextEncoder()
// As the mock sends them: the role chunk and the first content chunk together, then one frame per write.
const frames = (() => {
  const text = answerData(BENCH_MODEL, 200, false).map(data => `data: ${data}\n\n`)
  return [text[0]! + text[1]!, ...text.slice(2)].map(frame => encoder.encode(frame))
})()

function upstreamBody(): ReadableStream<Uint8Array> {
  let next = 0
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await setImmediate()
      if (next < frames.length)
        controller.enqueue(frames[next++]!)
      else
        controller.close()
    },
  }, { highWaterMark: 1 })
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stream.getReader()
  let bytes = 0
  for (let result = await reader.read(); !result.done; result = await reader.read())
    bytes += result.value.byteLength
  return bytes
}

async function relayAnswer(): Promise<number> {
  const reader = readEvents(upstreamBody())
  const target = { model: BENCH_MODEL, upstreamModel: BENCH_MODEL, pricing: null, upstream: { name: 'bench', baseUrl: 'http://127.0.0.1/v1', apiKey: '', models: null, includeUsage: true } }
  const options: AnswerOptions = {
    // What the commit point hands over: the first read's events.
    opening: reader.next().then(buffered => ({ target, buffered: buffered ?? [], reader, abort: () => {} })),
    abort: () => {},
    requestedModel: BENCH_MODEL,
    clientWantsUsage: false,
    idleMs: 60_000,
    deadline: Date.now() + 600_000,
    keepaliveMs: 15_000,
    redact: text => text,
  }
  return drain(createClientStream(options))
}

async function floorAnswer(): Promise<number> {
  const source = upstreamBody().getReader()
  const decoder = new TextDecoder()
  let id = 1
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const output = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
    },
  })
  const parser = createParser({ onEvent: event => controller.enqueue(encoder.encode(`id: ${id++}\ndata: ${event.data}\n\n`)) })
  void (async () => {
    for (let result = await source.read(); !result.done; result = await source.read())
      parser.feed(decoder.decode(result.value, { stream: true }))
    controller.close()
  })()
  return drain(output)
}

async function measure(answer: () => Promise<number>, session: Session): Promise<{ usPerChunk: number, bytesPerChunk: number }> {
  const chunks = ANSWERS * frames.length
  const start = performance.now()
  for (let i = 0; i < ANSWERS; i++)
    await answer()
  const usPerChunk = (performance.now() - start) * 1000 / chunks
  await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true })
  for (let i = 0; i < ANSWERS; i++)
    await answer()
  const { profile } = await session.post('HeapProfiler.stopSampling')
  let bytes = 0
  const walk = (node: typeof profile.head): void => {
    bytes += node.selfSize
    node.children.forEach(walk)
  }
  walk(profile.head)
  return { usPerChunk, bytesPerChunk: bytes / chunks }
}

const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]!

async function main(): Promise<void> {
  const session = new Session()
  session.connect()
  await session.post('HeapProfiler.enable')
  const paths = { relay: relayAnswer, floor: floorAnswer }
  const results: Record<string, { us: number[], bytes: number[] }> = { relay: { us: [], bytes: [] }, floor: { us: [], bytes: [] } }
  // A warm-up round first, then the paths alternate, so that drift hits both alike.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, answer] of Object.entries(paths)) {
      const { usPerChunk, bytesPerChunk } = await measure(answer, session)
      if (round === 0)
        continue
      results[name]!.us.push(usPerChunk)
      results[name]!.bytes.push(bytesPerChunk)
      process.stdout.write(`round ${round} ${name.padEnd(5)} ${usPerChunk.toFixed(2)} µs/chunk, ${bytesPerChunk.toFixed(0)} bytes/chunk\n`)
    }
  }
  for (const [name, { us, bytes }] of Object.entries(results))
    process.stdout.write(`median ${name.padEnd(5)} ${median(us).toFixed(2)} µs/chunk, ${median(bytes).toFixed(0)} bytes/chunk (${ANSWERS} answers of ${frames.length} chunks per round, ${ROUNDS} rounds)\n`)
  session.disconnect()
}

main().catch((error: Error) => {
  process.stderr.write(`bench:pipeline failed: ${error.stack ?? error}\n`)
  process.exit(1)
})
