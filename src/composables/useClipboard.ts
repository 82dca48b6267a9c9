import { onScopeDispose, ref } from 'vue'

/** Copies text, and says so for a moment (`copied`), for a "Copied" label. */
export function useClipboard(options: { resetMs?: number } = {}) {
  const copied = ref(false)
  let timer: ReturnType<typeof setTimeout> | undefined

  async function copy(text: string): Promise<boolean> {
    try {
      await navigator.clipboard.writeText(text)
    }
    catch {
      return false
    }
    copied.value = true
    clearTimeout(timer)
    timer = setTimeout(() => (copied.value = false), options.resetMs ?? 1500)
    return true
  }

  onScopeDispose(() => clearTimeout(timer))
  return { copied, copy }
}
