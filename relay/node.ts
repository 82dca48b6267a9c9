// The Node entry: the only relay file that reads process.env, touches the file
// system, listens on a port and handles signals.
import type { MiddlewareHandler } from 'hono'
import type { RelayConfig } from './config'
import type { Logger } from './logger'
import type { StreamStore } from './streams/store'
import { existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { serveStatic } from '@hono/node-server/serve-static'
import { createApp } from './app'
import { ConfigError, loadConfig, secretsOf } from './config'
import { createRedactor } from './errors'
import { createHttpFetch } from './http-fetch'
import { createJsonLogger } from './logger'
import { createPrometheusMetrics } from './prometheus'

/** How long running streams may take to finish after SIGTERM before the process exits. */
const SHUTDOWN_GRACE_MS = Number(process.env.RELAY_SHUTDOWN_GRACE_MS ?? 30_000)

async function main(): Promise<void> {
  const config = await loadConfigOrExit()
  const logger = createJsonLogger({ write: line => process.stdout.write(`${line}\n`), redact: createRedactor(secretsOf(config)) })
  const store = await sharedStreamStore(config, logger)
  const metrics = createPrometheusMetrics()
  const staticDir = resolve(process.env.SORI_STATIC_DIR ?? fileURLToPath(new URL('../dist', import.meta.url)))
  const demoDelay = process.env.SORI_DEMO_TOKEN_DELAY_MS
  let draining = false
  const app = createApp({
    draining: () => draining,
    config,
    fetch: createHttpFetch(),
    logger,
    metrics,
    clientIp: c => getConnInfo(c).remote.address,
    assets: spaAssets(staticDir),
    demoTokenDelayMs: demoDelay ? Number(demoDelay) : undefined,
    store,
  })

  const server = serve({ fetch: async (request, env) => chunkedEventStream(await app.fetch(request, env)), port: config.port, hostname: config.host }, (info) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address
    logger.info('listening', {
      url: `http://${host}:${info.port}`,
      port: info.port,
      mode: config.upstreams.length > 0 ? 'upstream' : 'demo',
      upstreams: config.upstreams.map(u => u.name),
      streamStore: store ? 'redis' : 'memory',
      spa: existsSync(staticDir) ? staticDir : 'missing: run npm run build',
    })
  })

  // Stop accepting, let running answers finish, then leave; a second signal leaves at once.
  const shutdown = (signal: string) => {
    draining = true
    logger.info('shutting_down', { signal, graceMs: SHUTDOWN_GRACE_MS })
    server.close(() => void (store?.close() ?? Promise.resolve()).finally(() => process.exit(0)))
    // Kept-alive connections would hold close() open; drop each as soon as it goes idle.
    const closeIdle = () => (server as { closeIdleConnections?: () => void }).closeIdleConnections?.()
    closeIdle()
    setInterval(closeIdle, 250).unref()
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref()
    process.once(signal, () => process.exit(1))
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))
}

/**
 * Marks event streams as chunked. Without it @hono/node-server reads ahead to
 * see whether the body is short enough for a Content-Length, and when the
 * second event is not there yet it waits for a timer before sending anything:
 * a millisecond or more added to every answer's first token.
 */
function chunkedEventStream(response: Response): Response {
  if (response.headers.get('Content-Type')?.startsWith('text/event-stream'))
    response.headers.set('Transfer-Encoding', 'chunked')
  return response
}

/** The Redis stream store when REDIS_URL is set; undefined leaves the in-memory default. */
async function sharedStreamStore(config: RelayConfig, logger: Logger): Promise<StreamStore | undefined> {
  if (!config.redisUrl)
    return undefined
  try {
    // Loaded only when used: the Redis client costs memory a single relay does not need.
    const { createRedisStreamStore } = await import('./streams/redis')
    return await createRedisStreamStore({ url: config.redisUrl, ...config.streams })
  }
  catch (error) {
    logger.error('stream_store_failed', { cause: (error as Error).message })
    process.stderr.write(`Cannot use REDIS_URL: ${(error as Error).message}\n`)
    process.exit(1)
  }
}

async function loadConfigOrExit() {
  const file = process.env.RELAY_CONFIG?.trim()
  try {
    // The schema library loads only for a file: a relay configured by variables does without it.
    const parsed = file ? (await import('./config-file')).parseRelayFile(readFileSync(file, 'utf8')) : undefined
    return loadConfig(process.env, parsed)
  }
  catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(1)
    }
    if (file && (error as NodeJS.ErrnoException).code) {
      process.stderr.write(`Invalid relay configuration:\n  - RELAY_CONFIG: cannot read ${file}: ${(error as Error).message}\n`)
      process.exit(1)
    }
    throw error
  }
}

/** The built SPA from `dir`, with index.html for client-side routes. */
function spaAssets(dir: string): MiddlewareHandler {
  const files = serveStatic({ root: dir })
  return async (c, next) => {
    const served = await files(c, async () => {})
    if (served)
      return served
    if (c.req.path.startsWith('/v1/') || /\.\w+$/.test(c.req.path))
      return next()
    const index = await readFile(resolve(dir, 'index.html'), 'utf8').catch(() => null)
    return index === null ? next() : c.html(index)
  }
}

void main()
