/** WGSL for the WebGPU renderer. */
import { markWhileDrawingWgsl } from '../watermark/embed-gpu';
import { LASH_STRENGTH, LASH_WIDTH, LID_FADE, LID_FEATHER, LID_GRAIN } from './lids';
import { HAIR_FEATHER, HAIR_TEETH, TEETH_HEIGHT, TEETH_SOFT } from './mouth';

// Every pass that draws into the frame adds the watermark as it draws (markWhileDrawingWgsl).

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

// Gaze (see eyes.ts; eyeShade mirrors eyeSampleAt there, keep them in step): per eye 12 vec4s:
// frame origin + u axis, v axis + lid sample start and spacing, iris centre + half axes, gaze offset
// + edge width + active, then 16 (upper, lower) lid samples, two per vec4.
struct Eyes {
  e: array<vec4f, 24>,
};
@group(0) @binding(3) var<uniform> eyes: Eyes;
${markWhileDrawingWgsl(4)}

fn lidSample(b: u32, k: u32) -> vec2f {
  let q = eyes.e[b + 4u + k / 2u];
  return select(q.zw, q.xy, k % 2u == 0u);
}

fn lidAt(b: u32, u: f32) -> vec2f {
  let t = (u - eyes.e[b + 1u].z) / eyes.e[b + 1u].w;
  if (!(t >= 0.0 && t <= 15.0)) {
    return vec2f(1e9, -1e9);
  }
  let k = min(14u, u32(floor(t)));
  return mix(lidSample(b, k), lidSample(b, k + 1u), t - f32(k));
}

fn srcAt(p: vec2f) -> vec3f {
  return textureSampleLevel(srcTex, srcSampler, p / u.srcSize, 0.0).rgb;
}

fn eyeShade(b: u32, s: vec2f, c0: vec3f) -> vec3f {
  let g = eyes.e[b + 3u];
  if (!(g.w > 0.0)) {
    return c0;
  }
  let f0 = eyes.e[b];
  let f1 = eyes.e[b + 1u];
  let ir = eyes.e[b + 2u];
  let p = s - f0.xy;
  let uu = dot(p, f0.zw);
  let vv = dot(p, f1.xy);
  let edge = g.z;
  if (abs(uu - ir.x) > ir.z + abs(g.x) + 2.0 * edge || abs(vv - ir.y) > ir.w + abs(g.y) + 2.0 * edge) {
    return c0;
  }
  let lid = lidAt(b, uu);
  let open = clamp(min(vv - lid.x, lid.y - vv) / edge + 0.5, 0.0, 1.0);
  if (!(open > 0.0)) {
    return c0;
  }
  let rMin = min(ir.z, ir.w);
  let qNew = length(vec2f((uu - g.x - ir.x) / ir.z, (vv - g.y - ir.y) / ir.w));
  let qOld = length(vec2f((uu - ir.x) / ir.z, (vv - ir.y) / ir.w));
  let cNew = clamp((1.0 - qNew) * rMin / edge + 0.5, 0.0, 1.0);
  let cOld = clamp((1.0 - qOld) * rMin / edge + 0.5, 0.0, 1.0);
  if (!(cNew > 0.0) && !(cOld > 0.0)) {
    return c0;
  }
  var side = select(-1.0, 1.0, g.x <= 0.0);
  if (uu > ir.x) {
    side = 1.0;
  } else if (uu < ir.x) {
    side = -1.0;
  }
  let dv = (vv - ir.y) / ir.w;
  let hw = ir.z * sqrt(max(0.0, 1.0 - dv * dv));
  let uEnd = f1.z + 15.0 * f1.w;
  let us = min(uEnd - edge, max(f1.z + edge, ir.x + side * (2.0 * hw - abs(uu - ir.x) + 1.5 * edge)));
  let sl = lidAt(b, us);
  var vs = 0.5 * (sl.x + sl.y);
  if (sl.y - sl.x > 2.0 * edge) {
    vs = min(sl.y - edge, max(sl.x + edge, vv));
  }
  let ui = uu - g.x;
  let il = lidAt(b, ui);
  var vi = vv - g.y;
  if (il.y - il.x > edge) {
    vi = min(il.y - 0.5 * edge, max(il.x + 0.5 * edge, vv - g.y));
  }
  let sclera = srcAt(f0.xy + us * f0.zw + vs * f1.xy);
  let iris = srcAt(f0.xy + ui * f0.zw + vi * f1.xy);
  var c = mix(c0, sclera, open * cOld * (1.0 - cNew));
  c = mix(c, iris, open * cNew);
  return c;
}

// Everywhere but around the eyes: the eye composite, even when it leaves a pixel alone, costs ten
// times the plain sample on a software adapter (SwiftShader runs both sides of every branch), so
// the renderer draws only the triangles that can reach an active eye with fs.
@fragment
fn fsPlain(i: VsOut) -> @location(0) vec4f {
  return vec4f(wmOpaque(textureSampleLevel(srcTex, srcSampler, i.uv, 0.0).rgb, i.pos.xy), 1.0);
}

@fragment
fn fs(i: VsOut) -> @location(0) vec4f {
  var c = textureSampleLevel(srcTex, srcSampler, i.uv, 0.0).rgb;
  let s = i.uv * u.srcSize;
  c = eyeShade(0u, s, c);
  c = eyeShade(12u, s, c);
  return vec4f(wmOpaque(c, i.pos.xy), 1.0);
}
`;

export const OVERLAY_WGSL = /* wgsl */ `
@group(0) @binding(0) var ovTex: texture_2d<f32>;
${markWhileDrawingWgsl(1)}

@vertex
fn vs(@builtin(vertex_index) vi: u32) -> @builtin(position) vec4f {
  // One triangle covering the viewport.
  let x = f32((vi << 1u) & 2u) * 2.0 - 1.0;
  let y = f32(vi & 2u) * 2.0 - 1.0;
  return vec4f(x, y, 0.0, 1.0);
}

@fragment
fn fs(@builtin(position) fc: vec4f) -> @location(0) vec4f {
  // Same size as the output: the texel under this pixel (straight alpha), laid over premultiplied.
  let c = textureLoad(ovTex, vec2i(fc.xy), 0);
  return wmOver(c.rgb, c.a, fc.xy);
}
`;

/**
 * The mouth cavity (see mouth.ts; fs mirrors shadeCavity there, keep them in step). Vertex data:
 * position (source px), cavity coordinate u (-1..1 corner to corner) and the distances (source px)
 * below the upper and above the lower inner lip. Drawn after the mesh, blended over it.
 */
/**
 * Vertex stage of the strips drawn over the mesh (mouth cavity, closed lids): source-px positions
 * to clip space, the strip coordinates (u and the two distances) passed on. Each shader's uniform
 * `m` starts with `srcSize`.
 */
const STRIP_VERTEX_WGSL = /* wgsl */ `
struct VsOut {
  @builtin(position) pos: vec4f,
  @location(0) uvh: vec3f,
  // Position in source px.
  @location(1) p: vec2f,
};

@vertex
fn vs(@location(0) p: vec2f, @location(1) uvh: vec3f) -> VsOut {
  var o: VsOut;
  o.pos = vec4f(p.x / m.srcSize.x * 2.0 - 1.0, 1.0 - p.y / m.srcSize.y * 2.0, 0.0, 1.0);
  o.uvh = uvh;
  o.p = p;
  return o;
}
`;

export const CAVITY_WGSL = /* wgsl */ `
struct Cavity {
  srcSize: vec2f,
  // Output px per source px; overall opacity.
  px: f32,
  alpha: f32,
  // Lip colour (rgb) and mouth width (source px).
  lip: vec4f,
  // Skin colour (rgb); 1 where hair hides the lips (MouthStyle.hair).
  skin: vec4f,
  // Tongue tint (rgb).
  tongue: vec4f,
  // The teeth's lit colour (rgb).
  teeth: vec4f,
};
@group(0) @binding(0) var<uniform> m: Cavity;
${markWhileDrawingWgsl(1)}

${STRIP_VERTEX_WGSL}
fn sstep(e0: f32, e1: f32, x: f32) -> f32 {
  let t = clamp((x - e0) / (e1 - e0), 0.0, 1.0);
  return t * t * (3.0 - 2.0 * t);
}

@fragment
fn fs(i: VsOut) -> @location(0) vec4f {
  let u = i.uvh.x;
  let dUp = i.uvh.y;
  let dLo = i.uvh.z;
  let colH = max(0.0, dUp + dLo);
  let lip = m.lip.rgb;
  let mouthW = m.lip.w;
  let px = m.px;
  let side = min(1.0, u * u);
  var c = lip * (0.2 * (1.0 - 0.55 * side));
  let tH = min(0.4 * colH, 0.09 * mouthW) * (1.0 - 0.6 * side);
  var tongue = 0.0;
  var tRel = 0.0;
  if (tH > 0.0) {
    tongue = clamp((tH - dLo) * px + 0.5, 0.0, 1.0);
    tRel = clamp((tH - dLo) / tH, 0.0, 1.0);
  }
  let tShade = 0.5 * (1.0 - 0.5 * side) * (0.75 + 0.25 * tRel);
  c = mix(c, lip * m.tongue.rgb * tShade, tongue);
  let hair = m.skin.w;
  let underHair = 1.0 - (1.0 - ${HAIR_TEETH.toFixed(4)}) * hair;
  let teethH = min(${TEETH_HEIGHT.toFixed(4)} * mouthW, 0.5 * colH) * (1.0 - 0.45 * side) * underHair;
  let soft = max(1.0, ${TEETH_SOFT.toFixed(4)} * mouthW * px);
  var teeth = 0.0;
  if (teethH > 0.0) {
    teeth = clamp((teethH - dUp) * px / soft + 0.5, 0.0, 1.0);
  }
  let f = u / 0.17 + 0.5;
  let gapD = abs(f - floor(f) - 0.5);
  let gap = 1.0 - 0.12 * (1.0 - sstep(0.03, 0.16, gapD));
  let shadow = 0.55 + 0.45 * sstep(0.0, 0.5 * max(teethH, 1e-6), dUp);
  let tw = (1.0 - 0.6 * side) * underHair * gap * shadow;
  c = mix(c, tw * m.teeth.rgb, teeth);
  var top = clamp(dUp * px, 0.0, 1.0);
  if (hair > 0.0) {
    top = sstep(0.0, ${HAIR_FEATHER.toFixed(4)} * mouthW, dUp);
  }
  let edge = min(top, clamp(dLo * px, 0.0, 1.0));
  return wmOver(c, m.alpha * edge, i.pos.xy);
}
`;

/** Closed eyelids (see lids.ts; fs mirrors shadeLid and rasterizeLid there). Same vertex layout as the cavity. */
export const LID_WGSL = /* wgsl */ `
struct Lid {
  srcSize: vec2f,
  px: f32,
  alpha: f32,
  // Tint of the skin carried up (rgb) and eye width (source px).
  gain: vec4f,
  // Offset (source px) from a point of the lid to the skin under the eye it shows.
  skinOffset: vec4f,
  // The lash line's colour (rgb).
  lash: vec4f,
  // The lid's mean colour (rgb).
  tone: vec4f,
};
@group(0) @binding(0) var<uniform> m: Lid;
${markWhileDrawingWgsl(1)}
@group(0) @binding(3) var srcTex: texture_2d<f32>;
@group(0) @binding(4) var srcSampler: sampler;

${STRIP_VERTEX_WGSL}
@fragment
fn fs(i: VsOut) -> @location(0) vec4f {
  let u = i.uvh.x;
  let dUp = i.uvh.y;
  let dLo = i.uvh.z;
  let w = m.gain.w;
  let carried = textureSampleLevel(srcTex, srcSampler, (i.p + m.skinOffset.xy) / m.srcSize, 0.0).rgb * m.gain.rgb;
  let skin = m.tone.rgb + ${LID_GRAIN.toFixed(4)} * (carried - m.tone.rgb);
  let t = clamp(dLo / (${LASH_WIDTH.toFixed(4)} * w), 0.0, 1.0);
  let line = ${LASH_STRENGTH.toFixed(4)} * (1.0 - t * t * (3.0 - 2.0 * t));
  let side = 1.0 - 0.12 * min(1.0, u * u);
  // Fades in from the top over LID_FADE of its height (at least LID_FEATHER eye widths); one-pixel
  // edge along the lash line.
  let f = clamp(dUp / max(${LID_FEATHER.toFixed(4)} * w, ${LID_FADE.toFixed(4)} * (dUp + dLo)), 0.0, 1.0);
  let edge = clamp(dLo * m.px + 1.0, 0.0, 1.0) * f * f * (3.0 - 2.0 * f);
  return wmOver(skin * side * (1.0 - line) + m.lash.rgb * line, m.alpha * edge, i.pos.xy);
}
`;
