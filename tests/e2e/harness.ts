import type { Browser, Page } from 'playwright-core'
import type { MockUpstream } from '../fixtures/mock-upstream'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { createInterface } from 'node:readline'
import { chromium } from 'playwright-core'
import { expect } from 'vitest'
import { listen } from '../fixtures/mock-upstream'

/** Debian's Chromium, or CHROMIUM_PATH; never a downloaded browser. */
export function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[]
  return candidates.find(path => existsSync(path)) ?? null
}

/**
 * Whether to run browser tests. Without a Chromium they are skipped with a
 * notice, except in CI, where a missing browser is a failure.
 */
export function chromiumOrSkip(): string | null {
  const path = findChromium()
  if (path)
    return path
  if (process.env.CI)
    throw new Error('CI=true but no Chromium found: install Debian\'s chromium or set CHROMIUM_PATH')
  console.warn('\n[e2e] SKIPPED: no Chromium at /usr/bin/chromium (set CHROMIUM_PATH). Install it with: apt-get install chromium\n')
  return null
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  })
}

export interface RelayProcess {
  url: string
  logs: string[]
  stop: () => Promise<void>
  /** Sends `signal` (SIGKILL by default: a crash, no shutdown) and resolves once the process is gone. */
  kill: (signal?: NodeJS.Signals) => Promise<void>
}

/** Starts `relay/node.ts` (or a built `entry`, run on plain node) as a real process on a free loopback port. */
export async function startRelay(env: Record<string, string>, spaDir: string, entry?: string): Promise<RelayProcess> {
  const child = spawn(process.execPath, entry ? [entry] : ['--import', 'tsx', 'relay/node.ts'], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', SORI_STATIC_DIR: spaDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: string[] = []
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      logs.push(line)
      const entry = JSON.parse(line) as { event?: string, url?: string }
      if (entry.event === 'listening' && entry.url)
        resolve(entry.url)
    })
    child.once('exit', code => reject(new Error(`relay exited with ${code}: ${stderr}`)))
  })
  return {
    url,
    logs,
    stop: () => new Promise((resolve) => {
      // A process ended by a signal has no exit code, only a signal code.
      if (child.exitCode !== null || child.signalCode !== null)
        return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    }),
    kill: (signal = 'SIGKILL') => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null)
        return resolve()
      child.once('exit', () => resolve())
      child.kill(signal)
    }),
  }
}

/**
 * Saves the README's screenshot `path` (under docs/) when SORI_UPDATE_SCREENSHOTS=1;
 * otherwise a test run leaves the checkout as it was.
 */
export async function saveScreenshot(page: Page, path: string): Promise<void> {
  if (process.env.SORI_UPDATE_SCREENSHOTS === '1')
    await page.screenshot({ path })
}

/**
 * Starts the relay with `config` as its RELAY_CONFIG file, written to a temporary
 * directory that goes when the process stops or fails to start.
 */
export async function startConfiguredRelay(config: object, env: Record<string, string>, spaDir: string, entry?: string): Promise<RelayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sori-relay-config-'))
  const cleanUp = () => rmSync(dir, { recursive: true, force: true })
  writeFileSync(join(dir, 'relay.json'), JSON.stringify(config))
  try {
    const relay = await startRelay({ RELAY_CONFIG: join(dir, 'relay.json'), ...env }, spaDir, entry)
    return { ...relay, stop: () => relay.stop().finally(cleanUp), kill: signal => relay.kill(signal).finally(cleanUp) }
  }
  catch (error) {
    cleanUp()
    throw error
  }
}

/** The assistant messages on the page. */
export const answers = (page: Page) => page.locator('[data-testid="message"][data-role="assistant"]')

/** Types into the composer and presses Enter, as a user would. */
export async function ask(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer').fill(text)
  await page.getByTestId('composer').press('Enter')
}

/**
 * The conversation titles saved in the page's IndexedDB, sorted. Waiting on
 * these before a reload waits for the app's coalesced writes, not a fixed time.
 */
export async function savedTitles(page: Page): Promise<string[]> {
  return page.evaluate(() => new Promise<string[]>((resolve, reject) => {
    const open = indexedDB.open('sori')
    open.onerror = () => reject(open.error)
    open.onsuccess = () => {
      const db = open.result
      const request = db.transaction('conversations').objectStore('conversations').getAll()
      request.onerror = () => reject(request.error)
      request.onsuccess = () => {
        db.close()
        resolve((request.result as Array<{ title: string }>).map(c => c.title).sort())
      }
    }
  }))
}

/** A mock upstream served on loopback, a relay process in front of it, and a Chromium. */
export interface BrowserStack {
  upstream: { baseUrl: string, close: () => Promise<void> }
  relay: RelayProcess
  browser: Browser
  stop: () => Promise<void>
}

/** Starts what a browser test file needs; `stop()` ends it all, also after a partial start. */
export async function startBrowserStack(options: { chromiumPath: string, mock: MockUpstream, apiKey: string, spaDir: string, env?: Record<string, string> }): Promise<BrowserStack> {
  const upstream = await listen(options.mock)
  const relay = await startRelay({ OPENAI_BASE_URL: upstream.baseUrl, OPENAI_API_KEY: options.apiKey, ...options.env }, options.spaDir)
  const browser = await launchChromium(options.chromiumPath)
  return {
    upstream,
    relay,
    browser,
    async stop() {
      await browser.close()
      await relay.stop()
      await upstream.close()
    },
  }
}

/** Opens the chat in a new page and waits until the model list has loaded. */
export async function openChat(browser: Browser, url: string, options: Parameters<Browser['newPage']>[0] = {}): Promise<Page> {
  const page = await browser.newPage(options)
  await page.goto(url)
  await expect.poll(() => page.getByTestId('model-picker').inputValue()).toBe('gpt-4.1')
  return page
}
