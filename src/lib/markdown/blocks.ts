import type { Links, Token } from 'marked'
import type { MarkdownEngine } from './engine'
import { escapeHtml } from './html'

/** One top-level token plus the blank lines after it: the unit that is rendered, frozen and patched. */
export interface BlockUnit {
  raw: string
  /** `null` when the lexer failed: the unit is then shown as escaped text. */
  tokens: Token[] | null
}

/**
 * Lexes `source` (with the definitions in `links` known) into units. Never throws:
 * when the lexer fails or its tokens cannot be mapped back onto the text, the
 * whole source is one unit that never freezes.
 */
export function lexUnits(engine: MarkdownEngine, source: string, links: Links): { units: BlockUnit[], links: Links } {
  try {
    const tokens = engine.lex(source, links)
    return { units: toUnits(tokens, source) ?? [{ raw: source, tokens }], links: tokens.links }
  }
  catch {
    return { units: [{ raw: source, tokens: null }], links: { ...links } }
  }
}

/** marked's HTML for a unit, unsanitized; escaped source text when the lexer failed. */
export function renderUnit(engine: MarkdownEngine, unit: BlockUnit): string {
  return unit.tokens ? engine.parse(unit.tokens, unit.raw) : `<p>${escapeHtml(unit.raw)}</p>`
}

const ENDS_WITH_BLANK_LINE = /\n[ \t]*\n[ \t]*$/
const ATX_HEADING = /^ {0,3}#/
const FENCE = /^ {0,3}(?:`{3}|~{3})/

/**
 * Groups top-level tokens into units. Returns `null` when the raws do not add up
 * to `source`: then token boundaries cannot be mapped back onto the text.
 */
function toUnits(tokens: Token[], source: string): BlockUnit[] | null {
  const units: BlockUnit[] = []
  let length = 0
  for (const token of tokens) {
    const last = units.at(-1)
    if (token.type === 'space' && last?.tokens) {
      last.tokens.push(token)
      last.raw += token.raw
    }
    else {
      units.push({ raw: token.raw, tokens: [token] })
    }
    length += token.raw.length
  }
  return length === source.length ? units : null
}

/**
 * Whether a block can no longer change, whatever text follows. A block that ends
 * with a blank line is finished once two more blocks follow: with only one, that
 * one may still turn into something that continues it (`1. a` + blank + `2` becomes
 * `2. b`, an item of the same list). An ATX heading, a closed fence or a rule is
 * finished as soon as anything follows it: none of them can be continued. The
 * blocks after it lex the same either way: marked only looks back at a preceding
 * paragraph or text token, which never ends a finished block.
 */
function isFinished(units: BlockUnit[], index: number): boolean {
  const unit = units[index]
  const token = unit?.tokens?.[0]
  if (!unit || !token)
    return false
  const following = units.length - 1 - index
  if (following >= 2 && ENDS_WITH_BLANK_LINE.test(unit.raw))
    return true
  if (following < 1)
    return false
  return token.type === 'hr' || token.type === 'space'
    || (token.type === 'heading' && ATX_HEADING.test(token.raw))
    || (token.type === 'code' && FENCE.test(token.raw))
}

/** How many leading units are certainly finished. */
export function countFinished(units: BlockUnit[]): number {
  let count = 0
  while (isFinished(units, count))
    count++
  return count
}
