import type { Conversation } from '../chat/types'

const KEY = 'sori.unsaved'

/**
 * IndexedDB writes are asynchronous, and a page that is going away may not
 * live to finish one. localStorage writes are synchronous: the conversations
 * with an answer still streaming are copied there on `pagehide` (whole, so a
 * question sent a moment ago is kept too), and merged back on the next load.
 */
export function writeUnsaved(storage: Storage, conversations: Conversation[]): void {
  try {
    if (conversations.length > 0)
      storage.setItem(KEY, JSON.stringify(conversations))
  }
  catch {
    // Quota or privacy mode: the IndexedDB copy, at most a moment older, is what remains.
  }
}

/** Returns what {@link writeUnsaved} kept, and forgets it. */
export function takeUnsaved(storage: Storage): Conversation[] {
  try {
    const raw = storage.getItem(KEY)
    storage.removeItem(KEY)
    const entries = raw ? JSON.parse(raw) as unknown : []
    return Array.isArray(entries)
      ? entries.filter((c): c is Conversation => typeof c?.id === 'string' && Array.isArray(c.messages)
        && c.messages.every((m: unknown) => typeof (m as { id?: unknown })?.id === 'string' && typeof (m as { content?: unknown }).content === 'string'))
      : []
  }
  catch {
    return []
  }
}

/**
 * Merges a conversation kept on `pagehide` into the stored ones: its message
 * order wins (it is newer), and each message keeps the longer of the two texts.
 * Returns the merged conversation, to be saved again.
 */
export function mergeUnsaved(saved: Conversation[], unsaved: Conversation): Conversation {
  const stored = saved.find(c => c.id === unsaved.id)
  if (!stored) {
    saved.push(unsaved)
    return unsaved
  }
  const storedById = new Map(stored.messages.map(m => [m.id, m]))
  const messages = unsaved.messages.map((m) => {
    const old = storedById.get(m.id)
    return old && old.content.length > m.content.length ? old : m
  })
  const known = new Set(messages.map(m => m.id))
  Object.assign(stored, { ...unsaved, messages: [...messages, ...stored.messages.filter(m => !known.has(m.id))] })
  return stored
}
