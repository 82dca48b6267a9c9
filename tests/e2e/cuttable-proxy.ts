import type { Socket } from 'node:net'
import { createConnection, createServer } from 'node:net'

export interface CuttableProxy {
  url: string
  /** Breaks every open connection, as a network that drops does. */
  cut: () => void
  close: () => Promise<void>
}

/**
 * A TCP proxy in front of `target` (http://127.0.0.1:port). Chromium's offline
 * emulation refuses new requests but leaves a response already streaming
 * alone; a real network drop breaks it too, which `cut()` does.
 */
export async function startCuttableProxy(target: string): Promise<CuttableProxy> {
  const { hostname, port } = new URL(target)
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port) })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {})
    }
    client.pipe(upstream).pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${address.port}/`,
    cut: () => {
      for (const socket of sockets)
        socket.resetAndDestroy()
    },
    close: () => new Promise((resolve) => {
      for (const socket of sockets)
        socket.destroy()
      server.close(() => resolve())
    }),
  }
}
