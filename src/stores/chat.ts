import type { StreamState } from '../lib/chat/reducer'
import type { ChatMessageRecord, Conversation } from '../lib/chat/types'
import type { ChatRepository } from '../lib/storage/chat-repository'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { useChatStorage } from '../composables/useChatStorage'
import { matchesQuery, sortConversations } from '../lib/chat/conversation-list'
import { toChatError } from '../lib/chat/errors'
import { titleFrom, toRequestMessages } from '../lib/chat/history'
import { reduceChunk } from '../lib/chat/reducer'
import { streamChatCompletion } from '../lib/chat/transport'
import { useSettingsStore } from './settings'

/** Conversations, their messages, and the generations running in them. */
export const useChatStore = defineStore('chat', () => {
  const conversations = ref<Conversation[]>([])
  const activeId = ref<string | null>(null)
  /** Text searched for in titles and messages. */
  const query = ref('')
  const persistence = useChatStorage(conversations)
  const save = persistence.save
  /** Running generations by assistant message id; not state, so not reactive. */
  const running = new Map<string, AbortController>()
  /** The last deleted conversation, for Undo. */
  const removed = shallowRef<{ conversation: Conversation, wasActive: boolean } | null>(null)

  const active = computed(() => conversations.value.find(c => c.id === activeId.value) ?? null)
  const visibleConversations = computed(() => sortConversations(conversations.value.filter(c => matchesQuery(c, query.value))))
  const isStreaming = computed(() => active.value?.messages.some(m => m.status === 'streaming') ?? false)

  /** Loads the saved conversations and opens the most recent one. */
  async function init(repository?: ChatRepository): Promise<void> {
    await persistence.load(repository)
    activeId.value ??= sortConversations(conversations.value)[0]?.id ?? null
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

  function find(id: string): Conversation | undefined {
    return conversations.value.find(c => c.id === id)
  }

  /** Renames a conversation; a blank title is refused and changes nothing. */
  function rename(id: string, title: string): void {
    const conversation = find(id)
    if (!conversation || !title.trim())
      return
    conversation.title = title.trim().slice(0, 200)
    save(conversation)
  }

  function togglePin(id: string): void {
    const conversation = find(id)
    if (!conversation)
      return
    conversation.pinned = !conversation.pinned
    save(conversation)
  }

  /** Deletes a conversation (stopping its answer); {@link undoRemove} brings it back. */
  async function remove(id: string): Promise<void> {
    const index = conversations.value.findIndex(c => c.id === id)
    const conversation = conversations.value[index]
    if (!conversation)
      return
    for (const message of conversation.messages)
      running.get(message.id)?.abort()
    conversations.value.splice(index, 1)
    const wasActive = activeId.value === id
    if (wasActive)
      activeId.value = visibleConversations.value[0]?.id ?? null
    removed.value = { conversation, wasActive }
    await persistence.removeConversation(id)
  }

  async function undoRemove(): Promise<void> {
    const last = removed.value
    if (!last)
      return
    removed.value = null
    conversations.value.push(last.conversation)
    const restored = conversations.value.at(-1)!
    for (const message of restored.messages)
      save(restored, message)
    if (last.wasActive)
      activeId.value = restored.id
    await persistence.flush()
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
      await persistence.removeMessage(failed.id)
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
      await persistence.flush()
    }
  }

  return {
    conversations,
    activeId,
    query,
    removed,
    storage: persistence.state,
    active,
    visibleConversations,
    isStreaming,
    init,
    flush: persistence.flush,
    saveBeforeUnload: persistence.saveBeforeUnload,
    newConversation,
    select,
    rename,
    togglePin,
    remove,
    undoRemove,
    send,
    retry,
    stop,
  }
})

function record(role: ChatMessageRecord['role'], content: string, status: ChatMessageRecord['status'], model?: string): ChatMessageRecord {
  return { id: crypto.randomUUID(), role, content, status, createdAt: Date.now(), model }
}
