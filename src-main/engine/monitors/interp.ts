/**
 * interp — the reference monitor: the guest runs as if on bare hardware.
 *
 * Interface: `new InterpMonitor()`; onTrap always answers 'deliver' (architectural delivery
 * to the guest's own vectors; intercepted instructions execute natively).
 * Rules: attaching it is equivalent to attaching no monitor, except that every event is
 * counted in cpu.counters.monitorTraps — it is the oracle the other monitors are compared to.
 */
import type { Cpu, Monitor, TrapDecision, TrapEvent } from '../cpu/index';

export class InterpMonitor implements Monitor {
  readonly name = 'interp';
  onTrap(_cpu: Cpu, _ev: TrapEvent): TrapDecision {
    return 'deliver';
  }
}
