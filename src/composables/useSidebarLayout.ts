import { computed, nextTick, onScopeDispose, ref } from 'vue'

/** Below this width the sidebar is a drawer over the chat. Keep in step with styles.css. */
export const PHONE_QUERY = '(max-width: 720px)'
const STORAGE_KEY = 'sori.sidebar'

export interface SidebarLayoutOptions {
  /** The sidebar element's id. */
  sidebarId: string
  /** The toggle button's id: focus returns there when the drawer closes. */
  toggleId: string
  /** What takes focus when the drawer opens. */
  drawerFocusId: string
  storage?: Storage
  matchMedia?: (query: string) => MediaQueryList
}

function readCollapsed(storage: Storage | undefined): boolean {
  try {
    return storage?.getItem(STORAGE_KEY) === 'collapsed'
  }
  catch {
    return false
  }
}

function focusById(id: string): void {
  void nextTick(() => document.getElementById(id)?.focus())
}

/**
 * The sidebar's state: on a desktop it is collapsible and remembered; on a
 * phone it is a drawer, closed by default, that takes focus while open and
 * gives it back to its toggle when it closes.
 */
export function useSidebarLayout(options: SidebarLayoutOptions) {
  const storage = options.storage ?? globalThis.localStorage
  // jsdom and very old browsers have no matchMedia: lay out as a desktop.
  const media = (options.matchMedia ?? globalThis.matchMedia)?.(PHONE_QUERY)
  const isPhone = ref(media?.matches ?? false)
  const collapsed = ref(readCollapsed(storage))
  const drawerOpen = ref(false)
  const open = computed(() => isPhone.value ? drawerOpen.value : !collapsed.value)

  function setCollapsed(value: boolean) {
    collapsed.value = value
    try {
      storage?.setItem(STORAGE_KEY, value ? 'collapsed' : 'expanded')
    }
    catch {} // Storage blocked: the choice lasts until reload.
  }

  /** Opens the sidebar, moving focus to `focusId` (on a phone, into the drawer by default). */
  function show(focusId?: string) {
    if (isPhone.value)
      drawerOpen.value = true
    else
      setCollapsed(false)
    const target = focusId ?? (isPhone.value ? options.drawerFocusId : undefined)
    if (target)
      focusById(target)
  }

  function hide() {
    const hadFocus = document.getElementById(options.sidebarId)?.contains(document.activeElement)
    if (isPhone.value)
      drawerOpen.value = false
    else
      setCollapsed(true)
    // Focus inside a hidden sidebar would be lost to <body>.
    if (isPhone.value || hadFocus)
      focusById(options.toggleId)
  }

  function toggle() {
    if (open.value)
      hide()
    else
      show()
  }

  /** Closes the drawer (Escape, backdrop, a conversation picked); a desktop sidebar stays. */
  function closeDrawer() {
    if (isPhone.value && drawerOpen.value)
      hide()
  }

  const onMediaChange = (event: MediaQueryListEvent) => {
    isPhone.value = event.matches
    drawerOpen.value = false
  }
  media?.addEventListener('change', onMediaChange)
  onScopeDispose(() => media?.removeEventListener('change', onMediaChange))

  return { isPhone, open, drawerOpen: computed(() => isPhone.value && drawerOpen.value), show, hide, toggle, closeDrawer }
}
