import type { ModelList } from '../protocol'
import type { Upstream } from '../upstream/client'
import { Hono } from 'hono'

/** `GET /models`: the upstream's models in the OpenAI list format. */
export function modelRoutes(deps: { upstream: Upstream }): Hono {
  return new Hono().get('/models', async (c) => {
    const data = await deps.upstream.models(c.req.raw.signal)
    const list: ModelList = {
      object: 'list',
      data: data.map(m => ({ id: m.id, object: 'model', created: m.created ?? 0, owned_by: m.owned_by ?? 'upstream' })),
    }
    return c.json(list)
  })
}
