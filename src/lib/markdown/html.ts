import type { RendererObject } from 'marked'
import { safeUrl } from './sanitize'

const SAFE_LANGUAGE = /^[\w+#.-]+$/
// In the order DOMPurify leaves them: it drops `target` and the hook appends it again.
const LINK_ATTRIBUTES = 'rel="noopener noreferrer nofollow ugc" target="_blank" referrerpolicy="no-referrer"'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' }

/** Escapes every HTML-significant character, `&` included. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => ESCAPES[c] ?? c)
}

/**
 * Escapes like `escapeHtml` but leaves character references alone: marked's
 * text tokens keep references such as `&copy;` for the browser to decode.
 */
function escapeText(text: string): string {
  return text.replace(/[<>"']|&(?!#\d{1,7};|#x[a-f\d]{1,6};|\w+;)/gi, c => ESCAPES[c] ?? c)
}

/**
 * Marked leaves character references in link destinations and titles undecoded
 * (its own output relies on the browser decoding them inside the attribute). We
 * decode them first so the URL we check is the URL we emit. Only references
 * ending in `;` count, as in CommonMark: `?a=1&copy=2` stays as written. Each one
 * is decoded by a detached textarea, whose content is parsed as text (RCDATA).
 */
export function createDecoder(document: Document): (text: string) => string {
  const textarea = document.createElement('textarea')
  return text => text.replace(/&(?:#\d{1,7}|#x[\da-f]{1,6}|[a-z][a-z\d]{1,31});/gi, (reference) => {
    textarea.innerHTML = reference
    return textarea.value
  })
}

/**
 * The marked renderer that emits only what the sanitizer lets through anyway: raw
 * HTML as text, links and images checked with `safeUrl`, task boxes as glyphs.
 */
export function createRendererObject(decode: (text: string) => string): RendererObject {
  // Inside a link's text an image renders as plain text: a link in a link is invalid HTML.
  let linkDepth = 0

  const anchor = (href: string, title: string | null | undefined, inner: string, extra = ''): string => {
    const titleAttr = title ? ` title="${escapeHtml(decode(title))}"` : ''
    return `<a href="${escapeHtml(href)}"${titleAttr}${extra} ${LINK_ATTRIBUTES}>${inner}</a>`
  }

  return {
    html: ({ text, block }) => block ? `<p>${escapeHtml(text.trim())}</p>\n` : escapeHtml(text),
    text(token) {
      // Text after an inline <script>/<pre>/<code>/<kbd> tag arrives with `escaped: true`
      // but is raw source, so it is escaped here regardless.
      return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : escapeText(token.text)
    },
    code({ text, lang }) {
      const language = lang?.match(/^\S*/)?.[0] ?? ''
      const classAttr = SAFE_LANGUAGE.test(language) ? ` class="language-${language}"` : ''
      const body = text ? `${text.replace(/\n$/, '')}\n` : ''
      return `<pre><code${classAttr}>${escapeHtml(body)}</code></pre>\n`
    },
    codespan: ({ text }) => `<code>${escapeHtml(text)}</code>`,
    // DOMPurify drops <input>, so task list items get a glyph instead of a checkbox.
    checkbox: ({ checked }) => `<span class="md-task">${checked ? '☑' : '☐'}</span> `,
    link({ href, title, tokens, text, autolink }) {
      linkDepth++
      let inner: string
      try {
        inner = autolink ? escapeHtml(text) : this.parser.parseInline(tokens)
      }
      finally {
        linkDepth--
      }
      // Autolink destinations are literal (marked resolves no references in them).
      const url = safeUrl(autolink ? href : decode(href))
      return url === null ? inner : anchor(url, title, inner)
    },
    image({ href, title, tokens }) {
      const url = safeUrl(decode(href))
      const alt = escapeText(this.parser.parseInline(tokens, this.parser.textRenderer))
      const label = alt || (url === null ? '' : escapeHtml(new URL(url).host || url))
      if (!label)
        return ''
      const inner = `🖼 ${label}`
      return url === null || linkDepth > 0 ? inner : anchor(url, title, inner, ' class="md-image-link"')
    },
  }
}
