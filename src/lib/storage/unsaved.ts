import type { ChatMessageRecord } from '../chat/types'

const KEY = 'sori.unsaved'

export interface UnsavedMessage {
  conversationId: string
  message: ChatMessageRecord
}

/**
 * IndexedDB writes are asynchronous, and a page that is going away may not
 * live to finish one. localStorage writes are synchronous: the answers still
 * streaming are copied there on `pagehide`, and merged back on the next load.
 */
export function writeUnsaved(storage: Storage, entries: UnsavedMessage[]): void {
  try {
    if (entries.length > 0)
      storage.setItem(KEY, JSON.stringify(entries))
  }
  catch {
    // Quota or privacy mode: the IndexedDB copy, at most a moment older, is what remains.
  }
}

/** Returns what {@link writeUnsaved} kept, and forgets it. */
export function takeUnsaved(storage: Storage): UnsavedMessage[] {
  try {
    const raw = storage.getItem(KEY)
    storage.removeItem(KEY)
    const entries = raw ? JSON.parse(raw) as unknown : []
    return Array.isArray(entries)
      ? entries.filter((e): e is UnsavedMessage => typeof e?.conversationId === 'string' && typeof e?.message?.id === 'string' && typeof e.message.content === 'string')
      : []
  }
  catch {
    return []
  }
}
