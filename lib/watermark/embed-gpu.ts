// WebGPU (WGSL) watermark: the same computation as embedWatermarkRGBA in pattern.ts (results agree
// within +-1 per channel). Either a pass over a finished frame (after the visible label), or added by
// the renderer's own passes as they draw (markWhileDrawingWgsl), which spares a pass that reads the
// frame again: on a software adapter that pass cost as much as drawing the moving face.
//
// Texture usage:
//   encode(encoder, source, target):
//     source: TEXTURE_BINDING (rgba8unorm or bgra8unorm, or any filterable float format),
//     target: RENDER_ATTACHMENT, same size; rgba8unorm or bgra8unorm (e.g. the canvas texture).
//     source and target must be different textures.
//   encodeInPlace(encoder, texture):
//     texture: COPY_SRC | RENDER_ATTACHMENT (rgba8unorm or bgra8unorm). It is copied into an
//     internal scratch texture (TEXTURE_BINDING | COPY_DST, created once per format) and the
//     watermarked frame is drawn back into it. For a canvas: context.configure({ ..., usage:
//     GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC }).
import { DEFAULT_RMS, patternField } from './pattern';
import { informedField } from './informed';

// The pattern field (the keyed tile pattern at the mark's rms, one float per pixel) depends only on the frame
// size and the payload, so it is computed once per clip (patternField, the same code as the CPU
// embedder) and uploaded as an r32float texture; per pixel the pass is then two texel loads and an add.
// With informed embedding (informed.ts) the field also depends on the clip's first frame: the
// renderer hands that frame (labelled, unwatermarked) to informFrom() once, which reads it back,
// computes the per-bit amplitudes on the CPU and re-uploads the field; the per-frame pass is unchanged.
export const WATERMARK_WGSL = /* wgsl */ `
@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var field: texture_2d<f32>;
// Nearest sampling at texel centres reads exactly the texel a textureLoad would, and on a software
// adapter (SwiftShader) costs less than textureLoad's bounds-checked fetch.
@group(0) @binding(2) var nearest: sampler;

@vertex fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {
  var p = array<vec2<f32>, 3>(vec2<f32>(-1.0, -1.0), vec2<f32>(3.0, -1.0), vec2<f32>(-1.0, 3.0));
  return vec4<f32>(p[i], 0.0, 1.0);
}

@fragment fn fs(@builtin(position) pos: vec4<f32>) -> @location(0) vec4<f32> {
  let uv = pos.xy / vec2<f32>(textureDimensions(src));
  let c4 = textureSampleLevel(src, nearest, uv, 0.0);
  let d = textureSampleLevel(field, nearest, uv, 0.0).r;
  let rgb = floor(c4.rgb * 255.0 + 0.5);
  let o = floor(clamp(rgb + vec3<f32>(d, d, d), vec3<f32>(0.0), vec3<f32>(255.0)) + 0.5);
  return vec4<f32>(o / 255.0, c4.a);
}
`;

/**
 * WGSL for passes that add the mark as they draw, so that no separate watermark pass reads the frame
 * again: the field at `binding` (WatermarkPass.fieldView, or a 1x1 zero field: nothing added, the
 * colour only rounded; an out-of-bounds load reads 0 or the one texel, 0 either way).
 */
export function markWhileDrawingWgsl(binding: number): string {
  return /* wgsl */ `
@group(0) @binding(${binding}) var wmField: texture_2d<f32>;
@group(0) @binding(${binding + 1}) var wmNearest: sampler;
// The frame's size (markConstants): asking textureDimensions for it in every fragment cost a sixth
// of a frame on SwiftShader.
override wmFrameWidth: f32;
override wmFrameHeight: f32;

// Nearest sampling at the pixel centre reads the texel textureLoad would, at a fraction of the cost
// of textureLoad's bounds-checked fetch on SwiftShader; the 1x1 zero field reads 0 everywhere.
fn wmDelta(fc: vec2f) -> f32 {
  return textureSampleLevel(wmField, wmNearest, fc * vec2f(1.0 / wmFrameWidth, 1.0 / wmFrameHeight), 0.0).r;
}

// An opaque pixel: the sum the watermark pass makes, rounded alike.
fn wmOpaque(c: vec3f, fc: vec2f) -> vec3f {
  let d = wmDelta(fc);
  return floor(clamp(floor(c * 255.0 + 0.5) + vec3f(d, d, d), vec3f(0.0), vec3f(255.0)) + 0.5) / 255.0;
}

// A colour laid over a marked pixel with coverage a, premultiplied for 'one, one-minus-src-alpha'
// blending: with the mark added to it too, the mark is added once,
// a (L + d) + (1 - a) (D + d) = a L + (1 - a) D + d; premultiplied, the sum is clamped to 0..1 only
// where the result itself would be (not where L + d alone leaves 0..1, as with straight alpha).
fn wmOver(c: vec3f, a: f32, fc: vec2f) -> vec4f {
  return vec4f(a * (c + vec3f(wmDelta(fc) / 255.0)), a);
}
`;
}

/** The pipeline constants of a shader with markWhileDrawingWgsl, drawing into a frame of this size. */
export function markConstants(width: number, height: number): Record<string, number> {
  return { wmFrameWidth: width, wmFrameHeight: height };
}

export interface WatermarkPass {
  readonly width: number;
  readonly height: number;
  /**
   * Record the pass: read `source` (TEXTURE_BINDING), draw the watermarked frame into `target`
   * (RENDER_ATTACHMENT).
   */
  encode(encoder: GPUCommandEncoder, source: GPUTexture, target: GPUTexture): void;
  /** Watermark `texture` in place (needs COPY_SRC | RENDER_ATTACHMENT), through an internal scratch copy. */
  encodeInPlace(encoder: GPUCommandEncoder, texture: GPUTexture): void;
  /** Change the payload (e.g. reuse the pass for another clip of the same size); back to the plain field. */
  setPayload(payload: bigint): void;
  /** The field (r32float, one value per pixel in 8-bit levels), for markWhileDrawingWgsl. */
  readonly fieldView: GPUTextureView;
  /** Whether informFrom() has run since the last payload change. */
  readonly informed: boolean;
  /** Counts the field's uploads: a frame watermarked earlier stays valid while this is unchanged. */
  readonly fieldVersion: number;
  /**
   * Informed embedding, once per clip: read the unwatermarked frame in `source` (COPY_SRC,
   * rgba8unorm or bgra8unorm, submitted before the call) and switch to the field informed by it.
   * On any failure the plain field stays (the mark is then just less robust).
   */
  informFrom(source: GPUTexture): Promise<void>;
  destroy(): void;
}

export interface WatermarkPassOptions {
  /** Rms of the mark in 8-bit levels (default DEFAULT_RMS). */
  rms?: number;
}

export function createWatermarkPass(
  device: GPUDevice,
  width: number,
  height: number,
  payload: bigint,
  opts: WatermarkPassOptions = {},
): WatermarkPass {
  const module = device.createShaderModule({ label: 'sfumato-watermark', code: WATERMARK_WGSL });
  const layout = device.createBindGroupLayout({
    label: 'sfumato-watermark',
    entries: [
      { binding: 0, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: 'float' } },
      { binding: 1, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: 'unfilterable-float' } },
      { binding: 2, visibility: GPUShaderStage.FRAGMENT, sampler: { type: 'non-filtering' } },
    ],
  });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const pipelines = new Map<GPUTextureFormat, GPURenderPipeline>();
  const pipelineFor = (format: GPUTextureFormat): GPURenderPipeline => {
    let p = pipelines.get(format);
    if (!p) {
      p = device.createRenderPipeline({
        label: `sfumato-watermark-${format}`,
        layout: pipelineLayout,
        vertex: { module, entryPoint: 'vs' },
        fragment: { module, entryPoint: 'fs', targets: [{ format }] },
        primitive: { topology: 'triangle-list' },
      });
      pipelines.set(format, p);
    }
    return p;
  };
  const fieldTex = device.createTexture({
    label: 'sfumato-watermark-field',
    size: { width, height },
    format: 'r32float',
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
  });
  const fieldView = fieldTex.createView();
  const nearest = device.createSampler({ magFilter: 'nearest', minFilter: 'nearest' });
  let fieldVersion = 0;
  const rms = opts.rms ?? DEFAULT_RMS;
  const upload = (f: Float32Array) => {
    fieldVersion++;
    device.queue.writeTexture({ texture: fieldTex }, f.buffer, { offset: f.byteOffset, bytesPerRow: width * 4 }, { width, height });
  };
  let current = payload;
  let informed = false;
  const setPayload = (p: bigint) => {
    current = p;
    informed = false;
    upload(patternField(width, height, p, rms));
  };
  setPayload(payload);
  const informFrom = async (source: GPUTexture): Promise<void> => {
    const p = current;
    informed = true;
    const bpr = Math.ceil((width * 4) / 256) * 256;
    const buf = device.createBuffer({ size: bpr * height, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    try {
      const enc = device.createCommandEncoder();
      enc.copyTextureToBuffer({ texture: source }, { buffer: buf, bytesPerRow: bpr }, { width, height });
      device.queue.submit([enc.finish()]);
      await buf.mapAsync(GPUMapMode.READ);
      const m = new Uint8Array(buf.getMappedRange());
      const rgba = new Uint8Array(width * height * 4);
      for (let y = 0; y < height; y++) rgba.set(m.subarray(y * bpr, y * bpr + width * 4), y * width * 4);
      buf.unmap();
      if (source.format.startsWith('bgra'))
        for (let i = 0; i < rgba.length; i += 4) {
          const t = rgba[i]!;
          rgba[i] = rgba[i + 2]!;
          rgba[i + 2] = t;
        }
      if (p !== current) return;
      upload(informedField({ data: rgba, width, height }, p, rms).field);
    } catch {
      // Keep the plain field.
    } finally {
      buf.destroy();
    }
  };
  const scratch = new Map<GPUTextureFormat, GPUTexture>();

  const encode = (encoder: GPUCommandEncoder, source: GPUTexture, target: GPUTexture) => {
    if (source.width !== width || source.height !== height || target.width !== width || target.height !== height) {
      throw new Error(`watermark pass: expected ${width}x${height} textures`);
    }
    const bind = device.createBindGroup({
      layout,
      entries: [
        { binding: 0, resource: source.createView() },
        { binding: 1, resource: fieldView },
        { binding: 2, resource: nearest },
      ],
    });
    const pass = encoder.beginRenderPass({
      label: 'sfumato-watermark',
      colorAttachments: [{ view: target.createView(), loadOp: 'clear', storeOp: 'store', clearValue: { r: 0, g: 0, b: 0, a: 1 } }],
    });
    pass.setPipeline(pipelineFor(target.format));
    pass.setBindGroup(0, bind);
    pass.draw(3);
    pass.end();
  };

  return {
    width,
    height,
    encode,
    encodeInPlace(encoder, texture) {
      let s = scratch.get(texture.format);
      if (!s) {
        s = device.createTexture({
          label: 'sfumato-watermark-scratch',
          size: { width, height },
          format: texture.format,
          usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
        });
        scratch.set(texture.format, s);
      }
      encoder.copyTextureToTexture({ texture }, { texture: s }, { width, height });
      encode(encoder, s, texture);
    },
    setPayload,
    fieldView,
    get informed() {
      return informed;
    },
    get fieldVersion() {
      return fieldVersion;
    },
    informFrom,
    destroy() {
      fieldTex.destroy();
      for (const t of scratch.values()) t.destroy();
      scratch.clear();
    },
  };
}
