import type { Conversation } from './types'

/** Pinned first, then the most recently active. */
export function sortConversations(list: readonly Conversation[]): Conversation[] {
  return [...list].sort((a, b) => Number(Boolean(b.pinned)) - Number(Boolean(a.pinned)) || b.updatedAt - a.updatedAt)
}

/**
 * Whether a conversation matches a search: every word of the query appears in
 * its title or its messages, ignoring case and Unicode composition (a Hangul
 * syllable typed decomposed still matches).
 */
export function matchesQuery(conversation: Conversation, query: string): boolean {
  const words = normalize(query).split(/\s+/).filter(Boolean)
  if (words.length === 0)
    return true
  const haystack = normalize([conversation.title, ...conversation.messages.map(m => m.content)].join('\n'))
  return words.every(word => haystack.includes(word))
}

function normalize(text: string): string {
  return text.normalize('NFC').toLocaleLowerCase()
}
