import type { ModelInfo } from '../../relay/protocol'
import type { ChatMessageRecord } from '../../src/lib/chat/types'
import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import CompareColumns from '../../src/components/compare/CompareColumns.vue'
import { loadMarkdownRenderer } from '../../src/composables/useMarkdown'
import { conversation, errorInfo, message, mountWithStores } from './mount'

// Animation frames run only when the test says so.
let frames: FrameRequestCallback[] = []
function runFrame(): void {
  const due = frames
  frames = []
  due.forEach(callback => callback(performance.now()))
}

beforeAll(async () => {
  await loadMarkdownRenderer()
})
beforeEach(() => {
  frames = []
  vi.stubGlobal('requestAnimationFrame', vi.fn((callback: FrameRequestCallback) => frames.push(callback)))
  vi.stubGlobal('cancelAnimationFrame', vi.fn())
  vi.stubGlobal('requestIdleCallback', vi.fn())
})
afterEach(() => vi.unstubAllGlobals())

const priced = (id: string, input: number, output: number): ModelInfo => ({ id, object: 'model', created: 0, owned_by: 'test', pricing: { input, output } })

/** A compare on screen: the question is the leaf, the answers its children. */
function compareState(answers: Array<Partial<ChatMessageRecord>>) {
  const question = message({ role: 'user', content: '서울 날씨?', compareModels: answers.map(a => a.requestedModel!) })
  const messages = [question, ...answers.map(fields => message({ role: 'assistant', parentId: question.id, timing: { sentAt: 1000 }, ...fields }))]
  const active = conversation({ messages, leafId: question.id })
  return {
    chat: { conversations: [active], activeId: active.id },
    settings: { models: [priced('gpt-4.1', 2, 8), priced('claude-sonnet-4', 3, 15)], model: 'gpt-4.1' },
  }
}

const columns = (wrapper: ReturnType<typeof mountWithStores>['wrapper']) => wrapper.findAll('[data-testid="compare-column"]')

describe('compare columns', () => {
  it('shows each model\'s answer with who served it, how fast, its tokens and cost; a failure stays in its column', async () => {
    const { wrapper, chat } = mountWithStores(CompareColumns, {
      initialState: compareState([
        { requestedModel: 'gpt-4.1', model: 'gpt-4.1', content: '맑아요.', status: 'done', timing: { sentAt: 1000, firstTokenAt: 1250, endedAt: 2250 }, usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 } },
        { requestedModel: 'claude-sonnet-4', model: 'claude-sonnet-4-backup', content: '흐려요.', status: 'done' },
        { requestedModel: 'gemini-2.5-flash', content: '', status: 'error', error: errorInfo({ code: 'upstream_unavailable', status: 503 }) },
      ]),
    })
    await flushPromises()

    const [gpt, claude, gemini] = columns(wrapper)
    expect(columns(wrapper).map(c => c.attributes('data-model'))).toEqual(['gpt-4.1', 'claude-sonnet-4', 'gemini-2.5-flash'])
    expect(gpt!.get('[data-testid="compare-served-model"]').text()).toBe('gpt-4.1')
    expect(gpt!.get('[data-testid="compare-first-token"]').text()).toBe('0.25 s')
    expect(gpt!.get('[data-testid="compare-speed"]').text()).toBe('500 tokens/s')
    expect(gpt!.get('[data-testid="compare-tokens"]').text()).toBe('1000 in, 500 out')
    // 1,000 × $2 + 500 × $8 per 1M tokens.
    expect(gpt!.get('[data-testid="compare-cost"]').text()).toBe('$0.006')
    // Failed over: the served model is named, and priced at the model asked when it has no price of its own.
    expect(claude!.get('[data-testid="compare-served-model"]').text()).toBe('claude-sonnet-4-backup')
    expect(claude!.get('[data-testid="compare-cost"]').text()).toContain('(estimate)')
    expect(gemini!.get('[data-testid="message-error"]').attributes('data-code')).toBe('upstream_unavailable')
    expect(gemini!.find('[data-testid="compare-continue"]').exists()).toBe(false)
    expect(wrapper.findAll('[data-testid="message-error"]')).toHaveLength(1)

    await claude!.get('[data-testid="compare-continue"]').trigger('click')
    expect(chat.chooseAnswer).toHaveBeenCalledWith(chat.compareOnScreen!.answers[1]!.id)
    await gemini!.get('[data-testid="retry"]').trigger('click')
    expect(chat.retry).toHaveBeenCalledWith(chat.compareOnScreen!.answers[2]!.id)
  })

  it('stops one column from its own button, all from Stop all, and offers no Continue while answers stream', async () => {
    const { wrapper, chat } = mountWithStores(CompareColumns, {
      initialState: compareState([
        { requestedModel: 'gpt-4.1', content: '맑', status: 'streaming' },
        { requestedModel: 'claude-sonnet-4', content: '흐려요.', status: 'done' },
      ]),
    })
    await flushPromises()

    expect(wrapper.find('[data-testid="compare-continue"]').exists()).toBe(false)
    const stop = columns(wrapper)[0]!.get('[data-testid="compare-stop"]')
    expect(stop.attributes('aria-label')).toBe('Stop gpt-4.1')
    await stop.trigger('click')
    expect(chat.stopAnswer).toHaveBeenCalledWith(chat.compareOnScreen!.answers[0]!.id)
    expect(columns(wrapper)[1]!.find('[data-testid="compare-stop"]').exists()).toBe(false)
    await wrapper.get('[data-testid="compare-stop-all"]').trigger('click')
    expect(chat.stop).toHaveBeenCalled()
  })

  it('renders four streaming columns in one animation frame, not four', async () => {
    const models = ['a', 'b', 'c', 'd']
    const { wrapper, chat } = mountWithStores(CompareColumns, {
      initialState: compareState(models.map(m => ({ requestedModel: m, content: `# ${m}`, status: 'streaming' }))),
    })
    await flushPromises()
    expect(wrapper.findAll('.chat-markdown h1').map(h => h.text())).toEqual(models)

    const tokens = () => wrapper.findAll('[data-testid="compare-tokens"]').map(d => d.text())
    const before = tokens()
    for (const answer of chat.compareOnScreen!.answers)
      answer.content += '\n\nmore **text**'
    await flushPromises()
    // The Markdown and the stats of all four columns wait for the same frame.
    expect(requestAnimationFrame).toHaveBeenCalledTimes(1)
    expect(tokens()).toEqual(before)
    runFrame()
    await flushPromises()
    expect(wrapper.findAll('.chat-markdown strong')).toHaveLength(4)
    expect(tokens().every((text, i) => text !== before[i])).toBe(true)

    chat.compareOnScreen!.answers[2]!.content += ' and *more*'
    await flushPromises()
    expect(requestAnimationFrame).toHaveBeenCalledTimes(2)
    runFrame()
    expect(wrapper.findAll('.chat-markdown em')).toHaveLength(1)
  })

  it('shows the words that differ between two columns on demand', async () => {
    const { wrapper } = mountWithStores(CompareColumns, {
      initialState: compareState([
        { requestedModel: 'gpt-4.1', content: '오늘 서울은 맑아요.', status: 'done' },
        { requestedModel: 'claude-sonnet-4', content: '오늘 서울은 흐려요.', status: 'done' },
      ]),
      locale: 'ko',
    })
    await flushPromises()
    expect(wrapper.find('[data-testid="compare-diff"]').exists()).toBe(false)

    const toggle = wrapper.get('[data-testid="compare-diff-toggle"]')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    await toggle.trigger('click')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="compare-diff"]').exists()).toBe(true))
    expect(toggle.attributes('aria-expanded')).toBe('true')
    const diff = wrapper.get('[data-testid="compare-diff"]')
    expect(diff.get('del').text()).toBe('gpt-4.1에만 있음:맑아요')
    expect(diff.get('ins').text()).toBe('claude-sonnet-4에만 있음:흐려요')

    await wrapper.get('[data-testid="compare-diff-from"]').setValue(wrapper.findAll<HTMLOptionElement>('[data-testid="compare-diff-from"] option')[1]!.element.value)
    await wrapper.get('[data-testid="compare-diff-to"]').setValue(wrapper.findAll<HTMLOptionElement>('[data-testid="compare-diff-to"] option')[0]!.element.value)
    expect(wrapper.get('[data-testid="compare-diff"] del').text()).toContain('흐려요')
  })
})
