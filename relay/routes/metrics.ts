import type { RelayMetrics } from '../metrics'
import { Hono } from 'hono'

/**
 * `GET /metrics`: the Prometheus text exposition of `metrics`. Mount it at `/`;
 * the app decides whether it sits behind the access-token check.
 */
export function metricsRoutes(metrics: RelayMetrics): Hono {
  return new Hono()
    .get('/metrics', async (c) => {
      const { contentType, body } = await metrics.render()
      // A cached scrape would show stale counters as if they were current.
      return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' })
    })
}
