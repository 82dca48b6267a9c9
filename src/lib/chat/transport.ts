import type { ChatCompletionChunk, ChatCompletionRequest } from '../../../relay/protocol'
import { EventStreamContentType, fetchEventSource } from '@microsoft/fetch-event-source'
import { ChatError, chatErrorFromFrame, chatErrorFromResponse, toChatError } from './errors'

export interface StreamChatOptions {
  /** OpenAI-compatible base URL including `/v1`. */
  baseUrl: string
  accessToken?: string
  request: ChatCompletionRequest
  signal: AbortSignal
  onChunk: (chunk: ChatCompletionChunk) => void
  fetch?: typeof fetch
}

export type StreamResult = 'done' | 'aborted'

/**
 * Streams one chat completion. Resolves `'done'` after `[DONE]`, `'aborted'`
 * when `signal` stopped it, and rejects with a {@link ChatError} otherwise.
 *
 * fetch-event-source re-sends the request on its own in two cases we must
 * never allow for a paid POST: when the tab becomes hidden (unless
 * `openWhenHidden`) and whenever `onerror` returns instead of throwing. Here
 * it always throws, so the request goes out exactly once.
 */
export async function streamChatCompletion(options: StreamChatOptions): Promise<StreamResult> {
  const { baseUrl, accessToken, request, signal, onChunk } = options
  // fetch-event-source listens for 'abort', which never fires for a signal aborted already.
  if (signal.aborted)
    return 'aborted'
  let finished = false
  let sawFinishReason = false

  await fetchEventSource(`${baseUrl.replace(/\/+$/, '')}/chat/completions`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}),
    },
    body: JSON.stringify({ ...request, stream: true }),
    signal,
    openWhenHidden: true,
    fetch: options.fetch,
    async onopen(response) {
      if (response.ok && response.headers.get('content-type')?.startsWith(EventStreamContentType))
        return
      throw await chatErrorFromResponse(response)
    },
    onmessage(event) {
      if (finished || signal.aborted)
        return
      if (event.data === '[DONE]') {
        finished = true
        return
      }
      if (event.data === '')
        return
      const payload = parseJson(event.data)
      if (payload && typeof payload === 'object' && 'error' in payload)
        throw chatErrorFromFrame(payload)
      if (!payload || typeof payload !== 'object' || !Array.isArray((payload as ChatCompletionChunk).choices))
        throw new ChatError({ type: 'protocol', code: 'malformed_chunk', message: `Unexpected data in the stream: ${event.data.slice(0, 200)}` })
      const chunk = payload as ChatCompletionChunk
      sawFinishReason ||= chunk.choices.some(choice => choice?.finish_reason)
      onChunk(chunk)
    },
    onclose() {
      // Some upstreams omit [DONE]; a finish_reason already said the answer is complete.
      if (sawFinishReason && !signal.aborted)
        finished = true
      if (!finished && !signal.aborted)
        throw new ChatError({ type: 'network', code: 'stream_truncated', message: 'The connection closed before the answer was complete.' })
    },
    onerror(error) {
      throw toChatError(error)
    },
  })
  return finished ? 'done' : 'aborted'
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  }
  catch {
    return undefined
  }
}
