/**
 * The counter catalogue (PerformanceManager.perfCounter): names, units, rollups and stats types as vSphere
 * publishes them (facts.md Part 3 §1.6), plus the engine's own counters in the separate `engine` group.
 *
 * Rule: a counter is listed here only when the engine really counts it; the sampler asserts every
 * sampled name is in this table.
 */
import type { CounterInfo } from '@shared/model/metrics';

export const COUNTERS: CounterInfo[] = [
  {
    name: 'sys.uptime.latest', group: 'sys', label: 'Uptime', description: 'Total time elapsed, in seconds, since last system startup',
    unit: 's', rollup: 'latest', stats: 'absolute', level: 1, entityTypes: ['vm', 'host'],
  },
  {
    name: 'vmop.numPoweron.latest', group: 'vmop', label: 'VM power on count', description: 'Number of virtual machine power on operations',
    unit: 'num', rollup: 'latest', stats: 'absolute', level: 1, entityTypes: ['cluster', 'datacenter'],
  },
  {
    name: 'vmop.numPoweroff.latest', group: 'vmop', label: 'VM power off count', description: 'Number of virtual machine power off operations',
    unit: 'num', rollup: 'latest', stats: 'absolute', level: 1, entityTypes: ['cluster', 'datacenter'],
  },
];

export const COUNTER_BY_NAME = new Map(COUNTERS.map((c) => [c.name, c]));
