// The page as it is drawn, shadow roots included: a portrait may sit inside a web component (an
// image gallery, a carousel, a lazy-image element), where document.images, :hover and
// elementsFromPoint do not reach. Closed shadow roots too: a content script may open them
// (chrome.dom.openOrClosedShadowRoot).

/** The element's shadow root, open or closed; null when it has none. */
export function shadowOf(el: Element): ShadowRoot | null {
  const dom = (globalThis as { chrome?: { dom?: { openOrClosedShadowRoot?: (e: HTMLElement) => ShadowRoot | null } } }).chrome?.dom;
  if (el instanceof HTMLElement && dom?.openOrClosedShadowRoot) {
    try {
      return dom.openOrClosedShadowRoot(el) ?? null;
    } catch {
      /* not an element that can host a shadow root */
    }
  }
  return el.shadowRoot;
}

/** Every element matching `selector` in the document and in every shadow root within it. */
export function queryAllDeep<E extends Element = Element>(selector: string, root: Document | ShadowRoot = document): E[] {
  const out = [...root.querySelectorAll<E>(selector)];
  for (const el of root.querySelectorAll('*')) {
    const inner = shadowOf(el);
    if (inner) out.push(...queryAllDeep<E>(selector, inner));
  }
  return out;
}

/** The innermost element under the pointer, inside shadow roots too (the page's hover state). */
export function deepestHovered(): Element | null {
  let root: Document | ShadowRoot = document;
  let found: Element | null = null;
  for (let depth = 0; depth < 32; depth++) {
    const hovered: NodeListOf<Element> = root.querySelectorAll(':hover');
    const last = hovered[hovered.length - 1];
    if (!last) break;
    found = last;
    const inner = shadowOf(last);
    if (!inner) break;
    root = inner;
  }
  return found;
}

/** The element that has the keyboard focus, inside shadow roots too; null when nothing but the page has it. */
export function deepestFocused(): Element | null {
  let el: Element | null = document.activeElement;
  for (let depth = 0; el && depth < 32; depth++) {
    const inner = shadowOf(el)?.activeElement ?? null;
    if (!inner) break;
    el = inner;
  }
  return el && el !== document.body && el !== document.documentElement ? el : null;
}

/** Everything drawn at a viewport point, topmost first, a shadow root's content above its host. */
export function elementsFromPointDeep(x: number, y: number, root: Document | ShadowRoot = document, depth = 0): Element[] {
  const out: Element[] = [];
  for (const el of root.elementsFromPoint(x, y)) {
    // A shadow root lists the page's elements under its host too: those are the outer root's to list.
    if (el.getRootNode() !== root) continue;
    const inner = depth < 16 ? shadowOf(el) : null;
    if (inner) out.push(...elementsFromPointDeep(x, y, inner, depth + 1));
    out.push(el);
  }
  return out;
}

/** The element's parent as the page lays it out: across a slot, and out of a shadow root to its host. */
export function layoutParent(el: Element): Element | null {
  if (el.assignedSlot) return el.assignedSlot;
  if (el.parentElement) return el.parentElement;
  const root = el.getRootNode();
  return root instanceof ShadowRoot ? root.host : null;
}
