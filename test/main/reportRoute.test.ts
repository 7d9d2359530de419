// Export report… in browser mode: `POST /api/report` on the lab server — the same token and Origin rules as
// the WebSocket, the request validated with the contract's schema, the report built through the contract
// from the real engine worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_VERSION } from '../../src-shared/api/channels';
import type { ReportResponseDto } from '../../src-shared/api/reports';
import { labServerForTests } from '../helpers/labServerForTests';

const lab = labServerForTests();

// The test's own requests to the backend (which keeps callers' ids apart).
let nextTestId = 1;
const direct = (m: Record<string, unknown>) => lab.backend().request({ v: API_VERSION, ...m, id: nextTestId++ });

function post(body: unknown, opts: { token?: string; origin?: string; type?: string; method?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': opts.type ?? 'application/json' };
  if (opts.origin) headers.Origin = opts.origin;
  return fetch(`http://127.0.0.1:${lab.server().port}/api/report?token=${opts.token ?? lab.server().token}`, {
    method: opts.method ?? 'POST', headers, body: opts.method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

test('refuses a request without the token, from a foreign origin, or not a JSON POST', async () => {
  assert.equal((await post({ kind: 'datacenter', format: 'json' }, { token: '0'.repeat(64) })).status, 401);
  assert.equal((await post({ kind: 'datacenter', format: 'json' }, { origin: 'http://evil.example' })).status, 403);
  assert.equal((await post(undefined, { method: 'GET' })).status, 405);
  assert.equal((await post('kind=lab', { type: 'application/x-www-form-urlencoded' })).status, 415);
  assert.equal((await post('{not json')).status, 400);
  assert.equal((await post('x'.repeat(9000))).status, 413);
});

test('an invalid request gets a typed error naming the field', async () => {
  const reply = (await (await post({ kind: 'datacenter', format: 'docx' })).json()) as ReportResponseDto;
  assert.equal(reply.ok, false);
  if (!reply.ok) {
    assert.equal(reply.error.code, 'E_INVALID_ARGUMENT');
    assert.match(reply.error.field ?? '', /format/);
  }
});

test('a lab report needs a started exercise: the reply says so instead of building an empty report', async () => {
  const reply = (await (await post({ kind: 'lab', format: 'html' })).json()) as ReportResponseDto;
  assert.equal(reply.ok, false);
  if (!reply.ok) assert.equal(reply.error.code, 'E_INVALID_STATE');
});

test('a datacenter report over an empty period is refused with a typed error, not an empty report', async () => {
  // A period after the lab's clock (a lab just loaded asked for "the last hour" gets a "no samples yet"
  // report instead: test/exercise/datacenterReportPeriod.test.ts).
  const reply = (await (await post({ kind: 'datacenter', format: 'json', fromMs: 600_000 })).json()) as ReportResponseDto;
  assert.equal(reply.ok, false);
  if (!reply.ok) assert.equal(reply.error.code, 'E_INVALID_ARGUMENT');
});

test('a datacenter report comes back as files built from the running lab', async () => {
  await direct({ kind: 'command', name: 'sim.step', params: { seconds: 120 } });
  // The host runs a step in slices between requests: wait until it has ended.
  for (let i = 0; i < 600; i++) {
    const st = await direct({ kind: 'query', name: 'sim.status', params: {} });
    if (st.ok && (st.result as { stepToMs?: number }).stepToMs === undefined) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const reply = (await (await post({ kind: 'datacenter', format: 'json' })).json()) as ReportResponseDto;
  assert.ok(reply.ok, JSON.stringify(reply));
  if (!reply.ok) return;
  assert.equal(reply.files.length, 1);
  assert.equal(reply.files[0].name, 'datacenter-report.json');
  const doc = JSON.parse(Buffer.from(reply.files[0].base64, 'base64').toString('utf8')) as { kind: string; sections: { title: string }[] };
  assert.equal(doc.kind, 'datacenter');
  const inventory = (await direct({ kind: 'query', name: 'inventory.get', params: {} })) as { ok: true; result: { hosts: { name: string }[] } };
  const text = JSON.stringify(doc);
  for (const h of inventory.result.hosts) assert.ok(text.includes(h.name), `the report names host ${h.name}`);
});
