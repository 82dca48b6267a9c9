import type { RelayEnv } from '../app'
import type { StreamStore } from '../streams/store'
import { Hono } from 'hono'
import { RelayError } from '../errors'
import { streamKeyFor } from '../streams/keys'

/** `POST /streams/{key}/cancel`: stops the generation started with that Idempotency-Key, at once. */
export function streamRoutes(store: StreamStore): Hono<RelayEnv> {
  return new Hono<RelayEnv>().post('/streams/:key/cancel', async (c) => {
    const key = c.req.param('key')
    const result = await store.cancel(await streamKeyFor(c, key))
    if (result === 'unknown')
      throw new RelayError(404, 'stream_not_found', 'No answer with this key is known to the relay (it may have expired).')
    return c.json({ id: key, status: result })
  })
}
