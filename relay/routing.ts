import type { RelayConfig, UpstreamConfig } from './config'
import type { ChatCompletionRequest } from './protocol'
import { RelayError } from './errors'

/** One way to answer: a model as clients name it, the upstream serving it and the name it has there. */
export interface Target {
  model: string
  upstream: UpstreamConfig
  upstreamModel: string
  pricing: { input: number, output: number, cachedInput?: number } | null
}

/**
 * The requested model followed by its fallbacks, each resolved to an upstream.
 * Throws 400 when the model is not allowed.
 */
export function resolveTargets(config: RelayConfig, model: string): Target[] {
  const first = resolveTarget(config, model)
  if (!first)
    throw new RelayError(400, 'model_not_allowed', `The model "${model}" is not available on this relay.`)
  const fallbacks = (config.models[model]?.fallbacks ?? []).map(id => resolveTarget(config, id))
  return [first, ...fallbacks.filter((t): t is Target => t !== null)]
}

function resolveTarget(config: RelayConfig, model: string): Target | null {
  const configured = config.models[model]
  if (configured) {
    const upstream = config.upstreams.find(u => u.name === configured.upstream)
    return upstream ? { model, upstream, upstreamModel: configured.upstreamModel, pricing: configured.pricing } : null
  }
  const catchAll = config.upstreams.find(u => u.models === null)
  return catchAll ? { model, upstream: catchAll, upstreamModel: model, pricing: null } : null
}

/**
 * The body sent to one target: the operator's system prompt first, `max_tokens`
 * capped, the target's model name, and usage asked for on streams.
 */
export function upstreamBody(request: ChatCompletionRequest, target: Target, config: RelayConfig): ChatCompletionRequest {
  const body: ChatCompletionRequest = { ...request, model: target.upstreamModel }
  if (config.systemPrompt)
    body.messages = [{ role: 'system', content: config.systemPrompt }, ...request.messages]
  if (config.maxTokens !== null) {
    for (const field of ['max_tokens', 'max_completion_tokens'] as const) {
      const asked = request[field]
      if (typeof asked === 'number' && asked > config.maxTokens)
        body[field] = config.maxTokens
    }
    if (request.max_tokens === undefined && request.max_completion_tokens === undefined)
      body.max_tokens = config.maxTokens
  }
  if (request.stream && target.upstream.includeUsage)
    body.stream_options = { ...request.stream_options, include_usage: true }
  return body
}
