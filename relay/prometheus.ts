// Node-only (prom-client reads process and perf_hooks), hence exempt from the
// relay's Web-standards lint rule, like relay/node.ts.
import type { RelayMetrics } from './metrics'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/** Label value that stands in for every value past a label's cap. */
export const OTHER_LABEL = 'other'

// Every label set is a time series held in memory until the process exits, and
// model names come straight from request bodies: without a cap, a client
// sending random model names grows the relay's memory and the scrape without bound.
const MODEL_CAP = { maxLength: 100, maxDistinct: 200 }
// Routes, methods and error reasons are named by the relay, not the client,
// but a looser cap costs nothing and keeps a bug from turning into an outage.
const INTERNAL_CAP = { maxLength: 100, maxDistinct: 50 }

// First tokens usually arrive in 0.2-3 s; reasoning models can think for half a minute.
const FIRST_TOKEN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30]
// Long answers from slow models stream for minutes; ten is where the relay gives up.
const STREAM_DURATION_BUCKETS = [0.5, 1, 2.5, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 450, 600]

/** Options of {@link createPrometheusMetrics}. */
export interface PrometheusMetricsOptions {
  /** Prefix of the relay's own metric names; `sori_relay_` by default. */
  prefix?: string
  /** Also export Node process metrics (`process_*`, `nodejs_*`); true by default. */
  collectDefault?: boolean
}

/**
 * {@link RelayMetrics} backed by prom-client, on a registry of its own so that
 * several instances (one per test) never share series. Label values that come
 * from clients are capped in length and number; the excess reads `other`.
 * Counts that are negative or not finite are dropped rather than thrown,
 * because a metric must never break the stream it measures.
 */
export function createPrometheusMetrics(options: PrometheusMetricsOptions = {}): RelayMetrics {
  const { prefix = 'sori_relay_', collectDefault = true } = options
  const registry = new Registry()
  const registers = [registry]
  if (collectDefault)
    collectDefaultMetrics({ register: registry })

  const requests = new Counter({ name: `${prefix}requests_total`, help: 'HTTP requests answered, by route, method, status and requested model.', labelNames: ['route', 'method', 'status', 'model'] as const, registers })
  const firstToken = new Histogram({ name: `${prefix}first_token_seconds`, help: 'Seconds from receiving a chat request to sending its first content token.', labelNames: ['model'] as const, buckets: FIRST_TOKEN_BUCKETS, registers })
  const streamDuration = new Histogram({ name: `${prefix}stream_duration_seconds`, help: 'Seconds a stream stayed open, by how it ended.', labelNames: ['model', 'outcome'] as const, buckets: STREAM_DURATION_BUCKETS, registers })
  const streamsActive = new Gauge({ name: `${prefix}streams_active`, help: 'Streams currently open to clients.', registers })
  const tokens = new Counter({ name: `${prefix}tokens_total`, help: 'Tokens reported by the upstream, by kind (prompt, completion, cached).', labelNames: ['model', 'kind'] as const, registers })
  const cost = new Counter({ name: `${prefix}cost_usd_total`, help: 'Cost of answers in US dollars, for models with a price.', labelNames: ['model'] as const, registers })
  const retries = new Counter({ name: `${prefix}retries_total`, help: 'Upstream attempts retried, by reason.', labelNames: ['model', 'reason'] as const, registers })
  const failovers = new Counter({ name: `${prefix}failovers_total`, help: 'Answers moved to the next model of their fallback chain.', labelNames: ['from', 'to'] as const, registers })
  const upstreamErrors = new Counter({ name: `${prefix}upstream_errors_total`, help: 'Upstream failures, by error type.', labelNames: ['model', 'type'] as const, registers })

  const model = labelCap(MODEL_CAP)
  const route = labelCap(INTERNAL_CAP)
  const method = labelCap(INTERNAL_CAP)
  const reason = labelCap(INTERNAL_CAP)
  const errorType = labelCap(INTERNAL_CAP)

  return {
    request(labels) {
      requests.inc({ route: route(labels.route), method: method(labels.method), status: String(labels.status), model: model(labels.model) })
    },
    firstToken(name, seconds) {
      if (isAmount(seconds))
        firstToken.observe({ model: model(name) }, seconds)
    },
    streamEnded(name, seconds, outcome) {
      if (isAmount(seconds))
        streamDuration.observe({ model: model(name), outcome }, seconds)
    },
    streamOpened() {
      streamsActive.inc()
    },
    streamClosed() {
      streamsActive.dec()
    },
    usage(name, counts, costUsd) {
      const labelled = model(name)
      for (const kind of ['prompt', 'completion', 'cached'] as const) {
        if (isAmount(counts[kind]))
          tokens.inc({ model: labelled, kind }, counts[kind])
      }
      if (costUsd !== null && isAmount(costUsd))
        cost.inc({ model: labelled }, costUsd)
    },
    retry(name, why) {
      retries.inc({ model: model(name), reason: reason(why) })
    },
    failover(from, to) {
      failovers.inc({ from: model(from), to: model(to) })
    },
    upstreamError(name, type) {
      upstreamErrors.inc({ model: model(name), type: errorType(type) })
    },
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  }
}

/**
 * Maps label values to themselves until `maxDistinct` of them have been seen;
 * later newcomers, and values longer than `maxLength`, become {@link OTHER_LABEL}.
 * First come, first kept: the models a relay actually serves show up early and
 * stay distinct however much junk follows.
 */
function labelCap({ maxLength, maxDistinct }: { maxLength: number, maxDistinct: number }): (value: string) => string {
  const seen = new Set<string>()
  return (value) => {
    if (seen.has(value))
      return value
    if (value.length > maxLength || seen.size >= maxDistinct)
      return OTHER_LABEL
    seen.add(value)
    return value
  }
}

// prom-client throws on negative or non-finite values; upstream usage numbers are untrusted.
function isAmount(value: number): boolean {
  return Number.isFinite(value) && value >= 0
}
