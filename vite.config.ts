import type { Plugin } from 'vite'
import process from 'node:process'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

const relayTarget = process.env.SORI_DEV_RELAY ?? 'http://127.0.0.1:8787'

/**
 * The dev server injects styles with JavaScript, reloads over a WebSocket and
 * writes its error overlay as HTML: index.html's policy is relaxed for it alone.
 * The relay is proxied under /v1, so 'self' still covers it.
 */
function devContentSecurityPolicy(): Plugin {
  return {
    name: 'sori-dev-csp',
    apply: 'serve',
    transformIndexHtml: html => html.replace(/(http-equiv="Content-Security-Policy" content=")([^"]*)/, (_, start: string, policy: string) =>
      start + policy
        .replace('style-src \'self\'', 'style-src \'self\' \'unsafe-inline\'')
        .replace('connect-src', 'connect-src ws: wss:')
        .replace(/; require-trusted-types-for [^;]*; trusted-types [^;]*/, '')),
  }
}

export default defineConfig({
  // Relative asset paths: the same build works at a domain root or under a sub-path.
  base: './',
  plugins: [vue(), devContentSecurityPolicy()],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  server: {
    // `npm run dev` serves the SPA with hot reload; the relay (`npm run dev:relay`) answers the API.
    proxy: {
      '/v1': relayTarget,
      '/config.json': relayTarget,
      '/healthz': relayTarget,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
})
