/**
 * The lab report of a student's exercise: who, which exercise, every step with its checks (pass/fail and
 * why) and answers (with what the lab computed), the charts and tables the exercise asks for, the tasks
 * and events of the run, per-VM counters, timestamps, and the integrity block (lab digest, seal).
 *
 * - `buildLabReport(api, exercise, options)` → `ReportDoc` (unsealed; seal.ts seals it).
 *
 * Rules: everything is read through the contract (the same checker as the panel and `exercise check`);
 * the period is the exercise's (from its start to now); counter series come from real-time samples (the last
 * hour, one every 20 s), migration series from the migrations' round tables (every round).
 */
import type { HvlabApi } from '@shared/api/index';
import type { Exercise, RunGrade, StepGrade } from '@shared/exercise/index';
import { LabView, evaluateExpr, gradeRun, readCounter, renderMarkdown, escapeHtml, markdownToText, selectMigrations, stepContext } from '@shared/exercise/index';
import type { EntityKey } from '@shared/exercise/index';
import type { MigrationStats } from '@shared/model/migration';
import type { Block, Cell, ReportDoc, Section } from './reportModel';
import { uniqueIds } from './reportModel';
import { formatClockMs } from './svgChart';
import { counterSeries, eventRows, migrationRoundSeries, taskRows } from './reportData';
import { labDigest } from './seal';

export interface LabReportOptions {
  studentName?: string;
  /** Wall-clock time the report is made (ISO). */
  generatedAt: string;
}

function stepState(s: StepGrade): string {
  if (s.recorded?.state === 'skipped') return 'skipped';
  if (s.recorded?.state === 'passed') return s.checksPass ? 'passed' : 'passed (checks no longer hold)';
  return s.checksPass ? 'checks pass' : 'open';
}

function stepSection(s: StepGrade, id: string, hintCount: number): Section {
  const blocks: Block[] = [];
  const facts: string[] = [`<p><strong>State:</strong> ${escapeHtml(stepState(s))}`];
  if (s.recorded?.passedAtMs !== undefined) facts.push(` at ${formatClockMs(s.recorded.passedAtMs)} virtual${s.recorded.at ? ` (${escapeHtml(s.recorded.at)})` : ''}`);
  if (hintCount) facts.push(` · hints revealed: ${s.recorded?.hintsShown ?? 0} of ${hintCount}`);
  facts.push('</p>');
  if (s.recorded?.note) facts.push(`<blockquote><p><strong>Student's note (skipped):</strong> ${escapeHtml(s.recorded.note)}</p></blockquote>`);
  blocks.push({ kind: 'html', html: facts.join('') });
  if (s.checks.length) {
    blocks.push({ kind: 'table', table: {
      id: `${id}-checks`, title: 'Checks', columns: ['Check', 'Result', 'Why'],
      rows: s.checks.map((c) => [c.label, c.pass, c.reason]), status: s.checks.map((c) => (c.pass ? 'pass' : 'fail')),
    } });
  }
  if (s.answers.length) {
    blocks.push({ kind: 'table', table: {
      id: `${id}-answers`, title: 'Questions', columns: ['Question', 'Answer', 'Lab value', 'Result'],
      rows: s.answers.map((a) => [markdownToText(a.prompt), a.answer ?? null, a.kind === 'number' ? a.expectedText ?? null : null,
        a.value === undefined ? 'no answer' : a.correct === null ? 'for the instructor' : a.correct]),
      status: s.answers.map((a) => (a.correct === true ? 'pass' : a.correct === false ? 'fail' : 'info')),
    } });
  }
  return { id, title: `Step ${s.index + 1}. ${s.title}`, blocks };
}

export async function buildLabReport(api: HvlabApi, exercise: Exercise, options: LabReportOptions): Promise<ReportDoc> {
  const progress = await api.query('exercise.progress.get', {});
  const own = progress && progress.exercise === exercise.name ? progress : null;
  const grade: RunGrade = await gradeRun(exercise, api.query, own);
  const view = new LabView(api.query);
  const status = await view.status();
  const startMs = own?.startedAtMs ?? 0;
  const id = uniqueIds();
  const student = options.studentName ?? own?.studentName ?? '';
  const t = grade.totals;
  const sections: Section[] = [];

  const summaryRows: Cell[][] = grade.steps.map((s) => [s.index + 1, s.title, stepState(s), `${s.checks.filter((c) => c.pass).length}/${s.checks.length}`,
    `${s.answers.filter((a) => a.correct === true).length}/${s.answers.filter((a) => a.kind !== 'text').length}`]);
  sections.push({ id: id('Summary'), title: 'Summary', blocks: [
    { kind: 'html', html: `<h3>Objectives</h3>${renderMarkdown(exercise.objectives.map((o) => `- ${o}`).join('\n'))}` },
    { kind: 'table', table: { id: 'steps', title: 'Steps', columns: ['#', 'Step', 'State', 'Checks passed', 'Answers correct'], rows: summaryRows,
      status: grade.steps.map((s) => (s.checksPass ? 'pass' : 'fail')) } },
    { kind: 'table', table: { id: 'totals', title: 'Totals', columns: ['Steps passed', 'Checks passed', 'Answers correct', 'Questions answered'],
      rows: [[`${t.stepsPassed}/${t.steps}`, `${t.checksPassed}/${t.checks}`, `${t.correct}/${t.graded}`, `${t.answered}/${t.questions}`]] } },
  ] });

  grade.steps.forEach((s) => sections.push(stepSection(s, id(`step ${s.index + 1} ${s.id}`), exercise.steps[s.index].hints?.length ?? 0)));

  const measure: Block[] = [];
  const inv = await view.inventory();
  const idOf = (kind: EntityKey, name: string): string | undefined => {
    const list: { id: string; name: string }[] = kind === 'vm' ? inv.vms : kind === 'host' ? inv.hosts : kind === 'cluster' ? inv.clusters : inv.datacenters;
    return list.find((x) => x.name === name)?.id;
  };
  const catalog = await api.query('metrics.catalog', {});
  for (const c of exercise.report?.charts ?? []) {
    if (c.migrations && c.series) {
      // Every run the selector picks since the exercise started, whatever its end (a cancelled pre-copy's rounds show why it never converged).
      const ctx = stepContext(view, own, 0);
      const states = c.migrations.state ? [c.migrations.state] : (['success', 'error', 'cancelled'] as const);
      const runs = (await Promise.all(states.map((state) => selectMigrations({ ...c.migrations!, state }, ctx)))).flat()
        .sort((a, b) => a.task.queuedAtMs - b.task.queuedAtMs);
      measure.push({ kind: 'chart', chart: { id: id(`chart ${c.title}`), title: c.title, series: migrationRoundSeries(runs, c.series) } });
      continue;
    }
    const kind = (['vm', 'host', 'cluster', 'datacenter'] as const).find((k) => c[k] !== undefined)!;
    const entityId = idOf(kind, c[kind]!);
    const series = entityId ? await counterSeries(api, catalog, entityId, c.counters ?? [], 'realtime', startMs, status.virtualTimeMs) : [];
    measure.push({ kind: 'chart', chart: { id: id(`chart ${c.title}`), title: c.title, series } });
  }
  for (const spec of exercise.report?.tables ?? []) {
    const rows: Cell[][] = [];
    for (const r of spec.rows) {
      const kind = (['vm', 'host', 'cluster'] as const).find((k) => r[k] !== undefined)!;
      const name = r[kind]!;
      const row: Cell[] = [r.label ?? name];
      for (const col of spec.columns) {
        const ctx = { view, exerciseStartMs: startMs, stepStartMs: startMs };
        if ('counter' in col) {
          const v = await readCounter({ ...col.counter }, ctx, { kind, name });
          row.push('error' in v ? null : v.value);
        } else {
          const v = kind === 'vm' || kind === 'host' ? await evaluateExpr({ [kind]: name, field: col.field } as never, ctx) : { error: 'no field' };
          row.push('error' in v ? null : v.value);
        }
      }
      rows.push(row);
    }
    measure.push({ kind: 'table', table: { id: id(`table ${spec.title}`), title: spec.title, columns: ['', ...spec.columns.map((c) => c.label)], rows } });
  }
  const vmRows: Cell[][] = [];
  for (const vm of inv.vms.filter((v) => !v.isTemplate)) {
    const ctx = { view, exerciseStartMs: startMs, stepStartMs: startMs };
    const read = async (name: string, extra: object = {}) => {
      const r = await readCounter({ vm: vm.name, name, since: 'exercise', ...extra }, ctx);
      return 'error' in r ? null : r.value;
    };
    vmRows.push([vm.name, vm.powerState, vm.monitor, await read('cpu.usage.average'), await read('cpu.ready.summation', { as: 'percent' }),
      await read('engine.mips.average'), await read('mem.consumed.average', { aggregate: 'latest' })]);
  }
  measure.push({ kind: 'table', table: { id: id('counters per VM'), title: 'Counters per VM over the exercise (real-time samples)',
    columns: ['VM', 'Power', 'Monitor', 'CPU usage avg (%)', 'Ready (%)', 'Guest MIPS avg', 'Memory consumed (KB, latest)'], rows: vmRows } });
  // The student's own live migrations, one row per run (the comparison table of the migration practical).
  const tasksById = new Map((await view.tasks()).map((x) => [x.id as string, x]));
  const hostName = (h: string): string => inv.hosts.find((x) => x.id === h)?.name ?? h;
  const runs = (await api.query('migration.list', {})).filter((m) => (tasksById.get(m.taskId)?.queuedAtMs ?? -1) >= startMs);
  if (runs.length) {
    const MiB = 1024 * 1024;
    const technique = (o: MigrationStats['options']): string => [
      o.mode, o.mode === 'precopy' || o.mode === 'hybrid' ? `${o.stopRule} rule` : '', o.compression !== 'none' ? o.compression : '',
      o.xbzrle ? 'XBZRLE' : '', o.dedup ? 'dedup' : '', o.autoConverge ? 'auto-converge' : '',
    ].filter(Boolean).join(', ');
    measure.push({ kind: 'table', table: { id: id('live migrations'), title: 'Live migrations since the exercise started',
      columns: ['VM', 'From → to', 'Technique', 'Status', 'Total time (ms)', 'Downtime (ms)', 'Rounds', 'Sent (MiB)', 'Full pages', 'Remote faults',
        'Throttle (%)', 'Saved by XBZRLE (MiB)', 'Saved by dedup (MiB)'],
      // XBZRLE's saving: its pages whole less their deltas (as the exercise field xbzrleSavedMiB); dedup's is the engine's bytes-saved.
      rows: runs.map((m) => [m.vmName, `${hostName(m.sourceHostId)} → ${hostName(m.destinationHostId)}`, technique(m.options), m.status,
        Math.round(m['total-time'] * 10) / 10, m.downtime === undefined ? null : Math.round(m.downtime * 100) / 100, m.rounds.length,
        Math.round((m.ram.transferred / MiB) * 100) / 100, m.ram.normal, m.ram['postcopy-requests'], m['cpu-throttle-percentage'],
        m.options.xbzrle ? Math.round(((m['xbzrle-cache'].pages * m.ram['page-size'] - m['xbzrle-cache'].bytes) / MiB) * 100) / 100 : null,
        m.options.dedup ? Math.round((m.dedup['bytes-saved'] / MiB) * 100) / 100 : null]) } });
  }
  sections.push({ id: id('Measurements'), title: 'Measurements', blocks: measure });

  const tasks = await view.tasks();
  const events = await view.events();
  sections.push({ id: id('Tasks and events'), title: 'Tasks and events', blocks: [
    { kind: 'table', table: taskRows('tasks', 'Tasks since the exercise started', tasks.filter((x) => x.queuedAtMs >= startMs)) },
    { kind: 'table', table: eventRows('events', 'Events since the exercise started', events.filter((x) => x.timeMs >= startMs)) },
  ] });

  const digest = await labDigest(api);
  const facts: [string, string][] = [
    ['Student', student || '(not given)'],
    ['Exercise', `${exercise.number !== undefined ? `Practical ${exercise.number}: ` : ''}${exercise.title} (${exercise.name})`],
    ['Lab', `scenario ${grade.scenario.actual}, seed ${grade.scenario.seed}${grade.scenario.matches ? '' : ` — the exercise starts from ${grade.scenario.expected}`}`],
    ['Started', `${own?.startedAt ?? '—'} (virtual ${formatClockMs(startMs)})`],
    ['Report made', `${options.generatedAt} (virtual ${formatClockMs(status.virtualTimeMs)})`],
    ['Result', `${t.stepsPassed}/${t.steps} steps, ${t.checksPassed}/${t.checks} checks, ${t.correct}/${t.graded} answers correct`],
  ];
  if (progress && !own) facts.push(['Note', `the lab's progress belongs to exercise ${progress.exercise}; graded without it`]);
  return {
    format: 'hvlab-report', version: 1, kind: 'lab',
    title: `Lab report — ${exercise.title}`, subtitle: student ? `${student} · ${exercise.name}` : exercise.name,
    generatedAt: options.generatedAt, facts, sections,
    integrity: { labDigest: digest.digest, digestVersion: digest.version, virtualTimeMs: digest.virtualTimeMs, seal: null },
  };
}

