import { describe, expect, it } from 'vitest'
import { chunks, streamingSetup } from '../fixtures/markdown/harness'

const section = (i: number): string => `## Part ${i}\n\nText of part ${i} with **bold** and a [link](https://example.com/${i}).\n\n- one\n- two\n\n\`\`\`js\nlet x${i} = ${i}\n\`\`\``

/** The container's HTML with the group wrappers taken away. */
function ungrouped(container: HTMLElement): string {
  const copy = container.cloneNode(true) as HTMLElement
  copy.querySelectorAll(':scope > div.md-group').forEach(group => group.replaceWith(...Array.from(group.childNodes)))
  return copy.innerHTML
}

describe('old blocks of a long answer are grouped', { timeout: 30_000 }, () => {
  it('shows exactly the full render while the answer is short', () => {
    const setup = streamingSetup()
    const text = Array.from({ length: 15 }, (_, i) => section(i)).join('\n\n')
    for (const part of chunks(text, 40)) {
      setup.streaming.append(part)
      setup.streaming.flush()
    }
    setup.streaming.finish()
    expect(setup.container.querySelector('.md-group')).toBeNull()
    expect(setup.container.innerHTML).toBe(setup.full(text))
    setup.window.close()
  })

  it('keeps few children in the container and otherwise the structure of the full render, at every step', () => {
    const setup = streamingSetup()
    const text = Array.from({ length: 45 }, (_, i) => section(i)).join('\n\n')
    let prefix = ''
    let most = 0
    for (const part of chunks(text, 41)) {
      prefix += part
      setup.streaming.append(part)
      setup.streaming.flush()
      expect(ungrouped(setup.container)).toBe(setup.shown(prefix))
      most = Math.max(most, setup.container.childNodes.length)
    }
    setup.streaming.finish()
    expect(ungrouped(setup.container)).toBe(setup.full(text))
    // 45 sections are 180 blocks (plus the text nodes between them); grouped, far fewer children.
    expect(setup.container.querySelectorAll(':scope > .md-group').length).toBeGreaterThanOrEqual(2)
    expect(most).toBeLessThan(setup.full(text).match(/<\/(?:h2|p|ul|pre)>/g)!.length)
    setup.window.close()
  })

  it('never moves a finished block into a group after it was shown: only the few open blocks move', async () => {
    const setup = streamingSetup()
    const text = Array.from({ length: 45 }, (_, i) => section(i)).join('\n\n')
    const removed = new Set<Node>()
    const observer = new setup.window.MutationObserver(records => records.forEach(record => record.removedNodes.forEach(node => removed.add(node))))
    observer.observe(setup.container, { childList: true, subtree: true })
    for (const part of chunks(text, 41)) {
      setup.streaming.append(part)
      setup.streaming.flush()
      // Mutation records are delivered in a microtask.
      await Promise.resolve()
    }
    observer.disconnect()
    const groups = setup.container.querySelectorAll(':scope > .md-group').length
    // A removed node still in the page was moved. Blocks are 4 to 6 nodes, and fewer than 3 blocks are open at a time.
    const moved = Array.from(removed).filter(node => setup.container.contains(node)).length
    expect(groups).toBeGreaterThanOrEqual(2)
    expect(moved).toBeLessThanOrEqual(groups * 12)
    setup.window.close()
  })

  it('takes the groups away when the text is replaced', () => {
    const setup = streamingSetup()
    setup.streaming.setText(Array.from({ length: 40 }, (_, i) => section(i)).join('\n\n'))
    setup.streaming.finish()
    expect(setup.container.querySelector('.md-group')).not.toBeNull()
    setup.streaming.setText('# Other\n\ntext')
    setup.streaming.finish()
    expect(setup.container.innerHTML).toBe(setup.full('# Other\n\ntext'))
    setup.window.close()
  })
})
