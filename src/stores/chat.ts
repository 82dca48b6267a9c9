import type { ConversationSettings } from '../lib/chat/conversation-settings'
import type { Conversation } from '../lib/chat/types'
import type { ChatRepository } from '../lib/storage/chat-repository'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, toRaw } from 'vue'
import { useChatStorage } from '../composables/useChatStorage'
import { matchesQuery, sortConversations } from '../lib/chat/conversation-list'
import { threadOf, versionsByMessage } from '../lib/chat/thread'
import { pendingCompare } from '../lib/compare/group'
import { planImport } from '../lib/storage/backup-merge'
import { useChatGeneration } from './chat-generation'

/** Conversations, their messages, and the generations running in them. */
export const useChatStore = defineStore('chat', () => {
  const conversations = ref<Conversation[]>([])
  const activeId = ref<string | null>(null)
  /** Text searched for in titles and messages. */
  const query = ref('')
  const persistence = useChatStorage(conversations)
  const save = persistence.save
  const generation = useChatGeneration({ save, flush: persistence.flush, removeMessage: persistence.removeMessage })
  /** The last deleted conversation, for Undo. */
  const removed = shallowRef<{ conversation: Conversation, wasActive: boolean } | null>(null)

  const active = computed(() => conversations.value.find(c => c.id === activeId.value) ?? null)
  const visibleConversations = computed(() => sortConversations(conversations.value.filter(c => matchesQuery(c, query.value))))
  const isStreaming = computed(() => active.value?.messages.some(m => m.status === 'streaming') ?? false)
  /** The branch of the active conversation on screen. */
  const thread = computed(() => active.value ? threadOf(active.value) : [])
  /** The compare below the branch, waiting for "continue with this answer"; null when none. */
  const compareOnScreen = computed(() => active.value ? pendingCompare(active.value) : null)
  /** How many versions each message on screen has, and which one it is. */
  const versions = computed(() => {
    // One pass over the raw messages: a 500-message chat must open fast.
    const all = active.value ? versionsByMessage(toRaw(active.value)) : new Map<string, string[]>()
    return new Map(thread.value.map((m) => {
      const ids = all.get(m.id) ?? [m.id]
      return [m.id, { index: ids.indexOf(m.id), ids }]
    }))
  })

  /** Loads the saved conversations and opens the most recent one. */
  async function init(repository?: ChatRepository): Promise<void> {
    await persistence.load(repository)
    activeId.value ??= sortConversations(conversations.value)[0]?.id ?? null
    for (const conversation of conversations.value)
      void generation.reattach(conversation)
  }

  function newConversation(): Conversation {
    // A new, empty chat matches no search; clear it so the chat shows in the list.
    query.value = ''
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
    saveNow(conversation)
  }

  /** A deliberate edit, rare and small: written at once, so a quick reload cannot lose it. */
  function saveNow(conversation: Conversation): void {
    save(conversation)
    void persistence.flush()
  }

  /** Sets the active conversation's system prompt and parameters (starting one if needed). */
  function updateSettings(settings: ConversationSettings): void {
    const conversation = active.value ?? newConversation()
    conversation.settings = { ...settings }
    saveNow(conversation)
  }

  function togglePin(id: string): void {
    const conversation = find(id)
    if (!conversation)
      return
    conversation.pinned = !conversation.pinned
    saveNow(conversation)
  }

  /** Deletes a conversation (stopping its answer); {@link undoRemove} brings it back. */
  async function remove(id: string): Promise<void> {
    const index = conversations.value.findIndex(c => c.id === id)
    const conversation = conversations.value[index]
    if (!conversation)
      return
    generation.stop(conversation)
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

  /** Sends a question in the active conversation (a new one if none) and streams the answer. */
  async function send(text: string): Promise<void> {
    if (text.trim() && !isStreaming.value)
      await generation.ask(active.value ?? newConversation(), text)
  }

  /** Stops the answer streaming in the active conversation; its text so far stays. */
  function stop(): void {
    if (active.value)
      generation.stop(active.value)
  }

  /** Asks 2 to 4 models at once in the active conversation (a new one if none). */
  async function compare(text: string, models: string[]): Promise<void> {
    if (text.trim() && !isStreaming.value)
      await generation.compare(active.value ?? newConversation(), text, models)
  }

  const inConversationOf = (messageId: string, action: (conversation: Conversation) => Promise<void> | void) => {
    const conversation = conversations.value.find(c => c.messages.some(m => m.id === messageId))
    return conversation ? action(conversation) : undefined
  }

  /**
   * Adds conversations read from a backup (already validated, see parseBackup):
   * ids already here are skipped, never overwritten (see planImport). Written
   * to storage before it resolves.
   */
  async function importConversations(incoming: Conversation[]): Promise<{ imported: number, skipped: number }> {
    const plan = planImport(conversations.value, incoming)
    conversations.value.push(...plan.add)
    for (const conversation of plan.add) {
      save(conversation)
      for (const message of conversation.messages)
        save(conversation, message)
    }
    // Undo of a deletion would bring back a second copy of a conversation just imported.
    if (removed.value && plan.add.some(c => c.id === removed.value!.conversation.id))
      removed.value = null
    activeId.value ??= plan.add[0]?.id ?? null
    await persistence.flush()
    return { imported: plan.add.length, skipped: plan.skipped.length }
  }

  return {
    conversations,
    activeId,
    query,
    removed,
    storage: persistence.state,
    storageHealth: persistence.health,
    active,
    thread,
    versions,
    visibleConversations,
    isStreaming,
    /** The text of each answer streaming in this tab, by message id, for the Markdown renderer. */
    answerFeeds: generation.feeds,
    init,
    flush: persistence.flush,
    saveBeforeUnload: persistence.saveBeforeUnload,
    newConversation,
    select,
    rename,
    updateSettings,
    togglePin,
    remove,
    undoRemove,
    importConversations,
    send,
    continueAnswer: (messageId: string) => inConversationOf(messageId, c => generation.continueAnswer(c, messageId)),
    retry: (messageId: string) => inConversationOf(messageId, c => generation.retry(c, messageId)),
    regenerate: (messageId: string) => inConversationOf(messageId, c => generation.regenerate(c, messageId)),
    edit: (messageId: string, text: string) => inConversationOf(messageId, c => generation.edit(c, messageId, text)),
    showVersion: (messageId: string) => inConversationOf(messageId, c => generation.showVersion(c, messageId)),
    stop,
    compareOnScreen,
    compare,
    chooseAnswer: (messageId: string) => inConversationOf(messageId, c => generation.choose(c, messageId)),
    /** Stops one answer (a compare column); the others go on. */
    stopAnswer: (messageId: string) => inConversationOf(messageId, c => c.messages.filter(m => m.id === messageId).forEach(generation.stopAnswer)),
  }
})
