/**
 * The app's PDF printer for Export report…: Electron's `webContents.printToPDF` on a hidden window, with
 * the same page format (margins, footer with page numbers) as the command line's Chromium printer.
 *
 * - `electronPrinter()` → `{ print, close }` (the `Printer` of node/report/pdf.ts).
 *
 * Rules: the window has JavaScript off, no preload, its own in-memory session that refuses every request
 * but the report's own data URL: a report is data only, never a way out to the network.
 */
import { BrowserWindow, session } from 'electron';
import { PAGE_FORMAT } from '../node/report/pdf';
import type { Printer } from '../node/report/pdf';

const MM_PER_INCH = 25.4;
const inches = (css: string): number => Number.parseFloat(css) / MM_PER_INCH;

export async function electronPrinter(): Promise<{ print: Printer; close: () => Promise<void> }> {
  const ses = session.fromPartition('hvlab-report-printer');
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !details.url.startsWith('data:') }));
  const win = new BrowserWindow({
    show: false,
    webPreferences: { session: ses, javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false },
  });
  const m = PAGE_FORMAT.margin;
  return {
    print: async (html, pageSize) => {
      await win.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
      const pdf = await win.webContents.printToPDF({
        pageSize, printBackground: true, displayHeaderFooter: true,
        headerTemplate: PAGE_FORMAT.headerTemplate, footerTemplate: PAGE_FORMAT.footerTemplate,
        margins: { top: inches(m.top), bottom: inches(m.bottom), left: inches(m.left), right: inches(m.right) },
        generateDocumentOutline: true, generateTaggedPDF: true,
      });
      return new Uint8Array(pdf);
    },
    close: async () => { if (!win.isDestroyed()) win.destroy(); },
  };
}
