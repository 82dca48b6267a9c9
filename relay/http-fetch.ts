// The relay's fetch on Node: node:http(s) with keep-alive agents, used by
// relay/node.ts. Node-only, like relay/node.ts and relay/prometheus.ts.
//
// Why not fetch: Node's built-in fetch cuts a body after 300 s (long answers),
// and undici's own fetch, which can lift that, runs every chunk through
// several WHATWG stream layers and costs about 20 MB of memory to load. Here a
// chunk crosses one small web stream on its way to the relay core, and no
// timeout applies but the relay's own.
import type { Buffer } from 'node:buffer'
import type { IncomingMessage } from 'node:http'
import type { FetchFn } from './upstream/client'
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'

/** A fetch for upstream calls: method, headers, a string body and a signal are all it needs. */
export function createHttpFetch(): FetchFn {
  // No cap on sockets per upstream: a cap would queue streams behind each other.
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, keepAliveMsecs: 30_000 }),
    'https:': new HttpsAgent({ keepAlive: true, keepAliveMsecs: 30_000 }),
  }
  return (input, init = {}) => new Promise<Response>((resolve, reject) => {
    const url = new URL(input instanceof Request ? input.url : input)
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return reject(new TypeError(`Unsupported protocol ${url.protocol}`))
    const { signal } = init
    if (signal?.aborted)
      return reject(signal.reason)
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const request = send(url, {
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers)),
      agent: agents[url.protocol],
      signal: signal ?? undefined,
    })
    request.once('response', response => resolve(toResponse(response, init.method)))
    request.once('error', error => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error })))
    request.end(typeof init.body === 'string' ? init.body : undefined)
  })
}

function toResponse(message: IncomingMessage, method = 'GET'): Response {
  const headers = new Headers()
  const raw = message.rawHeaders
  for (let i = 0; i < raw.length; i += 2)
    headers.append(raw[i]!, raw[i + 1]!)
  const status = message.statusCode ?? 502
  const bodyless = status === 204 || status === 304 || method === 'HEAD'
  if (bodyless)
    message.resume()
  const body = bodyless ? null : webBody(message)
  return new Response(body, { status, statusText: message.statusMessage, headers })
}

/**
 * The response body as a web stream that holds at most one chunk: the socket
 * pauses until the relay reads it. Leaner per chunk than Readable.toWeb, which
 * the relay pays for on every chunk of every answer.
 */
function webBody(message: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const settle = (end: () => void) => {
        if (open) {
          open = false
          end()
        }
      }
      message.on('data', (chunk: Buffer) => {
        if (!open)
          return
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
        if ((controller.desiredSize ?? 0) <= 0)
          message.pause()
      })
      message.once('end', () => settle(() => controller.close()))
      message.once('error', error => settle(() => controller.error(error)))
      // An upstream that breaks off mid-body ends in 'close' without 'end'.
      message.once('close', () => settle(() => controller.error(new TypeError('The provider\'s response ended early.'))))
    },
    pull() {
      // Resuming a flowing message still schedules work on every read: only when it is paused.
      if (message.isPaused())
        message.resume()
    },
    cancel() {
      open = false
      message.destroy()
    },
  }, { highWaterMark: 1 })
}
