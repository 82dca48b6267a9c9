import { IDBFactory } from 'fake-indexeddb'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { useChatStore } from '../../src/stores/chat'
import 'fake-indexeddb/auto'

// Two Pinias on one IndexedDB and one BroadcastChannel name: two tabs.
async function openTab() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const chat = effectScope().run(() => useChatStore(pinia))!
  await chat.init()
  return chat
}

describe('two tabs', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory()
  })

  it('see the new conversations, renames and deletions of the other', async () => {
    const a = await openTab()
    const b = await openTab()
    const created = a.newConversation()
    a.rename(created.id, '탭 A의 대화')
    await a.flush()
    await vi.waitFor(() => expect(b.conversations.map(c => c.title)).toEqual(['탭 A의 대화']))

    b.rename(created.id, '탭 B가 바꾼 이름')
    await b.flush()
    await vi.waitFor(() => expect(a.conversations[0]!.title).toBe('탭 B가 바꾼 이름'))

    await a.remove(created.id)
    await vi.waitFor(() => expect(b.conversations).toEqual([]))
  })
})
