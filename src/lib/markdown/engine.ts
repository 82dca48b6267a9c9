import type { Links, Token, TokensList } from 'marked'
import type { MarkdownWindow } from './sanitize'
import { Lexer, Marked } from 'marked'
import { createDecoder, createRendererObject, escapeHtml } from './html'
import { createPurifier } from './sanitize'
import { markdownPolicy } from './trusted-types'
import { normalizeImageHosts } from './urls'

export type { Links } from 'marked'

/**
 * The steps of a render, exposed so the streaming renderer can run them per block:
 * the same marked configuration and the same DOMPurify instance as a full render.
 */
export interface MarkdownEngine {
  readonly document: Document
  /** Block and inline tokens; `links` seeds reference definitions found earlier in the text. */
  lex: (markdown: string, links?: Links) => TokensList
  /** Unsanitized HTML for `tokens`; never throws (a parser bug shows `fallback` as text). */
  parse: (tokens: Token[], fallback: string) => string
  sanitize: (html: string) => string
  sanitizeToFragment: (html: string) => DocumentFragment
}

/** Which images load at once; the rest wait for a click. An input of every render. */
export interface MarkdownImageOptions {
  /** Host names whose images load without a click (`*.example.com` covers subdomains); normalized here. */
  allowedHosts?: readonly string[]
  /** Tooltip of a click-to-load placeholder, e.g. "Load the image from {host}". */
  placeholderTitle?: (host: string) => string
}

export interface MarkdownEngineOptions {
  window: MarkdownWindow
  images?: MarkdownImageOptions
}

/**
 * Creates the Markdown engine: GFM via its own `Marked` instance, raw HTML shown
 * as text, links limited to http/https/mailto, images loaded only from allowlisted
 * hosts (click-to-load placeholders otherwise), and output sanitized by a
 * DOMPurify instance bound to `options.window` that enforces the same allowlist.
 */
export function createMarkdownEngine(options: MarkdownEngineOptions): MarkdownEngine {
  const { document } = options.window
  const allowedHosts = normalizeImageHosts(options.images?.allowedHosts ?? [])
  const purifier = createPurifier(options.window, { imageHosts: allowedHosts })
  const marked = new Marked({
    async: false,
    gfm: true,
    breaks: false,
    renderer: createRendererObject(createDecoder(document, markdownPolicy(options.window)), {
      allowedHosts,
      placeholderTitle: options.images?.placeholderTitle,
    }),
  })

  return {
    document,
    lex(markdown, links) {
      // A copy of the options: the lexer stores its tokenizer in them.
      const lexer = new Lexer({ ...marked.defaults })
      if (links)
        Object.assign(lexer.tokens.links, links)
      return lexer.lex(markdown)
    },
    parse(tokens, fallback) {
      try {
        return marked.parser(tokens)
      }
      catch {
        // Never break a streaming view over a parser bug: show the source as text.
        return `<p>${escapeHtml(fallback)}</p>`
      }
    },
    sanitize: purifier.toHtml,
    sanitizeToFragment: purifier.toFragment,
  }
}
