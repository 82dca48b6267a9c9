import type { EventSourceMessage } from 'eventsource-parser'
import type { Redact } from '../errors'
import type { Usage } from '../protocol'
import type { Target } from '../routing'
import type { CharacterCount } from '../usage'
import type { OpenedStream } from './failover'
import { toErrorResponse, UpstreamError } from '../errors'
import { encodeComment, encodeEvent } from '../sse'
import { countCharacters } from '../usage'
import { inspectChunk } from './chunk'

export type StreamOutcome
  = | { kind: 'done' }
    | { kind: 'error', code: string, message: string }
    | { kind: 'cancelled' }

export interface ClientStreamOptions {
  /** Resolves once the answer has begun (see openWithFailover); may still be pending when headers go out. */
  opening: Promise<OpenedStream>
  /** Aborts whatever is running upstream: the opening attempts and the opened stream. */
  abort: () => void
  requestedModel: string
  /** The client asked for usage; otherwise the usage-only chunk we asked for is dropped. */
  clientWantsUsage: boolean
  idleMs: number
  /** Absolute deadline, in `now()` milliseconds. */
  deadline: number
  keepaliveMs: number
  redact: Redact
  now?: () => number
  onCommit?: (target: Target) => void
  onUsage?: (usage: Usage) => void
  /** `answer` counts the characters streamed, for a usage estimate when the upstream reports none. */
  onEnd?: (outcome: StreamOutcome, answer: CharacterCount) => void
}

type Controller = ReadableStreamDefaultController<Uint8Array>
const TIMED_OUT = Symbol('timed out')
// Timers may fire a millisecond before Date.now() says they are due.
const TIMER_SLACK_MS = 2

/**
 * The client's SSE byte stream. Sends `: keepalive` comments while waiting,
 * gives every data event a monotonic `id:`, and ends in exactly one way:
 * `[DONE]` after the upstream really finished, or one OpenAI-shaped error frame
 * (also for idle and total timeouts). Events are pulled one read at a time, so
 * a slow client slows the upstream read instead of filling memory.
 */
export function createClientStream(options: ClientStreamOptions): ReadableStream<Uint8Array> {
  const { redact, now = Date.now } = options
  let opened: OpenedStream | undefined
  let pendingRead: ReturnType<OpenedStream['reader']['read']> | undefined
  let nextId = 1
  let lastEventAt = now()
  let sawFinish = false
  const answer: CharacterCount = { ascii: 0, other: 0 }
  let ended = false

  function end(controller: Controller, outcome: StreamOutcome, lastData?: string) {
    ended = true
    if (lastData !== undefined)
      controller.enqueue(encodeEvent(nextId++, lastData))
    controller.close()
    opened?.reader.cancel().catch(() => {})
    if (outcome.kind !== 'done')
      options.abort()
    options.onEnd?.(outcome, answer)
  }

  function fail(controller: Controller, error: unknown) {
    const { body } = toErrorResponse(error, redact)
    end(controller, { kind: 'error', code: String(body.error.code), message: body.error.message }, JSON.stringify(body))
  }

  /** Sends one upstream event on; false when it was dropped or ended the stream. */
  function forward(controller: Controller, event: EventSourceMessage, target: Target): boolean {
    if (event.data === '[DONE]') {
      // [DONE] without a finish_reason means the answer was cut short, whatever the upstream claims.
      if (sawFinish)
        end(controller, { kind: 'done' }, '[DONE]')
      else
        fail(controller, new UpstreamError('protocol', 'The provider ended the stream before the answer was complete.', { code: 'stream_truncated' }))
      return false
    }
    if (event.data === '')
      return false
    const chunk = inspectChunk(event.data)
    if (chunk.kind === 'malformed') {
      fail(controller, new UpstreamError('protocol', 'The provider sent data that is not JSON.'))
      return false
    }
    if (chunk.kind === 'error' || event.event === 'error') {
      fail(controller, new UpstreamError('http', chunk.kind === 'error' ? chunk.message : 'The provider reported an error.', { code: 'upstream_stream_error' }))
      return false
    }
    sawFinish ||= chunk.finished
    countCharacters(chunk.text, answer)
    if (chunk.usage)
      options.onUsage?.(chunk.usage)
    if (chunk.usageOnly && !options.clientWantsUsage)
      return false
    // Name the model that served, when it is not the one asked for (failover, aliases).
    const rename = target.model !== options.requestedModel || target.upstreamModel !== target.model
    controller.enqueue(encodeEvent(nextId++, rename ? JSON.stringify({ ...chunk.value, model: target.model }) : event.data))
    return true
  }

  async function waitFor<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, ms), TIMED_OUT)
    })
    try {
      return await Promise.race([promise, timeout])
    }
    finally {
      clearTimeout(timer)
    }
  }

  async function pullOnce(controller: Controller) {
    if (!opened) {
      const result = await waitFor(options.opening, Math.min(options.keepaliveMs, options.deadline - now()))
      if (ended)
        return
      if (result === TIMED_OUT) {
        if (now() >= options.deadline - TIMER_SLACK_MS)
          return fail(controller, new UpstreamError('timeout', 'The provider did not answer in time.'))
        return controller.enqueue(encodeComment('keepalive'))
      }
      opened = result
      lastEventAt = now()
      options.onCommit?.(opened.target)
      let sent = false
      for (const event of opened.buffered)
        sent = (!ended && forward(controller, event, opened.target)) || sent
      if (sent || ended)
        return
    }

    const { reader, target } = opened
    for (;;) {
      pendingRead ??= reader.read()
      const wait = Math.min(options.keepaliveMs, lastEventAt + options.idleMs - now(), options.deadline - now())
      const result = await waitFor(pendingRead, wait)
      if (ended)
        return
      if (result === TIMED_OUT) {
        if (now() >= options.deadline - TIMER_SLACK_MS)
          return fail(controller, new UpstreamError('timeout', 'The answer took longer than the relay allows.'))
        if (now() >= lastEventAt + options.idleMs - TIMER_SLACK_MS)
          return fail(controller, new UpstreamError('timeout', `The provider sent nothing for ${options.idleMs / 1000} s.`))
        return controller.enqueue(encodeComment('keepalive'))
      }
      pendingRead = undefined
      lastEventAt = now()
      if (result.done) {
        // Some upstreams omit [DONE]; a finish_reason already told us the answer is complete.
        return sawFinish
          ? end(controller, { kind: 'done' }, '[DONE]')
          : fail(controller, new UpstreamError('protocol', 'The provider stopped sending before the answer was complete.', { code: 'stream_truncated' }))
      }
      if (forward(controller, result.value, target) || ended)
        return
    }
  }

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        await pullOnce(controller)
      }
      catch (error) {
        if (!ended)
          fail(controller, error instanceof UpstreamError ? error : new UpstreamError('network', 'The connection to the provider broke before the answer was complete.', { code: 'upstream_stream_error' }))
      }
    },
    cancel() {
      if (ended)
        return
      ended = true
      options.abort()
      opened?.reader.cancel().catch(() => {})
      options.onEnd?.({ kind: 'cancelled' }, answer)
    },
  }, { highWaterMark: 0 })
}
