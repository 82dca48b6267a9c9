// Main-thread CPU time per frame from a Chromium trace. Wall-clock times lie on a
// busy machine (a 2 ms task can take 70 ms of wall time); thread time does not.
import type { Buffer } from 'node:buffer'

interface TraceEvent {
  name: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  tdur?: number
}

/**
 * The categories to trace for `frameTimes`: marks, function calls, and each task
 * with its thread time. Not `disabled-by-default-devtools.timeline` (DevTools'
 * own recording), which also switches on Blink's layout and invalidation
 * tracing: events the measurement does not use, recorded inside the frames it measures.
 */
export const TRACE_CATEGORIES = ['blink.user_timing', 'devtools.timeline', 'toplevel']

export interface FrameTimes {
  /** CPU ms of each frame task (a task that ran script), grouped by the last mark before it. */
  frames: Map<string, number[]>
  /** CPU ms of all main-thread tasks between the start and end marks (frames, GC, everything). */
  total: number
}

/** Reads the frames of the page that set the marks `${prefix}start`, …, `${prefix}end`. */
export function frameTimes(trace: Buffer, prefix: string): FrameTimes {
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents
  const marks = events.filter(event => event.name.startsWith(prefix)).sort((a, b) => a.ts - b.ts)
  const start = marks.find(mark => mark.name === `${prefix}start`)
  const end = marks.find(mark => mark.name === `${prefix}end`)
  const frames = new Map<string, number[]>()
  if (!start || !end)
    return { frames, total: Number.NaN }
  const onThread = (event: TraceEvent) => event.pid === start.pid && event.tid === start.tid && event.ts >= start.ts && event.ts <= end.ts
  const tasks = events.filter(event => event.name === 'ThreadControllerImpl::RunTask' && event.ph === 'X' && onThread(event)).sort((a, b) => a.ts - b.ts)
  // Each frame runs in the task of a MessagePort message: a task that calls into script.
  const messages = events.filter(event => event.name === 'FunctionCall' && onThread(event)).sort((a, b) => a.ts - b.ts)
  let markIndex = 0
  let messageIndex = 0
  let total = 0
  for (const task of tasks) {
    const cpu = (task.tdur ?? task.dur ?? 0) / 1000
    total += cpu
    while (messageIndex < messages.length && messages[messageIndex]!.ts < task.ts)
      messageIndex++
    if (messageIndex >= messages.length || messages[messageIndex]!.ts > task.ts + (task.dur ?? 0))
      continue
    while (markIndex + 1 < marks.length && marks[markIndex + 1]!.ts <= task.ts)
      markIndex++
    const group = marks[markIndex]!.name.slice(prefix.length)
    const times = frames.get(group) ?? []
    times.push(cpu)
    frames.set(group, times)
  }
  return { frames, total }
}
