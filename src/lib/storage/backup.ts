import type { Conversation } from '../chat/types'
import type { BackupProblem } from './backup-problems'
import type { SeenIds } from './backup-validate'
import { isObject } from './backup-fields'
import { notAllowed, problem } from './backup-problems'
import { BACKUP_LIMITS, readConversation } from './backup-validate'

// Export and import files. This module (and the validation behind it) is
// loaded on demand by the settings dialog, so it costs nothing on first visit.

export { conversationToMarkdown } from './backup-markdown'
export type { MarkdownLabels } from './backup-markdown'
export type { BackupProblem, BackupProblemCode } from './backup-problems'
export { BACKUP_LIMITS } from './backup-validate'

export const BACKUP_VERSION = 1

/** Every conversation, with all their messages (every branch). */
export interface BackupFile {
  format: 'sori-backup'
  version: typeof BACKUP_VERSION
  exportedAt: string
  conversations: Conversation[]
}

/** One conversation, with all its messages (every branch). */
export interface ConversationFile {
  format: 'sori-conversation'
  version: typeof BACKUP_VERSION
  exportedAt: string
  conversation: Conversation
}

export type BackupParseResult
  = | { ok: true, conversations: Conversation[] }
    | { ok: false, problems: BackupProblem[] }

/** One conversation as a JSON file that {@link parseBackup} reads back. */
export function conversationToJson(conversation: Conversation, now = new Date()): string {
  const file: ConversationFile = { format: 'sori-conversation', version: BACKUP_VERSION, exportedAt: now.toISOString(), conversation }
  return JSON.stringify(file, null, 2)
}

/** Every conversation as one JSON backup that {@link parseBackup} reads back. */
export function backupToJson(conversations: readonly Conversation[], now = new Date()): string {
  const file: BackupFile = { format: 'sori-backup', version: BACKUP_VERSION, exportedAt: now.toISOString(), conversations: [...conversations] }
  return JSON.stringify(file, null, 2)
}

const fail = (...problems: BackupProblem[]): BackupParseResult => ({ ok: false, problems })

/** The problem of a file too large to be a backup; the dialog checks the size before reading the file. */
export function fileTooLarge(): BackupProblem {
  return problem('file', 'fileTooLarge', { mb: BACKUP_LIMITS.fileChars / 1_000_000 })
}

/**
 * Reads a backup ({@link backupToJson}) or a single exported conversation
 * ({@link conversationToJson}). Everything is checked before anything is
 * returned: on any problem the result lists all of them, each with its path
 * and a code (`conversations[2].messages[5].role`, `notEither`), and no
 * conversation. Unknown fields are dropped.
 */
export function parseBackup(text: string): BackupParseResult {
  if (text.length > BACKUP_LIMITS.fileChars)
    return fail(fileTooLarge())
  let data: unknown
  try {
    // Editors on Windows may add a byte order mark, which JSON.parse refuses.
    data = JSON.parse(text.replace(/^\uFEFF/, ''))
  }
  catch {
    return fail(problem('file', 'notJson'))
  }
  if (!isObject(data) || (data.format !== 'sori-backup' && data.format !== 'sori-conversation'))
    return fail(isObject(data) ? notAllowed('format', ['sori-backup', 'sori-conversation']) : problem('file', 'notBackup'))
  if (data.version !== BACKUP_VERSION) {
    return fail(typeof data.version === 'number' && data.version > BACKUP_VERSION
      ? problem('version', 'newerVersion', { version: data.version, supported: BACKUP_VERSION })
      : problem('version', 'wrongVersion', { version: BACKUP_VERSION }))
  }
  const problems: BackupProblem[] = []
  if (typeof data.exportedAt !== 'string' || Number.isNaN(Date.parse(data.exportedAt)))
    problems.push(problem('exportedAt', 'notDate'))
  const seen: SeenIds = new Map()
  if (data.format === 'sori-conversation') {
    const conversation = readConversation(data.conversation, 'conversation', problems, seen)
    return problems.length > 0 || !conversation ? fail(...problems) : { ok: true, conversations: [conversation] }
  }
  if (!Array.isArray(data.conversations))
    return fail(...problems, problem('conversations', data.conversations === undefined ? 'required' : 'notArray'))
  if (data.conversations.length > BACKUP_LIMITS.conversations)
    return fail(...problems, problem('conversations', 'tooManyConversations', { max: BACKUP_LIMITS.conversations }))
  const conversations: Conversation[] = []
  const conversationIds = new Map<string, number>()
  data.conversations.forEach((item: unknown, i) => {
    const conversation = readConversation(item, `conversations[${i}]`, problems, seen)
    if (!conversation)
      return
    const earlier = conversationIds.get(conversation.id)
    if (earlier !== undefined)
      problems.push(problem(`conversations[${i}].id`, 'duplicateId', { id: conversation.id, other: `conversations[${earlier}]` }))
    else if (conversation.id)
      conversationIds.set(conversation.id, i)
    conversations.push(conversation)
  })
  return problems.length > 0 ? fail(...problems) : { ok: true, conversations }
}

/** `2026-11-24`, in local time: the day the user sees on their calendar. */
function day(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/**
 * A file name for an exported conversation: `sori-<title>-2026-11-24.md`.
 * The title keeps its letters (Korean included); characters that some file
 * system refuses are dropped and spaces become dashes.
 */
export function conversationFileName(title: string, extension: 'md' | 'json', now = new Date()): string {
  const slug = [...title.normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what file systems refuse
    .replace(/[<>:"/\\|?*\u0000-\u001F\u007F]/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .toLowerCase()]
    .slice(0, 60)
    .join('')
    .replace(/^[-.]+|[-.]+$/g, '')
  return `sori-${slug || 'conversation'}-${day(now)}.${extension}`
}

/** The file name for a full backup: `sori-backup-2026-11-24.json`. */
export function backupFileName(now = new Date()): string {
  return `sori-backup-${day(now)}.json`
}
