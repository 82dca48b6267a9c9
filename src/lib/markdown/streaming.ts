import type { Block } from './block-view'
import type { BlockUnit } from './blocks'
import type { Links, MarkdownEngine } from './engine'
import type { OpenFence } from './fence'
import { createBlockView } from './block-view'
import { lexUnits, renderUnit } from './blocks'
import { findCodeBlocks } from './dom'
import { createMarkdownEngine } from './engine'
import { createOpenFence } from './fence'
import { repairMarkdown } from './repair'

/** Renders a growing Markdown text into a container, block by block. */
export interface StreamingMarkdown {
  /** Adds text; nothing is rendered until `flush` or `finish`. */
  append: (chunk: string) => void
  /** Replaces the text: appends when `text` extends it, else starts over. */
  setText: (text: string) => void
  /** Renders what has arrived, repairing the open end for display. */
  flush: () => void
  /** Renders the text as final: no display repair, code blocks decorated. More text may still follow. */
  finish: () => void
  /** Stops rendering; the container keeps what it shows. */
  dispose: () => void
}

export interface StreamingMarkdownOptions {
  /** Receives the rendered nodes; nothing else may add or remove its children. */
  container: HTMLElement
  /** Shared engine; by default one is created for the container's window. */
  engine?: MarkdownEngine
  /** Called once for each finished code block, e.g. to add a copy button. */
  onCodeBlock?: (pre: HTMLPreElement) => void
}

function engineFor(container: HTMLElement): MarkdownEngine {
  const window = container.ownerDocument.defaultView
  if (!window)
    throw new Error('The container\'s document has no window: pass an engine')
  return createMarkdownEngine({ window })
}

interface FollowedFence { open: OpenFence, block: Block, node: Text }

/**
 * Creates a streaming renderer. Blocks that are certainly finished are frozen:
 * sanitized once, never touched again (unless a reference definition they use
 * arrives later). The open tail is lexed again on each flush and only its changed
 * blocks are rendered; inside an open code fence new text goes straight into
 * the code's text node. Every flush shows what `createMarkdownRenderer().render`
 * shows for `repairMarkdown(text)`, and `finish` what it shows for `text`; in a
 * long answer, old blocks sit inside plain `div.md-group` wrappers (see block-view.ts).
 */
export function createStreamingMarkdown(options: StreamingMarkdownOptions): StreamingMarkdown {
  const { container } = options
  const engine = options.engine ?? engineFor(container)
  const view = createBlockView(container, engine, options.onCodeBlock)
  // `input` as given; `text` normalized (only read at the end); `pending` the
  // normalized text after the frozen blocks; `fresh` what arrived since the last
  // render. Strings built with += are ropes that V8 flattens when read: reading
  // only `pending` and `fresh` keeps a flush from copying the whole answer.
  let input = ''
  let text = ''
  let pending = ''
  let fresh = ''
  let endsWithCR = false
  let fence: FollowedFence | null = null
  let rendered: { length: number, final: boolean } | null = null
  let disposed = false

  /** Starts the fast path when the last block is an open fence (its DOM was just rendered). */
  function followFence(last: BlockUnit | undefined): void {
    const block = view.blocks.at(-1)
    const code = findCodeBlocks(block?.nodes ?? [])[0]?.querySelector('code')
    const open = last?.tokens?.length === 1 && last.tokens[0]?.type === 'code' ? createOpenFence(last.raw) : null
    if (!open || !block || block.raw !== last?.raw || !code || code.childNodes.length > 1)
      return
    const node = (code.firstChild ?? code.appendChild(container.ownerDocument.createTextNode(''))) as Text
    // The mirror of marked must agree with what marked just rendered, else no fast path.
    if (node.nodeType === 3 && open.initial === node.data)
      fence = { open, block, node }
  }

  function advanceFence(followed: FollowedFence): boolean {
    const patch = followed.open.append(fresh)
    if (!patch)
      return false
    followed.node.replaceData(patch.keep, followed.node.length - patch.keep, patch.data)
    followed.block.raw += fresh
    followed.block.stale = true
    return true
  }

  /** One full lex at the end, only when references exist: redoes everything if block-wise lexing differs. */
  function verify(links: Links): void {
    if (Object.keys(links).length === 0 && Object.keys(view.frozen.links).length === 0)
      return
    const full = lexUnits(engine, text, {})
    if (full.units.map(unit => renderUnit(engine, unit)).join('') === view.blocks.map(block => block.html).join(''))
      return
    view.clear()
    view.show(full.units, full.links)
    view.decorateAll()
    pending = text
  }

  function render(final: boolean): void {
    if (disposed || (rendered?.length === text.length && rendered.final === final))
      return
    rendered = { length: text.length, final }
    const fastPath = !final && fence !== null && advanceFence(fence)
    fresh = ''
    if (fastPath)
      return
    fence = null
    const actual = lexUnits(engine, pending, view.frozen.links)
    const shownText = final ? pending : repairMarkdown(pending, actual.units.at(-1)?.tokens?.at(-1))
    const shown = shownText === pending ? actual : lexUnits(engine, shownText, view.frozen.links)
    view.refreshReferences(shown.links)
    view.show(shown.units, shown.links)
    pending = pending.slice(view.freeze(actual.units))
    if (final) {
      view.decorateAll()
      verify(shown.links)
    }
    else {
      followFence(shown.units.at(-1))
    }
  }

  function append(chunk: string): void {
    input += chunk
    // Line endings as marked normalizes them, also when a CRLF is split between chunks.
    const normalized = (endsWithCR && chunk.startsWith('\n') ? chunk.slice(1) : chunk).replace(/\r\n?/g, '\n')
    endsWithCR = chunk.endsWith('\r')
    text += normalized
    pending += normalized
    fresh += normalized
  }

  return {
    append,
    setText(next) {
      const extending = next.startsWith(input)
      if (!extending) {
        view.clear()
        text = pending = fresh = ''
        endsWithCR = false
        fence = rendered = null
      }
      append(next.slice(extending ? input.length : 0))
      // The caller's string, not our concatenation: already flat when compared next time.
      input = next
    },
    flush: () => render(false),
    finish: () => render(true),
    dispose() {
      disposed = true
      fence = null
    },
  }
}
