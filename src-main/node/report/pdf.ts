/**
 * Reports as PDF, laid out for A4 or Letter, with page numbers in the footer and a table of contents
 * whose page numbers are exact.
 *
 * - `renderPdf(doc, pageSize, printer)` → `{ pdf, pages, pageNumbers }`: the printer turns HTML into PDF
 *   bytes (the system's Chromium through playwright-core here; Electron's `webContents.printToPDF` in
 *   the app, src-main/electron/reportPdf.ts). The same two-pass layout serves both.
 * - `chromiumPrinter()` → a printer on the system's headless Chromium (`CHROMIUM_PATH`, else the usual
 *   install paths); `close()` it when done.
 * - `countPdfPages(bytes)`; `PAGE_FORMAT` (margins, footer) shared by both printers.
 *
 * Table of contents: every section starts on a new page, so a section alone prints on exactly as many
 * pages as it does inside the document. The cover (with the contents, page numbers as placeholders of
 * the same width) and each section are printed alone and counted; their sums give each section's first
 * page; the whole document is then printed once with those numbers.
 *
 * Rules: the page has JavaScript off and no network (every request is refused): a report is data only.
 */
import { existsSync } from 'node:fs';
import type { ReportDoc } from './reportModel';
import { renderHtml } from './html';

export type PageSize = 'A4' | 'Letter';
export type Printer = (html: string, pageSize: PageSize) => Promise<Uint8Array>;

export const PAGE_FORMAT = {
  margin: { top: '14mm', bottom: '18mm', left: '14mm', right: '14mm' },
  headerTemplate: '<span></span>',
  footerTemplate: '<div style="font-size:8px;width:100%;text-align:center;color:#666;font-family:Helvetica,Arial,sans-serif">'
    + '<span class="title"></span> — page <span class="pageNumber"></span> of <span class="totalPages"></span></div>',
};

export function countPdfPages(bytes: Uint8Array): number {
  return (Buffer.from(bytes).toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}

export async function renderPdf(doc: ReportDoc, pageSize: PageSize, print: Printer): Promise<{ pdf: Uint8Array; pages: number; pageNumbers: Record<string, number> }> {
  const placeholders = Object.fromEntries(doc.sections.map((s) => [s.id, 88]));
  const coverPages = countPdfPages(await print(renderHtml(doc, { only: 'cover', pageNumbers: placeholders }), pageSize));
  const pageNumbers: Record<string, number> = {};
  let next = coverPages + 1;
  for (let i = 0; i < doc.sections.length; i++) {
    pageNumbers[doc.sections[i].id] = next;
    next += countPdfPages(await print(renderHtml(doc, { only: i }), pageSize));
  }
  const pdf = await print(renderHtml(doc, { pageNumbers }), pageSize);
  return { pdf, pages: countPdfPages(pdf), pageNumbers };
}

export function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe'].filter((x): x is string => Boolean(x));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('no Chromium found for PDF output: install chromium or set CHROMIUM_PATH (HTML, CSV and JSON need none)');
  return found;
}

export async function chromiumPrinter(): Promise<{ print: Printer; close: () => Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true });
  const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
  await context.route('**/*', (route) => route.abort());
  const page = await context.newPage();
  return {
    print: async (html, pageSize) => {
      await page.setContent(html, { waitUntil: 'load' });
      return page.pdf({ format: pageSize, printBackground: true, displayHeaderFooter: true, ...PAGE_FORMAT, outline: true, tagged: true });
    },
    close: () => browser.close(),
  };
}
