import type { ChatErrorInfo } from '../../src/lib/chat/errors'
import { describe, expect, it } from 'vitest'
import ChatMessageList from '../../src/components/chat/ChatMessageList.vue'
import { chatWith, errorInfo, message, mountWithStores } from './mount'

function mountFailedAnswer(error: ChatErrorInfo, options: { locale?: 'en' | 'ko', content?: string } = {}) {
  const failed = message({ role: 'assistant', content: options.content ?? '', status: 'error', error })
  const mounted = mountWithStores(ChatMessageList, {
    initialState: chatWith([message({ role: 'user', content: 'Tell me a story' }), failed]),
    locale: options.locale,
  })
  const answer = mounted.wrapper.get('[data-role="assistant"]')
  return { ...mounted, answer, failed }
}

describe('failed answers', () => {
  it.each<[string, ChatErrorInfo, string]>([
    ['a missing or wrong access token', errorInfo({ code: 'invalid_access_token', status: 401 }), 'The relay needs a valid access token. Enter it in Settings.'],
    ['the provider rejecting the relay key', errorInfo({ code: 'upstream_auth_failed', status: 502 }), 'The provider rejected the relay\'s API key. The relay\'s operator needs to fix the key.'],
    ['rate limiting with a known wait', errorInfo({ code: 'rate_limited', status: 429, retryAfterSeconds: 20 }), 'Too many requests. Retry in 20 s.'],
    ['rate limiting without a known wait', errorInfo({ code: 'rate_limited', status: 429 }), 'Too many requests. Wait a moment and retry.'],
    ['the provider being down', errorInfo({ code: 'upstream_unavailable', status: 503 }), 'The model provider is not answering right now. Retry in a moment.'],
    ['the network failing', errorInfo({ type: 'network', code: 'network_error' }), 'The network connection was lost. Check your connection and retry.'],
    ['the provider timing out', errorInfo({ type: 'timeout', code: 'upstream_timeout', status: 504 }), 'The model took too long to answer.'],
    ['a stream cut off', errorInfo({ type: 'network', code: 'stream_truncated' }), 'The answer was cut off before it was complete.'],
    ['an unknown code, quoting the message', errorInfo({ code: 'something_new', message: 'teapot' }), 'Something went wrong: teapot'],
  ])('explains %s', (_, error, text) => {
    const { answer } = mountFailedAnswer(error)

    expect(answer.attributes('data-status')).toBe('error')
    const notice = answer.get('[data-testid="message-error"]')
    expect(notice.attributes('role')).toBe('alert')
    expect(notice.attributes('data-code')).toBe(error.code)
    expect(notice.get('p').text()).toBe(text)
  })

  it('includes the wait in seconds when rate limited', () => {
    const { answer } = mountFailedAnswer(errorInfo({ code: 'rate_limited', status: 429, retryAfterSeconds: 20 }))

    expect(answer.get('[data-testid="message-error"]').text()).toContain('20')
  })

  it.each<{ error: ChatErrorInfo, text: string }>([
    { error: errorInfo({ code: 'invalid_access_token', status: 401 }), text: '릴레이에 올바른 액세스 토큰이 필요합니다. 설정에서 입력하세요.' },
    { error: errorInfo({ code: 'rate_limited', status: 429, retryAfterSeconds: 20 }), text: '요청이 너무 많습니다. 20초 후에 다시 시도하세요.' },
    { error: errorInfo({ type: 'network', code: 'network_error' }), text: '네트워크 연결이 끊겼습니다. 연결을 확인한 뒤 다시 시도하세요.' },
  ])('explains $error.code in Korean', ({ error, text }) => {
    const { answer } = mountFailedAnswer(error, { locale: 'ko' })

    expect(answer.get('[data-testid="message-error"] p').text()).toBe(text)
    expect(answer.get('[data-testid="retry"]').text()).toBe('다시 시도')
  })

  it('keeps the partial answer visible next to the error', () => {
    const { answer } = mountFailedAnswer(errorInfo({ type: 'network', code: 'stream_truncated' }), { content: 'Once upon a time, a fox' })

    expect(answer.get('.chat-markdown').text()).toContain('Once upon a time, a fox')
    expect(answer.get('[data-testid="message-error"]').text()).toContain('The answer was cut off before it was complete.')
    expect(answer.text()).not.toContain('Waiting for the first token')
  })

  it('retries the failed answer by its id', async () => {
    const { answer, chat, failed } = mountFailedAnswer(errorInfo({ code: 'upstream_unavailable', status: 503 }))

    const retry = answer.get('[data-testid="retry"]')
    expect(retry.text()).toBe('Retry')
    await retry.trigger('click')

    expect(chat.retry).toHaveBeenCalledOnce()
    expect(chat.retry).toHaveBeenCalledWith(failed.id)
  })

  it('offers no retry on answers that did not fail', () => {
    const { wrapper } = mountWithStores(ChatMessageList, {
      initialState: chatWith([message({ role: 'user', content: 'Hi' }), message({ role: 'assistant', content: 'Hello!' })]),
    })

    expect(wrapper.find('[data-testid="retry"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="message-error"]').exists()).toBe(false)
  })
})
