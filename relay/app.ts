import type { ErrorHandler, MiddlewareHandler } from 'hono'
import type { RequestIdVariables } from 'hono/request-id'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { RelayConfig } from './config'
import type { Logger } from './logger'
import type { RuntimeConfig } from './protocol'
import type { FetchFn } from './upstream/client'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import { secretsOf } from './config'
import { createRedactor, RelayError, toErrorResponse } from './errors'
import { silentLogger } from './logger'
import { accessToken } from './middleware/access-token'
import { originPolicy } from './middleware/origin'
import { DEMO_MODEL } from './protocol'
import { chatRoutes } from './routes/chat'
import { healthRoutes } from './routes/health'
import { modelRoutes } from './routes/models'
import { createUpstream } from './upstream/client'
import { createDemoFetch, DEMO_BASE_URL } from './upstream/demo'

export interface RelayEnv { Variables: RequestIdVariables }

export interface AppDeps {
  config: Readonly<RelayConfig>
  /** How the relay reaches the upstream; tests pass a scripted mock. */
  fetch?: FetchFn
  logger?: Logger
  /** Serves the built SPA; runtime-specific, so the entry file provides it. */
  assets?: MiddlewareHandler
  /** Pause between the demo model's tokens. */
  demoTokenDelayMs?: number
}

/**
 * Builds the relay on Web-standard Request/Response, with no Node APIs, so the
 * same app runs under Node, Bun, Deno or Workers behind a small entry file.
 */
export function createApp(deps: AppDeps): Hono<RelayEnv> {
  const { config, logger = silentLogger } = deps
  const redact = createRedactor(secretsOf(config))
  const upstream = config.upstream
    ? createUpstream({ fetch: deps.fetch ?? fetch, ...config.upstream })
    : createUpstream({ fetch: createDemoFetch({ tokenDelayMs: deps.demoTokenDelayMs }), baseUrl: DEMO_BASE_URL, apiKey: '' })
  const runtimeConfig: RuntimeConfig = {
    relayUrl: './v1',
    demo: config.upstream === null,
    defaultModel: config.upstream === null ? DEMO_MODEL : null,
    requiresAccessToken: config.accessTokens.length > 0,
  }

  const app = new Hono<RelayEnv>()
  app.use(requestId())
  app.use('/v1/*', ...originPolicy(config.allowedOrigins), accessToken(config.accessTokens))
  app.use('/v1/*', bodyLimit({
    maxSize: config.maxBodyBytes,
    onError: () => { throw new RelayError(413, 'payload_too_large', `The request body is larger than ${config.maxBodyBytes} bytes.`) },
  }))

  app.route('/', healthRoutes(runtimeConfig))
  app.route('/v1', chatRoutes({ upstream, systemPrompt: config.systemPrompt, redact, logger }))
  app.route('/v1', modelRoutes({ upstream }))
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
