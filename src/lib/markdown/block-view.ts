import type { BlockUnit } from './blocks'
import type { Links, MarkdownEngine } from './engine'
import { countFinished, lexUnits, renderUnit } from './blocks'
import { findCodeBlocks, insertNodes, removeNodes, sanitizeEach } from './dom'
import { candidateLabels, collectDefinitions, linkSignature } from './references'

/** One rendered unit and the nodes that show it. */
export interface Block {
  raw: string
  /** marked's output for `raw`, compared with a full render at the end. */
  html: string
  nodes: ChildNode[]
  /** Reference labels `raw` may use, and what they resolved to when rendered. */
  labels: string[]
  signature: string
  decorated: boolean
  /** Grown in place by the open-fence fast path: the DOM is current, `html` is not. */
  stale: boolean
}

/** The blocks shown in a container: frozen ones first, then the open tail. */
export interface BlockView {
  /** Length of the text the frozen blocks cover, and the definitions in it. */
  readonly frozen: { end: number, links: Links }
  readonly blocks: readonly Block[]
  /** Makes the blocks after the frozen ones show `units`, rendering only those that changed. */
  show: (units: BlockUnit[], links: Links) => void
  /** Freezes the leading `units` that are certainly finished (they must be shown already); returns the length frozen. */
  freeze: (units: BlockUnit[]) => number
  /** Re-renders frozen blocks whose references now resolve differently. */
  refreshReferences: (links: Links) => void
  /** Hands each code block not handed yet to `onCodeBlock`. */
  decorateAll: () => void
  /** Removes every block from the container. */
  clear: () => void
}

// A long answer's blocks go into plain <div class="md-group"> wrappers of this
// many: Chromium's layout walks every child of the container each frame (about
// 0.5 ms at 800 blocks), but only a few dozen once blocks are grouped. Once
// twice this many blocks are frozen, new blocks are rendered into the last
// group, and a new group opens when it holds this many frozen ones, so that no
// block is ever moved into a group after it was laid out (moving 32 blocks cost
// a frame of 5 ms or more). Without padding, border or a new formatting context,
// margins collapse through the wrappers, so the page looks the same. Answers
// with fewer than twice this many frozen blocks keep exactly the structure of a
// full render.
const GROUP_SIZE = 32

/** Creates the block list behind a streaming renderer; see `createStreamingMarkdown`. */
export function createBlockView(container: HTMLElement, engine: MarkdownEngine, onCodeBlock?: (pre: HTMLPreElement) => void): BlockView {
  let blocks: Block[] = []
  let frozenCount = 0
  let groups: HTMLElement[] = []
  /** The group new blocks go into, and how many frozen blocks preceded it. */
  let tail: { element: HTMLElement, from: number } | null = null
  const frozen = { end: 0, links: {} as Links }
  let linksKey = ''

  function toBlock(raw: string, html: string, links: Links): Block {
    const labels = candidateLabels(raw)
    return { raw, html, nodes: [], labels, signature: linkSignature(labels, links), decorated: false, stale: false }
  }

  function decorate(block: Block): void {
    if (!block.decorated && onCodeBlock)
      findCodeBlocks(block.nodes).forEach(onCodeBlock)
    block.decorated = true
  }

  /** Puts freshly rendered blocks into the DOM in place of the nodes in `previous`. */
  function mount(indexes: number[], previous: ChildNode[][]): void {
    const nodeLists = sanitizeEach(engine, indexes.map(index => blocks[index]!.html))
    indexes.forEach((index, k) => {
      const block = blocks[index]!
      removeNodes(previous[k] ?? [])
      block.nodes = nodeLists[k] ?? []
      const anchor = blocks.slice(index + 1).find(next => next.nodes.length > 0)?.nodes[0] ?? null
      insertNodes(anchor?.parentNode ?? tail?.element ?? container, block.nodes, anchor)
    })
  }

  /**
   * Opens the groups that are due: the first once 2 × GROUP_SIZE blocks are
   * frozen, the next whenever the last one holds GROUP_SIZE frozen blocks
   * (several at once when much text is frozen together, as for a saved answer).
   */
  function group(): void {
    const starts: number[] = []
    for (let from = tail ? tail.from + GROUP_SIZE : 2 * GROUP_SIZE; from <= frozenCount; from += GROUP_SIZE)
      starts.push(from)
    if (starts.length === 0)
      return
    // The blocks from starts[0] on are the last nodes of the container, or of the last group:
    // each new group takes its share of them, the last one the open blocks as well.
    const elements = starts.map((from, i) => {
      const element = container.ownerDocument.createElement('div')
      element.className = 'md-group'
      element.append(...blocks.slice(from, starts[i + 1] ?? blocks.length).flatMap(block => block.nodes))
      return element
    })
    container.append(...elements)
    groups.push(...elements)
    tail = { element: elements.at(-1)!, from: starts.at(-1)! }
  }

  return {
    frozen,
    get blocks() {
      return blocks
    },
    show(units, links) {
      const old = blocks.splice(frozenCount)
      const changed: number[] = []
      for (const [i, unit] of units.entries()) {
        const kept = old[i]
        if (kept && !kept.stale && kept.raw === unit.raw && kept.signature === linkSignature(kept.labels, links)) {
          blocks.push(kept)
          continue
        }
        changed.push(blocks.length)
        blocks.push(toBlock(unit.raw, renderUnit(engine, unit), links))
      }
      old.slice(units.length).forEach(block => removeNodes(block.nodes))
      mount(changed, changed.map(index => old[index - frozenCount]?.nodes ?? []))
    },
    freeze(units) {
      const start = frozen.end
      for (const unit of units.slice(0, countFinished(units))) {
        const block = blocks[frozenCount]
        if (block?.raw !== unit.raw)
          break
        frozenCount++
        frozen.end += unit.raw.length
        collectDefinitions(unit.tokens ?? [], frozen.links)
        decorate(block)
      }
      group()
      return frozen.end - start
    },
    refreshReferences(links) {
      const key = Object.entries(links).map(([label, link]) => `${label}\0${link.href}\0${link.title ?? ''}`).join('\u0001')
      if (key === linksKey)
        return
      linksKey = key
      const changed = blocks.slice(0, frozenCount).flatMap((block, index) =>
        block.labels.length > 0 && linkSignature(block.labels, links) !== block.signature ? [index] : [])
      const previous = changed.map(index => blocks[index]!.nodes)
      for (const index of changed) {
        const { raw } = blocks[index]!
        const tokens = lexUnits(engine, raw, links).units.flatMap(unit => unit.tokens ?? [])
        blocks[index] = toBlock(raw, renderUnit(engine, { raw, tokens }), links)
      }
      mount(changed, previous)
      changed.forEach(index => decorate(blocks[index]!))
    },
    decorateAll: () => blocks.forEach(decorate),
    clear() {
      blocks.forEach(block => removeNodes(block.nodes))
      groups.forEach(wrapper => wrapper.remove())
      blocks = []
      groups = []
      tail = null
      frozenCount = frozen.end = 0
      frozen.links = {}
      linksKey = ''
    },
  }
}
