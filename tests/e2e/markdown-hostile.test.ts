import type { BrowserContext, Page } from 'playwright-core'
import type { BrowserStack } from './harness'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { seededRandom } from '../fixtures/chunking'
import { hostileInputs } from '../fixtures/markdown/hostile'
import { createMockUpstream, reply } from '../fixtures/mock-upstream'
import { answers, ask, chromiumOrSkip, startBrowserStack } from './harness'

const chromiumPath = chromiumOrSkip()
const GROUP_SIZE = 20

/** What the page saw, gathered by a script that runs before the app's (CDP, so the CSP does not apply to it). */
interface PageReport {
  /** Elements and attributes that reached the DOM under a message but must never. */
  dom: string[]
  /** Content-Security-Policy and Trusted Types violations. */
  csp: string[]
}

// Runs in the page. A MutationObserver sees every node the renderer inserts, also
// ones replaced within the same frame, so a flush that shows something bad for an
// instant is caught, not only the final DOM.
function watchPage(): void {
  const report: PageReport = { dom: [], csp: [] }
  Object.defineProperty(window, '__soriReport', { value: report })
  const badTags = new Set(['script', 'iframe', 'object', 'embed', 'svg', 'math', 'form', 'style', 'input', 'textarea', 'select', 'meta', 'base', 'link', 'frame', 'img', 'video', 'audio', 'picture', 'source', 'button'])
  const badAttribute = (name: string) => name.startsWith('on') || ['style', 'id', 'name', 'srcset', 'src', 'action', 'formaction', 'xlink:href'].includes(name)
  // Under a message, the rendered Markdown is what the model controls; the rest is the app's.
  const check = (element: Element) => {
    if (!element.closest('.chat-markdown') && !element.querySelector('.chat-markdown'))
      return
    for (const node of [element, ...element.querySelectorAll('*')]) {
      if (!node.closest('.chat-markdown'))
        continue
      // The app's own copy button is the only control it adds inside an answer.
      const own = node.localName === 'button' && node.getAttribute('data-testid') === 'copy-code'
      if (!own && badTags.has(node.localName))
        report.dom.push(`<${node.localName}>`)
      for (const { name } of node.attributes) {
        if (badAttribute(name.toLowerCase()))
          report.dom.push(`${node.localName}[${name}]`)
      }
    }
  }
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes' && record.target instanceof Element)
        check(record.target)
      record.addedNodes.forEach(node => node instanceof Element && check(node))
    }
  }).observe(document, { subtree: true, childList: true, attributes: true })
  document.addEventListener('securitypolicyviolation', event => report.csp.push(`${event.violatedDirective} ${event.blockedURI}`))
}

/** Everything that would show a script ran or data left: dialogs, errors, requests to other hosts, popups. */
interface Watch {
  context: BrowserContext
  page: Page
  dialogs: string[]
  errors: string[]
  foreignRequests: string[]
  popups: string[]
}

async function openWatched(stack: BrowserStack): Promise<Watch> {
  const context = await stack.browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' })
  await context.addInitScript(watchPage)
  const page = await context.newPage()
  const own = new URL(stack.relay.url).host
  const watch: Watch = { context, page, dialogs: [], errors: [], foreignRequests: [], popups: [] }
  page.on('dialog', (dialog) => {
    watch.dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  page.on('pageerror', error => watch.errors.push(error.message))
  page.on('console', message => message.type() === 'error' && watch.errors.push(message.text()))
  context.on('request', (request) => {
    const url = new URL(request.url())
    if (url.protocol !== 'data:' && url.host !== own)
      watch.foreignRequests.push(request.url())
  })
  context.on('page', popup => watch.popups.push(popup.url()))
  await page.goto(stack.relay.url)
  await expect.poll(() => page.getByTestId('model-picker').inputValue()).toBe('gpt-4.1')
  return watch
}

function report(page: Page): Promise<PageReport> {
  return page.evaluate(() => (window as unknown as { __soriReport: PageReport }).__soriReport)
}

/** Splits `text` into pieces of 1 to 6 code points, the same cuts on every run. */
function streamPieces(text: string, seed: number): string[] {
  const random = seededRandom(seed)
  const points = Array.from(text)
  const pieces: string[] = []
  for (let at = 0; at < points.length;) {
    const size = 1 + Math.floor(random() * 6)
    pieces.push(points.slice(at, at + size).join(''))
    at += size
  }
  return pieces
}

const groups = Array.from({ length: Math.ceil(hostileInputs.length / GROUP_SIZE) }, (_, g) =>
  [`inputs ${g * GROUP_SIZE + 1} to ${Math.min((g + 1) * GROUP_SIZE, hostileInputs.length)}`, g * GROUP_SIZE] as const)

describe.skipIf(!chromiumPath)('hostile Markdown streamed into the real app, under its CSP', () => {
  const mock = createMockUpstream()
  let stack: BrowserStack
  let watch: Watch

  beforeAll(async () => {
    // Over a hundred questions in a minute or two: more than the default rate limit allows one client.
    stack = await startBrowserStack({ chromiumPath: chromiumPath!, mock, apiKey: 'sk-e2e-hostile-0123456789', spaDir: inject('spaDir'), env: { RELAY_REQUESTS_PER_MINUTE: '0' } })
  })
  beforeEach(async () => {
    // Answers `#n` with hostile input n, streamed in small pieces a frame apart, so
    // the app renders many of its prefixes; the last piece may end mid-tag.
    mock.setScript((request) => {
      const question = String(request.body.messages.at(-1)?.content ?? '')
      const index = Number(/#(\d+)/.exec(question)?.[1] ?? -1)
      const markdown = hostileInputs[index]?.markdown ?? 'unknown input'
      return reply.text(streamPieces(markdown, index + 1), { delayMs: 17 })
    })
    watch = await openWatched(stack)
  })
  afterEach(() => watch.context.close())
  afterAll(() => stack?.stop())

  it('has a corpus of at least 100 inputs', () => {
    expect(hostileInputs.length).toBeGreaterThanOrEqual(100)
  })

  // A control for the assertions below: each watch reports what it looks for, and the policy is on.
  it('the watches catch a script, a foreign request and a forbidden attribute, and the CSP is enforced', async () => {
    const { page } = watch
    await ask(page, '#0 control')
    await page.locator('[data-role="assistant"][data-status="done"] .chat-markdown:not(.is-plain)').waitFor()
    await page.evaluate(() => {
      const bad = document.createElement('span')
      bad.id = 'clobber'
      document.querySelector('.chat-markdown')!.append(bad)
      const image = document.createElement('img')
      image.src = 'http://attacker.example/control.png'
      document.body.append(image)
      // eslint-disable-next-line no-alert -- the control for the dialog watch
      alert('control')
    })
    await expect.poll(() => watch.foreignRequests).toEqual(['http://attacker.example/control.png'])
    expect(watch.dialogs).toEqual(['control'])
    expect((await report(page)).dom).toEqual(['span[id]'])
    // Trusted Types: a plain string is refused by an HTML sink.
    expect(await page.evaluate(() => {
      try {
        document.createElement('div').innerHTML = '<b>x</b>'
        return 'accepted'
      }
      catch (error) {
        return (error as Error).name
      }
    })).toBe('TypeError')
    // The meta policy is in force: a frame, even from this origin, is blocked and reported.
    await page.evaluate(() => {
      const frame = document.createElement('iframe')
      frame.src = `${location.origin}/healthz`
      document.body.append(frame)
    })
    await expect.poll(async () => (await report(page)).csp)
      .toEqual(['require-trusted-types-for trusted-types-sink', `frame-src ${stack.relay.url}/healthz`])
  })

  /** No forbidden attribute or CSP violation on the page, no dialog, no page error, no request to another host. */
  async function expectNothingHostile(): Promise<void> {
    const seen = await report(watch.page)
    expect(seen.dom).toEqual([])
    expect(seen.csp).toEqual([])
    expect(watch.dialogs).toEqual([])
    expect(watch.errors).toEqual([])
    expect(watch.foreignRequests).toEqual([])
  }

  // Highlighted HTML goes through the same sanitizer and Trusted Types policy as the answer.
  it('colours a finished code block of hostile HTML without a violation, keeping its text', async () => {
    const { page } = watch
    const index = hostileInputs.findIndex(input => input.name === 'cut inside a fenced html block')
    await ask(page, `#${index} highlighted`)
    const code = page.locator('[data-role="assistant"][data-status="done"] pre code.hljs')
    await expect.poll(() => code.count()).toBe(1)
    expect(await code.locator('[class^="hljs-"]').count()).toBeGreaterThan(0)
    expect(await code.textContent()).toBe('<img src=x onerror=alert(1)>\n')
    await expectNothingHostile()
  })

  it.each(groups)('%s: no script runs, nothing leaves for another host, no forbidden attribute reaches the DOM', async (_label, start) => {
    const { page } = watch
    const inputs = hostileInputs.slice(start, start + GROUP_SIZE)
    for (const [offset, input] of inputs.entries()) {
      await ask(page, `#${start + offset} ${input.name}`)
      await expect.poll(() => answers(page).nth(offset).getAttribute('data-status', { timeout: 1000 }).catch(() => 'missing'), { message: input.name }).toBe('done')
    }
    // Each answer was rendered as Markdown (not the plain-text fallback a failed renderer leaves).
    expect(await page.locator('[data-role="assistant"] .chat-markdown:not(.is-plain)').count()).toBe(inputs.length)
    await expectNothingHostile()
    expect(watch.popups).toEqual([])
  })
})

describe.skipIf(!chromiumPath)('links and images in answers', () => {
  const mock = createMockUpstream()
  let stack: BrowserStack
  let watch: Watch
  let answer = ''

  beforeAll(async () => {
    // Over a hundred questions in a minute or two: more than the default rate limit allows one client.
    stack = await startBrowserStack({ chromiumPath: chromiumPath!, mock, apiKey: 'sk-e2e-hostile-0123456789', spaDir: inject('spaDir'), env: { RELAY_REQUESTS_PER_MINUTE: '0' } })
  })
  beforeEach(async () => {
    mock.setScript(() => reply.text([answer]))
    watch = await openWatched(stack)
  })
  afterEach(() => watch.context.close())
  afterAll(() => stack?.stop())

  async function answerWith(markdown: string): Promise<void> {
    answer = markdown
    await ask(watch.page, 'show me')
    await watch.page.locator('[data-role="assistant"][data-status="done"] .chat-markdown:not(.is-plain)').waitFor()
  }

  it('asks before leaving, showing the punycode host and the full address, by mouse and by keyboard', async () => {
    const { page } = watch
    const own = `${stack.relay.url}/healthz`
    await answerWith(`[https://bank.example](https://bücher.example/\u202Ex?q=1) and [health](${own}) and [mail](mailto:a@example.com)`)
    const dialog = page.getByTestId('link-dialog')

    await answers(page).first().getByRole('link', { name: 'https://bank.example' }).click()
    await dialog.waitFor()
    expect(await page.getByTestId('link-dialog-host').textContent()).toContain('xn--bcher-kva.example')
    expect(await page.getByTestId('link-dialog-url').textContent()).toBe('https://xn--bcher-kva.example/x?q=1')
    // Cancel has the focus: a second Enter must not leave the page.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('link-dialog-cancel')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })

    await answers(page).first().getByRole('link', { name: 'mail' }).click()
    expect(await page.getByTestId('link-dialog-host').textContent()).toContain('a@example.com')
    await page.getByTestId('link-dialog-cancel').click()
    await dialog.waitFor({ state: 'hidden' })

    await answers(page).first().getByRole('link', { name: 'health' }).focus()
    await page.keyboard.press('Enter')
    await dialog.waitFor()
    expect(await page.getByTestId('link-dialog-url').textContent()).toBe(own)
    const popup = watch.context.waitForEvent('page')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    const opened = await popup
    await opened.waitForLoadState()
    expect(opened.url()).toBe(own)
    // No opener: the new tab cannot reach back into this page.
    expect(await opened.evaluate(() => window.opener)).toBeNull()
    await dialog.waitFor({ state: 'hidden' })

    expect(watch.foreignRequests).toEqual([])
    expect(watch.popups).toHaveLength(1)
    expect((await report(page)).csp).toEqual([])
  })

  it('loads an image only when clicked, or at once from a host allowed in Settings', async () => {
    const { page } = watch
    const port = new URL(stack.relay.url).port
    // Another host name for the same relay: an image host the page does not trust by default.
    const src = `http://localhost:${port}/favicon.svg`
    await answerWith(`Logo: ![the logo](${src}) and ![second](${src}?2)`)
    const placeholders = answers(page).first().locator('.md-image')
    expect(await placeholders.count()).toBe(2)
    expect(await placeholders.first().textContent()).toContain(`localhost:${port}`)
    expect(await placeholders.first().textContent()).toContain('the logo')
    expect(await page.locator('img.md-image-loaded').count()).toBe(0)
    expect(watch.foreignRequests).toEqual([])

    const loaded = page.waitForResponse(src)
    await placeholders.first().click()
    expect((await loaded).status()).toBe(200)
    await page.locator('img.md-image-loaded[alt="the logo"]').waitFor()
    // The keyboard works too: Enter on the focused placeholder.
    await placeholders.first().focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('img.md-image-loaded').count()).toBe(2)
    expect(new Set(watch.foreignRequests)).toEqual(new Set([src, `${src}?2`]))

    await page.reload()
    await answers(page).first().locator('.md-image').first().waitFor()
    await page.getByTestId('open-settings').click()
    await page.getByTestId('settings-image-hosts').fill('localhost')
    await page.getByTestId('settings-save').click()
    // Rendered again with the allowlist: an <img> straight from the renderer.
    await expect.poll(() => answers(page).first().locator(`img[src="${src}"]`).count()).toBe(1)
    expect(await answers(page).first().locator('.md-image').count()).toBe(0)
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('sori.settings') ?? '{}').imageHosts)).toEqual(['localhost'])
    expect((await report(page)).csp).toEqual([])
  })
})
