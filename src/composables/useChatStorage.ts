import type { Ref } from 'vue'
import type { ChatMessageRecord, Conversation } from '../lib/chat/types'
import type { ChatRepository } from '../lib/storage/chat-repository'
import type { StorageHealth } from '../lib/storage/quota'
import { onScopeDispose, ref, shallowRef, toRaw } from 'vue'
import { interruptedError } from '../lib/chat/errors'
import { createChatRepository } from '../lib/storage/chat-repository'
import { openSoriDatabase } from '../lib/storage/db'
import { checkStorage } from '../lib/storage/quota'
import { mergeUnsaved, takeUnsaved, writeUnsaved } from '../lib/storage/unsaved'

export type StorageState = 'loading' | 'ready' | 'unavailable'

/**
 * Keeps `conversations` in IndexedDB. Nothing is written until `load()` has
 * run; without IndexedDB (private mode, blocked storage) the chat still works
 * in memory and `state` says so.
 */
export function useChatStorage(conversations: Ref<Conversation[]>) {
  const state = ref<StorageState>('loading')
  /** Set once the quota is known; `nearlyFull` warns before writes start failing. */
  const health = shallowRef<StorageHealth | null>(null)
  const repository = shallowRef<ChatRepository | null>(null)
  const unavailable = () => {
    state.value = 'unavailable'
  }
  const tabs = useOtherTabs(conversations, repository)

  /**
   * Loads the saved conversations (from IndexedDB unless a repository is
   * given) after any already in memory. An answer that was streaming when the
   * page went away stays streaming when the relay can resume it (the store
   * re-attaches it), and is otherwise kept, marked interrupted.
   */
  async function load(given?: ChatRepository): Promise<void> {
    try {
      const store = given ?? createChatRepository(await openSoriDatabase(), { onError: unavailable, onWritten: tabs.announceChanged })
      const saved = await store.loadAll()
      for (const unsaved of takeUnsaved(localStorage)) {
        const merged = mergeUnsaved(saved, unsaved)
        store.saveConversation(merged)
        merged.messages.forEach(m => store.saveMessage(merged.id, m))
      }
      for (const conversation of saved) {
        for (const message of conversation.messages.filter(m => m.status === 'streaming' && !m.resume)) {
          Object.assign(message, { status: 'interrupted', error: interruptedError('The page was closed before the answer finished.') })
          store.saveMessage(conversation.id, message)
        }
      }
      const known = new Set(conversations.value.map(c => c.id))
      conversations.value.push(...saved.filter(c => !known.has(c.id)))
      repository.value = store
      state.value = 'ready'
      void checkHealth()
    }
    catch {
      unavailable()
    }
  }

  /** Queues a write of the conversation and, when given, one of its messages. */
  function save(conversation: Conversation, message?: ChatMessageRecord): void {
    repository.value?.saveConversation(toRaw(conversation))
    if (message)
      repository.value?.saveMessage(conversation.id, toRaw(message))
  }

  let checkedAt = 0
  async function checkHealth(): Promise<void> {
    checkedAt = Date.now()
    health.value = await checkStorage(globalThis.navigator?.storage).catch(() => null)
  }

  /** Writes queued changes now. */
  async function flush(): Promise<void> {
    await repository.value?.flush().catch(unavailable)
    // Chats grow; look at the quota again now and then, not on every write.
    if (repository.value && Date.now() - checkedAt > 60_000)
      void checkHealth()
  }

  /** The page is going away: keep the answers still streaming synchronously, then write the queue. */
  function saveBeforeUnload(): void {
    writeUnsaved(localStorage, conversations.value.filter(c => c.messages.some(m => m.status === 'streaming')).map(c => toRaw(c)))
    void flush()
  }

  async function removeMessage(id: string): Promise<void> {
    await repository.value?.deleteMessage(id).catch(unavailable)
  }

  async function removeConversation(id: string): Promise<void> {
    await repository.value?.deleteConversation(id).catch(unavailable)
    tabs.announceDeleted(id)
  }

  return { state, health, load, save, flush, saveBeforeUnload, removeMessage, removeConversation, checkHealth }
}

const CHANNEL = 'sori-chats'
type TabMessage = { type: 'changed', ids: string[] } | { type: 'deleted', id: string }

/**
 * Keeps two tabs on Sori consistent: each write is announced on a
 * BroadcastChannel, and the other tabs reload those conversations from
 * IndexedDB, unless they are streaming an answer in it themselves.
 */
function useOtherTabs(conversations: Ref<Conversation[]>, repository: Ref<ChatRepository | null>) {
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null
  // Answers streaming in another tab: shown here as they are saved there, never overwritten by this tab.
  const streamingElsewhere = new Set<string>()
  const busyHere = (c: Conversation) => c.messages.some(m => m.status === 'streaming' && !streamingElsewhere.has(m.id))

  channel?.addEventListener('message', async (event: MessageEvent<TabMessage>) => {
    const message = event.data
    if (message.type === 'deleted') {
      const index = conversations.value.findIndex(c => c.id === message.id)
      if (index >= 0 && !busyHere(conversations.value[index]!))
        conversations.value.splice(index, 1)
      return
    }
    for (const id of message.ids) {
      const fresh = await repository.value?.load(id)
      if (!fresh)
        continue
      for (const m of fresh.messages) {
        if (m.status === 'streaming')
          streamingElsewhere.add(m.id)
      }
      const index = conversations.value.findIndex(c => c.id === id)
      if (index < 0)
        conversations.value.push(fresh)
      else if (!busyHere(conversations.value[index]!))
        conversations.value.splice(index, 1, fresh)
    }
  })
  onScopeDispose(() => channel?.close())

  return {
    announceChanged: (ids: string[]) => channel?.postMessage({ type: 'changed', ids } satisfies TabMessage),
    announceDeleted: (id: string) => channel?.postMessage({ type: 'deleted', id } satisfies TabMessage),
  }
}
