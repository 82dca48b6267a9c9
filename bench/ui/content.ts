// The conversations `npm run bench:ui` puts in IndexedDB: one long conversation and
// a few small ones, as the app stores them (src/lib/storage/db.ts). Deterministic:
// every run seeds the same text.
import type { ConversationRecord, StoredMessage } from '../../src/lib/storage/db'
import { seededRandom } from '../../tests/fixtures/chunking'

export interface Seed {
  conversations: ConversationRecord[]
  messages: StoredMessage[]
  /** The long conversation: the one the benchmark opens. */
  bigId: string
  bigTitle: string
  bigMessages: number
  /** Text that ends the long conversation's last answer: how the benchmark knows that answer is on screen. */
  lastMarker: string
  /** Characters of Markdown in the long conversation's answers: min, median, max and total. */
  answerChars: { min: number, median: number, max: number, total: number }
}

const QUESTIONS = [
  '주말에 서울에서 갈 만한 전시 추천해 줘',
  '파이썬으로 CSV 파일을 읽어서 월별 합계를 내는 코드 짜 줘',
  'What is the difference between a process and a thread?',
  '이 문장을 자연스러운 영어로 바꿔 줘: 회의가 다음 주로 미뤄졌습니다.',
  'Explain how HTTP caching headers work, briefly.',
  '김치찌개 2인분 레시피 알려 줘',
  'Can you compare PostgreSQL and SQLite for a small web app?',
  'TypeScript에서 제네릭 제약 조건은 어떻게 쓰나요?',
  'Write a shell one-liner that finds the 10 largest files in a directory.',
  '제주도 3박 4일 여행 일정 짜 줘. 렌터카 있어요.',
  'Why does my React list re-render every item when one changes?',
  '다음 주 발표 자료 목차를 만들어 줘. 주제는 사내 코드 리뷰 문화야.',
]

const PARAGRAPHS = [
  '좋은 질문입니다. 핵심만 먼저 말씀드리면, 대부분의 경우 **단순한 방법**이 가장 오래 살아남습니다. 아래에 이유와 함께 구체적인 예를 정리했습니다.',
  'Short answer: it depends on how much state you need to share. Processes have separate address spaces and talk through pipes, sockets or shared memory; threads share one address space, which is faster and easier to get wrong.',
  '서울시립미술관 서소문 본관은 입장료가 무료이고, 평일 오전에는 비교적 한산합니다. 근처 덕수궁 돌담길을 함께 걸으면 반나절 코스로 알맞습니다.',
  'The browser decides whether it may reuse a stored response by looking at `Cache-Control` first: `max-age` says how long the response stays fresh, and `no-cache` means "revalidate before every use", not "do not store".',
  '코드를 작성할 때는 먼저 입력 데이터의 형식을 확인하는 것이 좋습니다. 날짜 열이 문자열이라면 `pd.to_datetime`으로 바꾼 뒤에 월 단위로 묶으면 됩니다.',
  'For a small web app with one server, SQLite is usually enough: it is a file, it needs no daemon, and with WAL mode it handles many concurrent readers. PostgreSQL earns its keep once several machines write at the same time.',
  '제네릭 제약은 `extends` 키워드로 표현합니다. 예를 들어 `T extends { id: string }`라고 쓰면 `id` 속성이 있는 타입만 받을 수 있고, 함수 안에서 `item.id`를 안전하게 쓸 수 있습니다.',
  'React re-renders a child whenever its parent renders, unless the child is memoized and its props are equal. The usual culprit is an inline object or callback prop that is new on every render, so `React.memo` never sees equal props.',
  '렌터카가 있다면 첫날은 동쪽 해안도로를 따라 성산일출봉까지 가고, 둘째 날은 한라산 영실 코스를 오르는 일정을 추천합니다. 날씨가 흐리면 실내 박물관으로 바꾸세요.',
  'One caveat: measure before you optimize. A profile of the real workload often shows that the slow part is somewhere you did not expect, and the fix there is a one-line change.',
]

const LIST_ITEMS = [
  '**국립현대미술관 서울관**: 한국 현대미술 소장품전, 목요일은 야간 개관',
  '**리움**: 고미술과 현대미술을 한 번에 볼 수 있음',
  'Keep the `Cache-Control: max-age` short for HTML and long for hashed assets',
  'Use `EXPLAIN ANALYZE` before adding an index',
  '돼지고기 200 g, 신김치 1/4포기, 두부 반 모',
  'Run the profiler on the production build, not the dev server',
  '발표는 20분, 질의응답 10분으로 나누기',
  'Prefer `find -type f -printf` over parsing `ls`',
  '월요일 오전에는 리뷰 요청을 몰아서 처리하기',
  'Memoize callbacks passed to list items with `useCallback`',
  '성산일출봉은 일출 30분 전에 도착',
  'Split the table by month with `groupby`',
]

const CODE_BLOCKS = [
  '```python\nimport pandas as pd\n\ndf = pd.read_csv("sales.csv", parse_dates=["date"])\nmonthly = df.groupby(df["date"].dt.to_period("M"))["amount"].sum()\nprint(monthly.to_string())\n```',
  '```ts\nfunction byId<T extends { id: string }>(items: T[]): Map<string, T> {\n  return new Map(items.map(item => [item.id, item]))\n}\n```',
  '```bash\nfind . -type f -printf \'%s %p\\n\' | sort -rn | head -n 10\n```',
  '```sql\nCREATE INDEX idx_orders_customer ON orders (customer_id, created_at);\nEXPLAIN ANALYZE SELECT * FROM orders WHERE customer_id = 42 ORDER BY created_at DESC LIMIT 20;\n```',
  '```js\nconst Row = React.memo(({ item, onSelect }) => (\n  <li onClick={() => onSelect(item.id)}>{item.name}</li>\n))\n```',
]

const TABLES = [
  '| 항목 | SQLite | PostgreSQL |\n| --- | --- | --- |\n| 설치 | 필요 없음 | 서버 필요 |\n| 동시 쓰기 | 한 번에 하나 | 여러 개 |\n| 백업 | 파일 복사 | `pg_dump` |',
  '| Header | Meaning | Typical value |\n| --- | --- | --- |\n| `Cache-Control` | freshness and storage | `max-age=31536000, immutable` |\n| `ETag` | validator | `"33a64df5"` |\n| `Vary` | cache key | `Accept-Encoding` |',
  '| 일차 | 오전 | 오후 |\n| --- | --- | --- |\n| 1 | 성산일출봉 | 섭지코지 |\n| 2 | 한라산 영실 | 중문 해변 |\n| 3 | 오설록 | 협재 해변 |\n| 4 | 동문시장 | 공항 |',
]

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!

/** An answer of about 300–1500 characters: paragraphs, a list, and every few answers a code block or a table. */
function answer(rand: () => number, index: number): string {
  const parts = [pick(rand, PARAGRAPHS)]
  const target = 300 + Math.floor(rand() * 1000)
  if (index % 2 === 0) {
    const ordered = rand() < 0.5
    const items = Array.from({ length: 2 + Math.floor(rand() * 4) }, (_, i) => `${ordered ? `${i + 1}.` : '-'} ${pick(rand, LIST_ITEMS)}`)
    parts.push(items.join('\n'))
  }
  if (index % 3 === 0)
    parts.push(pick(rand, CODE_BLOCKS))
  if (index % 5 === 0)
    parts.push(pick(rand, TABLES))
  while (parts.join('\n\n').length < target)
    parts.push(pick(rand, PARAGRAPHS))
  let text = parts.join('\n\n')
  // Keep within 1,500 characters by dropping trailing paragraphs, never cutting a block in half.
  while (text.length > 1500 && parts.length > 1) {
    parts.pop()
    text = parts.join('\n\n')
  }
  return text
}

function conversation(rand: () => number, id: string, title: string, count: number, start: number, model: string): { record: ConversationRecord, messages: StoredMessage[] } {
  const messages: StoredMessage[] = []
  let at = start
  for (let i = 0; i < count; i++) {
    const role = i % 2 === 0 ? 'user' : 'assistant'
    const base = { id: `${id}-${String(i).padStart(4, '0')}`, conversationId: id, createdAt: at, parentId: messages.at(-1)?.id ?? null, status: 'done' as const, model }
    if (role === 'user') {
      messages.push({ ...base, role, content: i === 0 ? title : pick(rand, QUESTIONS) })
      at += 1000
    }
    else {
      const content = answer(rand, (i - 1) / 2)
      const completion = Math.round(content.length / 2.5)
      const firstTokenAt = at + 300 + Math.floor(rand() * 700)
      const endedAt = firstTokenAt + completion * 20
      messages.push({
        ...base,
        role,
        content,
        finishReason: 'stop',
        usage: { prompt_tokens: 40 + i * 30, completion_tokens: completion, total_tokens: 40 + i * 30 + completion },
        timing: { sentAt: at, firstTokenAt, endedAt },
      })
      at = endedAt + 30_000
    }
  }
  const record: ConversationRecord = { id, title, createdAt: start, updatedAt: at, leafId: messages.at(-1)?.id, messageIds: messages.map(m => m.id) }
  return { record, messages }
}

/**
 * One conversation of `bigMessages` messages, older than the `small` short ones, so
 * the app opens a short one first and the benchmark then opens the long one.
 */
export function createSeed(bigMessages = 500, small = 4): Seed {
  const rand = seededRandom(20_260_101)
  const base = Date.UTC(2026, 0, 1)
  const bigId = 'bench-long'
  const bigTitle = 'Long conversation / 긴 대화 (benchmark)'
  const big = conversation(rand, bigId, bigTitle, bigMessages, base, 'gpt-4.1')
  const lastMarker = '이것으로 정리를 마칩니다 (end of the long conversation).'
  const last = big.messages.at(-1)
  if (last)
    last.content += `\n\n${lastMarker}`
  const smalls = Array.from({ length: small }, (_, i) =>
    conversation(rand, `bench-small-${i}`, QUESTIONS[i % QUESTIONS.length]!, 2 + 2 * (i % 3), big.record.updatedAt + (i + 1) * 3_600_000, 'gpt-4.1'))
  const lengths = big.messages.filter(m => m.role === 'assistant').map(m => m.content.length).sort((a, b) => a - b)
  return {
    conversations: [big.record, ...smalls.map(s => s.record)],
    messages: [...big.messages, ...smalls.flatMap(s => s.messages)],
    bigId,
    bigTitle,
    bigMessages,
    lastMarker,
    answerChars: {
      min: lengths[0] ?? 0,
      median: lengths[Math.floor(lengths.length / 2)] ?? 0,
      max: lengths.at(-1) ?? 0,
      total: lengths.reduce((a, b) => a + b, 0),
    },
  }
}
