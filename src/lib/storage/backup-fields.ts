import type { BackupProblem, BackupProblemCode } from './backup-problems'
import { notAllowed, problem } from './backup-problems'

// Field readers for backup validation. Each reader notes a problem with its
// full path (`conversations[2].messages[5].role`) and returns undefined
// instead of throwing, so one pass over a file lists every problem at once.

export type JsonObject = Record<string, unknown>

/** A JSON object: not null, not an array. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `path.key`, or `key` at the top of the file. */
export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key
}

interface StringRule { optional?: boolean, nonEmpty?: boolean, max: number }
interface NumberRule { optional?: boolean, min?: number, max?: number, integer?: boolean }

/** Readers for the fields of `source`, which sits at `path`; problems go to `problems`. */
export function fieldsOf(source: JsonObject, path: string, problems: BackupProblem[]) {
  const fail = (key: string, code: BackupProblemCode, params?: BackupProblem['params']): undefined => {
    problems.push(problem(join(path, key), code, params))
    return undefined
  }
  // `null` counts as absent for optional fields: some providers send `null` for fields they lack.
  const absent = (key: string, optional: boolean | undefined) => {
    const value = source[key]
    return value === undefined || (optional && value === null)
  }

  return {
    fail,
    string(key: string, rule: StringRule): string | undefined {
      const value = source[key]
      if (absent(key, rule.optional))
        return rule.optional ? undefined : fail(key, 'required')
      if (typeof value !== 'string')
        return fail(key, 'notString')
      if (rule.nonEmpty && value === '')
        return fail(key, 'empty')
      if (value.length > rule.max)
        return fail(key, 'tooLong', { max: rule.max })
      return value
    },
    number(key: string, rule: NumberRule = {}): number | undefined {
      const { min = 0, max = Number.MAX_SAFE_INTEGER } = rule
      const value = source[key]
      if (absent(key, rule.optional))
        return rule.optional ? undefined : fail(key, 'required')
      if (typeof value !== 'number' || !Number.isFinite(value))
        return fail(key, 'notNumber')
      if (rule.integer && !Number.isInteger(value))
        return fail(key, 'notWholeNumber')
      if (value < min || value > max)
        return fail(key, 'outOfRange', { min, max })
      return value
    },
    boolean(key: string): boolean | undefined {
      const value = source[key]
      if (absent(key, true))
        return undefined
      return typeof value === 'boolean' ? value : fail(key, 'notBoolean')
    },
    oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
      const value = source[key]
      if (value === undefined)
        return fail(key, 'required')
      if (values.includes(value as T))
        return value as T
      problems.push(notAllowed(join(path, key), values))
      return undefined
    },
    object(key: string): JsonObject | undefined {
      const value = source[key]
      if (absent(key, true))
        return undefined
      return isObject(value) ? value : fail(key, 'notObject')
    },
  }
}

/** A copy without the keys whose value is undefined, so optional fields stay absent. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
