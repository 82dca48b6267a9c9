// The least a Node proxy can do, to run in the relay's place and learn what Node itself costs:
// `npm run bench:relay -- --relay-bundle --relay-entry bench/relay/floor.ts` with FLOOR_MODE set.
// - pipe:   node:http on both sides, the upstream body piped to the client as it is;
// - events: the same, but each event parsed with eventsource-parser and written with an id;
// - hono:   hono and @hono/node-server, as the relay runs them, answering with a web
//           ReadableStream that the parsed events (with ids) are enqueued into.
// None has limits, failover, timeouts, logs, metrics or backpressure: a floor, not a relay.
import type { IncomingMessage } from 'node:http'
import { Buffer } from 'node:buffer'
import { Agent, createServer, request } from 'node:http'
import process from 'node:process'
import { serve } from '@hono/node-server'
import { createParser } from 'eventsource-parser'
import { Hono } from 'hono'

const mode = process.env.FLOOR_MODE ?? 'events'
const upstream = new URL(`${process.env.OPENAI_BASE_URL}/chat/completions`)
const agent = new Agent({ keepAlive: true })
const port = Number(process.env.PORT ?? 0)
const host = process.env.HOST ?? '127.0.0.1'

/** Posts `body` upstream with the key; `onResponse` gets the upstream's response. */
function post(body: string, onResponse: (response: IncomingMessage) => void): void {
  const headers = { 'Content-Type': 'application/json', 'Authorization': `Bearer ${process.env.OPENAI_API_KEY}`, 'Content-Length': Buffer.byteLength(body) }
  request(upstream, { method: 'POST', agent, headers }, onResponse).end(body)
}

/** Calls `onEvent` with each event of an upstream body, framed again with an id of its own. */
function forwardEvents(response: IncomingMessage, onEvent: (frame: string) => void, onEnd: () => void): void {
  const decoder = new TextDecoder()
  let id = 1
  const parser = createParser({ onEvent: event => onEvent(`id: ${id++}\ndata: ${event.data}\n\n`) })
  response.on('data', (chunk: Buffer) => parser.feed(decoder.decode(chunk, { stream: true })))
  response.on('end', onEnd)
}

function listening(url: string): void {
  process.stdout.write(`${JSON.stringify({ event: 'listening', url, mode: 'upstream', floor: mode })}\n`)
}

if (mode === 'hono') {
  const encoder = new TextEncoder()
  const app = new Hono().post('/v1/chat/completions', async (c) => {
    const body = JSON.stringify(await c.req.json())
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        post(body, response => forwardEvents(response, frame => controller.enqueue(encoder.encode(frame)), () => controller.close()))
      },
    })
    return new Response(stream, { headers: { 'Content-Type': 'text/event-stream', 'Transfer-Encoding': 'chunked' } })
  })
  serve({ fetch: app.fetch, port, hostname: host }, info => listening(`http://${host}:${info.port}`))
}
else if (mode === 'pipe' || mode === 'events') {
  const server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (part: Buffer) => parts.push(part))
    req.on('end', () => post(Buffer.concat(parts).toString('utf8'), (response) => {
      res.writeHead(response.statusCode ?? 502, { 'Content-Type': 'text/event-stream', 'Transfer-Encoding': 'chunked' })
      if (mode === 'pipe')
        response.pipe(res)
      else
        forwardEvents(response, frame => res.write(frame), () => res.end())
    }))
  })
  server.listen(port, host, () => listening(`http://${host}:${(server.address() as { port: number }).port}`))
}
else {
  process.stderr.write(`FLOOR_MODE must be pipe, events or hono, not ${mode}\n`)
  process.exit(1)
}
