// URL checks shared by the renderer, the sanitizer and the components that act on
// rendered links and images. Kept apart from sanitize.ts so the components can use
// them without pulling marked and DOMPurify into the first-visit bundle.

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:'])
const IMAGE_PROTOCOLS = new Set(['http:', 'https:'])

// Bidi controls (embeddings, overrides, isolates, LRM, RLM, ALM) and the invisible
// tag characters: they let a link's text or destination read differently from
// what it is (`moc.knab` shown as `bank.com`) or hide text from the reader.
const INVISIBLE = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u{E0000}-\u{E007F}]/gu

/** Removes bidi control and Unicode tag characters from `text`. */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '')
}

function parse(raw: string): URL | null {
  try {
    return new URL(raw)
  }
  catch {
    return null
  }
}

/**
 * Parses `raw` as an absolute URL and returns its normalized form when the scheme
 * is http, https or mailto, else `null` (relative URLs included). The WHATWG parser
 * strips tabs, newlines and surrounding control characters and lowercases the
 * scheme exactly as the browser will, so obfuscated schemes cannot slip through.
 * The result is ASCII: the host in punycode, the rest percent-encoded.
 */
export function safeUrl(raw: string): string | null {
  const url = parse(raw)
  return url && ALLOWED_PROTOCOLS.has(url.protocol) ? url.href : null
}

/** Like `safeUrl`, but only http and https: the only schemes an image may load from. */
export function safeImageUrl(raw: string): URL | null {
  const url = parse(raw)
  return url && IMAGE_PROTOCOLS.has(url.protocol) && url.hostname ? url : null
}

/**
 * Normalizes allowlist entries as typed in Settings: `example.com`, `*.example.com`
 * or a pasted URL become lowercase punycode host names (`*.` kept); entries that are
 * no host name are dropped. Order is kept, duplicates removed.
 */
export function normalizeImageHosts(entries: readonly string[]): string[] {
  const hosts: string[] = []
  for (const entry of entries) {
    const trimmed = stripInvisible(entry).trim().toLowerCase()
    const wildcard = trimmed.startsWith('*.')
    const rest = wildcard ? trimmed.slice(2) : trimmed
    const url = parse(/^[a-z][a-z\d+.-]*:\/\//.test(rest) ? rest : `https://${rest}`)
    if (!url || !url.hostname || url.hostname.startsWith('[') || !/^[a-z\d.-]+$/.test(url.hostname))
      continue
    const host = (wildcard ? '*.' : '') + url.hostname.replace(/\.$/, '')
    if (!hosts.includes(host))
      hosts.push(host)
  }
  return hosts
}

/**
 * Whether an image at `url` may load without a click: its host name is listed in
 * `hosts` (normalized entries), or a `*.parent` entry covers it (not `parent` itself).
 */
export function isAllowedImage(url: URL, hosts: readonly string[]): boolean {
  const name = url.hostname.replace(/\.$/, '')
  return hosts.some(host => host.startsWith('*.') ? name.endsWith(host.slice(1)) : name === host)
}

/** What the link confirmation shows: the host as the browser will contact it, and the full URL. */
export interface LinkTarget {
  href: string
  /** `new URL(href).host` (punycode, with a port when not the default); for mailto, the address. */
  host: string
  mailto: boolean
}

/** Describes a rendered link's destination, or `null` when it is not one we would open. */
export function describeLink(raw: string): LinkTarget | null {
  const href = safeUrl(stripInvisible(raw))
  if (href === null)
    return null
  const url = new URL(href)
  const mailto = url.protocol === 'mailto:'
  return { href, host: mailto ? decodeAddress(url.pathname) : url.host, mailto }
}

function decodeAddress(path: string): string {
  try {
    return stripInvisible(decodeURIComponent(path))
  }
  catch {
    return path
  }
}
