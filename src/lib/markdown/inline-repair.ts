/**
 * Display repair of the inline text at the open end of a stream. Heuristic by
 * design: it only decides what a half-written line looks like for a moment, and
 * the finished text is always rendered without it.
 */

const SPACE = /\s/
const PUNCTUATION = /[\p{P}\p{S}]/u

function runLength(text: string, at: number): number {
  let end = at
  while (text[end] === text[at])
    end++
  return end - at
}

/** Index of the next run of exactly `length` backticks at or after `from`, or -1. */
function findBacktickRun(text: string, length: number, from: number): number {
  for (let at = text.indexOf('`', from); at >= 0; at = text.indexOf('`', at)) {
    const run = runLength(text, at)
    if (run === length)
      return at
    at += run
  }
  return -1
}

/** Index of the `)` that closes a link destination starting at `from`, or -1. */
function findDestinationEnd(text: string, from: number): number {
  let depth = 0
  for (let at = from; at < text.length; at++) {
    const char = text[at]
    if (char === '\\')
      at++
    else if (char === '(')
      depth++
    else if (char === ')' && depth-- === 0)
      return at
  }
  return -1
}

/**
 * Shows a link whose destination is still arriving as its text, and drops an
 * image that is not finished (`![alt`, `![alt]` at the end, `![alt](https://ho`):
 * an unfinished destination must never be requested or offered.
 */
function cutUnfinishedLink(text: string): string {
  const open: { at: number, image: boolean }[] = []
  for (let at = 0; at < text.length; at++) {
    const char = text[at]
    if (char === '\\') {
      at++
    }
    else if (char === '`') {
      const run = runLength(text, at)
      const close = findBacktickRun(text, run, at + run)
      if (close < 0)
        break
      at = close + run - 1
    }
    else if (char === '[') {
      const image = text[at - 1] === '!'
      open.push({ at: image ? at - 1 : at, image })
    }
    else if (char === ']') {
      const opener = open.pop()
      if (!opener)
        continue
      if (opener.image && at === text.length - 1)
        return text.slice(0, opener.at)
      if (text[at + 1] !== '(')
        continue
      const end = findDestinationEnd(text, at + 2)
      if (end < 0)
        return text.slice(0, opener.at) + (opener.image ? '' : text.slice(opener.at + 1, at))
      at = end
    }
  }
  const image = open.find(opener => opener.image)
  return image ? text.slice(0, image.at) : text
}

interface Opener { char: string, count: number }

/**
 * Closes open emphasis, strikethrough and code spans, CommonMark-style flanking
 * rules simplified, and drops a delimiter run left dangling at the very end
 * (`text **` shows `text` until the bold word arrives).
 */
function closeDelimiters(text: string): string {
  const stack: Opener[] = []
  const closers = (): string => stack.map(opener => opener.char.repeat(opener.count)).reverse().join('')
  for (let at = 0; at < text.length; at++) {
    const char = text[at] ?? ''
    if (char === '\\') {
      at++
    }
    else if (char === '`') {
      const run = runLength(text, at)
      const close = findBacktickRun(text, run, at + run)
      if (close >= 0) {
        at = close + run - 1
        continue
      }
      if (at + run === text.length)
        return text.slice(0, at).trimEnd() + closers()
      return text + char.repeat(run) + closers()
    }
    else if (char === ']' && text[at + 1] === '(') {
      // Link destinations are URLs, not emphasis.
      const end = findDestinationEnd(text, at + 2)
      at = end < 0 ? at : end
    }
    else if (char === '*' || char === '_' || char === '~') {
      const run = runLength(text, at)
      const end = at + run
      const kept = matchRun(stack, char, run, text[at - 1] ?? ' ', text[end] ?? ' ')
      if (kept > 0 && end === text.length)
        return text.slice(0, at).trimEnd() + closers()
      at = end - 1
    }
  }
  return text + closers()
}

/** Runs one delimiter run against the stack; returns how many delimiters stayed unmatched and did not open. */
function matchRun(stack: Opener[], char: string, run: number, before: string, after: string): number {
  if (char === '~' && run > 2)
    return 0
  const left = !SPACE.test(after) && (!PUNCTUATION.test(after) || SPACE.test(before) || PUNCTUATION.test(before))
  const right = !SPACE.test(before) && (!PUNCTUATION.test(before) || SPACE.test(after) || PUNCTUATION.test(after))
  const canOpen = char === '_' ? left && (!right || PUNCTUATION.test(before)) : left
  const canClose = char === '_' ? right && (!left || PUNCTUATION.test(after)) : right
  let remaining = run
  const index = canClose ? stack.findLastIndex(opener => opener.char === char) : -1
  const opener = stack[index]
  if (opener) {
    // Openers inside the matched pair can no longer close: CommonMark drops them too.
    stack.length = index + 1
    const used = Math.min(opener.count, remaining)
    opener.count -= used
    remaining -= used
    if (opener.count === 0)
      stack.pop()
  }
  if (remaining > 0 && canOpen) {
    stack.push({ char, count: remaining })
    return 0
  }
  return remaining
}

/** Repairs the inline text of the last, still open block for display. */
export function repairInline(text: string): string {
  return closeDelimiters(cutUnfinishedLink(text))
}
