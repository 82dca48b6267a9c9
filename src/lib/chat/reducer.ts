import type { ChatCompletionChunk, Usage } from '../../../relay/protocol'

/** What a streaming answer has accumulated so far. */
export interface StreamState {
  content: string
  model?: string
  finishReason?: string
  usage?: Usage
}

/** Only choice 0 is shown; a usage-only chunk has no choices. */
const shownChoice = (chunk: ChatCompletionChunk) => chunk.choices.find(c => c.index === 0) ?? chunk.choices[0]

/** The text a chunk adds to the answer. */
export function contentDelta(chunk: ChatCompletionChunk): string {
  return shownChoice(chunk)?.delta.content ?? ''
}

/** Folds one chunk into the answer. */
export function reduceChunk(state: StreamState, chunk: ChatCompletionChunk): StreamState {
  const choice = shownChoice(chunk)
  const delta = choice?.delta.content ?? ''
  return {
    content: delta ? state.content + delta : state.content,
    model: chunk.model || state.model,
    finishReason: choice?.finish_reason ?? state.finishReason,
    usage: chunk.usage ?? state.usage,
  }
}
