import type { ShallowRef } from 'vue'
import type { MarkdownEngine, MarkdownImageOptions, MarkdownRenderer, StreamingMarkdown, StreamingMarkdownOptions } from '../lib/markdown'
import { shallowRef } from 'vue'

/** The lazily loaded Markdown code, bound to this page's window. */
export interface MarkdownModule {
  /** Renders a whole text at once (every image a click-to-load placeholder). */
  renderer: MarkdownRenderer
  /**
   * Creates a block-wise streaming renderer. Messages rendered with the same
   * image options share one engine; the renderer's own is used without them.
   */
  createStreaming: (options: Omit<StreamingMarkdownOptions, 'engine'> & { images?: MarkdownImageOptions }) => StreamingMarkdown
}

// marked and DOMPurify are a quarter of the app's JavaScript, and no answer
// needs them before the first token arrives: load them after the first paint.
const loaded = shallowRef<MarkdownModule | null>(null)
const renderer = shallowRef<MarkdownRenderer | null>(null)
let loading: Promise<MarkdownModule> | undefined

/** Starts loading the Markdown code; resolves once it is ready. */
export function loadMarkdown(): Promise<MarkdownModule> {
  loading ??= import('../lib/markdown').then(({ createMarkdownEngine, createMarkdownRenderer, createStreamingMarkdown }) => {
    // One engine for the current image settings: they change rarely, and when they
    // do every message is rendered again with the new engine.
    let cached: { key: string, engine: MarkdownEngine } | null = null
    const engineFor = (images: MarkdownImageOptions): MarkdownEngine => {
      const key = JSON.stringify([images.allowedHosts ?? [], images.placeholderTitle?.('{host}') ?? ''])
      if (cached?.key !== key)
        cached = { key, engine: createMarkdownEngine({ window, images }) }
      return cached.engine
    }
    const module: MarkdownModule = {
      renderer: createMarkdownRenderer({ window }),
      createStreaming: ({ images, ...options }) =>
        createStreamingMarkdown({ ...options, engine: images ? engineFor(images) : module.renderer.engine }),
    }
    loaded.value = module
    renderer.value = module.renderer
    return module
  }, (error: unknown) => {
    // A failed download (offline, a deploy replaced the chunk) may be tried again; until then text shows plain.
    loading = undefined
    throw error
  })
  return loading
}

/** Starts loading without waiting; a failure leaves the plain-text fallback on screen. */
function startLoading(): void {
  loadMarkdown().catch(() => {})
}

/** Starts loading the Markdown renderer; resolves once it is ready. */
export function loadMarkdownRenderer(): Promise<MarkdownRenderer> {
  return loadMarkdown().then(module => module.renderer)
}

/** The Markdown code, or null for the few milliseconds until it has loaded. */
export function useMarkdownModule(): Readonly<ShallowRef<MarkdownModule | null>> {
  startLoading()
  return loaded
}

/** The page's Markdown renderer, or null for the few milliseconds until it has loaded. */
export function useMarkdownRenderer(): Readonly<ShallowRef<MarkdownRenderer | null>> {
  startLoading()
  return renderer
}
