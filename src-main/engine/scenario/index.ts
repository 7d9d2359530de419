/**
 * scenario — the YAML scenario format (schema; errors name the path) and the timeline that runs its
 * timed actions as commands. The door other engine folders import.
 */
export {
  ACTION_KINDS, durationMs, scenarioSchema,
  type ActionKind, type DatacenterSpec, type HostSpec, type ScenarioPool, type HostTemplate, type Scenario, type ScenarioAction, type TemplateSpec, type VmSpecEntry,
  type VmTemplate,
} from './scenarioSchema';
export { Timeline, type CommandRunner, type TimedCommand, type TimelineEnv, type TimelineState } from './timeline';
export { scenarioBoundsProblem } from './scenarioBounds';
