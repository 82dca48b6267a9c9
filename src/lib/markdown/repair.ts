import type { Token } from 'marked'
import { repairInline } from './inline-repair'

const ENDS_WITH_BLANK_LINE = /\n[ \t]*\n[ \t]*$/
// A last line that is only `-`, `=`, `*`, `_` or `+` may still become a setext
// underline, a rule, a list item or the start of bold text: hold it back until it is.
const AMBIGUOUS_LINE = /^ {0,3}([-=*_+])(?:[ \t]*\1)*[ \t]*$/
const TABLE_ROW = /^ {0,3}\|.*\|/
const PARTIAL_DELIMITER_ROW = /^[ \t:|-]*$/

/** The innermost block at the end of `token`: the one still being written. */
function openLeaf(token: Token): Token {
  if (token.type === 'blockquote' && token.tokens?.length)
    return openLeaf(token.tokens.at(-1)!)
  if (token.type === 'list') {
    const last = token.items.at(-1)?.tokens.at(-1)
    if (last)
      return openLeaf(last)
  }
  return token
}

/** The inline source at the end of a leaf block, if it has one. */
function inlineSource(leaf: Token): string | undefined {
  if (leaf.type === 'paragraph' || leaf.type === 'text' || leaf.type === 'heading')
    return leaf.text
  if (leaf.type === 'table')
    return (leaf.rows.at(-1) ?? leaf.header).at(-1)?.text
  return undefined
}

/** A pipe row, maybe with a delimiter row coming: hidden until it is a table or text. */
function isTableInProgress(token: Token): boolean {
  if (token.type !== 'paragraph')
    return false
  const lines = token.raw.trimEnd().split('\n')
  return lines.length <= 2 && TABLE_ROW.test(lines[0] ?? '') && PARTIAL_DELIMITER_ROW.test(lines[1] ?? '')
}

/**
 * Repairs the open end of a streamed Markdown text for display: closes emphasis,
 * strikethrough and inline code, shows a link whose destination is still
 * arriving as its text, drops an unfinished image, and holds back a last line
 * that may still change what the block is or that defines a reference whose
 * destination may still be growing. Only the last block changes, so the
 * result for a text equals the result for any of its suffixes that starts at a
 * block boundary. `last` is the last top-level token of `markdown`.
 */
export function repairMarkdown(markdown: string, last: Token | undefined): string {
  if (!last || last.type === 'space' || ENDS_WITH_BLANK_LINE.test(markdown))
    return markdown
  const leaf = openLeaf(last)
  if (leaf.type === 'code' || leaf.type === 'html')
    return markdown
  const lastLine = markdown.slice(markdown.lastIndexOf('\n') + 1)
  // A reference definition's destination may still be arriving: an image using it
  // must not load (or a link point) at a cut-off address until its line is complete.
  if (AMBIGUOUS_LINE.test(lastLine) || (leaf.type === 'def' && lastLine !== ''))
    return markdown.slice(0, markdown.length - lastLine.length)
  if (isTableInProgress(last))
    return markdown.slice(0, markdown.length - last.raw.length)
  const inline = inlineSource(leaf)
  if (inline === undefined)
    return markdown

  const body = markdown.trimEnd()
  const source = inline.trimEnd()
  const repaired = repairInline(source)
  let keep = 0
  while (keep < source.length && source[keep] === repaired[keep])
    keep++
  // The changed end must lie on the last line, where inline and block source agree.
  const lineStart = source.lastIndexOf('\n') + 1
  if (keep === source.length && repaired.length === source.length)
    return markdown
  if (keep < lineStart || !body.endsWith(source.slice(lineStart)))
    return markdown
  return body.slice(0, body.length - (source.length - keep)) + repaired.slice(keep) + markdown.slice(body.length)
}
