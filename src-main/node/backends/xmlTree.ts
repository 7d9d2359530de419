/**
 * xmlTree — safe parsing of the XML real hosts send (libvirt's domain, snapshot and capabilities
 * documents; vim25 SOAP responses) into a small element tree, with strict accessors.
 *
 * - `parseXmlTree(text, what)` → `XmlNode` (the document element) or throws `XmlError` naming `what`
 *   (e.g. `virsh dumpxml`), so a bad document is reported against the command that produced it.
 * - `child(node, name)`, `children(node, name)`, `text(node)`, `attr(node, name)`: lookups by local name
 *   (namespace prefixes dropped: `soapenv:Body` → `Body`).
 * - `requiredChild`/`requiredText`/`requiredAttr` throw `XmlError` naming `what` and the missing path.
 *
 * Rules: a DOCTYPE is refused (no DTD: no external entities, no entity expansion), only XML's five
 * predefined entities and character references are known (sax's strict entities), and depth, element
 * count and text are bounded, so a hostile peer costs bounded time and memory. sax (streaming) parses.
 */
import sax from 'sax';

export interface XmlNode {
  /** Local name (prefix dropped). */
  name: string;
  /** Attributes by local name (prefix dropped; `xmlns` declarations omitted). */
  attrs: Record<string, string>;
  children: XmlNode[];
  /** Character data directly inside this element, concatenated. */
  text: string;
}

export class XmlError extends Error {
  constructor(readonly what: string, message: string) {
    super(`${what}: ${message}`);
    this.name = 'XmlError';
  }
}

const LIMITS = { depth: 64, elements: 500_000, textChars: 32 << 20 };

const local = (name: string) => name.slice(name.indexOf(':') + 1);

export function parseXmlTree(xml: string, what: string): XmlNode {
  const options: sax.SAXOptions & { strictEntities: boolean } = { strictEntities: true, trim: false, normalize: false };
  const parser = sax.parser(true, options);
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  let elements = 0;
  let textChars = 0;
  parser.onerror = (e: Error) => { throw new XmlError(what, `malformed XML (${e.message.split('\n')[0]})`); };
  parser.ondoctype = () => { throw new XmlError(what, 'a DOCTYPE is not accepted'); };
  parser.onopentag = (tag) => {
    if (root && stack.length === 0) throw new XmlError(what, 'more than one document element');
    if (stack.length >= LIMITS.depth) throw new XmlError(what, `nested deeper than ${LIMITS.depth}`);
    if (++elements > LIMITS.elements) throw new XmlError(what, `more than ${LIMITS.elements} elements`);
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes as Record<string, string>)) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
      attrs[local(k)] = v;
    }
    const node: XmlNode = { name: local(tag.name), attrs, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1].children.push(node);
    else root = node;
    stack.push(node);
  };
  parser.onclosetag = () => { stack.pop(); };
  const onText = (t: string) => {
    textChars += t.length;
    if (textChars > LIMITS.textChars) throw new XmlError(what, 'too much text');
    if (stack.length > 0) stack[stack.length - 1].text += t;
    else if (t.trim() !== '') throw new XmlError(what, 'text outside the document element');
  };
  parser.ontext = onText;
  parser.oncdata = onText;
  try {
    parser.write(xml).close();
  } catch (e) {
    if (e instanceof XmlError) throw e;
    throw new XmlError(what, `malformed XML (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  if (!root) throw new XmlError(what, 'no XML document in the output');
  return root;
}

export function child(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((c) => c.name === name);
}

export function children(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((c) => c.name === name);
}

export function text(node: XmlNode | undefined): string | undefined {
  return node?.text.trim();
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  return node?.attrs[name];
}

export function requiredChild(node: XmlNode, name: string, what: string): XmlNode {
  const c = child(node, name);
  if (!c) throw new XmlError(what, `<${node.name}> has no <${name}>`);
  return c;
}

export function requiredText(node: XmlNode, name: string, what: string): string {
  return requiredChild(node, name, what).text.trim();
}

export function requiredAttr(node: XmlNode, name: string, what: string): string {
  const v = node.attrs[name];
  if (v === undefined) throw new XmlError(what, `<${node.name}> has no ${name}="…"`);
  return v;
}
