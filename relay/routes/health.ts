import type { RuntimeConfig } from '../protocol'
import { Hono } from 'hono'

/** `GET /healthz` and the SPA's `GET /config.json`. */
export function healthRoutes(runtimeConfig: RuntimeConfig): Hono {
  return new Hono()
    .get('/healthz', c => c.json({ status: 'ok' }))
    .get('/config.json', (c) => {
      c.header('Cache-Control', 'no-store')
      return c.json(runtimeConfig)
    })
}
