import type { ChatMessageRecord, Conversation } from '../../src/lib/chat/types'
import { describe, expect, it } from 'vitest'
import { columnStats } from '../../src/lib/compare/column-stats'
import { canCompare, pendingCompare } from '../../src/lib/compare/group'

function m(id: string, fields: Partial<ChatMessageRecord> = {}): ChatMessageRecord {
  return { id, role: 'assistant', content: id, status: 'done', createdAt: 0, ...fields }
}

const question = m('q', { role: 'user', parentId: null, compareModels: ['a', 'b'] })
const answers = [m('a1', { parentId: 'q', requestedModel: 'a' }), m('b1', { parentId: 'q', requestedModel: 'b' })]
const chat = (leafId: string): Conversation => ({ id: 'c', title: '', messages: [question, ...answers], createdAt: 0, updatedAt: 0, leafId })

describe('the compare on screen', () => {
  it('is the compare question at the end of the branch, with its answers', () => {
    expect(pendingCompare(chat('q'))).toEqual({ question, answers })
  })

  it('is gone once an answer is chosen, and never follows an ordinary question', () => {
    expect(pendingCompare(chat('b1'))).toBeNull()
    expect(pendingCompare({ ...chat('q'), messages: [{ ...question, compareModels: undefined }] })).toBeNull()
  })

  it('takes 2 to 4 different models', () => {
    expect(canCompare(['a', 'b'])).toBe(true)
    expect(canCompare(['a', 'b', 'c', 'd'])).toBe(true)
    expect(canCompare(['a'])).toBe(false)
    expect(canCompare(['a', 'b', 'c', 'd', 'e'])).toBe(false)
    expect(canCompare(['a', 'a'])).toBe(false)
    expect(canCompare(['a', ''])).toBe(false)
  })
})

describe('column stats', () => {
  const pricing = { a: { input: 2, output: 8 }, served: { input: 1, output: 1 } }

  it('counts speed up to now while streaming, and prices the estimate', () => {
    // 40 ASCII characters: about 10 tokens in the 2 s since the first one.
    const streaming = m('x', { status: 'streaming', content: 'x'.repeat(40), requestedModel: 'a', timing: { sentAt: 0, firstTokenAt: 500 } })
    const stats = columnStats(streaming, 2500, pricing, 100)
    expect(stats).toMatchObject({ firstTokenMs: 500, tokensPerSecond: 5, completionTokens: 10, estimated: true })
    expect(stats.costMicros).toBe(100 * 2 + 10 * 8)
  })

  it('uses reported usage and the served model\'s price once the answer ends', () => {
    const done = m('x', { model: 'served', requestedModel: 'a', usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 }, timing: { sentAt: 0, firstTokenAt: 250, endedAt: 1250 } })
    expect(columnStats(done, 99_999, pricing, 7)).toMatchObject({ model: 'served', tokensPerSecond: 500, promptTokens: 1000, costMicros: 1500, estimated: false })
  })

  it('has no cost for a failure that produced nothing, or a model without a price', () => {
    expect(columnStats(m('x', { status: 'error', content: '', requestedModel: 'a' }), 0, pricing, 100).costMicros).toBeNull()
    expect(columnStats(m('x', { requestedModel: 'unpriced' }), 0, pricing, 100).costMicros).toBeNull()
  })
})
