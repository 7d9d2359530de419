/**
 * The vim25 value model and its XML form: data objects, managed object references, primitives, enums and
 * arrays, each knowing its WSDL type so that `xsi:type` can be written where a client needs it.
 *
 * - Constructors: `data(type, fields)`, `ref(type, id)`, `str`, `int`, `long`, `short`, `bool`, `double`,
 *   `dateTime(ms)`, `en(enumType, value)`, `arr(itemType, items)`.
 * - `writeField(out, name, value)`: a value in a place whose WSDL type the client knows (a data object's
 *   field, a method's `returnval`): arrays become repeated elements; data objects carry `xsi:type` always
 *   (clients then need no schema to read subclasses such as `VirtualDisk` in a `VirtualDevice[]`).
 * - `writeAny(out, name, value)`: a value in an `xsd:anyType` place (`DynamicProperty.val`,
 *   `PropertyChange.val`): everything carries `xsi:type`, arrays become `ArrayOfX` wrappers.
 * - `valueKey(value)`: a canonical string used to compare values (WaitForUpdates diffs).
 *
 * Rule: field names and type names must exist in the vim25 WSDL of the advertised version (clients such
 * as pyvmomi reject unknown fields), so every builder of data objects uses only documented names.
 */
import { XmlOut } from './xmlWriter';

export type XsdType = 'string' | 'int' | 'long' | 'short' | 'byte' | 'boolean' | 'double' | 'float' | 'dateTime';

export interface VimData { k: 'data'; type: string; fields: Record<string, VimValue | VimValue[] | undefined> }
export interface VimRef { k: 'ref'; type: string; id: string }
export interface VimPrim { k: 'prim'; xsd: XsdType; text: string }
export interface VimEnum { k: 'enum'; type: string; value: string }
export interface VimArray { k: 'array'; itemType: string; items: VimValue[] }
/** A value in a field declared `xsd:anyType` (TaskInfo.result, OptionValue.value): written typed. */
export interface VimAny { k: 'any'; value: VimValue }
/** A data object already written: its type and the XML of its fields (built once, kept as text). */
export interface VimXml { k: 'xml'; type: string; body: string }
export type VimValue = VimData | VimRef | VimPrim | VimEnum | VimArray | VimAny | VimXml;

export const data = (type: string, fields: Record<string, VimValue | VimValue[] | undefined>): VimData => ({ k: 'data', type, fields });
export const ref = (type: string, id: string): VimRef => ({ k: 'ref', type, id });
export const str = (s: string): VimPrim => ({ k: 'prim', xsd: 'string', text: s });
const integer = (xsd: XsdType) => (n: number): VimPrim => ({ k: 'prim', xsd, text: String(Number.isFinite(n) ? Math.round(n) : 0) });
export const int = integer('int');
export const long = integer('long');
export const short = integer('short');
export const bool = (b: boolean): VimPrim => ({ k: 'prim', xsd: 'boolean', text: b ? 'true' : 'false' });
export const double = (n: number): VimPrim => ({ k: 'prim', xsd: 'double', text: String(Number.isFinite(n) ? n : 0) });
export const dateTime = (ms: number): VimPrim => ({ k: 'prim', xsd: 'dateTime', text: new Date(ms).toISOString() });
export const en = (type: string, value: string): VimEnum => ({ k: 'enum', type, value });
export const arr = (itemType: string, items: VimValue[]): VimArray => ({ k: 'array', itemType, items });
export const anyOf = (value: VimValue): VimAny => ({ k: 'any', value });
export const xmlData = (type: string, body: string): VimXml => ({ k: 'xml', type, body });

/** Optional helpers: undefined stays undefined, so the field is omitted. */
export const optStr = (s: string | undefined): VimPrim | undefined => (s === undefined ? undefined : str(s));

const XSD_ARRAY_ITEM: Record<XsdType, string> = {
  string: 'string', int: 'int', long: 'long', short: 'short', byte: 'byte', boolean: 'boolean', double: 'double', float: 'float', dateTime: 'dateTime',
};

/** `ArrayOfString`, `ArrayOfManagedObjectReference`, `ArrayOfVirtualDevice`… */
export function arrayTypeName(itemType: string): string {
  return `ArrayOf${itemType[0].toUpperCase()}${itemType.slice(1)}`;
}

function writeBody(out: XmlOut, v: VimValue): void {
  switch (v.k) {
    case 'data':
      for (const name in v.fields) {
        const f = v.fields[name];
        if (f !== undefined) writeField(out, name, f);
      }
      return;
    case 'ref': out.text(v.id); return;
    case 'prim': out.text(v.text); return;
    case 'enum': out.text(v.value); return;
    case 'array':
      for (const item of v.items) writeArrayItem(out, v.itemType, item);
      return;
    case 'any': writeBody(out, v.value); return;
    case 'xml': out.raw(v.body);
  }
}

function writeArrayItem(out: XmlOut, itemType: string, item: VimValue): void {
  const tag = item.k === 'prim' ? XSD_ARRAY_ITEM[item.xsd] : itemType;
  if (item.k === 'data' || item.k === 'xml') out.open1(tag, 'xsi:type', item.type);
  else if (item.k === 'ref') out.open1(tag, 'type', item.type);
  else out.open(tag);
  writeBody(out, item);
  out.close(tag);
}

/**
 * Data types written without `xsi:type` where the client knows the declared type: in vim25 they have no
 * subclasses and every field the endpoint puts them in is declared with exactly that type, so the
 * attribute would say nothing (clients parse a listing of 1,000 VMs measurably faster without it).
 * Everything else keeps `xsi:type`, so a subclass in a base-typed field is always read as itself.
 */
const FINAL_TYPES = new Set([
  'Description', 'ElementDescription', 'SharesInfo', 'ResourceAllocationInfo', 'VirtualMachineFileInfo', 'VirtualHardware',
  'VirtualMachineRuntimeInfo', 'VirtualMachineGuestSummary', 'VirtualMachineConfigSummary', 'VirtualMachineStorageSummary',
  'VirtualMachineQuickStats', 'VirtualDeviceConnectInfo', 'HostHardwareSummary', 'HostRuntimeInfo', 'HostListSummaryQuickStats',
  'HostConfigSummary', 'AboutInfo', 'PerfSampleInfo', 'PerfMetricId', 'HostSystemInfo', 'HostCpuInfo', 'HostCpuPackage',
  'VirtualMachineSnapshotTree', 'GuestNicInfo',
]);

/** A value where the client knows the declared type. Arrays → repeated elements. */
export function writeField(out: XmlOut, name: string, value: VimValue | VimValue[]): void {
  if (Array.isArray(value)) { for (const v of value) writeField(out, name, v); return; }
  switch (value.k) {
    case 'any': writeAny(out, name, value.value); return;
    case 'array': for (const v of value.items) writeField(out, name, v); return;
    case 'xml':
    case 'data':
      if (FINAL_TYPES.has(value.type)) out.open(name);
      else out.open1(name, 'xsi:type', value.type);
      writeBody(out, value);
      out.close(name);
      return;
    case 'ref': out.open1(name, 'type', value.type).text(value.id).close(name); return;
    case 'prim': out.leaf(name, value.text); return;
    case 'enum': out.leaf(name, value.value);
  }
}

/** A value in an xsd:anyType place: always typed. */
export function writeAny(out: XmlOut, name: string, value: VimValue): void {
  switch (value.k) {
    case 'any': writeAny(out, name, value.value); return;
    case 'xml':
    case 'data': out.open1(name, 'xsi:type', value.type); writeBody(out, value); out.close(name); return;
    case 'ref': out.leaf(name, value.id, { type: value.type, 'xsi:type': 'ManagedObjectReference' }); return;
    case 'prim': out.leaf(name, value.text, { 'xsi:type': `xsd:${value.xsd}` }); return;
    case 'enum': out.leaf(name, value.value, { 'xsi:type': value.type }); return;
    case 'array': {
      const first = value.items[0];
      const itemType = first?.k === 'prim' ? XSD_ARRAY_ITEM[first.xsd] : value.itemType;
      out.open(name, { 'xsi:type': arrayTypeName(itemType) });
      writeBody(out, value);
      out.close(name);
    }
  }
}

/** A value written as `<val xsi:type=…>…</val>` (DynamicProperty.val, PropertyChange.val); also its canonical text for equality. */
export function valText(value: VimValue | undefined): string {
  if (value === undefined) return '';
  const out = new XmlOut();
  writeAny(out, 'val', value);
  return out.toString();
}

/** Follows a dotted path (`summary.hardware.memorySize`) inside a value; undefined where a step is unset. */
export function valueAtPath(root: VimValue | undefined, steps: string[]): VimValue | undefined {
  let v: VimValue | undefined = root;
  for (const step of steps) {
    if (!v || v.k !== 'data') return undefined;
    const f = v.fields[step];
    if (f === undefined) return undefined;
    v = Array.isArray(f) ? arr('anyType', f) : f;
  }
  return v;
}
