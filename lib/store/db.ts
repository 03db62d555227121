// A minimal promise wrapper over IndexedDB, shared by every store in the extension's origin.

const DB_NAME = 'sfumato';
/** Every upgrade creates whichever stores are missing (idempotent), whatever version it comes from. */
const DB_VERSION = 3;

let opening: Promise<IDBDatabase> | null = null;

export function openDb(): Promise<IDBDatabase> {
  if (opening) return opening;
  const current: Promise<IDBDatabase> = new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('clips')) {
        const clips = db.createObjectStore('clips', { keyPath: 'id' });
        clips.createIndex('createdAt', 'createdAt');
      }
      if (!db.objectStoreNames.contains('settings')) db.createObjectStore('settings');
      // Driving videos (file, webcam recording or page video) chosen as motion in the Studio.
      if (!db.objectStoreNames.contains('drivers')) db.createObjectStore('drivers', { keyPath: 'id' });
      // Signed GIF / WebP / PNG exports of a clip, made on demand and kept (deleted with the clip).
      if (!db.objectStoreNames.contains('exports')) {
        const exports = db.createObjectStore('exports', { keyPath: 'key' });
        exports.createIndex('clipId', 'clipId');
      }
    };
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      // Chrome closes every connection after a failed disk write (a full disk): open anew next time.
      db.onclose = () => {
        if (opening === current) opening = null;
      };
      resolve(db);
    };
    req.onerror = () => {
      if (opening === current) opening = null;
      reject(req.error);
    };
  });
  opening = current;
  return current;
}

/**
 * A transaction on a live connection. The close event can arrive after a transaction was already
 * refused with "the database connection is closing"; then the connection is opened once more.
 */
async function begin(stores: string | string[], mode: IDBTransactionMode): Promise<IDBTransaction> {
  const db = await openDb();
  try {
    return db.transaction(stores, mode);
  } catch (e) {
    if (!(e instanceof DOMException && e.name === 'InvalidStateError')) throw e;
    if (opening && (await opening) === db) opening = null;
    return (await openDb()).transaction(stores, mode);
  }
}

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Run `fn` in a transaction and resolve once it has committed (not merely when the request succeeded). */
export async function tx<T>(
  store: string,
  mode: IDBTransactionMode,
  fn: (s: IDBObjectStore) => IDBRequest<T> | Promise<T>,
): Promise<T> {
  const t = await begin(store, mode);
  return new Promise<T>((resolve, reject) => {
    let result: T;
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error ?? new DOMException('Transaction aborted', 'AbortError'));
    const r = fn(t.objectStore(store));
    if (r instanceof IDBRequest) r.onsuccess = () => (result = r.result);
    else r.then((v) => (result = v), reject);
  });
}

/** Like `tx`, over several stores at once: all of `fn`'s writes commit together or not at all. */
export async function txMany<T>(
  stores: string[],
  mode: IDBTransactionMode,
  fn: (t: IDBTransaction) => Promise<T> | T,
): Promise<T> {
  const t = await begin(stores, mode);
  return new Promise<T>((resolve, reject) => {
    let result: T;
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error ?? new DOMException('Transaction aborted', 'AbortError'));
    Promise.resolve(fn(t)).then(
      (v) => (result = v),
      (e) => {
        try {
          t.abort();
        } catch {
          /* already finished */
        }
        reject(e);
      },
    );
  });
}

/**
 * Room kept free beyond a write's own size. A write that runs into a full disk does more harm than
 * one not attempted: Chrome closes every IndexedDB connection and cannot reopen them until there is
 * room again (in one test run it then lost what the store held). So a write that would leave less
 * than this is refused up front, as a QuotaExceededError.
 */
const WRITE_MARGIN = 8 * 1024 * 1024;

/** Throws a QuotaExceededError when storing `bytes` would leave less than WRITE_MARGIN free. */
export async function assertRoomFor(bytes: number): Promise<void> {
  let room = Infinity;
  try {
    const { usage = 0, quota = Infinity } = await navigator.storage.estimate();
    room = quota - usage;
  } catch {
    // No estimate here: let the write itself find out.
  }
  if (room < bytes + WRITE_MARGIN) throw new DOMException('There is not enough room left to store this.', 'QuotaExceededError');
}

/**
 * Whether a failed write failed because storage is full. Chrome reports a full quota as a
 * QuotaExceededError, but a full disk surfaces as a DataError ("Failed to write blobs (IOError)"),
 * and an aborted transaction as an AbortError or UnknownError with no error attached; then the
 * storage estimate decides.
 */
export async function isStorageFull(e: unknown, bytesWanted = 0): Promise<boolean> {
  if (e instanceof DOMException && e.name === 'QuotaExceededError') return true;
  if (!(e instanceof DOMException) || !['AbortError', 'UnknownError', 'DataError'].includes(e.name)) return false;
  try {
    const { usage = 0, quota = Infinity } = await navigator.storage.estimate();
    return quota - usage < bytesWanted + 1024 * 1024;
  } catch {
    return false;
  }
}
