import type { ChatMessageRecord } from '../../src/lib/chat/types'
import { flushPromises } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import ChatMessageList from '../../src/components/chat/ChatMessageList.vue'
import { loadMarkdownRenderer } from '../../src/composables/useMarkdown'
import { chatWith, message, mountWithStores } from './mount'

const ANSWER = [
  '# Seoul weather',
  '',
  '| Day | High |',
  '| --- | ---- |',
  '| Mon | 21 |',
].join('\n')

function mountList(messages: ChatMessageRecord[], locale: 'en' | 'ko' = 'en') {
  return mountWithStores(ChatMessageList, { initialState: chatWith(messages), locale })
}

function question(content = 'What is the weather in Seoul?') {
  return message({ role: 'user', content })
}

// The renderer is a module-level lazy import that stays loaded for the rest of
// this file, so the "not loaded yet" case must run first.
describe('markdown in answers', () => {
  it('shows the raw text until the renderer has loaded, then the rendered Markdown', async () => {
    const { wrapper } = mountList([question(), message({ role: 'assistant', content: ANSWER })])
    const answer = wrapper.get('[data-role="assistant"]')
    expect(answer.find('h1').exists()).toBe(false)
    expect(answer.get('.chat-markdown').element.textContent?.trim()).toBe(ANSWER)

    await loadMarkdownRenderer()
    await flushPromises()

    expect(answer.get('h1').text()).toBe('Seoul weather')
    expect(answer.get('table').findAll('th').map(th => th.text())).toEqual(['Day', 'High'])
    expect(answer.get('table').findAll('td').map(td => td.text())).toEqual(['Mon', '21'])
    expect(answer.text()).not.toContain('| Day |')
  })

  it('renders Markdown that is already loaded at mount', async () => {
    await loadMarkdownRenderer()
    const { wrapper } = mountList([question(), message({ role: 'assistant', content: '**bold** and `code`' })])

    const answer = wrapper.get('[data-role="assistant"]')
    expect(answer.get('strong').text()).toBe('bold')
    expect(answer.get('code').text()).toBe('code')
  })
})

describe('message list', () => {
  it('renders each message with its role and status', () => {
    const { wrapper } = mountList([
      question(),
      message({ role: 'assistant', content: 'Sunny.', status: 'done' }),
      question('And tomorrow?'),
      message({ role: 'assistant', content: 'Rain', status: 'streaming' }),
    ])

    const items = wrapper.findAll('[data-testid="message"]')
    expect(items.map(item => [item.attributes('data-role'), item.attributes('data-status')])).toEqual([
      ['user', 'done'],
      ['assistant', 'done'],
      ['user', 'done'],
      ['assistant', 'streaming'],
    ])
    expect(items[0]?.find('.chat-message-text').text()).toBe('What is the weather in Seoul?')
    expect(wrapper.find('.chat-empty').exists()).toBe(false)
  })

  it('shows user text as plain text, without interpreting HTML or Markdown in it', async () => {
    await loadMarkdownRenderer()
    const text = '<img src=x onerror="alert(1)"> <b>not bold</b> # not a heading'
    const { wrapper } = mountList([question(text)])

    const item = wrapper.get('[data-role="user"]')
    expect(item.get('.chat-message-text').text()).toBe(text)
    expect(item.find('img').exists()).toBe(false)
    expect(item.find('b').exists()).toBe(false)
    expect(item.find('h1').exists()).toBe(false)
  })

  it('shows the waiting text while an answer has no tokens yet', () => {
    const { wrapper } = mountList([question(), message({ role: 'assistant', content: '', status: 'streaming' })])

    const answer = wrapper.get('[data-role="assistant"]')
    expect(answer.attributes('data-status')).toBe('streaming')
    expect(answer.text()).toBe('Waiting for the first token…')
  })

  it('shows the waiting text in Korean', () => {
    const { wrapper } = mountList([question('안녕'), message({ role: 'assistant', content: '', status: 'streaming' })], 'ko')

    expect(wrapper.get('[data-role="assistant"]').text()).toBe('첫 토큰을 기다리는 중…')
  })

  it('marks an answer the user stopped, keeping its partial text', () => {
    const { wrapper } = mountList([question(), message({ role: 'assistant', content: 'It is sunn', status: 'done', stopped: true })])

    const answer = wrapper.get('[data-role="assistant"]')
    expect(answer.attributes('data-status')).toBe('done')
    expect(answer.text()).toContain('It is sunn')
    expect(answer.get('.chat-message-meta').text()).toBe('Stopped')
  })

  it('does not mark an answer that finished by itself as stopped', () => {
    const { wrapper } = mountList([question(), message({ role: 'assistant', content: 'Sunny.', status: 'done' })])

    expect(wrapper.text()).not.toContain('Stopped')
    expect(wrapper.text()).not.toContain('Waiting for the first token')
  })

  it('shows the empty state when the conversation has no messages', () => {
    const { wrapper } = mountList([])

    expect(wrapper.findAll('[data-testid="message"]')).toHaveLength(0)
    expect(wrapper.get('.chat-empty h2').text()).toBe('Ask anything')
  })

  it('shows the empty state when there is no conversation at all', () => {
    const { wrapper } = mountWithStores(ChatMessageList)

    expect(wrapper.findAll('[data-testid="message"]')).toHaveLength(0)
    expect(wrapper.get('.chat-empty h2').text()).toBe('Ask anything')
  })

  it('shows new messages as the store receives them', async () => {
    const { wrapper, chat } = mountList([])
    chat.active?.messages.push(question(), message({ role: 'assistant', content: '', status: 'streaming' }))
    await flushPromises()

    expect(wrapper.findAll('[data-testid="message"]')).toHaveLength(2)
    expect(wrapper.find('.chat-empty').exists()).toBe(false)
  })
})
