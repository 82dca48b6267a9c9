import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import ChatLinkDialog from '../../src/components/chat/ChatLinkDialog.vue'
import ChatMarkdown from '../../src/components/chat/ChatMarkdown.vue'
import { useLinkConfirm } from '../../src/composables/useLinkConfirm'
import { loadMarkdown } from '../../src/composables/useMarkdown'
import { polyfillDialog } from './dialog-polyfill'
import { mountWithStores } from './mount'

polyfillDialog()

let frames: FrameRequestCallback[] = []
function runFrame(): void {
  const due = frames
  frames = []
  due.forEach(callback => callback(performance.now()))
}

beforeAll(() => loadMarkdown())
beforeEach(() => {
  frames = []
  vi.stubGlobal('requestAnimationFrame', vi.fn((callback: FrameRequestCallback) => frames.push(callback)))
  vi.stubGlobal('cancelAnimationFrame', vi.fn())
})
afterEach(() => {
  vi.unstubAllGlobals()
  useLinkConfirm().pending.value = null
})

function mountMarkdown(source: string, streaming: boolean, imageHosts: string[] = []) {
  const mounted = mountWithStores(ChatMarkdown, { props: { source, streaming }, initialState: { settings: { imageHosts } } })
  return { ...mounted, root: () => mounted.wrapper.get('.chat-markdown').element as HTMLElement }
}

describe('images in an answer', () => {
  it('show a placeholder naming the host; a click loads the image, which stays while the answer streams on', async () => {
    const { wrapper, root } = mountMarkdown('Logo: ![the logo](https://img.example/logo.png?q=1)', true)
    await flushPromises()
    const placeholder = root().querySelector<HTMLElement>('.md-image')!
    expect(placeholder.textContent).toBe('🖼 the logo img.example')
    expect(placeholder.title).toBe('Load the image from img.example')
    expect(root().querySelector('img')).toBeNull()

    placeholder.click()
    const image = root().querySelector('img')!
    expect(image.getAttribute('src')).toBe('https://img.example/logo.png?q=1')
    expect(image.alt).toBe('the logo')
    expect(image.referrerPolicy).toBe('no-referrer')

    // The open paragraph renders again as text arrives: the chosen image is shown again.
    await wrapper.setProps({ source: 'Logo: ![the logo](https://img.example/logo.png?q=1) and more' })
    runFrame()
    expect(root().textContent).toContain('and more')
    expect(root().querySelector('img')?.getAttribute('src')).toBe('https://img.example/logo.png?q=1')
    expect(root().querySelector('.md-image')).toBeNull()
  })

  it('load on Enter from the keyboard', async () => {
    const { root } = mountMarkdown('![chart](https://img.example/c.png)', false)
    await flushPromises()
    const placeholder = root().querySelector<HTMLElement>('.md-image')!
    expect(placeholder.getAttribute('role')).toBe('button')
    expect(placeholder.tabIndex).toBe(0)
    placeholder.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
    expect(root().querySelector('img')?.getAttribute('src')).toBe('https://img.example/c.png')
  })

  it('load at once from an allowlisted host, and render again when the allowlist changes', async () => {
    const { settings, root } = mountMarkdown('![a](https://img.example/a.png) ![b](https://other.example/b.png)', false, ['img.example'])
    await flushPromises()
    expect(Array.from(root().querySelectorAll('img'), image => image.getAttribute('src'))).toEqual(['https://img.example/a.png'])
    expect(root().querySelectorAll('.md-image')).toHaveLength(1)

    settings.imageHosts = ['img.example', 'other.example']
    await flushPromises()
    expect(root().querySelectorAll('img')).toHaveLength(2)
    expect(root().querySelectorAll('p')).toHaveLength(1)

    settings.imageHosts = []
    await flushPromises()
    expect(root().querySelectorAll('img')).toHaveLength(0)
    expect(root().querySelectorAll('.md-image')).toHaveLength(2)
  })
})

describe('links in an answer', () => {
  it('ask before leaving instead of navigating', async () => {
    const { root } = mountMarkdown('[the bank](https://bücher.example/login)', false)
    await flushPromises()
    const click = new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true })
    root().querySelector('a')!.dispatchEvent(click)
    expect(click.defaultPrevented).toBe(true)
    expect(useLinkConfirm().pending.value).toBe('https://xn--bcher-kva.example/login')
  })

  it('the confirmation shows the host and the full address, and opens only on request, without an opener', async () => {
    const open = vi.fn()
    vi.stubGlobal('open', open)
    useLinkConfirm().pending.value = 'https://xn--bcher-kva.example/login?next=%2F'
    const { wrapper } = mountWithStores(ChatLinkDialog, { attach: true })
    await flushPromises()
    expect(wrapper.get('dialog').attributes('open')).toBeDefined()
    expect(wrapper.get('[data-testid="link-dialog-host"]').text()).toBe('xn--bcher-kva.example')
    expect(wrapper.get('[data-testid="link-dialog-url"]').text()).toBe('https://xn--bcher-kva.example/login?next=%2F')

    await wrapper.get('[data-testid="link-dialog-cancel"]').trigger('click')
    expect(useLinkConfirm().pending.value).toBeNull()
    expect(open).not.toHaveBeenCalled()

    useLinkConfirm().pending.value = 'mailto:a@example.com'
    await flushPromises()
    expect(wrapper.get('[data-testid="link-dialog-host"]').text()).toBe('a@example.com')
    await wrapper.get('form').trigger('submit')
    expect(open).toHaveBeenCalledWith('mailto:a@example.com', '_blank', 'noopener,noreferrer')
    expect(useLinkConfirm().pending.value).toBeNull()
  })

  it('the confirmation refuses an address it would not open', async () => {
    useLinkConfirm().pending.value = 'javascript:alert(1)'
    mountWithStores(ChatLinkDialog)
    await flushPromises()
    expect(useLinkConfirm().pending.value).toBeNull()
  })
})
