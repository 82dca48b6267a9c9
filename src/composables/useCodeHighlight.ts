import type { CodeHighlighter, RequestIdle } from '../lib/markdown/highlight'
import { loadMarkdown } from './useMarkdown'

// An idle period may not come while the page is busy (a fast stream, scrolling):
// after this long the block is highlighted anyway.
const IDLE_TIMEOUT_MS = 1000
// Where there is no requestIdleCallback (Safari), a timer stands in for it and
// gives each run a small slice, about what an idle period between frames leaves.
const FALLBACK_SLICE_MS = 8

const requestIdle: RequestIdle = (task) => {
  if (typeof requestIdleCallback === 'function') {
    requestIdleCallback(task, { timeout: IDLE_TIMEOUT_MS })
    return
  }
  setTimeout(() => {
    const start = performance.now()
    task({ didTimeout: false, timeRemaining: () => Math.max(0, FALLBACK_SLICE_MS - (performance.now() - start)) })
  }, 1)
}

let highlighter: Promise<CodeHighlighter> | undefined

/**
 * The page's code highlighter: highlight.js and each grammar download only when
 * the first code block in that language is finished, never on the first visit.
 * It sanitizes with the Markdown engine's DOMPurify, so the page's CSP and
 * Trusted Types hold for highlighted code too.
 */
export function loadCodeHighlighter(): Promise<CodeHighlighter> {
  highlighter ??= Promise.all([loadMarkdown(), import('../lib/markdown/highlight')]).then(([markdown, { createCodeHighlighter }]) =>
    createCodeHighlighter({ sanitizeToFragment: markdown.renderer.engine.sanitizeToFragment, requestIdle }), (error: unknown) => {
    // A failed download may be tried again by the next code block; this one stays plain.
    highlighter = undefined
    throw error
  })
  return highlighter
}

/** Highlights a finished code block in idle time (pass it as part of `onCodeBlock`); plain until then, or for good on failure. */
export function highlightCodeBlock(pre: HTMLPreElement): void {
  loadCodeHighlighter().then(highlighter => highlighter.highlight(pre), () => {})
}
