// The Node entry: the only relay file that reads process.env, touches the file
// system, listens on a port and handles signals.
import type { MiddlewareHandler } from 'hono'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { createApp } from './app'
import { ConfigError, loadConfig, secretsOf } from './config'
import { createRedactor } from './errors'
import { createJsonLogger } from './logger'

const SHUTDOWN_GRACE_MS = 10_000

function main(): void {
  let config
  try {
    config = loadConfig(process.env)
  }
  catch (error) {
    if (!(error instanceof ConfigError))
      throw error
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }

  const logger = createJsonLogger({ write: line => process.stdout.write(`${line}\n`), redact: createRedactor(secretsOf(config)) })
  const staticDir = resolve(process.env.SORI_STATIC_DIR ?? fileURLToPath(new URL('../dist', import.meta.url)))
  const demoDelay = process.env.SORI_DEMO_TOKEN_DELAY_MS
  const app = createApp({
    config,
    logger,
    assets: spaAssets(staticDir),
    demoTokenDelayMs: demoDelay ? Number(demoDelay) : undefined,
  })

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address
    logger.info('listening', {
      url: `http://${host}:${info.port}`,
      port: info.port,
      mode: config.upstream ? 'upstream' : 'demo',
      spa: existsSync(staticDir) ? staticDir : 'missing: run npm run build',
    })
  })

  const shutdown = (signal: string) => {
    logger.info('shutting_down', { signal })
    server.close(() => process.exit(0))
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref()
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))
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

main()
