import { z } from 'zod'

const positiveMs = z.number().int().positive()
const modelId = z.string().min(1).max(200)

const upstreamSchema = z.strictObject({
  name: z.string().regex(/^[\w.-]+$/, 'use letters, digits, dot, dash or underscore'),
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Name of the environment variable holding the key; the key itself never goes in the file. */
  apiKeyEnv: z.string().regex(/^[A-Z_][A-Z\d_]*$/, 'an environment variable name such as AGGREGATOR_API_KEY').optional(),
  /** Models this upstream serves; omitted means any model name passes through to it. */
  models: z.array(modelId).min(1).optional(),
  /** Ask for usage in streams (`stream_options.include_usage`); turn off for upstreams that reject it. */
  includeUsage: z.boolean().default(true),
})

const modelSchema = z.strictObject({
  /** Which upstream serves it; defaults to the first upstream listing it, else the first upstream. */
  upstream: z.string().optional(),
  /** The name the upstream knows it by, when it differs (`deepseek/deepseek-v3.2`). */
  upstreamModel: modelId.optional(),
  /** USD per 1M tokens. */
  pricing: z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative(), cachedInput: z.number().nonnegative().optional() }).optional(),
  fallbacks: z.array(modelId).default([]),
})

/** The `RELAY_CONFIG` JSON file. Keys are named by environment variable, never written here. */
export const relayFileSchema = z.strictObject({
  upstreams: z.array(upstreamSchema).min(1),
  models: z.record(modelId, modelSchema).default({}),
  systemPrompt: z.string().min(1).optional(),
  maxTokens: z.number().int().positive().optional(),
  limits: z.strictObject({
    requestsPerMinute: z.number().int().nonnegative().optional(),
    concurrentStreams: z.number().int().nonnegative().optional(),
    maxBodyBytes: z.number().int().min(1024).optional(),
  }).default({}),
  timeouts: z.strictObject({
    connectMs: positiveMs.optional(),
    firstTokenMs: positiveMs.optional(),
    idleMs: positiveMs.optional(),
    totalMs: positiveMs.optional(),
  }).default({}),
  retry: z.strictObject({
    maxAttempts: z.number().int().min(1).max(10).optional(),
    budgetMs: z.number().int().nonnegative().optional(),
    baseDelayMs: positiveMs.optional(),
    maxDelayMs: positiveMs.optional(),
    commitMs: z.number().int().nonnegative().optional(),
  }).default({}),
  /** Resumable streams: how long an answer waits for its reader to come back, and stays replayable after it ends. */
  streams: z.strictObject({
    graceMs: positiveMs.optional(),
    ttlMs: positiveMs.optional(),
    maxStreamBytes: z.number().int().min(1024).optional(),
    maxTotalBytes: z.number().int().min(1024).optional(),
  }).default({}),
})

export type RelayFile = z.infer<typeof relayFileSchema>

/** What {@link parseRelayFile} found: the file when its shape is right, and every problem. */
export interface ParsedRelayFile { file?: RelayFile, problems: string[] }

/**
 * Parses the text of a `RELAY_CONFIG` file. Returns every problem found, each
 * prefixed with its path (`models.gpt-4.1.fallbacks[0]: ...`), and the file
 * whenever its shape is right, so callers can check what depends on it too.
 */
export function parseRelayFile(text: string): ParsedRelayFile {
  let json: unknown
  try {
    json = JSON.parse(text)
  }
  catch (error) {
    return { problems: [`RELAY_CONFIG is not valid JSON: ${(error as Error).message}`] }
  }
  const result = relayFileSchema.safeParse(json)
  if (!result.success)
    return { problems: result.error.issues.map(issue => `RELAY_CONFIG ${formatPath(issue.path)}: ${issue.message}`) }
  return { file: result.data, problems: crossReferenceProblems(result.data) }
}

/** What the schema alone cannot see: names that must refer to each other. */
function crossReferenceProblems(file: RelayFile): string[] {
  const problems: string[] = []
  const upstreams = new Map(file.upstreams.map(u => [u.name, u]))
  if (upstreams.size !== file.upstreams.length)
    problems.push('RELAY_CONFIG upstreams: names must be unique')
  const known = new Set([...Object.keys(file.models), ...file.upstreams.flatMap(u => u.models ?? [])])
  const anyModelPasses = file.upstreams.some(u => !u.models)
  for (const [id, model] of Object.entries(file.models)) {
    const upstream = model.upstream === undefined ? undefined : upstreams.get(model.upstream)
    if (model.upstream !== undefined && !upstream)
      problems.push(`RELAY_CONFIG models.${id}.upstream: no upstream is named "${model.upstream}"`)
    model.fallbacks.forEach((fallback, i) => {
      if (fallback === id)
        problems.push(`RELAY_CONFIG models.${id}.fallbacks[${i}]: a model cannot fall back to itself`)
      else if (!known.has(fallback) && !anyModelPasses)
        problems.push(`RELAY_CONFIG models.${id}.fallbacks[${i}]: "${fallback}" is not a configured model`)
    })
  }
  return problems
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key), '') || '(root)'
}
