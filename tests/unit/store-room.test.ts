// A write into the last megabytes of a disk is refused before it starts (lib/store/db.ts): one that
// ran into a full disk left Chrome unable to reopen IndexedDB.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assertRoomFor, isStorageFull } from '../../lib/store/db';

const MB = 1024 * 1024;
const withRoom = (room: number) => vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 100 * MB, quota: 100 * MB + room }) } });

describe('assertRoomFor', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lets a write through when it leaves the margin free', async () => {
    withRoom(50 * MB);
    await expect(assertRoomFor(5 * MB)).resolves.toBeUndefined();
  });

  it('refuses a write that would leave less than the margin, as storage full', async () => {
    withRoom(9 * MB);
    const e = await assertRoomFor(2 * MB).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DOMException);
    expect((e as DOMException).name).toBe('QuotaExceededError');
    expect(await isStorageFull(e, 2 * MB)).toBe(true);
  });

  it('lets the write itself find out where there is no estimate', async () => {
    vi.stubGlobal('navigator', { storage: { estimate: async () => Promise.reject(new Error('no estimate')) } });
    await expect(assertRoomFor(5 * MB)).resolves.toBeUndefined();
  });
});
