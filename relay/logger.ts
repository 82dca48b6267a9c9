import type { Redact } from './errors'

export type LogFields = Record<string, unknown>

/** Structured logger: one event name plus fields per line. */
export interface Logger {
  info: (event: string, fields?: LogFields) => void
  warn: (event: string, fields?: LogFields) => void
  error: (event: string, fields?: LogFields) => void
}

/**
 * Writes one JSON object per line. Every line goes through `redact`, so a
 * secret that slips into a field or an error message never reaches the log.
 */
export function createJsonLogger(options: { write: (line: string) => void, redact: Redact, now?: () => Date }): Logger {
  const { write, redact, now = () => new Date() } = options
  const log = (level: string) => (event: string, fields: LogFields = {}) => {
    write(redact(JSON.stringify({ time: now().toISOString(), level, event, ...fields })))
  }
  return { info: log('info'), warn: log('warn'), error: log('error') }
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
