/**
 * Safe XML parsing for SOAP requests: text → a small element tree, or an XmlRefused error.
 *
 * - `parseXml(text, limits?)` → `XmlElement` (the document element). Names are local names with their
 *   namespace URI beside them; attributes are keyed by local name (`xsi:type` → `type` would collide with
 *   the MoRef's `type`, so the XML Schema instance attributes are kept apart in `xsiType` / `xsiNil`).
 *
 * Rules: a DOCTYPE is refused outright (no DTD, so no external entities and no entity expansion: billion
 * laughs has nothing to expand); only XML's five predefined entities and character references are known
 * (the parser runs with strict entities); depth, element count and text size are bounded so that a
 * hostile body costs linear time and bounded memory. The parser is `sax` (streaming, strict mode).
 */
import sax from 'sax';

export interface XmlElement {
  /** Local name. */
  name: string;
  /** Namespace URI ('' when none). */
  uri: string;
  /** Attributes other than xsi:* and xmlns declarations, by local name. */
  attrs: Record<string, string>;
  /** Local part of xsi:type, when present (`xsd:string` → `string`, `vim25:VirtualDisk` → `VirtualDisk`). */
  xsiType?: string;
  /** Namespace URI of the xsi:type prefix ('' when unprefixed and no default namespace). */
  xsiTypeUri?: string;
  xsiNil?: boolean;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
}

export interface XmlLimits {
  maxDepth: number;
  maxElements: number;
  maxTextChars: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 64, maxElements: 200_000, maxTextChars: 4 << 20 };

export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** Why a document was refused; the message is safe to show to the client. */
export class XmlRefused extends Error {}

export function parseXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  // `strictEntities` (sax ≥ 1.2.2; missing from @types/sax 1.2.7): only XML's five entities are known.
  const options: sax.SAXOptions & { strictEntities: boolean } = { xmlns: true, strictEntities: true, trim: false, normalize: false };
  const parser = sax.parser(true, options);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let textChars = 0;

  parser.onerror = (e: Error) => {
    throw new XmlRefused(`malformed XML: ${e.message.split('\n')[0]}`);
  };
  parser.ondoctype = () => {
    throw new XmlRefused('a DOCTYPE (DTD) is not accepted');
  };
  parser.onprocessinginstruction = (pi: { name: string }) => {
    if (pi.name.toLowerCase() !== 'xml') throw new XmlRefused('processing instructions are not accepted');
  };
  // sax keeps the last of repeated attributes; XML forbids repeats, so they are caught as they arrive.
  let attributeNames = new Set<string>();
  parser.onattribute = (a: { name: string }) => {
    if (attributeNames.has(a.name)) throw new XmlRefused(`malformed XML: attribute "${a.name.slice(0, 40)}" repeated`);
    attributeNames.add(a.name);
  };
  parser.onopentag = (tag: sax.Tag | sax.QualifiedTag) => {
    attributeNames = new Set();
    const q = tag as sax.QualifiedTag;
    if (root && stack.length === 0) throw new XmlRefused('more than one document element');
    if (stack.length >= limits.maxDepth) throw new XmlRefused(`elements nested deeper than ${limits.maxDepth}`);
    if (++elements > limits.maxElements) throw new XmlRefused(`more than ${limits.maxElements} elements`);
    const el: XmlElement = { name: q.local, uri: q.uri ?? '', attrs: Object.create(null) as Record<string, string>, children: [], text: '' };
    for (const a of Object.values(q.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      if (a.uri === XSI_NS) {
        if (a.local === 'type') {
          const colon = a.value.indexOf(':');
          const prefix = colon >= 0 ? a.value.slice(0, colon) : '';
          el.xsiType = colon >= 0 ? a.value.slice(colon + 1) : a.value;
          el.xsiTypeUri = q.ns?.[prefix] ?? '';
        } else if (a.local === 'nil') el.xsiNil = a.value === 'true' || a.value === '1';
        continue;
      }
      el.attrs[a.local] = a.value;
    }
    if (stack.length) stack[stack.length - 1].children.push(el);
    else root = el;
    stack.push(el);
  };
  parser.onclosetag = () => { stack.pop(); };
  const onText = (t: string) => {
    textChars += t.length;
    if (textChars > limits.maxTextChars) throw new XmlRefused(`more than ${limits.maxTextChars} characters of text`);
    if (stack.length) stack[stack.length - 1].text += t;
    else if (t.trim() !== '') throw new XmlRefused('text outside the document element');
  };
  parser.ontext = (t: string) => {
    if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(t)) throw new XmlRefused('malformed XML: a control character XML does not allow');
    onText(t);
  };
  parser.oncdata = onText;

  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof XmlRefused) throw e;
    throw new XmlRefused(`malformed XML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (!root) throw new XmlRefused('no document element');
  return root;
}
