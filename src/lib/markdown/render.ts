import type { MarkdownEngine } from './engine'
import type { MarkdownWindow } from './sanitize'
import { createMarkdownEngine } from './engine'
import { escapeHtml } from './html'

export type { MarkdownEngine } from './engine'
export type { MarkdownWindow } from './sanitize'

/** Renders Markdown to sanitized HTML. */
export interface MarkdownRenderer {
  render: (markdown: string) => string
  /** The engine behind `render`, for the streaming renderer to share. */
  engine: MarkdownEngine
}

/**
 * Renders a whole text at once: the reference the streaming renderer must match.
 * Accepts a window (a new engine) or an existing engine.
 */
export function createMarkdownRenderer(options: { window: MarkdownWindow } | { engine: MarkdownEngine }): MarkdownRenderer {
  const engine = 'engine' in options ? options.engine : createMarkdownEngine(options)
  return {
    engine,
    render(markdown) {
      let html: string
      try {
        html = engine.parse(engine.lex(markdown), markdown)
      }
      catch {
        // Never break a streaming view over a lexer bug: show the source as text.
        html = `<p>${escapeHtml(markdown)}</p>`
      }
      return engine.sanitize(html)
    },
  }
}
