import type { Ref } from 'vue'
import { onScopeDispose, watch } from 'vue'

const PLACEHOLDER = '.md-image[data-src]'

/**
 * The placeholder's address if it is http(s). The renderer and the sanitizer write
 * only such addresses; checked again because the DOM is not theirs alone. (Not
 * lib/markdown's `safeImageUrl`: that module belongs to the lazily loaded chunk.)
 */
function imageUrl(raw: string): URL | null {
  try {
    const url = new URL(raw)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null
  }
  catch {
    return null
  }
}

/**
 * Click-to-load images in rendered Markdown. The renderer shows an image from a
 * host that is not allowlisted as a placeholder naming the host, with the address
 * in `data-src`; a click (or Enter or Space) here replaces it with the image,
 * built with DOM calls. Nothing is parsed again. A streaming answer renders its
 * open block again and again: `restore` (call it after each render) shows the
 * images chosen so far again in place of their new placeholders.
 */
export function useMarkdownImages(target: Readonly<Ref<HTMLElement | null | undefined>>): { restore: () => void } {
  const chosen = new Set<string>()

  function load(placeholder: HTMLElement): void {
    const url = imageUrl(placeholder.dataset.src ?? '')
    if (!url)
      return
    const image = placeholder.ownerDocument.createElement('img')
    image.src = url.href
    image.alt = placeholder.querySelector('.md-image-alt')?.textContent ?? ''
    image.referrerPolicy = 'no-referrer'
    image.className = 'md-image-loaded'
    const focused = placeholder.ownerDocument.activeElement === placeholder
    placeholder.replaceWith(image)
    // A keyboard user stays where they were instead of falling back to the page's start.
    if (focused) {
      image.tabIndex = -1
      image.focus()
    }
  }

  function placeholderOf(event: Event): HTMLElement | null {
    const found = (event.target as Element | null)?.closest?.(PLACEHOLDER)
    return found instanceof HTMLElement && target.value?.contains(found) ? found : null
  }

  function onClick(event: MouseEvent): void {
    const placeholder = placeholderOf(event)
    if (!placeholder)
      return
    chosen.add(placeholder.dataset.src ?? '')
    load(placeholder)
  }

  function onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Enter' && event.key !== ' ')
      return
    const placeholder = placeholderOf(event)
    if (!placeholder)
      return
    // Space would scroll the page: the placeholder acts as a button.
    event.preventDefault()
    chosen.add(placeholder.dataset.src ?? '')
    load(placeholder)
  }

  function restore(): void {
    if (chosen.size === 0 || !target.value)
      return
    target.value.querySelectorAll<HTMLElement>(PLACEHOLDER).forEach((placeholder) => {
      if (chosen.has(placeholder.dataset.src ?? ''))
        load(placeholder)
    })
  }

  watch(target, (element, previous) => {
    previous?.removeEventListener('click', onClick)
    previous?.removeEventListener('keydown', onKeydown)
    element?.addEventListener('click', onClick)
    element?.addEventListener('keydown', onKeydown)
  }, { immediate: true, flush: 'sync' })
  onScopeDispose(() => {
    target.value?.removeEventListener('click', onClick)
    target.value?.removeEventListener('keydown', onKeydown)
  })

  return { restore }
}
