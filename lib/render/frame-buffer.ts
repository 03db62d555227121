// A rendered frame that lives in CPU memory (CPU renderer, or WebGPU read back on adapters whose
// canvas presentation is broken). The encoder takes it straight as a VideoFrame; the 2D canvas is
// only painted when someone looks at it (the poster), which saves an upload and a read-back per
// frame.
export class CpuFrame {
  readonly image: ImageData;
  private dirty = false;
  private ctx: OffscreenCanvasRenderingContext2D | null = null;

  constructor(
    readonly canvas: OffscreenCanvas,
    width: number,
    height: number,
  ) {
    this.image = new ImageData(width, height);
  }

  /** Call after writing new pixels into `image`. */
  touch(): void {
    this.dirty = true;
  }

  /** The canvas with the latest pixels on it. */
  paintedCanvas(): OffscreenCanvas {
    if (this.dirty) {
      this.ctx ??= this.canvas.getContext('2d');
      if (!this.ctx) throw new Error('2D context unavailable');
      this.ctx.putImageData(this.image, 0, 0);
      this.dirty = false;
    }
    return this.canvas;
  }

  videoFrame(timestamp: number, duration: number): VideoFrame {
    return new VideoFrame(this.image.data, {
      format: 'RGBA',
      codedWidth: this.image.width,
      codedHeight: this.image.height,
      timestamp,
      duration,
    });
  }
}
