// H.264 in a non-fragmented MP4 (moov first), fed with VideoFrames straight from the renderer.
import { AudioSampleSource, BufferTarget, Mp4OutputFormat, Output, VideoSample, VideoSampleSource, canEncodeVideo, type AudioSample } from 'mediabunny';
import { SfumatoError } from '../messages/errors';

export const CLIP_FPS = 30;
export const CLIP_LONG_SIDE = 1024;

/** Output size: long side at most CLIP_LONG_SIDE, both sides even (H.264 4:2:0 needs it). */
export function clipSize(width: number, height: number, longSide = CLIP_LONG_SIDE): { width: number; height: number } {
  const k = Math.min(1, longSide / Math.max(width, height));
  const even = (v: number) => Math.max(2, 2 * Math.round((v * k) / 2));
  return { width: even(width), height: even(height) };
}

/** Timestamp and duration (µs) of frame `index` of a clip at `fps`, as the encoder stamps it. */
export function frameTime(index: number, fps = CLIP_FPS): { timestampUs: number; durationUs: number } {
  const us = 1e6 / fps;
  return { timestampUs: Math.round(index * us), durationUs: Math.round(us) };
}

export interface Mp4Encoder {
  /** Encode frame `index` (timestamps are index / fps); `make` receives timestamp and duration in µs. */
  addFrame(index: number, make: (timestampUs: number, durationUs: number) => VideoFrame): Promise<void>;
  finish(): Promise<Uint8Array>;
  cancel(): Promise<void>;
  /** Add a sample to the audio track (only when created with `audio`); timestamps in seconds from 0. */
  addAudio(sample: AudioSample): Promise<void>;
}

/** An optional audio track (lib/video/audio.ts plans it from a driving video). */
export interface Mp4AudioTrack {
  codec: 'aac' | 'opus';
  numberOfChannels: number;
  sampleRate: number;
}

/**
 * Paintings are full of fine texture (craquelure, brush strokes) that a default web bitrate turns
 * to mush: about 0.12 bit per pixel per frame, within 1.5-10 Mbit/s.
 */
export function clipBitrate(width: number, height: number, fps = CLIP_FPS): number {
  return Math.round(Math.min(10e6, Math.max(1.5e6, width * height * fps * 0.12)));
}

export async function createMp4Encoder(width: number, height: number, fps = CLIP_FPS, audio?: Mp4AudioTrack): Promise<Mp4Encoder> {
  const ok = await canEncodeVideo('avc', { width, height }).catch(() => false);
  if (!ok) throw new SfumatoError('encode-failed', 'H.264 encoding is not available');
  const target = new BufferTarget();
  const output = new Output({ format: new Mp4OutputFormat({ fastStart: 'in-memory' }), target });
  const source = new VideoSampleSource({ codec: 'avc', bitrate: clipBitrate(width, height, fps), keyFrameInterval: 2 });
  output.addVideoTrack(source, { frameRate: fps });
  const audioSource = audio
    ? new AudioSampleSource({
        codec: audio.codec,
        bitrate: 128_000,
        transform: { numberOfChannels: audio.numberOfChannels, sampleRate: audio.sampleRate },
      })
    : null;
  if (audioSource) output.addAudioTrack(audioSource);
  await output.start();
  return {
    async addFrame(index, make) {
      const { timestampUs, durationUs } = frameTime(index, fps);
      const sample = new VideoSample(make(timestampUs, durationUs));
      try {
        await source.add(sample);
      } finally {
        sample.close();
      }
    },
    async addAudio(sample) {
      if (!audioSource) throw new Error('this clip was created without an audio track');
      await audioSource.add(sample);
    },
    async finish() {
      source.close();
      audioSource?.close();
      await output.finalize();
      if (!target.buffer) throw new SfumatoError('encode-failed', 'the muxer produced no data');
      return new Uint8Array(target.buffer);
    },
    cancel: () => output.cancel(),
  };
}
