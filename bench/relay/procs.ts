// Child processes of the benchmark and what /proc says about them. Every child is
// tracked here and killed on exit, on Ctrl+C and on errors.
import type { ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import process from 'node:process'
import { setTimeout as sleep } from 'node:timers/promises'

interface Tracked { child: ChildProcess, name: string, signal: NodeJS.Signals, extraPids: () => number[] }
const tracked: Tracked[] = []

/**
 * Registers a child. `signal` is what ends it at once without orphans: SIGKILL for Node,
 * SIGTERM for an nginx master (it then stops its workers; SIGKILL would orphan them).
 */
export function track(child: ChildProcess, name: string, signal: NodeJS.Signals = 'SIGKILL', extraPids: () => number[] = () => []): ChildProcess {
  tracked.push({ child, name, signal, extraPids })
  child.once('exit', () => tracked.splice(tracked.findIndex(t => t.child === child), 1))
  return child
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  }
  catch {
    return false
  }
}

/** Synchronous, so it also works in `process.on('exit')`. */
export function killAll(): void {
  for (const { child, signal, extraPids } of [...tracked].reverse()) {
    const extra = extraPids()
    child.kill(signal)
    for (const pid of extra) {
      if (alive(pid))
        process.kill(pid, 'SIGTERM')
    }
  }
}

let installed = false
export function killChildrenOnExit(): void {
  if (installed)
    return
  installed = true
  process.on('exit', killAll)
  let stopping = false
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // `on`, not `once`: Ctrl+C reaches us twice (from the terminal and relayed by tsx).
    process.on(signal, () => {
      if (stopping)
        return
      stopping = true
      process.stderr.write(`\n${signal}: stopping ${tracked.map(t => t.name).join(', ') || 'nothing'}\n`)
      killAll()
      process.exit(130)
    })
  }
}

/** Waits for a tracked child to exit, escalating to SIGKILL after `graceMs`. */
export async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill(signal)
  if (await Promise.race([exited.then(() => true), sleep(graceMs, false)]))
    return
  child.kill('SIGKILL')
  await exited
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100
  }
  catch {
    return 100
  }
})()

/** utime + stime of all the process's threads, in milliseconds (resolution 1 / CLK_TCK). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 1000 / CLK_TCK
}

export function sumCpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + cpuMs(pid), 0)
}

/** Resident set size now and its peak since start (VmHWM), in MB. */
export function memoryMb(pid: number): { rss: number, peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN)
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}

/** Direct children of `pid` (nginx workers), found by scanning /proc. */
export function childPids(pid: number): number[] {
  return readdirSync('/proc').filter(name => /^\d+$/.test(name)).map(Number).filter((child) => {
    try {
      const stat = readFileSync(`/proc/${child}/stat`, 'utf8')
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid
    }
    catch {
      return false
    }
  })
}
