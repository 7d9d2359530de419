/**
 * `hvlab availability …`: the course's availability maths from the command line, through the engine's
 * contract (`availability.design`, `availability.cluster`: the same formulas, validation and messages as
 * the client's availability page; nothing is computed here).
 *
 *   hvlab availability design FILE.yaml|FILE.json [--json]   a design file: { combine?, groups: [...] }
 *   hvlab availability design --group NAME=A|MTBF/MTTR,NEED,SCHEME … [--parallel] [--json]
 *   hvlab availability design LABDIR [--json]                the student's design saved with a lab
 *   hvlab availability cluster (LABDIR | --scenario NAME [--seed N]) [--cluster NAME] --mtbf H --mttr H
 *                              [--years N] [--replications N] [--sim-seed N] [--json]
 *   hvlab availability tiers [--json]                        the Uptime Institute tiers
 *
 * A bad value in a design file prints `file:line:col: error: groups[1].mttrH: …` (the field the engine
 * names, found in the file); other refusals print the engine's message with the field. JSON out with
 * `--json` is the query's answer as the contract returns it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isScalar } from 'yaml';
import type { Document } from 'yaml';
import { ApiException } from '@shared/api/errors';
import type { HvlabApi } from '@shared/api/index';
import type { AvailabilityDesign } from '@shared/api/availabilitySchema';
import type { AvailabilityDesignDto, ClusterAvailabilityDto } from '@shared/model/clusterServices';
import { parseArgs, UsageError } from './args';
import { apiOf, engineWithScenarios, openSavedLab } from '../exercise/labAccess';

const USAGE = [
  'usage: hvlab availability design FILE.yaml|LABDIR [--json]',
  '       hvlab availability design --group NAME=A|MTBF/MTTR,NEED,N|N+1|2N|2N+1 … [--parallel] [--json]',
  '       hvlab availability cluster (LABDIR | --scenario NAME [--seed N]) [--cluster NAME] --mtbf H --mttr H [--years N] [--replications N] [--sim-seed N] [--json]',
  '       hvlab availability tiers [--json]',
].join('\n');

/** The built-in lab the design maths runs in when no lab is named (the maths does not read the lab). */
const DESIGN_LAB = 'lab-ha';

const pct = (a: number): string => `${(a * 100).toFixed(5)} %`;
const hours = (h: number): string => (h >= 10 ? `${h.toFixed(1)} h` : h >= 0.1 ? `${h.toFixed(2)} h` : `${(h * 60).toFixed(1)} min`);

function isLabDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** `--group power=0.999,1,2N` or `--group hosts=2000/48,3,N+1`. */
function parseGroup(text: string): AvailabilityDesign['groups'][number] {
  const m = /^([^=]+)=([^,]+),(\d+),(N|N\+1|2N|2N\+1)$/.exec(text.trim());
  if (!m) throw new UsageError(`--group "${text}": expected NAME=A|MTBF/MTTR,NEED,SCHEME (e.g. power=0.999,1,2N or hosts=2000/48,3,N+1)\n${USAGE}`);
  const [, name, figures, need, scheme] = m;
  const base = { name: name.trim(), need: Number(need), scheme: scheme as AvailabilityDesign['groups'][number]['scheme'] };
  const slash = figures.split('/');
  if (slash.length === 2) return { ...base, mtbfH: Number(slash[0]), mttrH: Number(slash[1]) };
  return { ...base, availability: Number(figures) };
}

function locate(doc: Document, path: (string | number)[], lines: LineCounter): { line: number; col: number } {
  let node: unknown = doc.contents;
  let offset = (doc.contents as { range?: [number] } | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
      if (!pair) break;
      offset = (pair.key as { range?: [number] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = node.items[seg];
      offset = (node as { range?: [number] }).range?.[0] ?? offset;
    } else break;
  }
  return lines.linePos(offset);
}

/** `params.groups[1].mttrH` → ['groups', 1, 'mttrH'] and the shown form `groups[1].mttrH`. */
function fieldPath(field: string | undefined): { path: (string | number)[]; shown: string } {
  const shown = (field ?? '').replace(/^params\.(design\.)?/, '');
  const path: (string | number)[] = [];
  for (const part of shown.split('.').filter(Boolean)) {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) { path.push(part); continue; }
    path.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) path.push(Number(i[1]));
  }
  return { path, shown };
}

function formatDesign(d: AvailabilityDesignDto, title: string): string {
  const lines = [`${title} — groups in ${d.combine} (${d.combine === 'series' ? 'all needed' : 'any one suffices'}; independent failures assumed)`];
  lines.push(`  ${'group'.padEnd(24)}${'unit A'.padStart(14)}  ${'units'.padStart(5)}  ${'needed'.padStart(6)}  ${'group A'.padStart(14)}`);
  for (const g of d.groups) lines.push(`  ${g.name.padEnd(24)}${pct(g.unitAvailability).padStart(14)}  ${String(g.units).padStart(5)}  ${String(g.required).padStart(6)}  ${pct(g.availability).padStart(14)}`);
  if (d.union) lines.push(`  P(A∪B) = P(A) + P(B) − P(A∩B) = ${d.union.a.toFixed(6)} + ${d.union.b.toFixed(6)} − ${d.union.both.toFixed(6)}`);
  lines.push(`  availability ${pct(d.availability)}, downtime ${hours(d.downtimeHoursPerYear)} a year, ${d.tier ? `Uptime Institute tier ${d.tier}` : 'below tier I'}`);
  return lines.join('\n');
}

function formatCluster(c: ClusterAvailabilityDto, name: string): string {
  return [
    `cluster ${name}: ${c.hosts} hosts, HA tolerates ${c.tolerate} host failure(s) — N+${c.tolerate}: at least ${c.hosts - c.tolerate} of ${c.hosts} hosts up`,
    `  one host: ${pct(c.hostAvailability)}`,
    `  formula: ${pct(c.formula)} (${hours(c.formulaDowntimeHoursPerYear)} short of capacity a year, ${c.tier ? `tier ${c.tier}` : 'below tier I'})`,
    `  simulated: ${pct(c.simulated)} ± ${pct(c.halfWidth)} (95 %, ${c.replications} replications × ${c.years} year(s), ${c.hostFailures} host failures)`,
    `  HA restarts add ${hours(c.vmRestartDowntimeHoursPerYear)} of VM downtime a year (${c.restartS} s per failure: detection + power-on)`,
  ].join('\n');
}

async function design(args: string[]): Promise<number> {
  const groups: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--group') { const v = args[++i]; if (v === undefined) throw new UsageError(`--group needs a value\n${USAGE}`); groups.push(v); } else if (args[i].startsWith('--group=')) groups.push(args[i].slice(8));
    else rest.push(args[i]);
  }
  const { flags, positionals } = parseArgs(rest, { json: 'boolean', parallel: 'boolean' });
  if (positionals.length > 1 || (positionals.length === 1) === (groups.length > 0)) throw new UsageError(`give one design file or lab folder, or --group options\n${USAGE}`);
  let api: HvlabApi;
  let params: AvailabilityDesign;
  let title: string;
  let file: { name: string; doc: Document; lines: LineCounter } | undefined;
  if (groups.length) {
    params = { groups: groups.map(parseGroup), ...(flags.parallel ? { combine: 'parallel' as const } : {}) };
    api = apiOf(engineWithScenarios(DESIGN_LAB, 1));
    title = 'design';
  } else if (isLabDir(positionals[0])) {
    const lab = await openSavedLab(positionals[0]);
    const saved = await lab.api.query('availability.design.saved', {});
    if (!saved) { console.error(`${positionals[0]}: error: the lab has no saved availability design (the availability page's SAVE)`); return 1; }
    params = saved.design;
    api = lab.api;
    title = `the design saved in ${positionals[0]} at ${saved.savedAtMs / 1000} s virtual`;
  } else {
    const name = positionals[0];
    if (!existsSync(name)) { console.error(`${name}: error: no such file or lab folder`); return 1; }
    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(name, 'utf8'), { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length) {
      console.error(doc.errors.slice(0, 10).map((e) => `${name}:${e.linePos?.[0].line ?? 1}:${e.linePos?.[0].col ?? 1}: error: ${e.message.split('\n')[0]}`).join('\n'));
      return 1;
    }
    params = doc.toJS({ maxAliasCount: 50 }) as AvailabilityDesign;
    file = { name, doc, lines };
    api = apiOf(engineWithScenarios(DESIGN_LAB, 1));
    title = name;
  }
  if (flags.parallel && !groups.length) throw new UsageError('--parallel goes with --group (a file says `combine: parallel`)');
  try {
    const d = await api.query('availability.design', params);
    console.log(flags.json ? JSON.stringify(d, null, 2) : formatDesign(d, title));
    return 0;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    const { path, shown } = fieldPath(e.error.field);
    if (file) {
      const pos = locate(file.doc, path, file.lines);
      console.error(`${file.name}:${pos.line}:${pos.col}: error: ${shown ? `${shown}: ` : ''}${e.error.message}`);
    } else console.error(`hvlab availability: error: ${shown ? `${shown}: ` : ''}${e.error.message}`);
    return 1;
  }
}

async function cluster(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(args, {
    json: 'boolean', scenario: 'string', seed: 'number', cluster: 'string', mtbf: 'number', mttr: 'number', years: 'number', replications: 'number', 'sim-seed': 'number',
  });
  if ((positionals.length === 1) === (flags.scenario !== undefined) || positionals.length > 1) throw new UsageError(`name a lab folder or --scenario\n${USAGE}`);
  if (flags.mtbf === undefined || flags.mttr === undefined) throw new UsageError(`--mtbf and --mttr (hours) are needed\n${USAGE}`);
  const api = positionals.length ? (await openSavedLab(positionals[0])).api : apiOf(engineWithScenarios(String(flags.scenario), Number(flags.seed ?? 1)));
  const clusters = (await api.query('inventory.get', {})).clusters;
  const c = flags.cluster !== undefined ? clusters.find((x) => x.name === flags.cluster) : clusters[0];
  if (!c) { console.error(`hvlab availability: error: ${flags.cluster !== undefined ? `no cluster named "${String(flags.cluster)}" (the lab has ${clusters.map((x) => x.name).join(', ') || 'none'})` : 'the lab has no cluster'}`); return 1; }
  try {
    const r = await api.query('availability.cluster', {
      clusterId: c.id, mtbfH: Number(flags.mtbf), mttrH: Number(flags.mttr),
      ...(flags.years !== undefined ? { years: Number(flags.years) } : {}),
      ...(flags.replications !== undefined ? { replications: Number(flags.replications) } : {}),
      ...(flags['sim-seed'] !== undefined ? { seed: Number(flags['sim-seed']) } : {}),
    });
    console.log(flags.json ? JSON.stringify({ cluster: c.name, ...r }, null, 2) : formatCluster(r, c.name));
    return 0;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    const shown = fieldPath(e.error.field).shown;
    const flag = { mtbfH: '--mtbf', mttrH: '--mttr', years: '--years', replications: '--replications', seed: '--sim-seed' }[shown] ?? shown;
    console.error(`hvlab availability: error: ${flag ? `${flag}: ` : ''}${e.error.message}`);
    return 1;
  }
}

async function tiers(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(args, { json: 'boolean' });
  if (positionals.length) throw new UsageError(USAGE);
  // The tiers come with any design's answer: ask for the simplest one.
  const d = await apiOf(engineWithScenarios(DESIGN_LAB, 1)).query('availability.design', { groups: [{ name: 'unit', availability: 1, need: 1, scheme: 'N' }] });
  if (flags.json) console.log(JSON.stringify(d.tiers, null, 2));
  else for (const t of d.tiers) console.log(`tier ${t.tier.padEnd(4)} ${pct(t.availability).padStart(12)}  ${hours(t.downtimeHoursPerYear).padStart(8)} a year  ${t.description}`);
  return 0;
}

export async function availability(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'design') return design(rest);
  if (sub === 'cluster') return cluster(rest);
  if (sub === 'tiers') return tiers(rest);
  if (sub === '-h' || sub === '--help') { console.log(USAGE); return 0; }
  throw new UsageError(USAGE);
}
