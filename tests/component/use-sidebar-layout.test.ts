import { afterEach, describe, expect, it } from 'vitest'
import { effectScope, nextTick } from 'vue'
import { PHONE_QUERY, useSidebarLayout } from '../../src/composables/useSidebarLayout'

/** A MediaQueryList whose `matches` the test flips. */
function fakeMedia(matches: boolean) {
  const listeners = new Set<(event: MediaQueryListEvent) => void>()
  const list = {
    matches,
    addEventListener: (_: string, listener: (event: MediaQueryListEvent) => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: (event: MediaQueryListEvent) => void) => listeners.delete(listener),
  }
  const change = (next: boolean) => listeners.forEach(listener => listener({ matches: next } as MediaQueryListEvent))
  return { list: list as unknown as MediaQueryList, change, listeners }
}

const scopes: Array<ReturnType<typeof effectScope>> = []
afterEach(() => {
  scopes.splice(0).forEach(scope => scope.stop())
  document.body.innerHTML = ''
  localStorage.clear()
})

function layout(phone: boolean) {
  document.body.innerHTML = '<button id="toggle"></button><nav id="sidebar"><button id="first"></button><input id="search"></nav>'
  const media = fakeMedia(phone)
  const queries: string[] = []
  const scope = effectScope()
  scopes.push(scope)
  const sidebar = scope.run(() => useSidebarLayout({
    sidebarId: 'sidebar',
    toggleId: 'toggle',
    drawerFocusId: 'first',
    storage: localStorage,
    matchMedia: (query) => {
      queries.push(query)
      return media.list
    },
  }))!
  return { sidebar, media, queries, scope }
}

const focused = () => document.activeElement?.id

describe('sidebar layout on a desktop', () => {
  it('is open by default and asks the phone media query', () => {
    const { sidebar, queries } = layout(false)

    expect(sidebar.open.value).toBe(true)
    expect(sidebar.drawerOpen.value).toBe(false)
    expect(queries).toEqual([PHONE_QUERY])
    expect(PHONE_QUERY).toBe('(max-width: 720px)')
  })

  it('collapses and expands, remembering the choice across page loads', () => {
    const first = layout(false)
    first.sidebar.toggle()
    expect(first.sidebar.open.value).toBe(false)

    const second = layout(false)
    expect(second.sidebar.open.value).toBe(false)
    second.sidebar.toggle()
    expect(layout(false).sidebar.open.value).toBe(true)
  })

  it('moves focus out of the sidebar it hides, to the toggle', async () => {
    const { sidebar } = layout(false)
    document.getElementById('search')!.focus()

    sidebar.hide()
    await nextTick()

    expect(focused()).toBe('toggle')
  })

  it('opens for a search and focuses the search box', async () => {
    const { sidebar } = layout(false)
    sidebar.hide()

    sidebar.show('search')
    await nextTick()

    expect(sidebar.open.value).toBe(true)
    expect(focused()).toBe('search')
  })

  it('ignores closeDrawer: a desktop sidebar stays after picking a conversation', () => {
    const { sidebar } = layout(false)

    sidebar.closeDrawer()

    expect(sidebar.open.value).toBe(true)
  })
})

describe('sidebar layout on a phone', () => {
  it('is a closed drawer by default, whatever the desktop choice was', () => {
    localStorage.setItem('sori.sidebar', 'expanded')

    const { sidebar } = layout(true)

    expect(sidebar.isPhone.value).toBe(true)
    expect(sidebar.open.value).toBe(false)
  })

  it('moves focus into the drawer when it opens and back to the toggle when it closes', async () => {
    const { sidebar } = layout(true)

    sidebar.toggle()
    await nextTick()
    expect(sidebar.drawerOpen.value).toBe(true)
    expect(focused()).toBe('first')

    sidebar.closeDrawer()
    await nextTick()
    expect(sidebar.drawerOpen.value).toBe(false)
    expect(focused()).toBe('toggle')
  })

  it('does not touch the remembered desktop choice', () => {
    const { sidebar } = layout(true)

    sidebar.toggle()
    sidebar.toggle()

    expect(localStorage.getItem('sori.sidebar')).toBeNull()
  })

  it('closes the drawer when the window grows to desktop width, and stops listening with its scope', () => {
    const { sidebar, media, scope } = layout(true)
    sidebar.show()

    media.change(false)
    expect(sidebar.isPhone.value).toBe(false)
    expect(sidebar.drawerOpen.value).toBe(false)
    expect(sidebar.open.value).toBe(true)

    scope.stop()
    expect(media.listeners.size).toBe(0)
  })
})
