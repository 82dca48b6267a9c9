import { describe, expect, it } from 'vitest'
import ConversationSidebar from '../../src/components/conversation/ConversationSidebar.vue'
import { conversation, message, mountWithStores } from './mount'

function mountSidebar(locale: 'en' | 'ko' = 'en') {
  const first = conversation({ title: 'Seoul weather', messages: [message({ role: 'user', content: 'Weather?' })] })
  const second = conversation({ title: '' })
  const mounted = mountWithStores(ConversationSidebar, {
    initialState: { chat: { conversations: [first, second], activeId: first.id } },
    locale,
  })
  return { ...mounted, first, second }
}

describe('conversation sidebar', () => {
  it('starts a new conversation', async () => {
    const { wrapper, chat } = mountSidebar()

    await wrapper.get('[data-testid="new-chat"]').trigger('click')

    expect(chat.newConversation).toHaveBeenCalledOnce()
  })

  it('lists each conversation by its title, or as untitled', () => {
    const { wrapper } = mountSidebar()

    const items = wrapper.findAll('[data-testid="conversation-item"]')
    expect(items.map(item => item.text())).toEqual(['Seoul weather', 'New conversation'])
  })

  it('labels untitled conversations in Korean', () => {
    const { wrapper } = mountSidebar('ko')

    expect(wrapper.findAll('[data-testid="conversation-item"]')[1]?.text()).toBe('새 대화')
  })

  it('marks the active conversation', () => {
    const { wrapper } = mountSidebar()

    const items = wrapper.findAll('[data-testid="conversation-item"]')
    expect(items.map(item => item.attributes('aria-current'))).toEqual(['page', undefined])
  })

  it('selects a conversation when it is clicked', async () => {
    const { wrapper, chat, second } = mountSidebar()

    await wrapper.findAll('[data-testid="conversation-item"]')[1]?.trigger('click')

    expect(chat.select).toHaveBeenCalledOnce()
    expect(chat.select).toHaveBeenCalledWith(second.id)
  })

  it('says there are no conversations yet', () => {
    const { wrapper } = mountWithStores(ConversationSidebar)

    expect(wrapper.findAll('[data-testid="conversation-item"]')).toHaveLength(0)
    expect(wrapper.get('.conversation-empty').text()).toBe('No conversations yet')
  })
})
