// jsdom has <dialog> but not showModal() or close(); these do what the tests need.
import { afterAll, beforeAll } from 'vitest'

export function polyfillDialog(): void {
  const proto = HTMLDialogElement.prototype
  const saved = { showModal: proto.showModal, close: proto.close }
  beforeAll(() => {
    proto.showModal = function (this: HTMLDialogElement) {
      this.setAttribute('open', '')
    }
    proto.close = function (this: HTMLDialogElement) {
      if (!this.hasAttribute('open'))
        return
      this.removeAttribute('open')
      this.dispatchEvent(new Event('close'))
    }
  })
  afterAll(() => Object.assign(proto, saved))
}
