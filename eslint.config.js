import antfu from '@antfu/eslint-config'

// The dependency direction of DESIGN.md section 1, enforced:
// lib <- composables <- stores <- components; the relay never imports the SPA;
// only the Node entry, the prom-client metrics (and later the Redis store) may use
// Node APIs or Node-only packages.
const nodeModules = { group: ['node:*'], message: 'Only relay/node.ts may use Node APIs; keep the relay core on Web standards.' }
const noVue = { group: ['vue', 'pinia', 'vue-i18n', '@vue/*'], message: 'src/lib is pure TypeScript: no Vue.' }
const noUpward = (...layers) => layers.map(layer => ({ group: [`**/${layer}/**`, `**/${layer}`], message: `This layer may not import from ${layer}/.` }))

export default antfu(
  {
    vue: true,
    typescript: true,
    ignores: ['dist/**', 'docs/**/*.png', 'test-results/**'],
  },
  {
    files: ['src/lib/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noVue, ...noUpward('composables', 'stores', 'components'), nodeModules] }] },
  },
  {
    files: ['src/composables/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...noUpward('stores', 'components'), nodeModules] }] },
  },
  {
    files: ['src/stores/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...noUpward('components'), nodeModules] }] },
  },
  {
    files: ['src/components/**/*.vue', 'src/*.vue'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [nodeModules, { group: ['**/lib/chat/transport', '@microsoft/fetch-event-source', 'marked', 'dompurify'], message: 'Components never fetch or parse; go through a store or composable.' }] }],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'Components never call fetch; use a store.' }],
    },
  },
  {
    files: ['relay/**/*.ts'],
    ignores: ['relay/node.ts', 'relay/streams/redis.ts', 'relay/prometheus.ts', 'relay/http-fetch.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [nodeModules, { group: ['@hono/node-server', '@hono/node-server/*', 'prom-client', 'undici'], message: 'Node-only; belongs in relay/node.ts.' }, { group: ['**/src/**'], message: 'The relay never imports from the SPA.' }] }],
      'node/prefer-global/process': ['error', 'never'],
    },
  },
  {
    files: ['relay/**/*.ts', 'src/**/*.ts', 'src/**/*.vue'],
    rules: { 'node/prefer-global/buffer': ['error', 'never'] },
  },
)
