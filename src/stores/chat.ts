import type { StreamState } from '../lib/chat/reducer'
import type { ChatMessageRecord, Conversation } from '../lib/chat/types'
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { toChatError } from '../lib/chat/errors'
import { titleFrom, toRequestMessages } from '../lib/chat/history'
import { reduceChunk } from '../lib/chat/reducer'
import { streamChatCompletion } from '../lib/chat/transport'
import { useSettingsStore } from './settings'

/** Conversations, their messages, and the generations running in them. */
export const useChatStore = defineStore('chat', () => {
  const conversations = ref<Conversation[]>([])
  const activeId = ref<string | null>(null)
  /** Running generations by assistant message id; not state, so not reactive. */
  const running = new Map<string, AbortController>()

  const active = computed(() => conversations.value.find(c => c.id === activeId.value) ?? null)
  const isStreaming = computed(() => active.value?.messages.some(m => m.status === 'streaming') ?? false)

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
    await generate(conversation, model)
  }

  /** Answers the failed message again, in its place, from the same history. */
  async function retry(messageId: string): Promise<void> {
    const conversation = conversations.value.find(c => c.messages.some(m => m.id === messageId))
    const index = conversation?.messages.findIndex(m => m.id === messageId) ?? -1
    if (!conversation || index < 0 || isStreaming.value)
      return
    conversation.messages.splice(index, 1)
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
    }
  }

  return { conversations, activeId, active, isStreaming, newConversation, select, send, retry, stop }
})

function record(role: ChatMessageRecord['role'], content: string, status: ChatMessageRecord['status'], model?: string): ChatMessageRecord {
  return { id: crypto.randomUUID(), role, content, status, createdAt: Date.now(), model }
}
