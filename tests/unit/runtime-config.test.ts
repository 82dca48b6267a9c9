import { describe, expect, it } from 'vitest'
import { DEFAULT_RUNTIME_CONFIG, parseRuntimeConfig, resolveRelayUrl } from '../../src/lib/runtime-config'

describe('parseRuntimeConfig', () => {
  it('reads a complete config.json', () => {
    expect(parseRuntimeConfig({
      relayUrl: ' https://relay.example.com/v1 ',
      demo: true,
      defaultModel: 'gpt-4.1',
      requiresAccessToken: true,
    })).toEqual({
      relayUrl: 'https://relay.example.com/v1',
      demo: true,
      defaultModel: 'gpt-4.1',
      requiresAccessToken: true,
    })
  })

  it('keeps the defaults for missing fields', () => {
    expect(parseRuntimeConfig({ demo: true })).toEqual({
      relayUrl: './v1',
      demo: true,
      defaultModel: null,
      requiresAccessToken: false,
    })
  })

  it('keeps the defaults for mistyped or empty fields', () => {
    expect(parseRuntimeConfig({
      relayUrl: '   ',
      demo: 'true',
      defaultModel: '',
      requiresAccessToken: 1,
    })).toEqual(DEFAULT_RUNTIME_CONFIG)
    expect(parseRuntimeConfig({ relayUrl: 42, defaultModel: ['gpt-4.1'] })).toEqual(DEFAULT_RUNTIME_CONFIG)
  })

  it('gives the defaults for input that is not an object', () => {
    for (const garbage of [null, undefined, 'config', 42, true, []])
      expect(parseRuntimeConfig(garbage), String(garbage)).toEqual(DEFAULT_RUNTIME_CONFIG)
  })

  it('returns a new object, not the frozen defaults', () => {
    const config = parseRuntimeConfig(null)
    expect(config).not.toBe(DEFAULT_RUNTIME_CONFIG)
    expect(Object.isFrozen(DEFAULT_RUNTIME_CONFIG)).toBe(true)
  })
})

describe('resolveRelayUrl', () => {
  it('resolves a relative URL against the page', () => {
    expect(resolveRelayUrl('./v1', 'http://h/app/')).toBe('http://h/app/v1')
    expect(resolveRelayUrl('./v1', 'http://h/app/index.html')).toBe('http://h/app/v1')
    expect(resolveRelayUrl('../v1', 'http://h/app/')).toBe('http://h/v1')
    expect(resolveRelayUrl('/api/v1', 'https://chat.example.com/app/')).toBe('https://chat.example.com/api/v1')
  })

  it('keeps an absolute URL', () => {
    expect(resolveRelayUrl('https://relay.example.com/v1', 'http://h/app/')).toBe('https://relay.example.com/v1')
    expect(resolveRelayUrl('http://127.0.0.1:8787/v1', 'http://localhost:5173/')).toBe('http://127.0.0.1:8787/v1')
  })

  it('drops trailing slashes', () => {
    expect(resolveRelayUrl('https://relay.example.com/v1/', 'http://h/')).toBe('https://relay.example.com/v1')
    expect(resolveRelayUrl('./v1//', 'http://h/app/')).toBe('http://h/app/v1')
    expect(resolveRelayUrl('https://relay.example.com/', 'http://h/')).toBe('https://relay.example.com')
  })

  it('ignores the page\'s query and hash', () => {
    expect(resolveRelayUrl('./v1', 'http://h/app/?lang=ko#/chat/1')).toBe('http://h/app/v1')
  })
})
