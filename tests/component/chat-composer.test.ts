import type { VueWrapper } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import ChatComposer from '../../src/components/chat/ChatComposer.vue'
import { mountWithStores, overrideGetter } from './mount'

function setup(locale: 'en' | 'ko' = 'en') {
  const mounted = mountWithStores(ChatComposer, { locale, attach: true })
  const textarea = mounted.wrapper.get<HTMLTextAreaElement>('[data-testid="composer"]')
  return { ...mounted, textarea }
}

/** Dispatches a keydown on the textarea and returns it, to check whether its default was prevented. */
async function keydown(wrapper: VueWrapper, init: KeyboardEventInit): Promise<KeyboardEvent> {
  const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init })
  wrapper.get('[data-testid="composer"]').element.dispatchEvent(event)
  await nextTick()
  return event
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('chat composer', () => {
  it('sends the typed text on Enter and clears the box', async () => {
    const { wrapper, chat, textarea } = setup()
    await textarea.setValue('Hello there')
    const event = await keydown(wrapper, { key: 'Enter' })

    expect(chat.send).toHaveBeenCalledOnce()
    expect(chat.send).toHaveBeenCalledWith('Hello there')
    expect(event.defaultPrevented).toBe(true)
    expect(textarea.element.value).toBe('')
  })

  it('sends when the Send button is clicked', async () => {
    const { wrapper, chat, textarea } = setup()
    await textarea.setValue('From the button')
    await wrapper.get('[data-testid="send"]').trigger('click')

    expect(chat.send).toHaveBeenCalledWith('From the button')
    expect(textarea.element.value).toBe('')
  })

  it('leaves Shift+Enter to the browser (a new line) and does not send', async () => {
    const { wrapper, chat, textarea } = setup()
    await textarea.setValue('first line')
    const event = await keydown(wrapper, { key: 'Enter', shiftKey: true })

    expect(chat.send).not.toHaveBeenCalled()
    expect(event.defaultPrevented).toBe(false)
    expect(textarea.element.value).toBe('first line')
  })

  it('does not send empty or whitespace-only text', async () => {
    const { wrapper, chat, textarea } = setup()
    await keydown(wrapper, { key: 'Enter' })
    await textarea.setValue('   \n\t ')
    await keydown(wrapper, { key: 'Enter' })
    await wrapper.get('form').trigger('submit')

    expect(chat.send).not.toHaveBeenCalled()
  })

  it('disables the Send button until there is text', async () => {
    const { wrapper, textarea } = setup()
    const send = () => wrapper.get<HTMLButtonElement>('[data-testid="send"]').element

    expect(send().disabled).toBe(true)
    await textarea.setValue('  ')
    expect(send().disabled).toBe(true)
    await textarea.setValue('hi')
    expect(send().disabled).toBe(false)
  })

  describe('while an IME composition is active', () => {
    it('does not send on the Enter that the IME is still composing', async () => {
      const { wrapper, chat, textarea } = setup('ko')
      await textarea.setValue('안녕')
      await textarea.trigger('compositionstart')
      const event = await keydown(wrapper, { key: 'Enter', isComposing: true })

      expect(chat.send).not.toHaveBeenCalled()
      expect(event.defaultPrevented).toBe(false)
    })

    it('does not send on an Enter flagged isComposing, even without a compositionstart seen', async () => {
      const { wrapper, chat, textarea } = setup('ko')
      await textarea.setValue('안녕')
      await keydown(wrapper, { key: 'Enter', isComposing: true })

      expect(chat.send).not.toHaveBeenCalled()
    })

    it('does not send on an Enter between compositionstart and compositionend, even if not flagged', async () => {
      const { wrapper, chat, textarea } = setup('ko')
      await textarea.setValue('안녕')
      await textarea.trigger('compositionstart')
      await keydown(wrapper, { key: 'Enter' })

      expect(chat.send).not.toHaveBeenCalled()
    })

    it('does not send on an Enter with keyCode 229 (a key the IME is processing)', async () => {
      const { wrapper, chat, textarea } = setup('ko')
      await textarea.setValue('안녕')
      await keydown(wrapper, { key: 'Enter', keyCode: 229 } as KeyboardEventInit)

      expect(chat.send).not.toHaveBeenCalled()
    })

    it('swallows the Enter that arrives right after compositionend, then sends on the next one', async () => {
      const now = vi.spyOn(performance, 'now').mockReturnValue(1_000)
      const { wrapper, chat, textarea } = setup('ko')
      await textarea.setValue('안녕하세요')
      await textarea.trigger('compositionstart')
      await textarea.trigger('compositionend')

      now.mockReturnValue(1_010)
      const committing = await keydown(wrapper, { key: 'Enter' })
      expect(chat.send).not.toHaveBeenCalled()
      // Prevented, so the committing Enter does not insert a newline either.
      expect(committing.defaultPrevented).toBe(true)
      expect(textarea.element.value).toBe('안녕하세요')

      now.mockReturnValue(2_000)
      await keydown(wrapper, { key: 'Enter' })
      expect(chat.send).toHaveBeenCalledOnce()
      expect(chat.send).toHaveBeenCalledWith('안녕하세요')
    })
  })

  describe('while an answer is streaming', () => {
    it('shows Stop instead of Send, and Stop stops the answer', async () => {
      const { wrapper, chat } = setup()
      expect(wrapper.find('[data-testid="stop"]').exists()).toBe(false)

      overrideGetter(chat, 'isStreaming', true)
      await nextTick()

      expect(wrapper.find('[data-testid="send"]').exists()).toBe(false)
      const stop = wrapper.get('[data-testid="stop"]')
      expect(stop.text()).toBe('Stop')
      await stop.trigger('click')
      expect(chat.stop).toHaveBeenCalledOnce()
    })

    it('does not send on Enter and keeps the draft', async () => {
      const { wrapper, chat, textarea } = setup()
      overrideGetter(chat, 'isStreaming', true)
      await textarea.setValue('next question')
      await keydown(wrapper, { key: 'Enter' })

      expect(chat.send).not.toHaveBeenCalled()
      expect(textarea.element.value).toBe('next question')
    })
  })
})
