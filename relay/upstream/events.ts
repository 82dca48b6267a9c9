import type { EventSourceMessage, ParseError } from 'eventsource-parser'
import { createParser } from 'eventsource-parser'

/** Reads server-sent events one at a time, like a stream reader. */
export interface EventReader {
  read: () => Promise<{ done: true, value?: undefined } | { done: false, value: EventSourceMessage }>
  cancel: () => Promise<void>
  /** Events already parsed (from a read that brought several), which `read` gives without waiting. */
  readonly buffered: number
}

/**
 * Decodes an upstream event stream (UTF-8 split across chunks, CRLF, bare CR,
 * BOM and comments included). It drives eventsource-parser from the body's own
 * reader instead of piping through a TextDecoderStream and a parser
 * TransformStream: each of those hops costs promise ticks for every chunk, and
 * the relay pays for every chunk of every stream.
 */
export function readEvents(body: ReadableStream<Uint8Array>): EventReader {
  const source = body.getReader()
  // The default TextDecoder drops a leading BOM, as the SSE spec asks.
  const decoder = new TextDecoder()
  const queue: EventSourceMessage[] = []
  let failure: ParseError | undefined
  const parser = createParser({
    onEvent: event => queue.push(event),
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded')
        failure = error
    },
  })
  let head = 0

  return {
    async read() {
      while (head === queue.length) {
        if (failure)
          throw failure
        queue.length = head = 0
        const { done, value } = await source.read()
        if (done) {
          parser.feed(decoder.decode())
          if (head === queue.length)
            return { done: true }
          break
        }
        parser.feed(decoder.decode(value, { stream: true }))
      }
      return { done: false, value: queue[head++]! }
    },
    cancel: () => source.cancel(),
    get buffered() {
      return queue.length - head
    },
  }
}
