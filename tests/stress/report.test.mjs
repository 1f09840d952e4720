// The stress run's report page: run.mjs asks reportFileProblem before a run (a long run must
// not end on a page it cannot write), and writeReport replaces the figures between the markers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { reportFileProblem, writeReport } from './report.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'nnw-stress-report-'));
const START = '<!-- stress:figures:start -->';
const END = '<!-- stress:figures:end -->';

// The least a run that set nothing up reports: its parameters, time and outcome.
const results = (seed, failed) => ({
  opts: { seed, wallets: 80, hot: 4, operations: 0, clients: 1, kills: 0, 'pg-restarts': 0, terminations: 0, 'overload-s': 0 },
  started: '2026-12-07T00:00:00.000Z', commit: 'abc1234', server: 'nnw_server', seconds: 1, violationTotal: 0, failed,
});

test('a page that does not exist, or has no markers, is named before the run', () => {
  assert.match(reportFileProblem(path.join(dir, 'absent.md')), /absent\.md: cannot be read \(ENOENT\)/);
  const bare = path.join(dir, 'bare.md');
  writeFileSync(bare, '# Stress\n\nno markers here\n');
  assert.match(reportFileProblem(bare), /bare\.md: the figure markers .* are missing/);
  writeFileSync(bare, `# Stress\n${END}\n${START}\n`);  // in the wrong order
  assert.match(reportFileProblem(bare), /are missing/);
  assert.throws(() => writeReport(bare, results(1, false)), /are missing/);
  assert.equal(readFileSync(bare, 'utf8'), `# Stress\n${END}\n${START}\n`);  // left as it was
});

test("a run's figures replace the previous run's between the markers, and nothing else", () => {
  const page = path.join(dir, 'page.md');
  writeFileSync(page, `# Stress\n\nbefore\n${START}\nold figures\n${END}\nafter\n`);
  assert.equal(reportFileProblem(page), null);
  writeReport(page, results(11, false));
  writeReport(page, results(22, true));
  const text = readFileSync(page, 'utf8');
  assert.ok(text.startsWith(`# Stress\n\nbefore\n${START}\n| figure | measured |`), text);
  assert.ok(text.endsWith(`\n${END}\nafter\n`), text);
  assert.doesNotMatch(text, /old figures|seed 11/);
  assert.match(text, /seed 22, 1 s in all/);
  assert.match(text, /\| outcome \| FAILED \|/);
  assert.equal(text.split(START).length, 2);
});
