import { describe, expect, it, vi } from 'vitest'
import { countCharacters, createFeedTokenCounter, estimateTokens } from '../../src/lib/chat/answer-stats'
import { createTextFeed } from '../../src/lib/chat/text-feed'
import { seededRandom } from '../fixtures/chunking'

const TEXT = 'Hello, 세계! Here is code:\n```ts\nconst 값 = 1 🌏\n```\n그리고 more text at the end.'

describe('estimateTokens', () => {
  it('counts about four Latin characters or one Hangul syllable per token', () => {
    expect(estimateTokens('')).toBe(0)
    expect(estimateTokens('abcdefgh')).toBe(2)
    expect(estimateTokens('안녕하세요')).toBe(5)
    expect(estimateTokens('abcd안녕')).toBe(3)
  })

  it('counts the characters of the parts of a text as those of the whole (20 seeded random cuts)', () => {
    const random = seededRandom(11)
    for (let i = 0; i < 20; i++) {
      const cut = Math.floor(random() * (TEXT.length + 1))
      const count = countCharacters(TEXT.slice(cut), countCharacters(TEXT.slice(0, cut)))
      expect(count, `cut at ${cut}`).toEqual(countCharacters(TEXT))
    }
  })
})

describe('createFeedTokenCounter', () => {
  it('gives the estimate of the whole text after every append, whatever the pieces (seeded)', () => {
    const random = seededRandom(5)
    const feed = createTextFeed()
    const count = createFeedTokenCounter()
    let at = 0
    while (at < TEXT.length) {
      const next = Math.min(TEXT.length, at + 1 + Math.floor(random() * 6))
      feed.append(TEXT.slice(at, next))
      at = next
      expect(count(feed), `after ${at} characters`).toBe(estimateTokens(TEXT.slice(0, at)))
    }
  })

  it('reads only the text that came since the last count', () => {
    const feed = createTextFeed('안녕')
    const since = vi.spyOn(feed, 'since')
    const count = createFeedTokenCounter()
    count(feed)
    feed.append(' world')
    count(feed)
    expect(since.mock.calls).toEqual([[0], [2]])
  })

  it('starts over for another feed, or one that is shorter than what it counted', () => {
    const count = createFeedTokenCounter()
    expect(count(createTextFeed('안녕하세요'))).toBe(5)
    expect(count(createTextFeed('abcdefgh'))).toBe(2)
  })
})
