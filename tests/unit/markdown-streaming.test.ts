import { describe, expect, it } from 'vitest'
import { chunks, streamingSetup } from '../fixtures/markdown/harness'
import { streamingCorpus } from '../fixtures/markdown/streaming-corpus'

const corpus = streamingCorpus.map(entry => [entry.name, entry.markdown] as const)

/** Streams `parts`, flushing after each, and lists every flush that differs from the repaired full render. */
function stream(markdown: string, parts: string[]) {
  const setup = streamingSetup()
  const mismatches: string[] = []
  let prefix = ''
  for (const part of parts) {
    prefix += part
    setup.streaming.append(part)
    setup.streaming.flush()
    const expected = setup.shown(prefix)
    if (setup.container.innerHTML !== expected)
      mismatches.push(`${JSON.stringify(prefix)}\n got      ${JSON.stringify(setup.container.innerHTML)}\n expected ${JSON.stringify(expected)}`)
  }
  setup.streaming.finish()
  const final = { got: setup.container.innerHTML, expected: setup.full(markdown) }
  setup.window.close()
  return { mismatches, final }
}

// Hundreds of jsdom renders per test: slow under a loaded test run, fast in a browser.
describe('streaming output equals the full render', { timeout: 30_000 }, () => {
  it('the corpus is large and varied enough to mean something', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30)
    expect(new Set(corpus.map(([name]) => name)).size).toBe(corpus.length)
    expect(corpus.reduce((sum, [, markdown]) => sum + Array.from(markdown).length, 0)).toBeGreaterThan(2500)
  })

  // One character at a time checks every prefix; larger chunks check that skipping
  // over states (several blocks finishing in one flush) lands on the same output.
  it.each(corpus)('%s: at every prefix, in chunks, and at the end', (_name, markdown) => {
    for (const size of [1, 3, 17, Infinity]) {
      const { mismatches, final } = stream(markdown, chunks(markdown, size))
      expect(mismatches, `chunks of ${size}`).toEqual([])
      expect(final.got, `chunks of ${size}`).toBe(final.expected)
    }
  })

  it('normalizes a CRLF split between two chunks like a full render does', () => {
    const { mismatches, final } = stream('a\r\n\r\nb\r\n\r\nc\r\n\r\nd', ['a\r', '\n\r', '\nb\r', '\n', '\r\nc\r\n\r', '\nd'])
    expect(mismatches).toEqual([])
    expect(final.got).toBe(final.expected)
  })

  it('starts over when the text is replaced instead of extended', () => {
    const { streaming, container, full, window } = streamingSetup()
    streaming.setText('# One\n\ntext\n\nmore\n\n- a')
    streaming.flush()
    streaming.setText('# Two\n\nother')
    streaming.finish()
    expect(container.innerHTML).toBe(full('# Two\n\nother'))
    window.close()
  })
})
