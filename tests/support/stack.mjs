// A throwaway NN Wallet for Node tests: a private PostgreSQL cluster (scripts/pg, --fast),
// migrated and seeded exactly as scripts/run does, and one or more server processes on free
// ports with fresh secrets and NNW_DEMO=1. Used by the sync, stress and browser tests, which
// talk to the real server and the real database, never to stand-ins.
//
//   const stack = await startStack({ server: 'build/native-debug/server/nnw_server' });
//   const token = await stack.login({ member_number: 'NN-1001' });
//   ... fetch(`${stack.baseUrl}/v1/...`) ...
//   await stack.stop();
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, chmodSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The server binary: $NNW_SERVER, else the debug build of this checkout. */
export function serverBinary() {
  return process.env.NNW_SERVER ?? path.join(repoRoot, 'build/native-debug/server/nnw_server');
}

/** A TCP port nobody listens on at the moment of asking. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a private cluster in a temporary directory; returns { dir, databaseUrl, destroy }.
 * `port` pins its port (default: scripts/pg's first free one from 54329). A test that stops
 * and restarts the cluster should pin one outside that range, or another cluster started
 * meanwhile may take the port.
 */
export async function startCluster({ fast = true, port } = {}) {
  const dir = mkdtempSync(path.join(process.env.TMPDIR ?? tmpdir(), 'nnw-stack-'));
  chmodSync(dir, 0o755);  // PostgreSQL runs as the postgres user when we are root
  const args = ['start', path.join(dir, 'pg'), '--owner-pid', String(process.pid)];
  if (fast) args.push('--fast');
  if (port) args.push('--port', String(port));
  const { stdout } = await run(path.join(repoRoot, 'scripts/pg'), args, { maxBuffer: 1 << 24 });
  const databaseUrl = stdout.trim().split('\n').pop();
  return {
    dir,
    databaseUrl,
    pgDir: path.join(dir, 'pg'),
    /** Stops PostgreSQL in the given mode ('immediate' simulates a crash) without deleting it. */
    async stopDatabase(mode = 'fast') {
      const pgctl = '/usr/lib/postgresql/15/bin/pg_ctl';
      const asPostgres = process.getuid?.() === 0;
      const cmd = asPostgres ? 'runuser' : pgctl;
      const cmdArgs = ['-D', path.join(dir, 'pg', 'data'), '-m', mode, '-w', 'stop'];
      await run(cmd, asPostgres ? ['-u', 'postgres', '--', pgctl, ...cmdArgs] : cmdArgs);
    },
    async startDatabase() {
      await run(path.join(repoRoot, 'scripts/pg'), ['start', path.join(dir, 'pg')].concat(fast ? ['--fast'] : []));
    },
    async destroy() {
      await run(path.join(repoRoot, 'scripts/pg'), ['destroy', path.join(dir, 'pg')]).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** psql -f FILE against the database (ON_ERROR_STOP). */
export async function psqlFile(databaseUrl, file) {
  await run('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-f', file]);
}

/** psql -c SQL, tuples only, unaligned; returns stdout trimmed. */
export async function psql(databaseUrl, sql) {
  const { stdout } = await run('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], { maxBuffer: 1 << 26 });
  return stdout.trim();
}

/** The environment a test server runs with; the caller's NNW_* settings are dropped. */
export function serverEnv(databaseUrl, extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('NNW_') && k !== 'DATABASE_URL') env[k] = v;
  return {
    ...env,
    DATABASE_URL: databaseUrl,
    NNW_JWT_SECRET: randomBytes(48).toString('base64'),
    NNW_DATA_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    NNW_DEMO: '1',
    ...extra,
  };
}

/** Migrates and loads the demo exactly as scripts/run does. */
export async function seedDemo(server, env) {
  const opts = { env, maxBuffer: 1 << 24 };
  await run(server, ['--migrate-only'], opts);
  const seed = (name) => psqlFile(env.DATABASE_URL, path.join(repoRoot, 'server/db/seed', name));
  await seed('demo_members.sql');
  await seed('demo_catalog.sql');
  await run(server, ['--job', 'deposit-commissions'], opts);
  await seed('demo_pending.sql');
  await seed('demo_travel.sql');
  await run(server, ['--job', 'close-travel-campaigns'], opts);
}

/** Runs one server job (`nnw_server --job NAME`) to completion. */
export async function runJob(server, env, name) {
  const { stdout } = await run(server, ['--job', name], { env, maxBuffer: 1 << 24 });
  return stdout;
}

/**
 * Starts one server process on a free port and waits for /readyz.
 * Returns { baseUrl, port, child, log, stop(signal) → exit code, kill() }.
 */
export async function startServer(server, env, { port, logFile, readyTimeoutMs = 30000 } = {}) {
  port ??= await freePort();
  const out = openSync(logFile ?? '/dev/null', 'a');
  const child = spawn(server, [], { env: { ...env, NNW_LISTEN: `127.0.0.1:${port}` }, stdio: ['ignore', out, out] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  let exitedEarly = false;
  exited.then(() => { exitedEarly = true; });
  for (;;) {
    if (exitedEarly) throw new Error(`server exited before ready${logFile ? `; log: ${logFile}` : ''}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`server not ready on ${baseUrl}`); }
    await sleep(50);
  }
  return {
    baseUrl,
    port,
    child,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** POST /v1/demo/login; body {member_number} or {role}. Returns the token. */
export async function login(baseUrl, body) {
  const res = await fetch(`${baseUrl}/v1/demo/login`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`demo login ${JSON.stringify(body)}: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

/**
 * A seeded cluster and one server. Options: server (binary), env (extra variables),
 * instances (servers on the same database, default 1), logDir.
 */
export async function startStack({ server = serverBinary(), env: extra = {}, instances = 1, logDir } = {}) {
  const cluster = await startCluster();
  try {
    const env = serverEnv(cluster.databaseUrl, extra);
    await seedDemo(server, env);
    const servers = [];
    for (let i = 0; i < instances; i += 1) {
      servers.push(await startServer(server, env, { logFile: logDir ? path.join(logDir, `server-${i}.log`) : undefined }));
    }
    return {
      cluster,
      env,
      server,
      servers,
      baseUrl: servers[0].baseUrl,
      databaseUrl: cluster.databaseUrl,
      login: (body) => login(servers[0].baseUrl, body),
      job: (name) => runJob(server, env, name),
      sql: (text) => psql(cluster.databaseUrl, text),
      async stop() {
        const codes = [];
        for (const s of servers) codes.push(await s.stop());
        await cluster.destroy();
        return codes;
      },
    };
  } catch (e) {
    await cluster.destroy();
    throw e;
  }
}

/** tests/artifacts/NAME, emptied: where a test keeps its server logs (git-ignored, kept for CI). */
export function artifactDir(name) {
  const dir = path.join(repoRoot, 'tests/artifacts', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Reads a log file, for a failing test's message. */
export function tail(file, lines = 40) {
  try { return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return ''; }
}
