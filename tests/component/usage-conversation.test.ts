import { flushPromises } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import ChatConversationSettings from '../../src/components/chat/ChatConversationSettings.vue'
import ChatMessageDetails from '../../src/components/chat/ChatMessageDetails.vue'
import { polyfillDialog } from './dialog-polyfill'
import { conversation, message, mountWithStores } from './mount'
import { spentConversation, usageState } from './usage-fixtures'

polyfillDialog()

async function openDetails(wrapper: ReturnType<typeof mountWithStores>['wrapper']) {
  const details = wrapper.get<HTMLDetailsElement>('[data-testid="message-details"]')
  details.element.open = true
  await details.trigger('toggle')
}

describe('cost in a conversation', () => {
  it('shows an answer\'s cost in its details', async () => {
    const chat = spentConversation('a', 0.0042)
    const answer = chat.messages[1]!
    const { wrapper } = mountWithStores(ChatMessageDetails, { initialState: usageState([chat]), props: { message: answer } })
    expect(wrapper.find('[data-testid="details-cost"]').exists()).toBe(false)
    await openDetails(wrapper)
    expect(wrapper.get('[data-testid="details-cost"]').text()).toBe('$0.0042')
  })

  it('labels an estimated cost, and says when the model has no price, in Korean', async () => {
    const estimated = conversation({ messages: [message({ role: 'user', content: 'a'.repeat(4000) }), message({ role: 'assistant', content: 'b'.repeat(4000), model: 'gpt-4.1' })] })
    const { wrapper } = mountWithStores(ChatMessageDetails, { initialState: usageState([estimated]), props: { message: estimated.messages[1] }, locale: 'ko' })
    await openDetails(wrapper)
    expect(wrapper.get('[data-testid="details-cost"]').text()).toBe('약 US$0.002 (추정)')

    const demo = conversation({ messages: [message({ role: 'assistant', content: 'hi', model: 'demo' })] })
    const other = mountWithStores(ChatMessageDetails, { initialState: usageState([demo]), props: { message: demo.messages[0] }, locale: 'ko' }).wrapper
    await openDetails(other)
    expect(other.get('[data-testid="details-cost"]').text()).toBe('이 모델은 가격 정보가 없습니다')
  })

  it('shows the conversation\'s total in its settings', async () => {
    const chat = spentConversation('a', 1.5)
    const { wrapper } = mountWithStores(ChatConversationSettings, { initialState: usageState([chat]), props: { 'open': false, 'onUpdate:open': () => {} } })
    await wrapper.setProps({ open: true })
    await flushPromises()
    expect(wrapper.get('[data-testid="conversation-usage"]').text()).toBe('This conversation so far: $1.50, 1,500,000 tokens.')
  })
})
