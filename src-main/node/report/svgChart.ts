/**
 * svgChart — a line chart of counter series as a self-contained SVG string (reports: HTML and PDF),
 * drawn like the client's Advanced performance chart: virtual time on x, one y axis per unit (at most
 * two, left and right), a legend.
 *
 * - `lineChartSvg(spec)` → `<svg …>…</svg>`; `niceTicks(min, max, n)`; `formatClockMs(ms)`.
 *
 * Rules: deterministic (same input, same bytes); every text escaped; gaps (null samples) break the line,
 * they are never drawn as zero; an empty chart says "no samples" instead of drawing an axis of nothing.
 */
import { escapeHtml } from '@shared/exercise/index';

export interface ChartSeries {
  name: string;
  unit: string;
  points: { t: number; v: number | null }[];
}

export interface ChartSpec {
  title: string;
  series: ChartSeries[];
  width?: number;
  height?: number;
}

/** The client's chart palette (components/charts), so report and UI colours agree. */
export const PALETTE = ['#0072a3', '#d4731f', '#318700', '#8939ad', '#c21d00', '#00838f'];

export function formatClockMs(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1] < max) out.push(Number((out[out.length - 1] + step).toPrecision(12)));
  return out;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(4)));
}

export function lineChartSvg(spec: ChartSpec): string {
  const W = spec.width ?? 640;
  const H = spec.height ?? 240;
  const units = [...new Set(spec.series.map((s) => s.unit))].slice(0, 2);
  const pad = { l: 56, r: units.length > 1 ? 56 : 16, t: 12, b: 52 };
  const pw = W - pad.l - pad.r;
  const ph = H - pad.t - pad.b;
  const all = spec.series.flatMap((s) => s.points);
  const ts = all.map((p) => p.t);
  const label = escapeHtml(spec.title);
  const open = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${label}" class="chart" font-family="Helvetica, Arial, sans-serif" font-size="11">`;
  const values = all.map((p) => p.v).filter((v): v is number => v !== null && Number.isFinite(v));
  if (!ts.length || !values.length) {
    return `${open}<rect x="0.5" y="0.5" width="${W - 1}" height="${H - 1}" fill="#fff" stroke="#ccc"/><text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#666">no samples in this period</text></svg>`;
  }
  const x0 = Math.min(...ts);
  const x1 = Math.max(...ts) > x0 ? Math.max(...ts) : x0 + 20_000;
  const sx = (t: number) => pad.l + ((t - x0) / (x1 - x0)) * pw;
  const axes = units.map((u) => {
    const vs = spec.series.filter((s) => s.unit === u).flatMap((s) => s.points.map((p) => p.v)).filter((v): v is number => v !== null && Number.isFinite(v));
    const lo = Math.min(0, ...vs);
    const hi = Math.max(...vs, lo + (u === 'percent' || u === '%' ? 1 : 1e-9));
    const ticks = niceTicks(lo, hi);
    return { unit: u, ticks, lo: ticks[0], hi: ticks[ticks.length - 1] };
  });
  const sy = (v: number, ai: number) => pad.t + ph - ((v - axes[ai].lo) / (axes[ai].hi - axes[ai].lo || 1)) * ph;
  const parts: string[] = [open, `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`];
  // Horizontal grid and the left axis's labels; the right axis labels its own ticks.
  for (const t of axes[0].ticks) {
    const y = sy(t, 0).toFixed(1);
    parts.push(`<line x1="${pad.l}" x2="${pad.l + pw}" y1="${y}" y2="${y}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${pad.l - 6}" y="${y}" dy="4" text-anchor="end" fill="#444">${escapeHtml(fmt(t))}</text>`);
  }
  if (axes[1]) for (const t of axes[1].ticks) parts.push(`<text x="${pad.l + pw + 6}" y="${sy(t, 1).toFixed(1)}" dy="4" fill="#444">${escapeHtml(fmt(t))}</text>`);
  parts.push(`<text x="12" y="${pad.t + ph / 2}" transform="rotate(-90 12 ${pad.t + ph / 2})" text-anchor="middle" fill="#444">${escapeHtml(axes[0].unit)}</text>`);
  if (axes[1]) parts.push(`<text x="${W - 8}" y="${pad.t + ph / 2}" transform="rotate(90 ${W - 8} ${pad.t + ph / 2})" text-anchor="middle" fill="#444">${escapeHtml(axes[1].unit)}</text>`);
  const xt = niceTicks(x0 / 1000, x1 / 1000, 6).map((s) => s * 1000).filter((t) => t >= x0 && t <= x1);
  for (const t of xt) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${pad.t + ph}" y2="${pad.t + ph + 4}" stroke="#888"/><text x="${x}" y="${pad.t + ph + 16}" text-anchor="middle" fill="#444">${formatClockMs(t)}</text>`);
  }
  parts.push(`<rect x="${pad.l}" y="${pad.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  spec.series.forEach((s, i) => {
    const ai = Math.max(0, units.indexOf(s.unit));
    const color = PALETTE[i % PALETTE.length];
    let d = '';
    let pen = false;
    const pts = [...s.points].sort((a, b) => a.t - b.t);
    for (const p of pts) {
      if (p.v === null || !Number.isFinite(p.v)) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${sx(p.t).toFixed(1)} ${sy(p.v, ai).toFixed(1)}`;
      pen = true;
    }
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round" class="series"/>`);
    const single = pts.filter((p) => p.v !== null);
    if (single.length === 1) parts.push(`<circle cx="${sx(single[0].t).toFixed(1)}" cy="${sy(single[0].v as number, ai).toFixed(1)}" r="3" fill="${color}"/>`);
    const lx = pad.l + (i % 3) * (pw / 3);
    const ly = H - 22 + Math.floor(i / 3) * 14;
    parts.push(`<rect x="${lx}" y="${ly - 8}" width="12" height="4" fill="${color}"/><text x="${lx + 16}" y="${ly - 3}" fill="#222">${escapeHtml(`${s.name} (${s.unit})`)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
