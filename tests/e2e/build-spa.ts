// Vitest global setup for the e2e project: builds the SPA once into a temp dir.
import type { TestProject } from 'vitest/node'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'vite'

declare module 'vitest' {
  export interface ProvidedContext { spaDir: string }
}

export default async function setup(project: TestProject) {
  const outDir = mkdtempSync(join(tmpdir(), 'sori-spa-'))
  await build({ configFile: 'vite.config.ts', logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  project.provide('spaDir', outDir)
  return () => rmSync(outDir, { recursive: true, force: true })
}
