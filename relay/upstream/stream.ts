import type { EventSourceMessage } from 'eventsource-parser'
import type { Redact } from '../errors'
import type { Usage } from '../protocol'
import type { Target } from '../routing'
import type { EventReader } from './events'
import type { OpenedStream } from './failover'
import { toErrorResponse, UpstreamError } from '../errors'
import { encodeComment, encodeEvent, encodeEvents } from '../sse'
import { chunkFailure, inspectChunk } from './chunk'

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
  /** `contentChunks` counts the chunks of the answer, for a usage estimate when the upstream reports none. */
  onEnd?: (outcome: StreamOutcome, contentChunks: number) => void
}

// Chunks that may finish the answer, report an error or carry usage need a full
// JSON.parse; the rest (nearly all) are passed on as they came. The patterns
// cannot match inside a JSON string, where quotes are escaped.
const NEEDS_INSPECTION = /"finish_reason":\s*"|"error"\s*:|"usage"\s*:\s*\{/

/** Where an answer's events go: straight to one client, or into a stream log. */
export interface AnswerSink {
  /** One data event; ids count from 1 with no gaps. */
  event: (id: number, data: string) => void
  comment: (text: string) => void
  /** After the last event. */
  close: () => void
}

export interface AnswerPump {
  /** Moves the answer on until something was written (with every event already read) or it ended. */
  pull: () => Promise<void>
  /** Ends the answer with the error frame of `error` (cancelled, abandoned), aborting the upstream. */
  stop: (error: Error) => void
  /** Ends it silently: nobody is left to tell. */
  cancel: () => void
  readonly ended: boolean
}

/**
 * Drives one answer from the upstream into a sink. Gives every data event a
 * monotonic id and ends in exactly one way: `[DONE]` after the upstream really
 * finished, or one OpenAI-shaped error frame (also for idle and total
 * timeouts). One watchdog timer per answer sends `: keepalive` comments and
 * enforces the timeouts; reading an event only notes the time.
 */
export function createAnswerPump(options: ClientStreamOptions, sink: AnswerSink): AnswerPump {
  const { redact, now = Date.now } = options
  let opened: OpenedStream | undefined
  let nextId = 1
  let lastEventAt = now()
  let lastWriteAt = lastEventAt
  let sawFinish = false
  let contentChunks = 0
  let ended = false
  let watchdog: ReturnType<typeof setTimeout> | undefined
  /** The served model's name for the chunks when it is not the one asked for (failover, aliases); decided at commit. */
  let rename: string | null = null

  function write(data: string) {
    lastWriteAt = now()
    sink.event(nextId++, data)
  }

  function end(outcome: StreamOutcome, lastData?: string) {
    ended = true
    clearTimeout(watchdog)
    if (lastData !== undefined)
      write(lastData)
    sink.close()
    if (opened && outcome.kind === 'done')
      readToEnd(opened.reader)
    else
      opened?.reader.cancel().catch(() => {})
    if (outcome.kind !== 'done')
      options.abort()
    options.onEnd?.(outcome, contentChunks)
  }

  function fail(error: unknown) {
    const { body } = toErrorResponse(error, redact)
    end({ kind: 'error', code: String(body.error.code), message: body.error.message }, JSON.stringify(body))
  }

  /** Keepalives while silent, and the idle and total timeouts, from one timer rescheduled as it fires. */
  function checkTimers() {
    if (ended)
      return
    const time = now()
    if (time >= options.deadline)
      return fail(new UpstreamError('timeout', 'The answer took longer than the relay allows.'))
    // Before the answer begins, the first-token timeout of the opening attempts applies instead.
    const idleUntil = opened ? lastEventAt + options.idleMs : Number.POSITIVE_INFINITY
    if (time >= idleUntil)
      return fail(new UpstreamError('timeout', `The provider sent nothing for ${options.idleMs / 1000} s.`))
    if (time >= lastWriteAt + options.keepaliveMs) {
      lastWriteAt = time
      sink.comment('keepalive')
    }
    const next = Math.min(options.deadline, idleUntil, lastWriteAt + options.keepaliveMs)
    watchdog = setTimeout(checkTimers, Math.max(1, next - time))
  }

  /** Sends one upstream event on; true when it wrote something or ended the stream. */
  function forward(event: EventSourceMessage): boolean {
    const { data } = event
    if (data === '[DONE]') {
      // [DONE] without a finish_reason means the answer was cut short, whatever the upstream claims.
      if (sawFinish)
        end({ kind: 'done' }, '[DONE]')
      else
        fail(new UpstreamError('protocol', 'The provider ended the stream before the answer was complete.', { code: 'stream_truncated' }))
      return true
    }
    if (data === '')
      return false
    const looksLikeObject = data.charCodeAt(0) === 123 && data.charCodeAt(data.length - 1) === 125 // { … }
    if (!rename && looksLikeObject && event.event !== 'error' && !NEEDS_INSPECTION.test(data)) {
      contentChunks++
      write(data)
      return true
    }
    const chunk = inspectChunk(data)
    const failure = chunkFailure(event, chunk)
    if (failure || chunk.kind !== 'chunk') {
      fail(failure)
      return true
    }
    sawFinish ||= chunk.finished
    if (chunk.hasText)
      contentChunks++
    if (chunk.usage)
      options.onUsage?.(chunk.usage)
    if (chunk.usageOnly && !options.clientWantsUsage)
      return false
    // Name the model that served, when it is not the one asked for (failover, aliases).
    write(rename ? JSON.stringify({ ...chunk.value, model: rename }) : data)
    return true
  }

  async function pullOnce() {
    if (!opened) {
      opened = await options.opening
      if (ended)
        return
      lastEventAt = now()
      // The idle timeout starts now: re-arm the watchdog for it.
      clearTimeout(watchdog)
      checkTimers()
      const { target } = opened
      rename = target.model !== options.requestedModel || target.upstreamModel !== target.model ? target.model : null
      options.onCommit?.(target)
      let wrote = false
      for (const event of opened.buffered)
        wrote = (!ended && forward(event)) || wrote
      if (wrote || ended)
        return
    }
    for (;;) {
      const result = await opened.reader.read()
      if (ended)
        return
      lastEventAt = now()
      if (result.done) {
        // Some upstreams omit [DONE]; a finish_reason already told us the answer is complete.
        return sawFinish
          ? end({ kind: 'done' }, '[DONE]')
          : fail(new UpstreamError('protocol', 'The provider stopped sending before the answer was complete.', { code: 'stream_truncated' }))
      }
      // Events that came in the same upstream read go out together: one write to the client.
      if (forward(result.value) && (ended || opened.reader.buffered === 0))
        return
    }
  }

  watchdog = setTimeout(checkTimers, Math.max(1, Math.min(options.keepaliveMs, options.deadline - now())))

  return {
    async pull() {
      try {
        await pullOnce()
      }
      catch (error) {
        if (!ended)
          fail(error instanceof UpstreamError ? error : new UpstreamError('network', 'The connection to the provider broke before the answer was complete.', { code: 'upstream_stream_error' }))
      }
    },
    stop(error) {
      if (!ended)
        fail(error)
    },
    cancel() {
      if (ended)
        return
      ended = true
      clearTimeout(watchdog)
      options.abort()
      opened?.reader.cancel().catch(() => {})
      options.onEnd?.({ kind: 'cancelled' }, contentChunks)
    },
    get ended() {
      return ended
    },
  }
}

/** How long the rest of a finished upstream body may take before its connection is closed instead. */
const DRAIN_MS = 1000

/**
 * Reads what follows `[DONE]` (normally just the end of the body), so that the
 * upstream connection goes back to the keep-alive pool: cancelling the body
 * there would close it, and every answer would pay for a new connection.
 */
function readToEnd(reader: EventReader): void {
  const timer = setTimeout(() => reader.cancel().catch(() => {}), DRAIN_MS)
  const next = (): Promise<void> => reader.read().then(result => result.done ? clearTimeout(timer) : next())
  next().catch(() => clearTimeout(timer))
}

/**
 * The client's SSE byte stream for an answer nobody can resume: events are
 * pulled one read at a time, so a slow client slows the upstream read instead
 * of filling memory, and a client that leaves aborts the upstream.
 */
export function createClientStream(options: ClientStreamOptions): ReadableStream<Uint8Array> {
  let pump!: AnswerPump
  let controller!: ReadableStreamDefaultController<Uint8Array>
  /** The events of the current pull, sent as one chunk: one socket write for what one upstream read brought. */
  let batch: { id: number, data: string }[] | null = null
  const flush = () => {
    if (batch?.length)
      controller.enqueue(encodeEvents(batch))
    batch = null
  }
  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
      pump = createAnswerPump(options, {
        event: (id, data) => batch ? batch.push({ id, data }) : controller.enqueue(encodeEvent(id, data)),
        // Keepalives come from a timer, between pulls' writes: out at once, after anything pending.
        comment: (text) => {
          flush()
          controller.enqueue(encodeComment(text))
        },
        close: () => {
          flush()
          controller.close()
        },
      })
    },
    async pull() {
      batch = []
      try {
        await pump.pull()
      }
      finally {
        flush()
      }
    },
    cancel: () => pump.cancel(),
  }, { highWaterMark: 0 })
}
