import type { EventSourceMessage } from 'eventsource-parser'
import { createParser } from 'eventsource-parser'
import { UpstreamError } from '../errors'

/** The most characters of one event the relay holds; an upstream that never ends a line cannot fill its memory. */
export const MAX_EVENT_CHARS = 4 * 1024 * 1024

/** Reads server-sent events as they arrive, one batch per read of the body. */
export interface EventReader {
  /** The events completed by the next read(s) of the body, never an empty batch; null once it has ended. */
  next: () => Promise<EventSourceMessage[] | null>
  cancel: () => Promise<void>
}

/**
 * Decodes an upstream event stream (UTF-8 split across chunks, CRLF, bare CR,
 * BOM and comments included). It drives eventsource-parser from the body's own
 * reader instead of piping through a TextDecoderStream and a parser
 * TransformStream, and hands out what one read brought as one batch: every
 * promise hop is paid for every chunk of every stream.
 */
export function readEvents(body: ReadableStream<Uint8Array>, maxEventChars = MAX_EVENT_CHARS): EventReader {
  const source = body.getReader()
  // The default TextDecoder drops a leading BOM, as the SSE spec asks.
  const decoder = new TextDecoder()
  let events: EventSourceMessage[] = []
  let failure: UpstreamError | undefined
  let finished = false
  const parser = createParser({
    maxBufferSize: maxEventChars,
    onEvent: event => events.push(event),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded')
        failure = new UpstreamError('protocol', `The provider sent an event longer than the relay accepts (${maxEventChars} characters).`)
    },
  })

  function take(result: ReadableStreamReadResult<Uint8Array>): EventSourceMessage[] | null | Promise<EventSourceMessage[] | null> {
    if (result.done) {
      finished = true
      parser.feed(decoder.decode())
    }
    else {
      parser.feed(decoder.decode(result.value, { stream: true }))
    }
    // Events completed before a failure still go out; the failure comes with the next read.
    if (events.length === 0) {
      if (failure)
        throw failure
      return finished ? null : next()
    }
    const batch = events
    events = []
    return batch
  }

  function next(): Promise<EventSourceMessage[] | null> {
    if (failure)
      return Promise.reject(failure)
    return finished ? Promise.resolve(null) : source.read().then(take)
  }

  return { next, cancel: () => source.cancel() }
}
