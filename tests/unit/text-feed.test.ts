import { describe, expect, it } from 'vitest'
import { createTextFeed } from '../../src/lib/chat/text-feed'

/** Splits `text` at random points, with a seeded generator so a failure can be replayed. */
function randomPieces(text: string, seed: number): string[] {
  let state = seed
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const pieces: string[] = []
  for (let at = 0; at < text.length;) {
    const size = 1 + Math.floor(random() * 12)
    pieces.push(text.slice(at, at + size))
    at += size
  }
  return pieces
}

describe('text feed', () => {
  const text = '## 요약\n\n한국어와 English가 섞인 답변 `code` **굵게** 😀 and more text. '.repeat(60)

  it('gives the text after any offset, however the text arrived', () => {
    for (const seed of [1, 2, 3]) {
      const feed = createTextFeed('시작: ')
      const full = `시작: ${text}`
      for (const piece of randomPieces(text, seed))
        feed.append(piece)
      expect(feed.length).toBe(full.length)
      for (let offset = 0; offset <= full.length; offset += 7)
        expect(feed.since(offset)).toBe(full.slice(offset))
      expect(feed.since(full.length)).toBe('')
    }
  })

  it('reads on from where the last read ended, as a renderer does each frame', () => {
    const feed = createTextFeed()
    let read = ''
    for (const piece of randomPieces(text, 9)) {
      feed.append(piece)
      if (piece.length % 3 === 0)
        read += feed.since(read.length)
    }
    read += feed.since(read.length)
    expect(read).toBe(text)
  })

  it('keeps few pieces however many arrive, with the text intact', () => {
    const feed = createTextFeed()
    for (let i = 0; i < 5000; i++)
      feed.append(`${i},`)
    const full = Array.from({ length: 5000 }, (_, i) => `${i},`).join('')
    expect(feed.since(0)).toBe(full)
    expect(feed.since(full.length - 5)).toBe(full.slice(-5))
    expect(feed.since(1234)).toBe(full.slice(1234))
  })

  it('ignores empty pieces and rejects offsets outside the text', () => {
    const feed = createTextFeed('abc')
    feed.append('')
    expect(feed.length).toBe(3)
    expect(() => feed.since(4)).toThrow(RangeError)
    expect(() => feed.since(-1)).toThrow(RangeError)
    expect(() => feed.since(1.5)).toThrow(RangeError)
  })
})
