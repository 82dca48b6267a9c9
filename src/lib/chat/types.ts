import type { Usage } from '../../../relay/protocol'
import type { ConversationSettings } from './conversation-settings'
import type { ChatErrorInfo } from './errors'

export type MessageStatus = 'streaming' | 'done' | 'error' | 'interrupted'

export interface ChatMessageRecord {
  id: string
  role: 'user' | 'assistant'
  content: string
  status: MessageStatus
  createdAt: number
  /** The model that was asked (user turns) or that served the answer (assistant turns). */
  model?: string
  /** A compare question: these models answer it side by side, each as a sibling version. */
  compareModels?: string[]
  /** A compare answer: the model asked, kept apart from the one that served (after failover) and for Retry. */
  requestedModel?: string
  finishReason?: string
  usage?: Usage
  /** Set when the user pressed Stop; the partial answer is kept. */
  stopped?: boolean
  error?: ChatErrorInfo
  /** The message this one follows; siblings are versions (regenerated answers, edited questions). */
  parentId?: string | null
  /**
   * While an answer streams: its Idempotency-Key, the model asked, and the id
   * of the last event whose text is in `content`, so the answer can be picked
   * up after a broken connection or a reload. Removed once it ends.
   */
  resume?: { key: string, model: string, lastEventId: number }
  /** The connection broke and the answer is being picked up again (attempt n). */
  reconnecting?: number
  /** Timing of an answer, in ms since the epoch: request sent, first token, end. */
  timing?: { sentAt: number, firstTokenAt?: number, endedAt?: number }
}

export interface Conversation {
  id: string
  title: string
  messages: ChatMessageRecord[]
  createdAt: number
  updatedAt: number
  pinned?: boolean
  /** The last message of the branch on screen; the last message when absent. */
  leafId?: string
  settings?: ConversationSettings
}
