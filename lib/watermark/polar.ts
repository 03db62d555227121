// Polar code with puncturing, and its successive-cancellation list (SCL) decoder. Pure, no DOM.
//
// Why a polar code: the watermark's channel is weak (a coded bit's soft value often has SNR near 1)
// and the block is short (96 information bits). At that length a polar code decoded with a list of
// candidates and a CRC to pick the right one needs about 1.5 dB less signal per chip than the K=7
// convolutional code with Viterbi decoding of format v1 (simulated on Gaussian soft values; checked
// in tests/unit/watermark-polar.test.ts), which is most of what the hardest portraits were missing.
//
// Conventions. N = 2^n coded bits x = u G, with G built recursively: for u = [a, b] (halves),
// x = [enc(a) XOR enc(b), enc(b)]. Decoding walks the same tree: a node with channel LLRs l (l > 0
// means bit 0) gives its left half f(l[i], l[i + h]) and, once the left half is decided, its right
// half l[i + h] + (1 - 2 a_i) l[i]. The min-sum f (sign times min) makes the decoder scale-free, so
// soft values need no calibration. Punctured coded bits are not transmitted (LLR 0).
//
// The frozen set is chosen with Bhattacharyya parameters (given per coded bit, 1 for a punctured one;
// bad child z1 + z2 - z1 z2, good child z1 z2). Only +, - and * are used, which IEEE
// arithmetic rounds the same way in every JavaScript engine, so embedder and detector always agree.

export interface PolarCode {
  /** Code length (a power of 2). */
  N: number;
  /** Information positions in u, ascending. */
  info: Uint16Array;
  /** 1 where u is frozen to 0. */
  frozen: Uint8Array;
  /** Positions of x that are transmitted, ascending (the rest are punctured). */
  sent: Uint16Array;
}

/**
 * Build a polar code of length N carrying k information bits. z: the Bhattacharyya parameter of every
 * coded bit's channel at the design point (0 < z < 1), 1 where the bit is punctured (not transmitted).
 */
export function polarCode(N: number, k: number, z: ArrayLike<number>): PolarCode {
  if (N & (N - 1) || z.length !== N) throw new Error('polarCode: N must be a power of 2 and match z');
  // z[i] for the synthetic channel of u_i, by the same recursion as the decoder's tree.
  const rec = (z: Float64Array): Float64Array => {
    if (z.length === 1) return z;
    const h = z.length >> 1;
    const bad = new Float64Array(h);
    const good = new Float64Array(h);
    for (let i = 0; i < h; i++) {
      const a = z[i]!;
      const b = z[i + h]!;
      bad[i] = a + b - a * b;
      good[i] = a * b;
    }
    const out = new Float64Array(z.length);
    out.set(rec(bad), 0);
    out.set(rec(good), h);
    return out;
  };
  const zu = rec(Float64Array.from(z));
  // Most reliable k positions; ties (only among exactly equal z) broken by the higher index.
  const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => zu[a]! - zu[b]! || b - a);
  const info = Uint16Array.from(order.slice(0, k)).sort();
  const frozen = new Uint8Array(N).fill(1);
  for (const i of info) frozen[i] = 0;
  const sent: number[] = [];
  for (let i = 0; i < N; i++) if (z[i]! < 1) sent.push(i);
  return { N, info, frozen, sent: Uint16Array.from(sent) };
}

/** x = u G (in place on a copy). */
export function polarTransform(u: Uint8Array): Uint8Array {
  const x = Uint8Array.from(u);
  const N = x.length;
  for (let len = 1; len < N; len <<= 1)
    for (let b = 0; b < N; b += len << 1) for (let i = b; i < b + len; i++) x[i] = x[i]! ^ x[i + len]!;
  return x;
}

/** Encode k information bits: the transmitted coded bits (length code.sent.length). */
export function polarEncode(code: PolarCode, bits: ArrayLike<number>): Uint8Array {
  const u = new Uint8Array(code.N);
  code.info.forEach((p, j) => (u[p] = bits[j]!));
  const x = polarTransform(u);
  return Uint8Array.from(code.sent, (p) => x[p]!);
}

/**
 * SCL decoding. soft: one value per transmitted bit, > 0 meaning the bit is more likely 1 (the
 * watermark's convention; any scale). Returns up to L candidate information-bit vectors, best first.
 */
export function polarListDecode(code: PolarCode, soft: ArrayLike<number>, L: number): Uint8Array[] {
  const { N, frozen } = code;
  const n = Math.log2(N);
  // Per path: alpha[d] (LLRs of the current node at depth d, length N >> d) stored at offset N - (N >> (d - 1))...
  // simpler: one Float64Array of 2N with depth d at offset off[d]; beta likewise for the left and right
  // partial sums of each depth.
  const off = new Int32Array(n + 2);
  for (let d = 0, o = 0; d <= n; d++) {
    off[d] = o;
    o += N >> d;
  }
  interface Path {
    metric: number;
    alpha: Float64Array;
    betaL: Uint8Array;
    betaR: Uint8Array;
    u: Uint8Array;
  }
  const root = new Float64Array(2 * N);
  code.sent.forEach((p, j) => (root[p] = -soft[j]!)); // decoder LLR: > 0 means 0
  let paths: Path[] = [{ metric: 0, alpha: root, betaL: new Uint8Array(2 * N), betaR: new Uint8Array(2 * N), u: new Uint8Array(N) }];
  const clone = (p: Path): Path => ({ metric: p.metric, alpha: Float64Array.from(p.alpha), betaL: Uint8Array.from(p.betaL), betaR: Uint8Array.from(p.betaR), u: Uint8Array.from(p.u) });

  const descend = (p: Path, i: number) => {
    // Depths below the highest bit where i differs from i - 1 must be recomputed.
    let start = 0;
    if (i > 0) start = n - 1 - Math.floor(Math.log2(i ^ (i - 1)));
    const a = p.alpha;
    for (let d = start; d < n; d++) {
      const len = N >> (d + 1);
      const po = off[d]!;
      const co = off[d + 1]!;
      if (((i >> (n - 1 - d)) & 1) === 0) {
        for (let j = 0; j < len; j++) {
          const x = a[po + j]!;
          const y = a[po + j + len]!;
          const m = Math.min(Math.abs(x), Math.abs(y));
          a[co + j] = (x < 0) !== (y < 0) ? -m : m;
        }
      } else {
        const bl = p.betaL;
        for (let j = 0; j < len; j++) a[co + j] = a[po + j + len]! + (bl[co + j] ? -a[po + j]! : a[po + j]!);
      }
    }
  };
  const ascend = (p: Path, i: number, bit: number) => {
    // Leaf at depth n; combine partial sums upwards while the node is a right child.
    let d = n;
    let v = i;
    (v & 1 ? p.betaR : p.betaL)[off[n]!] = bit;
    while (d > 0 && v & 1) {
      const len = N >> d;
      const co = off[d]!;
      const po = off[d - 1]!;
      const target = (v >> 1) & 1 ? p.betaR : p.betaL;
      for (let j = 0; j < len; j++) {
        const l = p.betaL[co + j]!;
        const r = p.betaR[co + j]!;
        target[po + j] = l ^ r;
        target[po + j + len] = r;
      }
      d--;
      v >>= 1;
    }
  };

  for (let i = 0; i < N; i++) {
    for (const p of paths) descend(p, i);
    const leaf = off[n]!;
    if (frozen[i]) {
      for (const p of paths) {
        const l = p.alpha[leaf]!;
        if (l < 0) p.metric -= l;
        ascend(p, i, 0);
      }
      continue;
    }
    const cand: { p: Path; bit: number; m: number }[] = [];
    for (const p of paths) {
      const l = p.alpha[leaf]!;
      cand.push({ p, bit: 0, m: p.metric + (l < 0 ? -l : 0) });
      cand.push({ p, bit: 1, m: p.metric + (l > 0 ? l : 0) });
    }
    cand.sort((x, y) => x.m - y.m);
    const keep = cand.slice(0, L);
    // A path kept with both bits is copied once, before either extension touches it.
    const uses = new Map<Path, number>();
    for (const c of keep) uses.set(c.p, (uses.get(c.p) ?? 0) + 1);
    const next: Path[] = [];
    for (const c of keep) {
      let p = c.p;
      if (uses.get(p) === 2) {
        uses.set(p, 1);
        p = clone(p);
      }
      p.metric = c.m;
      p.u[i] = c.bit;
      ascend(p, i, c.bit);
      next.push(p);
    }
    paths = next;
  }
  paths.sort((a, b) => a.metric - b.metric);
  return paths.map((p) => Uint8Array.from(code.info, (pos) => p.u[pos]!));
}
