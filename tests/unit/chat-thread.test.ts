import type { ChatMessageRecord, Conversation } from '../../src/lib/chat/types'
import { describe, expect, it } from 'vitest'
import { answerStats } from '../../src/lib/chat/answer-stats'
import { historyBefore, newestLeafFrom, threadOf, versionsOf } from '../../src/lib/chat/thread'

function m(id: string, parentId: string | null | undefined, role: ChatMessageRecord['role'] = 'user'): ChatMessageRecord {
  return { id, role, content: id, status: 'done', createdAt: 0, ...(parentId === undefined ? {} : { parentId }) }
}

function chat(messages: ChatMessageRecord[], leafId?: string): Conversation {
  return { id: 'c', title: '', messages, createdAt: 0, updatedAt: 0, leafId }
}

// q1 ─ a1
//    └ a1b ─ q2 ─ a2
//          └ q2b ─ a2b
const tree = [
  m('q1', null),
  m('a1', 'q1', 'assistant'),
  m('a1b', 'q1', 'assistant'),
  m('q2', 'a1b'),
  m('a2', 'q2', 'assistant'),
  m('q2b', 'a1b'),
  m('a2b', 'q2b', 'assistant'),
]
const ids = (list: ChatMessageRecord[]) => list.map(x => x.id)

describe('conversation threads', () => {
  it('shows the branch that ends at the leaf', () => {
    expect(ids(threadOf(chat(tree, 'a2')))).toEqual(['q1', 'a1b', 'q2', 'a2'])
    expect(ids(threadOf(chat(tree, 'a1')))).toEqual(['q1', 'a1'])
    expect(ids(threadOf(chat(tree)))).toEqual(['q1', 'a1b', 'q2b', 'a2b'])
  })

  it('reads records saved before branching as one line', () => {
    const legacy = [m('x', undefined), m('y', undefined, 'assistant'), m('z', undefined)]
    expect(ids(threadOf(chat(legacy)))).toEqual(['x', 'y', 'z'])
    expect(ids(versionsOf(chat(legacy), 'y'))).toEqual(['y'])
  })

  it('lists the versions of a message, oldest first', () => {
    expect(ids(versionsOf(chat(tree), 'a1b'))).toEqual(['a1', 'a1b'])
    expect(ids(versionsOf(chat(tree), 'q2b'))).toEqual(['q2', 'q2b'])
    expect(ids(versionsOf(chat(tree), 'q1'))).toEqual(['q1'])
  })

  it('follows the newest child down from a version', () => {
    expect(newestLeafFrom(chat(tree), 'a1b')).toBe('a2b')
    expect(newestLeafFrom(chat(tree), 'q2')).toBe('a2')
    expect(newestLeafFrom(chat(tree), 'a1')).toBe('a1')
  })

  it('gives the history a new answer is based on', () => {
    expect(ids(historyBefore(chat(tree), 'q2'))).toEqual(['q1', 'a1b', 'q2'])
    expect(historyBefore(chat(tree), null)).toEqual([])
  })

  it('survives a cycle in corrupted data', () => {
    expect(ids(threadOf(chat([m('p', 'q'), m('q', 'p')], 'q')))).toEqual(['p', 'q'])
  })
})

describe('answer details', () => {
  it('computes time to first token and speed from the timing and the usage', () => {
    const answer: ChatMessageRecord = {
      ...m('a', 'q', 'assistant'),
      model: 'gpt-4.1',
      timing: { sentAt: 1000, firstTokenAt: 1400, endedAt: 3400 },
      usage: { prompt_tokens: 12, completion_tokens: 100, total_tokens: 112 },
    }
    expect(answerStats(answer)).toEqual({ model: 'gpt-4.1', firstTokenMs: 400, tokensPerSecond: 50, promptTokens: 12, completionTokens: 100, estimated: false })
  })

  it('estimates tokens when the relay reported no usage', () => {
    const answer: ChatMessageRecord = { ...m('a', 'q', 'assistant'), content: '안녕하세요 hello', timing: { sentAt: 0, firstTokenAt: 100, endedAt: 1100 } }
    expect(answerStats(answer)).toMatchObject({ completionTokens: 7, estimated: true, tokensPerSecond: 7 })
  })
})
