import type { ChatMessageRecord, Conversation } from '../../src/lib/chat/types'
import type { BackupProblem } from '../../src/lib/storage/backup'
import { describe, expect, it } from 'vitest'
import { createAppI18n } from '../../src/i18n'
import en from '../../src/i18n/locales/en.json'
import { backupFileName, backupToJson, conversationFileName, conversationToJson, conversationToMarkdown, parseBackup } from '../../src/lib/storage/backup'
import { planImport } from '../../src/lib/storage/backup-merge'
import { BACKUP_PROBLEM_CODES } from '../../src/lib/storage/backup-problems'

const NOW = new Date(2026, 10, 24, 9, 30)

function msg(id: string, fields: Partial<ChatMessageRecord> = {}): ChatMessageRecord {
  return { id, role: 'user', content: '', status: 'done', createdAt: 1, ...fields }
}

/** A conversation with every optional field, and two versions of its answer. */
function fullConversation(): Conversation {
  return {
    id: 'c1',
    title: '서울 날씨',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_100_000,
    pinned: true,
    leafId: 'a2',
    settings: { systemPrompt: '한국어로 답하세요.', temperature: 0.7, topP: 1, maxTokens: 512 },
    messages: [
      msg('u1', { content: '이번 주 서울 날씨는?', model: 'gpt-4.1', parentId: null, compareModels: ['gpt-4.1', 'claude-sonnet-4'] }),
      msg('a1', { role: 'assistant', content: '첫 답', status: 'error', parentId: 'u1', requestedModel: 'claude-sonnet-4', error: { type: 'http', code: 'rate_limited', message: 'slow down', status: 429, retryAfterSeconds: 3 } }),
      msg('a2', {
        role: 'assistant',
        content: '맑아요.\n\n```js\nconsole.log(1)\n```',
        parentId: 'u1',
        model: 'gpt-4.1',
        finishReason: 'stop',
        stopped: false,
        usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42, prompt_tokens_details: { cached_tokens: 4 } },
        timing: { sentAt: 1_700_000_000_500, firstTokenAt: 1_700_000_000_900, endedAt: 1_700_000_002_000 },
      }),
    ],
  }
}

const { t } = createAppI18n('en', { en }).global

/** Problems as the settings dialog lists them in English (`path: text`), so the expectations read as the user sees them. */
function english(problems: readonly BackupProblem[]): string[] {
  return problems.map(({ path, code, params }) => `${path}: ${t(`backup.problems.${code}`, params ?? {})}`)
}

/** The problems `parseBackup` finds in a text, in English; none when it was accepted. */
function problemsIn(text: string): string[] {
  const result = parseBackup(text)
  return result.ok ? [] : english(result.problems)
}

/** The problems `parseBackup` finds in a backup holding these conversations, written as given. */
function problemsOf(conversations: unknown[]): string[] {
  return problemsIn(JSON.stringify({ format: 'sori-backup', version: 1, exportedAt: NOW.toISOString(), conversations }))
}

describe('backup files', () => {
  it('read back exactly what was exported, every branch and field included', () => {
    const conversations = [fullConversation(), { id: 'c2', title: '', messages: [], createdAt: 5, updatedAt: 6 }]
    const text = backupToJson(conversations, NOW)
    expect(JSON.parse(text)).toMatchObject({ format: 'sori-backup', version: 1, exportedAt: NOW.toISOString() })
    expect(parseBackup(text)).toEqual({ ok: true, conversations })
  })

  it('read back a single exported conversation', () => {
    const text = conversationToJson(fullConversation(), NOW)
    expect(JSON.parse(text)).toMatchObject({ format: 'sori-conversation', version: 1, conversation: { id: 'c1' } })
    expect(parseBackup(text)).toEqual({ ok: true, conversations: [fullConversation()] })
  })

  it('accept a byte order mark, null for optional fields, and drop fields they do not know', () => {
    const conversation = { ...fullConversation(), color: 'red' }
    conversation.messages = [{ ...msg('u1'), model: null, reactions: ['👍'] } as unknown as ChatMessageRecord]
    conversation.leafId = 'u1'
    const result = parseBackup(`\uFEFF${backupToJson([conversation], NOW)}`)
    expect(result.ok && result.conversations[0]).toEqual({ ...fullConversation(), leafId: 'u1', messages: [msg('u1')] })
  })

  it('parse a 5 MB backup', () => {
    const answer = '긴 답변입니다. '.repeat(120)
    const conversations = Array.from({ length: 200 }, (_, c) => ({
      id: `c${c}`,
      title: `대화 ${c}`,
      createdAt: c,
      updatedAt: c,
      messages: Array.from({ length: 20 }, (_, m) => msg(`c${c}m${m}`, { role: m % 2 ? 'assistant' : 'user', content: answer, parentId: m ? `c${c}m${m - 1}` : null })),
    }))
    const text = backupToJson(conversations, NOW)
    expect(text.length).toBeGreaterThan(5_000_000)
    const result = parseBackup(text)
    expect(result.ok && result.conversations).toHaveLength(200)
  })
})

describe('malformed files are refused, listing every problem with its path', () => {
  it.each([
    ['not JSON', '{"format": "sori-backup",', ['file: not valid JSON']],
    ['not an object', '[1, 2]', ['file: must be a JSON object with "format": "sori-backup"']],
    ['another format', '{"format": "chatgpt-export"}', ['format: must be "sori-backup" or "sori-conversation"']],
    ['a newer version', '{"format": "sori-backup", "version": 2}', ['version: 2 was written by a newer Sori; this one reads version 1']],
    ['a version that is not 1', '{"format": "sori-backup", "version": "1"}', ['version: must be 1']],
    ['no conversations', '{"format": "sori-backup", "version": 1, "exportedAt": "yesterday"}', ['exportedAt: must be a date and time (ISO 8601)', 'conversations: is required']],
    ['conversations that are no list', '{"format": "sori-backup", "version": 1, "exportedAt": "2026-11-24T00:00:00Z", "conversations": {}}', ['conversations: must be an array']],
    ['a conversation file without its conversation', '{"format": "sori-conversation", "version": 1, "exportedAt": "2026-11-24T00:00:00Z"}', ['conversation: must be an object']],
  ])('%s', (_, text, problems) => {
    expect(problemsIn(text)).toEqual(problems)
  })

  it('as a path and a code with its values, which the locale files turn into text', () => {
    expect(parseBackup(JSON.stringify({ format: 'sori-backup', version: 1, exportedAt: NOW.toISOString(), conversations: [
      { id: 'c1', title: '', createdAt: 1, updatedAt: 1, messages: [{ id: 'm1', role: 'robot', content: '', status: 'done', createdAt: 1 }] },
    ] }))).toEqual({ ok: false, problems: [{ path: 'conversations[0].messages[0].role', code: 'notEither', params: { first: '"user"', second: '"assistant"' } }] })
  })

  it('each with a text in English (and so, as a locale test checks, in Korean)', () => {
    expect(Object.keys(en.backup.problems).sort()).toEqual([...BACKUP_PROBLEM_CODES].sort())
  })

  it('wrong conversation fields', () => {
    expect(problemsOf([
      'c1',
      { title: 3, createdAt: '2026', updatedAt: -1, pinned: 'yes', messages: [], settings: { temperature: 3, maxTokens: 1.5, systemPrompt: 'x'.repeat(20_001) } },
      { id: '', title: 't'.repeat(1_001), createdAt: 1, updatedAt: 1, settings: [] },
      { id: 'c4', title: '', createdAt: 1, updatedAt: 1, messages: 'none' },
    ])).toEqual([
      'conversations[0]: must be an object',
      'conversations[1].id: is required',
      'conversations[1].title: must be a string',
      'conversations[1].createdAt: must be a number',
      `conversations[1].updatedAt: must be between 0 and ${Number.MAX_SAFE_INTEGER}`,
      'conversations[1].pinned: must be true or false',
      'conversations[1].settings.systemPrompt: must be at most 20000 characters long',
      'conversations[1].settings.temperature: must be between 0 and 2',
      'conversations[1].settings.maxTokens: must be a whole number',
      'conversations[2].id: must not be empty',
      'conversations[2].title: must be at most 1000 characters long',
      'conversations[2].settings: must be an object',
      'conversations[2].messages: is required',
      'conversations[3].messages: must be an array',
    ])
  })

  it('wrong message fields', () => {
    const base = { title: '', createdAt: 1, updatedAt: 1 }
    expect(problemsOf([{
      ...base,
      id: 'c1',
      messages: [
        null,
        { id: 'm1', role: 'system', content: 1, status: 'pending', createdAt: 1 },
        { id: 'm2', role: 'assistant', content: 'x'.repeat(10_000_001), status: 'done', createdAt: Number.NaN, stopped: 1, parentId: 7, model: 'm'.repeat(201) },
        { id: 'm3', role: 'assistant', content: '', status: 'error', createdAt: 1, error: { type: 'boom', message: 'x' }, usage: { prompt_tokens: 1.5, completion_tokens: 1 }, timing: { endedAt: 1 } },
        { id: 'm4', role: 'user', content: 'compare', status: 'done', createdAt: 1, compareModels: ['gpt-4.1', 7] },
      ],
    }])).toEqual([
      'conversations[0].messages[0]: must be an object',
      'conversations[0].messages[1].role: must be "user" or "assistant"',
      'conversations[0].messages[1].content: must be a string',
      'conversations[0].messages[1].status: must be one of "streaming", "done", "error", "interrupted"',
      'conversations[0].messages[2].content: must be at most 10000000 characters long',
      // JSON has no NaN: it was written as null.
      'conversations[0].messages[2].createdAt: must be a number',
      'conversations[0].messages[2].model: must be at most 200 characters long',
      'conversations[0].messages[2].stopped: must be true or false',
      'conversations[0].messages[2].parentId: must be a message id or null',
      'conversations[0].messages[3].usage.prompt_tokens: must be a whole number',
      'conversations[0].messages[3].error.type: must be one of "http", "timeout", "network", "protocol"',
      'conversations[0].messages[3].error.code: is required',
      'conversations[0].messages[3].timing.sentAt: is required',
      'conversations[0].messages[4].compareModels[1]: must be a string',
    ])
  })

  it('duplicate ids, broken parent links and a leaf that is not there', () => {
    const base = { title: '', createdAt: 1, updatedAt: 1 }
    expect(problemsOf([
      { ...base, id: 'c1', leafId: 'gone', messages: [msg('m1', { parentId: null }), msg('m1'), msg('m2', { parentId: 'nowhere' })] },
      { ...base, id: 'c1', messages: [msg('m2', { parentId: 'm3' }), msg('m3', { parentId: 'm2' })] },
      { ...base, id: 'c3', messages: [msg('m4', { parentId: 'm5' }), msg('m5')] },
    ])).toEqual([
      'conversations[0].messages[1].id: "m1" is also the id of conversations[0].messages[0]',
      'conversations[0].messages[2].parentId: no message "nowhere" in this conversation',
      'conversations[0].leafId: no message "gone" in this conversation',
      'conversations[1].messages[0].id: "m2" is also the id of conversations[0].messages[2]',
      'conversations[1].messages[0].parentId: the parent links form a cycle',
      'conversations[1].id: "c1" is also the id of conversations[0]',
      // m5 has no parentId, so it follows m4, whose parent is m5.
      'conversations[2].messages[0].parentId: the parent links form a cycle',
    ])
  })

  it('too many messages in a conversation', () => {
    const messages = Array.from({ length: 50_001 }, (_, i) => msg(`m${i}`))
    expect(problemsOf([{ id: 'c1', title: '', createdAt: 1, updatedAt: 1, messages }])).toEqual(['conversations[0].messages: must hold at most 50000 messages'])
  })
})

describe('markdown export', () => {
  it('writes the branch on screen under role headings, code blocks intact', () => {
    expect(conversationToMarkdown(fullConversation())).toBe([
      '# 서울 날씨',
      '',
      '### You',
      '',
      '이번 주 서울 날씨는?',
      '',
      '### Assistant',
      '',
      '맑아요.',
      '',
      '```js',
      'console.log(1)',
      '```',
      '',
    ].join('\n'))
  })

  it('closes a code block an interrupted answer left open, uses the given labels and skips empty messages', () => {
    const conversation: Conversation = {
      id: 'c',
      title: '  ',
      createdAt: 1,
      updatedAt: 1,
      messages: [
        msg('u', { content: '코드 보여 줘' }),
        msg('a', { role: 'assistant', status: 'interrupted', content: '여기요:\n\n````ts\nconst fence = "```"\n```\nlet x' }),
        msg('u2', { content: '다시' }),
        msg('a2', { role: 'assistant', status: 'error', content: '' }),
      ],
    }
    expect(conversationToMarkdown(conversation, { user: '나', assistant: '어시스턴트', untitled: '새 대화' })).toBe([
      '# 새 대화',
      '',
      '### 나',
      '',
      '코드 보여 줘',
      '',
      '### 어시스턴트',
      '',
      '여기요:',
      '',
      '````ts',
      'const fence = "```"',
      '```',
      'let x',
      '````',
      '',
      '### 나',
      '',
      '다시',
      '',
    ].join('\n'))
  })
})

describe('file names', () => {
  it('keep the title, Korean included, without characters file systems refuse', () => {
    expect(conversationFileName('서울 날씨: 이번 주/다음 주?', 'md', NOW)).toBe('sori-서울-날씨-이번-주다음-주-2026-11-24.md')
    expect(conversationFileName('My *Plan*  <v2>', 'json', NOW)).toBe('sori-my-plan-v2-2026-11-24.json')
    expect(conversationFileName(' ... ', 'md', NOW)).toBe('sori-conversation-2026-11-24.md')
    expect(conversationFileName('가'.repeat(100), 'md', NOW)).toBe(`sori-${'가'.repeat(60)}-2026-11-24.md`)
    expect(backupFileName(NOW)).toBe('sori-backup-2026-11-24.json')
  })
})

describe('planning an import', () => {
  const existing: Conversation[] = [{ id: 'c1', title: 'here', createdAt: 1, updatedAt: 1, messages: [msg('m1')] }]

  it('skips conversations already here and adds the others', () => {
    const incoming: Conversation[] = [
      { id: 'c1', title: 'older copy', createdAt: 1, updatedAt: 1, messages: [] },
      { id: 'c2', title: 'new', createdAt: 1, updatedAt: 1, messages: [msg('m2')] },
    ]
    const plan = planImport(existing, incoming)
    expect(plan.skipped).toEqual(['c1'])
    expect(plan.add).toEqual([incoming[1]])
    expect(plan.add[0]).not.toBe(incoming[1])
  })

  it('marks answers still streaming as interrupted', () => {
    const plan = planImport([], [{ id: 'c2', title: '', createdAt: 1, updatedAt: 1, messages: [msg('m2', { role: 'assistant', status: 'streaming', content: '반쯤' })] }])
    expect(plan.add[0]!.messages[0]).toMatchObject({ status: 'interrupted', content: '반쯤', error: { code: 'interrupted' } })
  })

  it('gives fresh ids to messages whose ids are taken, keeping the tree', () => {
    let n = 0
    const incoming: Conversation = { id: 'c2', title: '', createdAt: 1, updatedAt: 1, leafId: 'm1', messages: [msg('x', { parentId: null }), msg('m1', { parentId: 'x' })] }
    const plan = planImport(existing, [incoming], () => `new${++n}`)
    expect(plan.add[0]).toMatchObject({ leafId: 'new2', messages: [{ id: 'new1', parentId: null }, { id: 'new2', parentId: 'new1' }] })
    expect(incoming.messages[1]!.id).toBe('m1')
  })
})
