// The driving video's sound, carried into the clip: decoded with mediabunny, trimmed to the clip's
// stretch of the driver, re-encoded to a codec this browser encodes (AAC where available, else
// Opus; both go into MP4) and added as the clip's audio track. The C2PA BMFF hash covers it like
// the video.
import { ALL_FORMATS, AudioSampleSink, BlobSource, Input, canEncodeAudio, type AudioSample } from 'mediabunny';

export type ClipAudioCodec = 'aac' | 'opus';

export interface ClipAudioPlan {
  codec: ClipAudioCodec;
  numberOfChannels: number;
  sampleRate: number;
  /** Feed the trimmed samples (timestamps from 0) to `add`; each sample is closed after use. */
  feed(add: (sample: AudioSample) => Promise<void>): Promise<void>;
}

/** Opus in WebCodecs takes 48 kHz (and some builds only that); AAC 44.1 or 48 kHz. */
const RATES = [48000, 44100];

/** The codec this browser can encode for these parameters, AAC first (plays everywhere), else Opus. */
export async function chooseAudioCodec(numberOfChannels: number, sampleRate: number): Promise<ClipAudioCodec | null> {
  for (const codec of ['aac', 'opus'] as const) {
    if (await canEncodeAudio(codec, { numberOfChannels, sampleRate, bitrate: 128_000 }).catch(() => false)) return codec;
  }
  return null;
}

/**
 * Plan the clip's audio from a driver file: null when the file has no decodable audio track or no
 * codec can encode it here (the clip is then silent, which the caller reports).
 */
export async function planDriverAudio(video: Blob, startS: number, durationS: number): Promise<ClipAudioPlan | null> {
  const input = new Input({ source: new BlobSource(video), formats: ALL_FORMATS });
  const track = await input.getPrimaryAudioTrack().catch(() => null);
  if (!track || !(await track.canDecode().catch(() => false))) {
    input.dispose();
    return null;
  }
  const channels = Math.min(2, Math.max(1, track.numberOfChannels));
  const inRate = track.sampleRate;
  let codec: ClipAudioCodec | null = null;
  let sampleRate = inRate;
  for (const rate of [inRate, ...RATES.filter((r) => r !== inRate)]) {
    codec = await chooseAudioCodec(channels, rate);
    if (codec) {
      sampleRate = rate;
      break;
    }
  }
  if (!codec) {
    input.dispose();
    return null;
  }
  const end = startS + durationS;
  return {
    codec,
    numberOfChannels: channels,
    sampleRate,
    async feed(add) {
      try {
        const sink = new AudioSampleSink(track);
        for await (const s of sink.samples(startS, end)) {
          try {
            // Trim to [startS, end) and move to the clip's time line.
            const first = Math.max(0, Math.ceil((startS - s.timestamp) * s.sampleRate));
            const last = Math.min(s.numberOfFrames, Math.floor((end - s.timestamp) * s.sampleRate));
            if (last <= first) continue;
            const part = first > 0 || last < s.numberOfFrames ? s.trim(first, last) : s.clone();
            part.setTimestamp(Math.max(0, part.timestamp - startS));
            try {
              await add(part);
            } finally {
              part.close();
            }
          } finally {
            s.close();
          }
        }
      } finally {
        input.dispose();
      }
    },
  };
}
