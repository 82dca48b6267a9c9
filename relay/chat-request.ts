import type { ChatCompletionRequest, ChatMessage } from './protocol'
import { RelayError } from './errors'

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool'])

/**
 * Checks a chat completion request body and returns it typed, or throws a 400
 * {@link RelayError} naming every problem. Unknown fields pass through untouched.
 */
export function parseChatRequest(value: unknown): ChatCompletionRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RelayError(400, 'invalid_request', 'The request body must be a JSON object.')
  const body = value as Record<string, unknown>
  const problems: string[] = []

  if (typeof body.model !== 'string' || body.model.trim() === '' || body.model.length > 200)
    problems.push('`model` must be a non-empty string')
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    problems.push('`messages` must be a non-empty array')
  else
    body.messages.forEach((message, i) => problems.push(...messageProblems(message, i)))
  if (body.stream !== undefined && typeof body.stream !== 'boolean')
    problems.push('`stream` must be a boolean')

  if (problems.length > 0)
    throw new RelayError(400, 'invalid_request', `Invalid request: ${problems.join('; ')}.`)
  return body as ChatCompletionRequest
}

function messageProblems(message: unknown, index: number): string[] {
  if (typeof message !== 'object' || message === null)
    return [`\`messages[${index}]\` must be an object`]
  const { role, content } = message as Partial<ChatMessage>
  const problems: string[] = []
  if (typeof role !== 'string' || !ROLES.has(role))
    problems.push(`\`messages[${index}].role\` must be one of ${[...ROLES].join(', ')}`)
  if (content !== null && typeof content !== 'string' && !Array.isArray(content))
    problems.push(`\`messages[${index}].content\` must be a string, an array of parts or null`)
  return problems
}
