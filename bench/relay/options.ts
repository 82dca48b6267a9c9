// Command-line options of `npm run bench:relay`, with their defaults and help.
import process from 'node:process'
import { parseArgs } from 'node:util'

const spec = {
  'levels': ['1,16,256', 'concurrent streams per level'],
  'reps': ['3', 'runs of each configuration; the table shows the median of runs'],
  'seconds': ['10', 'measured window of a run, after a ramp of one stream\'s length'],
  'paths': ['direct,nginx,relay', 'paths to measure at each level'],
  'chunks': ['200', 'mock upstream: content chunks per answer'],
  'interval': ['5', 'mock upstream: ms between chunks'],
  'think': ['0', 'mock upstream: ms before the first chunk'],
  'big': ['1000', 'streams of the concurrency run, one request each (0 skips it)'],
  'big-ramp': ['1000', 'ms over which those streams start'],
  'big-chunks': ['100', 'content chunks per answer in that run (100 every 100 ms: a 10 s answer)'],
  'big-interval': ['100', 'ms between chunks in that run'],
  'big-paths': ['nginx,relay', 'paths of that run'],
  'nginx': ['', 'nginx binary (default: nginx on PATH, then /usr/sbin/nginx)'],
  'relay-entry': ['relay/node.ts', 'relay entry file, run with node --import tsx'],
  'relay-node-args': ['', 'extra node flags for the relay, as --relay-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"'],
  'relay-env': ['', 'KEY=VALUE for the relay\'s environment (repeatable)'],
  'json': ['', 'also write machine-readable results to this file'],
} as const

type Name = keyof typeof spec

const { values: parsed } = parseArgs({
  options: {
    ...Object.fromEntries(Object.keys(spec).map(name => [name, { type: 'string' as const, multiple: name === 'relay-env' }])),
    'relay-bundle': { type: 'boolean' },
    'help': { type: 'boolean' },
  },
})

const values = parsed as Record<string, string | string[] | boolean | undefined>

if (values.help) {
  const rows = Object.entries(spec).map(([name, [value, help]]) => `  --${`${name} ${value}`.padEnd(30)} ${help}`)
  rows.splice(rows.length - 2, 0, `  --${'relay-bundle'.padEnd(30)} run the relay as one esbuild bundle on plain node, not under tsx`)
  process.stdout.write(`npm run bench:relay -- [options]\n${rows.join('\n')}\n`)
  process.exit(0)
}

/** The value of a string option, or its default. */
export function opt(name: Exclude<Name, 'relay-env'>): string {
  return (values[name] as string | undefined) ?? spec[name][0]
}

export const num = (name: Exclude<Name, 'relay-env'>) => Number(opt(name))
export const list = (s: string) => s.split(',').map(x => x.trim()).filter(Boolean)
export const relayEnv: Record<string, string> = Object.fromEntries(((values['relay-env'] ?? []) as string[]).map(kv => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]))
export const relayBundle = values['relay-bundle'] === true
export const options = { ...Object.fromEntries(Object.keys(spec).filter(n => n !== 'relay-env').map(n => [n, opt(n as Exclude<Name, 'relay-env'>)])), relayEnv, relayBundle }
