// What can be wrong in a backup file. The lib says only where (a JSON path,
// which stays as it is in every language) and what (a code with its values);
// the settings dialog turns the code into a sentence from the locale files
// (`backup.problems.<code>`), so the list reads in the user's language.

/** Every problem code; each has a text under `backup.problems` in ko.json and en.json. */
export const BACKUP_PROBLEM_CODES = [
  'fileTooLarge',
  'notJson',
  'notBackup',
  'newerVersion',
  'wrongVersion',
  'notDate',
  'required',
  'notString',
  'empty',
  'tooLong',
  'notNumber',
  'notWholeNumber',
  'outOfRange',
  'notBoolean',
  'notEither',
  'notOneOf',
  'notObject',
  'notArray',
  'notParentId',
  'tooManyMessages',
  'tooManyConversations',
  'duplicateId',
  'noSuchMessage',
  'cycle',
] as const

export type BackupProblemCode = typeof BACKUP_PROBLEM_CODES[number]

/** One problem: `path` is where in the file (`conversations[2].messages[5].role`), `params` fill the text of `code`. */
export interface BackupProblem {
  path: string
  code: BackupProblemCode
  params?: Record<string, string | number>
}

/** A problem, without `params` when there are none (so results compare equal in tests). */
export function problem(path: string, code: BackupProblemCode, params?: BackupProblem['params']): BackupProblem {
  return params ? { path, code, params } : { path, code }
}

/**
 * "must be one of the allowed values": the values are JSON literals, quoted
 * and listed here; the words around them ("or", "one of") are the locale's.
 */
export function notAllowed(path: string, values: readonly string[]): BackupProblem {
  const quoted = values.map(value => JSON.stringify(value))
  return quoted.length === 2
    ? problem(path, 'notEither', { first: quoted[0]!, second: quoted[1]! })
    : problem(path, 'notOneOf', { values: quoted.join(', ') })
}
