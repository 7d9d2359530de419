/**
 * XML text output: escaping and a string builder for SOAP responses.
 *
 * - `escapeText(s)`, `escapeAttr(s)`: the five special characters; characters XML 1.0 cannot carry
 *   (C0 controls other than tab/newline/return, lone surrogates) are replaced by U+FFFD so a lab name can
 *   never make a response unparseable.
 * - `XmlOut`: `open(name, attrs)`, `text(s)`, `close(name)`, `leaf(name, text, attrs)`, `toString()`.
 */

const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Anything that needs escaping or replacing; most texts have none, and skip both replaces. */
const NEEDS_WORK = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

export function escapeText(s: string): string {
  if (!NEEDS_WORK.test(s)) return s;
  return s.replace(INVALID_XML_CHARS, '\uFFFD').replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

export function escapeAttr(s: string): string {
  if (!NEEDS_WORK.test(s)) return s;
  return escapeText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export type XmlAttrs = Record<string, string | undefined>;

function attrText(attrs: XmlAttrs | undefined): string {
  if (!attrs) return '';
  let out = '';
  for (const k in attrs) {
    const v = attrs[k];
    if (v !== undefined) out += ` ${k}="${escapeAttr(v)}"`;
  }
  return out;
}

/** Appends to one string (V8 builds it as a rope and flattens it once), which allocates far less than parts. */
export class XmlOut {
  private s = '';

  open(name: string, attrs?: XmlAttrs): this {
    this.s += `<${name}${attrText(attrs)}>`;
    return this;
  }

  /** An opening tag with one attribute, the common case (`type`, `xsi:type`), without an attribute object. */
  open1(name: string, attr: string, value: string): this {
    this.s += `<${name} ${attr}="${escapeAttr(value)}">`;
    return this;
  }

  close(name: string): this {
    this.s += `</${name}>`;
    return this;
  }

  text(s: string): this {
    this.s += escapeText(s);
    return this;
  }

  raw(s: string): this {
    this.s += s;
    return this;
  }

  leaf(name: string, text: string, attrs?: XmlAttrs): this {
    this.s += text === '' ? `<${name}${attrText(attrs)}/>` : `<${name}${attrText(attrs)}>${escapeText(text)}</${name}>`;
    return this;
  }

  toString(): string {
    return this.s;
  }
}
