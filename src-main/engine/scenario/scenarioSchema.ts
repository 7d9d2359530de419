/**
 * The scenario file format: a lab described by counts (govmomi-Model style) or explicitly.
 *
 * - `scenarioSchema` validates a parsed scenario object (YAML or JSON is parsed outside the engine);
 *   errors name the path of the bad field (`scenario.datacenters[0].clusters[1].hosts.count`).
 * - `Scenario` is the validated type.
 *
 * Names follow vcsim's pattern when not given: DC0, DC0_C0, DC0_C0_H1, DC0_C0_H1_VM2.
 */
import { s } from '@shared/api/schema';
import type { Infer } from '@shared/api/schema';
import { MONITOR_KINDS, PAGING_MODES } from '@shared/model/inventory';

export const hostTemplateSchema = s.object({
  count: s.int({ min: 0, max: 1000 }),
  vendor: s.optional(s.string({ max: 80 })),
  model: s.optional(s.string({ max: 80 })),
  cpuModel: s.optional(s.string({ max: 120 })),
  sockets: s.optional(s.int({ min: 1, max: 8 })),
  coresPerSocket: s.optional(s.int({ min: 1, max: 128 })),
  threadsPerCore: s.optional(s.int({ min: 1, max: 2 })),
  cpuMhz: s.optional(s.int({ min: 100, max: 10_000 })),
  memoryGiB: s.optional(s.number({ min: 0.25, max: 65536 })),
});

export const vmTemplateSchema = s.object({
  count: s.int({ min: 0, max: 100_000 }),
  /** Name prefix; VMs are named `<host name>_VM<n>` when absent. */
  namePrefix: s.optional(s.string({ min: 1, max: 60 })),
  vcpus: s.optional(s.int({ min: 1, max: 64 })),
  memoryMiB: s.optional(s.int({ min: 1, max: 1024 * 1024 })),
  guestOs: s.optional(s.string({ max: 80 })),
  monitor: s.optional(s.oneOf(MONITOR_KINDS)),
  paging: s.optional(s.oneOf(PAGING_MODES)),
  pageTableLevels: s.optional(s.oneOf([2, 4] as const)),
  workload: s.optional(s.string({ min: 1, max: 64 })),
  workloadParams: s.optional(s.record(s.number())),
  diskGiB: s.optional(s.int({ min: 1, max: 65536 })),
  powerOn: s.optional(s.bool()),
});

export const scenarioSchema = s.object({
  /** Format version of the scenario file itself. */
  version: s.literal(1),
  name: s.string({ min: 1, max: 64, pattern: /^[a-z0-9][a-z0-9_-]*$/ }),
  title: s.string({ min: 1, max: 120 }),
  description: s.optional(s.string({ max: 2000 })),
  datacenters: s.array(s.object({
    name: s.optional(s.string({ min: 1, max: 80 })),
    clusters: s.optional(s.array(s.object({
      name: s.optional(s.string({ min: 1, max: 80 })),
      drs: s.optional(s.bool()),
      ha: s.optional(s.bool()),
      hosts: hostTemplateSchema,
      /** VMs per host. */
      vmsPerHost: s.optional(vmTemplateSchema),
    }), { max: 100 })),
    /** Standalone hosts (not in a cluster). */
    hosts: s.optional(hostTemplateSchema),
    vmsPerHost: s.optional(vmTemplateSchema),
  }), { min: 1, max: 16 }),
});

export type Scenario = Infer<typeof scenarioSchema>;
export type HostTemplate = Infer<typeof hostTemplateSchema>;
export type VmTemplate = Infer<typeof vmTemplateSchema>;
