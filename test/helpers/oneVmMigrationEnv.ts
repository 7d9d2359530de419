/**
 * oneVmMigrationEnv — the `MigrationEnv` of a one-VM move between two bare machines, with no lab around
 * them, for the tests that drive the migration mechanism (`LiveMigration`) directly.
 *
 * Interface: `oneVmMigrationEnv({ source, incoming, destinationVms?, assembled? })` → `{ env, destination() }`.
 *  - `source`: what the mechanism sees as the source (a machine, or a view of one);
 *  - `incoming`: the destination's incoming memory; at the switch a machine is assembled on it from the
 *    saved core, and `assembled(machine)` (default: the machine itself) says what the destination shows —
 *    a view of it, or the machine with a hook installed;
 *  - `destinationVms`: the VMs already running on the destination (dedup's neighbours; default none);
 *  - `destination()`: what `assembled` returned, once the switch has happened (the mechanism reaches it
 *    through a `DestinationMachines` over it and the receiver half).
 * Rules: the source stays paused for the whole move (no dirty pages, no throttle, pause/resume are no-ops);
 * a cut link is not part of these tests (it throws).
 */
import { buildMachine, type IncomingMemory, type Machine } from '../../src-main/engine/machine/index';
import type { MigrationEnv, ReceiverSetup } from '../../src-main/engine/migration/migrationEnv';
import type { PageCodecs } from '../../src-main/engine/migration/codecs';
import { PageReceiver } from '../../src-main/engine/migration/pageReceiver';
import { machineSource } from '../../src-main/engine/migration/machineSource';
import { DestinationMachines } from '../../src-main/engine/migration/destinationMachines';
import type { GuestMachine } from '../../src-main/engine/vm/guestMachine';

export interface OneVmMove<D extends GuestMachine> {
  env: MigrationEnv;
  destination(): D | undefined;
}

export function oneVmMigrationEnv<D extends GuestMachine = Machine>(o: {
  source: GuestMachine;
  incoming: IncomingMemory;
  destinationVms?: () => GuestMachine[];
  assembled?: (machine: Machine) => D;
}): OneVmMove<D> {
  let dest: D | undefined;
  let receiver: PageReceiver | undefined;
  const env = {
    memberCount: 1,
    ...machineSource(() => o.source),
    openReceiver: (setup: ReceiverSetup, codecs: PageCodecs) => {
      receiver = new PageReceiver([o.incoming], setup.dedup ? (o.destinationVms?.() ?? []) : [], codecs, setup.compression);
      return receiver;
    },
    readDirty: () => [],
    pauseSource: () => {},
    resumeSource: () => {},
    startDestination: (cores: readonly unknown[]) => {
      const machine = buildMachine({ kind: 'assemble', core: structuredClone(cores[0]) as never, memory: o.incoming });
      dest = o.assembled ? o.assembled(machine) : (machine as unknown as D);
      return new DestinationMachines([dest], receiver!);
    },
    finishSource: () => {},
    loseVms: () => { throw new Error('no link cut here'); },
    setThrottle: () => {},
  } as unknown as MigrationEnv;
  return { env, destination: () => dest };
}
