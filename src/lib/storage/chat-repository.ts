import type { ChatMessageRecord, Conversation } from '../chat/types'
import type { ConversationRecord, SoriDatabase, StoredMessage } from './db'

export interface ChatRepository {
  /** Every conversation with its messages, most recently updated first. */
  loadAll: () => Promise<Conversation[]>
  /** One conversation with its messages, or null when it is not stored. */
  load: (id: string) => Promise<Conversation | null>
  /** Queues a write of the conversation's own fields (not its messages). */
  saveConversation: (conversation: Conversation) => void
  /** Queues a write of one message; repeated calls before the flush cost one write. */
  saveMessage: (conversationId: string, message: ChatMessageRecord) => void
  deleteMessage: (id: string) => Promise<void>
  deleteConversation: (id: string) => Promise<void>
  /** Writes everything queued now, in one transaction. */
  flush: () => Promise<void>
}

export interface ChatRepositoryOptions {
  /** How long writes wait to be coalesced: a streaming answer is written a few times a second, not per token. */
  flushDelayMs?: number
  onError?: (error: unknown) => void
  /** Called after each write with the conversations it touched (for other tabs). */
  onWritten?: (conversationIds: string[]) => void
}

/**
 * Keeps conversations in IndexedDB, one record per message. Writes are queued
 * and coalesced: the objects passed in are read again at flush time, so a
 * message that changed a hundred times since the last flush is written once,
 * with its latest text.
 */
export function createChatRepository(db: SoriDatabase, options: ChatRepositoryOptions = {}): ChatRepository {
  const { flushDelayMs = 250, onError = () => {}, onWritten = () => {} } = options
  const pendingConversations = new Map<string, Conversation>()
  const pendingMessages = new Map<string, { conversationId: string, message: ChatMessageRecord }>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let writing: Promise<void> = Promise.resolve()

  function schedule() {
    timer ??= setTimeout(() => {
      flush().catch(onError)
    }, flushDelayMs)
  }

  async function write() {
    clearTimeout(timer)
    timer = undefined
    if (pendingConversations.size === 0 && pendingMessages.size === 0)
      return
    const conversations = [...pendingConversations.values()].map(toConversationRecord)
    const messages = [...pendingMessages.values()].map(({ conversationId, message }) => toStoredMessage(conversationId, message))
    pendingConversations.clear()
    pendingMessages.clear()
    const tx = db.transaction(['conversations', 'messages'], 'readwrite')
    await Promise.all([
      ...conversations.map(c => tx.objectStore('conversations').put(c)),
      ...messages.map(m => tx.objectStore('messages').put(m)),
      tx.done,
    ])
    onWritten([...new Set([...conversations.map(c => c.id), ...messages.map(m => m.conversationId)])])
  }

  function assemble(record: ConversationRecord, messages: StoredMessage[]): Conversation {
    const byId = new Map(messages.map(({ conversationId: _, ...message }) => [message.id, message]))
    const { messageIds, ...rest } = record
    return { ...rest, messages: messageIds.map(id => byId.get(id)).filter(m => m !== undefined) }
  }

  function flush(): Promise<void> {
    // Chained, so two flushes never interleave and a later one sees a finished earlier one.
    writing = writing.catch(() => {}).then(write)
    return writing
  }

  return {
    async loadAll() {
      const [records, messages] = await Promise.all([db.getAll('conversations'), db.getAll('messages')])
      return records.map(record => assemble(record, messages)).sort((a, b) => b.updatedAt - a.updatedAt)
    },
    async load(id) {
      const record = await db.get('conversations', id)
      if (!record)
        return null
      const messages = await db.getAllFromIndex('messages', 'byConversation', IDBKeyRange.bound([id, -Infinity], [id, Infinity]))
      return assemble(record, messages)
    },
    saveConversation(conversation) {
      pendingConversations.set(conversation.id, conversation)
      schedule()
    },
    saveMessage(conversationId, message) {
      pendingMessages.set(message.id, { conversationId, message })
      schedule()
    },
    async deleteMessage(id) {
      pendingMessages.delete(id)
      await flush()
      await db.delete('messages', id)
    },
    async deleteConversation(id) {
      pendingConversations.delete(id)
      for (const [key, pending] of pendingMessages) {
        if (pending.conversationId === id)
          pendingMessages.delete(key)
      }
      await flush()
      const tx = db.transaction(['conversations', 'messages'], 'readwrite')
      const keys = await tx.objectStore('messages').index('byConversation').getAllKeys(IDBKeyRange.bound([id, -Infinity], [id, Infinity]))
      await Promise.all([tx.objectStore('conversations').delete(id), ...keys.map(key => tx.objectStore('messages').delete(key)), tx.done])
    },
    flush,
  }
}

function toConversationRecord({ messages, ...record }: Conversation): ConversationRecord {
  return { ...structuredClone(record), messageIds: messages.map(m => m.id) }
}

function toStoredMessage(conversationId: string, message: ChatMessageRecord): StoredMessage {
  return { ...structuredClone(message), conversationId }
}
