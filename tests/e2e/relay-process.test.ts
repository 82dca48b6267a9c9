import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { chatFrames, createMockUpstream, listen } from '../fixtures/mock-upstream'
import { startRelay } from './harness'

const KEY = 'sk-process-UPSTREAM-secret-0123456789'

describe('the relay process', () => {
  const mock = createMockUpstream(() => ({ type: 'sse', chunks: chatFrames(['하나 ', '둘 ', '셋 ', '넷']), delayMs: 150 }))
  let upstream: Awaited<ReturnType<typeof listen>>
  beforeAll(async () => {
    upstream = await listen(mock)
  })
  afterAll(() => upstream.close())

  it('finishes running answers on SIGTERM, refuses new connections, then exits', async () => {
    const relay = await startRelay({ OPENAI_BASE_URL: upstream.baseUrl, OPENAI_API_KEY: KEY }, inject('spaDir'))
    const response = await fetch(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: '세어 줘' }] }),
    })
    const reader = response.body!.getReader()
    await reader.read()
    const exited = relay.stop()
    await expect.poll(() => relay.logs.some(line => line.includes('"event":"shutting_down"'))).toBe(true)

    // New work is refused: the listener is closed, or a kept-alive connection gets 503.
    const health = await fetch(`${relay.url}/healthz`).then(r => r.status, () => 'refused')
    expect([503, 'refused']).toContain(health)
    let text = ''
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      text += new TextDecoder().decode(chunk.value)
    expect(text).toContain('"content":"넷"')
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true)
    await exited
    expect(relay.logs.join('\n')).not.toContain(KEY)
  })

  it('refuses to start on a public address without access tokens, naming the fix', async () => {
    await expect(startRelay({ HOST: '0.0.0.0', OPENAI_BASE_URL: upstream.baseUrl }, inject('spaDir')))
      .rejects
      .toThrow(/set RELAY_ACCESS_TOKENS, or RELAY_ALLOW_OPEN=1/)
  })

  it('serves Prometheus metrics about the answers it relayed', async () => {
    const relay = await startRelay({ OPENAI_BASE_URL: upstream.baseUrl, OPENAI_API_KEY: KEY }, inject('spaDir'))
    try {
      const response = await fetch(`${relay.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      })
      await response.text()
      const metrics = await (await fetch(`${relay.url}/metrics`)).text()
      expect(metrics).toMatch(/^sori_relay_requests_total\{route="\/v1\/chat\/completions",method="POST",status="200",model="gpt-4.1"\} 1$/m)
      expect(metrics).toMatch(/^sori_relay_first_token_seconds_count\{model="gpt-4.1"\} 1$/m)
      expect(metrics).toMatch(/^sori_relay_stream_duration_seconds_count\{model="gpt-4.1",outcome="done"\} 1$/m)
      expect(metrics).toMatch(/^sori_relay_streams_active 0$/m)
      expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m)
    }
    finally {
      await relay.stop()
    }
  })
})
