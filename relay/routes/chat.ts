import type { Context } from 'hono'
import type { RelayEnv } from '../app'
import type { RelayConfig } from '../config'
import type { Redact } from '../errors'
import type { Logger } from '../logger'
import type { RelayMetrics } from '../metrics'
import type { ChatCompletionRequest, Usage } from '../protocol'
import type { Target } from '../routing'
import type { StreamStore } from '../streams/store'
import type { AnswerOptions } from '../upstream/answer-pump'
import type { FailoverDeps, OpenedStream } from '../upstream/failover'
import { Hono } from 'hono'
import { parseChatRequest } from '../chat-request'
import { RelayError } from '../errors'
import { resolveTargets } from '../routing'
import { SSE_HEADERS } from '../sse'
import { runGeneration } from '../streams/generation'
import { idempotencyKeyOf, lastEventIdOf, streamKeyFor } from '../streams/keys'
import { createLogReaderStream } from '../streams/reader'
import { createClientStream } from '../upstream/client-stream'
import { completeWithFailover, openWithFailover } from '../upstream/failover'
import { estimateTokens, promptCharacters, usageRecord } from '../usage'

export interface ChatRouteDeps extends FailoverDeps {
  config: RelayConfig
  store: StreamStore
  redact: Redact
  logger: Logger
  metrics: RelayMetrics
}

/** Names the model that served the answer, when known as the headers go out. */
export const SERVED_MODEL_HEADER = 'X-Sori-Model'

/**
 * `POST /chat/completions`: routes to the upstream with the relay's key, with
 * failover, streaming or not. A stream with an `Idempotency-Key` is generated
 * into the stream log and read from it, so it can be resumed; one without
 * stops when its client leaves.
 */
export function chatRoutes(deps: ChatRouteDeps): Hono<RelayEnv> {
  const { config, store, redact, logger, metrics } = deps

  /** Starts one answer upstream and describes how to stream it; `onEnd` records usage, metrics and the log line. */
  function startAnswer(c: Context<RelayEnv>, request: ChatCompletionRequest, onEnded: () => void) {
    const startedAt = Date.now()
    const upstreamAbort = new AbortController()
    let opened: OpenedStream | undefined
    const abort = () => {
      upstreamAbort.abort()
      opened?.abort()
    }
    const opening = openWithFailover(request, resolveTargets(config, request.model), upstreamAbort.signal, deps)
    opening.then(stream => (opened = stream), () => {})
    let reported: Usage | null = null
    let committed: Target | undefined
    const options: AnswerOptions = {
      opening,
      abort,
      requestedModel: request.model,
      clientWantsUsage: request.stream_options?.include_usage === true,
      idleMs: config.timeouts.idleMs,
      deadline: startedAt + config.timeouts.totalMs,
      keepaliveMs: config.keepaliveMs,
      redact,
      onCommit(target) {
        committed = target
        metrics.firstToken(target.model, (Date.now() - startedAt) / 1000)
      },
      onUsage: (usage) => { reported = usage },
      onEnd(outcome, contentChunks) {
        onEnded()
        metrics.streamClosed()
        metrics.streamEnded(committed?.model ?? request.model, (Date.now() - startedAt) / 1000, outcome.kind)
        record(c, request, startedAt, committed, outcome, reported, contentChunks)
      },
    }
    return { options, opening, abort, servedModel: () => opened?.target.model }
  }

  /** Holds the response until the answer begins, so failures before it still get a real status. */
  async function committed(opening: Promise<unknown>) {
    await settledWithin(opening, config.retry.commitMs)
    metrics.streamOpened()
  }

  // Without reported usage, completion tokens are estimated as one per streamed chunk, which is how providers stream.
  function record(c: Context<RelayEnv>, request: ChatCompletionRequest, startedAt: number, target: Target | undefined, outcome: object, reported: Usage | null, contentChunks: number) {
    const served = target?.model ?? request.model
    // Counting the prompt's characters walks the whole conversation: only when there is nothing reported.
    const estimate = reported ? { prompt: 0, completion: 0 } : { prompt: estimateTokens(promptCharacters(request.messages)), completion: contentChunks }
    const usage = usageRecord(reported, estimate, target?.pricing ?? null)
    // A cancelled answer was still generated, and billed, up to the cancel.
    if (target)
      metrics.usage(served, usage, usage.costUsd)
    logger.info('chat_completion', { requestId: c.get('requestId'), model: request.model, served, stream: Boolean(request.stream), durationMs: Date.now() - startedAt, ...outcome, usage })
  }

  function sse(body: ReadableStream<Uint8Array>, servedModel: string | undefined): Response {
    const headers: Record<string, string> = { ...SSE_HEADERS }
    if (servedModel)
      headers[SERVED_MODEL_HEADER] = servedModel
    return new Response(body, { headers })
  }

  /** Attaches to a known stream from `afterId` on; null when the store does not know the key. */
  async function attach(storeKey: string, afterId: number, servedModel?: string): Promise<Response | null> {
    const stop = new AbortController()
    const entries = await store.read(storeKey, afterId, stop.signal)
    return entries && sse(createLogReaderStream({ entries, stop, keepaliveMs: config.keepaliveMs, redact }), servedModel)
  }

  return new Hono<RelayEnv>().post('/chat/completions', async (c) => {
    const request = parseChatRequest(await readJson(c))

    if (!request.stream) {
      const upstreamAbort = new AbortController()
      const startedAt = Date.now()
      const { target, completion } = await completeWithFailover(request, resolveTargets(config, request.model), upstreamAbort.signal, deps)
      record(c, request, startedAt, target, { kind: 'done' }, completion.usage ?? null, 0)
      const renamed = target.model !== request.model || target.upstreamModel !== target.model
      return c.json(renamed ? { ...completion, model: target.model } : completion, 200, { [SERVED_MODEL_HEADER]: target.model })
    }

    const key = idempotencyKeyOf(c)
    if (!key) {
      // The client leaving stops the upstream at once: no more tokens billed.
      const clientSignal = c.req.raw.signal
      const answer = startAnswer(c, request, () => clientSignal.removeEventListener('abort', answer.abort))
      clientSignal.addEventListener('abort', answer.abort, { once: true })
      await committed(answer.opening)
      return sse(createClientStream(answer.options), answer.servedModel())
    }

    const storeKey = await streamKeyFor(c, key)
    const resumeAfter = lastEventIdOf(c)
    if (resumeAfter !== null) {
      return await attach(storeKey, resumeAfter)
        ?? raise(expired())
    }
    const lease = await store.claim(storeKey)
    if (!lease) {
      // Known key: the same question again (a retry, another tab) joins the answer instead of paying for a second one.
      return await attach(storeKey, 0) ?? raise(expired())
    }
    const answer = startAnswer(c, request, () => {})
    try {
      await committed(answer.opening)
    }
    catch (error) {
      // Nothing was generated: forget the key, so a retry with it may start again.
      await store.discard(lease).catch(() => {})
      throw error
    }
    runGeneration({ store, lease, answer: answer.options }).catch((error) => {
      logger.error('stream_log_failed', { requestId: c.get('requestId'), cause: String(error) })
    })
    return await attach(storeKey, 0, answer.servedModel()) ?? raise(expired())
  })
}

function expired(): RelayError {
  return new RelayError(410, 'stream_expired', 'This answer is no longer kept by the relay; the text received so far is all there is.')
}

function raise(error: Error): never {
  throw error
}

/** Waits until `promise` settles or `ms` pass; rethrows if it rejected in time. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    await Promise.race([promise, new Promise((resolve) => {
      timer = setTimeout(resolve, ms)
    })])
  }
  finally {
    clearTimeout(timer)
  }
}

async function readJson(c: Context<RelayEnv>): Promise<ChatCompletionRequest | unknown> {
  if (!c.req.header('Content-Type')?.toLowerCase().startsWith('application/json'))
    throw new RelayError(415, 'unsupported_media_type', 'Send the request body as application/json.')
  try {
    return await c.req.json()
  }
  catch {
    throw new RelayError(400, 'invalid_request', 'The request body is not valid JSON.')
  }
}
