// The one entry the app loads lazily: marked and DOMPurify stay out of the main bundle.
export { createMarkdownEngine } from './engine'
export type { MarkdownEngine, MarkdownImageOptions } from './engine'
export { createMarkdownRenderer } from './render'
export type { MarkdownRenderer } from './render'
export { createStreamingMarkdown } from './streaming'
export type { StreamingMarkdown, StreamingMarkdownOptions } from './streaming'
