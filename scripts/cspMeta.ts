/**
 * Vite plugin: writes the renderer's Content-Security-Policy into index.html as a <meta> tag, from the
 * one definition (`contentSecurityPolicy`, src-main/node/server/staticFiles.ts), replacing the
 * `<!-- hvlab:csp -->` placeholder.
 *
 * - Builds get the Electron policy (no connect sources): a file:// page has no response headers, so the
 *   tag is what Electron enforces; browser mode strips the tag and sends its own policy as a header.
 * - The dev server (`vite`) gets the browser policy, plus inline styles for Vite's hot reload.
 */
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from '../src-main/node/server/staticFiles';

const PLACEHOLDER = '<!-- hvlab:csp -->';

export function cspMeta(): Plugin {
  let serving = false;
  return {
    name: 'hvlab-csp-meta',
    configResolved(config) { serving = config.command === 'serve'; },
    transformIndexHtml(html) {
      if (!html.includes(PLACEHOLDER)) throw new Error(`index.html has no ${PLACEHOLDER} placeholder for the CSP`);
      const policy = serving
        ? contentSecurityPolicy('browser', 'meta').replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        : contentSecurityPolicy('electron', 'meta');
      return html.replace(PLACEHOLDER, `<meta http-equiv="Content-Security-Policy" content="${policy}" />`);
    },
  };
}
