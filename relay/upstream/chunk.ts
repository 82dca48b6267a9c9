import type { EventSourceMessage } from 'eventsource-parser'
import type { ChatCompletionChunk, Usage } from '../protocol'
import { UpstreamError } from '../errors'

export type InspectedChunk
  = | { kind: 'malformed' }
    | { kind: 'error', message: string }
    | {
      kind: 'chunk'
      value: ChatCompletionChunk
      /** Carries something of the answer: text, reasoning, a tool call, a finish reason or usage. */
      meaningful: boolean
      finished: boolean
      usage: Usage | null
      /** Carries content or reasoning text (one streamed token, roughly). */
      hasText: boolean
      /** A usage-only chunk, the kind `include_usage` adds after the last choice. */
      usageOnly: boolean
    }

/** Reads one upstream `data:` payload. */
export function inspectChunk(data: string): InspectedChunk {
  let value: unknown
  try {
    value = JSON.parse(data)
  }
  catch {
    return { kind: 'malformed' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { kind: 'malformed' }
  const { error } = value as { error?: unknown }
  if (error !== undefined && error !== null)
    return { kind: 'error', message: errorMessage(error) }

  const chunk = value as ChatCompletionChunk
  const choices = Array.isArray(chunk.choices) ? chunk.choices : []
  let hasText = false
  let meaningful = false
  let finished = false
  for (const choice of choices) {
    const delta = (choice?.delta ?? {}) as Record<string, unknown>
    for (const field of ['content', 'reasoning_content', 'reasoning', 'refusal']) {
      const piece = delta[field]
      if (typeof piece === 'string' && piece.length > 0)
        hasText = meaningful = true
    }
    if (delta.tool_calls || delta.function_call)
      meaningful = true
    if (choice?.finish_reason)
      finished = meaningful = true
  }
  const usage = isUsage(chunk.usage) ? chunk.usage : null
  return { kind: 'chunk', value: chunk, meaningful: meaningful || usage !== null, finished, usage, hasText, usageOnly: usage !== null && choices.length === 0 }
}

function errorMessage(error: unknown): string {
  if (typeof error === 'string' && error)
    return error
  const message = (error as { message?: unknown }).message
  return typeof message === 'string' && message ? message : 'The provider reported an error.'
}

function isUsage(value: unknown): value is Usage {
  return typeof value === 'object' && value !== null && typeof (value as Usage).prompt_tokens === 'number'
}

/**
 * Why an upstream event ends the stream: data that is not JSON, or an error the
 * provider sent after HTTP 200. Null for a chunk to pass on.
 */
export function chunkFailure(event: EventSourceMessage, chunk: InspectedChunk): UpstreamError | null {
  if (chunk.kind === 'malformed')
    return new UpstreamError('protocol', 'The provider sent data that is not JSON.')
  if (chunk.kind === 'error' || event.event === 'error')
    return new UpstreamError('http', chunk.kind === 'error' ? chunk.message : 'The provider reported an error.', { code: 'upstream_stream_error' })
  return null
}
