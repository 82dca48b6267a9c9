import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import ConversationSidebar from '../../src/components/conversation/ConversationSidebar.vue'
import { conversation, message, mountWithStores } from './mount'

function mountSidebar(options: { locale?: 'en' | 'ko', drawer?: boolean } = {}) {
  const first = conversation({ title: 'Seoul weather', updatedAt: 20, messages: [message({ role: 'user', content: 'Weather?' }), message({ role: 'assistant', content: 'Rain on Tuesday' })] })
  const second = conversation({ title: '', updatedAt: 10 })
  const mounted = mountWithStores(ConversationSidebar, {
    initialState: { chat: { conversations: [first, second], activeId: first.id } },
    locale: options.locale,
    props: { drawer: options.drawer },
    attach: true,
  })
  return { ...mounted, first, second }
}

const items = (wrapper: ReturnType<typeof mountSidebar>['wrapper']) => wrapper.findAll('[data-testid="conversation-item"]')

describe('conversation sidebar', () => {
  it('starts a new conversation and says it navigated', async () => {
    const { wrapper, chat } = mountSidebar()

    await wrapper.get('[data-testid="new-chat"]').trigger('click')

    expect(chat.newConversation).toHaveBeenCalledOnce()
    expect(wrapper.emitted('navigate')).toHaveLength(1)
  })

  it('clears the search when starting a new chat, so the new chat is listed', async () => {
    const { wrapper, chat } = mountSidebar()
    await wrapper.get('[data-testid="conversation-search"]').setValue('tuesday')

    await wrapper.get('[data-testid="new-chat"]').trigger('click')

    expect(chat.query).toBe('')
    expect(wrapper.get<HTMLInputElement>('[data-testid="conversation-search"]').element.value).toBe('')
  })

  it('lists each conversation by its title, or as untitled, most recent first', () => {
    const { wrapper } = mountSidebar()

    expect(items(wrapper).map(item => item.text())).toEqual(['Seoul weather', 'New conversation'])
  })

  it('labels untitled conversations and the controls in Korean', () => {
    const { wrapper } = mountSidebar({ locale: 'ko' })

    expect(items(wrapper)[1]?.text()).toBe('새 대화')
    expect(wrapper.get('[data-testid="conversation-search"]').attributes('placeholder')).toBe('제목과 메시지에서 검색')
    expect(wrapper.get('[data-testid="delete-conversation"]').attributes('aria-label')).toBe('‘Seoul weather’ 삭제')
  })

  it('marks the active conversation', () => {
    const { wrapper } = mountSidebar()

    expect(items(wrapper).map(item => item.attributes('aria-current'))).toEqual(['page', undefined])
  })

  it('lists pinned conversations first and marks them', async () => {
    const { wrapper, chat, second } = mountSidebar()

    chat.conversations[1]!.pinned = true
    await nextTick()

    expect(items(wrapper)[0]?.text()).toBe('Pinned New conversation')
    expect(wrapper.get('[data-pinned]').find('[data-testid="conversation-item"]').text()).toContain('New conversation')
    expect(wrapper.findAll('[data-testid="pin-conversation"]').map(b => b.attributes('aria-pressed'))).toEqual(['true', 'false'])
    expect(chat.conversations[1]!.id).toBe(second.id)
  })

  it('selects a conversation when it is clicked, and says it navigated', async () => {
    const { wrapper, chat, second } = mountSidebar()

    await items(wrapper)[1]?.trigger('click')

    expect(chat.select).toHaveBeenCalledExactlyOnceWith(second.id)
    expect(wrapper.emitted('navigate')).toHaveLength(1)
  })

  it('binds the search box to the store query and lists only what matches', async () => {
    const { wrapper, chat } = mountSidebar()

    await wrapper.get('[data-testid="conversation-search"]').setValue('tuesday')

    expect(chat.query).toBe('tuesday')
    expect(items(wrapper).map(item => item.text())).toEqual(['Seoul weather'])
  })

  it('says when no conversation matches the search', async () => {
    const { wrapper } = mountSidebar()

    await wrapper.get('[data-testid="conversation-search"]').setValue('  snow ')

    expect(items(wrapper)).toHaveLength(0)
    expect(wrapper.get('[data-testid="no-match"]').text()).toBe('No conversations match “snow”')
  })

  it('deletes a conversation, keeping focus in the sidebar', async () => {
    const { wrapper, chat, first } = mountSidebar()

    await wrapper.get('[data-testid="delete-conversation"]').trigger('click')

    expect(chat.remove).toHaveBeenCalledExactlyOnceWith(first.id)
    expect(document.activeElement).toBe(wrapper.get('[data-testid="new-chat"]').element)
  })

  it('says there are no conversations yet', () => {
    const { wrapper } = mountWithStores(ConversationSidebar)

    expect(wrapper.findAll('[data-testid="conversation-item"]')).toHaveLength(0)
    expect(wrapper.get('.conversation-empty').text()).toBe('No conversations yet')
  })

  it('as a drawer, closes with its close button and with Escape', async () => {
    const { wrapper } = mountSidebar({ drawer: true })

    await wrapper.get('[data-testid="close-sidebar"]').trigger('click')
    await wrapper.get('[data-testid="conversation-search"]').trigger('keydown', { key: 'Escape' })

    expect(wrapper.emitted('close')).toHaveLength(2)
  })

  it('as a drawer, leaves Escape to an IME composition', async () => {
    const { wrapper } = mountSidebar({ drawer: true })

    await wrapper.get('[data-testid="conversation-search"]').trigger('keydown', { key: 'Escape', isComposing: true })

    expect(wrapper.emitted('close')).toBeUndefined()
  })

  it('on a desktop has no close button and ignores Escape', async () => {
    const { wrapper } = mountSidebar()

    await wrapper.get('[data-testid="conversation-search"]').trigger('keydown', { key: 'Escape' })

    expect(wrapper.find('[data-testid="close-sidebar"]').exists()).toBe(false)
    expect(wrapper.emitted('close')).toBeUndefined()
  })
})
