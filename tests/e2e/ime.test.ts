import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createMockUpstream, listen, reply } from '../fixtures/mock-upstream'
import { chromiumOrSkip, launchChromium, startRelay } from './harness'

const chromiumPath = chromiumOrSkip()

describe.skipIf(!chromiumPath)('korean input through a real IME composition', () => {
  let browser: Browser
  const mock = createMockUpstream(() => reply.text(['네']))
  let upstream: Awaited<ReturnType<typeof listen>>
  let relay: Awaited<ReturnType<typeof startRelay>>

  beforeAll(async () => {
    upstream = await listen(mock)
    relay = await startRelay({ OPENAI_BASE_URL: upstream.baseUrl, OPENAI_API_KEY: 'sk-ime-0123456789abcdef' }, inject('spaDir'))
    browser = await launchChromium(chromiumPath!)
  })
  afterAll(async () => {
    await browser?.close()
    await relay?.stop()
    await upstream?.close()
  })

  it('does not send on the Enter that commits a syllable, and sends on the next one', async () => {
    const page = await browser.newPage({ locale: 'ko-KR' })
    await page.goto(relay.url)
    const composer = page.getByTestId('composer')
    await composer.click()
    await composer.pressSequentially('안녕')
    // Compose 하 → 핫 → 하세 the way an IME does, through the DevTools protocol.
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

    await composer.press('Enter')
    await page.locator('[data-role="assistant"][data-status="done"]').waitFor()
    expect(mock.requests).toHaveLength(1)
    expect(mock.requests[0]!.body.messages.at(-1)).toEqual({ role: 'user', content: '안녕핫' })
    await page.close()
  })
})
