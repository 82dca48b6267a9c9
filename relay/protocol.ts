// Wire types shared by the relay and the SPA (the SPA uses `import type` only).
// They follow the OpenAI Chat Completions protocol; fields the relay does not
// look at pass through untouched, hence the index signatures.

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool'

export interface ChatMessage {
  role: ChatRole
  content: string | null | Array<Record<string, unknown>>
  name?: string
  [field: string]: unknown
}

export interface ChatCompletionRequest {
  model: string
  messages: ChatMessage[]
  stream?: boolean
  stream_options?: { include_usage?: boolean }
  temperature?: number
  top_p?: number
  max_tokens?: number
  [field: string]: unknown
}

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  prompt_tokens_details?: { cached_tokens?: number }
}

export interface ChatCompletionChunk {
  id: string
  object: 'chat.completion.chunk'
  created: number
  model: string
  choices: Array<{
    index: number
    delta: { role?: ChatRole, content?: string | null, [field: string]: unknown }
    finish_reason: string | null
  }>
  usage?: Usage | null
}

export interface ChatCompletion {
  id: string
  object: 'chat.completion'
  created: number
  model: string
  choices: Array<{
    index: number
    message: { role: 'assistant', content: string | null }
    finish_reason: string | null
  }>
  usage?: Usage
}

/**
 * Error codes the relay puts in `error.code`, both in JSON error responses and
 * in error frames that end a stream. The SPA maps each to a localized message.
 */
export type RelayErrorCode
  = | 'invalid_request'
    | 'model_not_allowed'
    | 'unsupported_media_type'
    | 'invalid_access_token'
    | 'origin_not_allowed'
    | 'not_found'
    | 'payload_too_large'
    | 'rate_limited'
    | 'upstream_auth_failed'
    | 'upstream_bad_request'
    | 'upstream_unavailable'
    | 'upstream_timeout'
    | 'upstream_network_error'
    | 'upstream_protocol_error'
    | 'upstream_stream_error'
    | 'stream_truncated'
    | 'shutting_down'
    | 'internal_error'
    | 'invalid_idempotency_key'
    | 'stream_not_found'
    | 'stream_expired'
    | StreamErrorCode

/** Why a resumable stream ended without its answer; sent as its error frame. */
export type StreamErrorCode
  = | 'cancelled'
    | 'stream_abandoned'
    | 'producer_lost'
    | 'stream_too_long'
    | 'stream_store_unavailable'

export interface ErrorBody {
  error: { message: string, type: string, code: RelayErrorCode | string | null }
}

export interface ModelInfo {
  id: string
  object: 'model'
  created: number
  owned_by: string
  /** USD per 1M tokens. */
  pricing?: { input: number, output: number }
  fallbacks?: string[]
}

export interface ModelList {
  object: 'list'
  data: ModelInfo[]
}

/** `GET /config.json`: what the SPA needs to know about the relay it runs behind. */
export interface RuntimeConfig {
  /** OpenAI-compatible base URL including `/v1`; relative URLs resolve against the page. */
  relayUrl: string
  /** True when the relay has no upstream and answers with the built-in demo model. */
  demo: boolean
  defaultModel: string | null
  /** True when the relay wants `Authorization: Bearer <access token>`. */
  requiresAccessToken: boolean
}

/** The model the relay answers with when no upstream is configured. */
export const DEMO_MODEL = 'demo'
