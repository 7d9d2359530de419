/**
 * `hvlab exercise …`: guided exercises from the command line (docs/exercises.md).
 *
 *   exercise list [--json]                    the practicals (built-in + HVLAB_EXERCISES folders)
 *   exercise show NAME [--instructor] [--json] the handout as text; --instructor adds checks and answers
 *   exercise check NAME LABDIR [--json]       grade a saved lab: each step's checks (pass/fail and why), answers
 *   exercise validate FILE…                   validate exercise files (file:line:col errors)
 *
 * Exit status: 0 ok (check: every check passes); 3 check: some check fails; 1 an unreadable exercise or
 * lab; 2 usage. Instructors grade a folder of saved labs with a shell loop over `exercise check`.
 */
import type { Exercise, RunGrade } from '@shared/exercise/index';
import { describeCheck, gradeRun, questionKind } from '@shared/exercise/index';
import { parseArgs, UsageError } from './args';
import { ExerciseFileError, findExercise, loadExerciseFile, loadExercises } from '../exercise/exerciseFiles';
import { openSavedLab } from '../exercise/labAccess';

const USAGE = 'usage: hvlab exercise list [--json] | show NAME [--instructor] [--json] | check NAME LABDIR [--json] | validate FILE…';

function indent(text: string, by = '    '): string {
  return text.split('\n').map((l) => (l ? by + l : l)).join('\n');
}

export function formatHandout(e: Exercise, instructor: boolean): string {
  const out: string[] = [];
  out.push(`${e.number !== undefined ? `Practical ${e.number}: ` : ''}${e.title}  (${e.name})`);
  out.push(`scenario: ${e.scenario}, seed ${e.seed ?? 1}${e.estimatedMinutes ? `, about ${e.estimatedMinutes} min` : ''}`);
  out.push('', e.summary.trim(), '', 'Objectives:');
  for (const o of e.objectives) out.push(`  - ${o}`);
  if (e.concepts?.length) {
    out.push('', 'Course concepts:');
    for (const c of e.concepts) out.push(`  - ${c}`);
  }
  e.steps.forEach((s, i) => {
    out.push('', `Step ${i + 1}. ${s.title}  [${s.id}]`, indent(s.instructions.trim()));
    s.hints?.forEach((h, j) => out.push(`  Hint ${j + 1}: ${instructor ? h : '(revealed on request in the lab)'}`));
    if (instructor) for (const c of s.checks ?? []) out.push(`  check: ${describeCheck(c)}`);
    for (const q of s.questions ?? []) {
      out.push(`  Question ${q.id} (${questionKind(q)}): ${q.prompt.trim()}`);
      if ('choice' in q) q.choice.options.forEach((o, k) => out.push(`      ${String.fromCharCode(97 + k)}) ${o.text}${instructor && o.correct ? '   ← correct' : ''}`));
      if (instructor && 'number' in q) out.push(`      expected: ${JSON.stringify(q.number.answer)}${q.number.tolerance !== undefined ? ` ± ${q.number.tolerance}` : ''}${q.number.unit ? ` ${q.number.unit}` : ''}`);
      if (instructor && 'text' in q && q.text?.modelAnswer) out.push(`      model answer: ${q.text.modelAnswer}`);
      if (instructor && q.explain) out.push(`      why: ${q.explain.trim()}`);
    }
  });
  return out.join('\n');
}

export function formatGrade(g: RunGrade, labDir: string): string {
  const out: string[] = [];
  out.push(`${labDir}: ${g.title} (${g.exercise})${g.studentName ? ` — ${g.studentName}` : ''}`);
  out.push(`lab: scenario ${g.scenario.actual} seed ${g.scenario.seed}, virtual time ${(g.virtualTimeMs / 1000).toFixed(1)} s${g.scenario.matches ? '' : `  (WARNING: the exercise starts from scenario ${g.scenario.expected})`}`);
  for (const s of g.steps) {
    const rec = s.recorded ? ` [recorded: ${s.recorded.state}${s.recorded.passedAtMs !== undefined ? ` at ${(s.recorded.passedAtMs / 1000).toFixed(1)} s` : ''}${s.recorded.note ? `, note: ${JSON.stringify(s.recorded.note)}` : ''}]` : '';
    out.push(`${s.checksPass ? 'PASS' : 'FAIL'}  step ${s.index + 1} ${s.id}: ${s.title}${rec}`);
    for (const c of s.checks) out.push(`      ${c.pass ? '✓' : '✗'} ${c.label} — ${c.reason}`);
    for (const a of s.answers) {
      const mark = a.correct === true ? '✓' : a.correct === false ? '✗' : '·';
      const exp = a.kind === 'number' ? `; lab: ${a.expectedText ?? '?'}` : '';
      out.push(`      ${mark} question ${a.id}: ${a.answer !== undefined ? JSON.stringify(a.answer) : '(no answer)'}${exp}`);
    }
  }
  const t = g.totals;
  out.push(`steps ${t.stepsPassed}/${t.steps} passed, checks ${t.checksPassed}/${t.checks}, answers ${t.correct}/${t.graded} correct (${t.answered}/${t.questions} answered)`);
  return out.join('\n');
}

export async function exercise(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') {
    const { flags } = parseArgs(rest, { json: 'boolean' });
    const { exercises, errors } = loadExercises();
    if (flags.json) console.log(JSON.stringify(exercises.map((x) => ({ ...x.summary, file: x.file })), null, 2));
    else {
      for (const x of exercises) {
        const s = x.summary;
        console.log(`${String(s.number ?? '-').padStart(2)}  ${s.name.padEnd(24)} ${s.title}  (${s.steps} steps, scenario ${s.scenario}${s.source === 'folder' ? `, from ${x.file}` : ''})`);
      }
    }
    for (const e of errors) console.error(e);
    return errors.length ? 1 : 0;
  }
  if (sub === 'show') {
    const { flags, positionals } = parseArgs(rest, { json: 'boolean', instructor: 'boolean' });
    if (positionals.length !== 1) throw new UsageError('hvlab exercise show needs exactly one NAME');
    const x = loadOrReport(positionals[0]);
    if (!x) return 1;
    console.log(flags.json ? JSON.stringify(x.exercise, null, 2) : formatHandout(x.exercise, Boolean(flags.instructor)));
    return 0;
  }
  if (sub === 'check') {
    const { flags, positionals } = parseArgs(rest, { json: 'boolean' });
    if (positionals.length !== 2) throw new UsageError('hvlab exercise check needs NAME and LABDIR');
    const x = loadOrReport(positionals[0]);
    if (!x) return 1;
    const lab = await openSavedLab(positionals[1]);
    const grade = await gradeRun(x.exercise, lab.api.query, lab.progress);
    console.log(flags.json ? JSON.stringify({ lab: positionals[1], ...grade }, null, 2) : formatGrade(grade, positionals[1]));
    return grade.totals.checksPassed === grade.totals.checks ? 0 : 3;
  }
  if (sub === 'validate') {
    const { positionals } = parseArgs(rest, {});
    if (positionals.length === 0) throw new UsageError('hvlab exercise validate needs at least one FILE');
    let bad = 0;
    for (const f of positionals) {
      try {
        const x = loadExerciseFile(f, { source: 'folder' });
        console.log(`${f}: ok (${x.exercise.name}: ${x.exercise.steps.length} steps)`);
      } catch (e) {
        if (!(e instanceof ExerciseFileError)) throw e;
        console.error(e.message);
        bad++;
      }
    }
    return bad ? 1 : 0;
  }
  throw new UsageError(USAGE);
}

function loadOrReport(name: string) {
  try {
    return findExercise(name);
  } catch (e) {
    if (!(e instanceof ExerciseFileError)) throw e;
    console.error(e.message);
    return undefined;
  }
}
