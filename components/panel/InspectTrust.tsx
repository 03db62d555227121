// "Trusted signers": Sfumato's own root is always trusted; the person can import certificate
// authorities (PEM) whose signatures should read as Trusted.
import { useEffect, useState } from 'preact/hooks';
import { addTrustAnchors, listTrustAnchors, removeTrustAnchor, type TrustAnchor } from '@/lib/inspect/trust';

export function InspectTrust(props: { onChange: () => void }) {
  const [anchors, setAnchors] = useState<TrustAnchor[]>([]);
  const [error, setError] = useState<string | null>(null);
  const refresh = async () => setAnchors(await listTrustAnchors());
  useEffect(() => {
    void refresh();
  }, []);
  const onFile = async (ev: Event) => {
    const input = ev.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setError(null);
    try {
      if (file.size > 1024 * 1024) throw new Error('This file is too large to be a list of certificates.');
      await addTrustAnchors(await file.text());
      await refresh();
      props.onChange();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const remove = async (id: string) => {
    await removeTrustAnchor(id);
    await refresh();
    props.onChange();
  };
  return (
    <details class="inspect-trust" data-testid="inspect-trust">
      <summary>Trusted signers</summary>
      <p class="help">
        Your own Sfumato clips are always trusted. Add the certificate authority (a .pem file) of any other signer you trust, for example
        your newsroom’s or a camera maker’s; their signatures will then read as trusted.
      </p>
      <ul class="inspect-anchors">
        {anchors.map((a) => (
          <li key={a.id} data-testid="inspect-anchor">
            <span>{a.name}</span>
            <button class="button" onClick={() => void remove(a.id)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <label class="button">
        Add certificate authority…
        <input type="file" accept=".pem,.crt,.cer,application/x-pem-file,text/plain" class="inspect-hidden" data-testid="inspect-trust-file" onChange={onFile} />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </details>
  );
}
