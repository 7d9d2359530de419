/**
 * The Markdown subset of exercise files, rendered to safe HTML (the exercise panel and the reports).
 *
 * - `markdownToText(text)` → the text without markup (table cells, CSV, plain reports).
 * - `renderMarkdown(text)` → HTML string. Blocks: paragraphs, `#`–`####` headings, `-`/`*` and `1.`
 *   lists, `>` notes, fenced code, pipe tables. Inline: `code`, **bold**, *italic*, [links](https://…),
 *   images `![alt](data:image/…)` (the loader inlines an exercise's image files), and UI references
 *   `[[ACTIONS › Power › Power On]]` (rendered as a UI path the student follows).
 *
 * Rules: every character of the source is escaped; the only tags produced are the ones above, with
 * attributes this file writes. Links go to http(s) or stay text; images must be `data:image/(png|jpeg|gif|webp)`
 * or `data:image/svg+xml` (shown through <img>, where SVG cannot run script). No HTML passes through.
 */

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESC[c]);

const SAFE_IMAGE = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/;
const SAFE_LINK = /^https?:\/\/[^\s]+$/;

/** Inline markup on one line of text. */
export function renderInline(src: string): string {
  let out = '';
  let i = 0;
  const text = (s: string) => { out += escapeHtml(s); };
  while (i < src.length) {
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^`([^`]+)`/.exec(rest))) {
      out += `<code>${escapeHtml(m[1])}</code>`;
    } else if ((m = /^\[\[([^\]\n]{1,200})\]\]/.exec(rest))) {
      const parts = m[1].split(/\s*(?:›|>)\s*/).filter(Boolean).map((p) => `<span class="ui-step">${escapeHtml(p)}</span>`);
      out += `<span class="ui-ref">${parts.join('<span class="ui-sep"> › </span>')}</span>`;
    } else if ((m = /^!\[([^\]]*)\]\(([^)\s]+)\)/.exec(rest))) {
      out += SAFE_IMAGE.test(m[2]) ? `<img src="${m[2]}" alt="${escapeHtml(m[1])}">` : `<em>[image: ${escapeHtml(m[1])}]</em>`;
    } else if ((m = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(rest))) {
      out += SAFE_LINK.test(m[2]) ? `<a href="${escapeHtml(m[2])}" target="_blank" rel="noopener noreferrer">${renderInline(m[1])}</a>` : `${renderInline(m[1])} (${escapeHtml(m[2])})`;
    } else if ((m = /^\*\*([^*]+)\*\*/.exec(rest)) || (m = /^__([^_]+)__/.exec(rest))) {
      out += `<strong>${renderInline(m[1])}</strong>`;
    } else if ((m = /^\*([^*\s][^*]*)\*/.exec(rest)) || (m = /^_([^_\s][^_]*)_(?![A-Za-z0-9])/.exec(rest))) {
      out += `<em>${renderInline(m[1])}</em>`;
    } else {
      const next = rest.slice(1).search(/[`[!*_]/);
      const chunk = next < 0 ? rest : rest.slice(0, next + 1);
      text(chunk);
      i += chunk.length;
      continue;
    }
    i += m[0].length;
  }
  return out;
}

function tableRow(line: string): string[] {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

export function renderMarkdown(src: string): string {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) { i++; continue; }
    let m: RegExpExecArray | null;
    if (/^```/.test(line)) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^```/.test(lines[i])) body.push(lines[i++]);
      i++;
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    if ((m = /^(#{1,4})\s+(.*)$/.exec(line))) {
      const level = m[1].length + 2;
      out.push(`<h${level}>${renderInline(m[2])}</h${level}>`);
      i++;
      continue;
    }
    if (/^\s*\|/.test(line) && i + 1 < lines.length && /^\s*\|?\s*:?-{2,}/.test(lines[i + 1])) {
      const head = tableRow(line);
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && /^\s*\|/.test(lines[i])) rows.push(tableRow(lines[i++]));
      out.push(`<table><thead><tr>${head.map((h) => `<th>${renderInline(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${renderInline(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`);
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) body.push(lines[i++].replace(/^\s*>\s?/, ''));
      out.push(`<blockquote>${renderMarkdown(body.join('\n'))}</blockquote>`);
      continue;
    }
    if (/^\s*([-*]|\d+\.)\s+/.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const items: string[] = [];
      while (i < lines.length && (/^\s*([-*]|\d+\.)\s+/.test(lines[i]) || (/^\s{2,}\S/.test(lines[i]) && items.length))) {
        if (/^\s*([-*]|\d+\.)\s+/.test(lines[i])) items.push(lines[i].replace(/^\s*([-*]|\d+\.)\s+/, ''));
        else items[items.length - 1] += ` ${lines[i].trim()}`;
        i++;
      }
      const tag = ordered ? 'ol' : 'ul';
      out.push(`<${tag}>${items.map((x) => `<li>${renderInline(x)}</li>`).join('')}</${tag}>`);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() && !/^(```|#{1,4}\s|\s*>|\s*([-*]|\d+\.)\s+)/.test(lines[i]) && !(/^\s*\|/.test(lines[i]) && /^\s*\|?\s*:?-{2,}/.test(lines[i + 1] ?? ''))) {
      para.push(lines[i++].trim());
    }
    out.push(`<p>${renderInline(para.join(' '))}</p>`);
  }
  return out.join('\n');
}

/** Plain text of a Markdown fragment: markup removed, UI references kept as `A › B`, whitespace collapsed. */
export function markdownToText(src: string): string {
  return src
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[\[([^\]]+)\]\]/g, '$1')
    .replace(/\[([^\]]+)\]\([^)\s]+\)/g, '$1')
    .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, '$1$2')
    .replace(/\*([^*\s][^*]*)\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^\s*(#{1,4}|>|[-*]|\d+\.)\s+/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
}
