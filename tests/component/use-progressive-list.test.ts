import { afterEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import { useProgressiveList } from '../../src/composables/useProgressiveList'

describe('useProgressiveList', () => {
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('shows the last items at once and the earlier ones in idle steps, starting over for another list', async () => {
    vi.useFakeTimers()
    vi.stubGlobal('requestIdleCallback', undefined)
    const items = ref(Array.from({ length: 50 }, (_, i) => i))
    const key = ref('a')
    const scope = effectScope()
    const shown = scope.run(() => useProgressiveList({ items: () => items.value, key: () => key.value, initial: 20, step: 10 }))!
    expect(shown.value).toEqual(items.value.slice(30))
    items.value = [...items.value, 50]
    expect(shown.value.at(-1)).toBe(50)
    await vi.advanceTimersByTimeAsync(16)
    expect(shown.value[0]).toBe(20)
    await vi.advanceTimersByTimeAsync(100)
    expect(shown.value).toHaveLength(51)

    items.value = Array.from({ length: 30 }, (_, i) => i + 100)
    key.value = 'b'
    await nextTick()
    expect(shown.value[0]).toBe(110)
    scope.stop()
    await vi.advanceTimersByTimeAsync(100)
    expect(shown.value[0]).toBe(110)
  })
})
