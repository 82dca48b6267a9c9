import type { Browser, Page } from 'playwright-core'
import type { RelayProcess } from './harness'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { chatFrames, createMockUpstream, listen } from '../fixtures/mock-upstream'
import { seriousViolations } from './axe'
import { answers, ask, chromiumOrSkip, launchChromium, openChat, startConfiguredRelay } from './harness'

const chromiumPath = chromiumOrSkip()

describe.skipIf(!chromiumPath)('usage and cost in a real browser', () => {
  // 1,000 prompt and 500 completion tokens at $2 and $8 per 1M: $0.006 an answer.
  const usage = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 }
  const mock = createMockUpstream(() => ({
    type: 'sse',
    chunks: [
      ...chatFrames(['맑고 ', '따뜻해요.'], { done: false }),
      `data: ${JSON.stringify({ id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1', choices: [], usage })}\n\n`,
      'data: [DONE]\n\n',
    ],
  }))
  let upstream: Awaited<ReturnType<typeof listen>>
  let relay: RelayProcess
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    upstream = await listen(mock)
    const config = {
      upstreams: [{ name: 'mock', baseUrl: upstream.baseUrl, apiKeyEnv: 'SORI_E2E_USAGE_KEY', models: ['gpt-4.1'] }],
      models: { 'gpt-4.1': { pricing: { input: 2, output: 8 } } },
    }
    relay = await startConfiguredRelay(config, { SORI_E2E_USAGE_KEY: 'sk-e2e-usage' }, inject('spaDir'))
    browser = await launchChromium(chromiumPath!)
  })
  afterAll(async () => {
    await browser?.close()
    await relay?.stop()
    await upstream?.close()
  })

  it('prices an answer with the relay\'s prices, adds it up on the usage page, and asks before sending past the budget', async () => {
    page = await openChat(browser, relay.url, { viewport: { width: 1200, height: 900 }, locale: 'en-US' })
    await ask(page, '서울 날씨 알려 줘')
    await page.locator('[data-role="assistant"][data-status="done"]').waitFor()
    await answers(page).getByTestId('message-details').locator('summary').click()
    await expect.poll(() => page.getByTestId('details-cost').textContent()).toBe('$0.006')

    await page.getByTestId('open-usage').click()
    await page.getByTestId('usage-page').waitFor()
    await expect.poll(() => page.getByTestId('usage-range-cost').textContent()).toContain('$0.006')
    await expect.poll(() => page.getByTestId('usage-top-row').count()).toBe(1)
    expect(await seriousViolations(page)).toEqual([])
    await page.getByTestId('usage-back').click()
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('composer')

    // A budget already spent: a warning, and a question before each send; declining keeps the text.
    await page.getByTestId('open-settings').click()
    await page.getByTestId('settings-budget').fill('0.005')
    await page.getByTestId('settings-save').click()
    await expect.poll(() => page.getByTestId('budget-warning').textContent()).toContain('This month\'s budget is spent')

    await ask(page, 'one more?')
    const dialog = page.getByTestId('budget-confirm')
    await dialog.waitFor()
    await page.getByTestId('budget-confirm-cancel').click()
    await expect.poll(() => dialog.isVisible()).toBe(false)
    expect(await page.getByTestId('composer').inputValue()).toBe('one more?')
    expect(mock.requests).toHaveLength(1)

    await page.getByTestId('composer').press('Enter')
    await dialog.waitFor()
    await page.getByTestId('budget-confirm-send').click()
    // The answer shows before its request reaches the upstream: wait for it to finish.
    await expect.poll(() => page.locator('[data-role="assistant"][data-status="done"]').count()).toBe(2)
    expect(mock.requests).toHaveLength(2)
    expect(await page.getByTestId('composer').inputValue()).toBe('')
  })
})
