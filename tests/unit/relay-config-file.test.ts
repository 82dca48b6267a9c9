import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../relay/config'
import { parseRelayFile } from '../../relay/config-file'

const example = readFileSync(new URL('../../relay.config.example.json', import.meta.url), 'utf8')

function problemsOf(file: unknown, env: Record<string, string> = {}): string[] {
  try {
    loadConfig({ RELAY_CONFIG: 'relay.json', ...env }, parseRelayFile(JSON.stringify(file)))
  }
  catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).problems
  }
  throw new Error('loadConfig accepted an invalid file')
}

describe('the RELAY_CONFIG file', () => {
  it('loads the shipped example for an aggregator with four models', () => {
    const config = loadConfig({ RELAY_CONFIG: 'relay.config.example.json', AGGREGATOR_API_KEY: 'sk-aggregator-0123456789' }, parseRelayFile(example))
    expect(config.upstreams).toEqual([{
      name: 'aggregator',
      baseUrl: 'https://api.your-aggregator.example/v1',
      apiKey: 'sk-aggregator-0123456789',
      models: ['gpt-4.1', 'claude-sonnet-4', 'gemini-2.5-flash', 'deepseek-v3.2'],
      includeUsage: true,
    }])
    expect(Object.keys(config.models)).toEqual(['gpt-4.1', 'claude-sonnet-4', 'gemini-2.5-flash', 'deepseek-v3.2'])
    expect(config.models['deepseek-v3.2']).toEqual({ upstream: 'aggregator', upstreamModel: 'deepseek-v3.2', pricing: { input: 0.28, output: 0.42 }, fallbacks: ['gemini-2.5-flash'] })
    expect(config.allowAnyModel).toBe(false)
    expect(config.maxTokens).toBe(8192)
    expect(config.limits).toEqual({ requestsPerMinute: 30, concurrentStreams: 4, maxBodyBytes: 4194304 })
  })

  it('lists every problem at once, each with its path', () => {
    expect(problemsOf({
      upstreams: [{ name: 'a b', baseUrl: 'ftp://x', apiKeyEnv: 'lower' }],
      models: { m: { pricing: { input: -1, output: 1 }, fallbacks: [3] } },
      timeouts: { idleMs: 0 },
      surprise: true,
    })).toEqual([
      expect.stringMatching(/^RELAY_CONFIG upstreams\[0\]\.name: /),
      expect.stringMatching(/^RELAY_CONFIG upstreams\[0\]\.baseUrl: /),
      expect.stringMatching(/^RELAY_CONFIG upstreams\[0\]\.apiKeyEnv: /),
      expect.stringMatching(/^RELAY_CONFIG models\.m\.pricing\.input: /),
      expect.stringMatching(/^RELAY_CONFIG models\.m\.fallbacks\[0\]: /),
      expect.stringMatching(/^RELAY_CONFIG timeouts\.idleMs: /),
      expect.stringMatching(/^RELAY_CONFIG \(root\): .*surprise/),
    ])
  })

  it('checks names that refer to each other, and keys named but not set', () => {
    expect(problemsOf({
      upstreams: [{ name: 'a', baseUrl: 'https://a.example/v1', apiKeyEnv: 'A_KEY', models: ['x'] }],
      models: { x: { upstream: 'nope', fallbacks: ['x', 'ghost'] } },
    })).toEqual([
      'RELAY_CONFIG models.x.upstream: no upstream is named "nope"',
      'RELAY_CONFIG models.x.fallbacks[0]: a model cannot fall back to itself',
      'RELAY_CONFIG models.x.fallbacks[1]: "ghost" is not a configured model',
      'RELAY_CONFIG upstreams.a: the environment variable A_KEY is not set',
    ])
  })

  it('says when the file is not JSON, or when both the file and OPENAI_BASE_URL are set', () => {
    expect(parseRelayFile('{ nope')).toEqual({ problems: [expect.stringMatching(/^RELAY_CONFIG is not valid JSON/)] })
    expect(problemsOf({ upstreams: [{ name: 'a', baseUrl: 'https://a.example/v1' }] }, { OPENAI_BASE_URL: 'https://b.example/v1' }))
      .toEqual(['Set either RELAY_CONFIG or OPENAI_BASE_URL, not both: list the upstream in the file'])
  })

  it('lets any model through an upstream that lists none, and the environment override limits', () => {
    const config = loadConfig({ RELAY_CONFIG: 'r.json', RELAY_REQUESTS_PER_MINUTE: '5', SYSTEM_PROMPT: 'env wins' }, parseRelayFile(JSON.stringify({
      upstreams: [{ name: 'local', baseUrl: 'http://127.0.0.1:11434/v1/' }],
      systemPrompt: 'file prompt',
    })))
    expect(config.allowAnyModel).toBe(true)
    expect(config.upstreams[0]!.baseUrl).toBe('http://127.0.0.1:11434/v1')
    expect(config.limits.requestsPerMinute).toBe(5)
    expect(config.systemPrompt).toBe('env wins')
  })
})
