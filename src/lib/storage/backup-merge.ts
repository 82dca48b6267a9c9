import type { ChatMessageRecord, Conversation } from '../chat/types'
import { interruptedError } from '../chat/errors'

export interface ImportPlan {
  /** The conversations to add, ready to store. */
  add: Conversation[]
  /** The ids of conversations left out because one with the same id is already here. */
  skipped: string[]
}

/**
 * Decides what an import adds to `existing`, changing neither.
 *
 * A conversation whose id is already here is skipped, never overwritten and
 * never duplicated: importing the same backup twice adds nothing the second
 * time, and a chat continued since the backup keeps its newer messages.
 * Message ids are keys across all conversations in IndexedDB, so a
 * conversation whose message ids clash with ones already here (a file edited
 * by hand, or copied between conversations) gets fresh message ids.
 * Answers still streaming when exported are marked interrupted, as after a
 * reload: nothing will ever finish them.
 */
export function planImport(existing: readonly Conversation[], incoming: readonly Conversation[], newId: () => string = () => crypto.randomUUID()): ImportPlan {
  const conversationIds = new Set(existing.map(c => c.id))
  const messageIds = new Set(existing.flatMap(c => c.messages.map(m => m.id)))
  const plan: ImportPlan = { add: [], skipped: [] }
  for (const conversation of incoming) {
    if (conversationIds.has(conversation.id)) {
      plan.skipped.push(conversation.id)
      continue
    }
    const copy = structuredClone(conversation)
    copy.messages = copy.messages.map(finishStreaming)
    const clashes = copy.messages.some(m => messageIds.has(m.id))
    const added = clashes ? withFreshMessageIds(copy, newId) : copy
    conversationIds.add(added.id)
    for (const message of added.messages)
      messageIds.add(message.id)
    plan.add.push(added)
  }
  return plan
}

function finishStreaming(message: ChatMessageRecord): ChatMessageRecord {
  return message.status !== 'streaming'
    ? message
    : { ...message, status: 'interrupted', error: interruptedError('The answer was still being written when it was exported.') }
}

function withFreshMessageIds(conversation: Conversation, newId: () => string): Conversation {
  const ids = new Map(conversation.messages.map(m => [m.id, newId()]))
  const renamed = (id: string) => ids.get(id) ?? id
  return {
    ...conversation,
    ...(conversation.leafId !== undefined ? { leafId: renamed(conversation.leafId) } : {}),
    messages: conversation.messages.map(m => ({
      ...m,
      id: renamed(m.id),
      ...(typeof m.parentId === 'string' ? { parentId: renamed(m.parentId) } : {}),
    })),
  }
}
