import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import ChatMessageList from '../../src/components/chat/ChatMessageList.vue'
import ChatWaiting from '../../src/components/chat/ChatWaiting.vue'
import { chatWith, message, mountWithStores } from './mount'

describe('while waiting and streaming', () => {
  afterEach(() => vi.useRealTimers())

  it('shows how long the first token is taking once the wait gets long', async () => {
    vi.useFakeTimers({ now: 10_000 })
    const { wrapper } = mountWithStores(ChatWaiting, { props: { since: 10_000 } })
    expect(wrapper.find('[data-testid="waiting-seconds"]').exists()).toBe(false)
    await vi.advanceTimersByTimeAsync(4_000)
    expect(wrapper.get('[data-testid="waiting-seconds"]').text()).toBe('(4 s)')
  })

  it('announces the state of the answer in a live region, not its tokens', async () => {
    const { wrapper, chat } = mountWithStores(ChatMessageList, { initialState: chatWith([message({ role: 'user', content: 'q' }), message({ role: 'assistant', content: '부분', status: 'streaming' })]), locale: 'ko' })
    const status = wrapper.get('[data-testid="answer-status"]')
    expect(status.attributes('aria-live')).toBe('polite')
    expect(status.text()).toBe('답변 중…')
    chat.active!.messages[1]!.content += ' 더 많은 토큰'
    await flushPromises()
    expect(status.text()).toBe('답변 중…')
    chat.active!.messages[1]!.status = 'done'
    await flushPromises()
    expect(status.text()).toBe('답변 완료')
  })

  it('offers a jump to the latest message once the reader scrolls up, and hides it at the bottom', async () => {
    const { wrapper } = mountWithStores(ChatMessageList, { initialState: chatWith([message({ role: 'user', content: 'q' })]), attach: true })
    await flushPromises()
    const list = wrapper.get('.chat-message-list').element as HTMLElement
    // jsdom has no layout: give the list a size and a scroll position of its own.
    let scrollTop = 100
    Object.defineProperties(list, {
      scrollHeight: { value: 2000, configurable: true },
      clientHeight: { value: 500, configurable: true },
      scrollTop: { get: () => scrollTop, set: (value: number) => (scrollTop = value), configurable: true },
    })
    list.dispatchEvent(new Event('scroll'))
    await flushPromises()
    await wrapper.get('[data-testid="jump-to-latest"]').trigger('click')
    expect(list.scrollTop).toBe(2000)
    expect(wrapper.find('[data-testid="jump-to-latest"]').exists()).toBe(false)
  })
})
