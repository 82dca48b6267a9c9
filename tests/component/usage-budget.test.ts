import { flushPromises } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import ChatComposer from '../../src/components/chat/ChatComposer.vue'
import SettingsDialog from '../../src/components/settings/SettingsDialog.vue'
import UsageBudgetNotice from '../../src/components/usage/UsageBudgetNotice.vue'
import { useUsageStore } from '../../src/stores/usage'
import { polyfillDialog } from './dialog-polyfill'
import { mountWithStores } from './mount'
import { spentConversation, usageState } from './usage-fixtures'

polyfillDialog()

describe('the monthly budget warning', () => {
  it('says nothing below 80 % of the budget', () => {
    const { wrapper } = mountWithStores(UsageBudgetNotice, { initialState: usageState([spentConversation('a', 7.99)], 10) })
    expect(wrapper.find('[data-testid="budget-warning"]').exists()).toBe(false)
  })

  it('warns at 80 %, with what is spent of what budget', () => {
    const { wrapper } = mountWithStores(UsageBudgetNotice, { initialState: usageState([spentConversation('a', 5), spentConversation('b', 3.5)], 10) })
    const notice = wrapper.get('[data-testid="budget-warning"]')
    expect(notice.text()).toBe('You have used 85% of this month\'s budget: $8.50 of $10.00.')
    expect(notice.attributes('role')).toBe('status')
  })

  it('says so in Korean once the budget is all spent', () => {
    const { wrapper } = mountWithStores(UsageBudgetNotice, { initialState: usageState([spentConversation('a', 12)], 10), locale: 'ko' })
    expect(wrapper.get('[data-testid="budget-warning"]').text()).toBe('이번 달 예산을 다 썼습니다: US$10.00 중 US$12.00. 보낼 때 먼저 묻습니다.')
  })

  it('does not count last month', () => {
    const lastMonth = new Date(new Date().getFullYear(), new Date().getMonth(), 0, 12).getTime()
    const { wrapper } = mountWithStores(UsageBudgetNotice, { initialState: usageState([spentConversation('a', 50, lastMonth)], 10) })
    expect(wrapper.find('[data-testid="budget-warning"]').exists()).toBe(false)
  })
})

describe('sending past the monthly budget', () => {
  async function typeAndSend(wrapper: ReturnType<typeof mountWithStores>['wrapper'], text?: string) {
    if (text !== undefined)
      await wrapper.get('[data-testid="composer"]').setValue(text)
    await wrapper.get('form').trigger('submit')
    // The dialog is loaded on first use.
    await flushPromises()
    await vi.dynamicImportSettled()
    await flushPromises()
  }

  it('asks first; declining sends nothing and keeps the typed text', async () => {
    const { wrapper, chat } = mountWithStores(ChatComposer, { initialState: usageState([spentConversation('a', 10)], 10), attach: true })
    await typeAndSend(wrapper, '예산 넘어도 보낼까?')
    const dialog = wrapper.get('[data-testid="budget-confirm"]')
    expect(dialog.attributes('open')).toBe('')
    expect(dialog.text()).toContain('Spent this month: $10.00 of $10.00. Send anyway?')

    await wrapper.get('[data-testid="budget-confirm-cancel"]').trigger('click')
    await flushPromises()
    expect(chat.send).not.toHaveBeenCalled()
    expect((wrapper.get('[data-testid="composer"]').element as HTMLTextAreaElement).value).toBe('예산 넘어도 보낼까?')
    expect(wrapper.find('[data-testid="budget-confirm"]').exists()).toBe(false)
  })

  it('sends when the user accepts', async () => {
    const { wrapper, chat } = mountWithStores(ChatComposer, { initialState: usageState([spentConversation('a', 11)], 10), attach: true })
    await typeAndSend(wrapper, 'send anyway')
    await wrapper.get('[data-testid="budget-confirm-send"]').trigger('click')
    expect(chat.send).toHaveBeenCalledWith('send anyway')
    expect((wrapper.get('[data-testid="composer"]').element as HTMLTextAreaElement).value).toBe('')
  })

  it('counts Escape as declining', async () => {
    const { wrapper, chat } = mountWithStores(ChatComposer, { initialState: usageState([spentConversation('a', 11)], 10), attach: true })
    await typeAndSend(wrapper, 'maybe')
    ;(wrapper.get('[data-testid="budget-confirm"]').element as HTMLDialogElement).close()
    await flushPromises()
    expect(chat.send).not.toHaveBeenCalled()
    expect((wrapper.get('[data-testid="composer"]').element as HTMLTextAreaElement).value).toBe('maybe')
  })

  it('does not ask under the budget, or without one', async () => {
    for (const budget of [20, null]) {
      const { wrapper, chat } = mountWithStores(ChatComposer, { initialState: usageState([spentConversation('a', 11)], budget) })
      await typeAndSend(wrapper, 'hello')
      expect(wrapper.find('[data-testid="budget-confirm"]').exists()).toBe(false)
      expect(chat.send).toHaveBeenCalledWith('hello')
      wrapper.unmount()
    }
  })
})

describe('the budget in Settings', () => {
  async function openSettings(budgetUsd: number | null) {
    const mounted = mountWithStores(SettingsDialog, { initialState: usageState([], budgetUsd), props: { 'open': false, 'onUpdate:open': () => {} } })
    await mounted.wrapper.setProps({ open: true })
    await flushPromises()
    return { ...mounted, usage: useUsageStore() }
  }

  it('saves a budget in dollars and remembers it', async () => {
    const { wrapper, usage } = await openSettings(null)
    expect((wrapper.get('[data-testid="settings-budget"]').element as HTMLInputElement).value).toBe('')
    await wrapper.get('[data-testid="settings-budget"]').setValue('12.50')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(usage.budgetUsd).toBe(12.5)
    expect(JSON.parse(localStorage.getItem('sori.usage')!).budgetUsd).toBe(12.5)
  })

  it('refuses a budget that is not an amount, and clears one left empty', async () => {
    const { wrapper, usage } = await openSettings(30)
    expect((wrapper.get('[data-testid="settings-budget"]').element as HTMLInputElement).value).toBe('30')
    await wrapper.get('[data-testid="settings-budget"]').setValue('lots')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.get('[data-testid="settings-budget-error"]').attributes('role')).toBe('alert')
    expect(wrapper.get('[data-testid="settings-budget"]').attributes('aria-invalid')).toBe('true')
    expect(usage.budgetUsd).toBe(30)

    await wrapper.get('[data-testid="settings-budget"]').setValue('')
    await wrapper.get('form').trigger('submit')
    expect(usage.budgetUsd).toBeNull()
  })
})
