import type { LanguageFn } from 'highlight.js'
import type { CodeHighlighter, IdleDeadlineLike } from '../../src/lib/markdown/highlight'
import hljs from 'highlight.js/lib/core'
import { JSDOM } from 'jsdom'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { createMarkdownEngine } from '../../src/lib/markdown/engine'
import { createCodeHighlighter } from '../../src/lib/markdown/highlight'
import { grammarName, KNOWN_LANGUAGES, loadGrammar } from '../../src/lib/markdown/highlight-languages'
import { createMarkdownRenderer } from '../../src/lib/markdown/render'
import { chunks, streamingSetup } from '../fixtures/markdown/harness'
import { streamingCorpus } from '../fixtures/markdown/streaming-corpus'

/** Idle callbacks run only when the test says so. */
function manualIdle() {
  const tasks: ((deadline: IdleDeadlineLike) => void)[] = []
  return {
    requestIdle: (task: (deadline: IdleDeadlineLike) => void) => void tasks.push(task),
    pending: () => tasks.length,
    /** Runs the idle callbacks due now, each with plenty of time. */
    run() {
      tasks.splice(0).forEach(task => task({ didTimeout: false, timeRemaining: () => 50 }))
    },
  }
}

// The grammars the tests use, imported once up front: a fake download then
// resolves at once, and one task later every promise chain has run.
const grammars = new Map<string, LanguageFn>()
beforeAll(async () => {
  for (const name of ['typescript', 'python', 'javascript', 'json'])
    grammars.set(name, await loadGrammar(name))
})
function preloaded(name: string): Promise<LanguageFn> {
  const grammar = grammars.get(name)
  return grammar ? Promise.resolve(grammar) : Promise.reject(new Error(`${name} not preloaded`))
}
/** One task: the fake downloads (promise chains) have all landed by then. */
const downloads = () => new Promise<void>(resolve => setTimeout(resolve))

function setup(markdown: string, options: { maxLength?: number } = {}) {
  const { window } = new JSDOM('')
  const engine = createMarkdownEngine({ window })
  const container = window.document.createElement('div')
  window.document.body.append(container)
  container.append(engine.sanitizeToFragment(createMarkdownRenderer({ engine }).render(markdown)))
  const idle = manualIdle()
  const load = vi.fn(preloaded)
  const highlighter = createCodeHighlighter({ sanitizeToFragment: engine.sanitizeToFragment, requestIdle: idle.requestIdle, loadGrammar: load, ...options })
  const pres = () => Array.from(container.querySelectorAll('pre'))
  return { container, idle, load, highlighter, pres }
}

describe('code highlighting', () => {
  it('colours a finished block in idle time and leaves its text as it was', async () => {
    const code = 'const a: number = 1 < 2 ? 3 : 4 // "quoted" & <b>not bold</b>\n'
    const { idle, highlighter, pres } = setup(`\`\`\`ts\n${code}\`\`\``)
    const [pre] = pres()
    highlighter.highlight(pre!)
    await downloads()
    expect(pre!.querySelector('span')).toBeNull()
    expect(idle.pending()).toBe(1)

    idle.run()
    await highlighter.settled()
    expect(pre!.querySelector('.hljs-keyword')?.textContent).toBe('const')
    expect(pre!.querySelector('.hljs-comment')?.textContent).toContain('<b>not bold</b>')
    expect(pre!.querySelector('b')).toBeNull()
    expect(pre!.querySelector('code')?.textContent).toBe(code)
  })

  it('leaves unknown languages and fences without a language plain, without downloading anything', async () => {
    const markdown = '```klingon\nqapla\n```\n\n```\nplain\n```\n\n~~~<script>\nx\n~~~'
    const { container, idle, load, highlighter, pres } = setup(markdown)
    const before = container.innerHTML
    pres().forEach(highlighter.highlight)
    await highlighter.settled()
    idle.run()
    expect(load).not.toHaveBeenCalled()
    expect(container.innerHTML).toBe(before)
  })

  it('downloads each grammar once, whatever alias the fence uses', async () => {
    const { idle, load, highlighter, pres } = setup('```py\na = 1\n```\n\n```python\nb = 2\n```\n\n```PY\nc = 3\n```')
    pres().forEach(highlighter.highlight)
    await downloads()
    idle.run()
    await highlighter.settled()
    expect(load).toHaveBeenCalledTimes(1)
    expect(pres().map(pre => pre.querySelectorAll('.hljs-number').length)).toEqual([1, 1, 1])
  })

  it('leaves a block alone when it was removed or changed before its turn came', async () => {
    const { idle, highlighter, pres } = setup('```js\nlet a = 1\n```\n\n```js\nlet b = 2\n```')
    const [removed, changed] = pres()
    pres().forEach(highlighter.highlight)
    await downloads()
    removed!.remove()
    changed!.querySelector('code')!.append('more')
    idle.run()
    await highlighter.settled()
    expect(removed!.querySelector('span')).toBeNull()
    expect(changed!.querySelector('span')).toBeNull()
  })

  it('leaves code longer than the limit plain, so one block never blocks the page for long', async () => {
    const { idle, highlighter, pres } = setup('```js\nlet a = 1\n```', { maxLength: 5 })
    pres().forEach(highlighter.highlight)
    await downloads()
    idle.run()
    await highlighter.settled()
    expect(pres()[0]!.querySelector('span')).toBeNull()
  })

  it('leaves the code plain when its grammar cannot be downloaded', async () => {
    const { window } = new JSDOM('')
    const engine = createMarkdownEngine({ window })
    const idle = manualIdle()
    const highlighter = createCodeHighlighter({ sanitizeToFragment: engine.sanitizeToFragment, requestIdle: idle.requestIdle, loadGrammar: () => Promise.reject(new Error('offline')) })
    const pre = window.document.createElement('pre')
    pre.innerHTML = '<code class="language-rust">fn main() {}\n</code>'
    highlighter.highlight(pre)
    await highlighter.settled()
    expect(idle.pending()).toBe(0)
    expect(pre.innerHTML).toBe('<code class="language-rust">fn main() {}\n</code>')
  })

  it('knows each grammar by the aliases the grammar itself declares', async () => {
    for (const language of KNOWN_LANGUAGES) {
      const name = grammarName(language)!
      const instance = hljs.newInstance()
      instance.registerLanguage(name, await loadGrammar(name))
      expect(instance.getLanguage(language), language).toBeDefined()
    }
    expect(grammarName('klingon')).toBeNull()
    expect(grammarName('constructor')).toBeNull()
  })
})

/** The container as it would be without highlighting: spans unwrapped, text merged. */
function unhighlighted(container: HTMLElement): string {
  const copy = container.cloneNode(true) as HTMLElement
  for (const span of Array.from(copy.querySelectorAll('span[class^="hljs-"]')).reverse())
    span.replaceWith(...Array.from(span.childNodes))
  copy.querySelectorAll('code.hljs').forEach((code) => {
    code.classList.remove('hljs')
    if (code.classList.length === 0)
      code.removeAttribute('class')
  })
  copy.normalize()
  return copy.innerHTML
}

describe('streaming with highlighting', { timeout: 30_000 }, () => {
  function streamingWithHighlighter() {
    const idle = manualIdle()
    const handed = new Map<HTMLPreElement, string>()
    let highlighter: CodeHighlighter | undefined
    const setup = streamingSetup({
      onCodeBlock(pre) {
        handed.set(pre, pre.textContent ?? '')
        highlighter?.highlight(pre)
      },
    })
    highlighter = createCodeHighlighter({ sanitizeToFragment: createMarkdownEngine({ window: setup.window }).sanitizeToFragment, requestIdle: idle.requestIdle, loadGrammar: preloaded })
    /** Lets queued highlighting happen, as idle time between frames would. */
    async function idleTime(): Promise<void> {
      await downloads()
      idle.run()
      await highlighter!.settled()
    }
    const coloured = () => setup.container.querySelectorAll('span[class^="hljs-"]').length
    return { ...setup, idleTime, handed, coloured }
  }

  it('colours a code block only once it is finished, never while it streams', async () => {
    const setup = streamingWithHighlighter()
    for (const part of ['Intro.\n\n```ts\n', 'const a = 1\n', 'let b = "x"\n']) {
      setup.streaming.append(part)
      setup.streaming.flush()
      await setup.idleTime()
      expect(setup.coloured()).toBe(0)
    }
    expect(setup.handed.size).toBe(0)
    setup.streaming.append('```\n\nAfter.')
    setup.streaming.flush()
    expect(setup.handed.size).toBe(1)
    expect(setup.coloured()).toBe(0)
    await setup.idleTime()
    expect(setup.container.querySelector('code.hljs .hljs-keyword')?.textContent).toBe('const')
    expect(setup.container.querySelector('code')?.textContent).toBe('const a = 1\nlet b = "x"\n')
    setup.window.close()
  })

  it('colours the last block when the answer ends', async () => {
    const setup = streamingWithHighlighter()
    setup.streaming.setText('```python\nprint(1)\n')
    setup.streaming.flush()
    await setup.idleTime()
    expect(setup.coloured()).toBe(0)
    setup.streaming.finish()
    await setup.idleTime()
    expect(setup.container.querySelector('.hljs-built_in')?.textContent).toBe('print')
    setup.window.close()
  })

  const withCode = streamingCorpus.filter(entry => /```|~~~/.test(entry.markdown))
  const sample = '# Code\n\n```ts\nconst a = 1\n```\n\nText between.\n\n```python\nprint("x")\n```\n\n```json\n{"a": [1, 2]}\n```\n\nEnd.'

  // The prefix-equality check of markdown-streaming.test.ts with highlighting on:
  // apart from the colour spans, every flush shows the full render of its prefix,
  // and a block handed over as finished is never changed by the stream again.
  it.each([...withCode.map(entry => [entry.name, entry.markdown] as const), ['several languages', sample] as const])('%s: every prefix renders like the full render of that prefix', async (_name, markdown) => {
    for (const size of [1, 7]) {
      const setup = streamingWithHighlighter()
      let prefix = ''
      for (const part of chunks(markdown, size)) {
        prefix += part
        setup.streaming.append(part)
        setup.streaming.flush()
        await setup.idleTime()
        expect(unhighlighted(setup.container), JSON.stringify(prefix)).toBe(setup.shown(prefix))
        const changed = [...setup.handed].filter(([pre, text]) => setup.container.contains(pre) && pre.textContent !== text)
        expect(changed.length, JSON.stringify(prefix)).toBe(0)
      }
      setup.streaming.finish()
      await setup.idleTime()
      expect(unhighlighted(setup.container)).toBe(setup.full(markdown))
      if (markdown === sample)
        expect(setup.container.querySelectorAll('code.hljs')).toHaveLength(3)
      setup.window.close()
    }
  })
})
