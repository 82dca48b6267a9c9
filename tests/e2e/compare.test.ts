import type { Browser } from 'playwright-core'
import type { RelayProcess } from './harness'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { chatFrames, createMockUpstream, listen, reply } from '../fixtures/mock-upstream'
import { seriousViolations } from './axe'
import { answers, ask, chromiumOrSkip, launchChromium, openChat, startConfiguredRelay } from './harness'

const chromiumPath = chromiumOrSkip()

describe.skipIf(!chromiumPath)('comparing models in a real browser', () => {
  // 1,000 prompt and 500 completion tokens: $0.006 at gpt-4.1's prices, $0.0105 at claude-backup's.
  const usage = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 }
  const answer = (model: string, pieces: string[]) => ({
    type: 'sse' as const,
    delayMs: 20,
    chunks: [
      ...chatFrames(pieces, { model, done: false }),
      `data: ${JSON.stringify({ id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1, model, choices: [], usage })}\n\n`,
      'data: [DONE]\n\n',
    ],
  })
  // claude-sonnet-4 is down and fails over to claude-backup; gemini-2.5-flash is down with no fallback.
  const mock = createMockUpstream((request) => {
    switch (request.body.model) {
      case 'gpt-4.1': return answer('gpt-4.1', ['오늘 서울은 ', '맑고 ', '따뜻해요.'])
      case 'claude-backup': return answer('claude-backup', ['오늘 서울은 ', '흐리고 ', '쌀쌀해요.'])
      default: return reply.error(503, 'Service unavailable')
    }
  })
  let upstream: Awaited<ReturnType<typeof listen>>
  let relay: RelayProcess
  let browser: Browser

  beforeAll(async () => {
    upstream = await listen(mock)
    const config = {
      upstreams: [{ name: 'mock', baseUrl: upstream.baseUrl, apiKeyEnv: 'SORI_E2E_COMPARE_KEY', models: ['gpt-4.1', 'claude-sonnet-4', 'gemini-2.5-flash', 'claude-backup'] }],
      models: {
        'gpt-4.1': { pricing: { input: 2, output: 8 } },
        'claude-sonnet-4': { pricing: { input: 3, output: 15 }, fallbacks: ['claude-backup'] },
        'gemini-2.5-flash': { pricing: { input: 0.3, output: 2.5 } },
        'claude-backup': { pricing: { input: 3, output: 15 } },
      },
      // No retries: a 503 fails over (or fails) at once.
      retry: { maxAttempts: 1 },
    }
    relay = await startConfiguredRelay(config, { SORI_E2E_COMPARE_KEY: 'sk-e2e-compare' }, inject('spaDir'))
    browser = await launchChromium(chromiumPath!)
  })
  afterAll(async () => {
    await browser?.close()
    await relay?.stop()
    await upstream?.close()
  })

  it('streams three models side by side, fails only the one that is down, prices the others, and the Usage page counts them', async () => {
    const page = await openChat(browser, relay.url, { viewport: { width: 1400, height: 900 }, locale: 'en-US' })
    await page.getByTestId('compare-toggle').click()
    for (const model of ['gpt-4.1', 'claude-sonnet-4', 'gemini-2.5-flash'])
      await page.locator(`[data-testid="compare-model-option"][value="${model}"]`).check()
    await ask(page, '서울 날씨 알려 줘')

    const columns = page.getByTestId('compare-column')
    await expect.poll(() => columns.evaluateAll(list => list.map(c => [c.getAttribute('data-model'), c.getAttribute('data-status')])))
      .toEqual([['gpt-4.1', 'done'], ['claude-sonnet-4', 'done'], ['gemini-2.5-flash', 'error']])
    const column = (model: string) => page.locator(`[data-testid="compare-column"][data-model="${model}"]`)
    expect(await column('gpt-4.1').locator('.chat-markdown').textContent()).toContain('맑고 따뜻해요.')
    expect(await column('gpt-4.1').getByTestId('compare-cost').textContent()).toBe('$0.006')
    expect(await column('gpt-4.1').getByTestId('compare-tokens').textContent()).toContain('1000 in, 500 out')
    expect(await column('gpt-4.1').getByTestId('compare-first-token').textContent()).toMatch(/^[\d.]+ s$/)
    // The relay named the model that served after failover in each chunk.
    expect(await column('claude-sonnet-4').getByTestId('compare-served-model').textContent()).toContain('claude-backup')
    expect(await column('claude-sonnet-4').getByTestId('compare-cost').textContent()).toBe('$0.0105')
    expect(await column('gemini-2.5-flash').getByTestId('message-error').isVisible()).toBe(true)
    expect(await page.getByTestId('message-error').count()).toBe(1)
    expect(mock.requests.map(r => r.body.model).sort()).toEqual(['claude-backup', 'claude-sonnet-4', 'gemini-2.5-flash', 'gpt-4.1'])
    expect(await seriousViolations(page)).toEqual([])

    // The word diff of two columns, on demand.
    await page.getByTestId('compare-diff-toggle').click()
    await expect.poll(() => page.getByTestId('compare-diff').locator('ins').allTextContents()).toEqual(['only in claude-sonnet-4:흐리고 쌀쌀해요'])

    // Continue with one answer: it becomes the next turn, the others its versions.
    await column('claude-sonnet-4').getByTestId('compare-continue').click()
    await expect.poll(() => columns.count()).toBe(0)
    await expect.poll(() => answers(page).locator('.chat-markdown').textContent()).toContain('흐리고 쌀쌀해요.')
    expect(await page.getByTestId('version-label').textContent()).toBe('2/3')

    await page.getByTestId('open-usage').click()
    await page.getByTestId('usage-page').waitFor()
    // $0.006 + $0.0105; the failure produced nothing and costs nothing.
    await expect.poll(() => page.getByTestId('usage-range-cost').textContent()).toContain('$0.0165')
    await expect.poll(() => page.getByTestId('usage-top-row').count()).toBe(1)
  })
})
