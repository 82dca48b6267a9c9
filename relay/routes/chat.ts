import type { Context } from 'hono'
import type { RelayEnv } from '../app'
import type { Redact } from '../errors'
import type { Logger } from '../logger'
import type { Upstream } from '../upstream/client'
import { Hono } from 'hono'
import { parseChatRequest, withSystemPrompt } from '../chat-request'
import { RelayError, UpstreamError } from '../errors'
import { SSE_HEADERS } from '../sse'
import { parseEventStream } from '../upstream/client'
import { relayEventStream } from '../upstream/stream'

export interface ChatRouteDeps {
  upstream: Upstream
  systemPrompt: string | null
  redact: Redact
  logger: Logger
}

/** `POST /chat/completions`: forwards to the upstream with the relay's key, streaming or not. */
export function chatRoutes(deps: ChatRouteDeps): Hono<RelayEnv> {
  const { upstream, systemPrompt, redact, logger } = deps
  return new Hono<RelayEnv>().post('/chat/completions', async (c) => {
    const request = withSystemPrompt(parseChatRequest(await readJson(c)), systemPrompt)
    const upstreamAbort = new AbortController()
    // The client leaving must stop the upstream at once: no more tokens billed.
    const clientSignal = c.req.raw.signal
    const abortUpstream = () => upstreamAbort.abort()
    clientSignal.addEventListener('abort', abortUpstream, { once: true })

    const response = await upstream.chatCompletions(request, upstreamAbort.signal)
    if (!request.stream) {
      clientSignal.removeEventListener('abort', abortUpstream)
      return new Response(response.body, { headers: { 'Content-Type': 'application/json' } })
    }
    if (!response.body || !response.headers.get('content-type')?.includes('text/event-stream')) {
      abortUpstream()
      throw new UpstreamError('protocol', 'The provider answered a streaming request without an event stream.')
    }

    const started = Date.now()
    const stream = relayEventStream({
      events: parseEventStream(response.body),
      abortUpstream,
      redact,
      onEnd(outcome) {
        clientSignal.removeEventListener('abort', abortUpstream)
        logger.info('stream_end', { requestId: c.get('requestId'), model: request.model, durationMs: Date.now() - started, ...outcome })
      },
    })
    return new Response(stream, { headers: SSE_HEADERS })
  })
}

async function readJson(c: Context<RelayEnv>): Promise<unknown> {
  if (!c.req.header('Content-Type')?.toLowerCase().startsWith('application/json'))
    throw new RelayError(415, 'unsupported_media_type', 'Send the request body as application/json.')
  try {
    return await c.req.json()
  }
  catch {
    throw new RelayError(400, 'invalid_request', 'The request body is not valid JSON.')
  }
}
