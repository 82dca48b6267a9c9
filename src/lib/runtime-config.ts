import type { RuntimeConfig } from '../../relay/protocol'

/** Used when `config.json` is missing: a relay at `./v1` next to the page. */
export const DEFAULT_RUNTIME_CONFIG: RuntimeConfig = Object.freeze({
  relayUrl: './v1',
  demo: false,
  defaultModel: null,
  requiresAccessToken: false,
})

/** Reads `config.json`, keeping defaults for missing or mistyped fields. */
export function parseRuntimeConfig(value: unknown): RuntimeConfig {
  const input = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof RuntimeConfig, unknown>>
  return {
    relayUrl: typeof input.relayUrl === 'string' && input.relayUrl.trim() ? input.relayUrl.trim() : DEFAULT_RUNTIME_CONFIG.relayUrl,
    demo: input.demo === true,
    defaultModel: typeof input.defaultModel === 'string' && input.defaultModel ? input.defaultModel : null,
    requiresAccessToken: input.requiresAccessToken === true,
  }
}

/** Resolves a possibly relative relay URL against the page, without a trailing slash. */
export function resolveRelayUrl(relayUrl: string, pageUrl: string): string {
  return new URL(relayUrl, pageUrl).href.replace(/\/+$/, '')
}
