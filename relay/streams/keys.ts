import type { Context } from 'hono'
import { RelayError } from '../errors'
import { bearerToken, tokenDigest } from '../middleware/bearer'

const KEY_PATTERN = /^[\w.:-]{1,128}$/

/** The validated `Idempotency-Key` of a request, or null without one. */
export function idempotencyKeyOf(c: Context): string | null {
  const key = c.req.header('Idempotency-Key')
  if (key === undefined)
    return null
  if (!KEY_PATTERN.test(key))
    throw new RelayError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 128 letters, digits, or . _ : - (a UUID fits).')
  return key
}

/** `Last-Event-ID` as a number, or null without one. */
export function lastEventIdOf(c: Context): number | null {
  const raw = c.req.header('Last-Event-ID')
  if (raw === undefined || raw === '')
    return null
  if (!/^\d{1,15}$/.test(raw))
    throw new RelayError(400, 'invalid_request', 'Last-Event-ID must be the id of an event this relay sent.')
  return Number(raw)
}

/**
 * The store key of a client's stream. Keys are scoped by access token, so one
 * client cannot attach to or cancel another's answer even if it learned the
 * key; with no tokens configured every client shares one scope.
 */
export async function streamKeyFor(c: Context, key: string): Promise<string> {
  const token = bearerToken(c)
  return token ? `${await tokenDigest(token, 12)}:${key}` : `open:${key}`
}
