// Failover and the request rewriting a RELAY_CONFIG file asks for. One
// upstream serves `primary` and `backup`; `primary` falls back to `backup`.
import type { RecordedRequest, Reply } from '../fixtures/mock-upstream'
import type { TestRelayOptions } from './harness'
import { describe, expect, it } from 'vitest'
import { chatFrames, reply } from '../fixtures/mock-upstream'
import { chatRequest, createTestRelay } from './harness'

const FILE = {
  upstreams: [{ name: 'aggregator', baseUrl: 'https://upstream.test/v1', apiKeyEnv: 'UPSTREAM_API_KEY', models: ['primary', 'backup'] }],
  models: { primary: { fallbacks: ['backup'] } },
}

type ModelScript = (attempt: number, request: RecordedRequest) => Reply

/** Scripts each model the upstream is asked for, by how often it was asked before. */
function byModel(scripts: Record<string, ModelScript>): TestRelayOptions['script'] {
  const asked = new Map<string, number>()
  return (request) => {
    const model = String(request.body.model)
    const attempt = asked.get(model) ?? 0
    asked.set(model, attempt + 1)
    const script = scripts[model]
    if (!script)
      throw new Error(`unexpected model ${model}`)
    return script(attempt, request)
  }
}

/** An answer whose chunks name the model the upstream was asked for, as real providers do. */
const answer: ModelScript = (_, request) => reply.text(['백업', ' 답'], { model: String(request.body.model) })

function ask(model = 'primary', extra: object = {}) {
  return { model, stream: true, messages: [{ role: 'user', content: '안녕' }], ...extra }
}

function relayed(frames: string[]): string {
  return frames.map((frame, i) => `id: ${i + 1}\n${frame}`).join('')
}

async function send(options: TestRelayOptions, body: object = ask()) {
  const relay = createTestRelay({ file: FILE, ...options })
  const response = await relay.app.request(chatRequest(body))
  const models = () => relay.mock.requests.map(r => r.body.model)
  return { ...relay, response, models, wire: await response.text() }
}

describe('failover down the fallback chain', () => {
  it('retries a 503 from primary up to maxAttempts, then streams the answer from backup', async () => {
    const { response, wire, models, sleeps } = await send({
      file: { ...FILE, retry: { maxAttempts: 3 } },
      script: byModel({ primary: () => reply.error(503, 'primary overloaded'), backup: answer }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-sori-model')).toBe('backup')
    expect(models()).toEqual(['primary', 'primary', 'primary', 'backup'])
    // Full-jitter backoff: below 250 ms, then below 500 ms; none before backup.
    expect(sleeps).toHaveLength(2)
    expect(sleeps[0]).toBeLessThan(250)
    expect(sleeps[1]).toBeLessThan(500)
    expect(wire).toBe(relayed(chatFrames(['백업', ' 답'], { model: 'backup' })))
  })

  it('names backup in every chunk even when the upstream knows it by another name', async () => {
    const file = { ...FILE, models: { ...FILE.models, backup: { upstreamModel: 'vendor/backup-v2' } } }
    const { wire, models } = await send({
      file,
      script: byModel({ 'primary': () => reply.error(503, 'primary overloaded'), 'vendor/backup-v2': answer }),
    })
    expect(models()).toEqual(['primary', 'primary', 'vendor/backup-v2'])
    expect(wire).toBe(relayed(chatFrames(['백업', ' 답'], { model: 'backup' })))
  })

  it('names backup in the chunks when the headers went out before backup answered', async () => {
    const { response, wire, models } = await send({
      // One attempt per model: whether to retry once the commit deadline has passed is not what this checks.
      file: { ...FILE, timeouts: { connectMs: 20 }, retry: { commitMs: 0, maxAttempts: 1 } },
      script: byModel({ primary: () => ({ type: 'hang' }), backup: answer }),
    })
    expect(response.status).toBe(200)
    expect(models()).toEqual(['primary', 'backup'])
    expect(wire.replaceAll(': keepalive\n\n', '')).toBe(relayed(chatFrames(['백업', ' 답'], { model: 'backup' })))
  })

  it('answers with backup and its name when a non-streaming request fails over', async () => {
    const completion = { id: 'c', object: 'chat.completion', created: 1, model: 'backup', choices: [{ index: 0, message: { role: 'assistant', content: '네' }, finish_reason: 'stop' }] }
    const { response, wire, models } = await send({
      script: byModel({ primary: () => reply.error(503, 'primary overloaded'), backup: () => ({ type: 'json', status: 200, body: completion }) }),
    }, ask('primary', { stream: false }))
    expect(response.status).toBe(200)
    expect(response.headers.get('x-sori-model')).toBe('backup')
    expect(JSON.parse(wire)).toEqual(completion)
    expect(models()).toEqual(['primary', 'primary', 'backup'])
  })

  it('gives the client one clear 502 when every model fails', async () => {
    const { response, wire, models, sleeps } = await send({
      script: byModel({ primary: () => reply.error(503, 'primary overloaded'), backup: () => reply.error(503, 'backup overloaded') }),
    })
    expect(response.status).toBe(502)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(response.headers.get('x-should-retry')).toBe('false')
    expect(JSON.parse(wire)).toEqual({ error: { message: 'backup overloaded', type: 'upstream_error', code: 'upstream_unavailable' } })
    expect(models()).toEqual(['primary', 'primary', 'backup', 'backup'])
    expect(sleeps).toHaveLength(2)
  })

  it('moves to backup after a 401 on primary without retrying primary', async () => {
    const { response, wire, models, sleeps } = await send({
      script: byModel({ primary: () => reply.error(401, 'no access to primary'), backup: answer }),
    })
    expect(response.status).toBe(200)
    expect(wire).toBe(relayed(chatFrames(['백업', ' 답'], { model: 'backup' })))
    expect(models()).toEqual(['primary', 'backup'])
    expect(sleeps).toEqual([])
  })

  it('gives up after a 400 on primary, since backup would refuse the same request', async () => {
    const { response, wire, models } = await send({
      script: byModel({ primary: () => reply.error(400, 'messages too long'), backup: answer }),
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('x-should-retry')).toBe('false')
    expect(JSON.parse(wire)).toEqual({ error: { message: 'messages too long', type: 'invalid_request_error', code: 'upstream_bad_request' } })
    expect(models()).toEqual(['primary'])
  })

  it('skips to backup without sleeping when a 429 asks for a wait longer than the retry budget', async () => {
    const { response, wire, models, sleeps } = await send({
      file: { ...FILE, retry: { budgetMs: 5_000, commitMs: 60_000 } },
      script: byModel({ primary: () => reply.error(429, 'slow down', { 'Retry-After': '6' }), backup: answer }),
    })
    expect(response.status).toBe(200)
    expect(wire).toBe(relayed(chatFrames(['백업', ' 답'], { model: 'backup' })))
    expect(models()).toEqual(['primary', 'backup'])
    expect(sleeps).toEqual([])
  })

  it('waits out a 429 within the retry budget and lets primary answer', async () => {
    const { response, wire, models, sleeps } = await send({
      file: { ...FILE, retry: { budgetMs: 5_000, commitMs: 60_000 } },
      script: byModel({ primary: (attempt, request) => attempt === 0 ? reply.error(429, 'slow down', { 'Retry-After': '5' }) : answer(attempt, request), backup: answer }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-sori-model')).toBe('primary')
    expect(wire).toBe(relayed(chatFrames(['백업', ' 답'], { model: 'primary' })))
    expect(models()).toEqual(['primary', 'primary'])
    expect(sleeps).toEqual([5_000])
  })
})

describe('what the file makes the relay send upstream', () => {
  it('refuses a model outside the allowlist with 400 model_not_allowed and no upstream request', async () => {
    const { response, wire, mock } = await send({}, ask('gpt-4.1'))
    expect(response.status).toBe(400)
    expect(JSON.parse(wire)).toEqual({ error: { message: 'The model "gpt-4.1" is not available on this relay.', type: 'invalid_request_error', code: 'model_not_allowed' } })
    expect(mock.requests).toHaveLength(0)
  })

  it.each([
    ['caps a larger max_tokens', { max_tokens: 4096 }, { max_tokens: 256 }],
    ['keeps a smaller max_tokens', { max_tokens: 100 }, { max_tokens: 100 }],
    ['sets an absent max_tokens to the cap', {}, { max_tokens: 256 }],
    ['caps max_completion_tokens without adding max_tokens', { max_completion_tokens: 4096 }, { max_completion_tokens: 256 }],
  ])('%s', async (_, asked, sent) => {
    const { mock } = await send({ file: { ...FILE, maxTokens: 256 }, script: byModel({ primary: answer }) }, ask('primary', asked))
    const body = mock.requests[0]!.body
    expect(body).toMatchObject(sent)
    for (const field of ['max_tokens', 'max_completion_tokens'].filter(f => !(f in sent)))
      expect(body).not.toHaveProperty(field)
  })

  it('applies the cap and the system prompt to the backup request too', async () => {
    const { mock } = await send({
      file: { ...FILE, maxTokens: 256, systemPrompt: '운영자 지시' },
      script: byModel({ primary: () => reply.error(401, 'no'), backup: answer }),
    }, ask('primary', { max_tokens: 9999 }))
    expect(mock.requests[1]!.body).toMatchObject({ model: 'backup', max_tokens: 256, messages: [{ role: 'system', content: '운영자 지시' }, { role: 'user', content: '안녕' }] })
  })

  it('puts the operator system prompt from the file before everything, the client\'s own system message included', async () => {
    const { mock } = await send({ file: { ...FILE, systemPrompt: '한국어로 답하세요.' }, script: byModel({ primary: answer }) }, {
      ...ask(),
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: '안녕' }],
    })
    expect(mock.requests[0]!.body.messages).toEqual([
      { role: 'system', content: '한국어로 답하세요.' },
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: '안녕' },
    ])
  })
})
