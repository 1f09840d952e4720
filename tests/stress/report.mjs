// Writes a run's measured figures into docs/stress.md, between the markers, replacing the
// previous run's. Only what this run measured is written.
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { repoRoot } from '../support/stack.mjs';

const START = '<!-- stress:figures:start -->';
const END = '<!-- stress:figures:end -->';

/** The checkout's commit: read when a run starts (run.mjs), since the tree may move on during a long one. */
export function commit() {
  try { return execFileSync('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(); } catch { return 'unknown'; }
}

export function figures(results) {
  const o = results.opts;
  const rows = [];
  const add = (k, v) => rows.push(`| ${k} | ${v} |`);
  add('run', `${results.started}, commit ${results.commit}, server \`${results.server}\`, seed ${o.seed}, ${results.seconds.toFixed(0)} s in all`);
  add('parameters', `--wallets ${o.wallets} --hot ${o.hot} --operations ${o.operations} --clients ${o.clients} --kills ${o.kills} `
    + `--pg-restarts ${o['pg-restarts']} --terminations ${o.terminations} --overload-s ${o['overload-s']}`);
  const b = results.bank;
  if (b) {
    const c = b.chaos;
    add('bank: operations', `${b.operations} in ${b.seconds.toFixed(0)} s (${(b.operations / b.seconds).toFixed(0)} ops/s), `
      + `${b.attempts} HTTP requests (${b.retries} retries, ${b.replays} answered as replays)`);
    add('bank: by operation (acknowledged / refused)', Object.entries(b.ops).map(([k, v]) => `${k} ${v.ok}/${v.refused}`).join(', '));
    add('bank: ledger at the end', `${b.final.wallets} wallets, ${b.final.entries} entries, ${c.checks} live invariant checks + the final one`);
    add('crashes', `${c.kills} SIGKILLs of the server (${c.restarts} restarts), ${c.pgStops} PostgreSQL immediate stops `
      + `(503 + Retry-After seen each time: ${c.answered503}; ready again ${Math.min(...c.pgRecoveryMs, Infinity)}–${Math.max(...c.pgRecoveryMs, 0)} ms after PostgreSQL), `
      + `${c.terminations} rounds of pg_terminate_backend (${c.backendsTerminated} backends, ${c.backendsBusy} of them mid-statement or mid-transaction)`);
    add('bank + crashes: violations', `${b.violations} (model mismatches ${b.mismatches})`);
  }
  const a = results.abuse;
  if (a) add('abuse', `${a.requests} requests over ${a.routes} routes: ${a.bad} not a clear 4xx JSON error, ${a.fiveHundreds} 5xx, ledger ${a.unchanged ? 'unchanged' : 'CHANGED'}`);
  const v = results.overload;
  if (v) {
    add('overload', `capacity ${v.capacity.toFixed(0)} transfers/s (closed loop, 64 clients); offered ${v.offeredRate.toFixed(0)}/s, sent ${v.sentRate.toFixed(0)}/s `
      + `for ${v.seconds} s with NNW_MAX_IN_FLIGHT=${v.inFlightLimit}: ${v.sent} sent, ${v.ok} served, ${v.shed} shed (${Object.entries(v.shedCodes ?? {}).map(([k, n]) => `${k} ${n}`).join(', ')}; all with Retry-After: ${v.shedWithoutRetryAfter === 0 ? 'yes' : 'NO'}), `
      + `${v.network} network errors; RSS ${v.rssBeforeMb} MB → peak ${v.rssPeakMb} MB; serving again ${v.recoveryMs} ms after the load stopped`);
    add('overload: violations', `${v.violations}`);
  }
  add('violations in all', `${results.violationTotal}`);
  add('outcome', results.failed ? `FAILED${results.error ? `: ${results.error}` : ''}` : 'passed');
  return ['| figure | measured |', '|---|---|', ...rows].join('\n');
}

// A page that takes a run's figures: its text and where the markers are, or why it cannot.
function readPage(file) {
  let text;
  try { text = readFileSync(file, 'utf8'); } catch (e) { return { problem: `${file}: cannot be read (${e.code ?? e.message})` }; }
  const i = text.indexOf(START);
  const j = text.indexOf(END);
  if (i < 0 || j < i) return { problem: `${file}: the figure markers ${START} and ${END} are missing` };
  return { text, i, j, problem: null };
}

/** Why `file` cannot take a run's figures, or null: run.mjs asks before a run, not after it. */
export function reportFileProblem(file) {
  return readPage(file).problem;
}

export function writeReport(file, results) {
  const { text, i, j, problem } = readPage(file);
  if (problem) throw new Error(problem);
  writeFileSync(file, `${text.slice(0, i + START.length)}\n${figures(results)}\n${text.slice(j)}`);
  console.log(`   figures written to ${file}`);
}
