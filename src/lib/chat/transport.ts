import type { ChatCompletionChunk, ChatCompletionRequest } from '../../../relay/protocol'
import { EventStreamContentType, fetchEventSource } from '@microsoft/fetch-event-source'
import { ChatError, chatErrorFromFrame, chatErrorFromResponse, toChatError } from './errors'
import { canReconnect, MAX_RECONNECTS, reconnectDelay } from './reconnect'

export interface StreamChatOptions {
  /** OpenAI-compatible base URL including `/v1`. */
  baseUrl: string
  accessToken?: string
  request: ChatCompletionRequest
  signal: AbortSignal
  /** `eventId` is the relay's id of the event, for resuming after it. */
  onChunk: (chunk: ChatCompletionChunk, eventId: number | undefined) => void
  /**
   * Makes the answer resumable: sent as `Idempotency-Key`; with `lastEventId`
   * this call re-attaches after that event instead of asking anew.
   */
  resume?: { key: string, lastEventId?: number }
  /** The connection broke and attempt `n` to pick the answer up is under way; null once it flows again. */
  onReconnecting?: (attempt: number | null) => void
  fetch?: typeof fetch
}

export type StreamResult = 'done' | 'aborted'

/**
 * Streams one chat completion. Resolves `'done'` after `[DONE]`, `'aborted'`
 * when `signal` stopped it, and rejects with a {@link ChatError} otherwise.
 *
 * fetch-event-source re-sends the request on its own when the tab becomes
 * hidden (unless `openWhenHidden`) and whenever `onerror` returns instead of
 * throwing. A paid POST may go out again only when it is resumable: the relay
 * then attaches the retry, with `Last-Event-ID`, to the answer already being
 * generated. Without `resume`, `onerror` always throws.
 */
export async function streamChatCompletion(options: StreamChatOptions): Promise<StreamResult> {
  const { baseUrl, accessToken, request, signal, onChunk, resume } = options
  // fetch-event-source listens for 'abort', which never fires for a signal aborted already.
  if (signal.aborted)
    return 'aborted'
  let finished = false
  let sawFinishReason = false
  let reconnects = 0

  await fetchEventSource(`${baseUrl.replace(/\/+$/, '')}/chat/completions`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}),
      ...(resume ? { 'Idempotency-Key': resume.key } : {}),
      // fetch-event-source keeps this header up to date on its own retries.
      ...(resume?.lastEventId !== undefined ? { 'last-event-id': String(resume.lastEventId) } : {}),
    },
    body: JSON.stringify({ ...request, stream: true }),
    signal,
    openWhenHidden: true,
    fetch: options.fetch,
    async onopen(response) {
      if (response.ok && response.headers.get('content-type')?.startsWith(EventStreamContentType)) {
        if (reconnects > 0)
          options.onReconnecting?.(null)
        reconnects = 0
        return
      }
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
      onChunk(chunk, event.id ? Number(event.id) : undefined)
    },
    onclose() {
      // Some upstreams omit [DONE]; a finish_reason already said the answer is complete.
      if (sawFinishReason && !signal.aborted)
        finished = true
      if (!finished && !signal.aborted)
        throw new ChatError({ type: 'network', code: 'connection_lost', message: 'The connection closed before the answer was complete.' })
    },
    onerror(error) {
      const failure = toChatError(error)
      if (!resume || !canReconnect(failure) || reconnects >= MAX_RECONNECTS)
        throw failure
      options.onReconnecting?.(++reconnects)
      return reconnectDelay(reconnects - 1)
    },
  })
  return finished ? 'done' : 'aborted'
}

/** Asks the relay to stop a resumable answer at once (the Stop button); best effort. */
export async function cancelStream(options: { baseUrl: string, accessToken?: string, key: string, fetch?: typeof fetch }): Promise<void> {
  const { baseUrl, accessToken, key, fetch: fetchFn = fetch } = options
  await fetchFn(`${baseUrl.replace(/\/+$/, '')}/streams/${encodeURIComponent(key)}/cancel`, {
    method: 'POST',
    headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {},
    keepalive: true,
  }).catch(() => {})
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  }
  catch {
    return undefined
  }
}
