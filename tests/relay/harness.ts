import type { Env } from '../../relay/config'
import type { Script } from '../fixtures/mock-upstream'
import { createApp } from '../../relay/app'
import { loadConfig } from '../../relay/config'
import { createRedactor } from '../../relay/errors'
import { createJsonLogger } from '../../relay/logger'
import { createMockUpstream } from '../fixtures/mock-upstream'

export const UPSTREAM_KEY = 'sk-test-UPSTREAM-secret-0123456789'

/** A relay wired to a scripted mock upstream, with its log lines captured. */
export function createTestRelay(options: { env?: Env, script?: Script } = {}) {
  const env: Env = { OPENAI_BASE_URL: 'https://upstream.test/v1', OPENAI_API_KEY: UPSTREAM_KEY, ...options.env }
  const config = loadConfig(env)
  const mock = createMockUpstream(options.script)
  const logs: string[] = []
  const logger = createJsonLogger({ write: line => logs.push(line), redact: createRedactor([UPSTREAM_KEY]) })
  const app = createApp({ config, fetch: mock.fetch, logger, demoTokenDelayMs: 0 })
  return { app, mock, logs }
}

export function chatRequest(body: object, init: { headers?: Record<string, string>, signal?: AbortSignal } = {}): Request {
  return new Request('http://relay.test/v1/chat/completions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...init.headers },
    body: JSON.stringify(body),
    signal: init.signal,
  })
}

export function question(content = '안녕하세요', stream = true) {
  return { model: 'gpt-4.1', stream, messages: [{ role: 'user', content }] }
}

/** The `data:` payloads of an SSE wire text, in order. */
export function dataOf(wire: string): string[] {
  return wire.split('\n\n').filter(Boolean).map(event => event.split('\n').filter(l => l.startsWith('data: ')).map(l => l.slice(6)).join('\n'))
}
