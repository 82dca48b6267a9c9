const encoder = new TextEncoder()

/** Response headers for every event stream the relay sends. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: proxies must not compress (a compressor buffers, and buffered SSE stalls).
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
})

/** One data event's text. Multi-line data becomes several `data:` lines, as SSE requires. */
function eventText(id: number, data: string): string {
  const lines = data.includes('\n') ? data.split('\n').map(line => `data: ${line}`).join('\n') : `data: ${data}`
  return `id: ${id}\n${lines}\n\n`
}

/** Encodes one data event. */
export function encodeEvent(id: number, data: string): Uint8Array {
  return encoder.encode(eventText(id, data))
}

/** Encodes several data events as one chunk: one socket write for all of them. */
export function encodeEvents(events: readonly { id: number, data: string }[]): Uint8Array {
  return encoder.encode(events.map(event => eventText(event.id, event.data)).join(''))
}

/** Encodes a comment line, which clients ignore; keepalives carry no id. */
export function encodeComment(text: string): Uint8Array {
  return encoder.encode(`: ${text.replace(/[\r\n]/g, ' ')}\n\n`)
}
