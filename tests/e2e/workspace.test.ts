import type { Browser, Page } from 'playwright-core'
import type { MockUpstream } from '../fixtures/mock-upstream'
import type { RelayProcess } from './harness'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import { chatFrames, createMockUpstream, listen, reply } from '../fixtures/mock-upstream'
import { answers, ask, chromiumOrSkip, launchChromium, savedTitles, saveScreenshot, startRelay } from './harness'

const chromiumPath = chromiumOrSkip()

const EXHIBITION_Q = '주말에 서울에서 갈 만한 전시 추천해 줘'
const EXHIBITION_A = [
  '이번 주말에 가 볼 만한 곳입니다.\n\n',
  '1. **국립현대미술관 서울관**: 한국 현대미술 소장품전\n',
  '2. **리움**: 고미술과 현대미술을 한 번에\n',
  '3. **서울시립미술관**: 입장료가 무료예요\n\n',
  '오전에 가면 비교적 한산합니다.',
]
const CODE_Q = '파이썬으로 피보나치 수를 구하는 함수 짜 줘'
const CODE_A = [
  '반복문으로 구현하면 간단합니다.\n\n',
  '```python\n',
  'def fib(n):\n',
  '    a, b = 0, 1\n',
  '    for _ in range(n):\n',
  '        a, b = b, a + b\n',
  '    return a\n',
  '```\n\n',
  '`fib(10)`은 55를 돌려줍니다.',
]

/** The mock answers each question with its scripted answer. */
function answerByQuestion(mock: MockUpstream) {
  mock.setScript((request) => {
    const last = request.body.messages.at(-1)?.content as string
    return reply.text(last === CODE_Q ? CODE_A : EXHIBITION_A)
  })
}

const items = (page: Page) => page.getByTestId('conversation-item')
const itemRow = (page: Page, title: string) => page.locator('.conversation-list-item', { has: page.getByTestId('conversation-item').filter({ hasText: title }) })
const finished = (page: Page, count: number) => expect.poll(() => page.locator('[data-role="assistant"][data-status="done"]').count()).toBe(count)

/**
 * How the header fits the viewport: the page's horizontal overflow, the header
 * controls that stick out of the viewport, and the width the model picker has
 * against the width it needs to show its selected option whole (measured on a
 * hidden copy of it, sized to its content, in the same place so the same styles apply).
 */
function headerFit(page: Page) {
  return page.evaluate(() => {
    const picker = document.querySelector<HTMLSelectElement>('[data-testid="model-picker"]')!
    const copy = picker.cloneNode(false) as HTMLSelectElement
    copy.append(new Option(picker.selectedOptions[0]?.text ?? ''))
    Object.assign(copy.style, { position: 'absolute', visibility: 'hidden', width: 'auto', maxWidth: 'none' })
    picker.after(copy)
    const needed = copy.getBoundingClientRect().width
    copy.remove()
    const outside = [...document.querySelectorAll<HTMLElement>('.app-header button, .app-header select')]
      .filter((control) => {
        const box = control.getBoundingClientRect()
        return box.left < 0 || box.right > innerWidth || box.width === 0
      })
      .map(control => control.dataset.testid)
    return { overflow: document.scrollingElement!.scrollWidth - innerWidth, outside, pickerWidth: picker.getBoundingClientRect().width, needed }
  })
}

describe.skipIf(!chromiumPath)('the conversation workspace in a real browser', () => {
  let browser: Browser
  let page: Page
  let mock: MockUpstream
  let upstream: Awaited<ReturnType<typeof listen>>
  let relay: RelayProcess

  beforeAll(async () => {
    mock = createMockUpstream()
    answerByQuestion(mock)
    upstream = await listen(mock)
    relay = await startRelay({ OPENAI_BASE_URL: upstream.baseUrl, OPENAI_API_KEY: 'sk-e2e-workspace' }, inject('spaDir'))
    browser = await launchChromium(chromiumPath!)
  })
  afterEach(() => page?.close())
  afterAll(async () => {
    await browser?.close()
    await relay?.stop()
    await upstream?.close()
  })

  async function open(viewport: { width: number, height: number }, options: { isMobile?: boolean, locale?: string } = {}) {
    page = await browser.newPage({ viewport, locale: options.locale ?? 'ko-KR', colorScheme: 'light', hasTouch: options.isMobile, isMobile: options.isMobile })
    await page.goto(relay.url)
    await expect.poll(() => page.getByTestId('model-picker').inputValue()).toBe('gpt-4.1')
  }

  it('creates, searches, renames, deletes and restores chats, and keeps them across a reload', async () => {
    await open({ width: 1280, height: 800 })
    await ask(page, EXHIBITION_Q)
    await finished(page, 1)
    await page.getByTestId('new-chat').click()
    await ask(page, CODE_Q)
    await finished(page, 1)
    expect(await items(page).allTextContents()).toEqual([CODE_Q, EXHIBITION_Q])

    // Ctrl+K goes to the search box; a word that is only in the first answer finds that chat.
    await page.keyboard.press('Control+K')
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('conversation-search')
    await page.keyboard.type('미술관')
    await expect.poll(() => items(page).allTextContents()).toEqual([EXHIBITION_Q])
    await page.getByTestId('conversation-search').fill('없는단어')
    await page.getByTestId('no-match').waitFor()
    expect(await page.getByTestId('no-match').textContent()).toContain('‘없는단어’에 대한 검색 결과가 없습니다')
    await page.getByTestId('conversation-search').fill('')
    await expect.poll(() => items(page).count()).toBe(2)

    await itemRow(page, EXHIBITION_Q).getByTestId('rename-conversation').click()
    await page.getByTestId('rename-input').fill('서울 전시 추천')
    await page.getByTestId('rename-input').press('Enter')
    await expect.poll(() => items(page).allTextContents()).toEqual([CODE_Q, '서울 전시 추천'])

    // Pinned goes first, and says so to screen readers.
    await itemRow(page, '서울 전시 추천').getByTestId('pin-conversation').click()
    await expect.poll(() => items(page).allTextContents()).toEqual(['고정됨 서울 전시 추천', CODE_Q])
    expect(await itemRow(page, '서울 전시 추천').getByTestId('pin-conversation').getAttribute('aria-pressed')).toBe('true')

    await itemRow(page, CODE_Q).getByTestId('delete-conversation').click()
    await expect.poll(() => items(page).allTextContents()).toEqual(['고정됨 서울 전시 추천'])
    const toast = page.getByTestId('undo-delete')
    expect(await toast.getAttribute('role')).toBe('status')
    expect(await toast.textContent()).toContain('대화를 삭제했습니다')
    await toast.getByTestId('undo-delete-button').click()
    await expect.poll(() => items(page).allTextContents()).toEqual(['고정됨 서울 전시 추천', CODE_Q])
    await toast.waitFor({ state: 'detached' })

    await expect.poll(() => savedTitles(page)).toEqual([CODE_Q, '서울 전시 추천'].sort())
    await page.reload()
    await expect.poll(() => items(page).allTextContents()).toEqual(['고정됨 서울 전시 추천', CODE_Q])
    await items(page).filter({ hasText: '서울 전시 추천' }).click()
    await answers(page).first().getByText('국립현대미술관 서울관').waitFor()
    await saveScreenshot(page, 'docs/screenshot-desktop-light.png')
  })

  it('collapses the sidebar on a desktop and remembers it across a reload', async () => {
    await open({ width: 1280, height: 800 })
    const toggle = page.getByTestId('toggle-sidebar')
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')

    await toggle.click()
    await page.locator('#conversation-sidebar').waitFor({ state: 'hidden' })
    await page.reload()
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false')
    expect(await page.locator('#conversation-sidebar').isVisible()).toBe(false)

    await page.keyboard.press('Control+Shift+S')
    await page.locator('#conversation-sidebar').waitFor()
  })

  it('works from the keyboard: Escape stops an answer, Ctrl+/ shows the shortcuts, Ctrl+Shift+O starts a chat', async () => {
    await open({ width: 1280, height: 800 })
    mock.setScript(() => ({ type: 'sse', chunks: chatFrames(['멈출 때까지 ', '이어지는 답변'], { finish: false, done: false }), hangAfter: true }))
    try {
      await ask(page, '길게 설명해 줘')
      await answers(page).first().getByText('멈출 때까지').waitFor()
      await page.keyboard.press('Escape')
      await page.locator('[data-role="assistant"][data-status="done"]').waitFor()
      expect(await answers(page).first().textContent()).toContain('중지됨')
    }
    finally {
      answerByQuestion(mock)
    }

    await page.keyboard.press('Control+/')
    const help = page.getByTestId('shortcuts-help')
    await help.waitFor()
    expect(await help.textContent()).toContain('새 대화 시작')
    expect(await help.locator('kbd').allTextContents()).toContain('Ctrl')
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'hidden' })

    await page.keyboard.press('Control+Shift+O')
    await expect.poll(() => items(page).count()).toBe(2)
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('composer')
    expect(await items(page).first().getAttribute('aria-current')).toBe('page')
  })

  it.each([
    ['ko-KR', ['대화 목록', '대화 설정', '설정'], '모델'],
    ['en-US', ['Conversation list', 'Conversation settings', 'Settings'], 'Model'],
  ])('on a phone (%s), the header shows the whole model name and every control, without scrolling sideways', async (locale, buttons, picker) => {
    await open({ width: 390, height: 844 }, { isMobile: true, locale })
    await page.getByTestId('model-picker').selectOption('claude-sonnet-4')
    for (const width of [390, 320]) {
      await page.setViewportSize({ width, height: 844 })
      const fit = await headerFit(page)
      expect(fit.overflow, `${width} px`).toBeLessThanOrEqual(0)
      expect(fit.outside, `${width} px`).toEqual([])
      expect(fit.pickerWidth, `${width} px`).toBeGreaterThanOrEqual(fit.needed - 0.5)
      // Icon-only on a phone, but still named for screen readers.
      for (const name of buttons)
        expect(await page.getByRole('button', { name, exact: true }).isVisible(), name).toBe(true)
      expect(await page.getByRole('combobox', { name: picker, exact: true }).inputValue()).toBe('claude-sonnet-4')
    }
  })

  it('on a phone, opens the conversation list as a drawer that closes after a chat is picked', async () => {
    await open({ width: 390, height: 844 }, { isMobile: true })
    const drawer = page.locator('#conversation-sidebar')
    const toggle = page.getByTestId('toggle-sidebar')
    expect(await drawer.isVisible()).toBe(false)
    await ask(page, EXHIBITION_Q)
    await finished(page, 1)
    await toggle.click()
    await page.getByTestId('new-chat').click()
    await drawer.waitFor({ state: 'hidden' })
    await ask(page, CODE_Q)
    await finished(page, 1)

    await toggle.click()
    await drawer.waitFor()
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('new-chat')
    expect(await items(page).allTextContents()).toEqual([CODE_Q, EXHIBITION_Q])
    await saveScreenshot(page, 'docs/screenshot-phone.png')

    await page.keyboard.press('Escape')
    await drawer.waitFor({ state: 'hidden' })
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('toggle-sidebar')

    await toggle.click()
    await page.getByTestId('sidebar-backdrop').click({ position: { x: 370, y: 400 } })
    await drawer.waitFor({ state: 'hidden' })

    await toggle.click()
    await items(page).filter({ hasText: EXHIBITION_Q }).click()
    await drawer.waitFor({ state: 'hidden' })
    await answers(page).first().getByText('국립현대미술관 서울관').waitFor()
  })
})
