// A preload for the relay (node --import ./bench/relay/request-timeline.mjs dist-relay/node.mjs):
// for each request, prints to stderr when its steps happened, in ms after the
// server's `request` event: the body's first byte and end, the upstream request
// (queued on the agent, socket, sent), the upstream response and its first data,
// then writeHead and the first write to the client. For requests one at a time:
// concurrent requests would mix their marks.
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import process from 'node:process'

let start = 0
const marks = []
const mark = name => marks.push(`${name}+${(performance.now() - start).toFixed(2)}`)

const serverEmit = http.Server.prototype.emit
http.Server.prototype.emit = function (event, ...args) {
  if (event === 'request') {
    if (marks.length > 0)
      process.stderr.write(`${marks.join(' ')}\n`)
    marks.length = 0
    start = performance.now()
    mark('request')
  }
  return serverEmit.call(this, event, ...args)
}

const incomingEmit = http.IncomingMessage.prototype.emit
http.IncomingMessage.prototype.emit = function (event, ...args) {
  // The client's request body (an upstream response has `req` set).
  if (!this.req && (event === 'data' || event === 'end') && !this.timelineSeen?.[event]) {
    this.timelineSeen = { ...this.timelineSeen, [event]: true }
    mark(`body.${event}`)
  }
  return incomingEmit.call(this, event, ...args)
}

const addRequest = http.Agent.prototype.addRequest
http.Agent.prototype.addRequest = function (request, ...args) {
  mark('upstream.queued')
  request.once('socket', () => mark('upstream.socket'))
  request.once('finish', () => mark('upstream.sent'))
  request.once('response', (response) => {
    mark('upstream.response')
    response.once('data', () => mark('upstream.data'))
  })
  return addRequest.call(this, request, ...args)
}

const writeHead = http.ServerResponse.prototype.writeHead
http.ServerResponse.prototype.writeHead = function (...args) {
  mark('writeHead')
  return writeHead.apply(this, args)
}

const write = http.ServerResponse.prototype.write
http.ServerResponse.prototype.write = function (...args) {
  if (!this.timelineWritten) {
    this.timelineWritten = true
    mark('first.write')
  }
  return write.apply(this, args)
}
