import type { Page } from 'playwright-core'
import type { BrowserStack } from './harness'
import { Buffer } from 'node:buffer'
import { readFile } from 'node:fs/promises'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { createMockUpstream, reply } from '../fixtures/mock-upstream'
import { answers, ask, chromiumOrSkip, openChat, savedTitles, startBrowserStack } from './harness'

const chromiumPath = chromiumOrSkip()

/** Clicks a button that starts a download, and returns the download. */
async function downloadFrom(page: Page, testId: string) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()])
  return download
}

describe.skipIf(!chromiumPath)('export and import in a real browser', () => {
  const mock = createMockUpstream(() => reply.text(['맑고 ', '따뜻해요.']))
  let stack: BrowserStack
  let page: Page

  beforeAll(async () => {
    stack = await startBrowserStack({ chromiumPath: chromiumPath!, mock, apiKey: 'sk-e2e-backup', spaDir: inject('spaDir') })
  })
  beforeEach(async () => {
    page = await openChat(stack.browser, stack.relay.url, { viewport: { width: 1200, height: 900 }, locale: 'en-US' })
  })
  afterEach(() => page.close())
  afterAll(() => stack?.stop())

  it('exports a backup, brings a deleted chat back from it, and refuses a malformed file', async () => {
    await ask(page, '서울 날씨 알려 줘')
    await page.locator('[data-role="assistant"][data-status="done"]').waitFor()

    await page.getByTestId('open-settings').click()
    const markdown = await downloadFrom(page, 'export-markdown')
    expect(markdown.suggestedFilename()).toMatch(/^sori-서울-날씨-알려-줘-\d{4}-\d{2}-\d{2}\.md$/)
    expect(await readFile((await markdown.path())!, 'utf8')).toBe('# 서울 날씨 알려 줘\n\n### You\n\n서울 날씨 알려 줘\n\n### Assistant\n\n맑고 따뜻해요.\n')

    const backup = await downloadFrom(page, 'export-backup')
    expect(backup.suggestedFilename()).toMatch(/^sori-backup-\d{4}-\d{2}-\d{2}\.json$/)
    const backupPath = (await backup.path())!
    const saved = JSON.parse(await readFile(backupPath, 'utf8'))
    expect(saved).toMatchObject({ format: 'sori-backup', version: 1, conversations: [{ title: '서울 날씨 알려 줘' }] })
    expect(saved.conversations[0].messages.map((m: { role: string, content: string }) => [m.role, m.content])).toEqual([['user', '서울 날씨 알려 줘'], ['assistant', '맑고 따뜻해요.']])
    await page.keyboard.press('Escape')

    await page.getByTestId('delete-conversation').click()
    await expect.poll(() => page.getByTestId('conversation-item').count()).toBe(0)
    await expect.poll(() => savedTitles(page)).toEqual([])

    await page.getByTestId('open-settings').click()
    await page.getByTestId('import-backup').setInputFiles(backupPath)
    await expect.poll(() => page.getByTestId('backup-status').textContent()).toBe('Imported 1 conversation.')
    // Importing the same file again adds nothing: the conversation is already here.
    await page.getByTestId('import-backup').setInputFiles(backupPath)
    await expect.poll(() => page.getByTestId('backup-status').textContent()).toBe('No new conversations were imported. 1 was already here and was skipped.')

    // A file with one wrong field is refused whole: its valid conversation is not added either.
    const broken = structuredClone(saved)
    broken.conversations.push({ ...structuredClone(saved.conversations[0]), id: 'another' })
    broken.conversations[1].messages = broken.conversations[1].messages.map((m: object, i: number) => ({ ...m, id: `x${i}`, parentId: i ? 'x0' : null }))
    broken.conversations[1].messages[1].role = 'robot'
    broken.conversations.push({ ...structuredClone(saved.conversations[0]), id: 'third', messages: [] })
    await page.getByTestId('import-backup').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) })
    const status = page.getByTestId('backup-status')
    await expect.poll(() => status.getAttribute('role')).toBe('alert')
    expect(await status.textContent()).toContain('nothing was changed')
    expect(await status.textContent()).toContain('conversations[1].messages[1].role: must be "user" or "assistant"')
    await page.keyboard.press('Escape')

    await expect.poll(() => page.getByTestId('conversation-item').count()).toBe(1)
    await page.getByTestId('conversation-item').first().click()
    expect(await page.locator('[data-role="user"]').textContent()).toContain('서울 날씨 알려 줘')
    expect(await answers(page).first().textContent()).toContain('맑고 따뜻해요.')

    // Imported chats are stored like any other: they survive a reload.
    expect(await savedTitles(page)).toEqual(['서울 날씨 알려 줘'])
    await page.reload()
    await answers(page).first().getByText('맑고 따뜻해요.').waitFor()
    expect(await page.getByTestId('conversation-item').count()).toBe(1)
  })
})
