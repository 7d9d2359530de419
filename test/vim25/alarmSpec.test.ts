// Reading vSphere's AlarmSpec as the lab's alarm definition: the XML pyvmomi sends (a metric condition in
// the OrAlarmExpression vSphere's client wraps it in, a state condition), and what the lab cannot model
// refused with the fault a vCenter would give (InvalidArgument naming the property, NotSupported naming it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml } from '../../src-main/node/vim25/xmlParser';
import { methodArgs } from '../../src-main/node/vim25/soapArgs';
import { PerfCatalog } from '../../src-main/node/vim25/perfCatalog';
import { readAlarmSpec, sameExpression } from '../../src-main/node/vim25/alarmSpec';
import { expression } from '../../src-main/node/vim25/alarmObjects';
import { VimFault } from '../../src-main/node/vim25/faults';
import { COUNTERS } from '../../src-main/engine/metrics/catalog';

const catalog = new PerfCatalog(COUNTERS);
const keyOf = (name: string) => catalog.key(catalog.byName(name)!);
const CPU = keyOf('cpu.usage.average');

/** An AlarmSpec as pyvmomi serialises it (its SoapAdapter's output, with our values). */
function spec(expression: string, extra = '', setting = '<setting><toleranceRange>0</toleranceRange><reportingFrequency>0</reportingFrequency></setting>') {
  const xml = `<CreateAlarm xmlns="urn:vim25" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><spec><name>Busy</name><description>d</description><enabled>true</enabled>${expression}${extra}${setting}</spec></CreateAlarm>`;
  return methodArgs(parseXml(xml).children, 'CreateAlarm').need('spec');
}
const metric = (o: { op?: string; type?: string; counter?: number; yellow?: number | null; red?: number; yi?: number; ri?: number; instance?: string } = {}) =>
  `<expression xsi:type="MetricAlarmExpression"><operator>${o.op ?? 'isAbove'}</operator><type>${o.type ?? 'VirtualMachine'}</type>`
  + `<metric><counterId>${o.counter ?? CPU}</counterId><instance>${o.instance ?? ''}</instance></metric>`
  + `${o.yellow === null ? '' : `<yellow>${o.yellow ?? 500}</yellow>`}${o.yi === undefined ? '' : `<yellowInterval>${o.yi}</yellowInterval>`}`
  + `<red>${o.red ?? 1000}</red>${o.ri === undefined ? '' : `<redInterval>${o.ri}</redInterval>`}</expression>`;
const or = (...inner: string[]) => `<expression xsi:type="OrAlarmExpression">${inner.join('')}</expression>`;
const state = (path: string, red: string, type = 'VirtualMachine') =>
  `<expression xsi:type="StateAlarmExpression"><operator>isEqual</operator><type>${type}</type><statePath>${path}</statePath><red>${red}</red></expression>`;

test('a metric condition (bare or in an OrAlarmExpression) and a state condition become the lab\'s definition', () => {
  const expected = { name: 'Busy', description: 'd', enabled: true, entityType: 'vm', counter: 'cpu.usage.average', warning: 5, critical: 10, durationS: 0 };
  assert.deepEqual(readAlarmSpec(spec(metric()), catalog), expected);
  assert.deepEqual(readAlarmSpec(spec(or(metric({ yi: 60, ri: 60 }))), catalog), { ...expected, durationS: 60 });
  assert.deepEqual(readAlarmSpec(spec(metric({ type: 'HostSystem', counter: keyOf('mem.usage.average'), yellow: 9050, red: 9500 })), catalog),
    { ...expected, entityType: 'host', counter: 'mem.usage.average', warning: 90.5, critical: 95 });
  assert.deepEqual(readAlarmSpec(spec(state('runtime.powerState', 'poweredOff')), catalog),
    { name: 'Busy', description: 'd', enabled: true, entityType: 'vm', state: { path: 'runtime.powerState', operator: 'isEqual', red: 'poweredOff' } });
  assert.deepEqual(readAlarmSpec(spec(state('runtime.connectionState', 'notResponding', 'HostSystem'), '', ''), catalog).state,
    { path: 'runtime.connectionState', operator: 'isEqual', red: 'notResponding' });
});

test('what the lab cannot model is NotSupported naming the property; malformed values are InvalidArgument naming it', () => {
  const cases: [string, ReturnType<typeof spec>, string, RegExp | string][] = [
    ['isBelow', spec(metric({ op: 'isBelow' })), 'NotSupported', /spec\.expression\.operator/],
    ['another counter', spec(metric({ counter: keyOf('cpu.ready.summation') })), 'NotSupported', /spec\.expression\.metric: .*cpu\.ready\.summation/],
    ['an unknown counter', spec(metric({ counter: 99_999 })), 'InvalidArgument', 'spec.expression.metric.counterId'],
    ['an instance', spec(metric({ instance: '0' })), 'NotSupported', /spec\.expression\.metric\.instance/],
    ['a datastore', spec(metric({ type: 'Datastore' })), 'NotSupported', /spec\.expression\.type/],
    ['no entity type', spec(metric({ type: 'Banana' })), 'InvalidArgument', 'spec.expression.type'],
    ['no yellow', spec(metric({ yellow: null })), 'NotSupported', /spec\.expression\.yellow/],
    ['yellow above red', spec(metric({ yellow: 2000 })), 'InvalidArgument', 'spec.expression.yellow'],
    ['above 100 %', spec(metric({ yellow: 5000, red: 20_000 })), 'InvalidArgument', 'spec.expression.red'],
    ['two intervals', spec(metric({ yi: 60, ri: 300 })), 'NotSupported', /spec\.expression\.redInterval/],
    ['two conditions', spec(or(metric(), metric())), 'NotSupported', /spec\.expression: .*2 conditions/],
    ['an AndAlarmExpression', spec(`<expression xsi:type="AndAlarmExpression">${metric()}</expression>`), 'NotSupported', /AndAlarmExpression/],
    ['an event alarm', spec('<expression xsi:type="EventAlarmExpression"><eventType>VmPoweredOnEvent</eventType></expression>'), 'NotSupported', /EventAlarmExpression/],
    ['an action', spec(metric(), '<action xsi:type="AlarmTriggeringAction"><action xsi:type="SendEmailAction"><toList>admin@example.com</toList></action></action>'), 'NotSupported', /spec\.action/],
    ['a reporting frequency', spec(metric(), '', '<setting><toleranceRange>0</toleranceRange><reportingFrequency>300</reportingFrequency></setting>'), 'NotSupported', /spec\.setting\.reportingFrequency/],
    ['a state a VM has not', spec(state('runtime.powerState', 'standBy')), 'InvalidArgument', 'spec.expression.red'],
    ['a state path the lab has not', spec(state('runtime.consolidationNeeded', 'true')), 'NotSupported', /spec\.expression\.statePath/],
    ['a VM connection state', spec(state('runtime.connectionState', 'connected')), 'NotSupported', /spec\.expression\.statePath/],
  ];
  for (const [what, s, type, where] of cases) {
    let fault: unknown;
    try { readAlarmSpec(s, catalog); } catch (e) { fault = e; }
    assert.ok(fault instanceof VimFault, `${what}: accepted`);
    assert.equal(fault.type, type, `${what}: ${fault.message}`);
    if (typeof where === 'string') {
      assert.deepEqual(fault.fields.invalidProperty, { k: 'prim', xsd: 'string', text: where }, `${what}: ${fault.message}`);
    } else {
      assert.match(fault.message, where, what);
    }
  }
});

test('a built-in alarm\'s expression sent back as served is recognised; a changed one is not', () => {
  const d = { key: 'hostConnectionPowerState', name: 'Host connection and power state', description: '', entityType: 'host', condition: 'state', definedIn: '', enabled: true } as const;
  const served = expression(d, catalog);
  const sent = (red: string, withTypes = true) => methodArgs(parseXml(`<ReconfigureAlarm xmlns="urn:vim25" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><spec>`
    + `<expression${withTypes ? ' xsi:type="AndAlarmExpression"' : ''}>`
    + `<expression xsi:type="StateAlarmExpression"><operator>isEqual</operator><type>HostSystem</type><statePath>runtime.connectionState</statePath><red>${red}</red></expression>`
    + '<expression xsi:type="StateAlarmExpression"><operator>isUnequal</operator><type>HostSystem</type><statePath>runtime.powerState</statePath><red>standBy</red></expression>'
    + '</expression></spec></ReconfigureAlarm>').children, 'ReconfigureAlarm').need('spec').need('expression');
  assert.equal(sameExpression(sent('notResponding'), served), true);
  assert.equal(sameExpression(sent('notResponding', false), served), true, 'a type the client left out is not compared');
  assert.equal(sameExpression(sent('disconnected'), served), false);
  assert.equal(sameExpression(spec(metric()).need('expression'), served), false);
});
