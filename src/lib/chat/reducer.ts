import type { ChatCompletionChunk, Usage } from '../../../relay/protocol'

/** What a streaming answer has accumulated so far. */
export interface StreamState {
  content: string
  model?: string
  finishReason?: string
  usage?: Usage
}

/** Folds one chunk into the answer. Only choice 0 is shown; a usage-only chunk has no choices. */
export function reduceChunk(state: StreamState, chunk: ChatCompletionChunk): StreamState {
  const choice = chunk.choices.find(c => c.index === 0) ?? chunk.choices[0]
  const delta = choice?.delta.content ?? ''
  return {
    content: delta ? state.content + delta : state.content,
    model: chunk.model || state.model,
    finishReason: choice?.finish_reason ?? state.finishReason,
    usage: chunk.usage ?? state.usage,
  }
}
