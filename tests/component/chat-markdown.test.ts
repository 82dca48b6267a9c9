import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import ChatMarkdown from '../../src/components/chat/ChatMarkdown.vue'
import { loadCodeHighlighter } from '../../src/composables/useCodeHighlight'
import { loadMarkdownRenderer } from '../../src/composables/useMarkdown'
import { createTextFeed } from '../../src/lib/chat/text-feed'
import { mountWithStores } from './mount'

// Animation frames run only when the test says so.
let frames: FrameRequestCallback[] = []
function runFrame(): void {
  const due = frames
  frames = []
  due.forEach(callback => callback(performance.now()))
}

function setVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state })
  document.dispatchEvent(new Event('visibilitychange'))
}

let render: (markdown: string) => string
beforeAll(async () => {
  render = (await loadMarkdownRenderer()).render
})
// Idle callbacks (code highlighting) never run unless a test lets them: the rest compare exact HTML.
let idleCallbacks: IdleRequestCallback[] = []
beforeEach(() => {
  frames = []
  idleCallbacks = []
  vi.stubGlobal('requestAnimationFrame', vi.fn((callback: FrameRequestCallback) => frames.push(callback)))
  vi.stubGlobal('cancelAnimationFrame', vi.fn())
  vi.stubGlobal('requestIdleCallback', vi.fn((callback: IdleRequestCallback) => idleCallbacks.push(callback)))
})
afterEach(() => {
  setVisibility('visible')
  vi.unstubAllGlobals()
})

function mountMarkdown(source: string, streaming: boolean, locale: 'en' | 'ko' = 'en') {
  const { wrapper } = mountWithStores(ChatMarkdown, { props: { source, streaming }, locale })
  return { wrapper, root: () => wrapper.get('.chat-markdown').element }
}

describe('chat markdown while streaming', () => {
  it('renders at most once per animation frame, showing the latest text', async () => {
    const { wrapper, root } = mountMarkdown('# Title', true)
    await flushPromises()
    expect(root().innerHTML).toBe('<h1>Title</h1>\n')

    for (const source of ['# Title\n\nOne', '# Title\n\nOne **two', '# Title\n\nOne **two** three'])
      await wrapper.setProps({ source })
    expect(requestAnimationFrame).toHaveBeenCalledTimes(1)
    expect(root().innerHTML).toBe('<h1>Title</h1>\n')

    runFrame()
    expect(root().innerHTML).toBe(render('# Title\n\nOne **two** three'))
    await wrapper.setProps({ source: '# Title\n\nOne **two** three *four' })
    expect(requestAnimationFrame).toHaveBeenCalledTimes(2)
    runFrame()
    expect(root().querySelector('em')?.textContent).toBe('four')
  })

  it('renders what arrived while the tab was hidden as soon as it is shown again', async () => {
    const { wrapper, root } = mountMarkdown('Start', true)
    await flushPromises()
    setVisibility('hidden')
    await wrapper.setProps({ source: 'Start\n\n- one\n- two' })
    expect(requestAnimationFrame).not.toHaveBeenCalled()
    expect(root().querySelector('ul')).toBeNull()

    setVisibility('visible')
    expect(root().querySelectorAll('li')).toHaveLength(2)
  })

  it('renders a pending frame when the tab is hidden, since that frame may never come', async () => {
    const { wrapper, root } = mountMarkdown('Start', true)
    await flushPromises()
    await wrapper.setProps({ source: 'Start **bold**' })
    setVisibility('hidden')
    expect(root().querySelector('strong')?.textContent).toBe('bold')
  })

  it('renders the final text at once when streaming ends, hidden tab or not', async () => {
    const { wrapper, root } = mountMarkdown('| a |\n|---|\n| 1', true)
    await flushPromises()
    setVisibility('hidden')
    const final = '| a |\n|---|\n| 1 |\n| 2 |\n\n```py\nprint(1)\n```\n\n[x]: https://x.example/'
    await wrapper.setProps({ source: final, streaming: false })
    expect(root().querySelectorAll('tbody tr')).toHaveLength(2)
    expect(root().querySelector('pre code.language-py')?.textContent).toBe('print(1)\n')
    expect(root().querySelectorAll('[data-testid="copy-code"]')).toHaveLength(1)
    root().querySelectorAll('[data-testid="copy-code"]').forEach(button => button.remove())
    expect(root().innerHTML).toBe(render(final))
  })
})

describe('chat markdown with a text feed', () => {
  it('reads only the new text of the feed each frame, and the whole text once at the end', async () => {
    const feed = createTextFeed('# Title')
    const since = vi.spyOn(feed, 'since')
    const { wrapper } = mountWithStores(ChatMarkdown, { props: { source: '# Title', feed, streaming: true } })
    const root = () => wrapper.get('.chat-markdown').element
    await flushPromises()
    expect(root().innerHTML).toBe('<h1>Title</h1>\n')
    expect(since).not.toHaveBeenCalled()

    let text = '# Title'
    for (const piece of ['\n\nOne **t', 'wo** ', 'three\n\n```js\nlet', ' x = 1\n']) {
      const offset = feed.length
      feed.append(piece)
      text += piece
      await wrapper.setProps({ source: text })
      runFrame()
      expect(since).toHaveBeenLastCalledWith(offset)
      expect(root().querySelector('h1')?.textContent).toBe('Title')
    }
    expect(root().querySelector('strong')?.textContent).toBe('two')
    expect(root().querySelector('code')?.textContent).toBe('let x = 1\n')

    since.mockClear()
    await wrapper.setProps({ source: `${text}\`\`\`\n`, streaming: false, feed: undefined })
    expect(since).not.toHaveBeenCalled()
    root().querySelectorAll('[data-testid="copy-code"]').forEach(button => button.remove())
    expect(root().innerHTML).toBe(render(`${text}\`\`\`\n`))
  })

  it('renders the source when the feed does not hold the same text', async () => {
    const feed = createTextFeed('Other text entirely')
    const { wrapper } = mountWithStores(ChatMarkdown, { props: { source: 'Start', feed, streaming: true } })
    const root = () => wrapper.get('.chat-markdown').element
    await flushPromises()
    await wrapper.setProps({ source: 'Start **bold**' })
    runFrame()
    expect(root().innerHTML).toBe(render('Start **bold**'))
  })
})

describe('chat markdown in history', () => {
  it('renders a finished answer like a full render, plus a copy button per code block', async () => {
    const source = '## 요약\n\n```ts\nconst a = 1 < 2\n```\n\n- **굵게**\n\n~~~\nplain\n~~~'
    const { root } = mountMarkdown(source, false, 'ko')
    await flushPromises()
    const buttons = root().querySelectorAll('[data-testid="copy-code"]')
    expect(Array.from(buttons, button => button.textContent)).toEqual(['복사', '복사'])
    expect(requestAnimationFrame).not.toHaveBeenCalled()
    buttons.forEach(button => button.remove())
    expect(root().innerHTML).toBe(render(source))
  })

  it('copies the code text, not the button label, with the clipboard API', async () => {
    const writeText = vi.fn(() => Promise.resolve())
    vi.stubGlobal('navigator', { clipboard: { writeText } })
    const { wrapper } = mountMarkdown('```sh\necho "hi" && ls <dir>\n```', false)
    await flushPromises()
    const button = wrapper.get('[data-testid="copy-code"]')
    expect(button.text()).toBe('Copy')
    await button.trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith('echo "hi" && ls <dir>\n')
    expect(button.text()).toBe('Copied')
  })
})

describe('chat markdown code highlighting', () => {
  /** Lets the page go idle until every finished code block has been highlighted. */
  async function idleUntilHighlighted(): Promise<void> {
    vi.stubGlobal('requestIdleCallback', vi.fn((callback: IdleRequestCallback) => {
      queueMicrotask(() => callback({ didTimeout: false, timeRemaining: () => 50 }))
    }))
    idleCallbacks.splice(0).forEach(callback => callback({ didTimeout: false, timeRemaining: () => 50 }))
    await flushPromises()
    await (await loadCodeHighlighter()).settled()
  }

  it('colours finished code in idle time, and the copy button still copies the plain code', async () => {
    const writeText = vi.fn(() => Promise.resolve())
    vi.stubGlobal('navigator', { clipboard: { writeText } })
    const code = 'const a = 1 < 2 // <b>&amp;</b>\n'
    const { wrapper, root } = mountMarkdown(`\`\`\`ts\n${code}\`\`\`\n\n\`\`\`klingon\nqapla\n\`\`\``, false)
    await flushPromises()
    expect(root().querySelector('.hljs-keyword')).toBeNull()

    await idleUntilHighlighted()
    const [ts, unknown] = Array.from(root().querySelectorAll('code'))
    expect(ts?.querySelector('.hljs-keyword')?.textContent).toBe('const')
    expect(ts?.textContent).toBe(code)
    expect(unknown?.innerHTML).toBe('qapla\n')
    await wrapper.get('[data-testid="copy-code"]').trigger('click')
    expect(writeText).toHaveBeenCalledWith(code)
  })

  it('leaves a code block plain while it streams and colours it once the answer ends', async () => {
    const { wrapper, root } = mountMarkdown('```py\n', true)
    await flushPromises()
    for (const source of ['```py\nx = 1\n', '```py\nx = 1\nprint(x)\n']) {
      await wrapper.setProps({ source })
      runFrame()
      await idleUntilHighlighted()
      expect(root().querySelector('[class^="hljs-"]')).toBeNull()
    }
    await wrapper.setProps({ streaming: false })
    await idleUntilHighlighted()
    expect(root().querySelector('.hljs-built_in')?.textContent).toBe('print')
    expect(root().querySelector('code')?.textContent).toBe('x = 1\nprint(x)\n')
  })
})
