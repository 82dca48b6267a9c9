import type { AnswerOptions, AnswerPump } from '../upstream/answer-pump'
import type { Lease, LogEntry, StreamStore } from './store'
import { StreamError } from '../errors'
import { createAnswerPump } from '../upstream/answer-pump'
import { StreamStoreError } from './store'

export interface GenerationOptions {
  store: StreamStore
  lease: Lease
  answer: AnswerOptions
}

/** Events waiting for the log, at most; beyond it the upstream read waits for the store. */
const MAX_PENDING = 256

/**
 * Generates one answer into the stream log, whoever is listening. The upstream
 * is aborted only when someone cancels, or when nobody has been attached for
 * the grace window; a reader that leaves is not a cancel. Events go to the log
 * in batches: while one append is in flight the next batch gathers, so a slow
 * store costs throughput only when it falls far behind.
 */
export function runGeneration({ store, lease, answer }: GenerationOptions): Promise<void> {
  let pending: LogEntry[] = []
  let failure: unknown
  let writing: Promise<void> = Promise.resolve()

  const pump: AnswerPump = createAnswerPump(answer, {
    event: (id, data) => {
      pending.push({ id, data })
    },
    // Readers send their own keepalives; the log holds only data.
    comment: () => {},
    flush: () => {
      if (failure)
        return pump.cancel()
      const flushing = flush()
      // Far behind the store: the upstream read waits for it.
      if (pending.length >= MAX_PENDING)
        return flushing
    },
    close: () => {},
  })

  function flush(): Promise<void> {
    writing = writing.then(async () => {
      if (pending.length === 0 || failure)
        return
      const batch = pending
      pending = []
      await store.append(lease, batch)
    }).catch((error) => {
      failure ??= error
    })
    return writing
  }

  const onSignal = () => {
    // A lost lease means another producer owns the log now: leave without a word.
    if (lease.signal.reason instanceof StreamStoreError)
      pump.cancel()
    else
      pump.stop(new StreamError('cancelled', 'The answer was stopped.'))
  }
  lease.signal.addEventListener('abort', onSignal, { once: true })

  const heartbeat = setInterval(() => {
    store.heartbeat(lease).then((presence) => {
      if (presence.cancelled)
        onSignal()
      else if (!presence.attached)
        pump.stop(new StreamError('stream_abandoned', 'Nobody came back for the answer, so the relay stopped it.'))
    }, (error) => {
      failure ??= error
    })
  }, store.heartbeatMs)

  return (async () => {
    try {
      await pump.run()
      await flush()
    }
    finally {
      clearInterval(heartbeat)
      lease.signal.removeEventListener('abort', onSignal)
      if (!pump.ended)
        pump.cancel()
    }
    if (failure) {
      // The log cannot take the ending; readers end on their own with an error of their making.
      if (!(failure instanceof StreamStoreError && failure.type === 'lease_lost'))
        await store.finish(lease).catch(() => {})
      return
    }
    await store.finish(lease)
  })()
}
