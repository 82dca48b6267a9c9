// One streaming chat request, read to the end: time to the first content event, the gaps
// between content events, and whether the answer arrived complete and exactly as the mock
// sent it (fidelity.ts).
import type { Buffer } from 'node:buffer'
import type { Agent } from 'node:http'
import { request } from 'node:http'
import { expectedAnswer, FidelityCheck } from './fidelity'

export interface Sample {
  start: number
  ttft: number
  total: number
  error?: string
  /** `[DONE]` arrived with no error before it: the stream claimed to be whole, so its fidelity counts. */
  complete: boolean
  /** Complete, and every event exactly the mock's (fidelity.ts). */
  exact: boolean
  /** Where the first difference from the mock's answer was, if there was one. */
  mismatch?: string
}

const CONTENT = /"content":"[^"]/
/**
 * Counters of a run. While `measuring` (the window), every event and byte received counts, and
 * so does every gap between two content events of one stream that ends in the window.
 * `open`: responses whose headers arrived; `streaming`: those that have sent content too.
 */
export const tally = { measuring: false, events: 0, bytes: 0, streamsDone: 0, open: 0, peakOpen: 0, streaming: 0, peakStreaming: 0, gaps: [] as number[] }

export function oneRequest(url: string, agent: Agent, body: string, expected: number, timeoutMs: number): Promise<Sample> {
  return new Promise((resolve) => {
    const t0 = performance.now()
    const check = new FidelityCheck(expectedAnswer(expected))
    let ttft = -1
    let lastContentAt = -1
    let failure: string | undefined
    let done = false
    let carry = ''
    let counted = false
    let settled = false
    const finish = (error?: string) => {
      if (settled)
        return
      settled = true
      if (counted)
        tally.open--
      if (ttft >= 0)
        tally.streaming--
      // What went wrong first explains the rest: the connection, then an error event, then content.
      const problem = error ?? failure ?? check.problem?.code ?? (!done ? 'no [DONE]' : undefined)
      if (tally.measuring && !problem)
        tally.streamsDone++
      const complete = done && !error && !failure
      resolve({ start: t0, ttft, total: performance.now() - t0, error: problem, complete, exact: complete && !check.problem, mismatch: check.problem?.detail })
    }
    const req = request(`${url}/v1/chat/completions`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Accept': 'text/event-stream' } }, (res) => {
      res.on('error', error => finish((error as NodeJS.ErrnoException).code ?? error.message))
      if (res.statusCode !== 200) {
        res.resume()
        res.on('close', () => finish(`HTTP ${res.statusCode}`))
        return
      }
      counted = true
      tally.peakOpen = Math.max(tally.peakOpen, ++tally.open)
      res.on('data', (part: Buffer) => {
        // Events that arrive in one read arrive at one time, as a client would see them.
        const now = performance.now()
        if (tally.measuring)
          tally.bytes += part.length
        // latin1: one char per byte, so the fidelity check compares bytes.
        const text = carry + part.toString('latin1')
        const end = text.lastIndexOf('\n\n')
        if (end < 0) {
          carry = text
          return
        }
        carry = text.slice(end + 2)
        for (const event of text.slice(0, end).split('\n\n')) {
          if (event === '')
            continue
          check.event(event)
          if (!event.includes('data:'))
            continue
          if (tally.measuring)
            tally.events++
          if (CONTENT.test(event)) {
            if (ttft < 0) {
              ttft = now - t0
              tally.peakStreaming = Math.max(tally.peakStreaming, ++tally.streaming)
            }
            else if (tally.measuring) {
              tally.gaps.push(now - lastContentAt)
            }
            lastContentAt = now
          }
          else if (event.includes('data: [DONE]')) {
            done = true
          }
          else if (event.includes('"error"')) {
            failure = `error event: ${/"code":"([^"]*)"/.exec(event)?.[1] ?? 'no code'}`
          }
        }
      })
      res.on('end', () => finish())
      res.on('close', () => finish(done ? undefined : 'closed early'))
    })
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')))
    req.on('error', error => finish((error as NodeJS.ErrnoException).code ?? error.message))
    req.end(body)
  })
}
