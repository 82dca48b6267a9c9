// One streaming chat request, read to the end: time to the first content event, and
// whether the answer was complete (every content chunk, then `data: [DONE]`).
import type { Buffer } from 'node:buffer'
import type { Agent } from 'node:http'
import { request } from 'node:http'

export interface Sample { start: number, ttft: number, total: number, error?: string }

const CONTENT = /"content":"[^"]/
/**
 * Counters of a run. While `measuring` (the window), every event and byte received counts.
 * `open`: responses whose headers arrived; `streaming`: those that have sent content too.
 */
export const tally = { measuring: false, events: 0, bytes: 0, streamsDone: 0, open: 0, peakOpen: 0, streaming: 0, peakStreaming: 0 }

export function oneRequest(url: string, agent: Agent, body: string, expected: number, timeoutMs: number): Promise<Sample> {
  return new Promise((resolve) => {
    const t0 = performance.now()
    let ttft = -1
    let failure: string | undefined
    let contents = 0
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
      const incomplete = failure ?? (!done ? 'no [DONE]' : contents !== expected ? `${contents} of ${expected} chunks` : undefined)
      if (tally.measuring && !(error ?? incomplete))
        tally.streamsDone++
      resolve({ start: t0, ttft, total: performance.now() - t0, error: error ?? incomplete })
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
        if (tally.measuring)
          tally.bytes += part.length
        const text = carry + part.toString('latin1')
        const end = text.lastIndexOf('\n\n')
        if (end < 0) {
          carry = text
          return
        }
        carry = text.slice(end + 2)
        for (const event of text.slice(0, end).split('\n\n')) {
          if (!event.includes('data:'))
            continue
          if (tally.measuring)
            tally.events++
          if (CONTENT.test(event)) {
            contents++
            if (ttft < 0) {
              ttft = performance.now() - t0
              tally.peakStreaming = Math.max(tally.peakStreaming, ++tally.streaming)
            }
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
