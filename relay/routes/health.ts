import type { RuntimeConfig } from '../protocol'
import { Hono } from 'hono'

/** `GET /healthz` (503 once shutting down, so load balancers move on) and the SPA's `GET /config.json`. */
export function healthRoutes(runtimeConfig: RuntimeConfig, draining: () => boolean): Hono {
  return new Hono()
    .get('/healthz', c => draining() ? c.json({ status: 'draining' }, 503) : c.json({ status: 'ok' }))
    .get('/config.json', (c) => {
      c.header('Cache-Control', 'no-store')
      return c.json(runtimeConfig)
    })
}
