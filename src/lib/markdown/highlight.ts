import type { LanguageFn } from 'highlight.js'
import hljs from 'highlight.js/lib/core'
import { grammarName, loadGrammar as loadBundledGrammar } from './highlight-languages'

/** The part of `IdleDeadline` the highlighter reads. */
export interface IdleDeadlineLike {
  timeRemaining: () => number
  readonly didTimeout: boolean
}

/** Runs `task` when the page is idle (`requestIdleCallback`, or a timer where there is none). */
export type RequestIdle = (task: (deadline: IdleDeadlineLike) => void) => void

export interface CodeHighlighterOptions {
  /**
   * The Markdown engine's sanitizer: highlighted HTML reaches the DOM only as
   * nodes DOMPurify built, through the same Trusted Types policy as the answer.
   */
  sanitizeToFragment: (html: string) => DocumentFragment
  requestIdle: RequestIdle
  /** Downloads a grammar; by default the lazily imported highlight.js grammar. */
  loadGrammar?: (name: string) => Promise<LanguageFn>
  /** Longer code stays plain: highlight.js runs in one go and must not block the page for long. */
  maxLength?: number
}

/** Highlights finished code blocks in idle time. */
export interface CodeHighlighter {
  /**
   * Queues a finished `<pre><code class="language-…">` to be highlighted. Only pass
   * blocks that no longer change: the code's text node is replaced. Code in a
   * language without a grammar is left as it is.
   */
  highlight: (pre: HTMLPreElement) => void
  /** Resolves once every block queued so far has been highlighted or left plain. */
  settled: () => Promise<void>
}

// highlight.js took about 2.5 ms per 1,000 characters of TypeScript (1.6 for
// Python) on a busy 2-core machine: 10,000 keeps one block, sanitizing included,
// well under the 50 ms longest-task budget. Longer code stays plain.
const MAX_LENGTH = 10_000
const LANGUAGE_CLASS = /(?:^|\s)language-(\S+)/

/**
 * Creates a highlighter on its own highlight.js instance. Grammars load on first
 * use; each idle period highlights at least one block, more while time remains.
 * The text a code element shows never changes: if sanitized highlighting would
 * read differently, the block stays plain.
 */
export function createCodeHighlighter(options: CodeHighlighterOptions): CodeHighlighter {
  const engine = hljs.newInstance()
  const load = options.loadGrammar ?? loadBundledGrammar
  const maxLength = options.maxLength ?? MAX_LENGTH
  const grammars = new Map<string, Promise<boolean>>()
  const queue: { code: Element, grammar: string, connected: boolean }[] = []
  let loading = 0
  let scheduled = false
  let waiters: (() => void)[] = []

  function grammar(name: string): Promise<boolean> {
    let ready = grammars.get(name)
    if (!ready) {
      // A failed download (offline, a replaced deploy) leaves this language plain for the page's life.
      ready = load(name).then((language) => {
        engine.registerLanguage(name, language)
        return true
      }, () => false)
      grammars.set(name, ready)
    }
    return ready
  }

  function settleIfDone(): void {
    if (loading > 0 || queue.length > 0)
      return
    const done = waiters
    waiters = []
    done.forEach(resolve => resolve())
  }

  function highlightNow(item: { code: Element, grammar: string, connected: boolean }): void {
    const { code } = item
    const text = code.firstChild
    // Someone else changed the code (or it was re-rendered and dropped): leave it.
    if (code.childNodes.length !== 1 || text?.nodeType !== 3 || (item.connected && !code.isConnected))
      return
    const source = text.textContent ?? ''
    if (source.length > maxLength)
      return
    let fragment: DocumentFragment
    try {
      fragment = options.sanitizeToFragment(engine.highlight(source, { language: item.grammar, ignoreIllegals: true }).value)
    }
    catch {
      return
    }
    if (fragment.textContent !== source)
      return
    code.replaceChildren(fragment)
    code.classList.add('hljs')
  }

  function run(deadline: IdleDeadlineLike): void {
    scheduled = false
    let done = 0
    while (queue.length > 0 && (done === 0 || deadline.timeRemaining() > 1)) {
      highlightNow(queue.shift()!)
      done++
    }
    if (queue.length > 0)
      schedule()
    settleIfDone()
  }

  function schedule(): void {
    if (!scheduled) {
      scheduled = true
      options.requestIdle(run)
    }
  }

  return {
    highlight(pre) {
      const code = pre.querySelector('code')
      const language = code ? LANGUAGE_CLASS.exec(code.className)?.[1] : undefined
      const name = language ? grammarName(language) : null
      if (!code || !name)
        return
      const item = { code, grammar: name, connected: code.isConnected }
      loading++
      void grammar(name).then((ok) => {
        loading--
        if (ok) {
          queue.push(item)
          schedule()
        }
        settleIfDone()
      })
    },
    settled() {
      return new Promise((resolve) => {
        waiters.push(resolve)
        settleIfDone()
      })
    },
  }
}
