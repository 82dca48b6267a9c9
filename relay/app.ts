import type { Context, ErrorHandler, MiddlewareHandler } from 'hono'
import type { RequestIdVariables } from 'hono/request-id'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { RelayConfig, UpstreamConfig } from './config'
import type { Logger } from './logger'
import type { RelayMetrics } from './metrics'
import type { RuntimeConfig } from './protocol'
import type { StreamStore } from './streams/store'
import type { FetchFn, Upstream } from './upstream/client'
import { Hono } from 'hono'
import { requestId } from 'hono/request-id'
import { secretsOf } from './config'
import { createRedactor, RelayError, toErrorResponse } from './errors'
import { silentLogger } from './logger'
import { noopMetrics } from './metrics'
import { accessToken } from './middleware/access-token'
import { bodyLimit } from './middleware/body-limit'
import { originPolicy } from './middleware/origin'
import { clientKey, rateLimit } from './middleware/rate-limit'
import { DEMO_MODEL } from './protocol'
import { chatRoutes, SERVED_MODEL_HEADER } from './routes/chat'
import { healthRoutes } from './routes/health'
import { metricsRoutes } from './routes/metrics'
import { modelRoutes } from './routes/models'
import { streamRoutes } from './routes/streams'
import { createMemoryStreamStore } from './streams/memory'
import { createUpstream } from './upstream/client'
import { createDemoFetch, DEMO_BASE_URL } from './upstream/demo'

export interface RelayEnv { Variables: RequestIdVariables }

export interface AppDeps {
  config: Readonly<RelayConfig>
  /** How the relay reaches the upstreams; tests pass a scripted mock. */
  fetch?: FetchFn
  logger?: Logger
  metrics?: RelayMetrics
  /** The caller's address, for per-client limits without an access token; runtime-specific. */
  clientIp?: (c: Context) => string | undefined
  /** Serves the built SPA; runtime-specific, so the entry file provides it. */
  assets?: MiddlewareHandler
  /** Pause between the demo model's tokens. */
  demoTokenDelayMs?: number
  /** True once the process is shutting down: new work is refused, running streams finish. */
  draining?: () => boolean
  /** Waits between retries; tests replace it to run without real delays. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** The stream log of resumable answers; an in-memory one by default. */
  store?: StreamStore
}

const KNOWN_ROUTES = new Set(['/v1/chat/completions', '/v1/models'])
const CANCEL_ROUTE = /^\/v1\/streams\/[^/]+\/cancel$/
const DEMO_UPSTREAM: UpstreamConfig = { name: 'demo', baseUrl: DEMO_BASE_URL, apiKey: '', models: [DEMO_MODEL], includeUsage: false }

/**
 * Builds the relay on Web-standard Request/Response, with no Node APIs, so the
 * same app runs under Node, Bun, Deno or Workers behind a small entry file.
 */
export function createApp(deps: AppDeps): Hono<RelayEnv> {
  const { logger = silentLogger, metrics = noopMetrics } = deps
  const demo = deps.config.upstreams.length === 0
  // Demo mode is one more upstream: a fake `fetch` driven through the same code path.
  const config: RelayConfig = demo
    ? { ...deps.config, upstreams: [DEMO_UPSTREAM], models: { [DEMO_MODEL]: { upstream: 'demo', upstreamModel: DEMO_MODEL, pricing: null, fallbacks: [] } } }
    : deps.config
  const redact = createRedactor(secretsOf(config))
  const clients = new Map(config.upstreams.map(upstream => [upstream.name, createUpstream({
    fetch: demo ? createDemoFetch({ tokenDelayMs: deps.demoTokenDelayMs }) : deps.fetch ?? fetch,
    baseUrl: upstream.baseUrl,
    apiKey: upstream.apiKey,
  })]))
  const upstreamFor = (target: { upstream: UpstreamConfig }): Upstream => clients.get(target.upstream.name)!
  const catchAll = config.upstreams.find(u => u.models === null)
  const runtimeConfig: RuntimeConfig = {
    relayUrl: './v1',
    demo,
    defaultModel: demo ? DEMO_MODEL : Object.keys(config.models)[0] ?? null,
    requiresAccessToken: config.accessTokens.length > 0,
  }

  const app = new Hono<RelayEnv>()
  app.use(requestId())
  const draining = deps.draining ?? (() => false)
  app.use('/v1/*', async (c, next) => {
    if (!draining())
      return next()
    c.header('Connection', 'close')
    throw new RelayError(503, 'shutting_down', 'The relay is restarting. Try again in a moment.')
  })
  app.use('/v1/*', ...originPolicy(config.allowedOrigins), accessToken(config.accessTokens))
  app.use('/metrics', accessToken(config.accessTokens))
  app.use('/v1/*', bodyLimit(config.limits.maxBodyBytes, () =>
    new RelayError(413, 'payload_too_large', `The request body is larger than ${config.limits.maxBodyBytes} bytes.`)))
  // Per access token when tokens are checked above; otherwise a made-up token would be a fresh bucket.
  const clientIp = deps.clientIp ?? (() => undefined)
  const limitKey = config.accessTokens.length > 0 ? clientKey({ clientIp }) : (c: Context) => `ip:${clientIp(c) ?? 'unknown'}`
  app.use('/v1/chat/*', rateLimit({ ...config.limits, key: limitKey }))
  app.use('/v1/*', async (c, next) => {
    await next()
    // Known routes only: paths come from strangers and would grow the label set without bound.
    const route = KNOWN_ROUTES.has(c.req.path) ? c.req.path : CANCEL_ROUTE.test(c.req.path) ? '/v1/streams/{key}/cancel' : 'other'
    metrics.request({ route, method: c.req.method, status: c.res.status, model: c.res.headers.get(SERVED_MODEL_HEADER) ?? '' })
  })

  app.route('/', healthRoutes(runtimeConfig, draining))
  app.route('/', metricsRoutes(metrics))
  const store = deps.store ?? createMemoryStreamStore(config.streams)
  app.route('/v1', chatRoutes({ config, store, redact, logger, metrics, upstreamFor, sleep: deps.sleep }))
  app.route('/v1', streamRoutes(store))
  app.route('/v1', modelRoutes({ config, catchAll: catchAll ? clients.get(catchAll.name)! : null }))
  if (deps.assets)
    app.get('*', deps.assets)

  const respondWithError: ErrorHandler<RelayEnv> = (error, c) => {
    const { status, body, headers } = toErrorResponse(error, redact)
    const log = status >= 500 ? logger.error : logger.warn
    log('request_failed', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status,
      code: body.error.code,
      cause: error instanceof RelayError ? undefined : String(error),
    })
    return c.json(body, status as ContentfulStatusCode, headers)
  }
  app.notFound(c => respondWithError(new RelayError(404, 'not_found', 'Not found.'), c))
  app.onError(respondWithError)
  return app
}
