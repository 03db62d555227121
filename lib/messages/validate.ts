// A tiny structural validator: every message crossing a context boundary is checked against its
// shape before use, because nothing that arrives from a page (or a stale context) can be trusted.

export type Check<T> = (v: unknown, path: string) => T;

export class InvalidMessage extends Error {}

const fail = (path: string, what: string): never => {
  throw new InvalidMessage(`${path}: expected ${what}`);
};

export const str =
  (max = 8192): Check<string> =>
  (v, p) =>
    typeof v === 'string' && v.length <= max ? v : fail(p, `string of at most ${max} chars`);

export const num =
  (min = -Infinity, max = Infinity): Check<number> =>
  (v, p) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : fail(p, `number in [${min}, ${max}]`);

export const int = (min = -Infinity, max = Infinity): Check<number> => {
  const n = num(min, max);
  return (v, p) => (Number.isInteger(n(v, p)) ? (v as number) : fail(p, 'integer'));
};

export const bool: Check<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'boolean'));

export const lit =
  <T extends string>(...values: T[]): Check<T> =>
  (v, p) =>
    values.includes(v as T) ? (v as T) : fail(p, `one of ${values.join(', ')}`);

export const opt =
  <T>(c: Check<T>): Check<T | undefined> =>
  (v, p) =>
    v === undefined || v === null ? undefined : c(v, p);

export const arr =
  <T>(c: Check<T>, max = 1000): Check<T[]> =>
  (v, p) =>
    Array.isArray(v) && v.length <= max ? v.map((x, i) => c(x, `${p}[${i}]`)) : fail(p, `array of at most ${max}`);

type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** Keys whose check may yield undefined become optional keys. */
export type Shape<S extends Record<string, Check<unknown>>> = Simplify<
  { [K in keyof S as undefined extends ReturnType<S[K]> ? never : K]: ReturnType<S[K]> } & {
    [K in keyof S as undefined extends ReturnType<S[K]> ? K : never]?: ReturnType<S[K]>;
  }
>;

export const obj =
  <S extends Record<string, Check<unknown>>>(shape: S): Check<Shape<S>> =>
  (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'object');
    const out: Record<string, unknown> = {};
    for (const [k, c] of Object.entries(shape)) out[k] = c((v as Record<string, unknown>)[k], `${p}.${k}`);
    return out as Shape<S>;
  };

/** A JPEG as a base64 data URL (a picture taken from the screen, lib/background/capture.ts). */
export const jpegDataUrl: Check<string> = (v, p) => {
  const s = str(4_000_000)(v, p);
  if (!/^data:image\/jpeg;base64,[A-Za-z0-9+/]+={0,2}$/.test(s)) fail(p, 'JPEG data URL');
  return s;
};

/** An http(s), data: or blob: URL, the only schemes a source may come from. */
export const url: Check<string> = (v, p) => {
  const s = str(4_000_000)(v, p);
  if (!/^(https?:|data:image\/|blob:)/i.test(s)) fail(p, 'http(s), data:image or blob: URL');
  return s;
};
