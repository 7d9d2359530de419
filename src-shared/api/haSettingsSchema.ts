/**
 * haSettingsSchema — the schema of a cluster's vSphere HA settings (some or all of them): read by
 * `cluster.configure` and by scenario files (a cluster's `haSettings:`), so both give the same message for
 * the same bad value. The one difference is how dedicated failover hosts are named, so the caller passes
 * that entry: host ids in the contract (`failoverHostIds`), host names in a scenario (`failoverHosts`); and
 * so the specified heartbeat datastores: ids in the contract (`datastoreIds`), names in a scenario (`datastores`).
 */
import { s } from './schema';
import type { Schema } from './schema';
import { ADMISSION_POLICIES, HEARTBEAT_DATASTORE_POLICIES, ISOLATION_RESPONSES, RESTART_PRIORITIES, VM_MONITORING_MODES } from '../model/clusterServices';

export function haSettingsSchema<F extends Record<string, Schema<unknown>>, D extends Record<string, Schema<unknown>>>(failoverHosts: F, heartbeatList: D) {
  return s.object({
    hostMonitoring: s.optional(s.bool()),
    defaultRestartPriority: s.optional(s.oneOf(RESTART_PRIORITIES)),
    isolationResponse: s.optional(s.oneOf(ISOLATION_RESPONSES)),
    vmMonitoring: s.optional(s.oneOf(VM_MONITORING_MODES)),
    vmMonitoringFailureIntervalS: s.optional(s.int({ min: 10, max: 3600 })),
    admissionControl: s.optional(s.object({
      policy: s.optional(s.oneOf(ADMISSION_POLICIES)),
      hostFailuresToTolerate: s.optional(s.int({ min: 1, max: 31 })),
      cpuFailoverPercent: s.optional(s.int({ min: 0, max: 100 })),
      memFailoverPercent: s.optional(s.int({ min: 0, max: 100 })),
      ...failoverHosts,
    })),
    heartbeatDatastores: s.optional(s.object({
      policy: s.optional(s.oneOf(HEARTBEAT_DATASTORE_POLICIES)),
      ...heartbeatList,
    })),
  });
}
