import type { MiddlewareHandler } from 'hono'
import { bodyLimit as readingBodyLimit } from 'hono/body-limit'

/**
 * Refuses request bodies over `maxBytes` with `tooLarge()`. A declared
 * Content-Length is checked without touching the body (the HTTP parser holds
 * the body to it); only a body of unknown length is read here, counting as it
 * goes. hono's bodyLimit alone reads `c.req.raw.body` even for a declared
 * length, which on Node turns @hono/node-server's lightweight request into a
 * full WHATWG Request and its body into a web stream: most of a short request's cost.
 */
export function bodyLimit(maxBytes: number, tooLarge: () => Error): MiddlewareHandler {
  const reading = readingBodyLimit({ maxSize: maxBytes, onError: () => {
    throw tooLarge()
  } })
  return async (c, next) => {
    const declared = c.req.header('Content-Length')
    if (declared === undefined || c.req.header('Transfer-Encoding') !== undefined)
      return reading(c, next)
    // Written so that a length that is not a number is refused too.
    if (!(Number(declared) <= maxBytes))
      throw tooLarge()
    return next()
  }
}
