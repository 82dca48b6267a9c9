import type { MarkdownEngine } from '../../src/lib/markdown/engine'
import { JSDOM } from 'jsdom'
import { describe, expect, it } from 'vitest'
import { createMarkdownEngine } from '../../src/lib/markdown/engine'
import { createMarkdownRenderer } from '../../src/lib/markdown/render'
import { createStreamingMarkdown } from '../../src/lib/markdown/streaming'
import { chunks, streamingSetup } from '../fixtures/markdown/harness'

const paragraph = (i: number): string => `Paragraph ${i} says **something** about [item ${i}](https://example.com/${i}) in words.`
const document = (count: number): string => Array.from({ length: count }, (_, i) => i % 5 === 0 ? `## Part ${i}` : paragraph(i)).join('\n\n')

function streamAll(setup: ReturnType<typeof streamingSetup>, text: string, size = 1): void {
  for (const part of chunks(text, size)) {
    setup.streaming.append(part)
    setup.streaming.flush()
  }
}

describe('streaming work stays proportional to the open tail', { timeout: 30_000 }, () => {
  it('lexes and sanitizes only the last few blocks, however long the answer grows', () => {
    const setup = streamingSetup()
    streamAll(setup, document(40), 9)
    const longest = Math.max(...[...setup.log.lexed, ...setup.log.sanitized].map(text => text.length))
    expect(longest).toBeLessThan(4 * paragraph(99).length)
    expect(setup.container.querySelectorAll('p')).toHaveLength(32)
    setup.window.close()
  })

  it('never replaces the nodes of a finished block', () => {
    const setup = streamingSetup()
    streamAll(setup, '# Title\n\nFirst paragraph.\n\n- a\n- b\n\nThird block.\n\n')
    const [heading, first, list] = Array.from(setup.container.children)
    streamAll(setup, `${document(8)}\n\n[late]: https://late.example/`, 3)
    setup.streaming.finish()
    const [headingNow, firstNow, listNow] = Array.from(setup.container.children)
    expect(headingNow).toBe(heading)
    expect(firstNow).toBe(first)
    expect(listNow).toBe(list)
    setup.window.close()
  })

  it('appends to the code text node inside an open fence, without lexing or sanitizing', () => {
    const setup = streamingSetup()
    streamAll(setup, 'Intro.\n\n```python\n')
    setup.log.lexed.length = 0
    setup.log.sanitized.length = 0
    const code = setup.container.querySelector('code')
    const body = Array.from({ length: 40 }, (_, i) => `print(${i}) # <b>&amp;</b>\n`).join('')
    streamAll(setup, body)
    expect(setup.log).toEqual({ lexed: [], sanitized: [] })
    expect(setup.container.querySelector('code')).toBe(code)
    expect(code?.textContent).toBe(body)

    streamAll(setup, '```\n\nAfter.')
    expect(setup.container.innerHTML).toBe(setup.shown(`Intro.\n\n\`\`\`python\n${body}\`\`\`\n\nAfter.`))
    setup.window.close()
  })

  it('lexes the whole text at the end only when it has reference definitions', () => {
    const plain = streamingSetup()
    const text = document(12)
    streamAll(plain, text, 7)
    plain.streaming.finish()
    expect(plain.log.lexed).not.toContain(text)

    const withReferences = streamingSetup()
    const referenced = `See [the docs].\n\n${text}\n\n[the docs]: https://docs.example/`
    streamAll(withReferences, referenced, 7)
    withReferences.streaming.finish()
    expect(withReferences.log.lexed.filter(lexed => lexed === referenced)).toHaveLength(1)
    expect(withReferences.container.querySelector('a')?.getAttribute('href')).toBe('https://docs.example/')
    plain.window.close()
    withReferences.window.close()
  })

  it('re-renders a finished block for a definition that arrives later, and only that block', () => {
    const setup = streamingSetup()
    streamAll(setup, `Uses [ref].\n\n${document(6)}\n\n`)
    const [user, unrelated] = Array.from(setup.container.children)
    streamAll(setup, '[ref]: https://ref.example/\n\nend')
    const [userNow, unrelatedNow] = Array.from(setup.container.children)
    expect(userNow).not.toBe(user)
    expect(userNow?.querySelector('a')?.getAttribute('href')).toBe('https://ref.example/')
    expect(unrelatedNow).toBe(unrelated)
    setup.window.close()
  })

  it('does nothing when flushed without new text, or after dispose', () => {
    const setup = streamingSetup()
    streamAll(setup, '# a\n\nb')
    const count = setup.log.sanitized.length
    setup.streaming.flush()
    expect(setup.log.sanitized).toHaveLength(count)
    setup.streaming.dispose()
    setup.streaming.append('\n\nmore')
    setup.streaming.finish()
    expect(setup.log.sanitized).toHaveLength(count)
    expect(setup.container.textContent).toBe('a\nb\n')
    setup.window.close()
  })
})

describe('finished code blocks', () => {
  it('are handed to onCodeBlock once each: when frozen while streaming, the rest at the end', () => {
    const seen: string[] = []
    const setup = streamingSetup({ onCodeBlock: pre => seen.push(pre.textContent ?? '') })
    streamAll(setup, '```js\nfirst\n```\n\ntext\n\nmore\n\n```py\nsecond\n')
    expect(seen).toEqual(['first\n'])
    setup.streaming.finish()
    expect(seen).toEqual(['first\n', 'second\n'])
    setup.streaming.finish()
    expect(seen).toHaveLength(2)
    setup.window.close()
  })
})

describe('the end of the stream', () => {
  it('falls back to the full render when block-wise lexing ever disagrees with it', () => {
    const { window } = new JSDOM('')
    const real = createMarkdownEngine({ window })
    // A fault on purpose: block-wise lexing forgets the definitions found earlier.
    const forgetful: MarkdownEngine = { ...real, lex: markdown => real.lex(markdown) }
    const container = window.document.createElement('div')
    const streaming = createStreamingMarkdown({ container, engine: forgetful })
    const text = '[a]: https://a.example/\n\none\n\ntwo\n\nthree [a]'
    chunks(text, 4).forEach((part) => {
      streaming.append(part)
      streaming.flush()
    })
    expect(container.querySelector('a')).toBeNull()
    streaming.finish()
    expect(container.innerHTML).toBe(createMarkdownRenderer({ engine: real }).render(text))
    window.close()
  })
})

describe('setup', () => {
  it('uses an engine for the container\'s own window when none is given', () => {
    const { window } = new JSDOM('')
    const container = window.document.createElement('div')
    const streaming = createStreamingMarkdown({ container })
    streaming.append('# 제목\n\n<img src=x onerror=alert(1)> **굵게**')
    streaming.finish()
    expect(container.innerHTML).toBe('<h1>제목</h1>\n<p>&lt;img src=x onerror=alert(1)&gt; <strong>굵게</strong></p>\n')
    window.close()
  })
})
