import type { AnswerOptions, AnswerPump, AnswerSink } from './answer-pump'
import { encodeComment, encodeEvents } from '../sse'
import { createAnswerPump } from './answer-pump'

/**
 * The client's SSE byte stream for an answer nobody can resume. The answer
 * starts moving when the client first reads; the events of each upstream read
 * go out as one chunk while the client keeps up. A client that falls behind
 * holds one chunk, and then the upstream read waits for it instead of filling
 * memory. A client that leaves aborts the upstream.
 */
export function createClientStream(options: AnswerOptions): ReadableStream<Uint8Array> {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let events: { id: number, data: string }[] = []
  let wantsMore: (() => void) | undefined
  const release = () => {
    wantsMore?.()
    wantsMore = undefined
  }
  const send = () => {
    if (events.length > 0)
      controller.enqueue(encodeEvents(events))
    events = []
  }
  const sink: AnswerSink = {
    event: (id, data) => {
      events.push({ id, data })
    },
    // Keepalives come from a timer, between reads: no events are pending then.
    comment: text => controller.enqueue(encodeComment(text)),
    flush() {
      send()
      // With a high-water mark of 0, a chunk the client has not taken leaves the desired size below 0.
      if ((controller.desiredSize ?? 0) < 0)
        return new Promise<void>(resolve => (wantsMore = resolve))
    },
    close() {
      send()
      controller.close()
      release()
    },
  }
  let pump!: AnswerPump
  let running = false
  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
      pump = createAnswerPump(options, sink)
    },
    pull() {
      // The first read starts the answer; later ones release a read loop waiting for the client.
      if (running)
        return release()
      running = true
      void pump.run()
    },
    cancel() {
      release()
      pump.cancel()
    },
  }, { highWaterMark: 0 })
}
