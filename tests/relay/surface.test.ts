import { describe, expect, it } from 'vitest'
import { createApp } from '../../relay/app'
import { loadConfig } from '../../relay/config'
import { chatRequest, createTestRelay, dataOf, question } from './harness'

const TOKEN = 'relay-access-token-0123456789'

describe('request checks', () => {
  it.each([
    ['an empty message list', { model: 'gpt-4.1', messages: [] }, /`messages` must be a non-empty array/],
    ['a missing model', { messages: [{ role: 'user', content: 'x' }] }, /`model` must be a non-empty string/],
    ['a bad role', { model: 'm', messages: [{ role: 'wizard', content: 'x' }] }, /messages\[0\]\.role/],
    ['a non-boolean stream', { model: 'm', stream: 'yes', messages: [{ role: 'user', content: 'x' }] }, /`stream` must be a boolean/],
  ])('rejects %s with 400 and says why', async (_, body, message) => {
    const { app, mock } = createTestRelay()
    const response = await app.request(chatRequest(body))
    expect(response.status).toBe(400)
    const { error } = await response.json() as { error: { message: string, code: string } }
    expect(error.code).toBe('invalid_request')
    expect(error.message).toMatch(message)
    expect(mock.requests).toHaveLength(0)
  })

  it('rejects malformed JSON with 400 and a non-JSON content type with 415', async () => {
    const { app } = createTestRelay()
    const broken = await app.request('/v1/chat/completions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"model":' })
    expect(broken.status).toBe(400)
    const plain = await app.request('/v1/chat/completions', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(question()) })
    expect(plain.status).toBe(415)
  })

  it('rejects bodies over the limit with 413', async () => {
    const { app, mock } = createTestRelay({ env: { RELAY_MAX_BODY_BYTES: '2048' } })
    const response = await app.request(chatRequest(question('가'.repeat(2000))))
    expect(response.status).toBe(413)
    expect((await response.json() as { error: { code: string } }).error.code).toBe('payload_too_large')
    expect(mock.requests).toHaveLength(0)
  })

  it('answers unknown paths with an OpenAI-shaped 404', async () => {
    const { app } = createTestRelay()
    const response = await app.request('/v1/embeddings', { method: 'POST' })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: { message: 'Not found.', type: 'not_found_error', code: 'not_found' } })
  })
})

describe('access tokens and origins', () => {
  it('requires a configured access token on /v1 but not on health or config', async () => {
    const { app, mock } = createTestRelay({ env: { RELAY_ACCESS_TOKENS: TOKEN } })
    expect((await app.request(chatRequest(question()))).status).toBe(401)
    expect((await app.request(chatRequest(question(), { headers: { Authorization: 'Bearer wrong-token-0123456789' } }))).status).toBe(401)
    expect(mock.requests).toHaveLength(0)
    const ok = await app.request(chatRequest(question(), { headers: { Authorization: `Bearer ${TOKEN}` } }))
    expect(ok.status).toBe(200)
    await ok.text()
    expect((await app.request('/healthz')).status).toBe(200)
    expect(await (await app.request('/config.json')).json()).toMatchObject({ requiresAccessToken: true })
  })

  it('refuses cross-origin callers that are not allowed, before any upstream call', async () => {
    const { app, mock } = createTestRelay({ env: { ALLOWED_ORIGINS: 'https://chat.example.com' } })
    const stranger = await app.request(chatRequest(question(), { headers: { Origin: 'https://evil.example' } }))
    expect(stranger.status).toBe(403)
    expect(mock.requests).toHaveLength(0)

    const friend = await app.request(chatRequest(question(), { headers: { Origin: 'https://chat.example.com' } }))
    expect(friend.status).toBe(200)
    expect(friend.headers.get('access-control-allow-origin')).toBe('https://chat.example.com')
    await friend.text()

    const sameOrigin = await app.request(chatRequest(question(), { headers: { Origin: 'http://relay.test' } }))
    expect(sameOrigin.status).toBe(200)
    await sameOrigin.text()
  })

  it('answers CORS preflight for allowed origins without an access token', async () => {
    const { app } = createTestRelay({ env: { ALLOWED_ORIGINS: 'https://chat.example.com', RELAY_ACCESS_TOKENS: TOKEN } })
    const response = await app.request('/v1/chat/completions', { method: 'OPTIONS', headers: {
      'Origin': 'https://chat.example.com',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization, content-type',
    } })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('https://chat.example.com')
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Authorization/)
  })
})

describe('models, health and runtime config', () => {
  it('lists the upstream models in the OpenAI format', async () => {
    const { app } = createTestRelay()
    expect(await (await app.request('/v1/models')).json()).toEqual({ object: 'list', data: [
      { id: 'gpt-4.1', object: 'model', created: 1, owned_by: 'mock' },
      { id: 'claude-sonnet-4', object: 'model', created: 1, owned_by: 'mock' },
    ] })
  })

  it('reports health and the runtime config the SPA reads', async () => {
    const { app } = createTestRelay()
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' })
    const config = await app.request('/config.json')
    expect(config.headers.get('cache-control')).toBe('no-store')
    expect(await config.json()).toEqual({ relayUrl: './v1', demo: false, defaultModel: null, requiresAccessToken: false })
  })
})

describe('demo mode', () => {
  const demo = () => createApp({ config: loadConfig({}), demoTokenDelayMs: 0 })

  it('serves the demo model without any upstream', async () => {
    const app = demo()
    expect(await (await app.request('/config.json')).json()).toEqual({ relayUrl: './v1', demo: true, defaultModel: 'demo', requiresAccessToken: false })
    expect(await (await app.request('/v1/models')).json()).toEqual({ object: 'list', data: [{ id: 'demo', object: 'model', created: 0, owned_by: 'demo' }] })
  })

  it('streams a Markdown showcase in the language of the question', async () => {
    const app = demo()
    const data = dataOf(await (await app.request(chatRequest({ ...question('표를 보여 줘'), model: 'demo' }))).text())
    expect(data.at(-1)).toBe('[DONE]')
    const text = data.slice(0, -1).map(d => JSON.parse(d).choices[0].delta.content ?? '').join('')
    expect(text).toContain('## 데모 모드입니다')
    expect(text).toContain('> 표를 보여 줘')
    expect(text).toMatch(/\| --- \| --- \|/)
    expect(text).toContain('```ts')
  })
})
