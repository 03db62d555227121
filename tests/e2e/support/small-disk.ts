// A small RAM disk for a browser profile, so that a test can fill it for real: Chrome's quota
// overrides (CDP Storage.overrideQuotaForOrigin, the StorageQuotaSettings feature) were ignored in
// most runs here, while a full file system fails every write the way a person's full disk does.
// Mounting needs root (CI runs as root); the error says so when it is missing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  /** Where to put the profile (on the small disk). */
  dir: string;
  /** Write filler files until the disk refuses another byte; returns the bytes written. */
  fill(): number;
  /** Delete the filler again. */
  free(): void;
  unmount(): void;
}

export function mountSmallDisk(megabytes: number): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), 'sfumato-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`The storage-full test mounts a ${megabytes} MB tmpfs for its browser profile and needs root for that: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`);
  }
  const fillerName = (i: number) => join(dir, `filler-${i}`);
  return {
    dir,
    fill() {
      let written = 0;
      // Big chunks first, then small ones, so that the last few kilobytes are taken too.
      for (const size of [1 << 20, 1 << 12]) {
        const chunk = Buffer.alloc(size, 0x5a);
        try {
          for (;;) {
            writeFileSync(fillerName(written), chunk);
            written += size;
          }
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
        }
      }
      return written;
    },
    free() {
      for (const f of readdirSync(dir)) if (f.startsWith('filler-')) rmSync(join(dir, f), { force: true });
    },
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
