import type { RedisServer } from '../fixtures/redis-server'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { buildRelay } from '../../scripts/build-relay'
import { chatFrames, createMockUpstream, listen } from '../fixtures/mock-upstream'
import { redisServerOrSkip, startRedisServer } from '../fixtures/redis-server'
import { startConfiguredRelay } from './harness'

// `npm start` runs the relay as built by `npm run build:relay`, with its
// dependencies bundled in and the on-demand ones (zod, ioredis) in chunks of
// their own: every one of them must load and work from the built files.
describe('the built relay', () => {
  const mock = createMockUpstream(() => ({ type: 'sse', chunks: chatFrames(['빌드 ', '된 ', '릴레이']) }))
  const redisBinary = redisServerOrSkip()
  let upstream: Awaited<ReturnType<typeof listen>>
  let redis: RedisServer | undefined
  let dir: string
  let entry: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sori-relay-build-'))
    ;[upstream, entry, redis] = await Promise.all([
      listen(mock),
      buildRelay(join(dir, 'dist')),
      redisBinary ? startRedisServer(redisBinary) : Promise.resolve(undefined),
    ])
  }, 60_000)
  afterAll(async () => {
    await Promise.all([upstream?.close(), redis?.stop()])
    rmSync(dir, { recursive: true, force: true })
  })

  async function streamedText(url: string, headers: Record<string, string> = {}): Promise<string> {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: '안녕' }] }),
    })
    expect(response.status).toBe(200)
    return response.text()
  }

  it('streams answers, serves metrics, and reads a RELAY_CONFIG file and REDIS_URL', async () => {
    const config = { upstreams: [{ name: 'mock', baseUrl: upstream.baseUrl, apiKeyEnv: 'MOCK_KEY', models: ['gpt-4.1'] }] }
    const relay = await startConfiguredRelay(config, { MOCK_KEY: 'sk-bundle-0123456789', ...(redis ? { REDIS_URL: redis.url } : {}) }, inject('spaDir'), entry)
    try {
      expect(relay.logs[0]).toContain(redis ? '"streamStore":"redis"' : '"streamStore":"memory"')
      const plain = await streamedText(relay.url)
      expect(plain).toContain('"content":"릴레이"')
      expect(plain.endsWith('data: [DONE]\n\n')).toBe(true)
      const resumable = await streamedText(relay.url, { 'Idempotency-Key': 'bundle-test-key-1' })
      expect(resumable).toContain('"content":"릴레이"')
      const metrics = await (await fetch(`${relay.url}/metrics`)).text()
      expect(metrics).toMatch(/^sori_relay_requests_total\{route="\/v1\/chat\/completions",method="POST",status="200",model="gpt-4.1"\} 2$/m)
      expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m)
    }
    finally {
      await relay.stop()
    }
  })

  it('lists every problem of an invalid RELAY_CONFIG and exits', async () => {
    const config = { upstreams: [{ name: 'mock', baseUrl: 'not a url' }], maxTokens: -1 }
    await expect(startConfiguredRelay(config, {}, inject('spaDir'), entry)).rejects.toThrow(/upstreams\[0\]\.baseUrl: Invalid URL[\s\S]*maxTokens/)
  })
})
