export interface UpstreamConfig {
  /** Base URL including `/v1`, without a trailing slash. */
  baseUrl: string
  /** Empty for upstreams that need no key (a local Ollama or vLLM). */
  apiKey: string
}

export interface RelayConfig {
  port: number
  host: string
  /** Null means demo mode: the built-in `demo` model answers without any network. */
  upstream: UpstreamConfig | null
  accessTokens: readonly string[]
  /** Cross-origin callers allowed by CORS; same-origin callers are always allowed. */
  allowedOrigins: readonly string[]
  systemPrompt: string | null
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number
}

export type Env = Record<string, string | undefined>

/** Thrown by {@link loadConfig}; `problems` lists every invalid setting at once. */
export class ConfigError extends Error {
  readonly type = 'config'
  constructor(readonly problems: string[]) {
    super(`Invalid relay configuration:\n${problems.map(p => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1'])

/**
 * Reads the relay configuration from environment variables, validates all of it
 * and returns a frozen object, or throws a {@link ConfigError} naming every problem.
 */
export function loadConfig(env: Env): Readonly<RelayConfig> {
  const problems: string[] = []
  const text = (name: string) => env[name]?.trim() || undefined
  const list = (name: string) => (text(name) ?? '').split(',').map(s => s.trim()).filter(Boolean)

  const port = Number(text('PORT') ?? 8787)
  if (!/^\d+$/.test(text('PORT') ?? '8787') || port > 65535)
    problems.push(`PORT must be an integer from 0 to 65535, got "${env.PORT}"`)

  const host = text('HOST') ?? '127.0.0.1'
  const accessTokens = list('RELAY_ACCESS_TOKENS')
  if (!LOOPBACK_HOSTS.has(host) && accessTokens.length === 0 && text('RELAY_ALLOW_OPEN') !== '1') {
    problems.push(`HOST=${host} is reachable from other machines, so anyone could spend your key: `
      + 'set RELAY_ACCESS_TOKENS, or RELAY_ALLOW_OPEN=1 if that is really what you want')
  }
  if (accessTokens.some(t => t.length < 16))
    problems.push('RELAY_ACCESS_TOKENS: every token must be at least 16 characters long')

  const baseUrl = text('OPENAI_BASE_URL')
  const apiKey = text('OPENAI_API_KEY') ?? ''
  let upstream: UpstreamConfig | null = null
  if (baseUrl) {
    if (isHttpUrl(baseUrl))
      upstream = { baseUrl: baseUrl.replace(/\/+$/, ''), apiKey }
    else
      problems.push(`OPENAI_BASE_URL must be an http(s) URL such as https://api.openai.com/v1, got "${baseUrl}"`)
  }
  else if (apiKey) {
    problems.push('OPENAI_API_KEY is set but OPENAI_BASE_URL is not: set it to your provider\'s base URL including /v1')
  }

  const allowedOrigins = list('ALLOWED_ORIGINS')
  for (const origin of allowedOrigins) {
    if (origin.includes('*') || !isHttpUrl(origin) || new URL(origin).origin !== origin)
      problems.push(`ALLOWED_ORIGINS: "${origin}" is not an origin like https://chat.example.com (no wildcard, path or trailing slash)`)
  }

  const maxBodyBytes = Number(text('RELAY_MAX_BODY_BYTES') ?? 4 * 1024 * 1024)
  if (!/^\d+$/.test(text('RELAY_MAX_BODY_BYTES') ?? '4194304') || maxBodyBytes < 1024)
    problems.push(`RELAY_MAX_BODY_BYTES must be an integer of at least 1024, got "${env.RELAY_MAX_BODY_BYTES}"`)

  for (const name of ['RELAY_CONFIG', 'REDIS_URL']) {
    if (text(name))
      problems.push(`${name} is not supported by this version of the relay yet; unset it`)
  }

  if (problems.length > 0)
    throw new ConfigError(problems)

  return Object.freeze({
    port,
    host,
    upstream: upstream && Object.freeze(upstream),
    accessTokens: Object.freeze(accessTokens),
    allowedOrigins: Object.freeze(allowedOrigins),
    systemPrompt: text('SYSTEM_PROMPT') ?? null,
    maxBodyBytes,
  })
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  }
  catch {
    return false
  }
}

/** Every secret in the configuration, for redaction in logs and error messages. */
export function secretsOf(config: RelayConfig): string[] {
  return [config.upstream?.apiKey ?? '', ...config.accessTokens].filter(Boolean)
}
