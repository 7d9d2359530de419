/**
 * SOAP 1.1 envelopes: reading a vim25 request and writing its response or fault.
 *
 * - `readRequest(xml)` → `{ method, thisRef, args }`: the Body's single child names the method; `_this`
 *   is the managed object it runs on; `args` are the other children (read with `soapArgs.ts`).
 * - `writeResponse(method, returnval?, kind)` → the `<MethodResponse>` envelope; `kind` says whether the
 *   return value is declared (`field`) or absent.
 * - `writeFault(fault)` → a `soapenv:Fault` with `faultcode`, `faultstring` and the typed `<detail>`.
 * - `soapEnvelope(body)`: XML already written (a request's method element) inside the same envelope, for
 *   the lab's own vim25 client (`backends/vim25/vimClient.ts`).
 *
 * Rule: anything but a well-formed envelope with exactly one method element is `InvalidRequest`.
 */
import type { XmlElement } from './xmlParser';
import { parseXml, XmlRefused } from './xmlParser';
import type { XmlLimits } from './xmlParser';
import { XmlOut } from './xmlWriter';
import type { VimValue } from './vimValues';
import { writeField } from './vimValues';
import { invalidRequest, VimFault } from './faults';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const VIM25_NS = 'urn:vim25';

export interface SoapRequest {
  method: string;
  thisRef: { type: string; id: string };
  args: XmlElement[];
}

export function readRequest(xml: string, limits?: XmlLimits): SoapRequest {
  let root: XmlElement;
  try {
    root = parseXml(xml, limits);
  } catch (e) {
    if (e instanceof XmlRefused) throw invalidRequest(e.message);
    throw e;
  }
  if (root.name !== 'Envelope' || root.uri !== SOAP_ENV_NS) throw invalidRequest('the document is not a SOAP 1.1 Envelope');
  const bodies = root.children.filter((c) => c.name === 'Body' && c.uri === SOAP_ENV_NS);
  if (bodies.length !== 1) throw invalidRequest('the Envelope must have exactly one Body');
  const calls = bodies[0].children;
  if (calls.length !== 1) throw invalidRequest('the Body must hold exactly one method element');
  const call = calls[0];
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,79}$/.test(call.name)) throw invalidRequest('the method name is not valid');
  const thisEls = call.children.filter((c) => c.name === '_this');
  if (thisEls.length !== 1) throw invalidRequest(`${call.name}: exactly one _this is required`);
  const thisEl = thisEls[0];
  const type = thisEl.attrs.type ?? '';
  const id = thisEl.text.trim();
  if (!type || !id || type.length > 80 || id.length > 200) throw invalidRequest(`${call.name}: _this must be a managed object reference`);
  return { method: call.name, thisRef: { type, id }, args: call.children.filter((c) => c !== thisEl) };
}

const ENVELOPE_OPEN = '<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"'
  + ' xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
  + ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n<soapenv:Body>\n';
const ENVELOPE_CLOSE = '\n</soapenv:Body>\n</soapenv:Envelope>';

export function soapEnvelope(body: string): string {
  return ENVELOPE_OPEN + body + ENVELOPE_CLOSE;
}

/** `returnval` undefined → a void method's empty response; an array → one `returnval` per item. */
export function writeResponse(method: string, returnval: VimValue | VimValue[] | undefined): string {
  const out = new XmlOut().raw(ENVELOPE_OPEN).open(`${method}Response`, { xmlns: VIM25_NS });
  if (returnval !== undefined) writeField(out, 'returnval', returnval);
  return out.close(`${method}Response`).raw(ENVELOPE_CLOSE).toString();
}

export function writeFault(fault: VimFault): string {
  const out = new XmlOut().raw(ENVELOPE_OPEN).open('soapenv:Fault')
    .leaf('faultcode', fault.faultCode)
    .leaf('faultstring', fault.message)
    .open('detail');
  const tag = `${fault.type}Fault`;
  out.open(tag, { xmlns: VIM25_NS, 'xsi:type': fault.type });
  for (const [name, v] of Object.entries(fault.fields)) if (v !== undefined) writeField(out, name, v);
  out.close(tag).close('detail').close('soapenv:Fault');
  return out.raw(ENVELOPE_CLOSE).toString();
}
