export type { FrameRenderer, PoseParams, Rig, ExpressionName } from './types';
export { EXPRESSION_NAMES } from './types';
export { buildRig, headFrame, triangleArea2, HEAD_RINGS, type RigLayout, type HeadFrame } from './mesh';
export { poseRig, countFlippedTriangles } from './pose';
export { rasterizeMesh, compositeOverlay, restUvs, type RgbaImage } from './raster';
export { createCpuRenderer, type CpuRendererOptions } from './cpu';
export { createWebGpuRenderer, getGpuDevice, preferredPresentMode, type WebGpuRendererOptions } from './webgpu';
export { sourceSample } from './source';

import type { FrameRenderer } from './types';
import { createCpuRenderer } from './cpu';
import { createWebGpuRenderer, getGpuDevice, type WebGpuRendererOptions } from './webgpu';

export interface CreateRendererOptions extends WebGpuRendererOptions {
  /** Skip WebGPU and use the CPU rasteriser. */
  forceCpu?: boolean;
}

/** WebGPU when available, else the CPU rasteriser; `kind` on the result says which. */
export async function createRenderer(opts: CreateRendererOptions): Promise<FrameRenderer> {
  if (!opts.forceCpu) {
    try {
      const device = opts.device ?? (await getGpuDevice());
      if (device) return await createWebGpuRenderer({ ...opts, device });
    } catch (err) {
      console.warn('[sfumato] WebGPU renderer failed, falling back to CPU:', err);
    }
  }
  const { device: _device, forceCpu: _forceCpu, ...cpuOpts } = opts;
  return createCpuRenderer(cpuOpts);
}
