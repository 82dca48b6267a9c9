import type { ChatMessageRecord, MessageStatus } from '../../src/lib/chat/types'
import { describe, expect, it } from 'vitest'
import { titleFrom, toRequestMessages } from '../../src/lib/chat/history'

let nextId = 0
function message(role: ChatMessageRecord['role'], content: string, status: MessageStatus = 'done', extra: Partial<ChatMessageRecord> = {}): ChatMessageRecord {
  return { id: `m${nextId++}`, role, content, status, createdAt: 0, ...extra }
}

describe('toRequestMessages', () => {
  it('sends user turns and finished answers in order', () => {
    const messages = [
      message('user', '첫 질문'),
      message('assistant', '첫 답'),
      message('user', 'second question'),
      message('assistant', 'second answer', 'done', { model: 'gpt-4.1', finishReason: 'stop' }),
    ]

    expect(toRequestMessages(messages)).toEqual([
      { role: 'user', content: '첫 질문' },
      { role: 'assistant', content: '첫 답' },
      { role: 'user', content: 'second question' },
      { role: 'assistant', content: 'second answer' },
    ])
  })

  it('keeps an answer the user stopped, since it is done', () => {
    const messages = [message('user', 'q'), message('assistant', '중간에 멈춘', 'done', { stopped: true })]

    expect(toRequestMessages(messages)).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: '중간에 멈춘' },
    ])
  })

  it('leaves out failed, interrupted, streaming and empty answers', () => {
    const messages = [
      message('user', 'q1'),
      message('assistant', 'half an ans', 'error', { error: { type: 'network', code: 'stream_truncated', message: 'cut' } }),
      message('user', 'q2'),
      message('assistant', 'interrupted text', 'interrupted'),
      message('user', 'q3'),
      message('assistant', '', 'done'),
      message('user', 'q4'),
      message('assistant', 'still streaming', 'streaming'),
    ]

    expect(toRequestMessages(messages)).toEqual([
      { role: 'user', content: 'q1' },
      { role: 'user', content: 'q2' },
      { role: 'user', content: 'q3' },
      { role: 'user', content: 'q4' },
    ])
  })

  it('puts a system prompt first, trimmed', () => {
    expect(toRequestMessages([message('user', 'hi')], '  한국어로 답하세요.\n')).toEqual([
      { role: 'system', content: '한국어로 답하세요.' },
      { role: 'user', content: 'hi' },
    ])
  })

  it('adds no system message for a blank or missing prompt', () => {
    expect(toRequestMessages([message('user', 'hi')], '   ')).toEqual([{ role: 'user', content: 'hi' }])
    expect(toRequestMessages([message('user', 'hi')])).toEqual([{ role: 'user', content: 'hi' }])
    expect(toRequestMessages([])).toEqual([])
  })
})

describe('titleFrom', () => {
  it('keeps a short question as it is', () => {
    expect(titleFrom('파이썬에서 리스트를 정렬하는 방법')).toBe('파이썬에서 리스트를 정렬하는 방법')
    expect(titleFrom('How do I sort a list?')).toBe('How do I sort a list?')
  })

  it('uses only the first line, trimmed', () => {
    expect(titleFrom('\n\n  제목 줄  \n둘째 줄\n셋째 줄')).toBe('제목 줄')
    expect(titleFrom('first line\r\nsecond line')).toBe('first line')
  })

  it('keeps a line of exactly 40 characters whole', () => {
    const line = 'a'.repeat(40)
    expect(titleFrom(line)).toBe(line)
  })

  it('cuts a long English line at a word and adds an ellipsis', () => {
    expect(titleFrom('Explain the difference between threads and processes in operating systems'))
      .toBe('Explain the difference between threads…')
  })

  it('cuts a long Korean line at a word and adds an ellipsis', () => {
    expect(titleFrom('운영체제에서 프로세스와 스레드의 차이를 예시와 함께 자세하게 설명해 주세요 부탁합니다'))
      .toBe('운영체제에서 프로세스와 스레드의 차이를 예시와 함께 자세하게 설명해…')
  })

  it('cuts at 40 characters when there is no space late enough', () => {
    expect(titleFrom('가나다라마바사아자차'.repeat(5))).toBe(`${'가나다라마바사아자차'.repeat(4)}…`)
    expect(titleFrom(`short ${'x'.repeat(60)}`)).toBe(`short ${'x'.repeat(34)}…`)
  })

  it('gives an empty title for blank text', () => {
    expect(titleFrom('')).toBe('')
    expect(titleFrom('  \n  ')).toBe('')
  })

  it('never splits an emoji at the cut', () => {
    const title = titleFrom(`${'가'.repeat(39)}😀${'나'.repeat(10)}`)
    expect(title.startsWith('가'.repeat(39))).toBe(true)
    expect(title.endsWith('…')).toBe(true)
    // encodeURIComponent throws on a lone surrogate.
    expect(() => encodeURIComponent(title)).not.toThrow()
  })
})
