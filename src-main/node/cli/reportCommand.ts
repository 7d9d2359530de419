/**
 * `hvlab report …`: reports of a saved lab (docs/exercises.md, "Reports").
 *
 *   report LABDIR --kind lab|datacenter [--exercise NAME] [--student NAME] [--from T --to T]
 *          --format html|pdf|csv|json -o FILE [--page a4|letter] [--key-file K]
 *   report verify FILE.html|FILE.json [--key-file K] [--lab LABDIR]
 *
 * `--from/--to`: virtual time of the lab (90, 90s, 5m, 1h); default the last hour. A lab report's exercise
 * defaults to the one the lab's progress names. PDF uses the system's Chromium (CHROMIUM_PATH). CSV writes
 * FILE as an index plus one `FILE-stem.<table>.csv` per table and series beside it. `--key-file` (or
 * HVLAB_REPORT_KEY_FILE) seals the report with the instructor's key; `verify` checks a seal and, with
 * `--lab`, that the report's lab digest is the saved lab's.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { durationMs } from '@shared/exercise/index';
import { parseArgs, UsageError } from './args';
import { findExercise } from '../exercise/exerciseFiles';
import { openSavedLab } from '../exercise/labAccess';
import type { ReportDoc, ReportFormat } from '../report/index';
import { REPORT_FORMATS, buildReport, checkLabDigest, chromiumPrinter, extractDoc, loadReportKey, reportFiles, verifySeal } from '../report/index';

const USAGE = 'usage: hvlab report LABDIR --kind lab|datacenter [--exercise NAME] [--student NAME] [--from T --to T] --format html|pdf|csv|json -o FILE [--page a4|letter] [--key-file K] | hvlab report verify FILE [--key-file K] [--lab LABDIR]';

function timeFlag(raw: unknown, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const ms = durationMs(/^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : text);
  if (!Number.isFinite(ms)) throw new UsageError(`--${name} needs a virtual time like 90, 90s, 5m or 1h, got "${String(raw)}"`);
  return ms;
}

async function verify(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { 'key-file': 'string', lab: 'string' });
  if (positionals.length !== 1) throw new UsageError('hvlab report verify needs exactly one FILE (.html or .json)');
  const text = readFileSync(positionals[0], 'utf8');
  const doc: ReportDoc | undefined = extname(positionals[0]) === '.json' ? JSON.parse(text) as ReportDoc : extractDoc(text);
  if (!doc || doc.format !== 'hvlab-report') throw new Error(`${positionals[0]}: not a Hypervisor Lab report (HTML or JSON export)`);
  let ok = true;
  const key = loadReportKey(flags['key-file'] as string | undefined);
  if (key) {
    const r = verifySeal(doc, key);
    console.log(`seal: ${r.reason}`);
    ok &&= r.ok;
  } else console.log(`seal: ${doc.integrity.seal ? `sealed with key ${doc.integrity.seal.keyId} (give --key-file to check it)` : 'not sealed'}`);
  if (flags.lab) {
    const lab = await openSavedLab(String(flags.lab));
    const d = await checkLabDigest(doc.integrity, lab.api);
    const v = `digest version ${d.version}`;
    console.log(d.same ? `lab: ${String(flags.lab)} is the lab of this report (${d.digest}, ${v})`
      : `lab: ${String(flags.lab)} differs from the report's lab (${v}: report ${doc.integrity.labDigest} at ${doc.integrity.virtualTimeMs / 1000} s, save ${d.digest} at ${d.virtualTimeMs / 1000} s)`);
    ok &&= d.same;
  }
  return ok ? 0 : 1;
}

export async function report(argv: string[]): Promise<number> {
  if (argv[0] === 'verify') return verify(argv.slice(1));
  const { flags, positionals } = parseArgs(argv.map((a) => (a === '-o' ? '--o' : a)), {
    kind: 'string', exercise: 'string', student: 'string', from: 'string', to: 'string', format: 'string', o: 'string', output: 'string', page: 'string', 'key-file': 'string',
  });
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const kind = String(flags.kind ?? '');
  if (kind !== 'lab' && kind !== 'datacenter') throw new UsageError('--kind must be lab or datacenter');
  const format = String(flags.format ?? '') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  const out = (flags.o ?? flags.output) as string | undefined;
  if (!out) throw new UsageError('-o FILE is required');
  const page = String(flags.page ?? 'a4').toLowerCase();
  if (page !== 'a4' && page !== 'letter') throw new UsageError('--page must be a4 or letter');
  const key = loadReportKey(flags['key-file'] as string | undefined);

  const lab = await openSavedLab(positionals[0]);
  let exercise;
  if (kind === 'lab') {
    const name = (flags.exercise as string | undefined) ?? lab.progress?.exercise;
    if (!name) throw new Error(`${positionals[0]}: the lab has no exercise progress; name the exercise with --exercise NAME`);
    exercise = findExercise(name).exercise;
  }
  const doc = await buildReport(lab.api, {
    kind, exercise, studentName: flags.student as string | undefined, fromMs: timeFlag(flags.from, 'from'), toMs: timeFlag(flags.to, 'to'), key,
  });
  const base = basename(out).replace(/\.(html?|pdf|csv|json)$/i, '');
  const printer = format === 'pdf' ? await chromiumPrinter() : undefined;
  try {
    const files = await reportFiles(doc, format, { base, pageSize: page === 'letter' ? 'Letter' : 'A4', printer: printer?.print });
    mkdirSync(dirname(out) || '.', { recursive: true });
    for (const f of files) {
      const target = f.name === `${base}.${format}` ? out : join(dirname(out), f.name);
      writeFileSync(target, f.bytes);
      console.error(`hvlab: wrote ${target} (${f.bytes.length} bytes)`);
    }
  } finally {
    await printer?.close();
  }
  return 0;
}
