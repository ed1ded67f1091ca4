/**
 * Canvas colours come from the same CSS custom properties as the rest of the page (which map to
 * VS Code's `--vscode-*` theme variables), so light, dark and high-contrast themes all work.
 */
export interface Rgba {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly a: number;
  /** The colour as a CSS string for canvas fillStyle. */
  readonly css: string;
  /** Little-endian packed ABGR for Uint32 ImageData writes. */
  readonly packed: number;
}

let probe: CanvasRenderingContext2D | null = null;

/** Resolves any CSS colour string to RGBA by painting one pixel. */
export function parseColor(css: string, fallback: string): Rgba {
  if (probe === null) {
    const c = document.createElement('canvas');
    c.width = 1;
    c.height = 1;
    probe = c.getContext('2d', { willReadFrequently: true });
  }
  const ctx = probe;
  if (ctx === null) return pack(0, 0, 0, 255);
  ctx.clearRect(0, 0, 1, 1);
  ctx.fillStyle = fallback;
  ctx.fillStyle = css.trim() === '' ? fallback : css.trim();
  ctx.fillRect(0, 0, 1, 1);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  return pack(d[0] ?? 0, d[1] ?? 0, d[2] ?? 0, d[3] ?? 255);
}

function pack(r: number, g: number, b: number, a: number): Rgba {
  return {
    r,
    g,
    b,
    a,
    css: `rgba(${r},${g},${b},${(a / 255).toFixed(3)})`,
    packed: ((a << 24) | (b << 16) | (g << 8) | r) >>> 0,
  };
}

const cache = new Map<string, Rgba>();

/** Reads a colour custom property from the body (cached until the theme changes). */
export function cssVar(name: string, fallback: string): Rgba {
  let c = cache.get(name);
  if (c === undefined) {
    c = parseColor(getComputedStyle(document.body).getPropertyValue(name), fallback);
    cache.set(name, c);
  }
  return c;
}

/** The editor UI font for canvas text, optionally at another pixel size. */
export function cssFont(sizePx?: number): string {
  const s = getComputedStyle(document.body);
  const size =
    sizePx !== undefined ? `${sizePx}px` : s.getPropertyValue('--vscode-font-size').trim() || '13px';
  const family = s.getPropertyValue('--vscode-font-family').trim() || 'sans-serif';
  return `${size} ${family}`;
}

const themeListeners: (() => void)[] = [];
let observer: MutationObserver | null = null;

/** Calls `fn` whenever VS Code switches theme (it changes the body's class and the page's style). */
export function onThemeChange(fn: () => void): void {
  themeListeners.push(fn);
  if (observer !== null) return;
  observer = new MutationObserver(() => {
    cache.clear();
    for (const l of themeListeners) l();
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}
