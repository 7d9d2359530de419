/**
 * clusterSettings — a scenario's cluster service settings (`haSettings`, `haVmOverrides`, `drsSettings`,
 * `dpmSettings` of each cluster) handed to the lab's cluster services when the lab is built, with names resolved to
 * ids. A bad reference (an unknown failover host, VM or heartbeat datastore, or one not every host mounts) is a `ScenarioProblem` naming its path.
 */
import type { HaSettings, RestartPriority } from '@shared/model/clusterServices';
import type { DatastoreId, HostId, VmId } from '@shared/model/ids';
import type { Registry } from '../cluster/index';
import { ScenarioProblem } from '../cluster/index';
import type { Scenario } from '../scenario/index';
import type { ClusterServices } from '../services/index';
import { heartbeatProblem } from '../services/index';

export function initClusterServices(services: ClusterServices, reg: Registry, scenario: Scenario): void {
  scenario.datacenters.forEach((dc, d) => {
    const dcName = dc.name ?? `DC${d}`;
    (dc.clusters ?? []).forEach((c, i) => {
      const path = `scenario.datacenters[${d}].clusters[${i}]`;
      const name = c.name ?? `${dcName}_C${i}`;
      const cluster = [...reg.clusters.values()].find((x) => x.name === name && reg.nameOf(x.datacenterId) === dcName);
      if (!cluster) return;
      const ha: Partial<HaSettings> = {};
      const hs = c.haSettings;
      if (hs) {
        const { admissionControl, heartbeatDatastores, ...rest } = hs;
        Object.assign(ha, rest);
        if (heartbeatDatastores) {
          const { datastores, ...hb } = heartbeatDatastores;
          const datastoreIds: DatastoreId[] = (datastores ?? []).map((n, j) => {
            const ds = [...reg.datastores.values()].find((x) => x.name === n);
            if (!ds) throw new ScenarioProblem(`${path}.haSettings.heartbeatDatastores.datastores[${j}]`, `no datastore named "${n}"`);
            return ds.id;
          });
          const settings = { ...services.settingsOf(cluster.id).ha.heartbeatDatastores, ...hb, datastoreIds };
          const problem = heartbeatProblem(reg, cluster.id, settings);
          if (problem) throw new ScenarioProblem(`${path}.haSettings.heartbeatDatastores.datastores${problem.index === undefined ? '' : `[${problem.index}]`}`, problem.message);
          ha.heartbeatDatastores = settings;
        }
        if (admissionControl) {
          const { failoverHosts, ...ac } = admissionControl;
          const failoverHostIds: HostId[] = (failoverHosts ?? []).map((n, j) => {
            const h = reg.hostByName(n);
            if (!h || h.clusterId !== cluster.id) throw new ScenarioProblem(`${path}.haSettings.admissionControl.failoverHosts[${j}]`, `no host named "${n}" in cluster ${name}`);
            return h.id;
          });
          ha.admissionControl = { ...services.settingsOf(cluster.id).ha.admissionControl, ...ac, failoverHostIds };
        }
      }
      if (c.haVmOverrides) {
        const overrides: Partial<Record<VmId, RestartPriority>> = {};
        c.haVmOverrides.forEach((o, j) => {
          const vm = reg.vmByName(o.vm);
          if (!vm) throw new ScenarioProblem(`${path}.haVmOverrides[${j}].vm`, `no VM named "${o.vm}"`);
          overrides[vm.id] = o.restartPriority;
        });
        ha.restartPriorityOverrides = overrides;
      }
      if (c.dpmSettings?.automationLevel && c.dpmSettings.automationLevel !== 'off' && !cluster.drsEnabled) {
        throw new ScenarioProblem(`${path}.dpmSettings.automationLevel`, `vSphere DPM runs as part of vSphere DRS: set drs: true on cluster ${name}`);
      }
      services.init(cluster.id, ha, c.drsSettings, c.dpmSettings);
    });
  });
}
