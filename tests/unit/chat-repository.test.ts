import type { ChatMessageRecord, Conversation } from '../../src/lib/chat/types'
import { IDBFactory } from 'fake-indexeddb'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createChatRepository } from '../../src/lib/storage/chat-repository'
import { openSoriDatabase } from '../../src/lib/storage/db'
import 'fake-indexeddb/auto'

function message(id: string, content: string, createdAt: number, role: ChatMessageRecord['role'] = 'user'): ChatMessageRecord {
  return { id, role, content, status: 'done', createdAt }
}

function conversation(id: string, updatedAt: number, messages: ChatMessageRecord[] = []): Conversation {
  return { id, title: `title ${id}`, messages, createdAt: 1, updatedAt }
}

describe('the chat repository', () => {
  beforeEach(() => {
    // A fresh, empty IndexedDB for every test.
    globalThis.indexedDB = new IDBFactory()
  })

  it('keeps conversations and their messages across a reopen, newest first', async () => {
    const first = createChatRepository(await openSoriDatabase())
    const older = conversation('a', 10, [message('a1', '안녕', 1), message('a2', '반가워요', 2, 'assistant')])
    const newer = conversation('b', 20, [message('b1', 'hello', 3)])
    for (const c of [older, newer]) {
      first.saveConversation(c)
      for (const m of c.messages)
        first.saveMessage(c.id, m)
    }
    await first.flush()

    const reopened = createChatRepository(await openSoriDatabase())
    expect(await reopened.loadAll()).toEqual([newer, older])
  })

  it('writes a message that changed many times once, with its latest text', async () => {
    const db = await openSoriDatabase()
    const put = vi.spyOn(IDBObjectStore.prototype, 'put')
    const repository = createChatRepository(db, { flushDelayMs: 10_000 })
    const answer = message('m', '', 1, 'assistant')
    const chat = conversation('c', 1, [answer])
    repository.saveConversation(chat)
    for (const token of ['한', '국', '어', ' 답', '변'.repeat(200)]) {
      answer.content += token
      repository.saveMessage(chat.id, answer)
    }
    await repository.flush()
    expect(put).toHaveBeenCalledTimes(2)
    expect((await repository.loadAll())[0]!.messages[0]!.content).toBe(`한국어 답${'변'.repeat(200)}`)
    put.mockRestore()
  })

  it('flushes on its own after the delay', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const repository = createChatRepository(await openSoriDatabase(), { flushDelayMs: 250 })
      repository.saveConversation(conversation('d', 1))
      expect(await repository.loadAll()).toEqual([])
      await vi.advanceTimersByTimeAsync(250)
      await vi.waitFor(async () => expect(await repository.loadAll()).toHaveLength(1))
    }
    finally {
      vi.useRealTimers()
    }
  })

  it('keeps the order of messages even when they share a timestamp', async () => {
    const repository = createChatRepository(await openSoriDatabase())
    const chat = conversation('o', 1, ['z', 'a', 'm', 'b'].map(id => message(id, id, 5)))
    repository.saveConversation(chat)
    chat.messages.forEach(m => repository.saveMessage(chat.id, m))
    await repository.flush()
    expect((await repository.loadAll())[0]!.messages.map(m => m.id)).toEqual(['z', 'a', 'm', 'b'])
  })

  it('deletes a conversation with all its messages, and a single message', async () => {
    const repository = createChatRepository(await openSoriDatabase())
    const keep = conversation('keep', 1, [message('k1', 'stay', 1)])
    const drop = conversation('drop', 2, [message('d1', 'go', 1), message('d2', 'go too', 2)])
    for (const c of [keep, drop]) {
      repository.saveConversation(c)
      c.messages.forEach(m => repository.saveMessage(c.id, m))
    }
    await repository.flush()
    await repository.deleteConversation('drop')
    await repository.deleteMessage('k1')
    expect(await repository.loadAll()).toEqual([{ ...keep, messages: [] }])
  })

  it('does not resurrect a deleted conversation from writes still queued', async () => {
    const repository = createChatRepository(await openSoriDatabase(), { flushDelayMs: 10_000 })
    const chat = conversation('x', 1, [message('x1', 'queued', 1)])
    repository.saveConversation(chat)
    repository.saveMessage(chat.id, chat.messages[0]!)
    await repository.deleteConversation('x')
    await repository.flush()
    expect(await repository.loadAll()).toEqual([])
  })
})
