import type { StateTree } from 'pinia'
import { createTestingPinia } from '@pinia/testing'
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import App from '../../src/App.vue'
import { useChatStore } from '../../src/stores/chat'
import { polyfillDialog } from './dialog-polyfill'
import { testI18n } from './i18n'
import { conversation, overrideGetter } from './mount'

polyfillDialog()
afterEach(() => {
  vi.unstubAllGlobals()
})

/** The whole shell, with the chat itself stubbed: these tests are about the workspace around it. */
function mountApp(options: { phone?: boolean } = {}) {
  vi.stubGlobal('matchMedia', () => ({ matches: options.phone ?? false, addEventListener() {}, removeEventListener() {} }))
  const chats = [conversation({ title: 'First chat', updatedAt: 2 }), conversation({ title: 'Second chat', updatedAt: 1 })]
  const initialState: StateTree = { chat: { conversations: chats, activeId: chats[0]!.id } }
  const pinia = createTestingPinia({ createSpy: vi.fn, initialState })
  const wrapper = mount(App, {
    attachTo: document.body,
    global: {
      plugins: [pinia, testI18n('en')],
      stubs: { ChatMessageList: true, SettingsDialog: true, ChatConversationSettings: true, ChatComposer: { template: '<textarea id="composer" data-testid="composer" />' } },
    },
  })
  return { wrapper, chat: useChatStore(pinia), chats }
}

function press(init: KeyboardEventInit) {
  document.body.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }))
  return nextTick()
}

function sidebarShown(wrapper: ReturnType<typeof mountApp>['wrapper']) {
  return (wrapper.get('#conversation-sidebar').element as HTMLElement).style.display !== 'none'
}

describe('workspace on a desktop', () => {
  it('collapses and expands the sidebar with the header toggle, and remembers it', async () => {
    const { wrapper } = mountApp()
    const toggle = wrapper.get('[data-testid="toggle-sidebar"]')
    expect(toggle.attributes('aria-expanded')).toBe('true')
    expect(toggle.attributes('aria-controls')).toBe('conversation-sidebar')
    expect(toggle.attributes('aria-label')).toBe('Conversation list')
    expect(toggle.attributes('title')).toBe('Conversation list (Ctrl+Shift+S)')

    await toggle.trigger('click')

    expect(toggle.attributes('aria-expanded')).toBe('false')
    expect(sidebarShown(wrapper)).toBe(false)
    expect(localStorage.getItem('sori.sidebar')).toBe('collapsed')
  })

  it('starts a new chat with Ctrl+Shift+O and puts the cursor in the composer', async () => {
    const { chat } = mountApp()

    await press({ key: 'O', code: 'KeyO', ctrlKey: true, shiftKey: true })
    await nextTick()

    expect(chat.newConversation).toHaveBeenCalledOnce()
    expect(document.activeElement?.id).toBe('composer')
  })

  it('toggles the sidebar with Ctrl+Shift+S', async () => {
    const { wrapper } = mountApp()

    await press({ key: 'S', code: 'KeyS', ctrlKey: true, shiftKey: true })

    expect(sidebarShown(wrapper)).toBe(false)
  })

  it('opens a collapsed sidebar and focuses its search box with Ctrl+K', async () => {
    const { wrapper } = mountApp()
    await wrapper.get('[data-testid="toggle-sidebar"]').trigger('click')

    await press({ key: 'k', code: 'KeyK', ctrlKey: true })
    await nextTick()

    expect(sidebarShown(wrapper)).toBe(true)
    expect(document.activeElement?.id).toBe('conversation-search')
  })

  it('stops a streaming answer with Escape, and not when nothing streams', async () => {
    const { chat } = mountApp()

    await press({ key: 'Escape' })
    expect(chat.stop).not.toHaveBeenCalled()

    overrideGetter(chat, 'isStreaming', true)
    await press({ key: 'Escape' })
    expect(chat.stop).toHaveBeenCalledOnce()
  })

  it('focuses the composer with Shift+Escape and opens the help with Ctrl+/', async () => {
    const { wrapper } = mountApp()

    await press({ key: 'Escape', shiftKey: true })
    await nextTick()
    expect(document.activeElement?.id).toBe('composer')

    await press({ key: '/', code: 'Slash', ctrlKey: true })
    // The help dialog is loaded on first use.
    await vi.waitFor(() => expect(wrapper.get('[data-testid="shortcuts-help"]').attributes('open')).toBe(''))
  })
})

describe('workspace on a phone', () => {
  it('keeps the drawer closed until the toggle opens it, over an inert chat', async () => {
    const { wrapper } = mountApp({ phone: true })
    expect(sidebarShown(wrapper)).toBe(false)
    expect(wrapper.find('[data-testid="sidebar-backdrop"]').exists()).toBe(false)

    await wrapper.get('[data-testid="toggle-sidebar"]').trigger('click')
    await nextTick()

    expect(sidebarShown(wrapper)).toBe(true)
    expect(wrapper.get('#conversation-sidebar').classes()).toContain('is-drawer')
    expect(wrapper.get('main').attributes('inert')).toBeDefined()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('new-chat')
  })

  it('closes the drawer on the backdrop and gives focus back to the toggle', async () => {
    const { wrapper } = mountApp({ phone: true })
    await wrapper.get('[data-testid="toggle-sidebar"]').trigger('click')

    await wrapper.get('[data-testid="sidebar-backdrop"]').trigger('click')
    await nextTick()

    expect(sidebarShown(wrapper)).toBe(false)
    expect(wrapper.get('main').attributes('inert')).toBeUndefined()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('toggle-sidebar')
  })

  it('closes the drawer with Escape and after picking a conversation', async () => {
    const { wrapper, chat, chats } = mountApp({ phone: true })
    const toggle = wrapper.get('[data-testid="toggle-sidebar"]')

    await toggle.trigger('click')
    await wrapper.get('[data-testid="new-chat"]').trigger('keydown', { key: 'Escape' })
    expect(toggle.attributes('aria-expanded')).toBe('false')

    await toggle.trigger('click')
    await wrapper.findAll('[data-testid="conversation-item"]')[1]!.trigger('click')
    expect(chat.select).toHaveBeenCalledWith(chats[1]!.id)
    expect(toggle.attributes('aria-expanded')).toBe('false')
    expect(chat.stop).not.toHaveBeenCalled()
  })
})
