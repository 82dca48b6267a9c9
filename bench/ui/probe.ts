// Functions that run inside the page (passed to page.evaluate): they must be
// self-contained, using nothing from this module's scope.
import type { ConversationRecord, StoredMessage } from '../../src/lib/storage/db'

/** Writes the conversations into the app's database (`sori`, version 1), replacing what is there. */
export async function seedDatabase(seed: { conversations: ConversationRecord[], messages: StoredMessage[] }): Promise<number> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('sori', 1)
    // The same stores and index as src/lib/storage/db.ts creates.
    open.onupgradeneeded = () => {
      open.result.createObjectStore('conversations', { keyPath: 'id' })
      open.result.createObjectStore('messages', { keyPath: 'id' }).createIndex('byConversation', ['conversationId', 'createdAt'])
    }
    open.onsuccess = () => resolve(open.result)
    open.onerror = () => reject(open.error)
  })
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(['conversations', 'messages'], 'readwrite')
    const conversations = tx.objectStore('conversations')
    const messages = tx.objectStore('messages')
    conversations.clear()
    messages.clear()
    for (const c of seed.conversations)
      conversations.put(c)
    for (const m of seed.messages)
      messages.put(m)
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
  })
  const count = await new Promise<number>((resolve, reject) => {
    const request = db.transaction('messages').objectStore('messages').count()
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  db.close()
  return count
}

/** Whether the app shows `items` conversations and the active one's last answer as rendered Markdown. */
export function appReady(items: number): boolean {
  const markdown = [...document.querySelectorAll('.chat-message-list [data-testid="message"]')].at(-1)?.querySelector('.chat-markdown')
  return document.querySelectorAll('[data-testid="conversation-item"]').length === items
    && !!markdown && !markdown.classList.contains('is-plain') && markdown.childElementCount > 0
}

export interface Span { start: number, duration: number }

export interface FrameBreakdown {
  /** Long animation frame (LoAF) entries overlapping the open, each > 50 ms. */
  count: number
  /** From the first task's start to the end of the frame's rendering, summed over those frames. */
  duration: number
  /** Task (script) time before rendering starts: the click handler, Vue's render and patch, the Markdown renderer. */
  beforeRender: number
  /** rAF callbacks plus style and layout, from renderStart to the end of the frame. */
  render: number
  /** Style recalculation and layout, from styleAndLayoutStart to the end of the frame. */
  styleAndLayout: number
  /** Style and layout forced by scripts (reading layout while writing the DOM). */
  forcedStyleAndLayout: number
  /** The longest scripts of those frames, as LoAF attributes them. */
  scripts: Array<{ invoker: string, source: string, duration: number, forced: number }>
}

export interface OpenResult {
  /** Click (performance.now() right before `button.click()`) to the MutationObserver callback that first sees the conversation's last answer rendered as Markdown at the end of the list. */
  dom: number
  /** Click to the first requestAnimationFrame callback after that: the frame that shows it starts. */
  firstFrame: number
  /** Click to the second requestAnimationFrame callback: the frame with the message has been rendered and committed. */
  painted: number
  /** Click to the end of the last long animation frame of the open (LoAF startTime + duration), when there is one. */
  loafEnd: number | null
  /** Click to the moment all the conversation's messages were in the DOM, if that happened before the observers stopped. */
  allInDom: number | null
  /** Whether the last message intersected the visible part of the list at the first frame (the app scrolls to the bottom). */
  lastVisible: boolean
  /** Messages in the DOM at the first frame. */
  messagesAtFirstFrame: number
  longTasks: Span[]
  frames: FrameBreakdown
}

/**
 * Clicks the conversation titled `title` in the sidebar and resolves once its last answer
 * (the one containing `marker`) is in the DOM as rendered Markdown and painted. Observers
 * are started right before the click; {@link finishOpen} lets them collect a while longer
 * and returns the result.
 */
export async function startOpen(args: { title: string, marker: string, messages: number }): Promise<void> {
  const list = document.querySelector<HTMLElement>('.chat-message-list')
  const button = [...document.querySelectorAll<HTMLElement>('[data-testid="conversation-item"]')].find(b => b.textContent?.includes(args.title))
  if (!list || !button)
    throw new Error(`no message list or no sidebar item titled ${args.title}`)

  const longTasks: Span[] = []
  const loafs: any[] = []
  const longTaskObserver = new PerformanceObserver(entries => longTasks.push(...entries.getEntries().map(e => ({ start: e.startTime, duration: e.duration }))))
  longTaskObserver.observe({ type: 'longtask' })
  const loafObserver = new PerformanceObserver(entries => loafs.push(...entries.getEntries()))
  if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame'))
    loafObserver.observe({ type: 'long-animation-frame' })

  const messages = () => list.querySelectorAll('[data-testid="message"]')
  const lastRendered = () => {
    const markdown = [...messages()].at(-1)?.querySelector('.chat-markdown')
    return !!markdown && !markdown.classList.contains('is-plain') && !!markdown.textContent?.includes(args.marker)
  }
  let t0 = 0
  let dom = 0
  let firstFrame = 0
  let allInDom: number | null = null
  let lastVisible = false
  let messagesAtFirstFrame = 0
  let observer: MutationObserver | undefined
  const painted = new Promise<number>((resolve) => {
    observer = new MutationObserver(() => {
      if (allInDom === null && messages().length === args.messages)
        allInDom = performance.now()
      if (dom || !lastRendered())
        return
      dom = performance.now()
      requestAnimationFrame(() => {
        firstFrame = performance.now()
        const box = list.getBoundingClientRect()
        const all = messages()
        messagesAtFirstFrame = all.length
        const last = all[all.length - 1]!.getBoundingClientRect()
        lastVisible = last.bottom > box.top && last.top < box.bottom
        requestAnimationFrame(() => resolve(performance.now()))
      })
    })
    observer.observe(list, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] })
  })
  t0 = performance.now()
  button.click()
  const end = await painted
  ;(window as unknown as { soriBenchFinish: (settleMs: number) => Promise<OpenResult> }).soriBenchFinish = async (settleMs) => {
    await new Promise(resolve => setTimeout(resolve, settleMs))
    return collect()
  }

  function collect(): OpenResult {
    observer?.disconnect()
    longTaskObserver.takeRecords().forEach(e => longTasks.push({ start: e.startTime, duration: e.duration }))
    loafs.push(...loafObserver.takeRecords())
    longTaskObserver.disconnect()
    loafObserver.disconnect()

    const during = loafs.filter(f => f.startTime + f.duration >= t0 && f.startTime <= end)
    const frames: FrameBreakdown = { count: during.length, duration: 0, beforeRender: 0, render: 0, styleAndLayout: 0, forcedStyleAndLayout: 0, scripts: [] }
    for (const f of during) {
      const frameEnd = f.startTime + f.duration
      frames.duration += f.duration
      frames.beforeRender += (f.renderStart || frameEnd) - f.startTime
      frames.render += f.renderStart ? frameEnd - f.renderStart : 0
      frames.styleAndLayout += f.styleAndLayoutStart ? frameEnd - f.styleAndLayoutStart : 0
      for (const s of f.scripts ?? []) {
        frames.forcedStyleAndLayout += s.forcedStyleAndLayoutDuration ?? 0
        frames.scripts.push({ invoker: String(s.invoker), source: `${String(s.sourceURL).split('/').at(-1)}:${s.sourceFunctionName || '?'}`, duration: s.duration, forced: s.forcedStyleAndLayoutDuration ?? 0 })
      }
    }
    frames.scripts = frames.scripts.sort((a, b) => b.duration - a.duration).slice(0, 5)
    const lastLoaf = during.at(-1)
    return {
      dom: dom - t0,
      firstFrame: firstFrame - t0,
      painted: end - t0,
      loafEnd: lastLoaf ? lastLoaf.startTime + lastLoaf.duration - t0 : null,
      allInDom: allInDom === null ? null : allInDom - t0,
      lastVisible,
      messagesAtFirstFrame,
      longTasks: longTasks.filter(t => t.start + t.duration >= t0).map(t => ({ start: t.start - t0, duration: t.duration })),
      frames,
    }
  }
}

/** The result of the open begun by {@link startOpen}, after observing `settleMs` more. */
export function finishOpen(settleMs: number): Promise<OpenResult> {
  return (window as unknown as { soriBenchFinish: (settleMs: number) => Promise<OpenResult> }).soriBenchFinish(settleMs)
}

export interface ScrollResult {
  /** Time between consecutive requestAnimationFrame callbacks while scrolling, in ms. */
  deltas: number[]
  durationMs: number
  reachedTop: boolean
  startScrollTop: number
  /** scrollHeight before and after: grows while off-screen answers (content-visibility: auto) get their real size. */
  startScrollHeight: number
  endScrollHeight: number
  longTasks: Span[]
}

/**
 * Scrolls the message list from where it is (the bottom) to the top at a constant
 * speed that would take `durationMs` with the starting scroll height, moving
 * scrollTop once per frame by speed x elapsed time, until it is at the top or
 * `maxMs` have passed. Records every frame interval.
 */
export async function measureScroll(args: { durationMs: number, maxMs: number }): Promise<ScrollResult> {
  const list = document.querySelector<HTMLElement>('.chat-message-list')!
  const longTasks: Span[] = []
  const observer = new PerformanceObserver(entries => longTasks.push(...entries.getEntries().map(e => ({ start: e.startTime, duration: e.duration }))))
  observer.observe({ type: 'longtask' })
  const startScrollTop = list.scrollTop
  const startScrollHeight = list.scrollHeight
  const speed = startScrollTop / args.durationMs
  const deltas: number[] = []
  const begin = await new Promise<number>(resolve => requestAnimationFrame(resolve))
  let previous = begin
  const end = await new Promise<number>((resolve) => {
    const frame = (now: number) => {
      deltas.push(now - previous)
      list.scrollTop = Math.max(0, list.scrollTop - speed * (now - previous))
      previous = now
      if (list.scrollTop <= 0 || now - begin > args.maxMs)
        resolve(now)
      else
        requestAnimationFrame(frame)
    }
    requestAnimationFrame(frame)
  })
  // The frame that shows the top.
  await new Promise(resolve => requestAnimationFrame(resolve))
  await new Promise(resolve => setTimeout(resolve, 100))
  observer.takeRecords().forEach(e => longTasks.push({ start: e.startTime, duration: e.duration }))
  observer.disconnect()
  return {
    deltas,
    durationMs: end - begin,
    reachedTop: list.scrollTop === 0,
    startScrollTop,
    startScrollHeight,
    endScrollHeight: list.scrollHeight,
    longTasks: longTasks.filter(t => t.start + t.duration >= begin).map(t => ({ start: t.start - begin, duration: t.duration })),
  }
}

/** Frame intervals of an idle page over `ms`, for reference. */
export async function idleFrames(ms: number): Promise<number[]> {
  const deltas: number[] = []
  const begin = await new Promise<number>(resolve => requestAnimationFrame(resolve))
  let previous = begin
  return new Promise((resolve) => {
    const frame = (now: number) => {
      deltas.push(now - previous)
      previous = now
      if (now - begin >= ms)
        resolve(deltas)
      else
        requestAnimationFrame(frame)
    }
    requestAnimationFrame(frame)
  })
}
