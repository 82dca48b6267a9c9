import type { ChatCompletionRequest } from '../../relay/protocol'
import type { StreamState } from '../lib/chat/reducer'
import type { TextFeed } from '../lib/chat/text-feed'
import type { ChatMessageRecord, Conversation } from '../lib/chat/types'
import { shallowReactive } from 'vue'
import { toChatError } from '../lib/chat/errors'
import { endsAsInterrupted } from '../lib/chat/reconnect'
import { contentDelta, reduceChunk } from '../lib/chat/reducer'
import { createTextFeed } from '../lib/chat/text-feed'
import { cancelStream, streamChatCompletion } from '../lib/chat/transport'
import { useSettingsStore } from './settings'

/** The Web Lock a tab holds while it follows an answer. */
const lockName = (messageId: string) => `sori-answer:${messageId}`

interface AnswerStreamsDeps {
  /** Queues a write of the conversation and, when given, one message. */
  save: (conversation: Conversation, message?: ChatMessageRecord) => void
  flush: () => Promise<void>
}

/**
 * The answers this tab is streaming, for the chat store: each one's connection,
 * its text feed and the Web Lock that tells other tabs it is followed. An
 * answer streams into its message record, which is saved as it grows.
 */
export function useAnswerStreams(deps: AnswerStreamsDeps) {
  const { save, flush } = deps
  /** Running generations by assistant message id; not state, so not reactive. */
  const running = new Map<string, AbortController>()
  /** The text of each answer streaming in this tab, for renderers that read only what is new (see text-feed.ts). */
  const feeds = shallowReactive(new Map<string, TextFeed>())

  /** Streams into `reply` from `state` on; `reattaching` resumes after the last saved event instead of asking anew. */
  async function follow(conversation: Conversation, reply: ChatMessageRecord, request: ChatCompletionRequest, initial: StreamState, reattaching: boolean): Promise<void> {
    const settings = useSettingsStore()
    const controller = new AbortController()
    running.set(reply.id, controller)
    let state = initial
    const feed = createTextFeed(initial.content)
    feeds.set(reply.id, feed)
    const released = holdLock(reply.id)
    try {
      const result = await streamChatCompletion({
        baseUrl: settings.relayUrl,
        accessToken: settings.accessToken,
        request,
        signal: controller.signal,
        resume: reply.resume && { key: reply.resume.key, lastEventId: reattaching ? reply.resume.lastEventId : undefined },
        onReconnecting(attempt) {
          reply.reconnecting = attempt ?? undefined
        },
        onChunk(chunk, eventId) {
          state = reduceChunk(state, chunk)
          feed.append(contentDelta(chunk))
          if (state.content && !reply.timing?.firstTokenAt)
            reply.timing = { ...reply.timing!, firstTokenAt: Date.now() }
          reply.content = state.content
          reply.model = state.model
          reply.reconnecting = undefined
          // Saved with the text it belongs to, so a reload resumes right after it.
          if (reply.resume && eventId !== undefined)
            reply.resume.lastEventId = eventId
          save(conversation, reply)
        },
      })
      reply.status = 'done'
      if (result === 'aborted')
        reply.stopped = true
    }
    catch (error) {
      const failure = toChatError(error)
      // The text so far is worth keeping and continuing; a failure before any text is retried instead.
      reply.status = reply.content && endsAsInterrupted(failure.code) ? 'interrupted' : 'error'
      reply.error = failure.toJSON()
    }
    finally {
      released()
      running.delete(reply.id)
      feeds.delete(reply.id)
      reply.resume = undefined
      reply.reconnecting = undefined
      reply.finishReason = state.finishReason
      reply.usage = state.usage
      reply.timing = { ...reply.timing!, endedAt: Date.now() }
      conversation.updatedAt = Date.now()
      save(conversation, reply)
      await flush()
    }
  }

  /** Whether an answer streaming in storage is followed by no other tab (each holds a Web Lock per answer). */
  async function orphaned(reply: ChatMessageRecord): Promise<boolean> {
    const locks = globalThis.navigator?.locks
    if (!locks)
      return true
    const held = await locks.query()
    return !held.held?.some(lock => lock.name === lockName(reply.id))
  }

  /** Stops one answer (a compare column); the others go on. */
  function stop(message: ChatMessageRecord): void {
    const settings = useSettingsStore()
    const controller = running.get(message.id)
    if (!controller)
      return
    if (message.resume)
      void cancelStream({ baseUrl: settings.relayUrl, accessToken: settings.accessToken, key: message.resume.key })
    controller.abort()
  }

  return { feeds, follow, stop, orphaned, isFollowing: (messageId: string) => running.has(messageId) }
}

/** Holds a Web Lock named after the answer until the returned function is called, so other tabs know it is followed. */
function holdLock(messageId: string): () => void {
  let release = () => {}
  const held = new Promise<void>(resolve => (release = resolve))
  void globalThis.navigator?.locks?.request(lockName(messageId), () => held).catch(() => {})
  return release
}
