import type { EventSourceMessage } from 'eventsource-parser'
import type { Redact } from '../errors'
import type { Usage } from '../protocol'
import type { Target } from '../routing'
import type { EventReader } from './events'
import type { OpenedStream } from './failover'
import { toErrorResponse, UpstreamError } from '../errors'
import { chunkFailure, inspectChunk } from './chunk'

export type StreamOutcome
  = | { kind: 'done' }
    | { kind: 'error', code: string, message: string }
    | { kind: 'cancelled' }

/** One answer: where it comes from, its limits, and who hears how it went. */
export interface AnswerOptions {
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
  /** After the events of one upstream read: send them on. A promise holds the next read until the sink can take more. */
  flush: () => Promise<void> | void
  /** After the last event. */
  close: () => void
}

export interface AnswerPump {
  /** Moves the answer from the upstream into the sink until it ends; never rejects. */
  run: () => Promise<void>
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
 * timeouts). One read loop per answer: the events of each upstream read are
 * checked and handed to the sink synchronously. One watchdog timer per answer
 * sends `: keepalive` comments and enforces the timeouts; reading only notes
 * the time.
 */
export function createAnswerPump(options: AnswerOptions, sink: AnswerSink): AnswerPump {
  const { redact, now = Date.now } = options
  let opened: OpenedStream | undefined
  let nextId = 1
  let lastEventAt = now()
  let lastWriteAt = lastEventAt
  let sawFinish = false
  let contentChunks = 0
  let ended = false
  /** The next upstream read waits for the sink (a slow client, a slow store): the provider is not idle then. */
  let waitingForSink = false
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
    const idleUntil = opened && !waitingForSink ? lastEventAt + options.idleMs : Number.POSITIVE_INFINITY
    if (time >= idleUntil)
      return fail(new UpstreamError('timeout', `The provider sent nothing for ${options.idleMs / 1000} s.`))
    if (time >= lastWriteAt + options.keepaliveMs) {
      lastWriteAt = time
      sink.comment('keepalive')
    }
    const next = Math.min(options.deadline, idleUntil, lastWriteAt + options.keepaliveMs)
    watchdog = setTimeout(checkTimers, Math.max(1, next - time))
  }

  /** Sends one upstream event on, or ends the answer with it. */
  function forward(event: EventSourceMessage): void {
    const { data } = event
    if (data === '[DONE]') {
      // [DONE] without a finish_reason means the answer was cut short, whatever the upstream claims.
      if (sawFinish)
        end({ kind: 'done' }, '[DONE]')
      else
        fail(new UpstreamError('protocol', 'The provider ended the stream before the answer was complete.', { code: 'stream_truncated' }))
      return
    }
    if (data === '')
      return
    const looksLikeObject = data.charCodeAt(0) === 123 && data.charCodeAt(data.length - 1) === 125 // { … }
    if (!rename && looksLikeObject && event.event !== 'error' && !NEEDS_INSPECTION.test(data)) {
      contentChunks++
      return write(data)
    }
    const chunk = inspectChunk(data)
    const failure = chunkFailure(event, chunk)
    if (failure || chunk.kind !== 'chunk')
      return fail(failure)
    sawFinish ||= chunk.finished
    if (chunk.hasText)
      contentChunks++
    if (chunk.usage)
      options.onUsage?.(chunk.usage)
    if (chunk.usageOnly && !options.clientWantsUsage)
      return
    // Name the model that served, when it is not the one asked for (failover, aliases).
    write(rename ? JSON.stringify({ ...chunk.value, model: rename }) : data)
  }

  /** The answer has begun: the idle timeout starts now, and the chunks learn the served model's name. */
  function begin({ target }: OpenedStream) {
    lastEventAt = now()
    clearTimeout(watchdog)
    checkTimers()
    rename = target.model !== options.requestedModel || target.upstreamModel !== target.model ? target.model : null
    options.onCommit?.(target)
  }

  async function pump() {
    opened = await options.opening
    if (ended)
      return
    begin(opened)
    let events: EventSourceMessage[] | null = opened.buffered
    for (;;) {
      for (const event of events) {
        forward(event)
        if (ended)
          return
      }
      // Events that came in one upstream read go out together: one write to the client.
      const backlog = sink.flush()
      if (backlog) {
        waitingForSink = true
        await backlog
        waitingForSink = false
        // The provider's silence counts from when the relay reads again.
        lastEventAt = now()
      }
      if (ended)
        return
      events = await opened.reader.next()
      if (ended)
        return
      lastEventAt = now()
      if (!events) {
        // Some upstreams omit [DONE]; a finish_reason already told us the answer is complete.
        return sawFinish
          ? end({ kind: 'done' }, '[DONE]')
          : fail(new UpstreamError('protocol', 'The provider stopped sending before the answer was complete.', { code: 'stream_truncated' }))
      }
    }
  }

  watchdog = setTimeout(checkTimers, Math.max(1, Math.min(options.keepaliveMs, options.deadline - now())))

  return {
    async run() {
      try {
        await pump()
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
  const next = (): Promise<void> => reader.next().then(events => events ? next() : clearTimeout(timer))
  next().catch(() => clearTimeout(timer))
}
