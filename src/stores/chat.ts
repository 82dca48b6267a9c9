import type { StreamState } from '../lib/chat/reducer'
import type { ChatMessageRecord, Conversation } from '../lib/chat/types'
import type { ChatRepository } from '../lib/storage/chat-repository'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, toRaw } from 'vue'
import { toChatError } from '../lib/chat/errors'
import { titleFrom, toRequestMessages } from '../lib/chat/history'
import { reduceChunk } from '../lib/chat/reducer'
import { streamChatCompletion } from '../lib/chat/transport'
import { createChatRepository } from '../lib/storage/chat-repository'
import { openSoriDatabase } from '../lib/storage/db'
import { takeUnsaved, writeUnsaved } from '../lib/storage/unsaved'
import { useSettingsStore } from './settings'

export type StorageState = 'loading' | 'ready' | 'unavailable'

/** Conversations, their messages, and the generations running in them. */
export const useChatStore = defineStore('chat', () => {
  const conversations = ref<Conversation[]>([])
  const activeId = ref<string | null>(null)
  const storage = ref<StorageState>('loading')
  /** Running generations by assistant message id; not state, so not reactive. */
  const running = new Map<string, AbortController>()
  const repository = shallowRef<ChatRepository | null>(null)

  const active = computed(() => conversations.value.find(c => c.id === activeId.value) ?? null)
  const isStreaming = computed(() => active.value?.messages.some(m => m.status === 'streaming') ?? false)

  /**
   * Loads the saved conversations (from IndexedDB unless a repository is
   * given). An answer that was streaming when the page went away is kept,
   * marked interrupted.
   */
  async function init(given?: ChatRepository): Promise<void> {
    try {
      const store = given ?? createChatRepository(await openSoriDatabase(), { onError: () => (storage.value = 'unavailable') })
      const saved = await store.loadAll()
      for (const { conversationId, message } of takeUnsaved(localStorage)) {
        const stored = saved.find(c => c.id === conversationId)?.messages.find(m => m.id === message.id)
        if (stored && message.content.length > stored.content.length) {
          stored.content = message.content
          store.saveMessage(conversationId, stored)
        }
      }
      for (const conversation of saved) {
        for (const message of conversation.messages.filter(m => m.status === 'streaming')) {
          Object.assign(message, { status: 'interrupted', error: { type: 'network', code: 'interrupted', message: 'The page was closed before the answer finished.' } })
          store.saveMessage(conversation.id, message)
        }
      }
      const known = new Set(conversations.value.map(c => c.id))
      conversations.value.push(...saved.filter(c => !known.has(c.id)))
      activeId.value ??= conversations.value[0]?.id ?? null
      repository.value = store
      storage.value = 'ready'
    }
    catch {
      storage.value = 'unavailable'
    }
  }

  /** Writes queued changes now (the page is going away). */
  async function flush(): Promise<void> {
    try {
      await repository.value?.flush()
    }
    catch {
      storage.value = 'unavailable'
    }
  }

  /** The page is going away: keep the answers still streaming synchronously, then write the queue. */
  function saveBeforeUnload(): void {
    const streaming = conversations.value.flatMap(c => c.messages.filter(m => m.status === 'streaming').map(m => ({ conversationId: c.id, message: toRaw(m) })))
    writeUnsaved(localStorage, streaming)
    void flush()
  }

  function save(conversation: Conversation, message?: ChatMessageRecord): void {
    const store = repository.value
    if (!store)
      return
    store.saveConversation(toRaw(conversation))
    if (message)
      store.saveMessage(conversation.id, toRaw(message))
  }

  function newConversation(): Conversation {
    const existing = active.value
    if (existing && existing.messages.length === 0)
      return existing
    const now = Date.now()
    conversations.value.unshift({ id: crypto.randomUUID(), title: '', messages: [], createdAt: now, updatedAt: now })
    const created = conversations.value[0]!
    activeId.value = created.id
    return created
  }

  function select(id: string): void {
    if (conversations.value.some(c => c.id === id))
      activeId.value = id
  }

  /** Sends a question in the active conversation and streams the answer. */
  async function send(text: string): Promise<void> {
    const question = text.trim()
    if (!question || isStreaming.value)
      return
    const conversation = active.value ?? newConversation()
    const model = useSettingsStore().model
    conversation.messages.push(record('user', question, 'done', model))
    conversation.title ||= titleFrom(question)
    save(conversation, conversation.messages.at(-1))
    await generate(conversation, model)
  }

  /** Answers the failed message again, in its place, from the same history. */
  async function retry(messageId: string): Promise<void> {
    const conversation = conversations.value.find(c => c.messages.some(m => m.id === messageId))
    const index = conversation?.messages.findIndex(m => m.id === messageId) ?? -1
    if (!conversation || index < 0 || isStreaming.value)
      return
    const [failed] = conversation.messages.splice(index, 1)
    if (failed)
      await repository.value?.deleteMessage(failed.id)
    await generate(conversation, useSettingsStore().model, index)
  }

  /** Stops the answer streaming in the active conversation; its text so far stays. */
  function stop(): void {
    for (const message of active.value?.messages ?? [])
      running.get(message.id)?.abort()
  }

  /** Streams an answer into position `at`, from the messages before it. */
  async function generate(conversation: Conversation, model: string, at = conversation.messages.length): Promise<void> {
    const settings = useSettingsStore()
    const history = toRequestMessages(conversation.messages.slice(0, at))
    conversation.messages.splice(at, 0, record('assistant', '', 'streaming'))
    // Mutate through the reactive proxy so every token re-renders.
    const answer = conversation.messages[at]!
    save(conversation, answer)
    const controller = new AbortController()
    running.set(answer.id, controller)
    let state: StreamState = { content: '' }
    try {
      const result = await streamChatCompletion({
        baseUrl: settings.relayUrl,
        accessToken: settings.accessToken,
        request: { model, messages: history },
        signal: controller.signal,
        onChunk(chunk) {
          state = reduceChunk(state, chunk)
          answer.content = state.content
          answer.model = state.model
          // Queued and coalesced: a reload mid-answer keeps the text, without a write per token.
          save(conversation, answer)
        },
      })
      answer.status = 'done'
      answer.finishReason = state.finishReason
      answer.usage = state.usage
      if (result === 'aborted')
        answer.stopped = true
    }
    catch (error) {
      answer.status = 'error'
      answer.error = toChatError(error).toJSON()
    }
    finally {
      running.delete(answer.id)
      conversation.updatedAt = Date.now()
      save(conversation, answer)
      await flush()
    }
  }

  return { conversations, activeId, storage, active, isStreaming, init, flush, saveBeforeUnload, newConversation, select, send, retry, stop }
})

function record(role: ChatMessageRecord['role'], content: string, status: ChatMessageRecord['status'], model?: string): ChatMessageRecord {
  return { id: crypto.randomUUID(), role, content, status, createdAt: Date.now(), model }
}
