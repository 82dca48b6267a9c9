import type { ChatMessageRecord, Conversation } from './types'

// A conversation is a tree: regenerating an answer or editing a question adds
// a sibling instead of overwriting. Each message names its parent; the
// conversation names the leaf of the branch on screen.

/** The parent of `messages[index]`; records from before branching follow the array order. */
function parentIdAt(messages: readonly ChatMessageRecord[], index: number): string | null {
  const message = messages[index]!
  return message.parentId !== undefined ? message.parentId : messages[index - 1]?.id ?? null
}

/** The branch on screen: from the first message down to the conversation's leaf. */
export function threadOf(conversation: Conversation): ChatMessageRecord[] {
  const { messages } = conversation
  const indexById = new Map(messages.map((m, i) => [m.id, i]))
  let index = conversation.leafId !== undefined ? indexById.get(conversation.leafId) : messages.length - 1
  const thread: ChatMessageRecord[] = []
  const seen = new Set<number>()
  while (index !== undefined && index >= 0 && !seen.has(index)) {
    seen.add(index)
    thread.push(messages[index]!)
    const parentId = parentIdAt(messages, index)
    index = parentId === null ? undefined : indexById.get(parentId)
  }
  return thread.reverse()
}

/** The versions of a message: it and its siblings, oldest first. */
export function versionsOf(conversation: Conversation, messageId: string): ChatMessageRecord[] {
  const { messages } = conversation
  const index = messages.findIndex(m => m.id === messageId)
  if (index < 0)
    return []
  const parentId = parentIdAt(messages, index)
  return messages.filter((_, i) => parentIdAt(messages, i) === parentId)
}

/** The leaf reached from `messageId` by always following the newest child. */
export function newestLeafFrom(conversation: Conversation, messageId: string): string {
  const { messages } = conversation
  let leaf = messageId
  for (;;) {
    const children = messages.filter((_, i) => parentIdAt(messages, i) === leaf)
    const newest = children.at(-1)
    if (!newest)
      return leaf
    leaf = newest.id
  }
}

/** The messages from the first one down to `messageId`, excluding it: what the model saw before it. */
export function historyBefore(conversation: Conversation, parentId: string | null): ChatMessageRecord[] {
  if (parentId === null)
    return []
  const thread = threadOf({ ...conversation, leafId: parentId })
  return thread.at(-1)?.id === parentId ? thread : []
}

/** The versions of every message at once (siblings, oldest first), in one pass over the messages. */
export function versionsByMessage(conversation: Conversation): Map<string, string[]> {
  const { messages } = conversation
  const byParent = new Map<string | null, string[]>()
  for (let i = 0; i < messages.length; i++) {
    const parentId = parentIdAt(messages, i)
    const siblings = byParent.get(parentId) ?? []
    siblings.push(messages[i]!.id)
    byParent.set(parentId, siblings)
  }
  const versions = new Map<string, string[]>()
  for (const siblings of byParent.values()) {
    for (const id of siblings)
      versions.set(id, siblings)
  }
  return versions
}
