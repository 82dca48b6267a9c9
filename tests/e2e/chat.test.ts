import type { Page } from 'playwright-core'
import type { BrowserStack, RelayProcess } from './harness'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest'
import { chatFrames, createMockUpstream, reply } from '../fixtures/mock-upstream'
import { answers, ask, chromiumOrSkip, launchChromium, openChat, saveScreenshot, startBrowserStack, startRelay } from './harness'

const chromiumPath = chromiumOrSkip()
const UPSTREAM_KEY = 'sk-e2e-UPSTREAM-secret-0123456789'

const FIRST_ANSWER = [
  '## 서울 날씨 요약\n\n',
  '| 요일 | 날씨 | 기온 |\n',
  '| --- | --- | --- |\n',
  '| 월 | 맑음 | 12° |\n',
  '| 화 | 비 | 9° |\n\n',
  '```python\n',
  'print("안녕하세요")\n',
  '```\n\n',
  '**좋은 하루** 보내세요.',
]

describe.skipIf(!chromiumPath)('chat in a real browser', () => {
  const mock = createMockUpstream()
  let stack: BrowserStack
  let page: Page
  let relay: RelayProcess

  beforeAll(async () => {
    stack = await startBrowserStack({ chromiumPath: chromiumPath!, mock, apiKey: UPSTREAM_KEY, spaDir: inject('spaDir') })
    relay = stack.relay
  })
  beforeEach(async () => {
    mock.requests.length = 0
    mock.setScript(() => reply.text(['Hello', ' world']))
    page = await openChat(stack.browser, relay.url, { viewport: { width: 1200, height: 900 }, locale: 'ko-KR' })
  })
  afterEach(() => page.close())
  afterAll(() => stack?.stop())

  it('streams a Korean answer as Markdown and sends the history with the next turn', async () => {
    mock.setScript((_, index) => index === 0
      ? reply.text(FIRST_ANSWER, { delayMs: 40 })
      : reply.text(['두 번째 ', '답입니다.']))
    await ask(page, '이번 주 서울 날씨를 표로 알려 줘')

    const first = answers(page).first()
    // Rendered while still streaming: the heading is there before the answer is done.
    await first.locator('h2', { hasText: '서울 날씨 요약' }).waitFor()
    expect(await first.getAttribute('data-status')).toBe('streaming')
    await page.getByTestId('stop').waitFor()

    await page.locator('[data-role="assistant"][data-status="done"]').waitFor()
    expect(await first.locator('table tbody tr').count()).toBe(2)
    expect(await first.locator('td').first().textContent()).toBe('월')
    expect(await first.locator('pre code.language-python').textContent()).toBe('print("안녕하세요")\n')
    expect(await first.locator('strong').textContent()).toBe('좋은 하루')
    await saveScreenshot(page, 'docs/screenshot-chat.png')

    await ask(page, '고마워. 화요일은 우산이 필요할까?')
    await expect.poll(() => page.locator('[data-role="assistant"][data-status="done"]').count()).toBe(2)
    expect(await answers(page).nth(1).textContent()).toContain('두 번째 답입니다.')

    expect(mock.requests).toHaveLength(2)
    expect(mock.requests[1]!.headers.get('authorization')).toBe(`Bearer ${UPSTREAM_KEY}`)
    expect(mock.requests[1]!.body).toMatchObject({
      model: 'gpt-4.1',
      stream: true,
      messages: [
        { role: 'user', content: '이번 주 서울 날씨를 표로 알려 줘' },
        { role: 'assistant', content: FIRST_ANSWER.join('') },
        { role: 'user', content: '고마워. 화요일은 우산이 필요할까?' },
      ],
    })
    expect(await page.getByTestId('conversation-item').first().textContent()).toContain('이번 주 서울 날씨를 표로 알려 줘')
  })

  it('stops the answer: the upstream request is aborted and the partial text stays', async () => {
    mock.setScript(() => ({ type: 'sse', chunks: chatFrames(['첫 부분입니다. ', '둘째 '], { finish: false, done: false }), delayMs: 20, hangAfter: true }))
    await ask(page, '길게 설명해 줘')
    await answers(page).first().getByText('첫 부분입니다.').waitFor()
    await page.getByTestId('stop').click()

    await vi.waitFor(() => expect(mock.requests[0]!.signal.aborted).toBe(true))
    await page.locator('[data-role="assistant"][data-status="done"]').waitFor()
    expect(await answers(page).first().textContent()).toContain('첫 부분입니다.')
    expect(await answers(page).first().textContent()).toContain('중지됨')
    expect(mock.requests).toHaveLength(1)
  })

  it('shows a localized error with Retry, keeping the question, and retries once', async () => {
    // Waiting 3 s would pass the relay's commit point, so it hands the 429 to the app at once.
    mock.setScript((_, index) => index === 0 ? reply.error(429, 'Too many requests', { 'Retry-After': '3' }) : reply.text(['다시 ', '성공']))
    await ask(page, '요청 한도 테스트')

    const error = page.getByTestId('message-error')
    await error.waitFor()
    expect(await error.textContent()).toContain('3초 후에 다시 시도하세요')
    expect(await page.locator('[data-role="user"]').textContent()).toContain('요청 한도 테스트')
    expect(await answers(page).first().getAttribute('data-status')).toBe('error')

    await page.getByTestId('retry').click()
    await page.locator('[data-role="assistant"][data-status="done"]').waitFor()
    expect(await answers(page).count()).toBe(1)
    expect(await answers(page).first().textContent()).toContain('다시 성공')
    expect(mock.requests).toHaveLength(2)
    expect(mock.requests[1]!.body.messages).toEqual([{ role: 'user', content: '요청 한도 테스트' }])
  })

  it('keeps chats across a reload, and finishes an answer cut by one without asking twice', async () => {
    const slow = ['중간까지 ', '온 ', '답변이 ', '끝까지 ', '옵니다.']
    mock.setScript((_, index) => index === 0 ? reply.text(['저장될 ', '답변']) : reply.text(slow, { delayMs: 150 }))
    await ask(page, '기억해 줘')
    await page.locator('[data-role="assistant"][data-status="done"]').waitFor()
    await ask(page, '길게 답해 줘')
    await answers(page).nth(1).getByText('중간까지 온').waitFor()

    await page.reload()
    await answers(page).nth(1).waitFor()
    expect(await page.getByTestId('conversation-item').first().textContent()).toContain('기억해 줘')
    expect(await answers(page).first().textContent()).toContain('저장될 답변')
    // The page re-attaches to the answer the relay kept generating, and it completes once.
    await page.locator('[data-role="assistant"][data-status="done"]').nth(1).waitFor()
    expect((await answers(page).nth(1).locator('.chat-markdown').textContent())?.trim()).toBe(slow.join(''))
    expect(mock.requests).toHaveLength(2)
  })

  it('regenerates an answer as a second version and edits a question into a new branch', async () => {
    const texts = ['첫 번째 답', '두 번째 답', '고친 질문의 답']
    mock.setScript((_, index) => reply.text([texts[index] ?? '남는 답']))
    await ask(page, '버전 테스트')
    await page.locator('[data-role="assistant"][data-status="done"]').waitFor()

    await page.getByTestId('regenerate').click()
    await answers(page).first().getByText('두 번째 답').waitFor()
    expect(await page.getByTestId('version-label').textContent()).toBe('2/2')
    await page.getByTestId('version-prev').click()
    await answers(page).first().getByText('첫 번째 답').waitFor()
    expect(await page.getByTestId('version-label').textContent()).toBe('1/2')

    await page.locator('[data-role="user"]').getByTestId('edit-message').click()
    await page.getByTestId('edit-input').fill('고친 질문')
    await page.getByTestId('edit-save').click()
    await answers(page).first().getByText('고친 질문의 답').waitFor()
    expect(await page.locator('[data-role="user"] .chat-message-text').textContent()).toContain('고친 질문')
    // Back to the original question, with the newest answer under it.
    await page.locator('[data-role="user"]').getByTestId('version-prev').click()
    await answers(page).first().getByText('두 번째 답').waitFor()
    expect(mock.requests.map(r => r.body.messages.at(-1).content)).toEqual(['버전 테스트', '버전 테스트', '고친 질문'])

    // Details name the model and count the tokens.
    await answers(page).first().getByTestId('message-details').locator('summary').click()
    expect(await answers(page).first().getByTestId('details-model').textContent()).toContain('gpt-4.1')
  })

  it('never ships the upstream key to the browser', async () => {
    const bodies: string[] = []
    page.on('response', async response => bodies.push(await response.text().catch(() => '')))
    await page.reload()
    await ask(page, 'hi')
    await page.locator('[data-role="assistant"][data-status="done"]').waitFor()
    expect(bodies.length).toBeGreaterThan(3)
    for (const body of bodies)
      expect(body).not.toContain(UPSTREAM_KEY)
    expect(relay.logs.join('\n')).not.toContain(UPSTREAM_KEY)
  })
})

describe.skipIf(!chromiumPath)('demo mode in a real browser', () => {
  it('answers with the built-in demo model and says so', async () => {
    const relay = await startRelay({ SORI_DEMO_TOKEN_DELAY_MS: '1' }, inject('spaDir'))
    const browser = await launchChromium(chromiumPath!)
    try {
      const page = await browser.newPage({ locale: 'en-US' })
      await page.goto(relay.url)
      await page.getByTestId('demo-badge').waitFor()
      expect(await page.getByTestId('demo-badge').textContent()).toContain('Demo mode')
      await expect.poll(() => page.getByTestId('model-picker').inputValue()).toBe('demo')
      await ask(page, 'What can you do?')
      await page.locator('[data-role="assistant"][data-status="done"]').waitFor()
      const answer = answers(page).first()
      expect(await answer.locator('h2').textContent()).toBe('This is demo mode')
      expect(await answer.locator('table').count()).toBe(1)
      expect(await answer.locator('pre code').count()).toBe(1)
    }
    finally {
      await browser.close()
      await relay.stop()
    }
  })
})
