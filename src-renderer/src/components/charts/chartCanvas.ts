/**
 * chartCanvas — what every chart component does with its canvas beside drawing it: read a theme colour
 * (the CSS custom properties of the current theme) and export the chart as a PNG.
 *
 * - `cssVar(name, fallback)`: the theme's value of a CSS custom property, or `fallback` outside a page.
 * - `canvasPngBlob(canvas)`: the canvas drawn over the panel background (a chart's canvas is transparent,
 *   so a PNG of it alone would be unreadable on a dark or light viewer), as a PNG blob; null without one.
 */
export function cssVar(name: string, fallback: string): string {
  if (typeof window === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function canvasPngBlob(src: HTMLCanvasElement | null): Promise<Blob | null> {
  if (!src) return Promise.resolve(null);
  const out = document.createElement('canvas');
  out.width = src.width;
  out.height = src.height;
  const ctx = out.getContext('2d');
  if (!ctx) return Promise.resolve(null);
  ctx.fillStyle = cssVar('--bg-panel', '#ffffff');
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(src, 0, 0);
  return new Promise((resolve) => out.toBlob((b) => resolve(b), 'image/png'));
}
