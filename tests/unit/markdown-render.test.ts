import type { MarkdownWindow } from '../../src/lib/markdown/render'
import DOMPurify from 'dompurify'
import { JSDOM } from 'jsdom'
import { marked } from 'marked'
import { describe, expect, it } from 'vitest'
import { createMarkdownRenderer } from '../../src/lib/markdown/render'
import { createSanitizer, safeUrl } from '../../src/lib/markdown/sanitize'
import { hostileInputs } from '../fixtures/markdown/hostile'
import { htmlViolations } from '../fixtures/markdown/violations'

const { window } = new JSDOM('')
const { render } = createMarkdownRenderer({ window })
const A = 'rel="noopener noreferrer nofollow ugc" target="_blank" referrerpolicy="no-referrer"'

/** Parses `html` back into jsdom (an inert template) and lists everything that must never appear. */
function violations(html: string, document = window.document): string[] {
  return htmlViolations(html, document)
}

describe('markdown rendering', () => {
  it.each([
    ['headings, Korean included', '# Title\n\n## 안녕하세요\n\n###### 작은 제목', '<h1>Title</h1>\n<h2>안녕하세요</h2>\n<h6>작은 제목</h6>\n'],
    ['Korean paragraph with emphasis', '한국어 **굵게** 그리고 *기울임* ~~취소~~', '<p>한국어 <strong>굵게</strong> 그리고 <em>기울임</em> <del>취소</del></p>\n'],
    ['unordered list', '- one\n- two', '<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n'],
    ['ordered list keeps its start', '3. three\n4. four', '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>\n'],
    ['nested list', '- a\n  - b', '<ul>\n<li>a<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>\n'],
    ['task list without input elements', '- [x] done\n- [ ] todo', '<ul>\n<li><span class="md-task">☑</span> done</li>\n<li><span class="md-task">☐</span> todo</li>\n</ul>\n'],
    ['GFM table with alignment', '| 이름 | 값 |\n|:--|--:|\n| a | 1 |', '<table>\n<thead>\n<tr>\n<th align="left">이름</th>\n<th align="right">값</th>\n</tr>\n</thead>\n<tbody><tr>\n<td align="left">a</td>\n<td align="right">1</td>\n</tr>\n</tbody></table>\n'],
    ['fenced code with language', '```ts\nconst a = 1 < 2 && "x"\n```', '<pre><code class="language-ts">const a = 1 &lt; 2 &amp;&amp; "x"\n</code></pre>\n'],
    ['fenced code with c++ language', '```c++\nx\n```', '<pre><code class="language-c++">x\n</code></pre>\n'],
    ['fenced code without language', '```\n<b>x</b>\n```', '<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n'],
    ['unsafe language dropped', '```js"onclick="x\ncode\n```', '<pre><code>code\n</code></pre>\n'],
    ['unclosed fence while streaming', '```py\nprint(1)', '<pre><code class="language-py">print(1)\n</code></pre>\n'],
    ['inline code escaped', 'use `<script>` & `a&amp;b`', '<p>use <code>&lt;script&gt;</code> &amp; <code>a&amp;amp;b</code></p>\n'],
    ['no breaks on single newline', 'line1\nline2', '<p>line1\nline2</p>\n'],
    ['blockquote and rule', '> 인용\n\n---', '<blockquote>\n<p>인용</p>\n</blockquote>\n<hr>\n'],
    ['character references in text', 'a &copy; &amp; b', '<p>a © &amp; b</p>\n'],
  ])('%s', (_name, markdown, html) => {
    expect(render(markdown)).toBe(html)
  })

  it('returns a string synchronously and leaves the global marked untouched', () => {
    expect(typeof render('**x**')).toBe('string')
    expect(marked.parse('<b>x</b>', { async: false })).toBe('<p><b>x</b></p>\n')
  })
})

describe('raw HTML is shown as text', () => {
  it.each([
    ['inline tags', 'say <b>hi</b>', '<p>say &lt;b&gt;hi&lt;/b&gt;</p>\n'],
    ['block html', '<div class="x">\nhi\n</div>\n\nafter', '<p>&lt;div class="x"&gt;\nhi\n&lt;/div&gt;</p>\n<p>after</p>\n'],
    ['block script', '<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n'],
    ['text inside an inline script stays escaped', 'x <script>a<b & c</script>', '<p>x &lt;script&gt;a&lt;b &amp; c&lt;/script&gt;</p>\n'],
    ['html comment', '<!-- hidden -->', '<p>&lt;!-- hidden --&gt;</p>\n'],
    ['partial tag while streaming', 'text <scr', '<p>text &lt;scr</p>\n'],
  ])('%s', (_name, markdown, html) => {
    expect(render(markdown)).toBe(html)
  })
})

describe('links', () => {
  it.each([
    ['inline https', '[사이트](https://example.com/a?b=1)', `<p><a href="https://example.com/a?b=1" ${A}>사이트</a></p>\n`],
    ['inline http with title', '[x](http://example.com "t \\"q\\"")', `<p><a href="http://example.com/" title="t &quot;q&quot;" ${A}>x</a></p>\n`],
    ['mailto', '[mail](mailto:a@example.com)', `<p><a href="mailto:a@example.com" ${A}>mail</a></p>\n`],
    ['reference', '[ref][1]\n\n[1]: https://example.com/r', `<p><a href="https://example.com/r" ${A}>ref</a></p>\n`],
    ['angle autolink', '<https://example.com/x>', `<p><a href="https://example.com/x" ${A}>https://example.com/x</a></p>\n`],
    ['email autolink', '<a@example.com>', `<p><a href="mailto:a@example.com" ${A}>a@example.com</a></p>\n`],
    ['bare https', 'see https://example.com/x.', `<p>see <a href="https://example.com/x" ${A}>https://example.com/x</a>.</p>\n`],
    ['bare www', 'www.example.com', `<p><a href="http://www.example.com/" ${A}>www.example.com</a></p>\n`],
    ['character references decoded before use', '[x](https://example.com/?a=1&amp;b=2)', `<p><a href="https://example.com/?a=1&amp;b=2" ${A}>x</a></p>\n`],
    ['references need a semicolon', '[x](https://example.com/?a=1&copy=2&#x41;)', `<p><a href="https://example.com/?a=1&amp;copy=2A" ${A}>x</a></p>\n`],
  ])('%s', (_name, markdown, html) => {
    expect(render(markdown)).toBe(html)
  })

  it.each([
    ['javascript', '[click](javascript:alert(1))'],
    ['mixed case', '[click](JaVaScRiPt:alert(1))'],
    ['decimal entity', '[click](&#106;avascript:alert(1))'],
    ['hex entities and &colon;', '[click](&#x6A;avascript&colon;alert(1))'],
    ['tab entity', '[click](java&#x09;script:alert(1))'],
    ['data', '[click](data:text/html,<script>alert(1)</script>)'],
    ['vbscript', '[click](vbscript:msgbox(1))'],
    ['file', '[click](file:///etc/passwd)'],
    ['relative', '[click](/admin)'],
    ['protocol-relative', '[click](//evil.example)'],
    ['reference javascript', '[click][1]\n\n[1]: javascript:alert(1)'],
    ['reference entity javascript', '[click][1]\n\n[1]: &#106;avascript:alert(1)'],
  ])('%s renders as its text only', (_name, markdown) => {
    expect(render(markdown)).toBe('<p>click</p>\n')
  })

  it('leaves a destination with a control character unlinked (not a link in CommonMark)', () => {
    expect(render('[click](\u0001javascript:alert(1))')).toBe('<p>[click](\u0001javascript:alert(1))</p>\n')
  })

  it('drops disallowed autolinks to their text', () => {
    expect(render('<javascript:alert(1)>')).toBe('<p>javascript:alert(1)</p>\n')
    expect(render('<vbscript:msgbox(1)>')).toBe('<p>vbscript:msgbox(1)</p>\n')
  })
})

describe('images', () => {
  const P = 'class="md-image" role="button" tabindex="0"'
  it.each([
    ['alt text', '![그림 설명](https://x.example/y.png)', `<p><span ${P} data-src="https://x.example/y.png">🖼 <span class="md-image-alt">그림 설명</span> <span class="md-image-host">x.example</span></span></p>\n`],
    ['empty alt names only the host', '![](https://attacker.example/?q=secret)', `<p><span ${P} data-src="https://attacker.example/?q=secret">🖼 <span class="md-image-host">attacker.example</span></span></p>\n`],
    ['reference image', '![x][i]\n\n[i]: https://x.example/i.png', `<p><span ${P} data-src="https://x.example/i.png">🖼 <span class="md-image-alt">x</span> <span class="md-image-host">x.example</span></span></p>\n`],
    ['disallowed scheme', '![x](data:image/png;base64,AAAA)', '<p>🖼 x</p>\n'],
    ['mailto is no image', '![x](mailto:a@b.example)', '<p>🖼 x</p>\n'],
    ['disallowed scheme without alt', 'a ![](javascript:alert(1)) b', '<p>a  b</p>\n'],
    ['image inside a link is text', '[![x](https://i.example/p.png)](https://l.example/)', `<p><a href="https://l.example/" ${A}>🖼 x</a></p>\n`],
  ])('%s', (_name, markdown, html) => {
    expect(render(markdown)).toBe(html)
  })
})

describe('sanitizer', () => {
  const sanitize = createSanitizer(window)

  it('removes disallowed URLs and enforces target and rel (defence in depth)', () => {
    expect(sanitize('<a href="javascript:alert(1)" target="_self">x</a><a href="/rel">y</a><a href="https://ok.example/" rel="opener">z</a>'))
      .toBe('<a target="_blank" rel="noopener noreferrer nofollow ugc" referrerpolicy="no-referrer">x</a><a target="_blank" rel="noopener noreferrer nofollow ugc" referrerpolicy="no-referrer">y</a>'
        + `<a href="https://ok.example/" ${A}>z</a>`)
    expect(sanitize('<video src="data:video/mp4;base64,AAAA" poster="https://p.example/p.png"></video>'))
      .toBe('<video poster="https://p.example/p.png"></video>')
  })

  it('drops forbidden tags and attributes', () => {
    expect(sanitize('<p id="a" name="n" style="color:red" title="t">p</p><form><input></form><svg></svg><img src="https://x.example/y.png" srcset="https://x.example/z.png 2x"><iframe></iframe>'))
      .toBe('<p title="t">p</p>')
  })

  it('keeps harmless non-URL attributes that a narrowed URI regexp would drop', () => {
    expect(sanitize('<ol start="3"><li dir="rtl">x</li></ol>')).toBe('<ol start="3"><li dir="rtl">x</li></ol>')
  })

  it('keeps its hook on its own DOMPurify instance', () => {
    const other = createMarkdownRenderer({ window })
    expect(other.render('<https://x.example/>')).toBe(render('<https://x.example/>'))
    expect(render('<https://x.example/>')).toContain(A)
    expect(DOMPurify(window).sanitize('<a href="https://x.example/">x</a>')).toBe('<a href="https://x.example/">x</a>')
  })

  it('fails closed when DOMPurify cannot use the window', () => {
    expect(() => createMarkdownRenderer({ window: {} as MarkdownWindow })).toThrow(/not supported/)
  })

  it.each([
    ['https://a.example', 'https://a.example/'],
    ['MAILTO:a@b.example', 'mailto:a@b.example'],
    [' java\tscript:alert(1)', null],
    ['data:text/html,x', null],
    ['/relative', null],
  ])('safeUrl(%j) is %j', (input, expected) => {
    expect(safeUrl(input)).toBe(expected)
  })
})

describe('hostile corpus', () => {
  it('has enough entries with unique names', () => {
    expect(hostileInputs.length).toBeGreaterThanOrEqual(100)
    expect(new Set(hostileInputs.map(input => input.name)).size).toBe(hostileInputs.length)
  })

  it('the invariant check itself catches dangerous HTML', () => {
    expect(violations('<img src=x onerror=alert(1)><a href="javascript:x" style="a">y</a><p id="i">z</p><svg></svg>'))
      .toEqual(['<img>', 'img[src=x]', 'img[onerror]', 'a[href=javascript:x]', 'a[style]', 'p[id]', '<svg>'])
  })

  it.each(hostileInputs.map(input => [input.name, input.markdown] as const))('%s: full text and every prefix are safe', (_name, markdown) => {
    // A window per input: jsdom 27 keeps every document DOMPurify parses alive through
    // listeners on the window, so one shared window gets slower with every render.
    const { window: fresh } = new JSDOM('')
    const renderer = createMarkdownRenderer({ window: fresh })
    const failures: string[] = []
    for (let end = 1; end <= markdown.length; end++) {
      const found = violations(renderer.render(markdown.slice(0, end)), fresh.document)
      if (found.length > 0)
        failures.push(`${JSON.stringify(markdown.slice(0, end))}: ${found.join(', ')}`)
    }
    fresh.close()
    expect(failures).toEqual([])
  })
})
