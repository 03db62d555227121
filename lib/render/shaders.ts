/** WGSL for the WebGPU renderer. */

export const MESH_WGSL = /* wgsl */ `
struct Uniforms {
  // Source size in pixels (positions are in source pixels).
  srcSize: vec2f,
  _pad: vec2f,
};
@group(0) @binding(0) var<uniform> u: Uniforms;
@group(0) @binding(1) var srcTex: texture_2d<f32>;
@group(0) @binding(2) var srcSampler: sampler;

struct VsOut {
  @builtin(position) pos: vec4f,
  @location(0) uv: vec2f,
};

@vertex
fn vs(@location(0) p: vec2f, @location(1) uv: vec2f) -> VsOut {
  var o: VsOut;
  let ndc = vec2f(p.x / u.srcSize.x * 2.0 - 1.0, 1.0 - p.y / u.srcSize.y * 2.0);
  o.pos = vec4f(ndc, 0.0, 1.0);
  o.uv = uv;
  return o;
}

@fragment
fn fs(i: VsOut) -> @location(0) vec4f {
  let c = textureSampleLevel(srcTex, srcSampler, i.uv, 0.0);
  return vec4f(c.rgb, 1.0);
}
`;

export const OVERLAY_WGSL = /* wgsl */ `
@group(0) @binding(0) var ovTex: texture_2d<f32>;

@vertex
fn vs(@builtin(vertex_index) vi: u32) -> @builtin(position) vec4f {
  // One triangle covering the viewport.
  let x = f32((vi << 1u) & 2u) * 2.0 - 1.0;
  let y = f32(vi & 2u) * 2.0 - 1.0;
  return vec4f(x, y, 0.0, 1.0);
}

@fragment
fn fs(@builtin(position) fc: vec4f) -> @location(0) vec4f {
  // Same size as the output: fetch the texel under this pixel (straight alpha; blending composites it).
  return textureLoad(ovTex, vec2i(fc.xy), 0);
}
`;
