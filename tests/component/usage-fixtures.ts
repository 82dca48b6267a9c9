import type { ModelInfo } from '../../relay/protocol'
import type { Conversation } from '../../src/lib/chat/types'
import { conversation, message } from './mount'

/** A model at $1 per 1M tokens both ways: a token costs one micro-dollar. */
export const PRICED_MODELS: ModelInfo[] = [{ id: 'gpt-4.1', object: 'model', created: 0, owned_by: 'test', pricing: { input: 1, output: 1 } }]

/** A conversation of one question and an answer that cost `usd` (reported usage) at `at`. */
export function spentConversation(title: string, usd: number, at = Date.now()): Conversation {
  const tokens = Math.round(usd * 1_000_000)
  return conversation({
    title,
    messages: [
      message({ role: 'user', content: 'q', createdAt: at }),
      message({ role: 'assistant', content: 'a', model: 'gpt-4.1', createdAt: at, usage: { prompt_tokens: tokens - 100, completion_tokens: 100, total_tokens: tokens } }),
    ],
  })
}

/** Store state: these conversations, the priced model list and, when given, a monthly budget. */
export function usageState(conversations: Conversation[], budgetUsd: number | null = null) {
  return {
    chat: { conversations, activeId: conversations[0]?.id ?? null },
    settings: { models: PRICED_MODELS, model: 'gpt-4.1' },
    usage: { budgetUsd },
  }
}
