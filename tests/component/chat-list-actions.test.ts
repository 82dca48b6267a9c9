import { IDBFactory } from 'fake-indexeddb'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { useChatStore } from '../../src/stores/chat'
import 'fake-indexeddb/auto'

async function storeWithChats(...titles: string[]) {
  const chat = useChatStore()
  await chat.init()
  for (const [i, title] of titles.entries()) {
    const created = chat.newConversation()
    created.updatedAt = i + 1
    created.messages.push({ id: `m${i}`, role: 'user', content: `${title} 본문`, status: 'done', createdAt: i })
    chat.rename(created.id, title)
  }
  await chat.flush()
  return chat
}

async function reloaded() {
  setActivePinia(createPinia())
  const chat = useChatStore()
  await chat.init()
  return chat
}

describe('managing conversations', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory()
    setActivePinia(createPinia())
  })

  it('renames, refusing a blank title, and keeps the new title after a reload', async () => {
    const chat = await storeWithChats('first')
    const id = chat.conversations[0]!.id
    chat.rename(id, '  새 이름  ')
    chat.rename(id, '   ')
    expect(chat.conversations[0]!.title).toBe('새 이름')
    await chat.flush()
    expect((await reloaded()).conversations[0]!.title).toBe('새 이름')
  })

  it('pins to the top of the list', async () => {
    const chat = await storeWithChats('a', 'b', 'c')
    const a = chat.conversations.find(c => c.title === 'a')!
    chat.togglePin(a.id)
    expect(chat.visibleConversations.map(c => c.title)).toEqual(['a', 'c', 'b'])
  })

  it('deletes with undo, and the undone conversation survives a reload', async () => {
    const chat = await storeWithChats('keep', 'drop')
    const drop = chat.conversations.find(c => c.title === 'drop')!
    chat.select(drop.id)
    await chat.remove(drop.id)
    expect(chat.conversations.map(c => c.title)).toEqual(['keep'])
    expect(chat.active?.title).toBe('keep')
    expect((await reloaded()).conversations.map(c => c.title)).toEqual(['keep'])

    globalThis.indexedDB = new IDBFactory()
    setActivePinia(createPinia())
    const again = await storeWithChats('keep2', 'drop2')
    const target = again.conversations.find(c => c.title === 'drop2')!
    again.select(target.id)
    await again.remove(target.id)
    await again.undoRemove()
    expect(again.active?.title).toBe('drop2')
    expect(again.active?.messages[0]?.content).toBe('drop2 본문')
    expect((await reloaded()).conversations.map(c => c.title).sort()).toEqual(['drop2', 'keep2'])
  })

  it('filters the visible list by the search query', async () => {
    const chat = await storeWithChats('서울 날씨', 'recipe', 'weather')
    chat.query = '본문 날씨'
    expect(chat.visibleConversations.map(c => c.title)).toEqual(['서울 날씨'])
    chat.query = ''
    expect(chat.visibleConversations).toHaveLength(3)
  })
})
