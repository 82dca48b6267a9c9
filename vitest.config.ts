import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [vue()],
  test: {
    projects: [
      { extends: true, test: { name: 'unit', environment: 'node', include: ['tests/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'relay', environment: 'node', include: ['tests/relay/**/*.test.ts'] } },
      { extends: true, test: { name: 'component', environment: 'jsdom', include: ['tests/component/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/build-spa.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // A browser on a busy 2-core machine can take more than the default second.
          expect: { poll: { timeout: 15_000 } },
          // One browser and one relay at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
})
