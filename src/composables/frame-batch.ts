// One animation frame for every streaming answer on screen: four compare
// columns render in the same requestAnimationFrame callback, one after the
// other, instead of four callbacks (and four chances to split layout work
// over frames) per frame.

const due = new Set<() => void>()
let frame: number | null = null

function run(): void {
  frame = null
  const tasks = [...due]
  due.clear()
  for (const task of tasks)
    task()
}

/** Runs `task` in the next animation frame, once however often it is asked; returns a cancel. */
export function inNextFrame(task: () => void): () => void {
  due.add(task)
  frame ??= requestAnimationFrame(run)
  return () => {
    due.delete(task)
    if (due.size === 0 && frame !== null) {
      cancelAnimationFrame(frame)
      frame = null
    }
  }
}
