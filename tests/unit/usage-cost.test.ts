import type { ChatMessageRecord, Conversation } from '../../src/lib/chat/types'
import { describe, expect, it } from 'vitest'
import { formatUsd, pricingTable, reportedCostMicros, tokenCostMicros } from '../../src/lib/usage/cost'
import { microsToDecimal } from '../../src/lib/usage/csv'
import { conversationEntries, usageEntries } from '../../src/lib/usage/entries'
import { sumEntries } from '../../src/lib/usage/totals'

const PRICES = { 'deepseek-v3.2': { input: 0.42, output: 0.42 }, 'gpt-4.1': { input: 2, output: 8 } }

function chat(id: string, messages: ChatMessageRecord[], extra: Partial<Conversation> = {}): Conversation {
  return { id, title: `chat ${id}`, messages, createdAt: 0, updatedAt: 0, ...extra }
}

function question(id: string, content: string, parentId?: string | null): ChatMessageRecord {
  return { id, role: 'user', content, status: 'done', createdAt: 1, ...(parentId !== undefined ? { parentId } : {}) }
}

function answer(id: string, fields: Partial<ChatMessageRecord> = {}): ChatMessageRecord {
  return { id, role: 'assistant', content: 'answer', status: 'done', createdAt: 2, model: 'deepseek-v3.2', ...fields }
}

const usage = (prompt: number, completion: number) => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion })

describe('the cost of answers', () => {
  it('1,000 chats of 500 input and 300 output tokens on a model at $0.42 per 1M tokens both ways cost $0.336', () => {
    const chats = Array.from({ length: 1000 }, (_, i) => chat(`c${i}`, [question(`q${i}`, 'hi'), answer(`a${i}`, { usage: usage(500, 300) })]))
    const totals = sumEntries(usageEntries(chats, PRICES))
    expect(totals.costMicros).toBe(336_000)
    expect(microsToDecimal(totals.costMicros)).toBe('0.336000')
    expect(formatUsd(totals.costMicros, 'en')).toBe('$0.336')
    expect(totals).toMatchObject({ answers: 1000, inputTokens: 500_000, outputTokens: 300_000, estimated: 0, unpriced: 0 })
  })

  it('adds whole micro-dollars, so a million tiny answers do not drift', () => {
    // 0.1 + 0.2 style drift would show in the last digit of a float sum.
    expect(tokenCostMicros({ input: 1, output: 0 }, { input: 0.1, output: 0 })).toBe(0)
    expect(tokenCostMicros({ input: 3, output: 7 }, { input: 0.1, output: 0.2 })).toBe(2)
    const each = tokenCostMicros({ input: 700, output: 300 }, { input: 0.1, output: 0.2 })
    expect(each).toBe(130)
    expect(each * 1_000_000).toBe(130_000_000)
  })

  it('prefers the cost the relay reported over the price list', () => {
    const entries = conversationEntries(chat('c', [question('q', 'hi'), answer('a', { usage: { ...usage(500, 300), costUsd: 0.5 } as ChatMessageRecord['usage'] })]), PRICES)
    expect(entries[0]?.costMicros).toBe(500_000)
    expect(reportedCostMicros({ ...usage(1, 1), costUsd: 'a lot' })).toBeUndefined()
    expect(reportedCostMicros({ ...usage(1, 1), costUsd: -1 })).toBeUndefined()
  })

  it('has no cost for a model without a price, and says so in the totals', () => {
    const entries = conversationEntries(chat('c', [question('q', 'hi'), answer('a', { model: 'demo', usage: usage(10, 10) })]), PRICES)
    expect(entries[0]?.costMicros).toBeNull()
    expect(sumEntries(entries)).toMatchObject({ costMicros: 0, unpriced: 1, inputTokens: 10 })
  })

  it('estimates tokens, labelled, when the upstream reported no usage', () => {
    const conversation = chat('c', [
      question('q1', 'abcdefgh'), // 2 tokens
      answer('a1', { content: '안녕하세요', model: 'gpt-4.1' }), // 5 tokens
      question('q2', 'abcd'), // 1 token
      answer('a2', { content: 'abcdefgh', model: 'gpt-4.1' }),
    ], { settings: { systemPrompt: 'abcdefghijkl' } }) // 3 tokens
    const [first, second] = conversationEntries(conversation, PRICES)
    expect(first).toMatchObject({ inputTokens: 3 + 2, outputTokens: 5, estimated: true, costMicros: 5 * 2 + 5 * 8 })
    expect(second).toMatchObject({ inputTokens: 3 + 2 + 5 + 1, outputTokens: 2, estimated: true })
  })

  it('estimates the prompt from the branch the answer followed, not from other versions', () => {
    const conversation = chat('c', [
      question('q1', 'a'.repeat(40), null), // 10 tokens
      answer('a1', { content: 'b'.repeat(400), parentId: 'q1' }), // 100 tokens, a version not followed
      answer('a2', { content: 'c'.repeat(4), parentId: 'q1' }), // 1 token
      question('q2', 'd'.repeat(8), 'a2'), // 2 tokens
      answer('a3', { content: 'e'.repeat(4), parentId: 'q2' }),
    ])
    const byId = new Map(conversationEntries(conversation, PRICES).map(e => [e.messageId, e]))
    expect(byId.get('a1')?.inputTokens).toBe(10)
    expect(byId.get('a3')?.inputTokens).toBe(10 + 1 + 2)
  })

  it('counts every version and partial answers, but not answers still streaming or failures with nothing', () => {
    const conversation = chat('c', [
      question('q', 'hi'),
      answer('a1', { usage: usage(10, 5) }),
      answer('a2', { status: 'interrupted', content: 'half an ans' }),
      answer('a3', { status: 'error', content: '' }),
      answer('a4', { status: 'streaming', content: 'still going' }),
    ])
    expect(conversationEntries(conversation, PRICES).map(e => e.messageId)).toEqual(['a1', 'a2'])
  })

  it('reads prices from the model list, skipping models without a usable one', () => {
    expect(pricingTable([
      { id: 'gpt-4.1', pricing: { input: 2, output: 8 } },
      { id: 'demo' },
      { id: 'broken', pricing: { input: -1, output: 2 } },
    ])).toEqual({ 'gpt-4.1': { input: 2, output: 8 } })
  })

  it('shows money in the reader\'s locale, keeping sub-cent amounts readable', () => {
    expect(formatUsd(12_345_678, 'en')).toBe('$12.35')
    expect(formatUsd(1_234, 'en')).toBe('$0.0012')
    expect(formatUsd(0, 'en')).toBe('$0.00')
    expect(formatUsd(12_345_678, 'ko')).toBe('US$12.35')
  })
})
