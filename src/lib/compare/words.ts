/** Something that splits text into words, like `Intl.Segmenter` with granularity 'word'. */
export interface WordSegmenter {
  segment: (text: string) => Iterable<{ segment: string }>
}

// White space runs, one Han/kana character, runs of letters and digits (Hangul included), or any other single character.
const FALLBACK_WORD = /\s+|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}\p{M}_]+|[^\s\p{L}\p{N}\p{M}_]/gu

/**
 * Splits text into the pieces a word diff compares: words, runs of white space
 * and single punctuation marks. Joined back, the pieces are the text again.
 *
 * Korean separates words (eojeol) with spaces, but Chinese and Japanese do not,
 * and punctuation sticks to words in every script: `Intl.Segmenter` knows where
 * words end in each. Without it (older engines), white space and punctuation
 * split the text, and each Han or kana character counts as a word of its own.
 */
export function splitWords(text: string, segmenter: WordSegmenter | null = defaultSegmenter()): string[] {
  if (!text)
    return []
  if (segmenter) {
    // A for-of loop: spreading V8's segment iterator is ten times slower on long answers.
    const words: string[] = []
    for (const { segment } of segmenter.segment(text))
      words.push(segment)
    return words
  }
  return text.match(FALLBACK_WORD) ?? []
}

let cached: WordSegmenter | null | undefined

function defaultSegmenter(): WordSegmenter | null {
  if (cached === undefined)
    cached = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'word' }) : null
  return cached
}
