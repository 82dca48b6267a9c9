import type { Config } from 'dompurify'
import type { MarkdownWindow } from './sanitize'

/** The Trusted Types policy the page's CSP allows for the Markdown engine (see index.html). */
export const MARKDOWN_POLICY_NAME = 'sori-markdown'

export type MarkdownPolicy = NonNullable<Config['TRUSTED_TYPES_POLICY']>

const policies = new WeakMap<object, MarkdownPolicy | null>()

/**
 * The `sori-markdown` policy of `window`, created once per window (a second
 * `createPolicy` with the same name throws under `trusted-types`), or `null`
 * where Trusted Types do not exist (Firefox, Safari, jsdom).
 *
 * Its `createHTML` passes strings through: DOMPurify needs that to parse its
 * untrusted input into an inert document (DOMParser runs no scripts), and the
 * entity decoder to parse one character reference inside a `<textarea>`. Those
 * two calls, both inside the engine, are its only users: the page never writes
 * HTML strings into the live DOM; sanitized output is inserted as nodes.
 * DOMPurify asks for `createScriptURL` as well; it never needs it here (script,
 * embed and object are forbidden), so it returns an inert URL.
 */
export function markdownPolicy(window: MarkdownWindow): MarkdownPolicy | null {
  const factory = window.trustedTypes
  if (!factory)
    return null
  if (!policies.has(factory)) {
    policies.set(factory, factory.createPolicy(MARKDOWN_POLICY_NAME, {
      createHTML: (html: string) => html,
      createScriptURL: () => 'about:invalid',
      // DOMPurify's type asks for createScript too; it checks for and calls only these two.
    }) as unknown as MarkdownPolicy)
  }
  return policies.get(factory) ?? null
}
