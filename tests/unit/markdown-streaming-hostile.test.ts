import { describe, expect, it } from 'vitest'
import { streamingSetup } from '../fixtures/markdown/harness'
import { hostileInputs } from '../fixtures/markdown/hostile'
import { domViolations } from '../fixtures/markdown/violations'

// The same invariants as the full renderer's hostile corpus test, checked on the
// live DOM the streaming renderer builds, after every streamed character.
describe('hostile input streamed', { timeout: 30_000 }, () => {
  it.each(hostileInputs.map(input => [input.name, input.markdown] as const))('%s: safe at every prefix and at the end', (_name, markdown) => {
    const { streaming, container, full, window } = streamingSetup()
    const failures: string[] = []
    let prefix = ''
    for (const char of markdown) {
      prefix += char
      streaming.append(char)
      streaming.flush()
      const found = domViolations(container)
      if (found.length > 0)
        failures.push(`${JSON.stringify(prefix)}: ${found.join(', ')}`)
    }
    streaming.finish()
    expect(failures).toEqual([])
    expect(domViolations(container)).toEqual([])
    expect(container.innerHTML).toBe(full(markdown))
    window.close()
  })
})
