import type { Redact } from '../errors'
import type { LogEntry } from './store'
import { StreamError, toErrorResponse } from '../errors'
import { encodeComment, encodeEvent, encodeEvents } from '../sse'
import { StreamStoreError } from './store'

export interface LogReaderOptions {
  /** The log from the client's position on; see StreamStore.read. */
  entries: AsyncIterable<LogEntry[]>
  /** Aborted when the client leaves; ends the read. */
  stop: AbortController
  keepaliveMs: number
  redact: Redact
}

/** The data of an event that ends a stream: `[DONE]` or an error frame. */
function isEnding(data: string): boolean {
  return data === '[DONE]' || data.startsWith('{"error":')
}

/**
 * One client's SSE view of a stream log: what it missed, then live events,
 * with `: keepalive` comments while the log is quiet. Leaving stops only this
 * reader, never the generation. A log that ends without an ending (its
 * producer vanished, or the store gave up) still ends in one error frame.
 */
export function createLogReaderStream({ entries, stop, keepaliveMs, redact }: LogReaderOptions): ReadableStream<Uint8Array> {
  const iterator = entries[Symbol.asyncIterator]()
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let lastId = 0
  /** The last event sent ended the stream. */
  let sawEnding = false
  let ended = false
  let wroteSinceTick = true
  let keepalive: ReturnType<typeof setInterval> | undefined

  function send(bytes: Uint8Array) {
    wroteSinceTick = true
    controller.enqueue(bytes)
  }

  function finish(error?: unknown) {
    ended = true
    clearInterval(keepalive)
    if (error !== undefined) {
      const { body } = toErrorResponse(error, redact)
      send(encodeEvent(lastId + 1, JSON.stringify(body)))
    }
    controller.close()
  }

  return new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController
      keepalive = setInterval(() => {
        if (!wroteSinceTick)
          send(encodeComment('keepalive'))
        wroteSinceTick = false
      }, keepaliveMs)
    },
    async pull() {
      if (ended)
        return
      let result: IteratorResult<LogEntry[]>
      try {
        result = await iterator.next()
      }
      catch (error) {
        return finish(asStreamError(error))
      }
      if (result.done) {
        // Ended by the client leaving: nothing more to say to it.
        if (stop.signal.aborted || sawEnding)
          return finish()
        return finish(new StreamError('producer_lost', 'The relay lost this answer before it was complete.'))
      }
      const last = result.value.at(-1)
      if (!last)
        return
      lastId = last.id
      sawEnding = isEnding(last.data)
      // A replay of many entries, or what arrived since the last read, goes out in one write.
      send(encodeEvents(result.value))
    },
    cancel() {
      ended = true
      clearInterval(keepalive)
      stop.abort()
      void iterator.return?.()
    },
  }, { highWaterMark: 0 })
}

function asStreamError(error: unknown): StreamError {
  if (error instanceof StreamStoreError) {
    switch (error.type) {
      case 'producer_lost': return new StreamError('producer_lost', 'The relay that was generating this answer stopped before it was complete.')
      case 'too_large': return new StreamError('stream_too_long', error.message)
      default: return new StreamError('stream_store_unavailable', 'The relay could not read this answer from its stream store.')
    }
  }
  return new StreamError('stream_store_unavailable', 'The relay could not read this answer from its stream store.')
}
