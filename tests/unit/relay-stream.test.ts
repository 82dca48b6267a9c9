import type { AnswerOptions, StreamOutcome } from '../../relay/upstream/answer-pump'
import { describe, expect, it, vi } from 'vitest'
import { createRedactor } from '../../relay/errors'
import { createClientStream } from '../../relay/upstream/client-stream'
import { readEvents } from '../../relay/upstream/events'
import { bodyOf, cutAt, seededRandom } from '../fixtures/chunking'

const encoder = new TextEncoder()

function chunkJson(content: string | null, finish: string | null = null): string {
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4.1',
    choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
  })
}

const A = chunkJson('안녕')
const B = chunkJson('하세요')
const STOP = chunkJson(null, 'stop')

/** An upstream body the test feeds by hand, for cancelling mid-stream. */
function liveUpstream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let markCancelled!: () => void
  const cancelled = new Promise<void>((resolve) => {
    markCancelled = resolve
  })
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
    },
    cancel() {
      markCancelled()
    },
  })
  return { body, cancelled, push: (text: string) => controller.enqueue(encoder.encode(text)) }
}

function relay(body: ReadableStream<Uint8Array>, secrets: string[] = [], overrides: Partial<AnswerOptions> = {}) {
  const abortUpstream = vi.fn()
  const outcomes: StreamOutcome[] = []
  const target = { model: 'gpt-4.1', upstreamModel: 'gpt-4.1', pricing: null, upstream: { name: 'u', baseUrl: 'http://u.test/v1', apiKey: '', models: null, includeUsage: true } }
  const output = createClientStream({
    opening: Promise.resolve({ target, buffered: [], reader: readEvents(body), abort: () => {} }),
    abort: abortUpstream,
    requestedModel: 'gpt-4.1',
    clientWantsUsage: true,
    idleMs: 60_000,
    deadline: Date.now() + 60_000,
    keepaliveMs: 60_000,
    redact: createRedactor(secrets),
    onEnd: outcome => outcomes.push(outcome),
    ...overrides,
  })
  return { output, abortUpstream, outcomes }
}

async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let text = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done)
      return text + decoder.decode()
    text += decoder.decode(value, { stream: true })
  }
}

async function relayText(parts: Array<string | Uint8Array>, failWith?: Error) {
  const body = bodyOf(parts, failWith)
  const run = relay(body)
  return { text: await readText(run.output), ...run }
}

function errorFrame(id: number, message: string, code: string): string {
  return `id: ${id}\ndata: ${JSON.stringify({ error: { message, type: 'upstream_error', code } })}\n\n`
}

describe('relayEventStream: streams that finish', () => {
  it('numbers every data event and ends with [DONE] carrying an id', async () => {
    const { text, outcomes, abortUpstream } = await relayText([`data: ${A}\n\n`, `data: ${B}\n\n`, `data: ${STOP}\n\n`, 'data: [DONE]\n\n'])

    expect(text).toBe(`id: 1\ndata: ${A}\n\nid: 2\ndata: ${B}\n\nid: 3\ndata: ${STOP}\n\nid: 4\ndata: [DONE]\n\n`)
    expect(outcomes).toEqual([{ kind: 'done' }])
    expect(abortUpstream).not.toHaveBeenCalled()
  })

  it('adds [DONE] when the upstream ends after a finish_reason without sending it', async () => {
    const { text, outcomes } = await relayText([`data: ${A}\n\ndata: ${STOP}\n\n`])

    expect(text).toBe(`id: 1\ndata: ${A}\n\nid: 2\ndata: ${STOP}\n\nid: 3\ndata: [DONE]\n\n`)
    expect(outcomes).toEqual([{ kind: 'done' }])
  })

  it('replaces the upstream ids with its own and drops comments and empty data', async () => {
    const { text } = await relayText([
      ': OPENROUTER PROCESSING\n\n',
      `id: upstream-7\ndata: ${A}\n\n`,
      'data:\n\n',
      ': keepalive\n\n',
      `id: upstream-8\ndata: ${STOP}\n\n`,
      'data: [DONE]\n\n',
    ])

    expect(text).toBe(`id: 1\ndata: ${A}\n\nid: 2\ndata: ${STOP}\n\nid: 3\ndata: [DONE]\n\n`)
  })

  it('stops at [DONE] and cancels the upstream body that is still open', async () => {
    const upstream = liveUpstream()
    const { output, outcomes, abortUpstream } = relay(upstream.body)
    upstream.push(`data: ${STOP}\n\ndata: [DONE]\n\ndata: ${A}\n\n`)
    upstream.push('data: not json\n\n')

    expect(await readText(output)).toBe(`id: 1\ndata: ${STOP}\n\nid: 2\ndata: [DONE]\n\n`)
    await upstream.cancelled
    expect(outcomes).toEqual([{ kind: 'done' }])
    expect(abortUpstream).not.toHaveBeenCalled()
  })
})

describe('relayEventStream: streams that fail end in exactly one error frame', () => {
  it('ends a stream that stops without finish_reason with stream_truncated and no [DONE]', async () => {
    const { text, outcomes } = await relayText([`data: ${A}\n\n`, `data: ${B}\n\n`])

    expect(text).toBe(`id: 1\ndata: ${A}\n\nid: 2\ndata: ${B}\n\n${errorFrame(3, 'The provider stopped sending before the answer was complete.', 'stream_truncated')}`)
    expect(outcomes).toEqual([{ kind: 'error', code: 'stream_truncated', message: 'The provider stopped sending before the answer was complete.' }])
  })

  it('ends an empty upstream body with stream_truncated', async () => {
    const { text } = await relayText([])
    expect(text).toBe(errorFrame(1, 'The provider stopped sending before the answer was complete.', 'stream_truncated'))
  })

  it('does not count an event left without its blank line as complete', async () => {
    const { text } = await relayText([`data: ${A}\n\ndata: ${STOP}\n`])
    expect(text).toBe(`id: 1\ndata: ${A}\n\n${errorFrame(2, 'The provider stopped sending before the answer was complete.', 'stream_truncated')}`)
  })

  it('turns an upstream error JSON after the 200 into an upstream_stream_error frame', async () => {
    const { text, outcomes } = await relayText([
      `data: ${A}\n\n`,
      'data: {"error":{"message":"Overloaded","type":"server_error","code":503}}\n\n',
      `data: ${B}\n\ndata: [DONE]\n\n`,
    ])

    expect(text).toBe(`id: 1\ndata: ${A}\n\n${errorFrame(2, 'Overloaded', 'upstream_stream_error')}`)
    expect(outcomes).toEqual([{ kind: 'error', code: 'upstream_stream_error', message: 'Overloaded' }])
  })

  it('accepts an error given as a plain string', async () => {
    const { text } = await relayText(['data: {"error":"rate limit exceeded"}\n\n'])
    expect(text).toBe(errorFrame(1, 'rate limit exceeded', 'upstream_stream_error'))
  })

  it('treats an event named error as an error', async () => {
    const { text } = await relayText(['event: error\ndata: {"detail":"boom"}\n\n'])
    expect(text).toBe(errorFrame(1, 'The provider reported an error.', 'upstream_stream_error'))
  })

  it('redacts secrets in the upstream error message', async () => {
    const body = bodyOf(['data: {"error":{"message":"Incorrect API key provided: the-upstream-key-123"}}\n\n'])
    const { output, outcomes } = relay(body, ['the-upstream-key-123'])

    expect(await readText(output)).toBe(errorFrame(1, 'Incorrect API key provided: [redacted]', 'upstream_stream_error'))
    expect(outcomes).toEqual([{ kind: 'error', code: 'upstream_stream_error', message: 'Incorrect API key provided: [redacted]' }])
  })

  it('turns data that is not JSON into an upstream_protocol_error frame', async () => {
    const { text, outcomes } = await relayText([`data: ${A}\n\n`, 'data: <html>Bad Gateway</html>\n\n'])

    expect(text).toBe(`id: 1\ndata: ${A}\n\n${errorFrame(2, 'The provider sent data that is not JSON.', 'upstream_protocol_error')}`)
    expect(outcomes).toEqual([{ kind: 'error', code: 'upstream_protocol_error', message: 'The provider sent data that is not JSON.' }])
  })

  it('treats JSON that is not an object as a protocol error', async () => {
    const { text } = await relayText(['data: 42\n\n'])
    expect(text).toBe(errorFrame(1, 'The provider sent data that is not JSON.', 'upstream_protocol_error'))
  })

  it('turns a broken upstream connection into an error frame', async () => {
    const { text, outcomes } = await relayText([`data: ${A}\n\n`], new TypeError('terminated'))

    expect(text).toBe(`id: 1\ndata: ${A}\n\n${errorFrame(2, 'The connection to the provider broke before the answer was complete.', 'upstream_stream_error')}`)
    expect(outcomes).toEqual([{ kind: 'error', code: 'upstream_stream_error', message: 'The connection to the provider broke before the answer was complete.' }])
  })

  it('reports a broken connection even after a finish_reason, never [DONE]', async () => {
    const { text } = await relayText([`data: ${STOP}\n\n`], new TypeError('terminated'))
    expect(text).toBe(`id: 1\ndata: ${STOP}\n\n${errorFrame(2, 'The connection to the provider broke before the answer was complete.', 'upstream_stream_error')}`)
  })
})

describe('relayEventStream: SSE framing real upstreams send', () => {
  it('reads CRLF line endings, bare comments and data: without a space', async () => {
    const { text } = await relayText([`:\r\n\r\ndata:${A}\r\n\r\n: ping\r\n\r\ndata: ${STOP}\r\n\r\ndata:[DONE]\r\n\r\n`])
    expect(text).toBe(`id: 1\ndata: ${A}\n\nid: 2\ndata: ${STOP}\n\nid: 3\ndata: [DONE]\n\n`)
  })

  it('reads a CRLF split between the CR and the LF', async () => {
    const { text } = await relayText([`data: ${A}\r`, '\n\r', `\ndata: ${STOP}\r`, '\n\r', `\ndata: [DONE]\r\n\r\n`])
    expect(text).toBe(`id: 1\ndata: ${A}\n\nid: 2\ndata: ${STOP}\n\nid: 3\ndata: [DONE]\n\n`)
  })

  it('skips a byte order mark at the start', async () => {
    const bom = Uint8Array.of(0xEF, 0xBB, 0xBF)
    const { text } = await relayText([bom, `data: ${A}\n\ndata: ${STOP}\n\ndata: [DONE]\n\n`])
    expect(text).toBe(`id: 1\ndata: ${A}\n\nid: 2\ndata: ${STOP}\n\nid: 3\ndata: [DONE]\n\n`)
  })

  it('joins multi-line data and sends it on as several data lines', async () => {
    const { text } = await relayText([`data: {"choices":\ndata: [{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`])
    expect(text).toBe(`id: 1\ndata: {"choices":\ndata: [{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]}\n\nid: 2\ndata: [DONE]\n\n`)
  })

  it('joins a multi-byte character split across two network chunks', async () => {
    const bytes = encoder.encode(`data: ${A}\n\ndata: ${STOP}\n\ndata: [DONE]\n\n`)
    const an = encoder.encode('안')
    const start = bytes.findIndex((_, i) => an.every((b, j) => bytes[i + j] === b))
    expect(start).toBeGreaterThan(0)
    const { text } = await relayText(cutAt(bytes, [start + 2]))
    expect(text).toBe(`id: 1\ndata: ${A}\n\nid: 2\ndata: ${STOP}\n\nid: 3\ndata: [DONE]\n\n`)
  })

  it('sends each event as soon as it arrives, and the events of one upstream read as one chunk', async () => {
    const upstream = liveUpstream()
    const { output } = relay(upstream.body)
    const reader = output.getReader()
    const decode = (value?: Uint8Array) => new TextDecoder().decode(value)

    upstream.push(`data: ${A}\n\n`)
    expect(decode((await reader.read()).value)).toBe(`id: 1\ndata: ${A}\n\n`)
    upstream.push(`data: ${B}\n\ndata: ${STOP}\n\n`)
    expect(decode((await reader.read()).value)).toBe(`id: 2\ndata: ${B}\n\nid: 3\ndata: ${STOP}\n\n`)
    upstream.push('data: [DONE]\n\n')
    expect(decode((await reader.read()).value)).toBe('id: 4\ndata: [DONE]\n\n')
    await reader.cancel()
  })

  it('reads the upstream no further ahead of a client that stops reading than a chunk or two', async () => {
    let pulls = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode(`data: ${chunkJson(`part ${++pulls}`)}\n\n`))
      },
    }, { highWaterMark: 0 })
    const reader = relay(body).output.getReader()

    for (let i = 0; i < 5; i++)
      await reader.read()
    await new Promise(resolve => setTimeout(resolve, 20))
    // The upstream is read as the client reads: what the client has not asked for stays upstream.
    expect(pulls).toBeLessThanOrEqual(7)
    await reader.cancel()
  })

  it('does not call the provider idle while a slow client holds the upstream read back', async () => {
    const upstream = liveUpstream()
    const { output, outcomes } = relay(upstream.body, [], { idleMs: 40 })
    const reader = output.getReader()
    const decode = (value?: Uint8Array) => new TextDecoder().decode(value)

    upstream.push(`data: ${A}\n\n`)
    expect(decode((await reader.read()).value)).toBe(`id: 1\ndata: ${A}\n\n`)
    // The client stops reading: one chunk waits for it, and the relay reads no further.
    upstream.push(`data: ${B}\n\n`)
    upstream.push(`data: ${STOP}\n\n`)
    await new Promise(resolve => setTimeout(resolve, 150))
    expect(outcomes).toEqual([])

    upstream.push('data: [DONE]\n\n')
    let rest = ''
    for (let result = await reader.read(); !result.done; result = await reader.read())
      rest += decode(result.value)
    expect(rest).toBe(`id: 2\ndata: ${B}\n\nid: 3\ndata: ${STOP}\n\nid: 4\ndata: [DONE]\n\n`)
    expect(outcomes).toEqual([{ kind: 'done' }])
  })

  it('still ends a stream whose provider goes silent, with an idle timeout frame', async () => {
    const upstream = liveUpstream()
    const { output, outcomes } = relay(upstream.body, [], { idleMs: 40 })

    upstream.push(`data: ${A}\n\n`)
    const text = await readText(output)

    expect(text).toBe(`id: 1\ndata: ${A}\n\n${errorFrame(2, 'The provider sent nothing for 0.04 s.', 'upstream_timeout')}`)
    expect(outcomes).toMatchObject([{ kind: 'error', code: 'upstream_timeout' }])
  })

  it('sends the same bytes however the upstream cut them (50 seeded random chunkings)', async () => {
    const upstream = encoder.encode([
      '\uFEFF: hello\r\n\r\n',
      `data: ${chunkJson('한국어 🌏 ')}\r\n\r\n`,
      `data:${chunkJson('코드\n```ts\nconst a = 1\n```')}\n\n`,
      ': keepalive\n\n',
      `data: ${chunkJson('끝', 'stop')}\n\n`,
      'data: [DONE]\n\n',
    ].join(''))
    const expected = [
      `id: 1\ndata: ${chunkJson('한국어 🌏 ')}\n\n`,
      `id: 2\ndata: ${chunkJson('코드\n```ts\nconst a = 1\n```')}\n\n`,
      `id: 3\ndata: ${chunkJson('끝', 'stop')}\n\n`,
      'id: 4\ndata: [DONE]\n\n',
    ].join('')
    const random = seededRandom(77)

    for (let iteration = 0; iteration < 50; iteration++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * upstream.length))
      const { text, outcomes } = await relayText(cutAt(upstream, cuts))
      expect(text, `iteration ${iteration}, cuts ${cuts.join(',')}`).toBe(expected)
      expect(outcomes).toEqual([{ kind: 'done' }])
    }
  })
})

describe('relayEventStream: the client going away', () => {
  it('aborts the upstream once and reports cancelled when the client cancels mid-stream', async () => {
    const upstream = liveUpstream()
    const { output, abortUpstream, outcomes } = relay(upstream.body)
    const reader = output.getReader()

    upstream.push(`data: ${A}\n\n`)
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe(`id: 1\ndata: ${A}\n\n`)

    const pending = reader.read()
    await reader.cancel()
    await upstream.cancelled

    expect(await pending).toEqual({ done: true, value: undefined })
    expect(abortUpstream).toHaveBeenCalledTimes(1)
    expect(outcomes).toEqual([{ kind: 'cancelled' }])
  })

  it('aborts the upstream only once when cancelled twice', async () => {
    const upstream = liveUpstream()
    const { output, abortUpstream, outcomes } = relay(upstream.body)

    await output.cancel()
    await output.cancel()

    expect(abortUpstream).toHaveBeenCalledTimes(1)
    expect(outcomes).toEqual([{ kind: 'cancelled' }])
  })

  it('does not abort or report again when cancelled after the stream ended', async () => {
    const body = bodyOf([`data: ${STOP}\n\ndata: [DONE]\n\n`])
    const { output, abortUpstream, outcomes } = relay(body)
    const reader = output.getReader()

    // Both events came in one upstream read: they go out as one chunk, one socket write.
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe(`id: 1\ndata: ${STOP}\n\nid: 2\ndata: [DONE]\n\n`)
    expect((await reader.read()).done).toBe(true)
    await reader.cancel()

    expect(abortUpstream).not.toHaveBeenCalled()
    expect(outcomes).toEqual([{ kind: 'done' }])
  })
})
