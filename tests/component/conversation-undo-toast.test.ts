import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import ConversationUndoToast from '../../src/components/conversation/ConversationUndoToast.vue'
import { conversation, mountWithStores } from './mount'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

async function mountAfterDelete(title = 'Seoul weather') {
  const mounted = mountWithStores(ConversationUndoToast, { locale: 'ko' })
  mounted.chat.removed = { conversation: conversation({ title }), wasActive: true }
  await nextTick()
  return mounted
}

const toast = (wrapper: Awaited<ReturnType<typeof mountAfterDelete>>['wrapper']) => wrapper.find('[data-testid="undo-delete"]')

describe('undo toast', () => {
  it('is not there until something is deleted', () => {
    const { wrapper } = mountWithStores(ConversationUndoToast)

    expect(wrapper.find('[data-testid="undo-delete"]').exists()).toBe(false)
  })

  it('says what was deleted, as a status, inside a live region that stays in the page', async () => {
    const { wrapper } = await mountAfterDelete()

    expect(toast(wrapper).attributes('role')).toBe('status')
    expect(toast(wrapper).text()).toContain('‘Seoul weather’ 대화를 삭제했습니다')
    expect(wrapper.attributes('aria-live')).toBe('polite')
  })

  it('undoes the deletion and goes away', async () => {
    const { wrapper, chat } = await mountAfterDelete()

    await wrapper.get('[data-testid="undo-delete-button"]').trigger('click')

    expect(chat.undoRemove).toHaveBeenCalledOnce()
    expect(toast(wrapper).exists()).toBe(false)
  })

  it('goes away when dismissed, without undoing', async () => {
    const { wrapper, chat } = await mountAfterDelete()

    await wrapper.get('[data-testid="dismiss-undo"]').trigger('click')

    expect(toast(wrapper).exists()).toBe(false)
    expect(chat.undoRemove).not.toHaveBeenCalled()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('goes away by itself after 8 seconds', async () => {
    const { wrapper } = await mountAfterDelete()

    await vi.advanceTimersByTimeAsync(7900)
    expect(toast(wrapper).exists()).toBe(true)
    await vi.advanceTimersByTimeAsync(200)
    expect(toast(wrapper).exists()).toBe(false)
  })

  it('waits while the pointer or the focus is on it', async () => {
    const { wrapper } = await mountAfterDelete()

    await wrapper.trigger('focusin')
    await vi.advanceTimersByTimeAsync(20_000)
    expect(toast(wrapper).exists()).toBe(true)

    await wrapper.trigger('focusout')
    await vi.advanceTimersByTimeAsync(8100)
    expect(toast(wrapper).exists()).toBe(false)
  })

  it('starts over for the next deletion', async () => {
    const { wrapper, chat } = await mountAfterDelete('First')
    await vi.advanceTimersByTimeAsync(6000)

    chat.removed = { conversation: conversation({ title: 'Second' }), wasActive: false }
    await vi.advanceTimersByTimeAsync(6000)

    expect(toast(wrapper).text()).toContain('‘Second’')
  })

  it('clears its timer when unmounted', async () => {
    const { wrapper } = await mountAfterDelete()
    expect(vi.getTimerCount()).toBe(1)

    wrapper.unmount()

    expect(vi.getTimerCount()).toBe(0)
  })
})
