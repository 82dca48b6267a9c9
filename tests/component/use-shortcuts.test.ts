import type { ShortcutOptions } from '../../src/composables/useShortcuts'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { useShortcuts } from '../../src/composables/useShortcuts'

const scopes: Array<ReturnType<typeof effectScope>> = []
afterEach(() => {
  scopes.splice(0).forEach(scope => scope.stop())
  document.body.innerHTML = ''
})

function listen(options: Partial<ShortcutOptions> = {}) {
  const handlers = { newChat: vi.fn(), focusComposer: vi.fn(), stop: vi.fn(), toggleSidebar: vi.fn(), search: vi.fn(), help: vi.fn() }
  const scope = effectScope()
  scopes.push(scope)
  scope.run(() => useShortcuts({ handlers, isStreaming: () => true, mac: false, ...options }))
  return { handlers, scope }
}

function press(init: KeyboardEventInit, target: EventTarget = document.body) {
  const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init })
  target.dispatchEvent(event)
  return event
}

function field(tag: 'input' | 'textarea', value = '') {
  const element = document.createElement(tag)
  element.value = value
  document.body.append(element)
  return element
}

describe('useShortcuts', () => {
  it('runs the matching handler and keeps the key from the browser', () => {
    const { handlers } = listen()

    const event = press({ key: 'k', code: 'KeyK', ctrlKey: true })

    expect(handlers.search).toHaveBeenCalledOnce()
    expect(event.defaultPrevented).toBe(true)
  })

  it('leaves a key without a handler to the browser', () => {
    const scope = effectScope()
    scopes.push(scope)
    scope.run(() => useShortcuts({ handlers: {}, isStreaming: () => false, mac: false }))

    expect(press({ key: 'k', code: 'KeyK', ctrlKey: true }).defaultPrevented).toBe(false)
  })

  it('uses Cmd on a Mac', () => {
    const { handlers } = listen({ mac: true })

    press({ key: 'O', code: 'KeyO', ctrlKey: true, shiftKey: true })
    press({ key: 'o', code: 'KeyO', metaKey: true, shiftKey: true })

    expect(handlers.newChat).toHaveBeenCalledOnce()
  })

  it('does nothing between compositionstart and compositionend', () => {
    const { handlers } = listen()
    const input = field('input')

    input.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true }))
    press({ key: 'k', code: 'KeyK', ctrlKey: true }, input)
    input.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true }))
    press({ key: 'k', code: 'KeyK', ctrlKey: true }, input)

    expect(handlers.search).toHaveBeenCalledOnce()
  })

  it('stops an answer with Escape, but not from a text field holding text', () => {
    const { handlers } = listen()

    press({ key: 'Escape' }, field('textarea', 'half a question'))
    expect(handlers.stop).not.toHaveBeenCalled()

    press({ key: 'Escape' }, field('textarea'))
    expect(handlers.stop).toHaveBeenCalledOnce()
  })

  it('does not stop when nothing is streaming, and leaves Escape to the browser', () => {
    const { handlers } = listen({ isStreaming: () => false })

    const event = press({ key: 'Escape' })

    expect(handlers.stop).not.toHaveBeenCalled()
    expect(event.defaultPrevented).toBe(false)
  })

  it('ignores keys already handled by an element, and keys inside an open dialog', () => {
    const { handlers } = listen()
    const input = field('input')
    input.addEventListener('keydown', event => event.preventDefault())
    const dialog = document.createElement('dialog')
    dialog.setAttribute('open', '')
    const button = document.createElement('button')
    dialog.append(button)
    document.body.append(dialog)

    press({ key: 'Escape' }, input)
    press({ key: 'k', code: 'KeyK', ctrlKey: true }, button)

    expect(handlers.stop).not.toHaveBeenCalled()
    expect(handlers.search).not.toHaveBeenCalled()
  })

  it('stops listening when its scope ends', () => {
    const { handlers, scope } = listen()

    scope.stop()
    press({ key: '/', code: 'Slash', ctrlKey: true })

    expect(handlers.help).not.toHaveBeenCalled()
  })
})
