// The answer `npm run bench:render` streams: what a long model answer looks like
// (headings, paragraphs with inline Markdown, lists, tables, code, quotes), in
// Korean and English, cut into tokens of about four characters. Deterministic.

function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state / 2_147_483_648
  }
}

const WORDS = ['서울', '날씨', '요약', 'render', 'stream', 'token', 'block', '마크다운', 'frame', 'budget', '테스트', 'latency', 'answer', '코드', 'list', 'table']

function section(index: number, next: () => number): string {
  const pick = () => WORDS[Math.floor(next() * WORDS.length)]!
  const sentence = (words: number) => Array.from({ length: words }, (_, i) => {
    const word = pick()
    const r = next()
    if (r < 0.05)
      return `**${word}**`
    if (r < 0.08)
      return `\`${word}()\``
    if (r < 0.1)
      return `[${word}](https://example.com/${index}/${i})`
    return word
  }).join(' ')
  const paragraph = () => `${Array.from({ length: 3 + Math.floor(next() * 3) }, () => `${sentence(8 + Math.floor(next() * 8))}.`).join(' ')}\n\n`
  const list = () => `${Array.from({ length: 4 + Math.floor(next() * 4) }, (_, i) => `${i + 1}. ${sentence(6)}`).join('\n')}\n\n`
  const table = () => `| 이름 | value | note |\n| --- | ---: | --- |\n${Array.from({ length: 6 }, (_, i) => `| ${pick()} | ${i * 7} | ${sentence(3)} |`).join('\n')}\n\n`
  const code = () => `\`\`\`ts\n${Array.from({ length: 12 }, (_, i) => `const ${pick()}${i} = compute(${i}, '${pick()}') // ${sentence(3)}`).join('\n')}\n\`\`\`\n\n`
  const quote = () => `> ${sentence(12)}\n> ${sentence(10)}\n\n`
  const parts = [paragraph(), list(), paragraph(), table(), code(), quote(), paragraph()]
  return `## ${index + 1}. ${sentence(4)}\n\n${parts.join('')}`
}

/** About `count` tokens of Markdown, as the stream delivers them. */
export function generateTokens(count: number): string[] {
  const next = random(42)
  let text = ''
  for (let index = 0; text.length < count * 4; index++)
    text += section(index, next)
  return Array.from(text.matchAll(/\s+|\S{1,4}/g), match => match[0]).slice(0, count)
}
