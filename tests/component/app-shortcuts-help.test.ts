import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import AppShortcutsHelp from '../../src/components/app/AppShortcutsHelp.vue'
import { polyfillDialog } from './dialog-polyfill'
import { mountWithStores } from './mount'

polyfillDialog()

function mountHelp(props: { mac: boolean, open?: boolean }, locale: 'en' | 'ko' = 'en') {
  return mountWithStores(AppShortcutsHelp, { props: { open: false, ...props }, locale, attach: true }).wrapper
}

function rows(wrapper: ReturnType<typeof mountHelp>) {
  return wrapper.findAll('dl > div').map(row => `${row.get('dt').text()}: ${row.findAll('kbd').map(k => k.text()).join(' ')}`)
}

describe('shortcuts help dialog', () => {
  it('lists every shortcut with Ctrl outside a Mac', () => {
    expect(rows(mountHelp({ mac: false }))).toEqual([
      'Start a new chat: Ctrl Shift O',
      'Go to the message box: Shift Esc',
      'Stop the answer: Esc',
      'Show or hide the conversation list: Ctrl Shift S',
      'Search conversations: Ctrl K',
      'Show keyboard shortcuts: Ctrl /',
    ])
  })

  it('shows ⌘ on a Mac, in Korean', () => {
    const wrapper = mountHelp({ mac: true }, 'ko')

    expect(wrapper.get('h2').text()).toBe('단축키')
    expect(rows(wrapper)[0]).toBe('새 대화 시작: ⇧ ⌘ O')
  })

  it('opens as a modal when asked and reports when it closes', async () => {
    const wrapper = mountHelp({ mac: false })
    const dialog = wrapper.get<HTMLDialogElement>('[data-testid="shortcuts-help"]')
    expect(dialog.attributes('open')).toBeUndefined()

    await wrapper.setProps({ open: true })
    await nextTick()
    expect(dialog.attributes('open')).toBe('')

    dialog.element.close()
    expect(wrapper.emitted('update:open')).toEqual([[false]])
  })
})
