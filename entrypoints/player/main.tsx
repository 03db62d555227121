import { render } from 'preact';
import { Player } from '@/components/Player';
import { parseView } from '@/lib/page/fit';

const params = new URLSearchParams(location.search);
render(
  <Player clipId={params.get('clip') ?? ''} tabId={Number(params.get('tab') ?? NaN)} nonce={params.get('nonce') ?? ''} view={parseView(params.get('view'))} />,
  document.getElementById('app')!,
);
