import type { Conversation } from '../../src/lib/chat/types'
import { describe, expect, it } from 'vitest'
import { matchesQuery, sortConversations } from '../../src/lib/chat/conversation-list'

function chat(id: string, updatedAt: number, extra: Partial<Conversation> = {}): Conversation {
  return { id, title: id, messages: [], createdAt: 0, updatedAt, ...extra }
}

describe('the conversation list', () => {
  it('puts pinned conversations first, then the most recent', () => {
    const list = [chat('old', 1), chat('new', 3), chat('pinned-old', 0, { pinned: true }), chat('mid', 2)]
    expect(sortConversations(list).map(c => c.id)).toEqual(['pinned-old', 'new', 'mid', 'old'])
    expect(list.map(c => c.id)).toEqual(['old', 'new', 'pinned-old', 'mid'])
  })

  it('searches titles and message text, every word, ignoring case', () => {
    const weather = chat('a', 1, { title: '서울 날씨', messages: [{ id: 'm', role: 'assistant', content: 'Sunny in Seoul', status: 'done', createdAt: 1 }] })
    expect(matchesQuery(weather, '날씨')).toBe(true)
    expect(matchesQuery(weather, 'seoul SUNNY')).toBe(true)
    expect(matchesQuery(weather, 'seoul rain')).toBe(false)
    expect(matchesQuery(weather, '   ')).toBe(true)
  })

  it('finds Hangul typed in decomposed form', () => {
    const korean = chat('k', 1, { title: '한국어 답변' })
    expect(matchesQuery(korean, '한국어'.normalize('NFD'))).toBe(true)
  })
})
