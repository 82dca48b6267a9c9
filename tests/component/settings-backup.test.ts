import type { VueWrapper } from '@vue/test-utils'
import type { Conversation } from '../../src/lib/chat/types'
import { IDBFactory } from 'fake-indexeddb'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import SettingsBackup from '../../src/components/settings/SettingsBackup.vue'
import { backupToJson } from '../../src/lib/storage/backup'
import { useChatStore } from '../../src/stores/chat'
import { conversation, message, mountWithStores } from './mount'
import 'fake-indexeddb/auto'

interface Download { name: string, type: string, text: Promise<string> }

// jsdom's Blob has no text(); its FileReader reads one.
function readText(blob: Blob): Promise<string> {
  return new Promise((resolve) => {
    const reader = new FileReader()
    reader.onload = () => resolve(reader.result as string)
    reader.readAsText(blob)
  })
}

/** Catches what the component hands to the browser as a download. */
function catchDownloads() {
  const downloads: Download[] = []
  const blobs = new Map<string, Blob>()
  vi.stubGlobal('URL', Object.assign(URL, {
    createObjectURL: vi.fn((blob: Blob) => {
      const url = `blob:test/${blobs.size}`
      blobs.set(url, blob)
      return url
    }),
    revokeObjectURL: vi.fn(),
  }))
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    const blob = blobs.get(this.href)!
    downloads.push({ name: this.download, type: blob.type, text: readText(blob) })
  })
  return downloads
}

/** Chooses a file in the import input, as the file picker does. */
async function chooseFile(wrapper: VueWrapper, text: string, name = 'backup.json') {
  const input = wrapper.get('[data-testid="import-backup"]')
  const file = Object.assign(new File([text], name, { type: 'application/json' }), { text: async () => text })
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  await input.trigger('change')
}

const status = (wrapper: VueWrapper) => wrapper.get('[data-testid="backup-status"]')

function chatState(): { conversations: Conversation[], activeId: string } {
  const first = conversation({ title: '서울 날씨', messages: [message({ role: 'user', content: '날씨?' }), message({ role: 'assistant', content: '맑음' })] })
  const second = conversation({ title: 'Other', messages: [message({ role: 'user', content: 'hi' })] })
  return { conversations: [first, second], activeId: first.id }
}

describe('the backup section', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  it('exports the conversation on screen as Markdown, with the labels of the language in use', async () => {
    const downloads = catchDownloads()
    const { wrapper } = mountWithStores(SettingsBackup, { initialState: { chat: chatState() }, locale: 'ko' })
    await wrapper.get('[data-testid="export-markdown"]').trigger('click')
    await vi.waitFor(() => expect(downloads).toHaveLength(1))
    expect(downloads[0]!.name).toMatch(/^sori-서울-날씨-\d{4}-\d{2}-\d{2}\.md$/)
    expect(downloads[0]!.type).toBe('text/markdown;charset=utf-8')
    expect(await downloads[0]!.text).toBe('# 서울 날씨\n\n### 나\n\n날씨?\n\n### 어시스턴트\n\n맑음\n')
    expect(status(wrapper).text()).toContain(`${downloads[0]!.name} 파일로 저장했습니다`)
    expect(status(wrapper).attributes('role')).toBe('status')
  })

  it('exports the conversation on screen as JSON, and everything as one backup', async () => {
    const downloads = catchDownloads()
    const state = chatState()
    const { wrapper } = mountWithStores(SettingsBackup, { initialState: { chat: state } })
    await wrapper.get('[data-testid="export-json"]').trigger('click')
    await wrapper.get('[data-testid="export-backup"]').trigger('click')
    await vi.waitFor(() => expect(downloads).toHaveLength(2))
    expect(JSON.parse(await downloads[0]!.text)).toMatchObject({ format: 'sori-conversation', version: 1, conversation: state.conversations[0] })
    expect(downloads[1]!.name).toMatch(/^sori-backup-\d{4}-\d{2}-\d{2}\.json$/)
    expect(JSON.parse(await downloads[1]!.text)).toMatchObject({ format: 'sori-backup', version: 1, conversations: state.conversations })
    expect(status(wrapper).text()).toBe(`Saved ${downloads[1]!.name}`)
  })

  it('offers no export when there is nothing to export', () => {
    const { wrapper } = mountWithStores(SettingsBackup)
    for (const id of ['export-markdown', 'export-json', 'export-backup'])
      expect(wrapper.get(`[data-testid="${id}"]`).attributes('disabled')).toBeDefined()
  })

  it('imports a backup through the store and says how many were imported and skipped', async () => {
    const { wrapper, chat } = mountWithStores(SettingsBackup)
    vi.mocked(chat.importConversations).mockResolvedValue({ imported: 2, skipped: 1 })
    const { conversations } = chatState()
    await chooseFile(wrapper, backupToJson(conversations))
    await vi.waitFor(() => expect(status(wrapper).text()).toBe('Imported 2 conversations. 1 was already here and was skipped.'))
    expect(chat.importConversations).toHaveBeenCalledWith(conversations)
  })

  it('refuses a malformed file, listing its first problems, and changes nothing', async () => {
    const state = chatState()
    const { wrapper, chat } = mountWithStores(SettingsBackup, { initialState: { chat: state } })
    const broken = Array.from({ length: 7 }, (_, i) => ({ id: `b${i}`, title: '', createdAt: 1, updatedAt: 1, messages: [{ id: `m${i}`, role: 'robot', content: '', status: 'done', createdAt: 1 }] }))
    await chooseFile(wrapper, JSON.stringify({ format: 'sori-backup', version: 1, exportedAt: new Date().toISOString(), conversations: broken }))

    await vi.waitFor(() => expect(status(wrapper).attributes('role')).toBe('alert'))
    expect(status(wrapper).get('p').text()).toBe('This file cannot be imported, and nothing was changed. It has 7 problems:')
    const items = status(wrapper).findAll('li').map(li => li.text())
    expect(items).toEqual([
      ...[0, 1, 2, 3, 4].map(i => `conversations[${i}].messages[0].role: must be "user" or "assistant"`),
      '…and 2 more',
    ])
    expect(chat.importConversations).not.toHaveBeenCalled()
    expect(chat.conversations).toEqual(state.conversations)
  })

  it('lists the problems in Korean, keeping the paths as they are in the file', async () => {
    const { wrapper, chat } = mountWithStores(SettingsBackup, { locale: 'ko' })
    const broken = { id: 'c1', title: '', createdAt: 1, updatedAt: 1, messages: [{ id: 'm1', role: 'robot', content: '', status: 'done', createdAt: 1 }] }
    await chooseFile(wrapper, JSON.stringify({ format: 'sori-backup', version: 1, exportedAt: new Date().toISOString(), conversations: [broken] }))

    await vi.waitFor(() => expect(status(wrapper).attributes('role')).toBe('alert'))
    expect(status(wrapper).findAll('li').map(li => li.text())).toEqual(['conversations[0].messages[0].role: "user" 또는 "assistant" 값이어야 합니다'])
    expect(chat.importConversations).not.toHaveBeenCalled()
  })

  it('says so, in Korean too, when the file is not JSON at all', async () => {
    const { wrapper, chat } = mountWithStores(SettingsBackup, { locale: 'ko' })
    await chooseFile(wrapper, '<html>not a backup</html>', 'page.html')
    await vi.waitFor(() => expect(status(wrapper).text()).toContain('이 파일은 가져올 수 없으며, 아무것도 바뀌지 않았습니다. 문제 1개:'))
    expect(status(wrapper).text()).toContain('file: 올바른 JSON이 아닙니다')
    expect(chat.importConversations).not.toHaveBeenCalled()
  })
})

describe('importing into the chat store', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory()
    setActivePinia(createPinia())
  })
  afterEach(() => localStorage.clear())

  it('adds new conversations, skips those already here, and keeps them across a reload', async () => {
    const chat = useChatStore()
    await chat.init()
    const here = conversation({ title: 'here', messages: [message({ role: 'user', content: '원래 있던 대화' })] })
    await chat.importConversations([here])
    const changedHere = { ...here, title: 'changed in the file', messages: [] }
    const cut = conversation({ title: '가져온 대화', messages: [message({ role: 'user', content: '질문' }), message({ role: 'assistant', content: '반쯤', status: 'streaming' })] })

    expect(await chat.importConversations([changedHere, cut])).toEqual({ imported: 1, skipped: 1 })

    setActivePinia(createPinia())
    const reloaded = useChatStore()
    await reloaded.init()
    expect(reloaded.conversations.map(c => c.title).sort()).toEqual(['here', '가져온 대화'])
    expect(reloaded.conversations.find(c => c.id === here.id)!.messages.map(m => m.content)).toEqual(['원래 있던 대화'])
    expect(reloaded.conversations.find(c => c.id === cut.id)!.messages.map(m => [m.content, m.status])).toEqual([['질문', 'done'], ['반쯤', 'interrupted']])
  })

  it('brings back a deleted conversation, and then Undo does not add a second copy', async () => {
    const chat = useChatStore()
    await chat.init()
    const original = conversation({ title: 'deleted', messages: [message({ role: 'user', content: 'x' })] })
    await chat.importConversations([original])
    await chat.remove(original.id)
    expect(await chat.importConversations([original])).toEqual({ imported: 1, skipped: 0 })
    expect(chat.removed).toBeNull()
    await chat.undoRemove()
    expect(chat.conversations.filter(c => c.id === original.id)).toHaveLength(1)
  })
})
