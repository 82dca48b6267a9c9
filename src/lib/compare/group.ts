import type { ChatMessageRecord, Conversation } from '../chat/types'

/** Models a compare asks at least and at most: one is a chat, and five columns no longer fit a screen. */
export const COMPARE_MIN = 2
export const COMPARE_MAX = 4

/**
 * The compare on screen, waiting for "continue with this answer": the branch
 * ends at a compare question and its answers are siblings below it. Once one
 * is chosen the branch ends at that answer, and the others stay its versions.
 */
export function pendingCompare(conversation: Conversation): { question: ChatMessageRecord, answers: ChatMessageRecord[] } | null {
  const { messages } = conversation
  const question = conversation.leafId !== undefined ? messages.find(m => m.id === conversation.leafId) : messages.at(-1)
  if (question?.role !== 'user' || !question.compareModels)
    return null
  return { question, answers: messages.filter(m => m.role === 'assistant' && m.parentId === question.id) }
}

/** Whether `models` can be compared: 2 to 4 different, non-empty names. */
export function canCompare(models: readonly string[]): boolean {
  return models.length >= COMPARE_MIN && models.length <= COMPARE_MAX && new Set(models).size === models.length && models.every(Boolean)
}
