import type { Config, WindowLike } from 'dompurify'
import DOMPurify from 'dompurify'

/** A DOM window as DOMPurify needs it: the browser's `window` or a jsdom one. */
export type MarkdownWindow = WindowLike & { document: Document }

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:'])

// Attributes a browser resolves as a URL. The renderer only ever emits `href`;
// the rest are checked in case raw HTML ever slips past the renderer.
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'cite', 'background', 'ping']

const CONFIG: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['form', 'input', 'button', 'textarea', 'select', 'style', 'img', 'svg', 'math', 'iframe', 'object', 'embed'],
  FORBID_ATTR: ['style', 'id', 'name', 'srcset'],
  // DOMPurify tests this against every attribute value that is not "URI safe"
  // (`start="3"`, `align="left"` too), so like its default it must also accept
  // values without a scheme; only the scheme list is narrowed. Relative URLs and
  // `data:` (always let through on audio/video/source/track) are left to the hook.
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.:-]|$))/i,
}

/**
 * Parses `raw` as an absolute URL and returns its normalized form when the scheme
 * is http, https or mailto, else `null` (relative URLs included). The WHATWG parser
 * strips tabs, newlines and surrounding control characters and lowercases the
 * scheme exactly as the browser will, so obfuscated schemes cannot slip through.
 */
export function safeUrl(raw: string): string | null {
  let url: URL
  try {
    url = new URL(raw)
  }
  catch {
    return null
  }
  return ALLOWED_PROTOCOLS.has(url.protocol) ? url.href : null
}

/** Both outputs of one DOMPurify instance, configured and hooked the same way. */
export interface Purifier {
  /** Sanitized HTML as a string (for `innerHTML` and string comparisons). */
  toHtml: (html: string) => string
  /**
   * Sanitized nodes, ready to insert. No serialize-and-parse round trip, so no
   * mutation between what DOMPurify checked and what the page shows.
   */
  toFragment: (html: string) => DocumentFragment
}

/**
 * Creates a sanitizer bound to `window`. Each call builds its own DOMPurify
 * instance, so the hook registered here never leaks into other users of DOMPurify.
 * Throws when DOMPurify cannot work with `window`: an unsupported DOMPurify
 * returns its input unchanged, and this must fail closed instead.
 */
export function createPurifier(window: MarkdownWindow): Purifier {
  const purify = DOMPurify(window)
  if (!purify.isSupported)
    throw new Error('DOMPurify is not supported by the given window')

  purify.addHook('afterSanitizeAttributes', (node) => {
    for (const name of URL_ATTRIBUTES) {
      const value = node.getAttribute(name)
      if (value !== null && safeUrl(value) === null)
        node.removeAttribute(name)
    }
    if (node.localName === 'a') {
      node.setAttribute('target', '_blank')
      // Model output is untrusted content: no opener, no referrer, no ranking credit.
      node.setAttribute('rel', 'noopener noreferrer nofollow ugc')
      node.setAttribute('referrerpolicy', 'no-referrer')
    }
  })

  const fragmentConfig = { ...CONFIG, RETURN_DOM_FRAGMENT: true } as const
  return {
    toHtml: html => purify.sanitize(html, CONFIG),
    toFragment: html => purify.sanitize(html, fragmentConfig),
  }
}

/** Creates an HTML-string sanitizer bound to `window`; see `createPurifier`. */
export function createSanitizer(window: MarkdownWindow): (html: string) => string {
  return createPurifier(window).toHtml
}
