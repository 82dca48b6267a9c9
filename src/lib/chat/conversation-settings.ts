/** Per-conversation choices sent with every request of that conversation. */
export interface ConversationSettings {
  systemPrompt?: string
  temperature?: number
  topP?: number
  maxTokens?: number
}

/** Ready-made system prompts; their names are in the locale files under `presets.<id>`. */
export const SYSTEM_PROMPT_PRESETS = [
  { id: 'korean', prompt: '당신은 친절하고 정확한 한국어 어시스턴트입니다. 자연스러운 존댓말로, 핵심부터 간결하게 답하세요. 모르는 것은 모른다고 말하고, 필요하면 표와 코드 블록을 쓰세요.' },
  { id: 'concise', prompt: 'Answer as briefly as possible: the answer first, then at most three short supporting points.' },
  { id: 'coder', prompt: 'You are a senior software engineer. Give working, idiomatic code with short explanations; point out risks and edge cases.' },
  { id: 'translator', prompt: 'Translate the user\'s text between Korean and English, keeping tone and formatting. Reply with the translation only.' },
] as const

export interface SettingsForm {
  systemPrompt: string
  temperature: string
  topP: string
  maxTokens: string
}

export type SettingsProblem = 'temperature' | 'topP' | 'maxTokens' | 'systemPrompt'

/**
 * Reads the conversation settings form. Empty fields mean "the model's
 * default"; out-of-range numbers are problems, and nothing is applied then.
 */
export function parseSettingsForm(form: SettingsForm): { ok: true, settings: ConversationSettings } | { ok: false, problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = []
  const number = (field: 'temperature' | 'topP' | 'maxTokens', min: number, max: number, integer = false) => {
    const text = form[field].trim()
    if (!text)
      return undefined
    const value = Number(text)
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value)))
      problems.push(field)
    return value
  }
  const settings: ConversationSettings = {
    systemPrompt: form.systemPrompt.trim() || undefined,
    temperature: number('temperature', 0, 2),
    topP: number('topP', 0, 1),
    maxTokens: number('maxTokens', 1, 1_000_000, true),
  }
  if ((settings.systemPrompt?.length ?? 0) > 20_000)
    problems.push('systemPrompt')
  return problems.length > 0 ? { ok: false, problems } : { ok: true, settings }
}

/** The request fields for the settings: only those the user set. */
export function requestParams(settings: ConversationSettings | undefined): { temperature?: number, top_p?: number, max_tokens?: number } {
  return {
    ...(settings?.temperature !== undefined ? { temperature: settings.temperature } : {}),
    ...(settings?.topP !== undefined ? { top_p: settings.topP } : {}),
    ...(settings?.maxTokens !== undefined ? { max_tokens: settings.maxTokens } : {}),
  }
}
