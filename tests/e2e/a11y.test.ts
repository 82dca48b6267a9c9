import type { Browser } from 'playwright-core'
import type { BrowserStack, RelayProcess } from './harness'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createMockUpstream, reply } from '../fixtures/mock-upstream'
import { seriousViolations } from './axe'
import { ask, chromiumOrSkip, saveScreenshot, startBrowserStack } from './harness'

const chromiumPath = chromiumOrSkip()
describe.skipIf(!chromiumPath)('accessibility', () => {
  const mock = createMockUpstream(() => reply.text(['## 제목\n\n', '| a | b |\n| - | - |\n| 1 | 2 |\n\n', '```js\nconst x = 1\n```\n\n', '[링크](https://example.com)']))
  let stack: BrowserStack
  let browser: Browser
  let relay: RelayProcess

  beforeAll(async () => {
    stack = await startBrowserStack({ chromiumPath: chromiumPath!, mock, apiKey: 'sk-a11y-0123456789abcdef', spaDir: inject('spaDir') })
    ;({ browser, relay } = stack)
  })
  afterAll(() => stack?.stop())

  for (const [name, options, screenshot] of [
    ['light, Korean, desktop', { locale: 'ko-KR', colorScheme: 'light' as const, viewport: { width: 1280, height: 800 } }, null],
    ['dark, Korean, desktop', { locale: 'ko-KR', colorScheme: 'dark' as const, viewport: { width: 1280, height: 800 } }, 'docs/screenshot-desktop-dark.png'],
    ['dark, English, phone', { locale: 'en-US', colorScheme: 'dark' as const, viewport: { width: 390, height: 844 } }, 'docs/screenshot-phone-dark.png'],
  ] as const) {
    it(`has no serious axe-core violations with an answer on screen (${name})`, async () => {
      const page = await browser.newPage(options)
      try {
        await page.goto(relay.url)
        expect(await seriousViolations(page)).toEqual([])
        await ask(page, '접근성 점검')
        await page.locator('[data-role="assistant"][data-status="done"]').waitFor()
        expect(await seriousViolations(page)).toEqual([])
        if (screenshot)
          await saveScreenshot(page, screenshot)
      }
      finally {
        await page.close()
      }
    })
  }

  it('would notice a violation (the check itself works)', async () => {
    const page = await browser.newPage()
    try {
      await page.goto(relay.url)
      await page.evaluate(() => document.body.append(Object.assign(document.createElement('button'), { className: 'nameless' })))
      expect((await seriousViolations(page)).join('\n')).toMatch(/^button-name/m)
    }
    finally {
      await page.close()
    }
  })

  it('can be used with the keyboard alone: type, send, and reach the answer actions', async () => {
    const page = await browser.newPage({ locale: 'en-US' })
    try {
      await page.goto(relay.url)
      // The app mounts once its language has loaded.
      await page.getByTestId('composer').waitFor()
      await page.keyboard.press('Tab')
      await page.keyboard.press('Enter')
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer')
      await page.keyboard.type('keyboard only')
      await page.keyboard.press('Enter')
      await page.locator('[data-role="assistant"][data-status="done"]').waitFor()
      await page.getByTestId('copy-message').last().focus()
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none')
    }
    finally {
      await page.close()
    }
  })
})
