/**
 * xmlTree — the XML real hosts send (libvirt's domain, snapshot and capabilities documents; vim25 SOAP
 * responses) parsed by the lab's one safe XML parser (`vim25/xmlParser.ts`: no DTD, no entities beyond
 * XML's five, bounded depth, elements and text), with accessors that name what produced the document.
 *
 * - `parseXmlTree(text, what)` → `XmlNode` (the document element) or throws `XmlError` naming `what`
 *   (e.g. `virsh dumpxml`), so a bad document is reported against the command that produced it.
 * - `child(node, name)`, `children(node, name)`, `text(node)`, `attr(node, name)`: lookups by local name.
 * - `requiredChild`/`requiredText`/`requiredAttr` throw `XmlError` naming `what` and the missing path.
 */
import type { XmlElement } from '../vim25/index';
import { parseXml, XmlRefused } from '../vim25/index';

/** An element: local name, namespace URI, attributes by local name (xsi:type kept apart), children, text. */
export type XmlNode = XmlElement;

export class XmlError extends Error {
  constructor(readonly what: string, message: string) {
    super(`${what}: ${message}`);
    this.name = 'XmlError';
  }
}

/** Responses can be larger than requests (a vCenter's inventory page); still bounded. */
const LIMITS = { maxDepth: 64, maxElements: 1_000_000, maxTextChars: 64 << 20 };

export function parseXmlTree(xml: string, what: string): XmlNode {
  try {
    return parseXml(xml, LIMITS);
  } catch (e) {
    if (e instanceof XmlRefused) throw new XmlError(what, e.message);
    throw e;
  }
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
