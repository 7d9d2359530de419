// `npx hvlab report` on a saved lab: the lab report and the datacenter report as HTML (self-contained,
// model embedded), CSV (one file per table and series), JSON, and PDF through the system's Chromium —
// checked with poppler: the text has the student's answers and a table of contents whose page numbers
// are where the sections are, the pages have charts (coloured chart pixels), A4 and Letter sizes differ;
// a sealed report verifies with the key and fails after an edit; the lab digest matches the save.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Student } from '../helpers/practical';
import { saveLab } from '../../src-main/node/storage/labStore';

const root = resolve(import.meta.dirname, '../..');
const hvlab = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(root, 'bin/hvlab.mjs'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
const tmp = mkdtempSync(join(tmpdir(), 'hvlab-report-'));
const lab = join(tmp, 'lab');
const keyFile = join(tmp, 'instructor.key');

before(async () => {
  const s = await Student.start('client-tour');
  await s.answerChoicesAndTexts('inventory');
  await s.answer('host-count', 2);
  await s.expectStepPasses('inventory');
  await s.goTo('host-hardware');
  await s.answer('esx01-logical', 16);
  await s.answer('cluster-capacity', 250);
  await s.goTo('performance');
  await s.run(65);
  await s.goTo('power');
  await s.task('vm.powerOn', 'db-01');
  await s.run(45);
  await s.answer('suspend-vs-snapshot', 'Suspend frees the memory; a snapshot keeps a point in time.');
  saveLab(lab, s.engine.saveState());
  writeFileSync(keyFile, 'correct horse battery staple 42\n');
});

/** Page images as PPM (poppler's default), decoded here: no image library needed. */
function pagePixels(pdf: string, page: number): { w: number; h: number; px: Buffer } {
  const prefix = join(tmp, `p${page}-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync('pdftoppm', ['-r', '40', '-f', String(page), '-l', String(page), pdf, prefix], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const file = readdirSync(tmp).map((f) => join(tmp, f)).find((f) => f.startsWith(prefix))!;
  const buf = readFileSync(file);
  const header = buf.toString('latin1', 0, 40).split(/\s+/);
  assert.equal(header[0], 'P6');
  const [w, h] = [Number(header[1]), Number(header[2])];
  return { w, h, px: buf.subarray(buf.length - w * h * 3) };
}

/** Pixels of the chart palette's first two colours on a page: blue #0072a3 (also the headings' rule) and orange #d4731f (charts only). */
function chartPixels(pdf: string, page: number): { blue: number; orange: number } {
  const { px } = pagePixels(pdf, page);
  const near = (i: number, rgb: number[]) => Math.abs(px[i] - rgb[0]) < 40 && Math.abs(px[i + 1] - rgb[1]) < 40 && Math.abs(px[i + 2] - rgb[2]) < 40;
  const out = { blue: 0, orange: 0 };
  for (let i = 0; i < px.length; i += 3) {
    if (near(i, [0x00, 0x72, 0xa3])) out.blue++;
    else if (near(i, [0xd4, 0x73, 0x1f])) out.orange++;
  }
  return out;
}

const text = (pdf: string, ...range: string[]) => spawnSync('pdftotext', ['-layout', ...range, pdf, '-'], { encoding: 'utf8' }).stdout;

test('lab report as PDF (A4): answers, checks, a table of contents that points at the right pages, charts on the measurement page', () => {
  const out = join(tmp, 'lab.pdf');
  const r = hvlab(['report', lab, '--kind', 'lab', '--format', 'pdf', '-o', out, '--key-file', keyFile]);
  assert.equal(r.status, 0, r.stderr);
  const all = text(out);
  assert.match(all, /Lab report — The vSphere Client tour/);
  assert.match(all, /Student\s+Test Student/);
  const flow = spawnSync('pdftotext', [out, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
  assert.match(flow, /Suspend frees the memory; a snapshot keeps a point in time\./, 'the free-text answer');
  assert.match(flow, /How many hosts does cluster Lab have\? 2 /);
  assert.match(flow, /How many logical processors does esx-01 have\? 16 16 \(logicalCpus of host esx-01: 16\) ✓ pass/);
  assert.match(flow, / 250 MHz /, 'the wrong answer is in the report');
  assert.match(all, /240 MHz \(sum of \[cpuCapacityMhz/, 'beside what the lab computed');
  assert.match(all, /sealed: HMAC-SHA256 key [0-9a-f]{8} [0-9a-f]{64}/);
  // The contents say where each section is; the page footer says the same.
  const info = spawnSync('pdfinfo', [out], { encoding: 'utf8' }).stdout;
  assert.match(info, /Page size:\s+595\.\d+ x 842\.\d+ pts \(A4\)/);
  const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
  const toc = [...all.matchAll(/^(Summary|Step \d\. [^\n]*?|Measurements|Tasks and events)\s{3,}(\d+)$/gm)].map((m) => [m[1].trim(), Number(m[2])] as const);
  assert.equal(toc.length, 9, all.slice(0, 1500));
  for (const [title, page] of toc) {
    const p = text(out, '-f', String(page), '-l', String(page));
    assert.ok(p.trimStart().startsWith(title), `"${title}" is on page ${page}: ${p.slice(0, 80)}`);
    assert.match(p, new RegExp(`page ${page} of ${pages}`));
  }
  const measure = toc.find(([t]) => t === 'Measurements')![1];
  const onCharts = chartPixels(out, measure);
  const onSummary = chartPixels(out, toc.find(([t]) => t === 'Summary')![1]);
  assert.ok(onCharts.orange > 100 && onCharts.blue > onSummary.blue + 100, `the measurements page has drawn chart lines (${JSON.stringify(onCharts)})`);
  assert.equal(onSummary.orange, 0, 'a page without charts has none of the chart-only colour');
});

test('datacenter report as PDF (Letter) and HTML; CSV and JSON for every table and series', () => {
  const pdf = join(tmp, 'dc.pdf');
  const r = hvlab(['report', lab, '--kind', 'datacenter', '--from', '0', '--to', '90s', '--format', 'pdf', '--page', 'letter', '-o', pdf]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout, /Page size:\s+612 x 792 pts \(letter\)/);
  const all = text(pdf);
  for (const s of ['Inventory', 'Utilization', 'Top virtual machines', 'Events and alarms', 'Energy']) assert.match(all, new RegExp(`^${s}\\s{3,}\\d+$`, 'm'));
  assert.match(all, /Period\s+00:00 – 01:30 virtual \(90 s, real-time 20 s samples\)/);
  assert.match(all, /esx-01\s+Lab\s+Dell Inc\. PowerEdge/);
  assert.match(all, /Top 10 by ready time/);
  assert.match(all, /Total\s+—\s+—\s+0\.00\d+/, 'energy total in kWh');

  const html = join(tmp, 'dc.html');
  assert.equal(hvlab(['report', lab, '--kind', 'datacenter', '--format', 'html', '-o', html]).status, 0);
  const page = readFileSync(html, 'utf8');
  assert.ok(!/(src|href)="(https?:|\/\/)/.test(page), 'self-contained: no external resources');
  assert.ok((page.match(/<svg /g) ?? []).length >= 3, 'charts inline');
  assert.match(page, /<script type="application\/json" id="hvlab-report">\{"format":"hvlab-report"/);

  const csv = join(tmp, 'csv', 'dc.csv');
  assert.equal(hvlab(['report', lab, '--kind', 'datacenter', '--format', 'csv', '-o', csv]).status, 0);
  const index = readFileSync(csv, 'utf8').trim().split('\r\n');
  assert.equal(index[0], 'kind,title,file,rows');
  for (const line of index.slice(1)) assert.ok(existsSync(join(tmp, 'csv', line.split(',').at(-2)!)), line);
  assert.ok(index.some((l) => l.startsWith('series,Host power,dc.host-power.csv,')));
  assert.match(readFileSync(join(tmp, 'csv', 'dc.hosts.csv'), 'utf8'), /^Host,Cluster,Model,Cores,Logical CPUs,MHz,Memory \(GiB\),VMs,State\r\nesx-01,Lab,Dell Inc\. PowerEdge R650,8,16,20,16,1,connected\r\n/);
  assert.match(readFileSync(join(tmp, 'csv', 'dc.host-power.csv'), 'utf8'), /^time_ms,esx-01 \(W\),esx-02 \(W\)\r\n20000,110\.\d+,80\.\d+/);

  const json = join(tmp, 'lab.json');
  assert.equal(hvlab(['report', lab, '--kind', 'lab', '--format', 'json', '-o', json]).status, 0);
  const doc = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(doc.kind, 'lab');
  assert.equal(doc.integrity.seal, null);
  const answers = doc.sections.find((s: { id: string }) => s.id.startsWith('step-2')).blocks.find((b: { kind: string; table?: { id: string } }) => b.table?.id.endsWith('answers')).table;
  assert.deepEqual(answers.rows[0].slice(1, 2), ['16']);
});

test('a sealed report verifies with the key and the saved lab; an edited one does not', () => {
  const html = join(tmp, 'sealed.html');
  assert.equal(hvlab(['report', lab, '--kind', 'lab', '--format', 'html', '-o', html], { HVLAB_REPORT_KEY_FILE: keyFile }).status, 0);
  const ok = hvlab(['report', 'verify', html, '--key-file', keyFile, '--lab', lab]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /seal: the seal matches/);
  assert.match(ok.stdout, /lab: .* is the lab of this report \(sha256:/);
  const edited = join(tmp, 'edited.html');
  writeFileSync(edited, readFileSync(html, 'utf8').replace(/"Test Student"/g, '"Someone Else"'));
  const bad = hvlab(['report', 'verify', edited, '--key-file', keyFile]);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /the seal does not match: the report was edited/);
  const otherKey = join(tmp, 'other.key');
  writeFileSync(otherKey, 'another key of sixteen+ chars');
  assert.match(hvlab(['report', 'verify', html, '--key-file', otherKey]).stdout, /sealed with key [0-9a-f]{8}, not with this key/);
});

test('bad requests are clear errors', () => {
  const noEx = hvlab(['report', join(tmp, 'nolab'), '--kind', 'lab', '--format', 'html', '-o', join(tmp, 'x.html')]);
  assert.equal(noEx.status, 1);
  assert.match(noEx.stderr, /no saved lab in/);
  const fmt = hvlab(['report', lab, '--kind', 'lab', '--format', 'docx', '-o', join(tmp, 'x.docx')]);
  assert.equal(fmt.status, 2);
  assert.match(fmt.stderr, /--format must be one of html, pdf, csv, json/);
  const period = hvlab(['report', lab, '--kind', 'datacenter', '--from', '10m', '--format', 'json', '-o', join(tmp, 'x.json')]);
  assert.equal(period.status, 1);
  assert.match(period.stderr, /the period is empty/);
});
