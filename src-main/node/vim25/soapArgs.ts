/**
 * Reading method arguments: typed accessors over request elements that raise vSphere faults naming the
 * argument (`InvalidRequest` for a wrong shape, `InvalidArgument` for a bad value), so no handler sees
 * unchecked input.
 *
 * - `Args(elements, method)`: `.one(name)`, `.optional(name)`, `.many(name)` → `Arg` children;
 *   `.str/int/bool/ref/strs/refs(name)` read leaves.
 * - `Arg`: one element; `.type` (its xsi:type, if any), `.child(name)`, `.children(name)`, leaf readers.
 *
 * Rule: limits on every string (length) and array (count) so a request can't make a handler loop long.
 */
import type { XmlElement } from './xmlParser';
import { invalidArgument, invalidRequest } from './faults';

const MAX_STRING = 64 * 1024;
const MAX_ITEMS = 100_000;

export interface MoRefArg { type: string; id: string }

export class Arg {
  constructor(readonly el: XmlElement, readonly path: string) {}

  /** xsi:type of this element, if given. */
  get type(): string | undefined { return this.el.xsiType; }

  children(name: string): Arg[] {
    const found = this.el.children.filter((c) => c.name === name);
    if (found.length > MAX_ITEMS) throw invalidRequest(`${this.path}.${name}: too many items`);
    return found.map((c, i) => new Arg(c, found.length > 1 ? `${this.path}.${name}[${i}]` : `${this.path}.${name}`));
  }

  child(name: string): Arg | undefined {
    const found = this.children(name);
    if (found.length > 1) throw invalidRequest(`${this.path}.${name}: given more than once`);
    return found[0];
  }

  need(name: string): Arg {
    const c = this.child(name);
    if (!c) throw invalidRequest(`${this.path}.${name} is required`);
    return c;
  }

  text(): string {
    if (this.el.children.length) throw invalidRequest(`${this.path}: a simple value was expected`);
    if (this.el.text.length > MAX_STRING) throw invalidRequest(`${this.path}: value too long`);
    return this.el.text;
  }

  asInt(min = -(2 ** 53), max = 2 ** 53): number {
    const t = this.text().trim();
    if (!/^[+-]?\d{1,16}$/.test(t)) throw invalidArgument(`${this.path}: "${t.slice(0, 40)}" is not an integer`, this.path);
    const n = Number(t);
    if (n < min || n > max) throw invalidArgument(`${this.path}: ${n} is out of range ${min}…${max}`, this.path);
    return n;
  }

  asBool(): boolean {
    const t = this.text().trim();
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
    throw invalidArgument(`${this.path}: "${t.slice(0, 40)}" is not a boolean`, this.path);
  }

  asRef(): MoRefArg {
    const type = this.el.attrs.type;
    const id = this.text().trim();
    if (!type || !id || type.length > 80 || id.length > 200) throw invalidRequest(`${this.path}: a managed object reference was expected`);
    return { type, id };
  }

  asDateTimeMs(): number {
    const t = this.text().trim();
    const ms = /^\d{4}-\d\d-\d\dT/.test(t) ? Date.parse(t) : NaN;
    if (!Number.isFinite(ms)) throw invalidArgument(`${this.path}: "${t.slice(0, 40)}" is not an xsd:dateTime`, this.path);
    return ms;
  }

  str(name: string): string | undefined { return this.child(name)?.text(); }
  needStr(name: string): string { return this.need(name).text(); }
  int(name: string, min?: number, max?: number): number | undefined { return this.child(name)?.asInt(min, max); }
  bool(name: string): boolean | undefined { return this.child(name)?.asBool(); }
  ref(name: string): MoRefArg | undefined { return this.child(name)?.asRef(); }
  needRef(name: string): MoRefArg { return this.need(name).asRef(); }
  strs(name: string): string[] { return this.children(name).map((c) => c.text()); }
  refs(name: string): MoRefArg[] { return this.children(name).map((c) => c.asRef()); }
  dateTimeMs(name: string): number | undefined { return this.child(name)?.asDateTimeMs(); }
}

/** The arguments of one method call: a synthetic parent over the method element's children. */
export function methodArgs(elements: XmlElement[], method: string): Arg {
  return new Arg({ name: method, uri: '', attrs: {}, children: elements, text: '' }, method);
}
