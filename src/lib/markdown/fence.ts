/** How to bring a code element's text node up to date: keep `keep` characters, then put `data`. */
export interface FencePatch {
  keep: number
  data: string
}

/** Follows one fenced code block while it stays open. */
export interface OpenFence {
  /** What the code element shows for the block as given to `createOpenFence`. */
  readonly initial: string
  /** The patch for `chunk` appended to the block, or `null` once the block has closed. */
  append: (chunk: string) => FencePatch | null
}

const OPENING = /^( {0,3})(`{3,}(?!`)|~{3,}(?!~))[^\n]*\n/
// The HTML parser drops NUL characters from text; the text node must show the same.
const stripNul = (text: string): string => text.replaceAll('\0', '')

/**
 * Starts following `block` (a top-level fenced code block whose opening line is
 * complete) if it is still open; `null` otherwise. Mirrors what marked and the
 * code renderer produce for an unclosed fence, so that appending to the text
 * node shows exactly what a full render would: the content after the opening
 * line; backtick fences indented by n spaces lose up to n leading spaces per
 * line (marked does not do this for tildes); the text is the content without
 * its last newline, plus one newline (nothing for empty content). Each append
 * costs the new text and the line it ends, not the whole block.
 */
export function createOpenFence(block: string): OpenFence | null {
  const opening = OPENING.exec(block)
  if (!opening)
    return null
  const [line, indent = '', fence = ''] = opening
  const char = fence.charAt(0)
  if (char === '`' && line.slice(indent.length + fence.length).includes('`'))
    return null
  const closing = new RegExp(`^ {0,3}${char}{${fence.length},} *$`)
  const dedent = char === '`' ? indent.length : 0
  const compensate = (text: string): string => {
    const spaces = /^\s+/.exec(text)?.[0].length ?? 0
    return text.slice(Math.min(spaces, dedent))
  }

  let partial = ''
  let shownLines = 0
  function append(chunk: string): FencePatch | null {
    const lines = (partial + chunk).split('\n')
    partial = lines.pop() ?? ''
    if (lines.some(content => closing.test(content)) || closing.test(partial))
      return null
    const added = stripNul(lines.map(content => `${compensate(content)}\n`).join(''))
    const tail = partial === '' ? '' : stripNul(`${compensate(partial)}\n`)
    const patch = { keep: shownLines, data: added + tail }
    shownLines += added.length
    return patch
  }

  const initial = append(block.slice(line.length))
  return initial && { initial: initial.data, append }
}
