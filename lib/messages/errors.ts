/** Every failure a person can meet, each with the sentence they read in the overlay or side panel. */
export const ERROR_SENTENCES = {
  'no-face': 'No face was found in this image. Sfumato animates portraits: try a picture where a face is clearly visible.',
  'face-too-small': 'The face is too small to animate. Try a larger version of this image.',
  'not-an-image': 'This is not an image Sfumato can read (the file is really something else, such as a web page).',
  'unreadable': 'The image could not be read: the file is damaged or incomplete.',
  'blocked': 'The image could not be downloaded: the site refused it or is unreachable.',
  'permission-denied': 'Sfumato needs your permission to read images from this site. Try again and choose Allow.',
  'too-large': 'The image file is too large to read (over 100 MB).',
  'gpu-unavailable': 'WebGPU is unavailable here, so Sfumato used its slower CPU renderer.',
  'encode-failed': 'The clip could not be encoded into a video on this computer.',
  'sign-failed': 'The clip could not be signed with content credentials, so it was not kept.',
  'storage-full': 'Storage is full: the clip could not be saved. Delete some clips in the Sfumato gallery and try again. Nothing already saved was lost.',
  'element-not-found': 'Sfumato could not find that image on the page any more (it may have changed). Scroll to it and try again.',
  'nothing-here': 'No picture was found where you right-clicked. Right-click on the portrait itself and try again.',
  'frame-unreadable': "This video's picture cannot be read here: the site does not allow it, and Sfumato could not take it from the screen either. Pause a video from a site that allows it, or save a still of the frame.",
  'picture-unreadable': 'This picture cannot be read here: the site does not allow it, and Sfumato could not take it from the screen either. Open the image on its own page, or save it, and animate it from there.',
  'driver-no-face': 'No face was found in the driving video. Choose a video where one face looks towards the camera.',
  'driver-unreadable': 'The driving video could not be read: it is damaged, or not a video Sfumato can decode (MP4, WebM or MOV).',
  'driver-not-fetchable': 'This video cannot be used as motion: the site lets it be neither downloaded nor recorded. Save the video and choose it as a file in the Studio instead.',
  'driver-permission-denied': 'Sfumato needs your permission to read videos from this site. Try again and choose Allow.',
  'driver-too-short': 'Too little of the video was recorded to use as motion (under 2 s). Let it play a little longer before you stop the recording.',
  'driver-missing': 'The driving video is no longer stored. Choose it again in the Studio.',
  'camera-denied': 'Sfumato could not use your camera: permission was refused or no camera is available. Allow the camera for Sfumato and try again.',
  'export-failed': 'The export could not be made. The clip itself is safe in the gallery; please try again.',
  'export-storage-full': 'Storage is full, so the export could not be kept for next time. Delete some clips in the Sfumato gallery to make room. Nothing already saved was lost.',
  'clip-missing': 'This clip is no longer in the gallery (it may have been deleted).',
  'internal': 'Something went wrong inside Sfumato. Your earlier clips are safe; please try again.',
} as const;

export type ErrorCode = keyof typeof ERROR_SENTENCES;
export const ERROR_CODES = Object.keys(ERROR_SENTENCES) as ErrorCode[];

/** An error that carries a code, so the sentence shown is the right one. */
export class SfumatoError extends Error {
  constructor(
    readonly code: ErrorCode,
    detail?: string,
  ) {
    super(detail ? `${ERROR_SENTENCES[code]} (${detail})` : ERROR_SENTENCES[code]);
  }
}

export function toSfumatoError(e: unknown): SfumatoError {
  if (e instanceof SfumatoError) return e;
  if (e instanceof DOMException && e.name === 'QuotaExceededError') return new SfumatoError('storage-full');
  return new SfumatoError('internal', e instanceof Error ? e.message : String(e));
}
