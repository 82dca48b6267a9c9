import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { bodyLimit } from '../../relay/middleware/body-limit'

function app(maxBytes: number) {
  const read: string[] = []
  const hono = new Hono()
  hono.onError((error, c) => c.text(error.message, 413))
  hono.post('*', bodyLimit(maxBytes, () => new Error('too large')), async (c) => {
    read.push(await c.req.text())
    return c.text('ok')
  })
  return { hono, read }
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 7)
        controller.enqueue(bytes.slice(i, i + 7))
      controller.close()
    },
  })
}

describe('body limit', () => {
  it('refuses a declared Content-Length over the limit without reading the body', async () => {
    const { hono, read } = app(10)
    let pulled = false
    const body = new ReadableStream({
      pull(controller) {
        pulled = true
        controller.close()
      },
    }, { highWaterMark: 0 })
    const response = await hono.request('/', { method: 'POST', body, headers: { 'Content-Length': '11' }, duplex: 'half' } as RequestInit)
    expect(response.status).toBe(413)
    expect(await response.text()).toBe('too large')
    expect(pulled).toBe(false)
    expect(read).toEqual([])
  })

  it('passes a declared length within the limit to the handler untouched', async () => {
    const { hono, read } = app(10)
    const response = await hono.request('/', { method: 'POST', body: '안녕하', headers: { 'Content-Length': '9' } })
    expect(response.status).toBe(200)
    expect(read).toEqual(['안녕하'])
  })

  it('counts a body of unknown length as it arrives', async () => {
    const { hono, read } = app(20)
    const small = await hono.request('/', { method: 'POST', body: streamOf('한국어 text'), duplex: 'half' } as RequestInit)
    expect(small.status).toBe(200)
    const large = await hono.request('/', { method: 'POST', body: streamOf('x'.repeat(21)), duplex: 'half' } as RequestInit)
    expect(large.status).toBe(413)
    expect(read).toEqual(['한국어 text'])
  })

  it('refuses a Content-Length that is not a number', async () => {
    const { hono, read } = app(5)
    const response = await hono.request('/', { method: 'POST', body: 'abc', headers: { 'Content-Length': 'abc' } })
    expect(response.status).toBe(413)
    expect(read).toEqual([])
  })
})
