import type { ChatCompletionRequest, ModelInfo } from '../protocol'
import { UpstreamError } from '../errors'

export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

/** An OpenAI-compatible provider, called with the relay's key. */
export interface Upstream {
  /** Resolves with the provider's 2xx response, or throws an {@link UpstreamError}. */
  chatCompletions: (body: ChatCompletionRequest, signal: AbortSignal) => Promise<Response>
  models: (signal: AbortSignal) => Promise<ModelInfo[]>
}

/**
 * Creates the client for one upstream. Only the relay decides the URL and the
 * headers sent there; nothing from the client's request can redirect the key.
 */
export function createUpstream(options: { fetch: FetchFn, baseUrl: string, apiKey: string }): Upstream {
  const { fetch, baseUrl, apiKey } = options
  const headers = (accept: string): Record<string, string> => ({
    'Accept': accept,
    'Content-Type': 'application/json',
    ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
  })

  async function call(path: string, init: RequestInit, signal: AbortSignal): Promise<Response> {
    let response: Response
    try {
      response = await fetch(`${baseUrl}${path}`, { ...init, signal })
    }
    catch (error) {
      if (signal.aborted)
        throw error
      throw new UpstreamError('network', 'Could not reach the provider.')
    }
    if (!response.ok)
      throw await errorFromResponse(response)
    return response
  }

  return {
    chatCompletions: (body, signal) => call('/chat/completions', {
      method: 'POST',
      headers: headers(body.stream ? 'text/event-stream' : 'application/json'),
      body: JSON.stringify(body),
    }, signal),

    async models(signal) {
      const response = await call('/models', { headers: headers('application/json') }, signal)
      const list = await response.json().catch(() => null) as { data?: unknown } | null
      if (!list || !Array.isArray(list.data))
        throw new UpstreamError('protocol', 'The provider sent a malformed model list.')
      return list.data.filter(isModelInfo)
    },
  }
}

async function errorFromResponse(response: Response): Promise<UpstreamError> {
  const text = await response.text().catch(() => '')
  let message = text.slice(0, 1000).trim() || `HTTP ${response.status}`
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string, message?: unknown }
    const candidate = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message ?? parsed.message
    if (typeof candidate === 'string' && candidate)
      message = candidate
  }
  catch {}
  return new UpstreamError('http', message, {
    status: response.status,
    retryAfter: response.headers.get('retry-after') ?? undefined,
  })
}

function isModelInfo(value: unknown): value is ModelInfo {
  return typeof value === 'object' && value !== null && typeof (value as ModelInfo).id === 'string'
}
