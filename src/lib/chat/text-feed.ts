/**
 * The text of an answer as it streams, kept as the pieces that arrived. A string
 * grown with += is a rope: V8 copies the whole of it the first time it is read
 * after each append, so a renderer that reads `message.content` every frame
 * copies a 50,000-token answer 60 times a second. `since(offset)` reads only
 * what came after `offset`.
 */
export interface TextFeed {
  /** Characters so far. */
  readonly length: number
  append: (text: string) => void
  /** The text from `offset` (0 to `length`) on. */
  since: (offset: number) => string
}

/** Pieces are joined into one once there are this many, so a long answer does not keep an entry per token. */
const MAX_PIECES = 1024

export function createTextFeed(initial = ''): TextFeed {
  let pieces: string[] = initial ? [initial] : []
  /** Where each piece starts. */
  let starts: number[] = initial ? [0] : []
  let length = initial.length

  function compact(): void {
    pieces = [pieces.join('')]
    starts = [0]
  }

  /** The index of the piece that holds `offset`. Readers mostly ask for the last few pieces. */
  function pieceAt(offset: number): number {
    let i = pieces.length - 1
    while (i > 0 && starts[i]! > offset)
      i--
    return i
  }

  return {
    get length() {
      return length
    },
    append(text) {
      if (!text)
        return
      pieces.push(text)
      starts.push(length)
      length += text.length
      if (pieces.length > MAX_PIECES)
        compact()
    },
    since(offset) {
      if (!Number.isInteger(offset) || offset < 0 || offset > length)
        throw new RangeError(`offset ${offset} is outside the text (0 to ${length})`)
      if (offset === length)
        return ''
      const first = pieceAt(offset)
      const head = pieces[first]!.slice(offset - starts[first]!)
      return first === pieces.length - 1 ? head : head + pieces.slice(first + 1).join('')
    },
  }
}
