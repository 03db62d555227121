// The offscreen document: the only room that does heavy work (GPU, face model, encoder, signer).
import { startOffscreenWorker } from '@/lib/pipeline/offscreen-worker';

startOffscreenWorker();
