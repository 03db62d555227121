// The details under an inspector verdict: who signed, when, with what, every action in words,
// the ingredients as a tree with thumbnails and their own status, and the raw codes on demand.
import { useEffect, useState } from 'preact/hooks';
import type { CredentialsReport, IngredientNode, ResourceBytes } from '@/lib/provenance/read';
import { actionWords, codeWords, sourceTypeName, sourceTypeWords } from '@/lib/inspect/words';

export function Thumb(props: { res: ResourceBytes | null; alt: string; class?: string }) {
  const [url, setUrl] = useState('');
  useEffect(() => {
    if (!props.res) return;
    const u = URL.createObjectURL(new Blob([props.res.bytes as Uint8Array<ArrayBuffer>], { type: props.res.format }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [props.res]);
  if (!props.res) return <span class={`inspect-thumb inspect-thumb-none ${props.class ?? ''}`} aria-hidden="true" />;
  return url ? <img class={`inspect-thumb ${props.class ?? ''}`} src={url} alt={props.alt} /> : null;
}

function when(iso: string | null): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' });
}

const STATUS_WORDS: Record<IngredientNode['status'], string> = {
  ok: 'credentials valid',
  untrusted: 'credentials intact, signer unknown',
  warning: 'credentials did not pass validation',
  'no-credentials': 'no credentials of its own',
};

const RELATION: Record<string, string> = {
  parentOf: 'made from',
  componentOf: 'contains',
  inputTo: 'used as input',
};

function Ingredients(props: { nodes: IngredientNode[] }) {
  return (
    <ul class="inspect-tree">
      {props.nodes.map((n, i) => (
        <li key={i} class={`inspect-ingredient inspect-ing-${n.status}`} data-testid="inspect-ingredient" data-status={n.status}>
          <div class="inspect-ing-row">
            <Thumb res={n.thumbnail} alt={n.title ?? 'ingredient'} class="inspect-ing-thumb" />
            <div>
              <div class="inspect-ing-title">
                {n.status === 'warning' && <span class="inspect-warn-icon" role="img" aria-label="Warning">⚠</span>}
                {n.title ?? 'Untitled'}
                {n.relationship && <span class="inspect-ing-rel"> · {RELATION[n.relationship] ?? n.relationship}</span>}
              </div>
              <div class={`inspect-ing-status ${n.status === 'warning' ? 'inspect-bad' : ''}`}>
                {STATUS_WORDS[n.status]}
                {n.status === 'warning' && n.codes.length > 0 && `: ${n.codes.filter((c) => !/untrusted/.test(c)).map(codeWords).join('; ')}`}
              </div>
              {(n.signer || n.claimGenerator) && (
                <div class="help">
                  {n.signer && <>Signed by {n.signer}</>}
                  {n.signer && n.claimGenerator && ' · '}
                  {n.claimGenerator && <>made with {n.claimGenerator}</>}
                </div>
              )}
            </div>
          </div>
          {n.children.length > 0 && <Ingredients nodes={n.children} />}
        </li>
      ))}
    </ul>
  );
}

export function InspectDetails(props: { report: CredentialsReport; open?: boolean }) {
  const r = props.report;
  const hasManifest = r.state !== 'none' && r.state !== 'error';
  const sourceTypes = [...new Set(r.actions.flatMap((a) => (a.digitalSourceType ? [a.digitalSourceType] : [])))];
  const codes = r.validation;
  return (
    <div class="inspect-details" data-testid="inspect-details">
      {hasManifest && (
        <dl>
          {r.signer?.commonName && (
            <>
              <dt>Signer</dt>
              <dd data-testid="inspect-signer">{r.signer.commonName}</dd>
            </>
          )}
          {r.signer?.organization && (
            <>
              <dt>Issued to</dt>
              <dd data-testid="inspect-issuer">{r.signer.organization}</dd>
            </>
          )}
          <dt>Signed</dt>
          <dd data-testid="inspect-signed-at">{when(r.signedAt) ?? 'no trusted time stamp'}</dd>
          {r.claimGenerator && (
            <>
              <dt>Made with</dt>
              <dd data-testid="inspect-generator">{r.claimGenerator}</dd>
            </>
          )}
          {r.title && (
            <>
              <dt>Title</dt>
              <dd>{r.title}</dd>
            </>
          )}
          {r.signatureAlgorithm && (
            <>
              <dt>Algorithm</dt>
              <dd>{r.signatureAlgorithm.toUpperCase()}</dd>
            </>
          )}
          {r.manifestCount > 1 && (
            <>
              <dt>History</dt>
              <dd>{r.manifestCount} signed versions</dd>
            </>
          )}
          {r.doNotTrain && (
            <>
              <dt>AI training</dt>
              <dd>not allowed by the signer</dd>
            </>
          )}
        </dl>
      )}
      {r.thumbnail && (
        <figure class="inspect-signed-thumb">
          <Thumb res={r.thumbnail} alt="What was signed" />
          <figcaption class="help">What was signed</figcaption>
        </figure>
      )}
      {r.actions.length > 0 && (
        <>
          <h3>What was done</h3>
          <ol class="inspect-actions" data-testid="inspect-actions">
            {r.actions.map((a, i) => (
              <li key={i}>
                {actionWords(a.action)}
                {a.digitalSourceType && /trainedAlgorithmicMedia/.test(a.digitalSourceType) && a.action === 'c2pa.created' && ' by AI'}
                {a.description && <span class="help"> · {a.description}</span>}
                {a.softwareAgent && <span class="help"> · with {a.softwareAgent}</span>}
                {a.when && <span class="help"> · {when(a.when)}</span>}
              </li>
            ))}
          </ol>
        </>
      )}
      {sourceTypes.length > 0 && (
        <>
          <h3>How it was made</h3>
          <ul class="inspect-source-types" data-testid="inspect-source-type">
            {sourceTypes.map((t) => (
              <li key={t} title={t}>
                {sourceTypeWords(t)} <span class="help">({sourceTypeName(t)})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {r.ingredients.length > 0 && (
        <>
          <h3>Ingredients</h3>
          <Ingredients nodes={r.ingredients} />
        </>
      )}
      {(codes.success.length + codes.informational.length + codes.failure.length > 0 || r.rawError) && (
        <details class="inspect-codes" data-testid="inspect-codes">
          <summary>Validation codes</summary>
          {codes.failure.length > 0 && <CodeList title="Failures" list={codes.failure} />}
          {codes.informational.length > 0 && <CodeList title="Informational" list={codes.informational} />}
          {codes.success.length > 0 && <CodeList title="Passed" list={codes.success} />}
          {r.rawError && (
            <p>
              Reader said: <code>{r.rawError}</code>
            </p>
          )}
        </details>
      )}
    </div>
  );
}

function CodeList(props: { title: string; list: string[] }) {
  return (
    <>
      <h4>{props.title}</h4>
      <ul>
        {props.list.map((c) => (
          <li key={c}>
            <code>{c}</code>
            {codeWords(c) !== c && <span class="help"> · {codeWords(c)}</span>}
          </li>
        ))}
      </ul>
    </>
  );
}
