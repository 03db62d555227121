import { createWatermarkPass, markConstants } from '../watermark/embed-gpu';
import { CpuFrame } from './frame-buffer';
import type { FrameRenderer, PoseParams, Rig } from './types';
import { CAVITY_WGSL, LID_WGSL, MESH_WGSL, OVERLAY_WGSL } from './shaders';
import { EYES, LID_TRIANGLES, LID_VERTEX_COUNT, eyeLid, lidSkinOffset, lidStyle } from './lids';
import { EYES_UNIFORM_FLOATS, eyeUniforms, eyesBox } from './eyes';
import { CAVITY_STRIDE, CAVITY_TRIANGLES, CAVITY_VERTEX_COUNT, mouthCavity, mouthStyle } from './mouth';
import { alphaBox, partitionByBox, restUvs, splitTriangles } from './raster';
import { createRedrawTracker, extentOf, type Extent } from './redraw';
import { bitmapPixels, overlayPixels, prefilterSource } from './source';

/** x, y, width, height in output pixels. */
type Box = [number, number, number, number];

/**
 * Layout entries of the watermark field and its nearest sampler (markWhileDrawingWgsl): r32float,
 * which 'auto' layouts cannot bind.
 */
function fieldLayout(binding: number): GPUBindGroupLayoutEntry[] {
  return [
    { binding, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: 'unfilterable-float' } },
    { binding: binding + 1, visibility: GPUShaderStage.FRAGMENT, sampler: { type: 'non-filtering' } },
  ];
}

/** Premultiplied "over" blending, for everything painted onto the warped frame (strips, the label: wmOver). */
const PREMULTIPLIED_OVER: GPUBlendState = {
  color: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
  alpha: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
};

export interface WebGpuRendererOptions {
  /** Invisible watermark payload embedded in every frame after the label (see lib/watermark). */
  watermark?: bigint;
  /** A device to use; one is requested (and owned by the renderer) when omitted. */
  device?: GPUDevice;
  source: ImageBitmap;
  rig: Rig;
  outWidth: number;
  outHeight: number;
  /** Same size as the output, straight-alpha RGBA (e.g. the visible label), composited on top. */
  overlay?: ImageBitmap;
  /**
   * 'canvas': render straight into a WebGPU canvas context (normal). 'readback': render to a texture
   * and copy the pixels into a 2D canvas (works where canvas presentation is broken, e.g. headless
   * Chromium on SwiftShader). Default: preferredPresentMode(device).
   */
  presentMode?: 'canvas' | 'readback';
  /**
   * Read-back mode: output pixels a vertex may move before its triangles are drawn again (redraw.ts);
   * null draws every moving triangle in every frame. Default REDRAW_TOLERANCE_PX.
   */
  redrawTolerancePx?: number | null;
}

/**
 * Whether to present through a WebGPU canvas context. Software adapters (SwiftShader, the fallback
 * adapter) use readback instead: in headless Chromium on SwiftShader, configuring a WebGPU canvas
 * and submitting work to it poisons the whole WebGPU instance ("A valid external Instance reference
 * no longer exists"), and readback is cheap there anyway because the "GPU" memory is host memory.
 */
export function preferredPresentMode(device: GPUDevice): 'canvas' | 'readback' {
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  if (!info) return 'canvas';
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  if (info.isFallbackAdapter || text.includes('swiftshader')) return 'readback';
  return 'canvas';
}

/**
 * Frames in flight in read-back mode. On SwiftShader a frame's cost is mostly waiting (submit, the
 * GPU threads, the map callback), so keeping a few frames queued lets that waiting overlap.
 */
const READBACK_RING = 3;
/**
 * Output pixels a vertex may be off where a triangle was last drawn before the triangle is drawn
 * again (read-back mode, redraw.ts): at a hard edge a tenth of a pixel is a tenth of its contrast.
 */
export const REDRAW_TOLERANCE_PX = 0.1;

let devicePromise: Promise<GPUDevice | null> | null = null;

/** A shared GPUDevice, or null when WebGPU is unavailable (no navigator.gpu, no adapter, or an error). */
export function getGpuDevice(): Promise<GPUDevice | null> {
  if (devicePromise) return devicePromise;
  devicePromise = (async () => {
    try {
      const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
      if (!gpu) return null;
      const adapter = await gpu.requestAdapter();
      if (!adapter) return null;
      const device = await adapter.requestDevice();
      void device.lost.then(() => {
        devicePromise = null;
      });
      return device;
    } catch {
      return null;
    }
  })();
  const p = devicePromise;
  void p.then((d) => {
    if (!d && devicePromise === p) devicePromise = null;
  });
  return p;
}

/** Renders the warped source (and the overlay on top) into an OffscreenCanvas with a WebGPU context. */
export async function createWebGpuRenderer(
  opts: WebGpuRendererOptions,
): Promise<FrameRenderer & { readonly presentMode: 'canvas' | 'readback' }> {
  const device = opts.device ?? (await getGpuDevice());
  if (!device) throw new Error('WebGPU unavailable');
  const { rig, outWidth, outHeight } = opts;
  const format: GPUTextureFormat = 'rgba8unorm';
  const present = opts.presentMode ?? preferredPresentMode(device);
  const canvas = new OffscreenCanvas(outWidth, outHeight);
  let context: GPUCanvasContext | null = null;
  let cpuFrame: CpuFrame | null = null;
  let target: GPUTexture | null = null;
  let readBuf: GPUBuffer | null = null;
  const bytesPerRow = Math.ceil((outWidth * 4) / 256) * 256;
  if (present === 'canvas') {
    context = canvas.getContext('webgpu');
    if (!context) throw new Error('webgpu canvas context unavailable');
    // COPY_SRC: the clip's first frame, drawn unmarked, is read back to inform the watermark.
    context.configure({ device, format, alphaMode: 'opaque', usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_DST | GPUTextureUsage.COPY_SRC });
  } else {
    cpuFrame = new CpuFrame(canvas, outWidth, outHeight);
    target = device.createTexture({
      size: [outWidth, outHeight],
      format,
      usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC | GPUTextureUsage.COPY_DST,
    });
    readBuf = device.createBuffer({ size: bytesPerRow * outHeight, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  }

  // Source texture (prefiltered to the output size when much larger). Uploaded from 2D-canvas pixels
  // with writeTexture (not copyExternalImageToTexture, which fails once a WebGPU canvas has broken
  // the instance on SwiftShader), so GPU and CPU renderers sample exactly the same bytes.
  const { bitmap, owned } = await prefilterSource(opts.source, outWidth, outHeight);
  const srcPixels = bitmapPixels(bitmap);
  if (owned) bitmap.close();
  const srcTex = uploadRgba(device, srcPixels);
  const srcView = srcTex.createView();
  const style = mouthStyle(rig, srcPixels, srcPixels.width / rig.width, srcPixels.height / rig.height);
  const lids = lidStyle(rig, srcPixels, srcPixels.width / rig.width, srcPixels.height / rig.height);

  // The watermark is added by every pass as it draws (shaders.ts), from the field of `wmPass`; the
  // zero field draws unmarked (no watermark, and the clip's first frame that informs it).
  const wmPass = opts.watermark !== undefined ? createWatermarkPass(device, outWidth, outHeight, opts.watermark) : null;
  // The constants of every pipeline that marks as it draws (the frame's size).
  const marks = markConstants(outWidth, outHeight);
  const zeroField = device.createTexture({ size: [1, 1], format: 'r32float', usage: GPUTextureUsage.TEXTURE_BINDING });
  const fields = { plain: zeroField.createView(), marked: wmPass?.fieldView ?? zeroField.createView() };
  /** A bind group (or anything bound) per field: unmarked and marked. */
  type Marked<T> = { plain: T; marked: T };
  const fieldSampler = device.createSampler({ magFilter: 'nearest', minFilter: 'nearest' });
  /** Bind group entries of a field at `binding` (markWhileDrawingWgsl). */
  const fieldAt = (binding: number, view: GPUTextureView): GPUBindGroupEntry[] => [
    { binding, resource: view },
    { binding: binding + 1, resource: fieldSampler },
  ];
  const perField = <T>(make: (view: GPUTextureView) => T): Marked<T> => ({ plain: make(fields.plain), marked: make(fields.marked) });

  let ovTex: GPUTexture | null = null;
  // The label covers a corner: draw the overlay only over the box of its visible pixels.
  let ovBox: Box | null = null;
  if (opts.overlay) {
    const ovPixels = overlayPixels(opts.overlay, outWidth, outHeight);
    ovBox = alphaBox(ovPixels);
    if (ovBox) ovTex = uploadRgba(device, ovPixels);
  }

  const nVerts = rig.rest.length / 2;
  const posBuf = device.createBuffer({ size: nVerts * 8, usage: GPUBufferUsage.VERTEX | GPUBufferUsage.COPY_DST });
  const uvBuf = device.createBuffer({ size: nVerts * 8, usage: GPUBufferUsage.VERTEX | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(uvBuf, 0, restUvs(rig.rest, rig.width, rig.height));
  // Triangles whose three vertices are all background never move: they are drawn once into `still`
  // and copied in every frame; only the triangles that follow the head are drawn per frame.
  const { moving, fixed } = splitTriangles(rig);
  const idxCount = moving.length;
  const idxBuf = device.createBuffer({ size: Math.max(4, idxCount * 4), usage: GPUBufferUsage.INDEX | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(idxBuf, 0, moving);
  // Per frame the moving triangles are reordered: those that cannot reach an active eye first (plain
  // shader), the rest last (eye composite); `plainCount` indices of the first kind.
  const ordered = new Uint32Array(idxCount);
  let plainCount = idxCount;
  let drawCount = idxCount;
  // Read-back mode keeps its target between frames: draw again only what changed (redraw.ts). A
  // canvas hands out a fresh texture each frame (and a real GPU does not need it).
  const tolerancePx = opts.redrawTolerancePx === undefined ? REDRAW_TOLERANCE_PX : opts.redrawTolerancePx;
  const redraw = target && tolerancePx !== null ? createRedrawTracker(moving, rig.rest, tolerancePx / Math.max(outWidth / rig.width, outHeight / rig.height)) : null;
  const selected = new Uint32Array(idxCount);
  let lastOverlays: Extent[] = [];
  // The watermark field the target was drawn with (-1: nothing drawn yet).
  let drawnField = -1;
  const uniBuf = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(uniBuf, 0, new Float32Array([rig.width, rig.height, 0, 0]));
  // Gaze: the iris disc composite inside the eye openings (eyes.ts); all zero (inactive) at rest.
  const eyeData = new Float32Array(EYES_UNIFORM_FLOATS);
  const eyeBuf = device.createBuffer({ size: eyeData.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(eyeBuf, 0, eyeData);

  const sampler = device.createSampler({
    magFilter: 'linear',
    minFilter: 'linear',
    addressModeU: 'clamp-to-edge',
    addressModeV: 'clamp-to-edge',
  });
  const meshModule = device.createShaderModule({ code: MESH_WGSL });
  const meshLayout = device.createPipelineLayout({
    bindGroupLayouts: [
      device.createBindGroupLayout({
        entries: [
          { binding: 0, visibility: GPUShaderStage.VERTEX | GPUShaderStage.FRAGMENT, buffer: { type: 'uniform' } },
          { binding: 1, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: 'float' } },
          { binding: 2, visibility: GPUShaderStage.FRAGMENT, sampler: { type: 'filtering' } },
          { binding: 3, visibility: GPUShaderStage.FRAGMENT, buffer: { type: 'uniform' } },
          ...fieldLayout(4),
        ],
      }),
    ],
  });
  const meshPipelineWith = (entryPoint: 'fs' | 'fsPlain') =>
    device.createRenderPipeline({
      layout: meshLayout,
      vertex: {
        module: meshModule,
        entryPoint: 'vs',
        buffers: [
          { arrayStride: 8, attributes: [{ shaderLocation: 0, offset: 0, format: 'float32x2' }] },
          { arrayStride: 8, attributes: [{ shaderLocation: 1, offset: 0, format: 'float32x2' }] },
        ],
      },
      fragment: { module: meshModule, entryPoint, targets: [{ format }], constants: marks },
      primitive: { topology: 'triangle-list', cullMode: 'none' },
    });
  const meshPipeline = meshPipelineWith('fsPlain');
  const eyePipeline = meshPipelineWith('fs');
  const meshBind = perField((field) =>
    device.createBindGroup({
      layout: meshPipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: uniBuf } },
        { binding: 1, resource: srcView },
        { binding: 2, resource: sampler },
        { binding: 3, resource: { buffer: eyeBuf } },
        ...fieldAt(4, field),
      ],
    }),
  );

  const stillUsage = GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC | GPUTextureUsage.COPY_DST;
  const still = device.createTexture({ size: [outWidth, outHeight], format, usage: stillUsage });
  {
    const fixedBuf = device.createBuffer({ size: Math.max(4, fixed.length * 4), usage: GPUBufferUsage.INDEX | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(fixedBuf, 0, fixed);
    device.queue.writeBuffer(posBuf, 0, rig.rest as Float32Array<ArrayBuffer>);
    const enc = device.createCommandEncoder();
    const pass = enc.beginRenderPass({
      colorAttachments: [{ view: still.createView(), loadOp: 'clear', storeOp: 'store', clearValue: { r: 0, g: 0, b: 0, a: 1 } }],
    });
    if (fixed.length > 0) {
      pass.setPipeline(meshPipeline);
      pass.setBindGroup(0, meshBind.plain);
      pass.setVertexBuffer(0, posBuf);
      pass.setVertexBuffer(1, uvBuf);
      pass.setIndexBuffer(fixedBuf, 'uint32');
      pass.drawIndexed(fixed.length);
    }
    pass.end();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    fixedBuf.destroy();
  }

  // Mouth cavity: a small dynamic mesh between the inner lips, drawn over the warped image.
  const cavVerts = new Float32Array(CAVITY_VERTEX_COUNT * CAVITY_STRIDE);
  const cavBuf = device.createBuffer({ size: cavVerts.byteLength, usage: GPUBufferUsage.VERTEX | GPUBufferUsage.COPY_DST });
  const cavIdx = indexBuffer16(device, CAVITY_TRIANGLES);
  const cavUniData = new Float32Array([
    rig.width, rig.height, outWidth / rig.width, 0,
    style.lip[0], style.lip[1], style.lip[2], style.mouthW,
    style.skin[0], style.skin[1], style.skin[2], style.hair,
    style.tongue[0], style.tongue[1], style.tongue[2], 0,
    style.teeth[0], style.teeth[1], style.teeth[2], 0,
  ]);
  const cavUni = device.createBuffer({ size: cavUniData.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const cavPipeline = stripPipeline(device, CAVITY_WGSL, format, marks);
  const cavBind = perField((field) =>
    device.createBindGroup({ layout: cavPipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: cavUni } }, ...fieldAt(1, field)] }),
  );

  // Closed eyelids: one strip per eye, painted over the eye opening as a blink shuts it (lids.ts),
  // showing skin from the source.
  const lidPipeline = stripPipeline(device, LID_WGSL, format, marks, [
    { binding: 3, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: 'float' } },
    { binding: 4, visibility: GPUShaderStage.FRAGMENT, sampler: { type: 'filtering' } },
  ]);
  const lidIdx = indexBuffer16(device, LID_TRIANGLES);
  const lidEyes = EYES.map((_, eye) => {
    const verts = new Float32Array(LID_VERTEX_COUNT * CAVITY_STRIDE);
    const buf = device.createBuffer({ size: verts.byteLength, usage: GPUBufferUsage.VERTEX | GPUBufferUsage.COPY_DST });
    const gain = lids.skinGain[eye]!;
    // The skin offset (8-9) is set per frame (lidSkinOffset).
    const lash = lids.lash[eye]!;
    const tone = lids.tone[eye]!;
    const uniData = new Float32Array([
      ...[rig.width, rig.height, outWidth / rig.width, 0],
      ...[gain[0], gain[1], gain[2], lids.eyeW[eye]!],
      ...[0, 0, 0, 0],
      ...[lash[0], lash[1], lash[2], 0],
      ...[tone[0], tone[1], tone[2], 0],
    ]);
    const uni = device.createBuffer({ size: uniData.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const bind = perField((field) =>
      device.createBindGroup({
        layout: lidPipeline.getBindGroupLayout(0),
        entries: [{ binding: 0, resource: { buffer: uni } }, ...fieldAt(1, field), { binding: 3, resource: srcView }, { binding: 4, resource: sampler }],
      }),
    );
    return { verts, buf, uni, uniData, bind, alpha: 0 };
  });

  let ovPipeline: GPURenderPipeline | null = null;
  let ovBind: Marked<GPUBindGroup> | null = null;
  if (ovTex) {
    const ovModule = device.createShaderModule({ code: OVERLAY_WGSL });
    ovPipeline = device.createRenderPipeline({
      layout: device.createPipelineLayout({
        bindGroupLayouts: [
          device.createBindGroupLayout({
            entries: [{ binding: 0, visibility: GPUShaderStage.FRAGMENT, texture: { sampleType: 'float' } }, ...fieldLayout(1)],
          }),
        ],
      }),
      vertex: { module: ovModule, entryPoint: 'vs' },
      fragment: {
        module: ovModule,
        entryPoint: 'fs',
        constants: marks,
        targets: [
          {
            format,
            blend: PREMULTIPLIED_OVER,
          },
        ],
      },
      primitive: { topology: 'triangle-list' },
    });
    const ovView = ovTex.createView();
    const pipeline = ovPipeline;
    ovBind = perField((field) => device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: ovView }, ...fieldAt(1, field)] }));
  }
  /** Composite the label (when there is one) over the pass's target, within `box` (default: all of it). */
  const drawLabel = (pass: GPURenderPassEncoder, marked: boolean, box: Box | null = ovBox) => {
    if (!ovPipeline || !ovBind || !box) return;
    pass.setScissorRect(box[0], box[1], box[2], box[3]);
    pass.setPipeline(ovPipeline);
    pass.setBindGroup(0, marked ? ovBind.marked : ovBind.plain);
    pass.draw(3);
  };

  let destroyed = false;
  // Frames are recorded and submitted one after another (a frame's buffer writes must not land
  // between another frame's commands); `submitted` is the end of that chain.
  let submitted: Promise<unknown> = Promise.resolve();
  // Read-back mode keeps up to READBACK_RING frames in flight, each with its own mapped buffer.
  const ring = present === 'readback' ? Array.from({ length: READBACK_RING }, () => ({ buf: null as GPUBuffer | null, busy: Promise.resolve() as Promise<unknown> })) : [];
  let drawn = 0;

  // Everything outside the moving triangles is the same in every frame: the still background with
  // the label, marked once per field (stillFinal) and copied in; only the moving parts are drawn
  // per frame, marking as they draw. Where they reach into the label's box, that part starts from
  // the still without the label (stillMarked) and the label is drawn again over them.
  const movingVerts = Uint32Array.from(new Set(moving));
  const stillLabelled = device.createTexture({ size: [outWidth, outHeight], format, usage: stillUsage });
  {
    const enc = device.createCommandEncoder();
    enc.copyTextureToTexture({ texture: still }, { texture: stillLabelled }, [outWidth, outHeight]);
    const pass = enc.beginRenderPass({ colorAttachments: [{ view: stillLabelled.createView(), loadOp: 'load', storeOp: 'store' }] });
    drawLabel(pass, false);
    pass.end();
    device.queue.submit([enc.finish()]);
  }
  const stillMarked = wmPass ? device.createTexture({ size: [outWidth, outHeight], format, usage: stillUsage }) : still;
  const stillFinal = wmPass ? device.createTexture({ size: [outWidth, outHeight], format, usage: stillUsage }) : stillLabelled;
  let stillFieldVersion = -1;
  const stills = (enc: GPUCommandEncoder, marked: boolean) => {
    if (!marked || !wmPass) return { base: stillLabelled, unlabelled: still };
    if (stillFieldVersion !== wmPass.fieldVersion) {
      wmPass.encode(enc, still, stillMarked);
      wmPass.encode(enc, stillLabelled, stillFinal);
      stillFieldVersion = wmPass.fieldVersion;
    }
    return { base: stillFinal, unlabelled: stillMarked };
  };

  /** Box (output px) of everything drawn per frame: moving vertices and `strips` (the mouth cavity, closed lids). */
  const movingBox = (positions: Float32Array, strips: readonly Extent[]): Box | null => {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    const add = (x: number, y: number) => {
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    };
    for (const v of movingVerts) add(positions[v * 2]!, positions[v * 2 + 1]!);
    for (const e of strips) {
      add(e[0], e[1]);
      add(e[2], e[3]);
    }
    const kx = outWidth / rig.width;
    const ky = outHeight / rig.height;
    const bx0 = Math.max(0, Math.floor(x0 * kx) - 2);
    const by0 = Math.max(0, Math.floor(y0 * ky) - 2);
    const bx1 = Math.min(outWidth, Math.ceil(x1 * kx) + 2);
    const by1 = Math.min(outHeight, Math.ceil(y1 * ky) + 2);
    return bx1 > bx0 && by1 > by0 ? [bx0, by0, bx1 - bx0, by1 - by0] : null;
  };
  const intersect = (a: Box | null, b: Box | null): Box | null => {
    if (!a || !b) return null;
    const x0 = Math.max(a[0], b[0]);
    const y0 = Math.max(a[1], b[1]);
    const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
    const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
    return x1 > x0 && y1 > y0 ? [x0, y0, x1 - x0, y1 - y0] : null;
  };

  /** Record the drawing of the frame whose buffers were written last into `tex`, marked or not. */
  const recordFrame = (enc: GPUCommandEncoder, tex: GPUTexture, marked: boolean, cavAlpha: number, labelRedraw: Box | null, full: boolean) => {
    const { base, unlabelled } = stills(enc, marked);
    if (full) enc.copyTextureToTexture({ texture: base }, { texture: tex }, [outWidth, outHeight]);
    if (labelRedraw) {
      const origin = { x: labelRedraw[0], y: labelRedraw[1] };
      enc.copyTextureToTexture({ texture: unlabelled, origin }, { texture: tex, origin }, [labelRedraw[2], labelRedraw[3]]);
    }
    const pass = enc.beginRenderPass({ colorAttachments: [{ view: tex.createView(), loadOp: 'load', storeOp: 'store' }] });
    const meshGroup = marked ? meshBind.marked : meshBind.plain;
    pass.setPipeline(meshPipeline);
    pass.setBindGroup(0, meshGroup);
    pass.setVertexBuffer(0, posBuf);
    pass.setVertexBuffer(1, uvBuf);
    pass.setIndexBuffer(idxBuf, 'uint32');
    if (plainCount > 0) pass.drawIndexed(plainCount);
    if (plainCount < drawCount) {
      pass.setPipeline(eyePipeline);
      pass.drawIndexed(drawCount - plainCount, 1, plainCount);
    }
    if (cavAlpha > 0) {
      pass.setPipeline(cavPipeline);
      pass.setBindGroup(0, marked ? cavBind.marked : cavBind.plain);
      pass.setVertexBuffer(0, cavBuf);
      pass.setIndexBuffer(cavIdx, 'uint16');
      pass.drawIndexed(CAVITY_TRIANGLES.length);
    }
    for (const l of lidEyes) {
      if (!(l.alpha > 0)) continue;
      pass.setPipeline(lidPipeline);
      pass.setBindGroup(0, marked ? l.bind.marked : l.bind.plain);
      pass.setVertexBuffer(0, l.buf);
      pass.setIndexBuffer(lidIdx, 'uint16');
      pass.drawIndexed(LID_TRIANGLES.length);
    }
    if (labelRedraw) drawLabel(pass, marked, labelRedraw);
    pass.end();
  };

  /**
   * Record one frame's drawing; the clip's first frame, drawn unmarked, first informs the watermark.
   * The frame ends up in the canvas texture (canvas mode) or, for read-back, in the buffer `readback`.
   */
  const encodeFrame = async (positions: Float32Array, pose: PoseParams | undefined, readback: GPUBuffer | null): Promise<GPUCommandEncoder> => {
    if (destroyed) throw new Error('renderer destroyed');
    if (positions.length !== nVerts * 2) throw new Error('positions length does not match the rig');
    device.queue.writeBuffer(posBuf, 0, positions as Float32Array<ArrayBuffer>);
    device.queue.writeBuffer(eyeBuf, 0, eyeUniforms(rig, pose, outWidth / rig.width, eyeData));
    const box = eyesBox(eyeData);
    const cavAlpha = mouthCavity(rig, positions, cavVerts);
    if (cavAlpha > 0) {
      cavUniData[3] = cavAlpha;
      device.queue.writeBuffer(cavUni, 0, cavUniData);
      device.queue.writeBuffer(cavBuf, 0, cavVerts);
    }
    lidEyes.forEach((l, eye) => {
      l.alpha = eyeLid(rig, positions, eye, l.verts, pose);
      if (l.alpha > 0) {
        l.uniData[3] = l.alpha;
        l.uniData.set(lidSkinOffset(rig, positions, lids, eye), 8);
        device.queue.writeBuffer(l.uni, 0, l.uniData);
        device.queue.writeBuffer(l.buf, 0, l.verts);
      }
    });
    // Extents (source px) of the strips drawn over the mesh this frame: the mouth cavity, closed lids.
    const strips: Extent[] = [];
    if (cavAlpha > 0) strips.push(extentOf(cavVerts, CAVITY_STRIDE)!);
    for (const l of lidEyes) if (l.alpha > 0) strips.push(extentOf(l.verts, CAVITY_STRIDE)!);
    const labelRedraw = intersect(ovBox, movingBox(positions, strips));
    const drawTex = context ? context.getCurrentTexture() : target!;
    const informing = wmPass !== null && !wmPass.informed;
    const field = () => wmPass?.fieldVersion ?? 0;
    // What the target holds must have been drawn with this frame's watermark field.
    const full = !redraw || informing || field() !== drawnField;
    if (full) redraw?.invalidate();
    // Which triangles to draw (all, or what changed since the target's frame); the ones that can
    // reach an active eye last, for the eye composite.
    let tris = moving;
    if (redraw) {
      const overlays: Extent[] = [...strips];
      if (box) overlays.push(box);
      if (labelRedraw) {
        const [x, y, w, h] = labelRedraw;
        const kx = outWidth / rig.width, ky = outHeight / rig.height;
        overlays.push([x / kx, y / ky, (x + w) / kx, (y + h) / ky]);
      }
      tris = selected.subarray(0, redraw.select(positions, [...overlays, ...lastOverlays], selected));
      lastOverlays = overlays;
    }
    drawCount = tris.length;
    plainCount = box ? partitionByBox(tris, rig.rest, box, ordered) : drawCount;
    if (drawCount > 0) device.queue.writeBuffer(idxBuf, 0, box ? ordered : tris, 0, drawCount);
    if (wmPass && informing) {
      // Once per clip: the first frame (labelled, unmarked) informs the watermark's amplitudes.
      const first = device.createCommandEncoder();
      recordFrame(first, drawTex, false, cavAlpha, labelRedraw, true);
      device.queue.submit([first.finish()]);
      await wmPass.informFrom(drawTex);
    }
    drawnField = field();
    const enc = device.createCommandEncoder();
    recordFrame(enc, drawTex, wmPass !== null, cavAlpha, labelRedraw, full);
    if (!context) enc.copyTextureToBuffer({ texture: target! }, { buffer: readback!, bytesPerRow }, [outWidth, outHeight]);
    return enc;
  };

  /** Copy a mapped read-back buffer into the 2D frame. */
  const readInto = (buf: GPUBuffer): void => {
    const src = new Uint8Array(buf.getMappedRange());
    const dst = cpuFrame!.image.data;
    const row = outWidth * 4;
    for (let y = 0; y < outHeight; y++) dst.set(src.subarray(y * bytesPerRow, y * bytesPerRow + row), y * row);
    buf.unmap();
    cpuFrame!.touch();
  };

  return {
    kind: 'webgpu',
    get canvas() {
      return cpuFrame ? cpuFrame.paintedCanvas() : canvas;
    },
    presentMode: present,
    videoFrame(timestamp, duration) {
      return cpuFrame ? cpuFrame.videoFrame(timestamp, duration) : new VideoFrame(canvas, { timestamp, duration });
    },
    async render(positions: Float32Array, pose?: PoseParams): Promise<void> {
      const run = submitted.then(async () => {
        const enc = await encodeFrame(positions, pose, readBuf);
        device.queue.submit([enc.finish()]);
        if (context) {
          await device.queue.onSubmittedWorkDone();
          return;
        }
        // Readback mode (canvas presentation broken, e.g. headless SwiftShader): copy to a 2D canvas.
        await readBuf!.mapAsync(GPUMapMode.READ);
        readInto(readBuf!);
      });
      submitted = run.catch(() => undefined);
      await run;
    },
    draw(positions, pose, timestamp, duration) {
      // Taken now: the caller may reuse its arrays for the next frame before this one is recorded.
      const pos = Float32Array.from(positions);
      const ps = pose ? { ...pose, expressions: { ...pose.expressions } } : undefined;
      const slot = ring.length ? ring[drawn++ % ring.length]! : null;
      let frame!: Promise<VideoFrame>;
      // After the frame before it in the chain is submitted and this slot's last frame is read.
      const run = Promise.all([submitted, slot?.busy]).then(async () => {
        if (slot) slot.buf ??= device.createBuffer({ size: bytesPerRow * outHeight, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
        const enc = await encodeFrame(pos, ps, slot?.buf ?? null);
        if (!slot) {
          // A WebGPU canvas holds one frame: take it before the next frame draws over it.
          device.queue.submit([enc.finish()]);
          await device.queue.onSubmittedWorkDone();
          frame = Promise.resolve(new VideoFrame(canvas, { timestamp, duration }));
          return;
        }
        const buf = slot.buf!;
        device.queue.submit([enc.finish()]);
        frame = buf.mapAsync(GPUMapMode.READ).then(() => {
          try {
            // The VideoFrame copies the pixels, so the buffer is free again at once.
            return new VideoFrame(new Uint8Array(buf.getMappedRange()), {
              format: 'RGBA',
              codedWidth: outWidth,
              codedHeight: outHeight,
              layout: [{ offset: 0, stride: bytesPerRow }],
              timestamp,
              duration,
            });
          } finally {
            buf.unmap();
          }
        });
      });
      submitted = run.catch(() => undefined);
      const result = run.then(() => frame);
      if (slot) slot.busy = result.catch(() => undefined);
      return result;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      posBuf.destroy();
      uvBuf.destroy();
      idxBuf.destroy();
      still.destroy();
      uniBuf.destroy();
      eyeBuf.destroy();
      cavBuf.destroy();
      cavIdx.destroy();
      cavUni.destroy();
      lidIdx.destroy();
      for (const l of lidEyes) {
        l.buf.destroy();
        l.uni.destroy();
      }
      srcTex.destroy();
      ovTex?.destroy();
      stillLabelled.destroy();
      if (stillMarked !== still) stillMarked.destroy();
      if (stillFinal !== stillLabelled) stillFinal.destroy();
      zeroField.destroy();
      wmPass?.destroy();
      target?.destroy();
      readBuf?.destroy();
      for (const r of ring) r.buf?.destroy();
      try {
        context?.unconfigure();
      } catch {
        /* ignore */
      }
    },
  };
}

function uploadRgba(device: GPUDevice, img: ImageData): GPUTexture {
  const tex = device.createTexture({
    size: [img.width, img.height],
    format: 'rgba8unorm',
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
  });
  device.queue.writeTexture({ texture: tex }, img.data, { bytesPerRow: img.width * 4, rowsPerImage: img.height }, [img.width, img.height]);
  return tex;
}

/** A 16-bit index buffer holding `indices` (padded to the 4-byte multiple writeBuffer needs). */
function indexBuffer16(device: GPUDevice, indices: Uint16Array): GPUBuffer {
  const padded = new Uint16Array(Math.ceil(indices.length / 2) * 2);
  padded.set(indices);
  const buf = device.createBuffer({ size: padded.byteLength, usage: GPUBufferUsage.INDEX | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buf, 0, padded);
  return buf;
}

/**
 * The pipeline of a strip painted over the mesh (the mouth cavity, the closed lids): vertices of
 * CAVITY_STRIDE floats (position, then u and the two distances), alpha-blended onto the frame.
 */
function stripPipeline(device: GPUDevice, wgsl: string, format: GPUTextureFormat, constants: Record<string, number>, extra: GPUBindGroupLayoutEntry[] = []): GPURenderPipeline {
  const module = device.createShaderModule({ code: wgsl });
  return device.createRenderPipeline({
    layout: device.createPipelineLayout({
      bindGroupLayouts: [
        device.createBindGroupLayout({
          entries: [{ binding: 0, visibility: GPUShaderStage.VERTEX | GPUShaderStage.FRAGMENT, buffer: { type: 'uniform' } }, ...fieldLayout(1), ...extra],
        }),
      ],
    }),
    vertex: {
      module,
      entryPoint: 'vs',
      buffers: [
        {
          arrayStride: CAVITY_STRIDE * 4,
          attributes: [
            { shaderLocation: 0, offset: 0, format: 'float32x2' },
            { shaderLocation: 1, offset: 8, format: 'float32x3' },
          ],
        },
      ],
    },
    fragment: {
      module,
      entryPoint: 'fs',
      constants,
      targets: [
        {
          format,
          blend: PREMULTIPLIED_OVER,
        },
      ],
    },
    primitive: { topology: 'triangle-list', cullMode: 'none' },
  });
}
