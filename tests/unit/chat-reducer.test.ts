import type { ChatCompletionChunk } from '../../relay/protocol'
import type { StreamState } from '../../src/lib/chat/reducer'
import { describe, expect, it } from 'vitest'
import { reduceChunk } from '../../src/lib/chat/reducer'

function chunk(fields: Partial<ChatCompletionChunk> = {}): ChatCompletionChunk {
  return { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1', choices: [], ...fields }
}

function delta(content: string | null | undefined, finish: string | null = null, index = 0): ChatCompletionChunk['choices'][number] {
  return { index, delta: content === undefined ? {} : { content }, finish_reason: finish }
}

const usage = { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46 }

describe('reduceChunk', () => {
  it('accumulates the content of choice 0 in order', () => {
    let state: StreamState = { content: '' }
    for (const text of ['안녕', '하세요', ', ', 'world'])
      state = reduceChunk(state, chunk({ choices: [delta(text)] }))

    expect(state).toEqual({ content: '안녕하세요, world', model: 'gpt-4.1', finishReason: undefined, usage: undefined })
  })

  it('takes the model, the finish reason and the usage', () => {
    let state: StreamState = { content: '' }
    state = reduceChunk(state, chunk({ model: 'claude-sonnet-4', choices: [delta('답')] }))
    state = reduceChunk(state, chunk({ model: 'claude-sonnet-4', choices: [delta(undefined, 'stop')] }))
    state = reduceChunk(state, chunk({ model: 'claude-sonnet-4', choices: [], usage }))

    expect(state).toEqual({ content: '답', model: 'claude-sonnet-4', finishReason: 'stop', usage })
  })

  it('keeps the content, model and finish reason on a usage-only chunk with no choices', () => {
    const before: StreamState = { content: '끝난 답', model: 'gpt-4.1', finishReason: 'length' }
    const after = reduceChunk(before, chunk({ model: '', choices: [], usage }))

    expect(after).toEqual({ content: '끝난 답', model: 'gpt-4.1', finishReason: 'length', usage })
  })

  it('adds nothing for a role-only delta', () => {
    const before: StreamState = { content: 'so far' }
    const after = reduceChunk(before, chunk({ choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] }))

    expect(after.content).toBe('so far')
    expect(after.finishReason).toBeUndefined()
  })

  it('adds nothing for a null content delta', () => {
    const after = reduceChunk({ content: 'a' }, chunk({ choices: [delta(null)] }))
    expect(after.content).toBe('a')
  })

  it('does not change the state it was given', () => {
    const before: StreamState = { content: 'a' }
    const after = reduceChunk(before, chunk({ choices: [delta('b')] }))

    expect(before).toEqual({ content: 'a' })
    expect(after.content).toBe('ab')
  })

  it('keeps the earlier usage and finish reason when later chunks carry none', () => {
    const before: StreamState = { content: 'x', model: 'gpt-4.1', finishReason: 'stop', usage }
    const after = reduceChunk(before, chunk({ choices: [delta('')], usage: null }))

    expect(after).toEqual(before)
  })

  it('shows choice index 0 even when another choice comes first', () => {
    const after = reduceChunk({ content: '' }, chunk({ choices: [delta('second', null, 1), delta('first', 'stop', 0)] }))

    expect(after.content).toBe('first')
    expect(after.finishReason).toBe('stop')
  })
})
