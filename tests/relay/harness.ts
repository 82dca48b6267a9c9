import type { Env, RelayConfig } from '../../relay/config'
import type { Script } from '../fixtures/mock-upstream'
import { createApp } from '../../relay/app'
import { loadConfig } from '../../relay/config'
import { parseRelayFile } from '../../relay/config-file'
import { createRedactor } from '../../relay/errors'
import { createJsonLogger } from '../../relay/logger'
import { createMockUpstream } from '../fixtures/mock-upstream'

export const UPSTREAM_KEY = 'sk-test-UPSTREAM-secret-0123456789'

export interface TestRelayOptions {
  env?: Env
  script?: Script
  /**
   * A RELAY_CONFIG file (an object is serialized): replaces the default
   * OPENAI_BASE_URL upstream. Name the key `UPSTREAM_API_KEY` in `apiKeyEnv`.
   */
  file?: object | string
  /** Adjusts settings no file or variable reaches (keepaliveMs). */
  configure?: (config: RelayConfig) => RelayConfig
}

/** A relay wired to a scripted mock upstream, with its log lines captured. */
export function createTestRelay(options: TestRelayOptions = {}) {
  const env: Env = options.file === undefined
    ? { OPENAI_BASE_URL: 'https://upstream.test/v1', OPENAI_API_KEY: UPSTREAM_KEY, ...options.env }
    : { RELAY_CONFIG: 'relay.config.json', UPSTREAM_API_KEY: UPSTREAM_KEY, ...options.env }
  const fileText = typeof options.file === 'object' ? JSON.stringify(options.file) : options.file
  const loaded = loadConfig(env, fileText === undefined ? undefined : parseRelayFile(fileText))
  const config = options.configure ? options.configure(loaded) : loaded
  const mock = createMockUpstream(options.script)
  const logs: string[] = []
  const logger = createJsonLogger({ write: line => logs.push(line), redact: createRedactor([UPSTREAM_KEY]) })
  // Retries wait for nothing, so tests of backoff and Retry-After run at once.
  const sleeps: number[] = []
  const sleep = async (ms: number) => {
    sleeps.push(ms)
  }
  const app = createApp({ config, fetch: mock.fetch, logger, demoTokenDelayMs: 0, sleep })
  return { app, mock, logs, sleeps }
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
