import type { DBSchema, IDBPDatabase } from 'idb'
import type { ChatMessageRecord, Conversation } from '../chat/types'
import { openDB } from 'idb'

/** A conversation without its messages, which are stored one record each; `messageIds` keeps their order. */
export type ConversationRecord = Omit<Conversation, 'messages'> & { messageIds: string[] }

export interface StoredMessage extends ChatMessageRecord {
  conversationId: string
}

export interface SoriSchema extends DBSchema {
  conversations: { key: string, value: ConversationRecord }
  messages: { key: string, value: StoredMessage, indexes: { byConversation: [string, number] } }
}

export type SoriDatabase = IDBPDatabase<SoriSchema>

/** Opens (and creates or upgrades) the browser database that keeps the chats. */
export function openSoriDatabase(name = 'sori'): Promise<SoriDatabase> {
  return openDB<SoriSchema>(name, 1, {
    upgrade(db) {
      db.createObjectStore('conversations', { keyPath: 'id' })
      const messages = db.createObjectStore('messages', { keyPath: 'id' })
      messages.createIndex('byConversation', ['conversationId', 'createdAt'])
    },
  })
}
