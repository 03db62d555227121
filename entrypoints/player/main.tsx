import { render } from 'preact';
import { Player } from '@/components/Player';
import { parseDrawRect } from '@/lib/page/fit';

const params = new URLSearchParams(location.search);
// Where the page draws the picture in the image's box, and whether the box is round (content-main.tsx).
const view = (params.get('view') ?? '').split('|');
render(
  <Player clipId={params.get('clip') ?? ''} tabId={Number(params.get('tab') ?? NaN)} nonce={params.get('nonce') ?? ''} draw={parseDrawRect(view[0])} round={view[1] === 'round'} visible={parseDrawRect(view[2])} />,
  document.getElementById('app')!,
);
