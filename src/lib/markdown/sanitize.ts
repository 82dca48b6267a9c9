import type { Config, WindowLike } from 'dompurify'
import DOMPurify from 'dompurify'
import { markdownPolicy } from './trusted-types'
import { isAllowedImage, safeImageUrl, safeUrl } from './urls'

export { safeUrl } from './urls'

/** A DOM window as DOMPurify needs it: the browser's `window` or a jsdom one. */
export type MarkdownWindow = WindowLike & { document: Document }

// Attributes a browser resolves as a URL. The renderer only ever emits `href`;
// the rest are checked in case raw HTML ever slips past the renderer.
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'cite', 'background', 'ping']

const CONFIG: Config = {
  USE_PROFILES: { html: true },
  // <img> is allowed here only so that the hook can keep those from allowlisted hosts.
  FORBID_TAGS: ['form', 'input', 'button', 'textarea', 'select', 'style', 'svg', 'math', 'iframe', 'object', 'embed', 'picture', 'source'],
  FORBID_ATTR: ['style', 'id', 'name', 'srcset'],
  // The one data attribute the renderer emits: a click-to-load image's address.
  ALLOW_DATA_ATTR: false,
  ADD_ATTR: ['data-src'],
  // DOMPurify tests this against every attribute value that is not "URI safe"
  // (`start="3"`, `align="left"` too), so like its default it must also accept
  // values without a scheme; only the scheme list is narrowed. Relative URLs and
  // `data:` (always let through on audio/video/source/track) are left to the hook.
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.:-]|$))/i,
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
 * instances, so the hook registered here never leaks into other users of DOMPurify.
 * Throws when DOMPurify cannot work with `window`: an unsupported DOMPurify
 * returns its input unchanged, and this must fail closed instead.
 */
export function createPurifier(window: MarkdownWindow, options: { imageHosts?: readonly string[] } = {}): Purifier {
  // Under `require-trusted-types-for 'script'` DOMPurify needs a policy to parse its input.
  const config: Config = { ...CONFIG, TRUSTED_TYPES_POLICY: markdownPolicy(window) ?? undefined }
  const toHtml = configuredPurify(window, config, options.imageHosts ?? [])
  const toFragment = configuredPurify(window, { ...config, RETURN_DOM_FRAGMENT: true }, options.imageHosts ?? [])
  return {
    toHtml: html => toHtml.sanitize(html),
    toFragment: html => toFragment.sanitize(html) as unknown as DocumentFragment,
  }
}

/**
 * One DOMPurify instance with the URL hook and a fixed configuration. The
 * configuration is parsed once by `setConfig`: passed to every `sanitize` call,
 * it would be parsed and its allowlists copied again each time, which cost about
 * as much as sanitizing a streamed block. Hence one instance per output kind.
 */
function configuredPurify(window: MarkdownWindow, config: Config, imageHosts: readonly string[]): ReturnType<typeof DOMPurify> {
  const purify = DOMPurify(window)
  if (!purify.isSupported)
    throw new Error('DOMPurify is not supported by the given window')

  purify.addHook('afterSanitizeAttributes', (node) => {
    for (const name of URL_ATTRIBUTES) {
      const value = node.getAttribute(name)
      if (value !== null && safeUrl(value) === null)
        node.removeAttribute(name)
    }
    const dataSrc = node.getAttribute('data-src')
    if (dataSrc !== null && safeImageUrl(dataSrc) === null)
      node.removeAttribute('data-src')
    if (node.localName === 'img') {
      // An image loads the moment it is in the DOM: only allowlisted hosts get one.
      const src = safeImageUrl(node.getAttribute('src') ?? '')
      if (!src || !isAllowedImage(src, imageHosts)) {
        node.remove()
        return
      }
      node.setAttribute('referrerpolicy', 'no-referrer')
    }
    if (node.localName === 'a') {
      node.setAttribute('target', '_blank')
      // Model output is untrusted content: no opener, no referrer, no ranking credit.
      node.setAttribute('rel', 'noopener noreferrer nofollow ugc')
      node.setAttribute('referrerpolicy', 'no-referrer')
    }
  })
  purify.setConfig(config)
  return purify
}

/** Creates an HTML-string sanitizer bound to `window`; see `createPurifier`. */
export function createSanitizer(window: MarkdownWindow, options: { imageHosts?: readonly string[] } = {}): (html: string) => string {
  return createPurifier(window, options).toHtml
}
