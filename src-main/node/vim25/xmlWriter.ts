/**
 * XML text output: escaping and a string builder for SOAP responses.
 *
 * - `escapeText(s)`, `escapeAttr(s)`: the five special characters; characters XML 1.0 cannot carry
 *   (C0 controls other than tab/newline/return, lone surrogates) are replaced by U+FFFD so a lab name can
 *   never make a response unparseable.
 * - `XmlOut`: `open(name, attrs)`, `text(s)`, `close(name)`, `leaf(name, text, attrs)`, `toString()`.
 */

const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeText(s: string): string {
  return s.replace(INVALID_XML_CHARS, '\uFFFD').replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export type XmlAttrs = Record<string, string | undefined>;

function attrText(attrs: XmlAttrs | undefined): string {
  if (!attrs) return '';
  let out = '';
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out += ` ${k}="${escapeAttr(v)}"`;
  return out;
}

export class XmlOut {
  private readonly parts: string[] = [];

  open(name: string, attrs?: XmlAttrs): this {
    this.parts.push(`<${name}${attrText(attrs)}>`);
    return this;
  }

  close(name: string): this {
    this.parts.push(`</${name}>`);
    return this;
  }

  text(s: string): this {
    this.parts.push(escapeText(s));
    return this;
  }

  raw(s: string): this {
    this.parts.push(s);
    return this;
  }

  leaf(name: string, text: string, attrs?: XmlAttrs): this {
    this.parts.push(text === '' ? `<${name}${attrText(attrs)}/>` : `<${name}${attrText(attrs)}>${escapeText(text)}</${name}>`);
    return this;
  }

  toString(): string {
    return this.parts.join('');
  }
}
