// Where an open spends its time: a V8 CPU profile of the page, summed per function.

export interface CpuProfile {
  nodes: Array<{ id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }>
  samples?: number[]
  timeDeltas?: number[]
}

export interface FunctionTime { name: string, ms: number }

/**
 * Time per function, inclusive (the function and everything it called, counted once per
 * sample even when it recurses) and self, largest first. Names are `function file:line`;
 * build the SPA without minifying (--no-minify) to make them readable.
 */
export function functionTimes(profile: CpuProfile, top = 40): { inclusive: FunctionTime[], self: FunctionTime[], totalMs: number } {
  const byId = new Map(profile.nodes.map(node => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) {
    for (const child of node.children ?? [])
      parent.set(child, node.id)
  }
  const name = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    return url ? `${functionName || '(anonymous)'} ${url.split('/').at(-1)}:${lineNumber + 1}` : functionName
  }
  const inclusive = new Map<string, number>()
  const self = new Map<string, number>()
  const samples = profile.samples ?? []
  let totalMs = 0
  samples.forEach((leaf, i) => {
    const ms = (profile.timeDeltas?.[i] ?? 0) / 1000
    totalMs += ms
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + ms)
    const seen = new Set<string>()
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const key = name(id)
      if (!seen.has(key)) {
        seen.add(key)
        inclusive.set(key, (inclusive.get(key) ?? 0) + ms)
      }
    }
  })
  const sorted = (map: Map<string, number>) => [...map].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms).slice(0, top)
  return { inclusive: sorted(inclusive), self: sorted(self), totalMs }
}
