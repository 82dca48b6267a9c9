import { JSDOM } from 'jsdom'
import { describe, expect, it } from 'vitest'
import { createMarkdownEngine } from '../../src/lib/markdown/engine'
import { repairMarkdown } from '../../src/lib/markdown/repair'

const { window } = new JSDOM('')
const engine = createMarkdownEngine({ window })
const repair = (markdown: string): string => repairMarkdown(markdown, engine.lex(markdown).at(-1))

describe('display repair of the open end of a stream', () => {
  it.each([
    ['closes bold', 'Some **bold', 'Some **bold**'],
    ['completes a half-written closer', 'Some **bold*', 'Some **bold**'],
    ['closes italic and strikethrough', 'a *it and ~~del', 'a *it and ~~del~~*'],
    ['closes in nesting order', '**bold `code` and *it', '**bold `code` and *it***'],
    ['closes Korean bold', '한국어 **굵게', '한국어 **굵게**'],
    ['closes inline code', 'use `code', 'use `code`'],
    ['drops a dangling opener', 'text **', 'text'],
    ['drops a dangling backtick', 'use `', 'use'],
    ['moves a closer before trailing space', '**a **', '**a**'],
    ['closes inside a heading, a quote and a list item', '## Title *x', '## Title *x*'],
    ['closes in the last table cell', '| a |\n|---|\n| **x', '| a |\n|---|\n| **x**'],
    ['shows a link whose destination is arriving as its text', '[**b** label](https://exa', '**b** label'],
    ['drops an image whose destination is arriving', 'see ![alt](https://img.exa', 'see'],
    ['drops an image whose alt text is arriving', 'see ![al', 'see'],
    ['drops an image that may still get a destination', 'see ![alt]', 'see'],
    ['holds back a possible setext underline', 'text\n-', 'text'],
    ['holds back a bullet without text', 'text\n\n- ', 'text'],
    ['holds back a pipe row until it is a table', 'intro\n\n| a | b |\n| --', 'intro'],
  ])('%s', (_name, markdown, expected) => {
    expect(repair(markdown).trimEnd()).toBe(expected)
  })

  it.each([
    ['intraword underscores', 'snake_case_name'],
    ['a lone star between spaces', '2 * 3 = 6'],
    ['an unfinished link text', '[label'],
    ['underscores in a link destination', 'a [link](https://x.example/a_b) b'],
    ['an open code fence', '```js\nconst a = "**'],
    ['a closed block', 'text **\n\n'],
    ['raw HTML shown as text', '<b>x</b> and <i'],
  ])('leaves %s alone', (_name, markdown) => {
    expect(repair(markdown)).toBe(markdown)
  })

  it('repairs only the last block', () => {
    expect(repair('**not closed\n\n# Title\n\n*open')).toBe('**not closed\n\n# Title\n\n*open*')
  })
})
