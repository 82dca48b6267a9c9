import { createTestingPinia } from '@pinia/testing'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import App from '../../src/App.vue'
import UsagePage from '../../src/components/usage/UsagePage.vue'
import { testI18n } from './i18n'
import { conversation, message, mountWithStores } from './mount'
import { spentConversation, usageState } from './usage-fixtures'

const DAY = 86_400_000

// jsdom's Blob has no bytes(); its FileReader reads one.
function readBytes(blob: Blob): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const reader = new FileReader()
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer))
    reader.readAsArrayBuffer(blob)
  })
}

describe('the usage page', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  it('shows spend and tokens per day and per model, and the most expensive conversations first', async () => {
    const conversations = [
      spentConversation('Cheap', 0.25),
      spentConversation('Dear', 3, Date.now() - 2 * DAY),
      spentConversation('Old', 50, Date.now() - 60 * DAY),
    ]
    const { wrapper } = mountWithStores(UsagePage, { initialState: usageState(conversations) })
    expect(wrapper.find('[data-testid="usage-page"]').exists()).toBe(true)
    expect(wrapper.get('[data-testid="usage-range-cost"]').text()).toBe('$3.25')
    expect(wrapper.findAll('[data-testid="usage-top-row"] th').map(th => th.text())).toEqual(['Dear', 'Cheap'])
    expect(wrapper.findAll('figcaption').map(c => c.text())).toEqual(['Spend per day', 'Tokens per day', 'Spend per model', 'Tokens per model'])
    // Thirty days of columns, today's the last; the numbers are also in a table for screen readers.
    const dailySpend = wrapper.findAll('figure')[0]!
    expect(dailySpend.findAll('rect')).toHaveLength(30)
    expect(dailySpend.findAll('tbody tr').at(-1)?.text()).toContain('$0.25')
    expect(wrapper.findAll('figure')[2]!.find('.usage-chart-rows').text()).toContain('gpt-4.1')

    await wrapper.get('[data-testid="usage-range"]').setValue('90')
    expect(wrapper.get('[data-testid="usage-range-cost"]').text()).toBe('$53.25')
    expect(wrapper.findAll('[data-testid="usage-top-row"] th')[0]!.text()).toBe('Old')
  })

  it('labels estimates and leaves unpriced answers out of the cost, in Korean', () => {
    const estimated = conversation({ title: '추정', messages: [message({ role: 'user', content: '안녕' }), message({ role: 'assistant', content: '반갑습니다', model: 'gpt-4.1', createdAt: Date.now() })] })
    const demo = conversation({ title: '데모', messages: [message({ role: 'assistant', content: 'hi', model: 'demo', createdAt: Date.now(), usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 } })] })
    const { wrapper } = mountWithStores(UsagePage, { initialState: usageState([estimated, demo]), locale: 'ko' })
    expect(wrapper.get('[data-testid="usage-estimated"]').text()).toContain('추정한 답변 1개')
    expect(wrapper.get('[data-testid="usage-unpriced"]').text()).toContain('가격이 없는 답변 1개')
    expect(wrapper.get('[data-testid="usage-top"]').text()).toContain('약 US$')
  })

  it('says when there is nothing to count yet', () => {
    const { wrapper } = mountWithStores(UsagePage, { initialState: usageState([]) })
    expect(wrapper.get('[data-testid="usage-empty"]').text()).toBe('No answers in this period yet.')
    expect(wrapper.get('[data-testid="usage-export"]').attributes('disabled')).toBeDefined()
  })

  it('exports the period as CSV that spreadsheets read as UTF-8', async () => {
    let saved: { name: string, blob: Blob } | undefined
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: vi.fn((blob: Blob) => {
      saved = { name: '', blob }
      return 'blob:test/1'
    }), revokeObjectURL: vi.fn() }))
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved!.name = this.download
    })
    const { wrapper } = mountWithStores(UsagePage, { initialState: usageState([spentConversation('=SUM(A1)', 0.5)]) })
    await wrapper.get('[data-testid="usage-export"]').trigger('click')
    expect(saved?.name).toMatch(/^sori-usage-\d{4}-\d{2}-\d{2}\.csv$/)
    expect(saved?.blob.type).toBe('text/csv;charset=utf-8')
    const bytes = await readBytes(saved!.blob)
    expect([...bytes.slice(0, 3)]).toEqual([0xEF, 0xBB, 0xBF])
    const text = new TextDecoder().decode(bytes)
    expect(text).toContain('date,time_utc,conversation,model,input_tokens,output_tokens,cost_usd,estimated')
    expect(text).toContain(',\'=SUM(A1),gpt-4.1,499900,100,0.500000,false')
  })

  it('goes back to the chat, or opens a conversation from the table', async () => {
    const conversations = [spentConversation('One', 1), spentConversation('Two', 2)]
    const { wrapper, chat } = mountWithStores(UsagePage, { initialState: usageState(conversations) })
    await wrapper.get('[data-testid="usage-back"]').trigger('click')
    expect(wrapper.emitted('close')).toHaveLength(1)
    await wrapper.get('[data-testid="usage-top-row"] button').trigger('click')
    await flushPromises()
    expect(chat.select).toHaveBeenCalledWith(conversations[1]!.id)
    expect(wrapper.emitted('close')).toHaveLength(2)
  })
})

describe('reaching the usage page', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('opens from the sidebar in place of the chat, which keeps its draft, and goes back', async () => {
    vi.stubGlobal('matchMedia', () => ({ matches: false, addEventListener() {}, removeEventListener() {} }))
    const pinia = createTestingPinia({ createSpy: vi.fn, initialState: usageState([spentConversation('One', 1)]) })
    const wrapper = mount(App, { attachTo: document.body, global: { plugins: [pinia, testI18n('ko')], stubs: { ChatMessageList: true } } })
    await wrapper.get('[data-testid="composer"]').setValue('쓰다 만 질문')

    await wrapper.get('[data-testid="open-usage"]').trigger('click')
    await vi.dynamicImportSettled()
    await flushPromises()
    const page = wrapper.get('[data-testid="usage-page"]')
    expect(page.get('h2').text()).toBe('사용량과 비용')
    expect(document.activeElement).toBe(page.get('h2').element)
    expect(wrapper.get('[data-testid="composer"]').isVisible()).toBe(false)

    await wrapper.get('[data-testid="usage-back"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="usage-page"]').exists()).toBe(false)
    expect((wrapper.get('[data-testid="composer"]').element as HTMLTextAreaElement).value).toBe('쓰다 만 질문')
    expect(document.activeElement?.id).toBe('composer')
  })
})
