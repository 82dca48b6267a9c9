// Chunk fidelity: is a stream, as the client received it, exactly the answer the mock sent?
// Every `data:` payload must equal the mock's, byte for byte and in order (answer.ts builds
// both), with nothing lost, duplicated or added. Allowed differences, because the relay makes
// them on purpose: `id:` lines (it numbers events for resuming; they must increase) and
// comment lines (`: keepalive`). A renamed `model` field would be one too, but this benchmark
// asks for the model the upstream serves, so the relay must not rename it here.
import { Buffer } from 'node:buffer'
import { answerData, BENCH_MODEL } from './answer'

/** One answer as the client should receive it: the payloads, and each payload's position. */
interface Expected { data: string[], position: Map<string, number> }

const cache = new Map<number, Expected>()

/** The answer to a request for `n` content chunks of BENCH_MODEL, without usage (the load never asks for it). */
export function expectedAnswer(n: number): Expected {
  let expected = cache.get(n)
  if (!expected) {
    // request.ts decodes bytes as latin1 (one char per byte), so compare with the latin1 view of the UTF-8 bytes.
    const data = answerData(BENCH_MODEL, n, false).map(d => Buffer.from(d, 'utf8').toString('latin1'))
    expected = { data, position: new Map(data.map((d, i) => [d, i])) }
    cache.set(n, expected)
  }
  return expected
}

const short = (s: string) => s.length > 90 ? `${s.slice(0, 90)}...` : s

/** Both payloads from a little before their first differing byte: chunks share a long common prefix. */
function difference(got: string, want: string | undefined): string {
  if (want === undefined)
    return `got ${short(got)} after the end`
  let i = 0
  while (i < got.length && got[i] === want[i])
    i++
  const from = Math.max(0, i - 20)
  const cut = (s: string) => `${from > 0 ? '...' : ''}${short(s.slice(from))}`
  return `from byte ${i}: got ${cut(got)}, expected ${cut(want)}`
}

export class FidelityCheck {
  /** The first difference: a short code for the error tally (`fidelity: lost`, ...) and where it was. */
  problem?: { code: string, detail: string }
  private next = 0
  private lastId = Number.NEGATIVE_INFINITY

  constructor(private readonly expected: Expected) {}

  /** One SSE event: the text between two blank lines. Checking stops at the first difference. */
  event(block: string): void {
    if (this.problem)
      return
    let data: string | undefined
    for (const line of block.split('\n')) {
      if (line.startsWith('data:')) {
        // SSE: one space after the colon is part of the syntax; several data lines join with \n.
        const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5)
        data = data === undefined ? value : `${data}\n${value}`
      }
      else if (line.startsWith('id:')) {
        const id = Number(line.slice(3))
        if (!(id > this.lastId))
          return this.fail('id not increasing', `id ${line.slice(3).trim()} after ${this.lastId}`)
        this.lastId = id
      }
      else if (!line.startsWith(':')) {
        return this.fail('unexpected line', `line ${JSON.stringify(short(line))} in event ${this.next}`)
      }
    }
    if (data === undefined)
      return // comments only: clients dispatch nothing
    const want = this.expected.data[this.next]
    if (data === want) {
      this.next++
      return
    }
    this.fail(this.kind(data, want), `event ${this.next} of ${this.expected.data.length}, ${difference(data, want)}`)
  }

  private kind(data: string, want: string | undefined): string {
    if (want === undefined)
      return 'extra event'
    const at = this.expected.position.get(data)
    if (at !== undefined)
      return at > this.next ? 'lost' : 'duplicate'
    return contentOf(data) === contentOf(want) ? 'frame differs' : 'content differs'
  }

  private fail(kind: string, detail: string): void {
    this.problem = { code: `fidelity: ${kind}`, detail }
  }
}

/** `choices[0].delta.content` of a chunk, or undefined (also for data that is not JSON). */
function contentOf(data: string): unknown {
  try {
    return JSON.parse(data)?.choices?.[0]?.delta?.content
  }
  catch {
    return undefined
  }
}
