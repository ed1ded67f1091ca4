/**
 * DOM helpers. Every text goes in through `textContent` and every attribute through
 * `setAttribute`; nothing here (or anywhere in the webview) parses HTML from strings, so group
 * ids, client ids, hosts and topic names from the network can never become markup.
 */
export type Child = Node | string | null | undefined | false;

export interface ElementOptions {
  readonly className?: string;
  readonly text?: string;
  readonly attrs?: Readonly<Record<string, string | number | boolean | null | undefined>>;
  readonly on?: { readonly [K in keyof HTMLElementEventMap]?: (ev: HTMLElementEventMap[K]) => void };
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (options.className !== undefined) e.className = options.className;
  if (options.text !== undefined) e.textContent = options.text;
  if (options.attrs !== undefined) setAttrs(e, options.attrs);
  if (options.on !== undefined) {
    for (const [type, fn] of Object.entries(options.on)) {
      if (fn !== undefined) e.addEventListener(type, fn as EventListener);
    }
  }
  append(e, children);
  return e;
}

export function setAttrs(
  e: Element,
  attrs: Readonly<Record<string, string | number | boolean | null | undefined>>,
): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on') || k === 'style' || k === 'srcdoc')
      throw new Error(`refusing to set attribute ${k}`);
    if (v === null || v === undefined || v === false) e.removeAttribute(k);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, children: readonly Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Sets text only when it differs (avoids needless layout work on every tick). */
export function setText(e: Element, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}

/** A codicon as an inline glyph (decorative: hidden from screen readers). */
export function icon(name: string, extraClass = ''): HTMLSpanElement {
  return el('span', {
    className: `codicon codicon-${name}${extraClass !== '' ? ` ${extraClass}` : ''}`,
    attrs: { 'aria-hidden': 'true' },
  });
}

let uid = 0;
export function uniqueId(prefix: string): string {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** Calls `fn` with the element's new width (CSS px, at least `min`) whenever it changes. */
export function onWidthChange(e: Element, fn: (width: number) => void, min = 200): void {
  let last = -1;
  new ResizeObserver(() => {
    const w = Math.max(min, Math.floor(e.clientWidth));
    if (w !== last) {
      last = w;
      fn(w);
    }
  }).observe(e);
}
