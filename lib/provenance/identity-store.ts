/**
 * IndexedDB persistence for the signing identity (db 'sfumato-identity').
 *
 * CryptoKey objects are stored by structured clone, which keeps a
 * non-extractable private key non-extractable: nothing can read its bytes,
 * only use it to sign from this extension's origin.
 */
import type { SigningIdentity } from './identity';

export const IDENTITY_DB_NAME = 'sfumato-identity';
const DB_VERSION = 1;
const STORE = 'identity';
const KEY = 'current';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed.'));
  });
}

function openDb(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') {
    return Promise.reject(new Error('This page cannot store a signing identity (IndexedDB is not available).'));
  }
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(IDENTITY_DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('Could not open the signing identity store.'));
    req.onblocked = () => reject(new Error('The signing identity store is busy in another tab; close it and try again.'));
  });
}

async function withStore<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    const tx = db.transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed.'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted.'));
    });
    const result = await request(fn(tx.objectStore(STORE)));
    await done;
    return result;
  } finally {
    db.close();
  }
}

export async function loadStoredIdentity(): Promise<SigningIdentity | null> {
  const value = await withStore<SigningIdentity | undefined>('readonly', (s) => s.get(KEY));
  return value ?? null;
}

export async function storeIdentity(identity: SigningIdentity): Promise<void> {
  await withStore('readwrite', (s) => s.put(identity, KEY));
}

export async function deleteStoredIdentity(): Promise<void> {
  await withStore('readwrite', (s) => s.delete(KEY));
}
