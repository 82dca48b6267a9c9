import type { Context } from 'hono'
import { RelayError } from '../errors'

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
  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('Authorization') ?? '')?.[1]
  if (!token)
    return `open:${key}`
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)))
  let hex = ''
  for (const byte of digest.subarray(0, 12))
    hex += byte.toString(16).padStart(2, '0')
  return `${hex}:${key}`
}
