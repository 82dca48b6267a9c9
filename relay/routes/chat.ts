import type { Context } from 'hono'
import type { RelayEnv } from '../app'
import type { RelayConfig } from '../config'
import type { Redact } from '../errors'
import type { Logger } from '../logger'
import type { RelayMetrics } from '../metrics'
import type { ChatCompletionRequest, Usage } from '../protocol'
import type { Target } from '../routing'
import type { FailoverDeps, OpenedStream } from '../upstream/failover'
import type { StreamOutcome } from '../upstream/stream'
import { Hono } from 'hono'
import { parseChatRequest } from '../chat-request'
import { RelayError } from '../errors'
import { resolveTargets } from '../routing'
import { SSE_HEADERS } from '../sse'
import { completeWithFailover, openWithFailover } from '../upstream/failover'
import { createClientStream } from '../upstream/stream'
import { estimateTokens, promptCharacters, usageRecord } from '../usage'

export interface ChatRouteDeps extends FailoverDeps {
  config: RelayConfig
  redact: Redact
  logger: Logger
  metrics: RelayMetrics
}

/** Names the model that served the answer, when known as the headers go out. */
export const SERVED_MODEL_HEADER = 'X-Sori-Model'

/** `POST /chat/completions`: routes to the upstream with the relay's key, with failover, streaming or not. */
export function chatRoutes(deps: ChatRouteDeps): Hono<RelayEnv> {
  const { config, redact, logger, metrics } = deps

  return new Hono<RelayEnv>().post('/chat/completions', async (c) => {
    const request = parseChatRequest(await readJson(c))
    const targets = resolveTargets(config, request.model)
    const startedAt = Date.now()
    // The client leaving stops the upstream at once: no more tokens billed.
    const upstreamAbort = new AbortController()
    let opened: OpenedStream | undefined
    const abortUpstream = () => {
      upstreamAbort.abort()
      opened?.abort()
    }
    const clientSignal = c.req.raw.signal
    clientSignal.addEventListener('abort', abortUpstream, { once: true })

    // Without reported usage, completion tokens are estimated as one per streamed chunk, which is how providers stream.
    const finish = (target: Target | undefined, outcome: StreamOutcome | { kind: 'done' }, reported: Usage | null, contentChunks: number) => {
      clientSignal.removeEventListener('abort', abortUpstream)
      const served = target?.model ?? request.model
      // Counting the prompt's characters walks the whole conversation: only when there is nothing reported.
      const estimate = reported ? { prompt: 0, completion: 0 } : { prompt: estimateTokens(promptCharacters(request.messages)), completion: contentChunks }
      const usage = usageRecord(reported, estimate, target?.pricing ?? null)
      // A cancelled answer was still generated, and billed, up to the cancel.
      if (target)
        metrics.usage(served, usage, usage.costUsd)
      logger.info('chat_completion', { requestId: c.get('requestId'), model: request.model, served, stream: Boolean(request.stream), durationMs: Date.now() - startedAt, ...outcome, usage })
    }

    if (!request.stream) {
      const { target, completion } = await completeWithFailover(request, targets, upstreamAbort.signal, deps)
      finish(target, { kind: 'done' }, completion.usage ?? null, 0)
      const renamed = target.model !== request.model || target.upstreamModel !== target.model
      return c.json(renamed ? { ...completion, model: target.model } : completion, 200, { [SERVED_MODEL_HEADER]: target.model })
    }

    const opening = openWithFailover(request, targets, upstreamAbort.signal, deps)
    opening.then(stream => (opened = stream), () => {})
    // Hold the response until the answer begins, so failures before it still get a real status.
    await settledWithin(opening, config.retry.commitMs)

    let reported: Usage | null = null
    let committedTarget: Target | undefined
    metrics.streamOpened()
    const stream = createClientStream({
      opening,
      abort: abortUpstream,
      requestedModel: request.model,
      clientWantsUsage: request.stream_options?.include_usage === true,
      idleMs: config.timeouts.idleMs,
      deadline: startedAt + config.timeouts.totalMs,
      keepaliveMs: config.keepaliveMs,
      redact,
      onCommit(target) {
        committedTarget = target
        metrics.firstToken(target.model, (Date.now() - startedAt) / 1000)
      },
      onUsage: (usage) => { reported = usage },
      onEnd(outcome, contentChunks) {
        metrics.streamClosed()
        metrics.streamEnded(committedTarget?.model ?? request.model, (Date.now() - startedAt) / 1000, outcome.kind)
        finish(committedTarget, outcome, reported, contentChunks)
      },
    })
    const headers: Record<string, string> = { ...SSE_HEADERS }
    if (opened)
      headers[SERVED_MODEL_HEADER] = (opened as OpenedStream).target.model
    return new Response(stream, { headers })
  })
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
