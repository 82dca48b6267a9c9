import type { ShallowRef } from 'vue'
import type { MarkdownRenderer } from '../lib/markdown/render'
import { shallowRef } from 'vue'

// marked and DOMPurify are a quarter of the app's JavaScript, and no answer
// needs them before the first token arrives: load them after the first paint.
const renderer = shallowRef<MarkdownRenderer | null>(null)
let loading: Promise<MarkdownRenderer> | undefined

/** Starts loading the Markdown renderer; resolves once it is ready. */
export function loadMarkdownRenderer(): Promise<MarkdownRenderer> {
  loading ??= import('../lib/markdown/render').then(({ createMarkdownRenderer }) => {
    renderer.value = createMarkdownRenderer({ window })
    return renderer.value
  })
  return loading
}

/** The page's Markdown renderer, or null for the few milliseconds until it has loaded. */
export function useMarkdownRenderer(): Readonly<ShallowRef<MarkdownRenderer | null>> {
  void loadMarkdownRenderer()
  return renderer
}
