/** A response body the test writes to frame by frame; it errors like a real body when the request is aborted. */
export function openStream(signal: AbortSignal | null | undefined) {
  const encoder = new TextEncoder()
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
    },
  })
  signal?.addEventListener('abort', () => controller.error(new DOMException('The operation was aborted.', 'AbortError')))
  return {
    body,
    write: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
  }
}
