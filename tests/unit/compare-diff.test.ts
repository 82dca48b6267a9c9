import type { DiffPart } from '../../src/lib/compare/diff'
import { describe, expect, it } from 'vitest'
import { diffWords } from '../../src/lib/compare/diff'
import { splitWords } from '../../src/lib/compare/words'

function side(parts: DiffPart[], which: 'before' | 'after') {
  return parts.filter(p => p.op === 'equal' || p.op === (which === 'before' ? 'delete' : 'insert')).map(p => p.text).join('')
}

describe('splitting text into words', () => {
  it('splits Korean at the spaces between words, keeping the spaces', () => {
    expect(splitWords('오늘 서울은 맑아요.')).toEqual(['오늘', ' ', '서울은', ' ', '맑아요', '.'])
  })

  it('finds word ends in Chinese and Japanese text without spaces when Intl.Segmenter is there', () => {
    const words = splitWords('今日は晴れです')
    expect(words.length).toBeGreaterThan(1)
    expect(words.join('')).toBe('今日は晴れです')
  })

  it('falls back to white space, punctuation and single Han characters without a segmenter', () => {
    expect(splitWords('비가 와요, 雨です', null)).toEqual(['비가', ' ', '와요', ',', ' ', '雨', 'で', 'す'])
    expect(splitWords('it\'s 3.5 km', null).join('')).toBe('it\'s 3.5 km')
  })

  it('gives nothing for empty text', () => {
    expect(splitWords('')).toEqual([])
  })
})

describe('word diff', () => {
  it('marks the words only one side has', () => {
    expect(diffWords('비가 와요', '비가 그쳤어요')).toEqual([
      { op: 'equal', text: '비가 ' },
      { op: 'delete', text: '와요' },
      { op: 'insert', text: '그쳤어요' },
    ])
  })

  it('keeps both texts recoverable from the parts', () => {
    const before = 'The quick brown fox jumps over the lazy dog. 빠른 갈색 여우가 게으른 개를 뛰어넘어요.'
    const after = 'A quick red fox leaps over the dog. 빠른 여우가 잠자는 개를 뛰어넘었어요!'
    for (const segmenter of [undefined, null]) {
      const parts = diffWords(before, after, segmenter)
      expect(side(parts, 'before')).toBe(before)
      expect(side(parts, 'after')).toBe(after)
    }
  })

  it('finds a shortest edit: only the changed words differ', () => {
    const parts = diffWords('one two three four five', 'one two 3 four five six')
    expect(parts.filter(p => p.op !== 'equal')).toEqual([
      { op: 'delete', text: 'three' },
      { op: 'insert', text: '3' },
      { op: 'insert', text: ' six' },
    ])
  })

  it('does not count a different amount of white space as a change', () => {
    expect(diffWords('가 나\n다', '가  나 다').every(p => p.op === 'equal')).toBe(true)
  })

  it('handles one side empty', () => {
    expect(diffWords('', '새 답')).toEqual([{ op: 'insert', text: '새 답' }])
    expect(diffWords('옛 답', '')).toEqual([{ op: 'delete', text: '옛 답' }])
    expect(diffWords('', '')).toEqual([])
  })

  it('reports texts with nothing in common as one replacement, fast, however long', () => {
    const before = Array.from({ length: 5000 }, (_, i) => `a${i}`).join(' ')
    const after = Array.from({ length: 5000 }, (_, i) => `b${i}`).join(' ')
    const parts = diffWords(before, after)
    expect(side(parts, 'before')).toBe(before)
    expect(side(parts, 'after')).toBe(after)
  })

  it('aligns long similar answers exactly', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `w${i}`)
    const changed = words.map((w, i) => (i % 500 === 0 ? `x${i}` : w))
    const parts = diffWords(words.join(' '), changed.join(' '))
    expect(parts.filter(p => p.op === 'insert').map(p => p.text)).toEqual(['x0', 'x500', 'x1000', 'x1500', 'x2000', 'x2500'])
  })
})

describe('word diff, read as phrases', () => {
  it('joins changes separated by a single space into one removed and one added phrase', () => {
    expect(diffWords('오늘 서울은 맑고 따뜻해요.', '오늘 서울은 흐리고 쌀쌀해요.')).toEqual([
      { op: 'equal', text: '오늘 서울은 ' },
      { op: 'delete', text: '맑고 따뜻해요' },
      { op: 'insert', text: '흐리고 쌀쌀해요' },
      { op: 'equal', text: '.' },
    ])
  })

  it('keeps shared words between changes apart', () => {
    expect(diffWords('a x b y c', 'a X b Y c').filter(p => p.op !== 'equal').map(p => p.text)).toEqual(['x', 'X', 'y', 'Y'])
  })
})
