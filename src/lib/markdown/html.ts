import type { RendererObject } from 'marked'
import type { MarkdownPolicy } from './trusted-types'
import { isAllowedImage, safeImageUrl, safeUrl, stripInvisible } from './urls'

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
export function createDecoder(document: Document, policy: MarkdownPolicy | null = null): (text: string) => string {
  const textarea = document.createElement('textarea')
  return text => text.replace(/&(?:#\d{1,7}|#x[\da-f]{1,6}|[a-z][a-z\d]{1,31});/gi, (reference) => {
    // Under Trusted Types a string is refused here; one reference in RCDATA is inert.
    textarea.innerHTML = (policy ? policy.createHTML(reference) : reference) as string
    return textarea.value
  })
}

/** How images render: which hosts load at once, and the placeholder's tooltip for the others. */
export interface ImageRendering {
  /** Normalized host names (see `normalizeImageHosts`). */
  allowedHosts: readonly string[]
  /** Tooltip of a click-to-load placeholder, e.g. "Load the image from {host}". */
  placeholderTitle?: (host: string) => string
}

/**
 * The marked renderer that emits only what the sanitizer lets through anyway: raw
 * HTML as text, links checked with `safeUrl`, task boxes as glyphs. Images load
 * only from allowlisted hosts; any other one becomes a placeholder naming its host,
 * with the address in `data-src` for a click to load. Bidi controls and Unicode
 * tag characters are removed from link texts, destinations and titles and from
 * image addresses and alt texts, so a link reads as what it is.
 */
export function createRendererObject(decode: (text: string) => string, images: ImageRendering): RendererObject {
  // Inside a link's text an image renders as text or <img>, never as a placeholder:
  // a control inside a link is invalid HTML, and the click belongs to the link.
  let linkDepth = 0
  /** Decodes references first, so that no `&#x202E;` survives to be decoded by the browser. */
  const plain = (text: string): string => escapeHtml(stripInvisible(decode(text)))

  const anchor = (href: string, title: string | null | undefined, inner: string): string => {
    const titleAttr = title ? ` title="${plain(title)}"` : ''
    return `<a href="${escapeHtml(href)}"${titleAttr} ${LINK_ATTRIBUTES}>${inner}</a>`
  }

  const placeholder = (url: URL, alt: string): string => {
    const host = escapeHtml(url.host)
    const title = images.placeholderTitle ? ` title="${escapeHtml(images.placeholderTitle(url.host))}"` : ''
    const altSpan = alt ? `<span class="md-image-alt">${alt}</span> ` : ''
    return `<span class="md-image" role="button" tabindex="0" data-src="${escapeHtml(url.href)}"${title}>🖼 ${altSpan}<span class="md-image-host">${host}</span></span>`
  }

  return {
    html: ({ text, block }) => block ? `<p>${escapeHtml(text.trim())}</p>\n` : escapeHtml(text),
    text(token) {
      if ('tokens' in token && token.tokens)
        return this.parser.parseInline(token.tokens)
      // Text after an inline <script>/<pre>/<code>/<kbd> tag arrives with `escaped: true`
      // but is raw source, so it is escaped here regardless.
      return linkDepth > 0 ? plain(token.text) : escapeText(token.text)
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
        inner = autolink ? escapeHtml(stripInvisible(text)) : stripInvisible(this.parser.parseInline(tokens))
      }
      finally {
        linkDepth--
      }
      // Autolink destinations are literal (marked resolves no references in them).
      const url = safeUrl(stripInvisible(autolink ? href : decode(href)))
      return url === null ? inner : anchor(url, title, inner)
    },
    image({ href, title, tokens }) {
      const url = safeImageUrl(stripInvisible(decode(href)))
      const alt = plain(this.parser.parseInline(tokens, this.parser.textRenderer))
      if (url && isAllowedImage(url, images.allowedHosts)) {
        const titleAttr = title ? ` title="${plain(title)}"` : ''
        return `<img src="${escapeHtml(url.href)}" alt="${alt}"${titleAttr} class="md-image-loaded">`
      }
      if (url && linkDepth === 0)
        return placeholder(url, alt)
      const label = alt || (url ? escapeHtml(url.host) : '')
      return label ? `🖼 ${label}` : ''
    },
  }
}
