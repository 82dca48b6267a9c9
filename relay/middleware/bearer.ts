import type { Context } from 'hono'

/** The token of `Authorization: Bearer <token>`, if the request sends one. */
export function bearerToken(c: Context): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(c.req.header('Authorization') ?? '')?.[1]
}

/** Hex of the first `bytes` bytes of the token's SHA-256: names a client without keeping its token. */
export async function tokenDigest(token: string, bytes: number): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)))
  return Array.from(digest.subarray(0, bytes), byte => byte.toString(16).padStart(2, '0')).join('')
}
