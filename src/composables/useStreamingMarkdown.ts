import type { MaybeRefOrGetter, Ref } from 'vue'
import type { TextFeed } from '../lib/chat/text-feed'
import type { MarkdownImageOptions, StreamingMarkdown } from '../lib/markdown'
import { computed, onScopeDispose, toValue, watch } from 'vue'
import { inNextFrame } from './frame-batch'
import { useMarkdownModule } from './useMarkdown'

export interface UseStreamingMarkdownOptions {
  /** The element to render into. Vue must not render children into it. */
  target: Readonly<Ref<HTMLElement | null | undefined>>
  /** The whole Markdown text so far. */
  source: MaybeRefOrGetter<string>
  /**
   * The same text as `source` while it streams, if the caller has it piece by
   * piece: each frame then reads only the new text (reading a string that grows
   * by += copies all of it).
   */
  feed?: MaybeRefOrGetter<TextFeed | undefined>
  /** While true, renders at most once per animation frame; once false, renders the final text at once. */
  streaming: MaybeRefOrGetter<boolean | undefined>
  /** Called once for each finished code block, e.g. to add a copy button. */
  onCodeBlock?: (pre: HTMLPreElement) => void
  /** Which images load at once; a change renders the whole text again. */
  images?: MaybeRefOrGetter<MarkdownImageOptions | undefined>
  /** Called after each render, e.g. to show again images the user chose to load. */
  onRender?: () => void
}

export interface UseStreamingMarkdownReturn {
  /** False until the Markdown code has loaded: show the source as plain text meanwhile. */
  ready: Readonly<Ref<boolean>>
  /** Renders what has arrived now instead of at the next frame. */
  flush: () => void
}

/**
 * Renders a streamed Markdown answer into `target`, block by block. The text
 * accumulates in `source` outside the render loop; rendering happens at most
 * once per animation frame while the tab is visible. A hidden tab gets no frames,
 * so it renders on the next visibility change or when streaming ends, whichever
 * comes first: no text is lost or held back. Finished answers render at once.
 */
export function useStreamingMarkdown(options: UseStreamingMarkdownOptions): UseStreamingMarkdownReturn {
  const markdown = useMarkdownModule()
  let renderer: StreamingMarkdown | null = null
  /** The feed the renderer follows, and how much of it it has. */
  let followed: { feed: TextFeed, length: number } | null = null
  /** Cancels the render waiting for the next frame, if any. */
  let cancelFrame: (() => void) | null = null

  function render(): void {
    cancelFrame?.()
    cancelFrame = null
    if (!renderer)
      return
    const streaming = Boolean(toValue(options.streaming))
    const feed = streaming ? toValue(options.feed) : undefined
    if (feed && feed === followed?.feed) {
      renderer.append(feed.since(followed.length))
      followed.length = feed.length
    }
    else {
      const source = toValue(options.source)
      renderer.setText(source)
      followed = feed?.length === source.length ? { feed, length: feed.length } : null
    }
    if (streaming)
      renderer.flush()
    else
      renderer.finish()
    options.onRender?.()
  }

  function schedule(): void {
    // Every answer streaming on screen renders in the same frame (see frame-batch.ts).
    if (cancelFrame === null && document.visibilityState !== 'hidden')
      cancelFrame = inNextFrame(render)
  }

  watch([options.target, markdown, () => toValue(options.images)], ([element, module, images], previous) => {
    renderer?.dispose()
    followed = null
    // New image settings: the same container starts over under a new renderer.
    if (element && element === previous?.[0])
      element.replaceChildren()
    renderer = element && module ? module.createStreaming({ container: element, onCodeBlock: options.onCodeBlock, images }) : null
    render()
  }, { immediate: true, flush: 'sync' })
  watch(() => toValue(options.source), () => toValue(options.streaming) ? schedule() : render())
  watch(() => Boolean(toValue(options.streaming)), render)

  // Hiding renders what is pending (its frame may never come); showing renders what arrived while hidden.
  document.addEventListener('visibilitychange', render)
  onScopeDispose(() => {
    document.removeEventListener('visibilitychange', render)
    cancelFrame?.()
    renderer?.dispose()
    renderer = null
  })

  return { ready: computed(() => markdown.value !== null), flush: render }
}
