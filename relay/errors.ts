import type { ErrorBody, RelayErrorCode, StreamErrorCode } from './protocol'

/** A problem with the client's request, found before anything was sent upstream. */
export class RelayError extends Error {
  readonly type = 'request'
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 410 | 413 | 415 | 429 | 503,
    readonly code: RelayErrorCode,
    message: string,
    /** With a 429: when the client may try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
    this.name = 'RelayError'
  }
}

/** A resumable stream that ended without its answer: stopped, abandoned, or its log failed. */
export class StreamError extends Error {
  readonly type = 'stream'
  constructor(readonly code: StreamErrorCode, message: string) {
    super(message)
    this.name = 'StreamError'
  }
}

export type UpstreamErrorType = 'http' | 'timeout' | 'network' | 'protocol'

/** A failure of the upstream: an error status, no answer in time, a broken connection or bad data. */
export class UpstreamError extends Error {
  constructor(
    readonly type: UpstreamErrorType,
    message: string,
    readonly details: { status?: number, retryAfter?: string, code?: RelayErrorCode, clientMayRetry?: boolean } = {},
  ) {
    super(message)
    this.name = 'UpstreamError'
  }
}

export interface ErrorResponse {
  status: number
  body: ErrorBody
  headers: Record<string, string>
}

/** Removes secrets from text that may reach a client or a log. */
export type Redact = (text: string) => string

/** Builds a {@link Redact} that hides the given secrets and anything shaped like an API key. */
export function createRedactor(secrets: readonly string[]): Redact {
  // Very short "keys" (Ollama's placeholder "ollama") are not secret, and replacing them would garble every line.
  const sorted = secrets.filter(secret => secret.length >= 8).sort((a, b) => b.length - a.length)
  return (text) => {
    let out = text
    for (const secret of sorted)
      out = out.split(secret).join('[redacted]')
    // Providers echo parts of a rejected key ("Incorrect API key provided: sk-abc***xyz").
    return out.replace(/\bsk-[\w*-]{8,}/g, '[redacted]')
  }
}

/**
 * The one place where an error becomes what the client sees: a status, an
 * OpenAI-shaped body (also used as the error frame that ends a stream) and headers.
 */
export function toErrorResponse(error: unknown, redact: Redact): ErrorResponse {
  if (error instanceof RelayError) {
    const response = build(error.status, typeForStatus(error.status), error.code, error.message)
    if (error.status === 429) {
      // Clients (the OpenAI SDKs too) wait for Retry-After; 0 or a fraction would make them retry at once.
      const seconds = error.retryAfterSeconds ?? 1
      response.headers['Retry-After'] = String(Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : 1)
    }
    return response
  }
  if (error instanceof StreamError) {
    // Only the store's own failures can happen before a stream starts; the rest end one as a frame.
    const response = build(error.code === 'cancelled' || error.code === 'stream_abandoned' ? 409 : 503, 'stream_error', error.code, error.message)
    response.headers['x-should-retry'] = 'false'
    return response
  }
  if (!(error instanceof UpstreamError))
    return build(500, 'server_error', 'internal_error', 'The relay failed unexpectedly.')

  const response = fromUpstreamError(error, redact(error.message))
  // The relay has already retried: an OpenAI SDK client must not multiply the attempts.
  if (!error.details.clientMayRetry)
    response.headers['x-should-retry'] = 'false'
  return response
}

function fromUpstreamError(error: UpstreamError, message: string): ErrorResponse {
  if (error.details.code === 'stream_truncated' || error.details.code === 'upstream_stream_error')
    return build(502, 'upstream_error', error.details.code, message)
  switch (error.type) {
    case 'timeout':
      return build(504, 'upstream_error', 'upstream_timeout', message)
    case 'network':
      return build(502, 'upstream_error', 'upstream_network_error', message)
    case 'protocol':
      return build(502, 'upstream_error', 'upstream_protocol_error', message)
    case 'http':
      return fromUpstreamStatus(error.details.status ?? 502, message, error.details.retryAfter)
  }
}

function fromUpstreamStatus(status: number, message: string, retryAfter?: string): ErrorResponse {
  if (status === 401 || status === 403) {
    // The relay's own key was refused: an operator problem, not the client's credentials.
    return build(502, 'upstream_error', 'upstream_auth_failed', `The provider rejected the relay's API key: ${message}`)
  }
  if (status === 429) {
    const response = build(429, 'rate_limit_error', 'rate_limited', message)
    if (retryAfter && /^\d{1,6}$/.test(retryAfter.trim()))
      response.headers['Retry-After'] = retryAfter.trim()
    return response
  }
  if (status === 408 || status === 504)
    return build(504, 'upstream_error', 'upstream_timeout', message)
  if (status >= 400 && status < 500)
    return build(400, 'invalid_request_error', 'upstream_bad_request', message)
  return build(502, 'upstream_error', 'upstream_unavailable', message)
}

function typeForStatus(status: number): string {
  switch (status) {
    case 401: return 'authentication_error'
    case 403: return 'permission_error'
    case 404:
    case 410: return 'not_found_error'
    case 429: return 'rate_limit_error'
    case 503: return 'server_error'
    default: return 'invalid_request_error'
  }
}

function build(status: number, type: string, code: RelayErrorCode, message: string): ErrorResponse {
  return { status, body: { error: { message, type, code } }, headers: {} }
}
