// Runs inside Chromium (bundled by bench/render.ts): streams tokens into the
// renderer, one simulated animation frame per task, and times each frame.
import { createTextFeed } from '../../src/lib/chat/text-feed'
import { createMarkdownRenderer, createStreamingMarkdown } from '../../src/lib/markdown'

export interface FrameSample {
  /** Tokens received when the frame rendered. */
  tokens: number
  /** Render work (script), then with style and layout forced. */
  scriptMs: number
  totalMs: number
}

export interface RunResult {
  frames: FrameSample[]
  frameCount: number
  longTasks: number[]
}

export interface RunOptions {
  mode: 'streaming' | 'naive'
  tokensPerFrame: number
  /** Time only every n-th frame (the naive renderer would take hours on every frame). */
  sampleEvery: number
  /** Start with this many tokens already rendered (for profiling the end of a long answer). */
  from?: number
  /**
   * How the streaming renderer gets the text: `feed` as the chat does, from a
   * text feed (src/lib/chat/text-feed.ts) that the tokens go into, reading only
   * what arrived since the last frame; `text` hands it the whole answer so far
   * each frame, a string grown by +=, as the chat did before the feed.
   */
  feed?: 'text' | 'feed'
}

// A task per frame, without setTimeout's clamping, so long tasks are attributed to frames.
function nextTask() {
  return new Promise<void>((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => resolve()
    channel.port2.postMessage(null)
  })
}

async function run(tokens: string[], options: RunOptions): Promise<RunResult> {
  const longTasks: number[] = []
  const observer = new PerformanceObserver(list => list.getEntries().forEach(entry => longTasks.push(entry.duration)))
  observer.observe({ type: 'longtask' })
  const host = document.querySelector('main')!
  host.replaceChildren()
  const container = host.appendChild(document.createElement('div'))
  container.className = 'chat-markdown'
  const renderer = createMarkdownRenderer({ window })
  const streaming = createStreamingMarkdown({ container, engine: renderer.engine })

  const frames: FrameSample[] = []
  // Trace marks (bench/render/trace.ts): the first and the last 1,000 tokens are timed apart.
  const lastWindow = tokens.length - 1000
  performance.mark('bench-start')
  let text = tokens.slice(0, options.from ?? 0).join('')
  const feed = createTextFeed(text)
  /** How much of the feed the renderer has, as useStreamingMarkdown keeps it. */
  let fed = feed.length
  let received = options.from ?? 0
  if (received > 0) {
    if (options.mode === 'naive')
      container.innerHTML = renderer.render(text)
    else
      streaming.setText(text)
    streaming.flush()
    await nextTask()
  }
  let frame = 0
  let owed = 0
  while (received < tokens.length) {
    owed += options.tokensPerFrame
    const before = received
    let arrived = ''
    for (; owed >= 1 && received < tokens.length; owed--)
      arrived += tokens[received++]
    text += arrived
    feed.append(arrived)
    if (before < 1000 && received >= 1000)
      performance.mark('bench-middle')
    if (before < lastWindow && received >= lastWindow)
      performance.mark('bench-last')
    frame++
    const last = received === tokens.length
    if (options.mode === 'naive' && frame % options.sampleEvery !== 0 && !last)
      continue
    const start = performance.now()
    if (options.mode === 'naive') {
      container.innerHTML = renderer.render(text)
    }
    else {
      if (options.feed === 'feed') {
        streaming.append(feed.since(fed))
        fed = feed.length
      }
      else {
        streaming.setText(text)
      }
      if (last)
        streaming.finish()
      else
        streaming.flush()
    }
    const script = performance.now()
    void container.getBoundingClientRect().height
    if (frame % options.sampleEvery === 0 || last)
      frames.push({ tokens: received, scriptMs: script - start, totalMs: performance.now() - start })
    await nextTask()
  }
  performance.mark('bench-end')
  await nextTask()
  observer.disconnect()
  return { frames, frameCount: frame, longTasks }
}

Object.assign(globalThis, { renderBench: { run } })
