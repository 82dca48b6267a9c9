import type { StateTree } from 'pinia'
import type { Component } from 'vue'
import type { Locale } from '../../src/i18n'
import type { ChatErrorInfo } from '../../src/lib/chat/errors'
import type { ChatMessageRecord, Conversation } from '../../src/lib/chat/types'
import { createTestingPinia } from '@pinia/testing'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import { afterEach, vi } from 'vitest'
import { useChatStore } from '../../src/stores/chat'
import { useSettingsStore } from '../../src/stores/settings'
import { testI18n } from './i18n'

export interface MountOptions {
  /** Store state by store id, e.g. `{ chat: { conversations, activeId } }`. */
  initialState?: StateTree
  locale?: Locale
  props?: Record<string, unknown>
  /** Attach to the document, e.g. so a submit button submits its form. */
  attach?: boolean
}

// Every mounted component is unmounted (and detached) after its test, and the
// settings a test saved do not leak into the next one.
enableAutoUnmount(afterEach)
afterEach(() => localStorage.clear())

/**
 * Mounts a component with a testing Pinia (actions are spies, getters can be
 * overridden by assignment) and the app's i18n, and returns both stores.
 */
export function mountWithStores(component: Component, options: MountOptions = {}) {
  const pinia = createTestingPinia({ createSpy: vi.fn, initialState: options.initialState })
  const i18n = testI18n(options.locale ?? 'en')
  const wrapper = mount(component, { props: options.props, attachTo: options.attach ? document.body : undefined, global: { plugins: [pinia, i18n] } })
  return { wrapper, chat: useChatStore(pinia), settings: useSettingsStore(pinia) }
}

/**
 * Overrides a getter of a testing-Pinia store. @pinia/testing makes getters
 * writable at runtime, but their types stay read-only.
 */
export function overrideGetter<S extends object, K extends keyof S>(store: S, key: K, value: S[K]): void {
  (store as Record<K, S[K]>)[key] = value
}

let nextId = 0

export function message(fields: Partial<ChatMessageRecord> & Pick<ChatMessageRecord, 'role'>): ChatMessageRecord {
  nextId++
  return { id: `m${nextId}`, content: '', status: 'done', createdAt: nextId, ...fields }
}

export function conversation(fields: Partial<Conversation> = {}): Conversation {
  nextId++
  return { id: `c${nextId}`, title: '', messages: [], createdAt: nextId, updatedAt: nextId, ...fields }
}

/** Chat store state with one active conversation holding `messages`. */
export function chatWith(messages: ChatMessageRecord[]): StateTree {
  const active = conversation({ title: 'Test', messages })
  return { chat: { conversations: [active], activeId: active.id } }
}

export function errorInfo(fields: Partial<ChatErrorInfo> & Pick<ChatErrorInfo, 'code'>): ChatErrorInfo {
  return { type: 'http', message: `upstream said ${fields.code}`, ...fields }
}
