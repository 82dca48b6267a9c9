import type { MiddlewareHandler } from 'hono'
import { RelayError } from '../errors'
import { bearerToken } from './bearer'

/**
 * Requires `Authorization: Bearer <token>` with one of `tokens`; lets every
 * request through when none are configured.
 */
export function accessToken(tokens: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    if (tokens.length === 0 || c.req.method === 'OPTIONS')
      return next()
    const presented = bearerToken(c) ?? ''
    // Check every token so the time taken does not reveal which one nearly matched.
    let valid = false
    for (const token of tokens)
      valid = constantTimeEqual(presented, token) || valid
    if (!valid)
      throw new RelayError(401, 'invalid_access_token', 'Missing or wrong access token. Enter the relay access token in Settings.')
    return next()
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0) // NaN past the end becomes 0
  return diff === 0
}
