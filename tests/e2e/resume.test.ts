import type { Page } from 'playwright-core'
import type { CuttableProxy } from './cuttable-proxy'
import type { BrowserStack } from './harness'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { createMockUpstream, reply } from '../fixtures/mock-upstream'
import { startCuttableProxy } from './cuttable-proxy'
import { answers, ask, chromiumOrSkip, openChat, startBrowserStack } from './harness'

const chromiumPath = chromiumOrSkip()
const PIECES = ['하나, ', '둘, ', '셋, ', '넷, ', '다섯, ', '여섯, ', '일곱, ', '여덟.']

describe.skipIf(!chromiumPath)('answers that survive a broken connection', () => {
  const mock = createMockUpstream()
  let stack: BrowserStack
  let proxy: CuttableProxy
  let page: Page

  beforeAll(async () => {
    stack = await startBrowserStack({ chromiumPath: chromiumPath!, mock, apiKey: 'sk-e2e-resume-0123456789', spaDir: inject('spaDir') })
    proxy = await startCuttableProxy(stack.relay.url)
  })
  beforeEach(async () => {
    mock.requests.length = 0
    mock.setScript(() => reply.text(PIECES, { delayMs: 250 }))
    page = await openChat(stack.browser, proxy.url, { viewport: { width: 1200, height: 900 }, locale: 'ko-KR' })
  })
  afterEach(() => page.close())
  afterAll(async () => {
    await proxy?.close()
    await stack?.stop()
  })

  it('goes offline mid-answer, comes back, and finishes the answer with no text twice and one upstream request', async () => {
    await ask(page, '여덟까지 세어 줘')
    await answers(page).first().getByText('둘,').waitFor()
    await page.context().setOffline(true)
    proxy.cut()
    await page.getByTestId('reconnecting').waitFor()
    await page.context().setOffline(false)

    await page.locator('[data-role="assistant"][data-status="done"]').waitFor()
    expect((await answers(page).first().locator('.chat-markdown').textContent())?.trim()).toBe(PIECES.join(''))
    expect(await page.getByTestId('reconnecting').count()).toBe(0)
    expect(mock.requests).toHaveLength(1)
  })

  it('stops the generation on the relay when Stop is pressed', async () => {
    mock.setScript(() => reply.text(PIECES, { delayMs: 400 }))
    await ask(page, '천천히 세어 줘')
    await answers(page).first().getByText('하나,').waitFor()
    await page.getByTestId('stop').click()
    await expect.poll(() => mock.requests[0]?.signal.aborted).toBe(true)
    expect(await answers(page).first().getAttribute('data-status')).toBe('done')
  })
})
