const encoder = new TextEncoder()

/** Response headers for every event stream the relay sends. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: proxies must not compress (a compressor buffers, and buffered SSE stalls).
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
})

/** Encodes one data event. Multi-line data becomes several `data:` lines, as SSE requires. */
export function encodeEvent(id: number, data: string): Uint8Array {
  const lines = data.includes('\n') ? data.split('\n').map(line => `data: ${line}`).join('\n') : `data: ${data}`
  return encoder.encode(`id: ${id}\n${lines}\n\n`)
}

/** Encodes a comment line, which clients ignore; keepalives carry no id. */
export function encodeComment(text: string): Uint8Array {
  return encoder.encode(`: ${text.replace(/[\r\n]/g, ' ')}\n\n`)
}
