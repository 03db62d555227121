// Settings: the visible label's place and look (LabelSettings), and the signing identity shown as the signer of every clip. Name it, see when it
// expires, import your own certificate, export the local root so others can choose to trust it.
import { useEffect, useState } from 'preact/hooks';
import { LabelSettings } from './LabelSettings';
import { MotionDefaults } from './MotionDefaults';
import {
  exportRootPem,
  getOrCreateIdentity,
  importIdentityFromPem,
  importIdentityFromPkcs12,
  renameLocalIdentity,
  saveIdentity,
  type SigningIdentity,
} from '@/lib/provenance/identity';

const day = (d: Date) => d.toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });

export function Settings() {
  const [identity, setIdentity] = useState<SigningIdentity | null>(null);
  const [name, setName] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    getOrCreateIdentity().then(
      (id) => {
        setIdentity(id);
        setName(id.name);
      },
      (e: unknown) => setMessage({ kind: 'error', text: e instanceof Error ? e.message : String(e) }),
    );
  }, []);

  const run = async (fn: () => Promise<SigningIdentity>, ok: string) => {
    setBusy(true);
    setMessage(null);
    try {
      const id = await fn();
      setIdentity(id);
      setName(id.name);
      setMessage({ kind: 'ok', text: ok });
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  const onRename = (e: Event) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return setMessage({ kind: 'error', text: 'Give the signer a name, for example your own or your museum’s.' });
    void run(() => renameLocalIdentity(n), `New clips will be signed by “${n}”.`);
  };

  const onImport = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const files = (form.elements.namedItem('files') as HTMLInputElement).files;
    const password = (form.elements.namedItem('password') as HTMLInputElement).value;
    if (!files || files.length === 0) return setMessage({ kind: 'error', text: 'Choose a .p12 file, or a private key and a certificate chain in PEM.' });
    void run(async () => {
      const list = [...files];
      const p12 = list.find((f) => /\.(p12|pfx)$/i.test(f.name));
      let id: SigningIdentity;
      if (p12) {
        id = await importIdentityFromPkcs12(new Uint8Array(await p12.arrayBuffer()), password);
      } else {
        const texts = await Promise.all(list.map((f) => f.text()));
        const all = texts.join('\n');
        const key = all.match(/-----BEGIN (?:ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:ENCRYPTED )?PRIVATE KEY-----/)?.[0] ?? '';
        const chain = (all.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).join('\n');
        id = await importIdentityFromPem(key, chain);
      }
      await saveIdentity(id);
      return id;
    }, 'Your certificate is imported: new clips are signed with it.');
  };

  const rootUrl = identity ? URL.createObjectURL(new Blob([exportRootPem(identity)], { type: 'application/x-pem-file' })) : '';
  useEffect(() => () => rootUrl && URL.revokeObjectURL(rootUrl), [rootUrl]);

  return (
    <section class="settings">
      <MotionDefaults />
      <LabelSettings />
      <h2>Signing identity</h2>
      <p class="help">Every clip Sfumato makes is signed with content credentials that declare it AI-generated. This is the name they show as the signer.</p>
      {identity && (
        <dl class="identity">
          <dt>Signer</dt>
          <dd data-testid="signer">{identity.name}</dd>
          <dt>Kind</dt>
          <dd>{identity.kind === 'local' ? 'Local certificate made by Sfumato on this computer' : 'Your imported certificate'}</dd>
          <dt>Expires</dt>
          <dd data-testid="expires">{day(identity.notAfter)}</dd>
        </dl>
      )}
      <form onSubmit={onRename} class="row">
        <label>
          Name <input name="name" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} maxLength={64} />
        </label>
        <button type="submit" disabled={busy}>Rename</button>
      </form>
      {identity && (
        <p>
          <a href={rootUrl} download="sfumato-root-certificate.pem" class="button">Export root certificate</a>{' '}
          <span class="help">Give it to people who want their content-credentials checker to trust your clips.</span>
        </p>
      )}
      <form onSubmit={onImport} class="import">
        <h3>Use your own certificate</h3>
        <label>
          Files (.p12, or private key + certificate chain .pem) <input type="file" name="files" multiple accept=".p12,.pfx,.pem,.crt,.key" />
        </label>
        <label>
          Password (.p12 only) <input type="password" name="password" autoComplete="off" />
        </label>
        <button type="submit" disabled={busy}>Import</button>
      </form>
      {message && (
        <p class={message.kind === 'ok' ? 'status' : 'error'} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
