// Part 5 of issue #7: the abuse sweep. Every route of server/src/routes/routes.cpp (read from
// the file, so a new route is swept without anyone remembering to add it) is called with no
// token, expired and forged tokens, the wrong role, another member's ids, and — with a token
// the route accepts — malformed, oversized and mistyped bodies, zero, negative and overflowing
// amounts, unicode and SQL-looking strings, bad query parameters and Idempotency-Keys. Every
// answer must be a 4xx with a JSON error {code, message, field}; none a 5xx; and a digest of
// the ledger taken before and after must not move.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { repoRoot } from '../support/stack.mjs';
import { send } from './lib/client.mjs';
import { brokenTokens, token as mint } from './lib/jwt.mjs';
import { ledgerDigest } from './lib/invariants.mjs';
import { pool } from './lib/world.mjs';

/** [{ method, pattern, roles: ['member', …] }] from the route table. */
export function routeTable() {
  const text = readFileSync(path.join(repoRoot, 'server/src/routes/routes.cpp'), 'utf8');
  const routes = [];
  for (const m of text.matchAll(/\{verb::(\w+), "([^"]+)", \{([^}]*)\}, \w+\}/g)) {
    routes.push({ method: m[1].toUpperCase(), pattern: m[2], roles: m[3].split(',').map((s) => s.trim()).filter(Boolean) });
  }
  if (routes.length < 30) throw new Error(`routes.cpp: only ${routes.length} routes parsed; has the table's shape changed?`);
  return routes;
}

const SQL = ["' OR '1'='1", "'; DROP TABLE wallet_entries; --", "1; SELECT pg_sleep(5)--", '$1', "\\'; TRUNCATE wallets CASCADE; --"];
const UNICODE = ['Ñandú 💸 ‮evil‬', '\u0000nul', 'ｎｎ－１００１', '𝕄𝕏ℕ', 'é'.repeat(300), '\ud800'];
const BAD_NUMBERS = [0, -1, -100000, '-9223372036854775808', '9223372036854775807', '9223372036854775808',
  '1e400', '1.5', '-0.0', '"100"', 'true', 'null', '[1]', '{"cents":1}', '0x10', 'NaN', '1e2'];
const MALFORMED = ['{', '{"amount_cents": ', '[]', 'null', '"text"', '{"a":1}{"b":2}', '\u0000', '{"a":1,}', "{'a':1}",
  `${'['.repeat(5000)}${']'.repeat(5000)}`, `{"a":${'{"a":'.repeat(2000)}1${'}'.repeat(2001)}`, '\xff\xfe{}'];
const NOBODY = randomUUID();            // a member id nobody has
const NOWHERE = '999999999';            // a withdrawal / reward id nobody has

/**
 * Templates of bodies for the routes that take one. Each is refused as a whole by an
 * "anchor" (an unknown member, a bad check digit, a stale rules version…) so that no
 * mutation of its other fields can succeed; the mutations must each be refused as well.
 */
function templates() {
  return {
    'POST /v1/transfers': { anchor: { to_member_number: 'NN-NADIE' }, body: { to_member_number: 'NN-NADIE', amount_cents: 1000, note: 'x' },
      numbers: ['amount_cents'], strings: ['to_member_number', 'to_member_id', 'note'] },
    'POST /v1/withdrawals': { body: { amount_cents: 30000, bank: { bank_name: 'BBVA', holder_name: 'X', clabe: '002180700123456789' } },
      numbers: ['amount_cents', 'totp_code'], strings: ['bank.clabe', 'bank.bank_name', 'totp_code'] },
    'POST /v1/admin/adjustments': { body: { member_id: NOBODY, amount_cents: 1000, reason: 'Prueba de abuso' },
      numbers: ['amount_cents'], strings: ['member_id', 'reason'] },
    'POST /v1/commissions': { body: { commissions: [{ external_id: `abuse-${NOBODY}`, member_id: NOBODY, bonus_type: 'UNINIVEL', period: '2026-11',
      amount_cents: 1000, currency: 'MXN', source_amount_cents: 1000, source_currency: 'MXN', rate_micros: 1000000 }] },
      numbers: ['commissions.0.amount_cents', 'commissions.0.rate_micros', 'commissions.0.source_amount_cents'],
      strings: ['commissions.0.member_id', 'commissions.0.external_id', 'commissions.0.currency', 'commissions.0.period', 'commissions.0.bonus_type'] },
    'POST /v1/members': { body: { id: randomUUID(), member_number: `AB-${NOBODY.slice(0, 8)}`, display_name: 'Abuso', email: `abuso.${NOBODY}@example.mx`,
      market: 'MX', sponsor_id: NOBODY }, numbers: ['id'], strings: ['id', 'member_number', 'display_name', 'email', 'market', 'sponsor_id'] },
    'POST /v1/orders': { body: { lines: [{ sku: 'NN-OMEGA3', quantity: 1 }], wallet_cents: 0, rules_version: '0000000000000000',
      displayed: { subtotal_cents: 59900, discount_cents: 0, shipping_cents: 14900, total_cents: 74800 } },
      numbers: ['wallet_cents', 'lines.0.quantity', 'displayed.total_cents'], strings: ['lines.0.sku', 'rules_version'] },
    'POST /v1/checkout/preview': { body: { lines: [{ sku: 'NN-NO-EXISTE', quantity: 1 }] }, numbers: ['lines.0.quantity'], strings: ['lines.0.sku'] },
    'POST /v1/demo/login': { body: { member_number: 'NN-NADIE' }, numbers: ['member_number'], strings: ['member_number', 'role'] },
    'POST /v1/rules/preview-cart': { body: { market: 'XX', now: '2026-11-24T15:00:00Z', period_pv: 0, cashback: null,
      lines: [{ sku: 'A', quantity: 1, unit_price_cents: 100, unit_pv: 1 }], shipping_cents: 0 },
      numbers: ['period_pv', 'lines.0.quantity', 'lines.0.unit_price_cents', 'shipping_cents'], strings: ['market', 'now'] },
    'POST /v1/totp/enrolment/confirm': { body: { code: '000000' }, numbers: ['code'], strings: ['code'] },
    'POST /v1/withdrawals/{withdrawal_id}/cancel': { body: { reason: 'x' }, numbers: ['reason'], strings: ['reason'] },
    'POST /v1/admin/withdrawals/{withdrawal_id}/approve': { body: { bank_reference: 'SPEI-1' }, numbers: ['bank_reference'], strings: ['bank_reference'] },
    'POST /v1/admin/withdrawals/{withdrawal_id}/reject': { body: { reason: 'Cuenta no verificada' }, numbers: ['reason'], strings: ['reason'] },
    'POST /v1/orders/{order_id}/cancel': { body: {}, numbers: [], strings: [] },
    'POST /v1/loyalty/rewards/{reward_id}/choose': { body: { reward: 'KIT_BIENESTAR' }, numbers: ['reward'], strings: ['reward'] },
    'POST /v1/admin/loyalty/rewards/{reward_id}/deliver': { body: {}, numbers: [], strings: [] },
    'POST /v1/travel/events': { body: { event_id: `abuse-${NOBODY}`, member_id: NOBODY, type: 'KIT_SOLD', kit: 'FULL_SKIN', occurred_at: '2026-11-24T15:00:00Z' },
      numbers: ['event_id'], strings: ['event_id', 'member_id', 'type', 'kit', 'occurred_at'] },
    'POST /v1/admin/travel/campaigns': { body: { id: 'ABUSO', name: 'x', starts_at: '2030-07-01T06:00:00Z', ends_at: '2030-01-01T06:00:00Z' },
      numbers: ['name'], strings: ['id', 'name', 'starts_at', 'ends_at'] },
    'POST /v1/admin/travel/campaigns/{campaign_id}/close': { body: {}, numbers: [], strings: [] },
  };
}

/** Bad query strings for the reads that take parameters: each must be refused with 400. */
const QUERIES = {
  '/v1/members/{member_id}/wallet/entries': ['limit=0', 'limit=201', 'limit=99999999999999999999', 'limit=-1', 'limit=abc', 'before=abc',
    "before=1'--", 'type=NOPE', `type=${encodeURIComponent(SQL[1])}`, 'from=yesterday', `to=${encodeURIComponent(UNICODE[0])}`, 'type=%00', 'before=1%00', 'from=2026-11-01T00:00:00Z%00'],
  '/v1/members/{member_id}/withdrawals': ['before=abc', `before=${encodeURIComponent(SQL[0])}`],
  '/v1/admin/withdrawals': ['status=NOPE', `status=${encodeURIComponent(SQL[1])}`, 'before=-1x'],
  '/v1/admin/reports/{report}': ['from=2026-13', `to=${encodeURIComponent(SQL[0])}`, 'format=pdf'],
  '/v1/sync': ['limit=0', 'limit=100000'],
  '/v1/admin/travel/campaigns/{campaign_id}/standings': ['qualified=maybe', 'format=xml'],
};

function setPath(obj, dotted, value) {
  const keys = dotted.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k];
  o[keys.at(-1)] = value;
}

/** The template's body with one field set to the raw JSON text `raw`. */
function mutate(body, field, raw) {
  const marker = '__ABUSE_VALUE__';
  const copy = structuredClone(body);
  setPath(copy, field, marker);
  return JSON.stringify(copy).replace(`"${marker}"`, raw);
}

/** A WebSocket upgrade request (fetch cannot send one); the refusal comes as plain HTTP. */
function upgrade(baseUrl, pathname, tok) {
  return new Promise((resolve) => {
    const headers = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64') };
    if (tok) headers.Authorization = `Bearer ${tok}`;
    const req = httpRequest(`${baseUrl}${pathname}`, { headers, timeout: 10000 });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve({ status: 101, text: 'upgraded', headers: new Headers() }); });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, text, json, headers: new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)])) });
      });
    });
    req.on('error', (error) => resolve({ status: 'network', error }));
    req.end();
  });
}

export async function runAbuse(world) {
  const routes = routeTable();
  const attacker = world.members.at(-1);
  const victim = world.members.find((m) => m !== attacker && world.orders.get(m.id).length > 0) ?? world.members[0];
  const victimOrder = world.orders.get(victim.id)[0]?.id ?? randomUUID();
  const victimWithdrawal = (await world.sql(`SELECT max(id) FROM withdrawals WHERE member_id = '${victim.id}'`)) || NOWHERE;
  const tokens = { member: attacker.token, admin: world.admin, service: world.service };
  const broken = brokenTokens(world.secret, attacker.id);
  const tpl = templates();
  const cases = [];
  const add = (c) => cases.push(c);

  const fill = (pattern, ids) => pattern
    .replace('{member_id}', ids.member).replace('{withdrawal_id}', ids.withdrawal).replace('{order_id}', ids.order)
    .replace('{job}', ids.job).replace('{reward_id}', ids.reward).replace('{campaign_id}', ids.campaign).replace('{report}', ids.report);
  const victims = { member: victim.id, withdrawal: victimWithdrawal, order: victimOrder, job: 'deposit-commissions', reward: NOWHERE, campaign: '2026-S2', report: 'commissions' };
  const nowhere = { member: NOBODY, withdrawal: NOWHERE, order: randomUUID(), job: 'no-such-job', reward: NOWHERE, campaign: 'NO-SUCH-CAMPAIGN', report: 'no-such-report' };
  const keyed = (method, pattern) => method !== 'GET' && !['/v1/demo/login', '/v1/rules/preview-cart', '/v1/checkout/preview'].includes(pattern) && !pattern.startsWith('/v1/jobs/');

  for (const r of routes) {
    const id = `${r.method} ${r.pattern}`;
    const t = tpl[id];
    const body = r.method === 'GET' ? undefined : JSON.stringify(t?.body ?? {});
    const base = { method: r.method, route: id, body, key: keyed(r.method, r.pattern) ? `abuse-${randomUUID()}` : undefined };
    if (r.roles.length) {
      add({ ...base, what: 'no token', path: fill(r.pattern, victims), expect: [401] });
      for (const [name, tok] of Object.entries(broken)) add({ ...base, what: `token ${name}`, token: tok, path: fill(r.pattern, victims), expect: [401] });
      for (const role of ['member', 'admin', 'service']) {
        if (!r.roles.includes(role)) add({ ...base, what: `${role} token on a ${r.roles.join('/')} route`, token: tokens[role], path: fill(r.pattern, victims), expect: [403] });
      }
      if (r.roles.includes('member') && /\{(member_id|withdrawal_id|order_id|reward_id)\}/.test(r.pattern)) {
        // Rewards answer 409 reward_not_open for "no reward of yours with this id": it reveals nothing either.
        add({ ...base, what: "another member's id", token: tokens.member, path: fill(r.pattern, victims), expect: r.pattern.includes('{reward_id}') ? [403, 404, 409] : [403, 404] });
      }
    }
    const role = r.roles.includes('member') ? 'member' : r.roles[0];
    const tok = role ? tokens[role] : undefined;
    const own = fill(r.pattern, { ...nowhere, member: role === 'member' ? 'me' : NOBODY });
    if (r.method !== 'GET' && t) {
      for (const raw of MALFORMED) add({ ...base, what: `malformed body ${JSON.stringify(raw.slice(0, 20))}`, token: tok, path: own, body: raw, expect: 'any4xx' });
      add({ ...base, what: 'oversized body', token: tok, path: own, body: JSON.stringify({ ...t.body, pad: 'x'.repeat(70000) }), expect: [413] });
      add({ ...base, what: 'unknown field', token: tok, path: own, body: JSON.stringify({ ...t.body, extra: 1 }), expect: 'any4xx' });
      add({ ...base, what: 'template (anchored)', token: tok, path: own, body: JSON.stringify(t.body), expect: 'any4xx' });
      for (const f of t.numbers) for (const n of BAD_NUMBERS) add({ ...base, what: `${f}=${n}`, token: tok, path: own, body: mutate(t.body, f, String(n)), expect: 'any4xx' });
      for (const f of t.strings) {
        for (const s of [...SQL, ...UNICODE]) add({ ...base, what: `${f}=${JSON.stringify(s).slice(0, 24)}`, token: tok, path: own, body: mutate(t.body, f, JSON.stringify(s)), expect: 'any4xx' });
        add({ ...base, what: `${f}=[]`, token: tok, path: own, body: mutate(t.body, f, '[]'), expect: 'any4xx' });
      }
      if (base.key) {
        for (const k of ['', ' ', 'cl\u00e9', 'x'.repeat(256), 'a\tb']) add({ ...base, what: `Idempotency-Key ${JSON.stringify(k.slice(0, 10))}`, key: k, token: tok, path: own, expect: [400] });
        add({ ...base, what: 'no Idempotency-Key', key: undefined, token: tok, path: own, expect: [400] });
      }
    }
    if (r.method === 'GET' && QUERIES[r.pattern]) {
      for (const q of QUERIES[r.pattern]) add({ ...base, what: `?${q}`, token: tok, path: `${fill(r.pattern, { ...victims, member: 'me' })}?${q}`, expect: [400] });
    }
    for (const p of [SQL[0], UNICODE[0], '..%2F..%2Fetc%2Fpasswd']) {
      if (/\{\w+\}/.test(r.pattern)) add({ ...base, what: `path id ${p.slice(0, 12)}`, token: tok, path: r.pattern.replace(/\{\w+\}/, encodeURIComponent(p)).replace(/\{\w+\}/g, 'x'), expect: 'any4xx' });
    }
    add({ ...base, what: 'wrong method', method: r.method === 'GET' ? 'DELETE' : 'PATCH', token: tok, path: fill(r.pattern, victims), expect: [404, 405] });
  }
  // The catalog import takes CSV, the jobs no body: their own refusals.
  for (const csv of ['', 'sku,name\nx', `sku,name,category,kit,pv,active,price_MXN\n${SQL[1]},x,SUPLEMENTOS,NONE,1,true,1.00`,
    'sku,name,category,kit,pv,active,price_MXN\nNN-X,x,SUPLEMENTOS,NONE,-5,true,abc', `sku,name,category,kit,pv,active,price_MXN\nNN-X,${UNICODE[0]},NOPE,NONE,1,true,1.00`,
    'sku,name,category,kit,pv,active,price_MXN\nNN-X,x,SUPLEMENTOS,NONE,99999999999999999999,true,1.00', '"unterminated,quote\n',
    'sku,name,category,kit,pv,active,price_MXN\nNN-X\u0000,x,SUPLEMENTOS,NONE,1,true,1.00']) {
    add({ method: 'PUT', route: 'PUT /v1/admin/catalog', what: `csv ${JSON.stringify(csv.slice(0, 30))}`, token: tokens.admin, path: '/v1/admin/catalog', key: `abuse-${randomUUID()}`, body: csv, expect: 'any4xx' });
  }
  for (const job of ['no-such-job', encodeURIComponent(SQL[1]), 'deposit-commissions%00']) {
    add({ method: 'POST', route: 'POST /v1/jobs/{job}', what: `job ${job.slice(0, 20)}`, token: tokens.admin, path: `/v1/jobs/${job}`, expect: [404] });
  }
  // The sync socket: WebSocket upgrades without a token, with forged ones, with a staff role.
  for (const [what, tok] of [['no token', undefined], ...Object.entries(broken).map(([k, v]) => [`token ${k}`, v])]) {
    add({ method: 'GET', route: 'GET /v1/sync/ws', what: `upgrade, ${what}`, path: '/v1/sync/ws', token: tok, upgrade: true, expect: [401] });
  }
  add({ method: 'GET', route: 'GET /v1/sync/ws', what: 'upgrade, forged access_token', path: `/v1/sync/ws?access_token=${broken.alg_none}`, upgrade: true, expect: [401] });
  add({ method: 'GET', route: 'GET /v1/sync/ws', what: 'upgrade, admin token', path: '/v1/sync/ws', token: tokens.admin, upgrade: true, expect: [403] });

  const before = await ledgerDigest(world.databaseUrl);
  const failures = [];
  let fiveHundreds = 0;
  await pool(8, cases, async (c) => {
    const r = c.upgrade ? await upgrade(world.baseUrl, c.path, c.token)
      : await send(world.baseUrl, c.method, c.path, { token: c.token, key: c.key, body: c.body, timeoutMs: 20000 });
    const ok = typeof r.status === 'number'
      && (c.expect === 'any4xx' ? r.status >= 400 && r.status < 500 : c.expect.includes(r.status))
      && typeof r.json?.error?.code === 'string' && typeof r.json.error.message === 'string'
      && (r.headers.get('content-type') ?? '').includes('application/json');
    if (typeof r.status === 'number' && r.status >= 500) fiveHundreds += 1;
    if (!ok) failures.push(`${c.route} [${c.what}] → ${r.status} ${String(r.text ?? r.error).slice(0, 200)}`);
  });
  const after = await ledgerDigest(world.databaseUrl);
  for (const f of failures.slice(0, 40)) console.log(`   abuse: ${f}`);
  for (const f of failures) world.stats.violation(`abuse: ${f}`);
  return { requests: cases.length, routes: routes.length, bad: failures.length, fiveHundreds, unchanged: before === after, digestBefore: before, digestAfter: after };
}
