import type { ChatCompletionChunk, ChatCompletionRequest, ChatMessage } from '../protocol'
import type { FetchFn } from './client'
import { DEMO_MODEL } from '../protocol'

/** The base URL the relay gives the demo upstream; nothing is ever sent there. */
export const DEMO_BASE_URL = 'http://demo.invalid/v1'

/**
 * A `fetch` that behaves like an OpenAI-compatible provider serving one model,
 * `demo`, which streams a Markdown showcase without any network. The relay
 * drives it through the same code path as a real upstream.
 */
export function createDemoFetch(options: { tokenDelayMs?: number } = {}): FetchFn {
  const delayMs = options.tokenDelayMs ?? 18
  return async (input, init) => {
    const request = new Request(input, init)
    const path = new URL(request.url).pathname
    if (request.method === 'GET' && path.endsWith('/models'))
      return Response.json({ object: 'list', data: [{ id: DEMO_MODEL, object: 'model', created: 0, owned_by: 'sori' }] })
    if (request.method !== 'POST' || !path.endsWith('/chat/completions'))
      return Response.json({ error: { message: 'Not found', type: 'invalid_request_error', code: null } }, { status: 404 })

    const body = await request.json() as ChatCompletionRequest
    const text = demoAnswer(body.messages)
    if (!body.stream) {
      return Response.json({
        id: 'chatcmpl-demo',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: DEMO_MODEL,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      })
    }
    return new Response(streamTokens(tokenize(text), delayMs, request.signal), {
      headers: { 'Content-Type': 'text/event-stream' },
    })
  }
}

function streamTokens(tokens: string[], delayMs: number, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  const created = Math.floor(Date.now() / 1000)
  const frame = (delta: ChatCompletionChunk['choices'][number]['delta'], finish: string | null = null) => {
    const chunk: ChatCompletionChunk = { id: 'chatcmpl-demo', object: 'chat.completion.chunk', created, model: DEMO_MODEL, choices: [{ index: 0, delta, finish_reason: finish }] }
    return encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`)
  }
  let index = -1
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index >= 0 && delayMs > 0)
        await new Promise(resolve => setTimeout(resolve, delayMs))
      if (signal.aborted)
        return controller.close()
      if (index === -1) {
        controller.enqueue(frame({ role: 'assistant', content: '' }))
      }
      else if (index < tokens.length) {
        controller.enqueue(frame({ content: tokens[index] }))
      }
      else if (index === tokens.length) {
        controller.enqueue(frame({}, 'stop'))
      }
      else {
        controller.enqueue(encoder.encode('data: [DONE]\n\n'))
        return controller.close()
      }
      index++
    },
  }, { highWaterMark: 0 })
}

/** Splits text into word-sized pieces, the way models stream it. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S{1,6}|\s+/g) ?? []
}

function demoAnswer(messages: ChatMessage[]): string {
  const userTurns = messages.filter(m => m.role === 'user')
  const last = userTurns.at(-1)
  const question = typeof last?.content === 'string' ? last.content.trim() : ''
  const quoted = question ? `> ${question.slice(0, 200).replace(/\n/g, '\n> ')}\n\n` : ''
  return /[\u3131-\u318E\uAC00-\uD7A3]/.test(question)
    ? koreanShowcase(quoted, userTurns.length)
    : englishShowcase(quoted, userTurns.length)
}

function koreanShowcase(quoted: string, turn: number): string {
  return `## 데모 모드입니다

${quoted}지금은 **업스트림 API가 설정되지 않아** Sori에 내장된 \`demo\` 모델이 답하고 있어요. 이 대화의 ${turn}번째 질문입니다.

실제 모델과 대화하려면:

1. \`OPENAI_BASE_URL\`에 OpenAI 호환 주소를 넣고
2. \`OPENAI_API_KEY\`에 키를 넣은 뒤
3. \`npm start\`로 다시 시작하세요.

| 모델 | 특징 |
| --- | --- |
| gpt-4.1 | 범용 |
| claude-sonnet-4 | 긴 글과 코드 |
| gemini-2.5-flash | 빠르고 저렴함 |

\`\`\`ts
const answer = await fetch('/v1/chat/completions', { method: 'POST' })
\`\`\`

키는 릴레이에만 있고 브라우저에는 절대 전달되지 않습니다.`
}

function englishShowcase(quoted: string, turn: number): string {
  return `## This is demo mode

${quoted}No upstream API is configured, so Sori's built-in \`demo\` model is answering. This is question ${turn} of this conversation.

To talk to real models:

1. set \`OPENAI_BASE_URL\` to an OpenAI-compatible base URL,
2. set \`OPENAI_API_KEY\` to your key,
3. restart with \`npm start\`.

| Model | Good at |
| --- | --- |
| gpt-4.1 | general use |
| claude-sonnet-4 | long text and code |
| gemini-2.5-flash | fast and cheap |

\`\`\`ts
const answer = await fetch('/v1/chat/completions', { method: 'POST' })
\`\`\`

The key stays on the relay and never reaches the browser.`
}
