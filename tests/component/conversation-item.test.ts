import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import ConversationListItem from '../../src/components/conversation/ConversationListItem.vue'
import { conversation, mountWithStores } from './mount'

function mountItem(fields: Parameters<typeof conversation>[0] = { title: 'Seoul weather' }) {
  const item = conversation(fields)
  const mounted = mountWithStores(ConversationListItem, { props: { conversation: item, active: false }, attach: true })
  return { ...mounted, item }
}

async function startRenaming(wrapper: ReturnType<typeof mountItem>['wrapper']) {
  await wrapper.get('[data-testid="rename-conversation"]').trigger('click')
  return wrapper.get<HTMLInputElement>('[data-testid="rename-input"]')
}

describe('conversation list item', () => {
  it('labels its actions with the conversation title for screen readers', () => {
    const { wrapper } = mountItem()

    expect(wrapper.get('[data-testid="rename-conversation"]').attributes('aria-label')).toBe('Rename “Seoul weather”')
    expect(wrapper.get('[data-testid="pin-conversation"]').attributes('aria-label')).toBe('Pin “Seoul weather” to the top')
    expect(wrapper.get('[data-testid="delete-conversation"]').attributes('aria-label')).toBe('Delete “Seoul weather”')
  })

  it('opens an input holding the title, focused and selected, in place of the item', async () => {
    const { wrapper } = mountItem()

    const input = await startRenaming(wrapper)

    expect(input.element.value).toBe('Seoul weather')
    expect(document.activeElement).toBe(input.element)
    expect(input.element.selectionEnd! - input.element.selectionStart!).toBe('Seoul weather'.length)
    expect(wrapper.find('[data-testid="conversation-item"]').exists()).toBe(false)
  })

  it('saves the new title with Enter and gives focus back to the item', async () => {
    const { wrapper, chat, item } = mountItem()
    const input = await startRenaming(wrapper)

    await input.setValue('Busan trip')
    await input.trigger('keydown', { key: 'Enter' })
    await nextTick()

    expect(chat.rename).toHaveBeenCalledExactlyOnceWith(item.id, 'Busan trip')
    expect(document.activeElement).toBe(wrapper.get('[data-testid="conversation-item"]').element)
  })

  it('saves the new title when the input loses focus', async () => {
    const { wrapper, chat, item } = mountItem()
    const input = await startRenaming(wrapper)

    await input.setValue('부산 여행')
    await input.trigger('blur')

    expect(chat.rename).toHaveBeenCalledExactlyOnceWith(item.id, '부산 여행')
    expect(wrapper.find('[data-testid="rename-input"]').exists()).toBe(false)
  })

  it('cancels with Escape, and Escape goes no further (no drawer closes, no answer stops)', async () => {
    const { wrapper, chat } = mountItem()
    const input = await startRenaming(wrapper)
    let escaped = false
    const onKeydown = () => {
      escaped = true
    }
    document.addEventListener('keydown', onKeydown)

    await input.setValue('Never mind')
    await input.trigger('keydown', { key: 'Escape' })
    document.removeEventListener('keydown', onKeydown)

    expect(chat.rename).not.toHaveBeenCalled()
    expect(escaped).toBe(false)
    expect(wrapper.get('[data-testid="conversation-item"]').text()).toBe('Seoul weather')
  })

  it('does not save on the Enter that commits a Korean composition', async () => {
    const { wrapper, chat } = mountItem()
    const input = await startRenaming(wrapper)

    await input.setValue('부산')
    await input.trigger('compositionstart')
    await input.trigger('keydown', { key: 'Enter', isComposing: true, keyCode: 229 })
    await input.trigger('keydown', { key: 'Escape', isComposing: true, keyCode: 229 })
    await input.trigger('compositionend')
    // The Enter some browsers send right after compositionend is swallowed too.
    await input.trigger('keydown', { key: 'Enter', keyCode: 13 })

    expect(chat.rename).not.toHaveBeenCalled()
    expect(wrapper.find('[data-testid="rename-input"]').exists()).toBe(true)
  })

  it('leaves the title alone when the new one is blank or unchanged', async () => {
    const { wrapper, chat } = mountItem()

    await (await startRenaming(wrapper)).setValue('   ')
    await wrapper.get('[data-testid="rename-input"]').trigger('blur')
    await (await startRenaming(wrapper)).trigger('blur')

    expect(chat.rename).not.toHaveBeenCalled()
  })

  it('pins and unpins through the store', async () => {
    const { wrapper, chat, item } = mountItem()

    await wrapper.get('[data-testid="pin-conversation"]').trigger('click')

    expect(chat.togglePin).toHaveBeenCalledExactlyOnceWith(item.id)
  })

  it('asks to delete itself', async () => {
    const { wrapper, item } = mountItem()

    await wrapper.get('[data-testid="delete-conversation"]').trigger('click')

    expect(wrapper.emitted('remove')).toEqual([[item.id]])
  })
})
