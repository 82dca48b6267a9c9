import { describe, expect, it, vi } from 'vitest'
import { checkStorage } from '../../src/lib/storage/quota'

function manager(usage: number, quota: number, persisted = false): StorageManager {
  return { persisted: vi.fn(async () => persisted), persist: vi.fn(async () => true), estimate: vi.fn(async () => ({ usage, quota })), getDirectory: vi.fn() } as unknown as StorageManager
}

describe('checking the storage quota', () => {
  it('asks for persistent storage when it is not granted yet, and reports the quota', async () => {
    const storage = manager(10, 100)
    expect(await checkStorage(storage)).toEqual({ persisted: true, usageBytes: 10, quotaBytes: 100, nearlyFull: false })
    expect(storage.persist).toHaveBeenCalledOnce()
  })

  it('does not ask again once persisted', async () => {
    const storage = manager(10, 100, true)
    await checkStorage(storage)
    expect(storage.persist).not.toHaveBeenCalled()
  })

  it('warns from 80 % of the quota', async () => {
    expect((await checkStorage(manager(79, 100)))!.nearlyFull).toBe(false)
    expect((await checkStorage(manager(80, 100)))!.nearlyFull).toBe(true)
  })

  it('says nothing where the browser has no storage manager', async () => {
    expect(await checkStorage(undefined)).toBeNull()
  })
})
