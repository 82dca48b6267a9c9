import type { EventSourceMessage } from 'eventsource-parser'
import type { RelayConfig } from '../config'
import type { RelayMetrics } from '../metrics'
import type { ChatCompletion, ChatCompletionRequest } from '../protocol'
import type { Target } from '../routing'
import type { Upstream } from './client'
import type { EventReader } from './events'
import { UpstreamError } from '../errors'
import { upstreamBody } from '../routing'
import { asUpstreamError, backoffDelay, decideRetry, retryAfterMs } from './backoff'
import { chunkFailure, inspectChunk } from './chunk'
import { readEvents } from './events'

/** A stream past its commit point: something of the answer has arrived. */
export interface OpenedStream {
  target: Target
  /** Events read so far: up to the first meaningful one, and any that came with it in the same read. */
  buffered: EventSourceMessage[]
  reader: EventReader
  /** Aborts this upstream request. */
  abort: (reason?: unknown) => void
}

export interface FailoverDeps {
  config: RelayConfig
  upstreamFor: (target: Target) => Upstream
  metrics: RelayMetrics
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  random?: () => number
}

/**
 * Runs `attempt` on the first target that succeeds, retrying with jittered
 * backoff under one retry budget and then moving down the fallback chain.
 * Nothing has reached the client while this runs, so a failed attempt can be
 * replaced without anyone seeing a second generation.
 */
export async function withFailover<T>(targets: Target[], signal: AbortSignal, deps: FailoverDeps, attempt: (target: Target) => Promise<T>, waitUntil = Number.POSITIVE_INFINITY): Promise<T> {
  const { config, metrics, sleep = abortableSleep, random } = deps
  let budgetLeft = config.retry.budgetMs
  let lastError: UpstreamError | undefined
  for (const [index, target] of targets.entries()) {
    if (index > 0)
      metrics.failover(targets[index - 1]!.model, target.model)
    for (let attemptNumber = 0; attemptNumber < config.retry.maxAttempts; attemptNumber++) {
      try {
        return await attempt(target)
      }
      catch (error) {
        if (signal.aborted)
          throw error
        lastError = asUpstreamError(error)
        metrics.upstreamError(target.model, lastError.type)
        const decision = decideRetry(lastError)
        if (decision === 'give-up')
          throw lastError
        if (decision === 'next-model' || attemptNumber + 1 >= config.retry.maxAttempts)
          break
        const wait = retryAfterMs(lastError.details.retryAfter) ?? backoffDelay(attemptNumber, config.retry, random)
        // A wait past `waitUntil` would send headers first and turn a clear 429 or 503 into an error frame;
        // better to hand the client the real status and let it retry after Retry-After.
        if (Date.now() + wait > waitUntil) {
          lastError.details.clientMayRetry = true
          break
        }
        if (wait > budgetLeft)
          break
        budgetLeft -= wait
        metrics.retry(target.model, String(lastError.details.status ?? lastError.type))
        await sleep(wait, signal)
      }
    }
  }
  throw lastError ?? new UpstreamError('network', 'No upstream could serve this model.')
}

/**
 * Opens a stream on the first target whose answer begins (see {@link withFailover}).
 * Retries that would wait past the commit point are not made: the client gets the real status instead.
 */
export function openWithFailover(request: ChatCompletionRequest, targets: Target[], signal: AbortSignal, deps: FailoverDeps): Promise<OpenedStream> {
  const commitDeadline = Date.now() + deps.config.retry.commitMs
  return withFailover(targets, signal, deps, target => openAttempt(request, target, signal, deps), commitDeadline)
}

/** A non-streaming answer from the first target that gives one. */
export function completeWithFailover(request: ChatCompletionRequest, targets: Target[], signal: AbortSignal, deps: FailoverDeps): Promise<{ target: Target, completion: ChatCompletion }> {
  return withFailover(targets, signal, deps, async (target) => {
    const { totalMs } = deps.config.timeouts
    const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(totalMs)])
    try {
      const response = await deps.upstreamFor(target).chatCompletions(upstreamBody(request, target, deps.config), attemptSignal)
      const completion = await response.json() as ChatCompletion
      if (typeof completion !== 'object' || completion === null || !Array.isArray(completion.choices))
        throw new UpstreamError('protocol', 'The provider sent a malformed completion.')
      return { target, completion }
    }
    catch (error) {
      if (!signal.aborted && attemptSignal.aborted)
        throw new UpstreamError('timeout', `The provider did not answer within ${totalMs / 1000} s.`)
      throw error instanceof UpstreamError || signal.aborted ? error : new UpstreamError('protocol', 'The provider sent a malformed completion.')
    }
  })
}

async function openAttempt(request: ChatCompletionRequest, target: Target, signal: AbortSignal, deps: FailoverDeps): Promise<OpenedStream> {
  const { connectMs, firstTokenMs } = deps.config.timeouts
  const controller = new AbortController()
  const abort = (reason?: unknown) => controller.abort(reason)
  const onClientAbort = () => abort(signal.reason)
  signal.addEventListener('abort', onClientAbort, { once: true })
  let timedOut: string | null = null
  const timer = setTimeout(() => {
    timedOut = `The provider sent no headers within ${connectMs / 1000} s.`
    abort()
  }, connectMs)

  let reader: EventReader | undefined
  try {
    const response = await deps.upstreamFor(target).chatCompletions(upstreamBody(request, target, deps.config), controller.signal)
    if (!response.body || !response.headers.get('content-type')?.includes('text/event-stream'))
      throw new UpstreamError('protocol', 'The provider answered a streaming request without an event stream.')
    clearTimeout(timer)
    const firstTokenTimer = setTimeout(() => {
      timedOut = `The provider sent no token within ${firstTokenMs / 1000} s.`
      abort()
    }, firstTokenMs)
    try {
      reader = readEvents(response.body)
      const buffered = await readUntilMeaningful(reader)
      return { target, buffered, reader, abort }
    }
    finally {
      clearTimeout(firstTokenTimer)
    }
  }
  catch (error) {
    abort()
    reader?.cancel().catch(() => {})
    if (timedOut && !signal.aborted)
      throw new UpstreamError('timeout', timedOut)
    throw error instanceof UpstreamError || signal.aborted ? error : new UpstreamError('network', 'The connection to the provider broke before the first token.')
  }
  finally {
    clearTimeout(timer)
    signal.removeEventListener('abort', onClientAbort)
  }
}

/**
 * Reads until the answer has begun: a comment or a role-only delta is not a
 * beginning. Returns every event read, with any that came after the first
 * meaningful one in the same read.
 */
async function readUntilMeaningful(reader: EventReader): Promise<EventSourceMessage[]> {
  const buffered: EventSourceMessage[] = []
  for (;;) {
    const events = await reader.next()
    if (!events)
      throw new UpstreamError('protocol', 'The provider closed the stream before the first token.', { code: 'stream_truncated' })
    buffered.push(...events)
    for (const event of events) {
      if (event.data === '[DONE]')
        throw new UpstreamError('protocol', 'The provider ended the stream without an answer.', { code: 'stream_truncated' })
      if (event.data === '')
        continue
      const chunk = inspectChunk(event.data)
      const failure = chunkFailure(event, chunk)
      if (failure)
        throw failure
      if (chunk.kind === 'chunk' && chunk.meaningful)
        return buffered
    }
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms)
    function done() {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }
    function onAbort() {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
