import type { ParsedRelayFile, RelayFile } from './config-file'

export interface UpstreamConfig {
  name: string
  /** Base URL including `/v1`, without a trailing slash. */
  baseUrl: string
  /** Empty for upstreams that need no key (a local Ollama or vLLM). */
  apiKey: string
  /** Models it serves; null means any model name passes through to it. */
  models: readonly string[] | null
  includeUsage: boolean
}

export interface ModelConfig {
  upstream: string
  upstreamModel: string
  /** USD per 1M tokens. */
  pricing: { input: number, output: number, cachedInput?: number } | null
  fallbacks: readonly string[]
}

export interface RelayConfig {
  port: number
  host: string
  /** Empty means demo mode: the built-in `demo` model answers without any network. */
  upstreams: readonly UpstreamConfig[]
  /** Every configured model; the allowlist unless `allowAnyModel`. */
  models: Readonly<Record<string, ModelConfig>>
  /** True when some upstream takes any model name. */
  allowAnyModel: boolean
  accessTokens: readonly string[]
  /** Cross-origin callers allowed by CORS; same-origin callers are always allowed. */
  allowedOrigins: readonly string[]
  systemPrompt: string | null
  /** Largest `max_tokens` a client may ask for; larger requests are capped. */
  maxTokens: number | null
  limits: { requestsPerMinute: number, concurrentStreams: number, maxBodyBytes: number }
  timeouts: { connectMs: number, firstTokenMs: number, idleMs: number, totalMs: number }
  /** Retries and failover happen only before the first token reaches the client. */
  retry: { maxAttempts: number, budgetMs: number, baseDelayMs: number, maxDelayMs: number, commitMs: number }
  /** How long the stream may stay silent before a `: keepalive` comment. */
  keepaliveMs: number
  /** Resumable streams (requests with an Idempotency-Key); see docs/RESUMABLE-STREAMS.md. */
  streams: { graceMs: number, ttlMs: number, maxStreamBytes: number, maxTotalBytes: number }
  /** Shared stream store for several relay instances; the in-memory store without it. */
  redisUrl: string | null
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
 * Reads the relay configuration from environment variables and, when
 * `RELAY_CONFIG` names one, that file as `parseRelayFile` read it (the entry
 * reads and parses it: the schema library is loaded only when there is a
 * file). Validates all of it and returns a frozen object, or throws a
 * {@link ConfigError} naming every problem.
 */
export function loadConfig(env: Env, parsedFile?: ParsedRelayFile): Readonly<RelayConfig> {
  const problems: string[] = []
  const text = (name: string) => env[name]?.trim() || undefined
  const list = (name: string) => (text(name) ?? '').split(',').map(s => s.trim()).filter(Boolean)
  const integer = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const raw = text(name)
    if (raw === undefined)
      return fallback
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`)
    return Number(raw)
  }

  const port = integer('PORT', 8787, 0, 65535)
  const host = text('HOST') ?? '127.0.0.1'
  const accessTokens = list('RELAY_ACCESS_TOKENS')
  if (!LOOPBACK_HOSTS.has(host) && accessTokens.length === 0 && text('RELAY_ALLOW_OPEN') !== '1') {
    problems.push(`HOST=${host} is reachable from other machines, so anyone could spend your key: `
      + 'set RELAY_ACCESS_TOKENS, or RELAY_ALLOW_OPEN=1 if that is really what you want')
  }
  if (accessTokens.some(t => t.length < 16))
    problems.push('RELAY_ACCESS_TOKENS: every token must be at least 16 characters long')

  const allowedOrigins = list('ALLOWED_ORIGINS')
  for (const origin of allowedOrigins) {
    if (origin.includes('*') || !isHttpUrl(origin) || new URL(origin).origin !== origin)
      problems.push(`ALLOWED_ORIGINS: "${origin}" is not an origin like https://chat.example.com (no wildcard, path or trailing slash)`)
  }
  const redisUrl = text('REDIS_URL') ?? null
  if (redisUrl && !/^rediss?:\/\/\S+$/.test(redisUrl))
    problems.push('REDIS_URL must look like redis://host:6379 or rediss://user:password@host:6380/0')

  let file: RelayFile | null = null
  if (text('RELAY_CONFIG')) {
    if (parsedFile === undefined) {
      problems.push(`RELAY_CONFIG: could not read ${text('RELAY_CONFIG')}`)
    }
    else {
      problems.push(...parsedFile.problems)
      file = parsedFile.file ?? null
    }
    if (text('OPENAI_BASE_URL'))
      problems.push('Set either RELAY_CONFIG or OPENAI_BASE_URL, not both: list the upstream in the file')
  }
  const upstreams = file ? upstreamsFromFile(file, env, problems) : upstreamFromEnv(env, problems)

  const config: RelayConfig = {
    port,
    host,
    upstreams,
    models: file ? modelsFromFile(file, upstreams) : {},
    allowAnyModel: upstreams.some(u => u.models === null),
    accessTokens,
    allowedOrigins,
    systemPrompt: text('SYSTEM_PROMPT') ?? file?.systemPrompt ?? null,
    maxTokens: file?.maxTokens ?? null,
    limits: {
      requestsPerMinute: integer('RELAY_REQUESTS_PER_MINUTE', file?.limits.requestsPerMinute ?? 60, 0),
      concurrentStreams: integer('RELAY_CONCURRENT_STREAMS', file?.limits.concurrentStreams ?? 8, 0),
      maxBodyBytes: integer('RELAY_MAX_BODY_BYTES', file?.limits.maxBodyBytes ?? 4 * 1024 * 1024, 1024),
    },
    timeouts: {
      connectMs: file?.timeouts.connectMs ?? 15_000,
      // Reasoning models can think for minutes before the first visible token.
      firstTokenMs: file?.timeouts.firstTokenMs ?? 120_000,
      idleMs: file?.timeouts.idleMs ?? 120_000,
      totalMs: file?.timeouts.totalMs ?? 30 * 60_000,
    },
    retry: {
      maxAttempts: file?.retry.maxAttempts ?? 2,
      budgetMs: file?.retry.budgetMs ?? 20_000,
      baseDelayMs: file?.retry.baseDelayMs ?? 250,
      maxDelayMs: file?.retry.maxDelayMs ?? 4_000,
      commitMs: file?.retry.commitMs ?? 2_000,
    },
    keepaliveMs: 15_000,
    streams: {
      graceMs: file?.streams.graceMs ?? 30_000,
      ttlMs: file?.streams.ttlMs ?? 10 * 60_000,
      // A 50,000-token answer is about 10 MB of chunks.
      maxStreamBytes: file?.streams.maxStreamBytes ?? 32 * 1024 * 1024,
      maxTotalBytes: file?.streams.maxTotalBytes ?? 256 * 1024 * 1024,
    },
    redisUrl,
  }
  if (problems.length > 0)
    throw new ConfigError(problems)
  return deepFreeze(config)
}

function upstreamFromEnv(env: Env, problems: string[]): UpstreamConfig[] {
  const baseUrl = env.OPENAI_BASE_URL?.trim()
  const apiKey = env.OPENAI_API_KEY?.trim() ?? ''
  if (!baseUrl) {
    if (apiKey)
      problems.push('OPENAI_API_KEY is set but OPENAI_BASE_URL is not: set it to your provider\'s base URL including /v1')
    return []
  }
  if (!isHttpUrl(baseUrl)) {
    problems.push(`OPENAI_BASE_URL must be an http(s) URL such as https://api.openai.com/v1, got "${baseUrl}"`)
    return []
  }
  return [{ name: 'default', baseUrl: baseUrl.replace(/\/+$/, ''), apiKey, models: null, includeUsage: true }]
}

function upstreamsFromFile(file: RelayFile, env: Env, problems: string[]): UpstreamConfig[] {
  return file.upstreams.map((upstream) => {
    const apiKey = upstream.apiKeyEnv ? env[upstream.apiKeyEnv]?.trim() ?? '' : ''
    if (upstream.apiKeyEnv && !apiKey)
      problems.push(`RELAY_CONFIG upstreams.${upstream.name}: the environment variable ${upstream.apiKeyEnv} is not set`)
    return { name: upstream.name, baseUrl: upstream.baseUrl.replace(/\/+$/, ''), apiKey, models: upstream.models ?? null, includeUsage: upstream.includeUsage }
  })
}

/** Every model the file names, each resolved to the upstream that serves it. */
function modelsFromFile(file: RelayFile, upstreams: readonly UpstreamConfig[]): Record<string, ModelConfig> {
  const ids = new Set([...upstreams.flatMap(u => u.models ?? []), ...Object.keys(file.models)])
  const models: Record<string, ModelConfig> = {}
  for (const id of ids) {
    const entry = file.models[id]
    const upstream = entry?.upstream ?? upstreams.find(u => u.models?.includes(id))?.name ?? upstreams[0]!.name
    models[id] = { upstream, upstreamModel: entry?.upstreamModel ?? id, pricing: entry?.pricing ?? null, fallbacks: entry?.fallbacks ?? [] }
  }
  return models
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

function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value))
      deepFreeze(child)
  }
  return value
}

/** Every secret in the configuration, for redaction in logs and error messages. */
export function secretsOf(config: RelayConfig): string[] {
  return [...config.upstreams.map(u => u.apiKey), ...config.accessTokens].filter(Boolean)
}
