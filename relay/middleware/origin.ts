import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import { RelayError } from '../errors'

/**
 * Same-origin callers always pass; cross-origin browsers only from
 * `allowedOrigins`. Others get 403 before any work is done, which also stops
 * "simple" cross-site POSTs that CORS alone would let through to the handler.
 */
export function originPolicy(allowedOrigins: readonly string[]): MiddlewareHandler[] {
  const allowed = new Set(allowedOrigins)
  const guard: MiddlewareHandler = async (c, next) => {
    const origin = c.req.header('Origin')
    if (origin && origin !== new URL(c.req.url).origin && !allowed.has(origin))
      throw new RelayError(403, 'origin_not_allowed', `Origin ${origin} is not allowed to use this relay.`)
    return next()
  }
  const corsHeaders = cors({
    origin: origin => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID'],
    exposeHeaders: ['Retry-After', 'X-Request-Id'],
    maxAge: 600,
  })
  return [guard, corsHeaders]
}
