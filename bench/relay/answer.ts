// The mock upstream's answer, event by event. The mock (upstream.ts) sends exactly these `data:`
// payloads and the load generator (fidelity.ts) checks every received stream against them, so
// both are built by this one function: the check compares with what was sent, byte for byte.

const TEXT = 'The quick brown fox jumps over the lazy dog while a relay forwards every token it is given. '
export const CONTENT_BYTES = 40
/** The model every benchmark request asks for; the mock names it in every chunk. */
export const BENCH_MODEL = 'bench-model'

/**
 * Content of chunk i: its number, then text, 40 bytes in all. The number makes every chunk
 * unique, so that the check can tell a lost chunk from a duplicated or reordered one.
 */
export function content(i: number): string {
  const head = `${i}:`
  const start = (i * CONTENT_BYTES) % TEXT.length
  return head + (TEXT + TEXT).slice(start, start + CONTENT_BYTES - head.length)
}

function chunk(model: string, choice: object | null, usage?: object): string {
  return JSON.stringify({ id: 'chatcmpl-bench0123456789', object: 'chat.completion.chunk', created: 1_750_000_000, model, system_fingerprint: 'fp_bench', choices: choice ? [choice] : [], ...(usage ? { usage } : {}) })
}

/**
 * The `data:` payloads of one answer, in order: a role chunk, n content chunks, a finish chunk,
 * a usage chunk if asked for (`stream_options.include_usage`), then `[DONE]`.
 */
export function answerData(model: string, n: number, usage: boolean): string[] {
  const data = [chunk(model, { index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null })]
  for (let i = 0; i < n; i++)
    data.push(chunk(model, { index: 0, delta: { content: content(i) }, logprobs: null, finish_reason: null }))
  data.push(chunk(model, { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }))
  if (usage)
    data.push(chunk(model, null, { prompt_tokens: 12, completion_tokens: n, total_tokens: 12 + n }))
  data.push('[DONE]')
  return data
}
