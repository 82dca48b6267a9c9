/** What the relay reports about its traffic; the Node entry backs it with prom-client. */
export interface RelayMetrics {
  /** A finished HTTP request (for streams: when the response headers were sent). */
  request: (labels: { route: string, method: string, status: number, model: string }) => void
  /** Seconds from receiving the request to the first content token sent to the client. */
  firstToken: (model: string, seconds: number) => void
  /** A stream ended; `outcome` is how. */
  streamEnded: (model: string, seconds: number, outcome: 'done' | 'error' | 'cancelled') => void
  /** Streams currently open to clients. */
  streamOpened: () => void
  streamClosed: () => void
  /** Token usage of one answer and its cost in USD (null when the model has no price). */
  usage: (model: string, tokens: { prompt: number, completion: number, cached: number }, costUsd: number | null) => void
  /** A retried upstream attempt; `reason` is the UpstreamError type or status. */
  retry: (model: string, reason: string) => void
  /** The answer moved from one model to the next in its fallback chain. */
  failover: (from: string, to: string) => void
  upstreamError: (model: string, type: string) => void
  /** The Prometheus text exposition, with its content type. */
  render: () => Promise<{ contentType: string, body: string }>
}

/** Metrics that record nothing, for tests and embedders that do not scrape. */
export const noopMetrics: RelayMetrics = {
  request() {},
  firstToken() {},
  streamEnded() {},
  streamOpened() {},
  streamClosed() {},
  usage() {},
  retry() {},
  failover() {},
  upstreamError() {},
  render: async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: '' }),
}
