// Versions: a client keeps previewing offline with the last rules and catalog it stored, and
// when the server restarts with a new rules configuration the client, reconnecting by itself,
// swaps it into its WebAssembly engine without being rebuilt (no page reload in a browser).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { artifactDir, repoRoot, startServer, startStack } from '../support/stack.mjs';
import { FlakyNetwork, MemoryStorage, SyncClient, cartRequest, loadWasmRules, sleep } from './support.mjs';

const MEMBER_ID = '00000000-0000-4000-8000-000000001005';
let stack;
let dir;

before(async () => {
  dir = artifactDir('sync-versions');
  stack = await startStack({ logDir: dir });
});
after(async () => { await stack?.stop(); });

async function until(what, predicate, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

test('a stored client previews offline, then swaps in the rules a restarted server brings', { timeout: 120_000 }, async () => {
  const token = await stack.login({ member_number: 'NN-1005' });
  const storage = new MemoryStorage();
  const network = new FlakyNetwork();
  const first = new SyncClient({ baseUrl: stack.baseUrl, token, memberId: MEMBER_ID, storage, rules: await loadWasmRules(),
    fetch: network.fetch, WebSocket: network.WebSocket });
  await first.start();
  await until('online', () => first.connection === 'online');
  const defaultVersion = first.state.rules_version;
  first.stop();

  // A new page while offline: the stored state, catalog and rules are enough to preview.
  network.offline = true;
  const rules = await loadWasmRules();
  const offline = new SyncClient({ baseUrl: stack.baseUrl, token, memberId: MEMBER_ID, storage, rules,
    fetch: network.fetch, WebSocket: network.WebSocket });
  await offline.start();
  assert.equal(offline.connection === 'online', false);
  const cart = new Map([['NN-KIT-FS', 1], ['NN-OMEGA3', 1]]);
  const now = new Date().toISOString().slice(0, 19) + 'Z';
  const before = rules.previewCart(cartRequest(offline.state, cart, now));
  assert.equal(before.rules_version, defaultVersion);
  assert.equal(before.pv_threshold, 2930);
  assert.equal(before.unlocks_cashback, true, 'a 2,950 PV cart unlocks at 2,930');

  // Back online; meanwhile the server restarts with a higher threshold.
  const config = JSON.parse(readFileSync(path.join(repoRoot, 'rules/config/default.json'), 'utf8'));
  config.cashback.pv_threshold = 3000;
  const configFile = path.join(dir, 'rules-3000.json');
  writeFileSync(configFile, JSON.stringify(config));
  const port = stack.servers[0].port;
  assert.equal(await stack.servers[0].stop(), 0);
  stack.servers[0] = await startServer(stack.server, { ...stack.env, NNW_RULES_CONFIG: configFile }, { port });
  const served = await fetch(`${stack.baseUrl}/v1/rules`).then((r) => r.json());
  assert.notEqual(served.rules_version, defaultVersion);

  const swapped = [];
  offline.subscribe((_, event) => { if (event.type === 'rules') swapped.push(event.rules_version); });
  network.offline = false;
  offline.reconnect();  // what the browser's `online` event does
  await until('the new rules swapped in', () => rules.version() === served.rules_version);
  assert.deepEqual(swapped, [served.rules_version]);
  assert.equal(offline.state.rules_version, served.rules_version);
  const after = rules.previewCart(cartRequest(offline.state, cart, now));
  assert.equal(after.pv_threshold, 3000);
  assert.equal(after.unlocks_cashback, false, 'the same cart no longer unlocks: 50 PV missing');
  assert.equal(after.pv_missing, 50);

  // The server prices the same cart with the same numbers.
  const server = await fetch(`${stack.baseUrl}/v1/checkout/preview`, { method: 'POST', headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ lines: [...cart].map(([sku, quantity]) => ({ sku, quantity })) }) }).then((r) => r.json());
  const local = rules.previewCart({ ...server.rules_request });
  assert.deepEqual(local, server.preview);
  offline.stop();
});

test('a socket that looks open on a dead network is given up by the periodic pull', { timeout: 60_000 }, async () => {
  const token = await stack.login({ member_number: 'NN-1004' });
  const network = new FlakyNetwork();
  const client = new SyncClient({ baseUrl: stack.baseUrl, token, memberId: '00000000-0000-4000-8000-000000001004',
    storage: new MemoryStorage(), fetch: network.fetch, WebSocket: network.WebSocket, safetyPullMs: 200 });
  const seen = [];
  client.subscribe((c, event) => { if (event.type === 'connection') seen.push(event.connection); });
  await client.start();
  await until('online', () => client.connection === 'online');
  // Requests fail, the socket stays open (nothing closes it): as when a phone loses its network.
  network.offline = true;
  await until('the connection shown lost', () => client.connection !== 'online', 5000);
  network.offline = false;
  await until('online again', () => client.connection === 'online', 15000);
  const lost = seen.indexOf('offline', seen.indexOf('online'));
  assert.ok(lost > 0, `the connection went from online to offline: ${seen.join(', ')}`);
  assert.equal(seen.at(-1), 'online', `and came back: ${seen.join(', ')}`);
  client.stop();
});
