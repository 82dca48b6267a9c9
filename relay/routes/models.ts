import type { RelayConfig } from '../config'
import type { ModelInfo, ModelList } from '../protocol'
import type { Upstream } from '../upstream/client'
import { Hono } from 'hono'

/**
 * `GET /models`: the configured models with their prices and fallbacks, plus,
 * when an upstream takes any model name, that upstream's own list.
 */
export function modelRoutes(deps: { config: RelayConfig, catchAll: Upstream | null }): Hono {
  const configured: ModelInfo[] = Object.entries(deps.config.models).map(([id, model]) => ({
    id,
    object: 'model',
    created: 0,
    owned_by: model.upstream,
    ...(model.pricing ? { pricing: { input: model.pricing.input, output: model.pricing.output } } : {}),
    ...(model.fallbacks.length > 0 ? { fallbacks: [...model.fallbacks] } : {}),
  }))

  return new Hono().get('/models', async (c) => {
    const listed = deps.catchAll ? await deps.catchAll.models(c.req.raw.signal) : []
    const known = new Set(configured.map(m => m.id))
    const data = [
      ...configured,
      ...listed.filter(m => !known.has(m.id)).map(m => ({ id: m.id, object: 'model' as const, created: m.created ?? 0, owned_by: m.owned_by ?? 'upstream' })),
    ]
    return c.json({ object: 'list', data } satisfies ModelList)
  })
}
