// Starts the mock upstream and the Sori relay (nginx is in nginx.ts), and forks bench scripts.
import type { Buffer } from 'node:buffer'
import type { ChildProcess } from 'node:child_process'
import type { Schedule } from './upstream'
import { fork, spawn } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { childPids, track } from './procs'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const API_KEY = 'bench-key-0123456789'

export interface Target {
  name: 'direct' | 'nginx' | 'relay'
  url: string
  /** Processes whose CPU counts as the proxy's. */
  pids: number[]
}

/** Forks a bench script under tsx with an IPC channel; it exits when we do. */
export function forkTs(file: string, name: string, args: string[] = []): ChildProcess {
  return track(fork(join(ROOT, 'bench', 'relay', file), args, { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }), name)
}

export function reply<T>(child: ChildProcess, type: string, send?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    function onMessage(message: { type: string }) {
      if (message.type === type) {
        child.off('message', onMessage).off('exit', onExit)
        resolve(message as T)
      }
    }
    function onExit(code: number | null) {
      reject(new Error(`${type}: the child exited (${code})`))
    }
    child.on('message', onMessage).once('exit', onExit)
    if (send)
      child.send(send)
  })
}

export async function startUpstream(schedule: Schedule): Promise<{ child: ChildProcess, url: string }> {
  const child = forkTs('upstream.ts', 'upstream', ['--chunks', String(schedule.chunks), '--interval', String(schedule.intervalMs), '--think', String(schedule.thinkMs)])
  const { url } = await reply<{ url: string }>(child, 'listening')
  return { child, url }
}

export interface RelayOptions { entry: string, bundle: boolean, nodeArgs: string[], env: Record<string, string> }
export interface RelayLog { lines: number, warnings: number, errors: number, lastProblem?: string, mode?: string }

export async function startRelay(dir: string, upstreamUrl: string, options: RelayOptions): Promise<{ target: Target, child: ChildProcess, log: RelayLog }> {
  const staticDir = join(dir, 'static')
  mkdirSync(staticDir, { recursive: true })
  const own = /^(?:OPENAI_|RELAY_|SORI_|REDIS_URL$|SYSTEM_PROMPT$|ALLOWED_ORIGINS$|PORT$|HOST$)/
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !own.test(key))),
    OPENAI_BASE_URL: `${upstreamUrl}/v1`,
    OPENAI_API_KEY: API_KEY,
    PORT: '0',
    HOST: '127.0.0.1',
    SORI_STATIC_DIR: staticDir,
    // All the load comes from one address: per-client limits would measure 429s, not streaming.
    RELAY_REQUESTS_PER_MINUTE: '0',
    RELAY_CONCURRENT_STREAMS: '0',
    ...options.env,
  }
  let entry = resolve(ROOT, options.entry)
  if (!existsSync(entry))
    throw new Error(`relay entry ${entry} does not exist`)
  if (options.bundle)
    entry = await bundle(entry, join(dir, 'bundle'))
  const loader = options.bundle ? [] : ['--import', 'tsx']
  const child = track(spawn(process.execPath, [...options.nodeArgs, ...loader, entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }), 'relay')
  const log: RelayLog = { lines: 0, warnings: 0, errors: 0 }
  let stderr = ''
  child.stderr!.on('data', (part: Buffer) => stderr = (stderr + part.toString()).slice(-4000))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the relay did not log "listening" within 30 s\n${stderr}`)), 30_000)
    child.once('exit', code => reject(new Error(`the relay exited with code ${code} before listening\n${stderr}`)))
    // Drain stdout for the whole run: a full pipe would block the relay.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.lines++
      const entry = parseLine(line)
      if (entry.level === 'warn' || entry.level === 'error') {
        log[entry.level === 'warn' ? 'warnings' : 'errors']++
        log.lastProblem = line.slice(0, 500)
      }
      if (entry.event === 'listening' && entry.url) {
        clearTimeout(timer)
        log.mode = entry.mode
        resolve(entry.url)
      }
    })
  })
  // tsx's esbuild service is a child of the relay: its CPU counts too (it idles after start).
  return { target: { name: 'relay', url, pids: [child.pid!, ...childPids(child.pid!)] }, child, log }
}

/** The relay bundled as `npm run build:relay` bundles it, as production runs it. */
async function bundle(entry: string, outDir: string): Promise<string> {
  const { buildRelay } = await import('../../scripts/build-relay')
  return buildRelay(outDir, entry)
}

function parseLine(line: string): { event?: string, level?: string, url?: string, mode?: string } {
  try {
    return JSON.parse(line)
  }
  catch {
    return {}
  }
}
