// On a full disk Chrome cannot reopen IndexedDB after a failed write; the identity this context
// already read must still sign what is handed out (lib/provenance/identity.ts).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SigningIdentity } from '../../lib/provenance/identity';

const store = vi.hoisted(() => ({
  value: null as SigningIdentity | null,
  failing: false,
}));

vi.mock('../../lib/provenance/identity-store', () => {
  const broken = () => new DOMException('Internal error opening backing store for indexedDB.open.', 'UnknownError');
  return {
    loadStoredIdentity: vi.fn(async () => {
      if (store.failing) throw broken();
      return store.value;
    }),
    storeIdentity: vi.fn(async (id: SigningIdentity) => {
      if (store.failing) throw broken();
      store.value = id;
    }),
    deleteStoredIdentity: vi.fn(async () => {
      if (store.failing) throw broken();
      store.value = null;
    }),
  };
});

function identity(name: string): SigningIdentity {
  return {
    name,
    kind: 'local',
    privateKey: {} as CryptoKey,
    chainDer: [],
    rootDer: new Uint8Array(),
    notBefore: new Date(Date.now() - 1000),
    notAfter: new Date(Date.now() + 86_400_000),
    createdAt: new Date(),
  };
}

describe('getOrCreateIdentity when IndexedDB cannot be opened', () => {
  beforeEach(() => {
    vi.resetModules();
    store.value = null;
    store.failing = false;
  });

  it('signs with the identity this context read before', async () => {
    const { getOrCreateIdentity } = await import('../../lib/provenance/identity');
    store.value = identity('Museum press office');
    expect((await getOrCreateIdentity()).name).toBe('Museum press office');
    store.failing = true;
    expect((await getOrCreateIdentity()).name).toBe('Museum press office');
  });

  it('uses a saved identity at once, and forgets a deleted one', async () => {
    const { getOrCreateIdentity, saveIdentity, deleteIdentity } = await import('../../lib/provenance/identity');
    await saveIdentity(identity('Imported newsroom key'));
    store.failing = true;
    expect((await getOrCreateIdentity()).name).toBe('Imported newsroom key');
    store.failing = false;
    await deleteIdentity();
    store.failing = true;
    await expect(getOrCreateIdentity()).rejects.toThrow(/backing store/);
  });

  it('passes the storage error on when this context never read an identity', async () => {
    const { getOrCreateIdentity } = await import('../../lib/provenance/identity');
    store.failing = true;
    await expect(getOrCreateIdentity()).rejects.toMatchObject({ name: 'UnknownError' });
  });

  it('reads the stored identity again once storage works, so a change made elsewhere is seen', async () => {
    const { getOrCreateIdentity } = await import('../../lib/provenance/identity');
    store.value = identity('First');
    await getOrCreateIdentity();
    store.value = identity('Renamed in the side panel');
    expect((await getOrCreateIdentity()).name).toBe('Renamed in the side panel');
  });
});
