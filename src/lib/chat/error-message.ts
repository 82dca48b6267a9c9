import type { ChatErrorInfo } from './errors'

export interface LocalizedError {
  /** Key under `errors.` in the locale files. */
  key: string
  params: Record<string, string | number>
}

const KEY_BY_CODE: Record<string, string> = {
  invalid_access_token: 'accessToken',
  origin_not_allowed: 'origin',
  upstream_auth_failed: 'upstreamAuth',
  upstream_unavailable: 'upstreamDown',
  upstream_protocol_error: 'upstreamDown',
  upstream_timeout: 'timeout',
  upstream_network_error: 'streamBroken',
  upstream_stream_error: 'streamBroken',
  stream_truncated: 'streamBroken',
  connection_lost: 'streamBroken',
  stream_expired: 'streamExpired',
  stream_abandoned: 'streamExpired',
  producer_lost: 'streamBroken',
  stream_too_long: 'streamBroken',
  stream_store_unavailable: 'relayFailed',
  cancelled: 'cancelled',
  network_error: 'network',
  payload_too_large: 'tooLarge',
  upstream_bad_request: 'badRequest',
  invalid_request: 'badRequest',
  not_found: 'notFound',
  internal_error: 'relayFailed',
  interrupted: 'interrupted',
  shutting_down: 'upstreamDown',
  model_not_allowed: 'modelNotAllowed',
}

/** Chooses the localized explanation for a failed generation. */
export function localizeError(error: ChatErrorInfo): LocalizedError {
  const params = { message: error.message, seconds: error.retryAfterSeconds ?? 0 }
  if (error.code === 'rate_limited' || error.status === 429)
    return { key: error.retryAfterSeconds ? 'errors.rateLimitedFor' : 'errors.rateLimited', params }
  const key = KEY_BY_CODE[error.code]
  if (key)
    return { key: `errors.${key}`, params }
  if (error.type === 'timeout')
    return { key: 'errors.timeout', params }
  if (error.type === 'network')
    return { key: 'errors.network', params }
  if (error.status === 401)
    return { key: 'errors.accessToken', params }
  if (error.status === 500)
    return { key: 'errors.relayFailed', params }
  if (error.status !== undefined && error.status > 500)
    return { key: 'errors.upstreamDown', params }
  return { key: 'errors.unknown', params }
}
