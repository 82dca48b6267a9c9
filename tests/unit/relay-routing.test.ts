import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../relay/config'
import { parseRelayFile } from '../../relay/config-file'
import { UpstreamError } from '../../relay/errors'
import { resolveTargets, upstreamBody } from '../../relay/routing'
import { backoffDelay, decideRetry, retryAfterMs } from '../../relay/upstream/backoff'
import { costUsd, countCharacters, estimateTokens, usageRecord } from '../../relay/usage'

const file = {
  upstreams: [
    { name: 'agg', baseUrl: 'https://agg.example/v1', models: ['gpt-4.1', 'deepseek-v3.2'] },
    { name: 'local', baseUrl: 'http://127.0.0.1:11434/v1', models: ['llama'] },
  ],
  models: {
    'gpt-4.1': { fallbacks: ['llama', 'deepseek-v3.2'], pricing: { input: 2, output: 8 } },
    'deepseek-v3.2': { upstreamModel: 'deepseek/deepseek-v3.2' },
  },
  maxTokens: 1000,
  systemPrompt: 'Be brief.',
}
const config = loadConfig({ RELAY_CONFIG: 'r.json' }, parseRelayFile(JSON.stringify(file)))
const question = { model: 'gpt-4.1', stream: true, messages: [{ role: 'user' as const, content: 'hi' }] }

describe('resolveTargets', () => {
  it('gives the model then its fallbacks, each on the upstream that serves it', () => {
    expect(resolveTargets(config, 'gpt-4.1').map(t => [t.model, t.upstream.name, t.upstreamModel]))
      .toEqual([['gpt-4.1', 'agg', 'gpt-4.1'], ['llama', 'local', 'llama'], ['deepseek-v3.2', 'agg', 'deepseek/deepseek-v3.2']])
  })

  it('refuses a model outside the allowlist with 400', () => {
    expect(() => resolveTargets(config, 'gpt-5')).toThrowError(expect.objectContaining({ status: 400, code: 'model_not_allowed' }))
  })

  it('passes any model to an upstream that lists none', () => {
    const open = loadConfig({ OPENAI_BASE_URL: 'https://api.example/v1' })
    expect(resolveTargets(open, 'anything').map(t => t.upstreamModel)).toEqual(['anything'])
  })
})

describe('upstreamBody', () => {
  const [target] = resolveTargets(config, 'deepseek-v3.2')
  it('names the upstream model, puts the system prompt first, asks for usage and caps max_tokens', () => {
    expect(upstreamBody({ ...question, max_tokens: 5000 }, target!, config)).toEqual({
      model: 'deepseek/deepseek-v3.2',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 1000,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }],
    })
  })
  it('sets max_tokens to the cap when the client gave none and keeps smaller ones', () => {
    expect(upstreamBody({ ...question, stream: false }, target!, config).max_tokens).toBe(1000)
    expect(upstreamBody({ ...question, max_tokens: 10 }, target!, config).max_tokens).toBe(10)
    expect(upstreamBody({ ...question, max_completion_tokens: 9999 }, target!, config)).toMatchObject({ max_completion_tokens: 1000 })
  })
})

describe('retry policy', () => {
  it.each([
    [new UpstreamError('http', 'x', { status: 429 }), 'retry'],
    [new UpstreamError('http', 'x', { status: 503 }), 'retry'],
    [new UpstreamError('timeout', 'x'), 'retry'],
    [new UpstreamError('network', 'x'), 'retry'],
    [new UpstreamError('http', 'x', { code: 'upstream_stream_error' }), 'retry'],
    [new UpstreamError('http', 'x', { status: 401 }), 'next-model'],
    [new UpstreamError('http', 'x', { status: 404 }), 'next-model'],
    [new UpstreamError('http', 'x', { status: 400 }), 'give-up'],
  ] as const)('%s → %s', (error, decision) => {
    expect(decideRetry(error)).toBe(decision)
  })

  it('backs off with full jitter up to the cap', () => {
    const policy = { maxAttempts: 3, budgetMs: 10_000, baseDelayMs: 100, maxDelayMs: 1000 }
    expect([0, 1, 2, 3, 4].map(n => backoffDelay(n, policy, () => 0.999))).toEqual([99, 199, 399, 799, 999])
    expect(backoffDelay(3, policy, () => 0)).toBe(0)
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('7')).toBe(7000)
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('Thu, 01 Jan 2026 00:00:00 GMT'))).toBe(10_000)
    expect(retryAfterMs('soon')).toBeNull()
    expect(retryAfterMs(undefined)).toBeNull()
  })
})

describe('usage', () => {
  it('prices prompt, cached and completion tokens per million', () => {
    expect(costUsd({ prompt: 1000, completion: 500, cached: 400 }, { input: 2, output: 8, cachedInput: 0.5 })).toBeCloseTo((600 * 2 + 400 * 0.5 + 500 * 8) / 1e6, 12)
    // 1,000 chats of 500 input and 300 output tokens at $0.42 per 1M both ways cost $0.336.
    expect(costUsd({ prompt: 500_000, completion: 300_000, cached: 0 }, { input: 0.42, output: 0.42 })).toBeCloseTo(0.336, 12)
  })

  it('uses reported usage, and marks estimates as estimates', () => {
    expect(usageRecord({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 2 } }, { prompt: 1, completion: 1 }, null))
      .toEqual({ prompt: 10, completion: 5, cached: 2, estimated: false, costUsd: null })
    expect(usageRecord(null, { prompt: 7, completion: 3 }, { input: 1, output: 1 }))
      .toEqual({ prompt: 7, completion: 3, cached: 0, estimated: true, costUsd: 10 / 1e6 })
  })

  it('estimates about four Latin characters or one Hangul syllable per token', () => {
    expect(estimateTokens(countCharacters('abcdefgh'))).toBe(2)
    expect(estimateTokens(countCharacters('안녕하세요'))).toBe(5)
  })
})
