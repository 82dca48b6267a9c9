import type { Browser } from 'playwright-core'
import type { BrowserStack, RelayProcess } from './harness'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createMockUpstream, reply } from '../fixtures/mock-upstream'
import { chromiumOrSkip, startBrowserStack } from './harness'

const chromiumPath = chromiumOrSkip()

describe.skipIf(!chromiumPath)('korean input through a real IME composition', () => {
  const mock = createMockUpstream(() => reply.text(['네']))
  let stack: BrowserStack
  let browser: Browser
  let relay: RelayProcess

  beforeAll(async () => {
    stack = await startBrowserStack({ chromiumPath: chromiumPath!, mock, apiKey: 'sk-ime-0123456789abcdef', spaDir: inject('spaDir') })
    ;({ browser, relay } = stack)
  })
  afterAll(() => stack?.stop())

  it('does not send on the Enter that commits a syllable, and sends on the next one', async () => {
    const page = await browser.newPage({ locale: 'ko-KR' })
    await page.goto(relay.url)
    await expect.poll(() => page.getByTestId('model-picker').inputValue()).toBe('gpt-4.1')
    // When the composition ended, in page time: the next Enter is a person's, well after it.
    await page.evaluate(() => document.addEventListener('compositionend', () => {
      (window as { compositionEndedAt?: number }).compositionEndedAt = performance.now()
    }, true))
    const composer = page.getByTestId('composer')
    await composer.click()
    await composer.pressSequentially('안녕')
    // Compose ㅎ → 하 → 핫 the way a Korean IME does, through the DevTools protocol.
    const cdp = await page.context().newCDPSession(page)
    for (const text of ['ㅎ', '하', '핫'])
      await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length })
    // Enter while the composition is open: Chromium reports it as keyCode 229 / isComposing.
    await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 229, nativeVirtualKeyCode: 229 })
    await cdp.send('Input.insertText', { text: '핫' })
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13 })

    await expect.poll(() => composer.inputValue()).toBe('안녕핫')
    expect(mock.requests).toHaveLength(0)
    expect(await page.locator('[data-role="user"]').count()).toBe(0)

    // A busy page can handle the commit and this Enter back to back, inside the 50 ms in which
    // the app swallows the Enter some browsers deliver after compositionend; a person is slower.
    await page.waitForFunction(() => performance.now() - ((window as { compositionEndedAt?: number }).compositionEndedAt ?? 0) > 100)
    await composer.press('Enter')
    await page.locator('[data-role="assistant"][data-status="done"]').waitFor()
    expect(mock.requests).toHaveLength(1)
    expect(mock.requests[0]!.body.messages.at(-1)).toEqual({ role: 'user', content: '안녕핫' })
    await page.close()
  })
})
