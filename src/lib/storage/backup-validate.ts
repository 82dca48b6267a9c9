import type { ConversationSettings } from '../chat/conversation-settings'
import type { ChatErrorInfo, ChatErrorType } from '../chat/errors'
import type { ChatMessageRecord, Conversation, MessageStatus } from '../chat/types'
import type { JsonObject } from './backup-fields'
import type { BackupProblem } from './backup-problems'
import { compact, fieldsOf, isObject } from './backup-fields'
import { problem } from './backup-problems'

// Validation of the conversations in a backup file. A file is someone's whole
// chat history and may have been edited by hand: every field is checked
// against the types the app relies on, unknown fields are dropped, and the
// tree (parents, leaf) must hold together, since the UI walks it.

/** Upper bounds that no real chat reaches; a file beyond them is damaged or not a backup. */
export const BACKUP_LIMITS = {
  fileChars: 200_000_000,
  conversations: 100_000,
  messagesPerConversation: 50_000,
  idChars: 200,
  titleChars: 1_000,
  contentChars: 10_000_000,
  shortChars: 200,
  errorMessageChars: 10_000,
  systemPromptChars: 20_000,
} as const

const ROLES = ['user', 'assistant'] as const
const STATUSES: readonly MessageStatus[] = ['streaming', 'done', 'error', 'interrupted']
const ERROR_TYPES: readonly ChatErrorType[] = ['http', 'timeout', 'network', 'protocol']
const ID = { nonEmpty: true, max: BACKUP_LIMITS.idChars }
const SHORT = { optional: true, max: BACKUP_LIMITS.shortChars }

/**
 * Message ids seen so far in the file, with where: ids are keys in IndexedDB
 * across all conversations, so they must be unique in the whole file.
 */
export type SeenIds = Map<string, string>

function readUsage(source: JsonObject, path: string, problems: BackupProblem[]): ChatMessageRecord['usage'] {
  const f = fieldsOf(source, path, problems)
  const count = { integer: true }
  const details = f.object('prompt_tokens_details')
  const cached = details && fieldsOf(details, `${path}.prompt_tokens_details`, problems).number('cached_tokens', { ...count, optional: true })
  const prompt = f.number('prompt_tokens', count) ?? 0
  const completion = f.number('completion_tokens', count) ?? 0
  return compact({
    prompt_tokens: prompt,
    completion_tokens: completion,
    // Some providers leave the total out; it is only ever the sum.
    total_tokens: f.number('total_tokens', { ...count, optional: true }) ?? prompt + completion,
    prompt_tokens_details: cached !== undefined ? { cached_tokens: cached } : undefined,
  })
}

function readError(source: JsonObject, path: string, problems: BackupProblem[]): ChatErrorInfo {
  const f = fieldsOf(source, path, problems)
  return compact({
    type: f.oneOf('type', ERROR_TYPES) ?? 'network',
    code: f.string('code', { max: BACKUP_LIMITS.shortChars }) ?? '',
    message: f.string('message', { max: BACKUP_LIMITS.errorMessageChars }) ?? '',
    status: f.number('status', { optional: true, integer: true, max: 999 }),
    retryAfterSeconds: f.number('retryAfterSeconds', { optional: true }),
  })
}

function readMessage(source: JsonObject, path: string, problems: BackupProblem[]): ChatMessageRecord {
  const f = fieldsOf(source, path, problems)
  const nested = <T>(key: string, read: (value: JsonObject, path: string, problems: BackupProblem[]) => T) => {
    const value = f.object(key)
    return value && read(value, `${path}.${key}`, problems)
  }
  // Read in the order of the type, so problems are listed in the order a reader meets the fields.
  return compact({
    id: f.string('id', ID) ?? '',
    role: f.oneOf('role', ROLES) ?? 'user',
    content: f.string('content', { max: BACKUP_LIMITS.contentChars }) ?? '',
    status: f.oneOf('status', STATUSES) ?? 'done',
    createdAt: f.number('createdAt') ?? 0,
    model: f.string('model', SHORT),
    finishReason: f.string('finishReason', SHORT),
    usage: nested('usage', readUsage),
    stopped: f.boolean('stopped'),
    error: nested('error', readError),
    parentId: source.parentId === null || source.parentId === undefined
      ? source.parentId
      : typeof source.parentId === 'string' ? f.string('parentId', ID) : f.fail('parentId', 'notParentId'),
    timing: nested('timing', readTiming),
    compareModels: readCompareModels(source, path, problems),
    requestedModel: f.string('requestedModel', SHORT),
  })
}

/** The models of a compare question: a list of model names, each a short string. */
function readCompareModels(source: JsonObject, path: string, problems: BackupProblem[]): string[] | undefined {
  const value = source.compareModels
  if (value === undefined || value === null)
    return undefined
  if (!Array.isArray(value)) {
    problems.push(problem(`${path}.compareModels`, 'notArray'))
    return undefined
  }
  const models = value.filter((model, i) => {
    const ok = typeof model === 'string' && model !== '' && model.length <= BACKUP_LIMITS.shortChars
    if (!ok)
      problems.push(problem(`${path}.compareModels[${i}]`, 'notString'))
    return ok
  })
  return models as string[]
}

function readTiming(source: JsonObject, path: string, problems: BackupProblem[]): ChatMessageRecord['timing'] {
  const f = fieldsOf(source, path, problems)
  return compact({ sentAt: f.number('sentAt') ?? 0, firstTokenAt: f.number('firstTokenAt', { optional: true }), endedAt: f.number('endedAt', { optional: true }) })
}

function readSettings(source: JsonObject, path: string, problems: BackupProblem[]): ConversationSettings {
  const f = fieldsOf(source, path, problems)
  // The same ranges the conversation settings form accepts.
  return compact({
    systemPrompt: f.string('systemPrompt', { optional: true, max: BACKUP_LIMITS.systemPromptChars }),
    temperature: f.number('temperature', { optional: true, max: 2 }),
    topP: f.number('topP', { optional: true, max: 1 }),
    maxTokens: f.number('maxTokens', { optional: true, integer: true, min: 1, max: 1_000_000 }),
  })
}

/** Notes parent links that lead nowhere or in a circle: the thread on screen is found by following them. */
function checkTree(conversation: Conversation, path: string, problems: BackupProblem[]): void {
  const { messages } = conversation
  const indexById = new Map(messages.map((m, i) => [m.id, i]))
  // As in thread.ts: a message without `parentId` follows the one before it (records from before branching).
  const parentIndex = (i: number) => {
    const parentId = messages[i]!.parentId
    return parentId === undefined ? (i > 0 ? i - 1 : undefined) : parentId === null ? undefined : indexById.get(parentId)
  }
  messages.forEach(({ parentId }, i) => {
    if (typeof parentId === 'string' && !indexById.has(parentId))
      problems.push(problem(`${path}.messages[${i}].parentId`, 'noSuchMessage', { id: parentId }))
  })
  if (conversation.leafId !== undefined && !indexById.has(conversation.leafId))
    problems.push(problem(`${path}.leafId`, 'noSuchMessage', { id: conversation.leafId }))
  // 0: not visited, 1: on the chain being followed, 2: known to reach a root.
  const state = new Uint8Array(messages.length)
  for (let start = 0; start < messages.length; start++) {
    const chain: number[] = []
    let i: number | undefined = start
    while (i !== undefined && state[i] === 0) {
      state[i] = 1
      chain.push(i)
      i = parentIndex(i)
    }
    if (i !== undefined && state[i] === 1)
      problems.push(problem(`${path}.messages[${i}].parentId`, 'cycle'))
    for (const j of chain)
      state[j] = 2
  }
}

/** Reads one conversation at `path`, noting every problem; the result is meaningful only if none were noted. */
export function readConversation(value: unknown, path: string, problems: BackupProblem[], seen: SeenIds): Conversation | undefined {
  if (!isObject(value)) {
    problems.push(problem(path, 'notObject'))
    return undefined
  }
  const f = fieldsOf(value, path, problems)
  const settings = () => {
    const value = f.object('settings')
    return value && readSettings(value, `${path}.settings`, problems)
  }
  const conversation: Conversation = compact({
    id: f.string('id', ID) ?? '',
    title: f.string('title', { max: BACKUP_LIMITS.titleChars }) ?? '',
    messages: [],
    createdAt: f.number('createdAt') ?? 0,
    updatedAt: f.number('updatedAt') ?? 0,
    pinned: f.boolean('pinned'),
    leafId: f.string('leafId', { ...ID, optional: true }),
    settings: settings(),
  })
  const messages = value.messages
  if (!Array.isArray(messages)) {
    f.fail('messages', messages === undefined ? 'required' : 'notArray')
    return conversation
  }
  if (messages.length > BACKUP_LIMITS.messagesPerConversation) {
    f.fail('messages', 'tooManyMessages', { max: BACKUP_LIMITS.messagesPerConversation })
    return conversation
  }
  let allObjects = true
  for (const [i, item] of messages.entries()) {
    const messagePath = `${path}.messages[${i}]`
    if (!isObject(item)) {
      problems.push(problem(messagePath, 'notObject'))
      allObjects = false
      continue
    }
    const message = readMessage(item, messagePath, problems)
    const earlier = seen.get(message.id)
    if (earlier)
      problems.push(problem(`${messagePath}.id`, 'duplicateId', { id: message.id, other: earlier }))
    else if (message.id)
      seen.set(message.id, messagePath)
    conversation.messages.push(message)
  }
  // With a message missing, indexes in the tree check would no longer match the file's.
  if (allObjects)
    checkTree(conversation, path, problems)
  return conversation
}
