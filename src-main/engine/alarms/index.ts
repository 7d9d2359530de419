/**
 * alarms — vSphere's alarms: the definitions (default set, thresholds, durations) and the manager that
 * evaluates them on hosts, VMs and datastores after each sample, with acknowledge and reset to green.
 * The door other engine folders import.
 */
export { AlarmManager, definitionChangeProblem, stateConditionProblem, type AlarmSources, type AlarmState, type AlarmWatch, type DefinitionChange } from './alarmManager';
export { ALARM_DEFINITIONS, customDefinition, type AlarmDefinition, type AlarmSettings, type CustomAlarmSpec } from './definitions';
