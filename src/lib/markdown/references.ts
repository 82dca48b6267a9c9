import type { Links, Token } from 'marked'

// Reference definitions may come after the links that use them, so a frozen block
// can still change when one arrives. These helpers decide which blocks to redo.

/** Normalizes a link label the way marked does before looking it up. */
export function normalizeLabel(label: string): string {
  return label.toLowerCase().replace(/\s+/g, ' ')
}

const BRACKETED = /\[((?:\\[\s\S]|[^[\]\\])+)\]/g

/**
 * Labels a block may refer to: every bracketed text. A superset (link texts and
 * checkboxes count too), so a block is re-rendered whenever a definition it might
 * use appears or changes.
 */
export function candidateLabels(raw: string): string[] {
  if (!raw.includes('['))
    return []
  // A label may wrap inside a blockquote, where each line starts with `>`.
  const text = raw.includes('>') ? raw.replace(/^[ \t]*(?:>[ \t]?)+/gm, '') : raw
  return [...new Set(Array.from(text.matchAll(BRACKETED), match => normalizeLabel(match[1] ?? '')))]
}

/** What `labels` resolve to in `links`, as a comparable string. */
export function linkSignature(labels: string[], links: Links): string {
  return labels.map((label) => {
    const link = links[label]
    return link ? `${label}\u0000${link.href}\u0000${link.title ?? ''}` : ''
  }).join('\u0001')
}

/** Adds the reference definitions inside `tokens` (in blockquotes and list items too), first one wins. */
export function collectDefinitions(tokens: Token[], into: Links): void {
  for (const token of tokens) {
    if (token.type === 'def') {
      if (!(token.tag in into))
        into[token.tag] = { href: token.href, title: token.title }
    }
    else if (token.type === 'blockquote') {
      collectDefinitions(token.tokens ?? [], into)
    }
    else if (token.type === 'list') {
      for (const item of token.items)
        collectDefinitions(item.tokens, into)
    }
  }
}
