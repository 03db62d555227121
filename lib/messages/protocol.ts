// The typed protocol between the rooms (ARCHITECTURE: background, content script, offscreen
// document, side panel, in-page player). Each message names its recipient in `to`, because
// chrome.runtime.sendMessage reaches every extension page at once. Every message is validated
// with `parseMessage` before it is acted upon.
import { ERROR_CODES, type ErrorCode } from './errors';
import { DRIVER_KINDS, PRESET_IDS } from '../motion/catalog';
import { CORNERS } from '../watermark/label';
import { arr, bool, int, jpegDataUrl, lit, num, obj, opt, str, url, type Check } from './validate';

export const STAGES = ['source', 'faces', 'animating', 'encoding', 'signing', 'saving'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  source: 'Reading the image…',
  faces: 'Finding the face…',
  animating: 'Animating…',
  encoding: 'Encoding the clip…',
  signing: 'Signing content credentials…',
  saving: 'Saving…',
};

const box = obj({ x: num(), y: num(), w: num(0), h: num(0) });
/** A recording of a page video is at most 20 s: a generous bound on its bytes as base64. */
const MAX_RECORDING_BASE64 = 64_000_000;
const stage = lit(...STAGES);
const errorCode = lit(...ERROR_CODES) as Check<ErrorCode>;
const id = str(64);
/** Formats a stored clip can be exported to besides its signed MP4 (lib/store/exports.ts). */
export const EXPORT_FORMAT_IDS = ['gif', 'webp', 'png'] as const;
const exportFormat = lit(...EXPORT_FORMAT_IDS);

const sourceRef = obj({
  url: url,
  pageUrl: str(8192),
  title: str(500),
});

const motion = obj({
  preset: lit(...PRESET_IDS),
  durationS: num(2, 20),
  seed: int(0, 2 ** 31),
  intensity: opt(num(0, 1)),
  /** A stored driving video instead of the preset (lib/store/drivers). */
  driver: opt(obj({ id, title: str(200), kind: lit(...DRIVER_KINDS) })),
});

const shapes = {
  // background -> offscreen
  animate: obj({
    to: lit('offscreen'),
    type: lit('animate'),
    jobId: id,
    source: sourceRef,
    faceIndex: opt(int(0, 100)),
    motion,
    /** Whether Sfumato holds host permission for the source's origin (decides the failure sentence). */
    hostPermission: bool,
  }),
  ping: obj({ to: lit('offscreen'), type: lit('ping') }),
  /** Make (or fetch) the signed export of a stored clip: names a clip and a format, never bytes. */
  'make-export': obj({ to: lit('offscreen'), type: lit('make-export'), clipId: id, format: exportFormat }),
  /** Download a video a person right-clicked ("Use as motion for Sfumato") and store it as a driver. */
  'fetch-driver': obj({ to: lit('offscreen'), type: lit('fetch-driver'), source: sourceRef, hostPermission: bool }),
  /** Store a page video recorded in the page (recordResult) as a driver; answered like fetch-driver. */
  'store-driver': obj({ to: lit('offscreen'), type: lit('store-driver'), base64: str(MAX_RECORDING_BASE64), mime: str(100), title: str(500), pageUrl: str(8192) }),
  // offscreen -> background
  'job-progress': obj({ to: lit('background'), type: lit('job-progress'), jobId: id, stage, fraction: num(0, 1) }),
  'job-done': obj({
    to: lit('background'),
    type: lit('job-done'),
    jobId: id,
    clipId: id,
    width: int(1, 8192),
    height: int(1, 8192),
    notice: opt(str(500)),
  }),
  'job-failed': obj({ to: lit('background'), type: lit('job-failed'), jobId: id, code: errorCode, message: str(2000) }),
  // background -> content script
  /** Find the image Chrome reported (srcUrl) or, with `here`, the picture under the right-click (a covered image). */
  'overlay-locate': obj({ to: lit('content'), type: lit('overlay-locate'), jobId: id, srcUrl: opt(url), here: opt(bool) }),
  /**
   * The picture located for `jobId` could not be read from the page (locateResult.capture): here it
   * is as the screen shows it, a JPEG data URL cropped from the visible tab.
   */
  'overlay-captured': obj({ to: lit('content'), type: lit('overlay-captured'), jobId: id, url: jpegDataUrl }),
  /**
   * "Use as motion for Sfumato" on a video the page streams (blob:, MediaSource), which cannot be
   * downloaded: record what it plays, in the page (answered with recordResult).
   */
  'driver-record': obj({ to: lit('content'), type: lit('driver-record'), srcUrl: opt(url) }),
  'overlay-progress': obj({ to: lit('content'), type: lit('overlay-progress'), jobId: id, stage, fraction: num(0, 1) }),
  'overlay-ready': obj({
    to: lit('content'),
    type: lit('overlay-ready'),
    jobId: id,
    playerUrl: str(4096),
    notice: opt(str(500)),
  }),
  'overlay-error': obj({ to: lit('content'), type: lit('overlay-error'), jobId: id, code: errorCode, message: str(2000) }),
  // side panel / player -> background
  /** Animate a stored clip's source again, with another face and/or other motion settings. */
  reanimate: obj({ to: lit('background'), type: lit('reanimate'), clipId: id, faceIndex: opt(int(0, 100)), motion: opt(motion), driverId: opt(id) }),
  // The in-page player cannot open IndexedDB (third-party storage is blocked in pages), so it asks.
  'get-clip': obj({ to: lit('background'), type: lit('get-clip'), clipId: id }),
  'open-panel': obj({ to: lit('background'), type: lit('open-panel'), clipId: opt(id) }),
  /** The side panel asks for a signed GIF / WebP / PNG of a stored clip; answered with exportResult. */
  'export-clip': obj({ to: lit('background'), type: lit('export-clip'), clipId: id, format: exportFormat }),
  // background/offscreen -> side panel (broadcast)
  'clip-saved': obj({ to: lit('panel'), type: lit('clip-saved'), clipId: id }),
  'job-status': obj({
    to: lit('panel'),
    type: lit('job-status'),
    jobId: id,
    stage: opt(stage),
    fraction: opt(num(0, 1)),
    error: opt(str(2000)),
    done: opt(bool),
  }),
} as const;

type Shapes = typeof shapes;
export type MessageType = keyof Shapes;
export type Message<T extends MessageType = MessageType> = T extends MessageType ? ReturnType<Shapes[T]> : never;
export type Recipient = Message['to'];

/** What the content script answers to overlay-locate: the clicked image's best source and place. */
export const locateResult = obj({
  ok: bool,
  bestUrl: opt(url),
  title: opt(str(500)),
  box: opt(box),
  naturalWidth: opt(int(0, 100000)),
  naturalHeight: opt(int(0, 100000)),
  candidates: opt(arr(str(4_000_000), 50)),
  /**
   * The picture is there but the page forbids reading its pixels (a canvas or video filled from
   * another site): where it lies in the viewport (CSS px, with the viewport's size) for the
   * background to take it from the screen (with the viewport's width less its scrollbar, and the
   * device pixel ratio). No overlay is open yet, so none is in the shot.
   */
  capture: opt(obj({ x: num(0), y: num(0), w: num(1), h: num(1), viewW: num(1), viewH: num(1), clientW: num(1), dpr: num(0.05, 16) })),
});
export type LocateResult = ReturnType<typeof locateResult>;

/** What the content script answers to driver-record: the recording (WebM) or why there is none. */
export const recordResult = obj({ ok: bool, base64: opt(str(MAX_RECORDING_BASE64)), mime: opt(str(100)), tooShort: opt(bool) });
export type RecordResult = ReturnType<typeof recordResult>;

/** The offscreen document's answer to fetch-driver. */
export const fetchDriverResult = obj({ ok: bool, driverId: opt(id), code: opt(errorCode), message: opt(str(2000)) });
export type FetchDriverResult = ReturnType<typeof fetchDriverResult>;

/** The background's answer to get-clip. */
export const clipPayload = obj({
  ok: bool,
  mp4Base64: opt(str(200_000_000)),
  renderer: opt(lit('webgpu', 'cpu')),
  title: opt(str(500)),
  labelCorner: opt(lit(...CORNERS)),
  labelBox: opt(arr(num(0, 1), 4)),
});
export type ClipPayload = ReturnType<typeof clipPayload>;

/** The answer to export-clip / make-export: the signed export's bytes, or a sentence. */
export const exportResult = obj({
  ok: bool,
  format: opt(exportFormat),
  mime: opt(lit('image/gif', 'image/webp', 'image/png')),
  base64: opt(str(200_000_000)),
  width: opt(int(1, 8192)),
  height: opt(int(1, 8192)),
  frames: opt(int(1, 100_000)),
  makeMs: opt(num(0)),
  watermarkConfidence: opt(num(0, 1)),
  credentialsState: opt(str(20)),
  code: opt(errorCode),
  message: opt(str(2000)),
  notice: opt(str(2000)),
});
export type ExportResult = ReturnType<typeof exportResult>;

/** Validate an unknown value as a message for `recipient`; null when it is not one (ignored). */
export function parseMessage<R extends Recipient>(raw: unknown, recipient: R): Extract<Message, { to: R }> | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { to, type } = raw as { to?: unknown; type?: unknown };
  if (to !== recipient || typeof type !== 'string' || !(type in shapes)) return null;
  const check = shapes[type as MessageType] as Check<Message>;
  return check(raw, type) as Extract<Message, { to: R }>;
}

/** Build a message with its type checked at compile time and its shape checked at run time. */
export function msg<M extends Message>(m: M): M {
  const check = shapes[m.type as MessageType] as Check<Message>;
  check(m, m.type);
  return m;
}
