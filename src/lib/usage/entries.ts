import type { ChatMessageRecord, Conversation } from '../chat/types'
import type { Micros, PricingTable, ReportedUsage } from './cost'
import { estimateTokens } from '../chat/answer-stats'
import { reportedCostMicros, tokenCostMicros } from './cost'

/** One answer's usage and cost: the row everything else on the Usage page adds up. */
export interface UsageEntry {
  conversationId: string
  conversationTitle: string
  messageId: string
  /** The model that served the answer; empty when the record does not say. */
  model: string
  /** When the question was sent (ms since the epoch): what a day or a month is counted by. */
  at: number
  inputTokens: number
  outputTokens: number
  /** Null when neither the relay reported a cost nor the model has a price. */
  costMicros: Micros | null
  /** The token counts (and so the cost) are our estimates: the upstream reported no usage. */
  estimated: boolean
}

/** Every answer of every conversation, see {@link conversationEntries}. */
export function usageEntries(conversations: readonly Conversation[], prices: PricingTable): UsageEntry[] {
  return conversations.flatMap(conversation => conversationEntries(conversation, prices))
}

/**
 * The usage of each answer in a conversation, all branches included (a
 * regenerated answer was paid for too). Answers still streaming are left out
 * until they end, and so are failures that produced nothing. The relay's cost
 * wins; otherwise the cost comes from `prices`. Without reported usage, the
 * prompt is estimated as the system prompt plus the messages before the answer.
 */
export function conversationEntries(conversation: Conversation, prices: PricingTable): UsageEntry[] {
  const entries: UsageEntry[] = []
  let promptEstimates: Map<string, number> | undefined
  conversation.messages.forEach((message, index) => {
    if (message.role !== 'assistant' || message.status === 'streaming' || (!message.usage && !message.content))
      return
    const usage = message.usage as ReportedUsage | undefined
    let inputTokens: number, outputTokens: number
    if (usage) {
      inputTokens = usage.prompt_tokens
      outputTokens = usage.completion_tokens
    }
    else {
      // Walking the branches costs a pass over the conversation: only when an estimate is needed.
      promptEstimates ??= cumulativeTokens(conversation)
      const parentId = parentIdAt(conversation.messages, index)
      inputTokens = estimateTokens(conversation.settings?.systemPrompt ?? '') + (parentId === null ? 0 : promptEstimates.get(parentId) ?? 0)
      outputTokens = estimateTokens(message.content)
    }
    const model = message.model ?? ''
    const pricing = prices[model]
    entries.push({
      conversationId: conversation.id,
      conversationTitle: conversation.title,
      messageId: message.id,
      model,
      at: message.timing?.sentAt ?? message.createdAt,
      inputTokens,
      outputTokens,
      costMicros: reportedCostMicros(usage) ?? (pricing ? tokenCostMicros({ input: inputTokens, output: outputTokens }, pricing) : null),
      estimated: !usage || usage.estimated === true,
    })
  })
  return entries
}

/**
 * The usage of one answer, counting only its own conversation (cheap enough
 * for an answer's details); undefined while it streams or when it has none.
 */
export function answerEntry(conversations: readonly Conversation[], messageId: string, prices: PricingTable): UsageEntry | undefined {
  const conversation = conversations.find(c => c.messages.some(m => m.id === messageId))
  return conversation && conversationEntries(conversation, prices).find(e => e.messageId === messageId)
}

/** The parent of `messages[index]`; records from before branching follow the array order (as in thread.ts). */
function parentIdAt(messages: readonly ChatMessageRecord[], index: number): string | null {
  const message = messages[index]!
  return message.parentId !== undefined ? message.parentId : messages[index - 1]?.id ?? null
}

/** For each message, the estimated tokens of it and everything above it in its branch. */
function cumulativeTokens(conversation: Conversation): Map<string, number> {
  const totals = new Map<string, number>()
  // A parent is created before its children, so one pass in array order sees it first.
  conversation.messages.forEach((message, index) => {
    const parentId = parentIdAt(conversation.messages, index)
    const above = parentId === null ? 0 : totals.get(parentId) ?? 0
    totals.set(message.id, above + estimateTokens(message.content))
  })
  return totals
}
