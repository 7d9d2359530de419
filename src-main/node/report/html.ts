/**
 * A report as one self-contained HTML file: inline CSS, charts as inline SVG, no external resource, and
 * the report's JSON model embedded (`<script type="application/json" id="hvlab-report">`) so that
 * `hvlab report verify` can check its seal from the file alone.
 *
 * - `renderHtml(doc, options?)` → HTML text. `options.pageNumbers` fills the table of contents (PDF);
 *   `options.only` renders the cover or one section alone (pdf.ts counts their pages).
 * - `extractDoc(html)` → the embedded model, or undefined.
 *
 * Rules: every text is escaped (Markdown goes through the shared safe renderer); each section starts on a
 * new printed page; charts and table rows are not split across pages; A4 and Letter both fit (the content
 * is at most 180 mm wide).
 */
import { escapeHtml } from '@shared/exercise/index';
import type { Block, Cell, ReportDoc } from './reportModel';
import { lineChartSvg } from './svgChart';
import { formatClockMs } from './svgChart';

export interface HtmlOptions {
  /** Section id → first page number, for the printed table of contents. */
  pageNumbers?: Record<string, number>;
  /** Render only the cover (with its contents list) or one section (by index). */
  only?: 'cover' | number;
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; font-size: 10.5pt; color: #1b1b1b; margin: 0 auto; max-width: 180mm; padding: 12mm 0; line-height: 1.4; }
@media print { body { padding: 0; } }
@page { margin: 16mm 14mm 18mm; }
h1 { font-size: 20pt; margin: 0 0 2mm; color: #003d5b; }
h2 { font-size: 14pt; color: #003d5b; border-bottom: 2px solid #0072a3; padding-bottom: 1mm; margin: 0 0 4mm; }
h3, h4, h5, h6 { font-size: 11pt; margin: 4mm 0 2mm; }
.subtitle { font-size: 12pt; color: #444; margin-bottom: 6mm; }
.cover { page-break-after: always; break-after: page; }
.facts { border-collapse: collapse; margin-bottom: 6mm; }
.facts th { text-align: left; padding: 1mm 4mm 1mm 0; color: #555; font-weight: normal; vertical-align: top; }
.facts td { padding: 1mm 0; }
.toc { list-style: none; padding: 0; margin: 0; }
.toc li { display: flex; align-items: baseline; margin: 1.5mm 0; }
.toc a { color: #1b1b1b; text-decoration: none; }
.toc .dots { flex: 1; border-bottom: 1px dotted #999; margin: 0 2mm; }
.toc .pg { min-width: 8mm; text-align: right; font-variant-numeric: tabular-nums; }
section.section { break-before: page; page-break-before: always; }
section.section.first { break-before: auto; page-break-before: auto; }
table.data { border-collapse: collapse; width: 100%; margin: 2mm 0 5mm; font-size: 9pt; }
table.data caption { text-align: left; font-weight: bold; padding-bottom: 1mm; }
table.data th, table.data td { border: 1px solid #ccc; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
table.data th { background: #eef4f8; }
table.data td.nw { white-space: nowrap; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data tr { break-inside: avoid; page-break-inside: avoid; }
tr.pass td.status { color: #2f7d00; font-weight: bold; }
tr.fail td.status { color: #c21d00; font-weight: bold; }
figure.chart { margin: 2mm 0 5mm; break-inside: avoid; page-break-inside: avoid; }
figure.chart figcaption { font-weight: bold; margin-bottom: 1mm; }
figure.chart svg { width: 100%; height: auto; border: 1px solid #ddd; }
blockquote { border-left: 3px solid #0072a3; margin: 2mm 0; padding: 0 3mm; color: #333; }
code { font-family: Menlo, Consolas, monospace; font-size: 9pt; background: #f3f3f3; padding: 0 1mm; }
.ui-ref { font-weight: bold; } .ui-sep { color: #888; }
.integrity { font-family: Menlo, Consolas, monospace; font-size: 8.5pt; word-break: break-all; }
.muted { color: #666; }
`;

function cellHtml(c: Cell): { cls: string; html: string } {
  if (c === null || c === undefined) return { cls: 'num muted', html: '—' };
  if (typeof c === 'number') {
    const a = Math.abs(c);
    const shown = Number.isInteger(c) ? String(c) : a >= 100 ? c.toFixed(1) : a >= 1 ? c.toFixed(2) : c.toPrecision(3);
    return { cls: 'num', html: escapeHtml(shown) };
  }
  if (typeof c === 'boolean') return { cls: 'status', html: c ? '✓ pass' : '✗ fail' };
  // Short words (names like esx-01) stay on one line; sentences wrap.
  return { cls: c.length <= 24 && !/\s/.test(c) ? 'nw' : '', html: escapeHtml(c) };
}

function blockHtml(b: Block): string {
  if (b.kind === 'html') return b.html;
  if (b.kind === 'chart') {
    return `<figure class="chart" id="${b.chart.id}"><figcaption>${escapeHtml(b.chart.title)}</figcaption>${lineChartSvg({ title: b.chart.title, series: b.chart.series })}</figure>`;
  }
  const t = b.table;
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const rows = t.rows.map((r, i) => {
    const st = t.status?.[i];
    return `<tr${st ? ` class="${st}"` : ''}>${r.map((c) => { const x = cellHtml(c); return `<td${x.cls ? ` class="${x.cls}"` : ''}>${x.html}</td>`; }).join('')}</tr>`;
  }).join('');
  return `<table class="data" id="${t.id}"><caption>${escapeHtml(t.title)}</caption><thead><tr>${head}</tr></thead><tbody>${rows || `<tr><td colspan="${t.columns.length}" class="muted">none</td></tr>`}</tbody></table>`;
}

/** JSON inside a script element: `<` escaped so that no `</script>` can end it early. */
function embedJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function renderHtml(doc: ReportDoc, options: HtmlOptions = {}): string {
  const facts = doc.facts.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  const toc = doc.sections.map((s) => {
    const pg = options.pageNumbers ? String(options.pageNumbers[s.id] ?? '') : '';
    return `<li><a href="#${s.id}">${escapeHtml(s.title)}</a><span class="dots"></span><span class="pg">${pg}</span></li>`;
  }).join('');
  const seal = doc.integrity.seal
    ? `sealed: ${doc.integrity.seal.algorithm} key ${doc.integrity.seal.keyId} ${doc.integrity.seal.value}`
    : 'not sealed (no instructor key configured)';
  const cover = `<div class="cover"><h1>${escapeHtml(doc.title)}</h1><div class="subtitle">${escapeHtml(doc.subtitle)}</div>`
    + `<table class="facts">${facts}</table><h2>Contents</h2><ol class="toc">${toc}</ol>`
    + `<p class="integrity muted">lab digest ${escapeHtml(doc.integrity.labDigest)} (version ${doc.integrity.digestVersion ?? 1}) at ${formatClockMs(doc.integrity.virtualTimeMs)} virtual<br>${escapeHtml(seal)}</p></div>`;
  const sections = doc.sections.map((s, i) => {
    if (options.only !== undefined && options.only !== i) return '';
    const first = options.only === i ? ' first' : '';
    return `<section class="section${first}" id="${s.id}"><h2>${escapeHtml(s.title)}</h2>${s.blocks.map(blockHtml).join('\n')}</section>`;
  }).join('\n');
  const body = options.only === 'cover' ? cover : options.only !== undefined ? sections : `${cover}\n${sections}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Hypervisor Lab">
<title>${escapeHtml(doc.title)}</title><style>${CSS}</style></head>
<body>
${body}
<script type="application/json" id="hvlab-report">${embedJson(doc)}</script>
</body></html>
`;
}

export function extractDoc(html: string): ReportDoc | undefined {
  const m = /<script type="application\/json" id="hvlab-report">([\s\S]*?)<\/script>/.exec(html);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]) as ReportDoc;
  } catch {
    return undefined;
  }
}
