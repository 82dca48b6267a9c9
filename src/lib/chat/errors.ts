import type { ErrorBody } from '../../../relay/protocol'

export type ChatErrorType = 'http' | 'timeout' | 'network' | 'protocol'

/** Why a generation failed, in a form the UI can explain and the store can persist. */
export interface ChatErrorInfo {
  type: ChatErrorType
  /** The relay's `error.code` (see RelayErrorCode), or one of the client's own codes. */
  code: string
  message: string
  status?: number
  retryAfterSeconds?: number
}

/** A typed failure of the chat transport. */
export class ChatError extends Error implements ChatErrorInfo {
  readonly type: ChatErrorType
  readonly code: string
  readonly status?: number
  readonly retryAfterSeconds?: number

  constructor(info: ChatErrorInfo) {
    super(info.message)
    this.name = 'ChatError'
    this.type = info.type
    this.code = info.code
    this.status = info.status
    this.retryAfterSeconds = info.retryAfterSeconds
  }

  toJSON(): ChatErrorInfo {
    return { type: this.type, code: this.code, message: this.message, status: this.status, retryAfterSeconds: this.retryAfterSeconds }
  }
}

/** Builds the error for a non-stream response (an HTTP error before any token). */
export async function chatErrorFromResponse(response: Response): Promise<ChatError> {
  const text = await response.text().catch(() => '')
  const body = parseErrorBody(text)
  const retryAfter = Number(response.headers.get('retry-after'))
  return new ChatError({
    type: response.status === 504 || response.status === 408 ? 'timeout' : 'http',
    code: body?.error.code ?? (response.ok ? 'not_an_event_stream' : `http_${response.status}`),
    message: body?.error.message ?? (text.slice(0, 300) || `HTTP ${response.status}`),
    status: response.status,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  })
}

/** Builds the error for an error frame that ended a stream (`{"error": ...}` in any shape). */
export function chatErrorFromFrame(frame: { error?: unknown }): ChatError {
  const error = typeof frame.error === 'object' && frame.error !== null ? frame.error as Partial<ErrorBody['error']> : {}
  const message = typeof error.message === 'string' && error.message
    ? error.message
    : typeof frame.error === 'string' && frame.error ? frame.error : 'The stream ended with an error.'
  const code = typeof error.code === 'string' && error.code ? error.code : 'upstream_stream_error'
  const type: ChatErrorType = code === 'upstream_timeout'
    ? 'timeout'
    : code === 'stream_truncated' || code === 'upstream_network_error' || code === 'upstream_stream_error' ? 'network' : 'http'
  return new ChatError({ type, code, message })
}

/** Narrows anything thrown during a generation to a {@link ChatError}. */
export function toChatError(error: unknown): ChatError {
  if (error instanceof ChatError)
    return error
  // fetch rejects with a TypeError when the network is down or the relay unreachable.
  return new ChatError({ type: 'network', code: 'network_error', message: error instanceof Error ? error.message : String(error) })
}

export function parseErrorBody(text: string): ErrorBody | null {
  try {
    const value = JSON.parse(text) as Partial<ErrorBody>
    return value && typeof value.error === 'object' && value.error && typeof value.error.message === 'string'
      ? value as ErrorBody
      : null
  }
  catch {
    return null
  }
}

/** The error of an answer that was still streaming when its page (or an export) stopped it. */
export function interruptedError(reason: string): ChatErrorInfo {
  return { type: 'network', code: 'interrupted', message: reason }
}
