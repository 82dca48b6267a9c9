import type { LanguageFn } from 'highlight.js'

type GrammarModule = Promise<{ default: LanguageFn }>

// One dynamic import per grammar, written out so the bundler makes each its own
// chunk: a code block downloads only its language. The common languages of chat
// answers; any other fence language stays plain text.
const GRAMMARS: Record<string, () => GrammarModule> = {
  bash: () => import('highlight.js/lib/languages/bash'),
  c: () => import('highlight.js/lib/languages/c'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  csharp: () => import('highlight.js/lib/languages/csharp'),
  css: () => import('highlight.js/lib/languages/css'),
  dart: () => import('highlight.js/lib/languages/dart'),
  diff: () => import('highlight.js/lib/languages/diff'),
  dockerfile: () => import('highlight.js/lib/languages/dockerfile'),
  elixir: () => import('highlight.js/lib/languages/elixir'),
  go: () => import('highlight.js/lib/languages/go'),
  graphql: () => import('highlight.js/lib/languages/graphql'),
  haskell: () => import('highlight.js/lib/languages/haskell'),
  ini: () => import('highlight.js/lib/languages/ini'),
  java: () => import('highlight.js/lib/languages/java'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  json: () => import('highlight.js/lib/languages/json'),
  kotlin: () => import('highlight.js/lib/languages/kotlin'),
  lua: () => import('highlight.js/lib/languages/lua'),
  makefile: () => import('highlight.js/lib/languages/makefile'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
  nginx: () => import('highlight.js/lib/languages/nginx'),
  objectivec: () => import('highlight.js/lib/languages/objectivec'),
  perl: () => import('highlight.js/lib/languages/perl'),
  php: () => import('highlight.js/lib/languages/php'),
  powershell: () => import('highlight.js/lib/languages/powershell'),
  protobuf: () => import('highlight.js/lib/languages/protobuf'),
  python: () => import('highlight.js/lib/languages/python'),
  r: () => import('highlight.js/lib/languages/r'),
  ruby: () => import('highlight.js/lib/languages/ruby'),
  rust: () => import('highlight.js/lib/languages/rust'),
  scala: () => import('highlight.js/lib/languages/scala'),
  scss: () => import('highlight.js/lib/languages/scss'),
  shell: () => import('highlight.js/lib/languages/shell'),
  sql: () => import('highlight.js/lib/languages/sql'),
  swift: () => import('highlight.js/lib/languages/swift'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  xml: () => import('highlight.js/lib/languages/xml'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
}

// The grammars' own aliases (checked against them by a test), needed before a
// grammar is loaded to know which one to load.
const ALIASES: Record<string, string> = {
  'sh': 'bash',
  'zsh': 'bash',
  'h': 'c',
  'cc': 'cpp',
  'c++': 'cpp',
  'h++': 'cpp',
  'hpp': 'cpp',
  'hh': 'cpp',
  'hxx': 'cpp',
  'cxx': 'cpp',
  'cs': 'csharp',
  'c#': 'csharp',
  'patch': 'diff',
  'docker': 'dockerfile',
  'ex': 'elixir',
  'exs': 'elixir',
  'golang': 'go',
  'gql': 'graphql',
  'hs': 'haskell',
  'toml': 'ini',
  'jsp': 'java',
  'js': 'javascript',
  'jsx': 'javascript',
  'mjs': 'javascript',
  'cjs': 'javascript',
  'jsonc': 'json',
  'json5': 'json',
  'kt': 'kotlin',
  'kts': 'kotlin',
  'mk': 'makefile',
  'mak': 'makefile',
  'make': 'makefile',
  'md': 'markdown',
  'nginxconf': 'nginx',
  'objc': 'objectivec',
  'mm': 'objectivec',
  'pl': 'perl',
  'pm': 'perl',
  'pwsh': 'powershell',
  'ps1': 'powershell',
  'proto': 'protobuf',
  'py': 'python',
  'rb': 'ruby',
  'rs': 'rust',
  'console': 'shell',
  'shellsession': 'shell',
  'ts': 'typescript',
  'tsx': 'typescript',
  'mts': 'typescript',
  'cts': 'typescript',
  'html': 'xml',
  'xhtml': 'xml',
  'svg': 'xml',
  'yml': 'yaml',
}

/** Every grammar name and alias that `grammarName` knows, for tests. */
export const KNOWN_LANGUAGES: readonly string[] = [...Object.keys(GRAMMARS), ...Object.keys(ALIASES)]

/** The grammar that highlights a fence's language (`ts` → `typescript`), or `null` if none does. */
export function grammarName(language: string): string | null {
  const name = language.toLowerCase()
  if (Object.hasOwn(GRAMMARS, name))
    return name
  return Object.hasOwn(ALIASES, name) ? ALIASES[name] ?? null : null
}

/** Downloads the grammar called `name` (a result of `grammarName`). */
export async function loadGrammar(name: string): Promise<LanguageFn> {
  const load = Object.hasOwn(GRAMMARS, name) ? GRAMMARS[name] : undefined
  if (!load)
    throw new Error(`No grammar called ${name}`)
  return (await load()).default
}
