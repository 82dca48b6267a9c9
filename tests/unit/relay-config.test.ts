import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, secretsOf } from '../../relay/config'
import { parseRelayFile } from '../../relay/config-file'

const TOKEN_A = 'token-aaaaaaaaaaaaaaaa'
const TOKEN_B = 'token-bbbbbbbbbbbbbbbb'

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env)
  }
  catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('loadConfig accepted an invalid configuration')
}

describe('loadConfig', () => {
  it('uses the defaults with an empty environment: loopback, port 8787, demo mode', () => {
    expect(loadConfig({})).toEqual({
      port: 8787,
      host: '127.0.0.1',
      upstreams: [],
      models: {},
      allowAnyModel: false,
      accessTokens: [],
      allowedOrigins: [],
      systemPrompt: null,
      maxTokens: null,
      limits: { requestsPerMinute: 60, concurrentStreams: 8, maxBodyBytes: 4 * 1024 * 1024 },
      timeouts: { connectMs: 15_000, firstTokenMs: 120_000, idleMs: 120_000, totalMs: 1_800_000 },
      retry: { maxAttempts: 2, budgetMs: 20_000, baseDelayMs: 250, maxDelayMs: 4_000, commitMs: 2_000 },
      keepaliveMs: 15_000,
      streams: { graceMs: 30_000, ttlMs: 600_000, maxStreamBytes: 32 * 1024 * 1024, maxTotalBytes: 256 * 1024 * 1024 },
      redisUrl: null,
    })
  })

  it('takes a Redis URL for the shared stream store, and refuses anything else', () => {
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/0' }).redisUrl).toBe('redis://127.0.0.1:6379/0')
    expect(configError({ REDIS_URL: 'http://cache:6379' }).problems).toEqual(['REDIS_URL must look like redis://host:6379 or rediss://user:password@host:6380/0'])
  })

  it('reads the grace window and TTL of resumable streams from the file', () => {
    const file = JSON.stringify({ upstreams: [{ name: 'a', baseUrl: 'https://a.example/v1' }], streams: { graceMs: 5000, ttlMs: 60_000 } })
    expect(loadConfig({ RELAY_CONFIG: 'f.json' }, parseRelayFile(file)).streams).toMatchObject({ graceMs: 5000, ttlMs: 60_000 })
  })

  it('treats blank variables as unset', () => {
    expect(loadConfig({ PORT: '', HOST: '  ', OPENAI_BASE_URL: '', SYSTEM_PROMPT: ' ' })).toEqual(loadConfig({}))
  })

  it('reads an upstream and drops the trailing slash of its base URL', () => {
    const config = loadConfig({ OPENAI_BASE_URL: 'https://api.example.com/v1/', OPENAI_API_KEY: ' sk-test-key ' })
    expect(config.upstreams).toEqual([{ name: 'default', baseUrl: 'https://api.example.com/v1', apiKey: 'sk-test-key', models: null, includeUsage: true }])
    expect(config.allowAnyModel).toBe(true)
  })

  it('accepts an upstream without a key (a local Ollama)', () => {
    expect(loadConfig({ OPENAI_BASE_URL: 'http://localhost:11434/v1' }).upstreams).toEqual([{ name: 'default', baseUrl: 'http://localhost:11434/v1', apiKey: '', models: null, includeUsage: true }])
  })

  it('reads every setting', () => {
    expect(loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      OPENAI_BASE_URL: 'https://api.example.com/v1',
      OPENAI_API_KEY: 'sk-live',
      RELAY_ACCESS_TOKENS: ` ${TOKEN_A} , ${TOKEN_B},`,
      ALLOWED_ORIGINS: 'https://chat.example.com, http://localhost:5173',
      SYSTEM_PROMPT: '한국어로 답하세요.',
      RELAY_MAX_BODY_BYTES: '65536',
    })).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      upstreams: [{ name: 'default', baseUrl: 'https://api.example.com/v1', apiKey: 'sk-live', models: null, includeUsage: true }],
      accessTokens: [TOKEN_A, TOKEN_B],
      allowedOrigins: ['https://chat.example.com', 'http://localhost:5173'],
      systemPrompt: '한국어로 답하세요.',
      limits: { maxBodyBytes: 65536 },
    })
  })

  it('lists every invalid setting in one ConfigError', () => {
    const error = configError({
      PORT: '80a',
      HOST: '0.0.0.0',
      OPENAI_BASE_URL: 'api.example.com/v1',
      ALLOWED_ORIGINS: '*',
      RELAY_ALLOW_OPEN: '0',
    })

    expect(error.type).toBe('config')
    expect(error.problems).toEqual([
      'PORT must be an integer from 0 to 65535, got "80a"',
      'HOST=0.0.0.0 is reachable from other machines, so anyone could spend your key: set RELAY_ACCESS_TOKENS, or RELAY_ALLOW_OPEN=1 if that is really what you want',
      'ALLOWED_ORIGINS: "*" is not an origin like https://chat.example.com (no wildcard, path or trailing slash)',
      'OPENAI_BASE_URL must be an http(s) URL such as https://api.openai.com/v1, got "api.example.com/v1"',
    ])
    for (const problem of error.problems)
      expect(error.message).toContain(problem)
  })

  it('reports a short access token together with the other problems', () => {
    const error = configError({
      PORT: '70000',
      RELAY_ACCESS_TOKENS: `${TOKEN_A},short`,
      OPENAI_BASE_URL: 'ftp://files.example.com/v1',
      ALLOWED_ORIGINS: 'https://chat.example.com/,https://ok.example.com,https://app.example.com/chat',
    })

    expect(error.problems).toEqual([
      'PORT must be an integer from 0 to 65535, got "70000"',
      'RELAY_ACCESS_TOKENS: every token must be at least 16 characters long',
      'ALLOWED_ORIGINS: "https://chat.example.com/" is not an origin like https://chat.example.com (no wildcard, path or trailing slash)',
      'ALLOWED_ORIGINS: "https://app.example.com/chat" is not an origin like https://chat.example.com (no wildcard, path or trailing slash)',
      'OPENAI_BASE_URL must be an http(s) URL such as https://api.openai.com/v1, got "ftp://files.example.com/v1"',
    ])
  })

  it('refuses a wildcard subdomain in ALLOWED_ORIGINS', () => {
    expect(configError({ ALLOWED_ORIGINS: 'https://*.example.com' }).problems).toHaveLength(1)
  })

  it('rejects ports that are not integers in range', () => {
    for (const port of ['-1', '65536', '80.5', 'http', '1e9'])
      expect(configError({ PORT: port }).problems, port).toHaveLength(1)
    expect(loadConfig({ PORT: '0' }).port).toBe(0)
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535)
  })

  it('allows a non-loopback HOST with access tokens', () => {
    const config = loadConfig({ HOST: '0.0.0.0', RELAY_ACCESS_TOKENS: TOKEN_A })
    expect(config.host).toBe('0.0.0.0')
    expect(config.accessTokens).toEqual([TOKEN_A])
  })

  it('allows a non-loopback HOST with RELAY_ALLOW_OPEN=1', () => {
    expect(loadConfig({ HOST: '0.0.0.0', RELAY_ALLOW_OPEN: '1' }).host).toBe('0.0.0.0')
  })

  it('allows the loopback names without tokens', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1'])
      expect(loadConfig({ HOST: host }).host).toBe(host)
  })

  it('refuses an API key without a base URL', () => {
    expect(configError({ OPENAI_API_KEY: 'sk-orphan' }).problems).toEqual([
      'OPENAI_API_KEY is set but OPENAI_BASE_URL is not: set it to your provider\'s base URL including /v1',
    ])
  })

  it('never puts a key or token into the problems', () => {
    const error = configError({ OPENAI_API_KEY: 'sk-secret-value-123', RELAY_ACCESS_TOKENS: 'tiny-secret' })
    expect(error.message).not.toContain('sk-secret-value-123')
    expect(error.message).not.toContain('tiny-secret')
  })

  it('refuses a body limit below 1024 bytes', () => {
    expect(configError({ RELAY_MAX_BODY_BYTES: '100' }).problems).toEqual(['RELAY_MAX_BODY_BYTES must be an integer from 1024 to 9007199254740991, got "100"'])
  })

  it('returns a frozen object, all the way down', () => {
    const config = loadConfig({ OPENAI_BASE_URL: 'https://api.example.com/v1', OPENAI_API_KEY: 'sk-live', RELAY_ACCESS_TOKENS: TOKEN_A })
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.upstreams[0])).toBe(true)
    expect(Object.isFrozen(config.limits)).toBe(true)
    expect(Object.isFrozen(config.accessTokens)).toBe(true)
    expect(Object.isFrozen(config.allowedOrigins)).toBe(true)
    expect(() => {
      (config as { port: number }).port = 1
    }).toThrow(TypeError)
  })
})

describe('secretsOf', () => {
  it('returns the upstream key and every access token', () => {
    const config = loadConfig({ OPENAI_BASE_URL: 'https://api.example.com/v1', OPENAI_API_KEY: 'sk-live', RELAY_ACCESS_TOKENS: `${TOKEN_A},${TOKEN_B}` })
    expect(secretsOf(config)).toEqual(['sk-live', TOKEN_A, TOKEN_B])
  })

  it('returns nothing in demo mode or for a keyless upstream', () => {
    expect(secretsOf(loadConfig({}))).toEqual([])
    expect(secretsOf(loadConfig({ OPENAI_BASE_URL: 'http://localhost:11434/v1' }))).toEqual([])
  })
})
