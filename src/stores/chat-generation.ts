import type { ChatCompletionRequest } from '../../relay/protocol'
import type { ChatMessageRecord, Conversation } from '../lib/chat/types'
import { requestParams } from '../lib/chat/conversation-settings'
import { continuationOf, titleFrom, toRequestMessages } from '../lib/chat/history'
import { historyBefore, newestLeafFrom, threadOf } from '../lib/chat/thread'
import { canCompare, pendingCompare } from '../lib/compare/group'
import { useAnswerStreams } from './answer-streams'
import { useSettingsStore } from './settings'

interface GenerationDeps {
  /** Queues a write of the conversation and, when given, one message. */
  save: (conversation: Conversation, message?: ChatMessageRecord) => void
  flush: () => Promise<void>
  removeMessage: (id: string) => Promise<void>
}

/**
 * Asking, answering and branching, for the chat store. Answers stream into
 * messages mutated through the store's reactive proxies (see answer-streams.ts);
 * writes are queued and coalesced by `save`.
 */
export function useChatGeneration(deps: GenerationDeps) {
  const { save } = deps
  const streams = useAnswerStreams(deps)

  const isBusy = (conversation: Conversation) => conversation.messages.some(m => m.status === 'streaming')
  const leafOf = (conversation: Conversation) => threadOf(conversation).at(-1)?.id ?? null

  /** Sends a question after the branch on screen and streams the answer. */
  async function ask(conversation: Conversation, text: string, parentId = leafOf(conversation)): Promise<void> {
    const asked = question(conversation, text, parentId, {})
    if (asked)
      await answer(conversation, asked.id)
  }

  /** Asks 2 to 4 models the same question at once; each answer is a sibling, streamed in its own column. */
  async function compare(conversation: Conversation, text: string, models: string[]): Promise<void> {
    const asked = canCompare(models) ? question(conversation, text, leafOf(conversation), { compareModels: [...models] }) : null
    if (asked)
      await Promise.all(models.map(model => answer(conversation, asked.id, model)))
  }

  /** Adds a question after `parentId`; null when there is nothing to ask or it must wait. */
  function question(conversation: Conversation, text: string, parentId: string | null, fields: Partial<ChatMessageRecord>): ChatMessageRecord | null {
    const content = text.trim()
    // Following a compare that waits for its chosen answer would ask after a question, with no answer in the history.
    if (!content || isBusy(conversation) || (parentId === leafOf(conversation) && pendingCompare(conversation)))
      return null
    conversation.messages.push(record({ role: 'user', content, status: 'done', model: useSettingsStore().model, parentId, ...fields }))
    const asked = conversation.messages.at(-1)!
    conversation.leafId = asked.id
    conversation.title ||= titleFrom(content)
    save(conversation, asked)
    return asked
  }

  /** "Continue with this answer": a compare answer becomes the next turn; the other columns stay as its versions. */
  function choose(conversation: Conversation, messageId: string): void {
    const chosen = pendingCompare(conversation)?.answers.find(m => m.id === messageId)
    // A failure with no text has nothing to continue from.
    if (!chosen?.content || chosen.status === 'streaming' || isBusy(conversation))
      return
    conversation.leafId = chosen.id
    save(conversation)
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
    await answer(conversation, parentId, failed.requestedModel)
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

  /** Stops the answers streaming in a conversation; their text so far stays, and the relay stops generating. */
  function stop(conversation: Conversation): void {
    for (const message of conversation.messages)
      streams.stop(message)
  }

  /** Answers the question `parentId` with `model` (compare columns, their Retry) or the chosen model. */
  async function answer(conversation: Conversation, parentId: string | null, model?: string): Promise<void> {
    const settings = useSettingsStore()
    // While a compare is on screen, its answers are columns below the question, not the next turn.
    const comparing = pendingCompare(conversation)?.question.id === parentId && parentId !== null
    conversation.messages.push(record({ role: 'assistant', content: '', status: 'streaming', parentId, timing: { sentAt: Date.now() }, ...(comparing ? { requestedModel: model } : {}) }))
    const reply = conversation.messages.at(-1)!
    if (!comparing)
      conversation.leafId = reply.id
    save(conversation, reply)
    if (!model && !settings.model)
      await settings.whenLoaded()
    reply.resume = { key: crypto.randomUUID(), model: model || settings.model, lastEventId: 0 }
    await streams.follow(conversation, reply, requestFor(conversation, parentId, reply.resume.model), { content: '' }, false)
  }

  /**
   * Picks up answers that were streaming when the page went away: the relay
   * replays what came after the last saved event and follows live.
   */
  async function reattach(conversation: Conversation): Promise<void> {
    const pending = conversation.messages.filter(m => m.status === 'streaming' && m.resume && !streams.isFollowing(m.id))
    await Promise.all(pending.map(async (reply) => {
      // Another tab still following it keeps it; this tab sees its text as that tab saves it.
      if (await streams.orphaned(reply))
        await streams.follow(conversation, reply, requestFor(conversation, parentIdOf(conversation, reply), reply.resume!.model), { content: reply.content, model: reply.model }, true)
    }))
  }

  /** Asks the model to finish an interrupted answer; the new text is appended to it. */
  async function continueAnswer(conversation: Conversation, messageId: string): Promise<void> {
    const reply = conversation.messages.find(m => m.id === messageId)
    if (!reply || reply.role !== 'assistant' || reply.status !== 'interrupted' || isBusy(conversation))
      return
    const model = reply.model || useSettingsStore().model
    const request = requestFor(conversation, parentIdOf(conversation, reply), model)
    Object.assign(reply, { status: 'streaming', error: undefined, resume: { key: crypto.randomUUID(), model, lastEventId: 0 } })
    save(conversation, reply)
    await streams.follow(conversation, reply, { ...request, messages: continuationOf(request.messages, reply.content) }, { content: reply.content, model: reply.model }, false)
  }

  function requestFor(conversation: Conversation, parentId: string | null, model: string): ChatCompletionRequest {
    const history = toRequestMessages(historyBefore(conversation, parentId), conversation.settings?.systemPrompt)
    return { model, messages: history, ...requestParams(conversation.settings), stream_options: { include_usage: true } }
  }

  return { feeds: streams.feeds, ask, compare, choose, regenerate, retry, edit, showVersion, stop, stopAnswer: streams.stop, reattach, continueAnswer }
}

function parentIdOf(conversation: Conversation, message: ChatMessageRecord): string | null {
  const thread = threadOf({ ...conversation, leafId: message.id })
  return thread.at(-2)?.id ?? null
}

function record(fields: Omit<ChatMessageRecord, 'id' | 'createdAt'>): ChatMessageRecord {
  return { id: crypto.randomUUID(), createdAt: Date.now(), ...fields }
}
