import type { MarkdownEngine } from './engine'

/**
 * Sanitizes several HTML snippets with one DOMPurify call (each call parses a new
 * document, which costs more than the snippets themselves) and returns the nodes
 * of each. Each snippet is wrapped in a `<div>` while sanitized; the wrappers are
 * dropped and their sanitized children moved out, never serialized and parsed again.
 */
export function sanitizeEach(engine: MarkdownEngine, snippets: string[]): ChildNode[][] {
  if (snippets.length === 0)
    return []
  if (snippets.length > 1) {
    const wrapped = engine.sanitizeToFragment(snippets.map(html => `<div>${html}</div>`).join(''))
    const wrappers = Array.from(wrapped.childNodes)
    if (wrappers.length === snippets.length && wrappers.every(node => node.nodeName === 'DIV'))
      return wrappers.map(wrapper => Array.from(wrapper.childNodes))
  }
  // One snippet, or wrappers that did not survive as expected: one call each.
  return snippets.map(html => Array.from(engine.sanitizeToFragment(html).childNodes))
}

/** Inserts `nodes` into `parent` before `anchor` (at the end when `anchor` is null). */
export function insertNodes(parent: Node, nodes: ChildNode[], anchor: ChildNode | null): void {
  for (const node of nodes)
    parent.insertBefore(node, anchor)
}

/** Removes `nodes` from wherever they are. */
export function removeNodes(nodes: ChildNode[]): void {
  for (const node of nodes)
    node.remove()
}

/** Every `<pre>` among `nodes` and their descendants. */
export function findCodeBlocks(nodes: ChildNode[]): HTMLPreElement[] {
  const found: HTMLPreElement[] = []
  for (const node of nodes) {
    if (node.nodeType !== 1)
      continue
    const element = node as Element
    if (element.localName === 'pre')
      found.push(element as HTMLPreElement)
    found.push(...element.querySelectorAll('pre'))
  }
  return found
}
