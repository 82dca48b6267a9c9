/** How full the browser's storage for this site is. */
export interface StorageHealth {
  /** True when the browser promised not to evict this site's data under pressure. */
  persisted: boolean
  usageBytes: number
  quotaBytes: number
  /** Past this share of the quota, the user is warned to export and clean up. */
  nearlyFull: boolean
}

export const NEARLY_FULL_RATIO = 0.8

/**
 * Asks for persistent storage (so chats are not evicted when the disk runs
 * low) and reads the quota. Null where the browser has no StorageManager.
 */
export async function checkStorage(manager: StorageManager | undefined): Promise<StorageHealth | null> {
  if (!manager?.estimate)
    return null
  const persisted = await (manager.persisted?.() ?? Promise.resolve(false)).catch(() => false)
    || await (manager.persist?.() ?? Promise.resolve(false)).catch(() => false)
  const { usage = 0, quota = 0 } = await manager.estimate()
  return { persisted, usageBytes: usage, quotaBytes: quota, nearlyFull: quota > 0 && usage / quota >= NEARLY_FULL_RATIO }
}
