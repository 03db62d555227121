import { render } from 'preact';
import { Player } from '@/components/Player';

const params = new URLSearchParams(location.search);
render(
  <Player clipId={params.get('clip') ?? ''} tabId={Number(params.get('tab') ?? NaN)} nonce={params.get('nonce') ?? ''} />,
  document.getElementById('app')!,
);
