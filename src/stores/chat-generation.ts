import type { StreamState } from '../lib/chat/reducer'
import type { ChatMessageRecord, Conversation } from '../lib/chat/types'
import { requestParams } from '../lib/chat/conversation-settings'
import { toChatError } from '../lib/chat/errors'
import { titleFrom, toRequestMessages } from '../lib/chat/history'
import { reduceChunk } from '../lib/chat/reducer'
import { historyBefore, newestLeafFrom, threadOf } from '../lib/chat/thread'
import { streamChatCompletion } from '../lib/chat/transport'
import { useSettingsStore } from './settings'

interface GenerationDeps {
  /** Queues a write of the conversation and, when given, one message. */
  save: (conversation: Conversation, message?: ChatMessageRecord) => void
  flush: () => Promise<void>
  removeMessage: (id: string) => Promise<void>
}

/**
 * Asking, answering and branching, for the chat store. Answers stream into
 * messages mutated through the store's reactive proxies, so every token
 * re-renders; writes are queued and coalesced by `save`.
 */
export function useChatGeneration(deps: GenerationDeps) {
  const { save, flush } = deps
  /** Running generations by assistant message id; not state, so not reactive. */
  const running = new Map<string, AbortController>()

  const isBusy = (conversation: Conversation) => conversation.messages.some(m => m.status === 'streaming')
  const leafOf = (conversation: Conversation) => threadOf(conversation).at(-1)?.id ?? null

  /** Sends a question after the branch on screen and streams the answer. */
  async function ask(conversation: Conversation, text: string, parentId = leafOf(conversation)): Promise<void> {
    const question = text.trim()
    if (!question || isBusy(conversation))
      return
    const model = useSettingsStore().model
    conversation.messages.push(record({ role: 'user', content: question, status: 'done', model, parentId }))
    const asked = conversation.messages.at(-1)!
    conversation.leafId = asked.id
    conversation.title ||= titleFrom(question)
    save(conversation, asked)
    await answer(conversation, asked.id)
  }

  /** A new version of an answer, from the same question; the earlier one stays as a sibling. */
  async function regenerate(conversation: Conversation, messageId: string): Promise<void> {
    const message = conversation.messages.find(m => m.id === messageId)
    if (!message || message.role !== 'assistant' || isBusy(conversation))
      return
    await answer(conversation, parentIdOf(conversation, message))
  }

  /** Answers a failed message again: the failure is replaced, not kept as a version. */
  async function retry(conversation: Conversation, messageId: string): Promise<void> {
    const index = conversation.messages.findIndex(m => m.id === messageId)
    const failed = conversation.messages[index]
    if (!failed || isBusy(conversation))
      return
    const parentId = parentIdOf(conversation, failed)
    conversation.messages.splice(index, 1)
    await deps.removeMessage(failed.id)
    await answer(conversation, parentId)
  }

  /** Asks an edited question as a new branch; the original and its answers stay reachable. */
  async function edit(conversation: Conversation, messageId: string, text: string): Promise<void> {
    const original = conversation.messages.find(m => m.id === messageId)
    if (!original || original.role !== 'user' || !text.trim() || text.trim() === original.content)
      return
    await ask(conversation, text, parentIdOf(conversation, original))
  }

  /** Shows another version of a message (and the newest branch below it). */
  function showVersion(conversation: Conversation, messageId: string): void {
    if (!conversation.messages.some(m => m.id === messageId) || isBusy(conversation))
      return
    conversation.leafId = newestLeafFrom(conversation, messageId)
    save(conversation)
  }

  /** Stops the answers streaming in a conversation; their text so far stays. */
  function stop(conversation: Conversation): void {
    for (const message of conversation.messages)
      running.get(message.id)?.abort()
  }

  async function answer(conversation: Conversation, parentId: string | null): Promise<void> {
    const settings = useSettingsStore()
    const history = toRequestMessages(historyBefore(conversation, parentId), conversation.settings?.systemPrompt)
    conversation.messages.push(record({ role: 'assistant', content: '', status: 'streaming', parentId, timing: { sentAt: Date.now() } }))
    const reply = conversation.messages.at(-1)!
    conversation.leafId = reply.id
    save(conversation, reply)
    const controller = new AbortController()
    running.set(reply.id, controller)
    let state: StreamState = { content: '' }
    try {
      if (!settings.model)
        await settings.whenLoaded()
      const result = await streamChatCompletion({
        baseUrl: settings.relayUrl,
        accessToken: settings.accessToken,
        request: { model: settings.model, messages: history, ...requestParams(conversation.settings), stream_options: { include_usage: true } },
        signal: controller.signal,
        onChunk(chunk) {
          state = reduceChunk(state, chunk)
          if (state.content && !reply.timing?.firstTokenAt)
            reply.timing = { ...reply.timing!, firstTokenAt: Date.now() }
          reply.content = state.content
          reply.model = state.model
          save(conversation, reply)
        },
      })
      reply.status = 'done'
      if (result === 'aborted')
        reply.stopped = true
    }
    catch (error) {
      reply.status = 'error'
      reply.error = toChatError(error).toJSON()
    }
    finally {
      running.delete(reply.id)
      reply.finishReason = state.finishReason
      reply.usage = state.usage
      reply.timing = { ...reply.timing!, endedAt: Date.now() }
      conversation.updatedAt = Date.now()
      save(conversation, reply)
      await flush()
    }
  }

  return { ask, regenerate, retry, edit, showVersion, stop }
}

function parentIdOf(conversation: Conversation, message: ChatMessageRecord): string | null {
  const thread = threadOf({ ...conversation, leafId: message.id })
  return thread.at(-2)?.id ?? null
}

function record(fields: Omit<ChatMessageRecord, 'id' | 'createdAt'>): ChatMessageRecord {
  return { id: crypto.randomUUID(), createdAt: Date.now(), ...fields }
}
