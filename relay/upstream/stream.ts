import type { EventSourceMessage } from 'eventsource-parser/stream'
import type { Redact } from '../errors'
import { toErrorResponse, UpstreamError } from '../errors'
import { encodeEvent } from '../sse'

export type StreamOutcome
  = | { kind: 'done' }
    | { kind: 'error', code: string, message: string }
    | { kind: 'cancelled' }

export interface RelayStreamOptions {
  /** Parsed events of the upstream's 2xx event stream. */
  events: ReadableStream<EventSourceMessage>
  /** Aborts the upstream request (the client went away). */
  abortUpstream: () => void
  redact: Redact
  onEnd?: (outcome: StreamOutcome) => void
}

/**
 * Turns the upstream's events into the client's SSE byte stream. Every data
 * event gets a monotonic `id:`, and the stream ends in exactly one way: `[DONE]`
 * after the upstream really finished, or one OpenAI-shaped error frame. Events
 * are pulled one at a time, so a slow client slows the upstream read instead
 * of filling memory.
 */
export function relayEventStream(options: RelayStreamOptions): ReadableStream<Uint8Array> {
  const { events, abortUpstream, redact, onEnd } = options
  const reader = events.getReader()
  let nextId = 1
  let sawFinishReason = false
  let ended = false

  function end(controller: ReadableStreamDefaultController<Uint8Array>, outcome: StreamOutcome, lastData?: string) {
    ended = true
    if (lastData !== undefined)
      controller.enqueue(encodeEvent(nextId++, lastData))
    controller.close()
    reader.cancel().catch(() => {})
    onEnd?.(outcome)
  }

  function fail(controller: ReadableStreamDefaultController<Uint8Array>, error: UpstreamError) {
    const { body } = toErrorResponse(error, redact)
    end(controller, { kind: 'error', code: String(body.error.code), message: body.error.message }, JSON.stringify(body))
  }

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (!ended) {
        let result: ReadableStreamReadResult<EventSourceMessage>
        try {
          result = await reader.read()
        }
        catch {
          if (ended)
            return
          return fail(controller, new UpstreamError('network', 'The connection to the provider broke before the answer was complete.', { code: 'upstream_stream_error' }))
        }
        if (ended)
          return
        if (result.done) {
          // Some upstreams omit [DONE]; a finish_reason already told us the answer is complete.
          if (sawFinishReason)
            return end(controller, { kind: 'done' }, '[DONE]')
          return fail(controller, new UpstreamError('protocol', 'The provider stopped sending before the answer was complete.', { code: 'stream_truncated' }))
        }

        const { data, event } = result.value
        if (data === '[DONE]')
          return end(controller, { kind: 'done' }, '[DONE]')
        if (data === '')
          continue
        const inspected = inspectChunk(data)
        if (inspected === 'malformed')
          return fail(controller, new UpstreamError('protocol', 'The provider sent data that is not JSON.'))
        if (inspected.errorMessage !== undefined || event === 'error')
          return fail(controller, new UpstreamError('http', inspected.errorMessage ?? 'The provider reported an error.', { code: 'upstream_stream_error' }))
        sawFinishReason ||= inspected.finished
        controller.enqueue(encodeEvent(nextId++, data))
        return
      }
    },
    cancel() {
      if (ended)
        return
      ended = true
      abortUpstream()
      reader.cancel().catch(() => {})
      onEnd?.({ kind: 'cancelled' })
    },
  }, { highWaterMark: 0 })
}

function inspectChunk(data: string): 'malformed' | { finished: boolean, errorMessage?: string } {
  let chunk: unknown
  try {
    chunk = JSON.parse(data)
  }
  catch {
    return 'malformed'
  }
  if (typeof chunk !== 'object' || chunk === null)
    return 'malformed'
  const { error, choices } = chunk as { error?: unknown, choices?: unknown }
  if (error !== undefined && error !== null) {
    const message = typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string'
      ? (error as { message: string }).message
      : String(typeof error === 'string' ? error : 'The provider reported an error.')
    return { finished: false, errorMessage: message }
  }
  const finished = Array.isArray(choices)
    && choices.some(choice => typeof choice === 'object' && choice !== null && (choice as { finish_reason?: unknown }).finish_reason)
  return { finished }
}
