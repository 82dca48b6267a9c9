// The official `openai` package as a client of the relay, with no port: the
// SDK's fetch calls straight into the Hono app. What passes here works for
// every app built on that SDK pointed at the relay's base URL.
import type { Script } from '../fixtures/mock-upstream'
import type { TestRelayOptions } from './harness'
import OpenAI, { APIError, InternalServerError } from 'openai'
import { describe, expect, it } from 'vitest'
import { chatFrames, reply } from '../fixtures/mock-upstream'
import { createTestRelay } from './harness'

function sdkClient(script?: Script, options: { maxRetries?: number } = {}, relayOptions: TestRelayOptions = {}) {
  const relay = createTestRelay({ script, ...relayOptions })
  const relayCalls: string[] = []
  const client = new OpenAI({
    apiKey: 'unused',
    baseURL: 'http://relay.test/v1',
    fetch: async (url, init) => {
      relayCalls.push(String(url))
      return relay.app.request(url, init)
    },
    maxRetries: 0,
    ...options,
  })
  return { ...relay, client, relayCalls }
}

const messages = [{ role: 'user' as const, content: '안녕' }]

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  }
  catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

describe('the OpenAI SDK against the relay', () => {
  it('streams chunks whose content joins to the answer', async () => {
    const { client } = sdkClient(() => reply.text(['안녕', '하세요', '!']))
    const stream = await client.chat.completions.create({ model: 'gpt-4.1', messages, stream: true })
    const chunks = []
    for await (const chunk of stream)
      chunks.push(chunk)
    expect(chunks.map(c => c.choices[0]?.delta.content ?? '').join('')).toBe('안녕하세요!')
    expect(chunks.map(c => c.choices[0]?.finish_reason)).toEqual([null, null, null, null, 'stop'])
    expect(new Set(chunks.map(c => c.model))).toEqual(new Set(['gpt-4.1']))
  })

  it('skips the relay\'s keepalive comments while a slow answer streams', async () => {
    const { client } = sdkClient(() => reply.text(['느린', ' 답'], { delayMs: 30 }), {}, {
      file: { upstreams: [{ name: 'main', baseUrl: 'https://upstream.test/v1', apiKeyEnv: 'UPSTREAM_API_KEY' }], retry: { commitMs: 0 } },
      configure: config => ({ ...config, keepaliveMs: 5 }),
    })
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4.1', messages, stream: true }).withResponse()
    // The raw wire does carry keepalives (checked on a copy); the SDK must not turn them into chunks.
    const wire = await response.clone().text()
    expect(wire).toContain(': keepalive\n\n')
    const chunks = []
    for await (const chunk of data)
      chunks.push(chunk)
    expect(chunks.map(c => c.choices[0]?.delta.content ?? '').join('')).toBe('느린 답')
    expect(chunks).toHaveLength(4)
  })

  it('gets the usage chunk when it asks for usage', async () => {
    const usage = { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 }
    const frames = chatFrames(['네'])
    const usageFrame = `data: ${JSON.stringify({ id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1', choices: [], usage })}\n\n`
    const { client } = sdkClient(() => ({ type: 'sse', chunks: [...frames.slice(0, -1), usageFrame, frames.at(-1)!] }))
    const stream = await client.chat.completions.create({ model: 'gpt-4.1', messages, stream: true, stream_options: { include_usage: true } })
    const chunks = []
    for await (const chunk of stream)
      chunks.push(chunk)
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage })
  })

  it('gets a non-streaming answer', async () => {
    const completion = { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4.1', choices: [{ index: 0, message: { role: 'assistant', content: '네, 안녕하세요.' }, finish_reason: 'stop' }] }
    const { client, mock } = sdkClient(() => ({ type: 'json', status: 200, body: completion }))
    const answer = await client.chat.completions.create({ model: 'gpt-4.1', messages })
    expect(answer.choices[0]?.message.content).toBe('네, 안녕하세요.')
    expect(answer.id).toBe('chatcmpl-1')
    expect(mock.requests[0]!.body).toMatchObject({ model: 'gpt-4.1', messages })
  })

  it('lists the models', async () => {
    const { client } = sdkClient()
    const ids = []
    for await (const model of client.models.list())
      ids.push(model.id)
    expect(ids).toEqual(['gpt-4.1', 'claude-sonnet-4'])
  })

  it('surfaces an upstream failure as an APIError with the relay status and code', async () => {
    const { client } = sdkClient(() => reply.error(503, 'overloaded'))
    const error = await rejection(client.chat.completions.create({ model: 'gpt-4.1', messages, stream: true }))
    expect(error).toBeInstanceOf(InternalServerError)
    expect(error).toMatchObject({ status: 502, code: 'upstream_unavailable', type: 'upstream_error' })
  })

  it('surfaces an error frame after the first token as an APIError while iterating', async () => {
    const { client } = sdkClient(() => ({ type: 'sse', chunks: chatFrames(['부분'], { finish: false, done: false }), resetAfter: true }))
    const stream = await client.chat.completions.create({ model: 'gpt-4.1', messages, stream: true })
    let text = ''
    const error = await rejection((async () => {
      for await (const chunk of stream)
        text += chunk.choices[0]?.delta.content ?? ''
    })())
    expect(text).toBe('부분')
    expect(error).toBeInstanceOf(APIError)
    expect(error).toMatchObject({ code: 'upstream_stream_error', type: 'upstream_error' })
  })

  it('does not retry a terminal relay error even with its default retries', async () => {
    const { client, mock, relayCalls } = sdkClient(() => reply.error(503, 'overloaded'), { maxRetries: 2 })
    expect(client.maxRetries).toBe(2)
    const error = await rejection(client.chat.completions.create({ model: 'gpt-4.1', messages, stream: true }))
    expect(error).toMatchObject({ status: 502, code: 'upstream_unavailable' })
    expect(relayCalls).toHaveLength(1)
    // Only the relay's own two attempts reach the upstream.
    expect(mock.requests).toHaveLength(2)
  })
})
