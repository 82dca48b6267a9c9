import type { WordSegmenter } from './words'
import { splitWords } from './words'

export type DiffOp = 'equal' | 'delete' | 'insert'

/** A run of text that both sides share, or that only the first (`delete`) or second (`insert`) has. */
export interface DiffPart {
  op: DiffOp
  text: string
}

/**
 * Beyond this many differing words the two texts have little in common, and an
 * exact shortest edit would cost memory quadratic in it: the rest is reported
 * as one replacement instead.
 */
const MAX_EDITS = 2000

/**
 * A word-level diff of two texts (Myers' O(ND) shortest edit script), as runs
 * of shared, removed and added text. White space runs compare equal to each
 * other, so a changed line break is not a difference.
 *
 * @example diffWords('비가 와요', '비가 그쳤어요') // [{ op: 'equal', text: '비가 ' }, { op: 'delete', text: '와요' }, { op: 'insert', text: '그쳤어요' }]
 */
export function diffWords(before: string, after: string, segmenter?: WordSegmenter | null): DiffPart[] {
  const a = splitWords(before, segmenter)
  const b = splitWords(after, segmenter)
  const ka = a.map(keyOf)
  const kb = b.map(keyOf)
  // Shared ends are common in answers to the same question, and free to strip.
  let start = 0
  while (start < a.length && start < b.length && ka[start] === kb[start])
    start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && ka[endA - 1] === kb[endB - 1]) {
    endA--
    endB--
  }
  const parts: DiffPart[] = []
  const push = (op: DiffOp, text: string) => {
    const last = parts.at(-1)
    if (last?.op === op)
      last.text += text
    else if (text)
      parts.push({ op, text })
  }
  a.slice(0, start).forEach(word => push('equal', word))
  for (const [op, i] of middle(ka.slice(start, endA), kb.slice(start, endB)))
    push(op, op === 'insert' ? b[start + i]! : a[start + i]!)
  a.slice(endA).forEach(word => push('equal', word))
  return joinChanges(parts)
}

/**
 * Reads changes as phrases: a lone space between two changes joins them, and
 * each run of changes shows all its removed words, then all its added ones
 * ("~~맑고 따뜻해요~~ 흐리고 쌀쌀해요", not "~~맑고~~ 흐리고 ~~따뜻해요~~ 쌀쌀해요").
 */
function joinChanges(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = []
  let removed = ''
  let added = ''
  const end = () => {
    if (removed)
      out.push({ op: 'delete', text: removed })
    if (added)
      out.push({ op: 'insert', text: added })
    removed = added = ''
  }
  parts.forEach((part, i) => {
    const between = part.op === 'equal' && /^\s+$/.test(part.text) && (removed || added) && parts[i + 1] !== undefined
    if (part.op === 'equal' && !between) {
      end()
      out.push(part)
    }
    else {
      removed += part.op === 'insert' ? '' : part.text
      added += part.op === 'delete' ? '' : part.text
    }
  })
  end()
  return out
}

function keyOf(word: string): string {
  return /^\s+$/.test(word) ? ' ' : word
}

/** The edit script of `a` into `b` as [op, index]: indexes into `b` for inserts, into `a` otherwise. */
function middle(a: string[], b: string[]): Array<[DiffOp, number]> {
  const n = a.length
  const m = b.length
  const max = Math.min(n + m, MAX_EDITS)
  const offset = max + 1
  const v = new Int32Array(2 * max + 3)
  // The furthest x on the diagonals round d reads (-d-1..d+1), kept to walk the path back: D² memory, not D·(N+M).
  const trace: Int32Array[] = []
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2))
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
      let x = down ? v[offset + k + 1]! : v[offset + k - 1]! + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      v[offset + k] = x
      if (x >= n && y >= m)
        return backtrack(trace, n, m)
    }
  }
  // Too different to align exactly: everything in between is replaced.
  return [...a.map((_, i) => ['delete', i] as [DiffOp, number]), ...b.map((_, i) => ['insert', i] as [DiffOp, number])]
}

function backtrack(trace: Int32Array[], n: number, m: number): Array<[DiffOp, number]> {
  const script: Array<[DiffOp, number]> = []
  let x = n
  let y = m
  for (let d = trace.length - 1; d >= 0; d--) {
    const saved = trace[d]!
    const at = (k: number) => saved[k + d + 1]!
    const k = x - y
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1))
    const prevK = down ? k + 1 : k - 1
    const prevX = d === 0 ? 0 : at(prevK)
    const prevY = d === 0 ? 0 : prevX - prevK
    while (x > prevX && y > prevY) {
      x--
      y--
      script.push(['equal', x])
    }
    if (d > 0)
      script.push(down ? ['insert', --y] : ['delete', --x])
  }
  return script.reverse()
}
