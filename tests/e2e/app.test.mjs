// The web app in headless Chromium against a real server and PostgreSQL (tests/support/stack.mjs):
// the cart preview crossing 2,930 PV equals the server's, a 409 shows the server's numbers,
// checkout pays from the wallet, a transfer reaches another member's open page, the preview
// works offline and queued writes wait, an admin's approval reaches the member, history
// filters and CSV, cancelling a withdrawal, TOTP enrolment, keyboard use. Screenshots
// at 375 px and 1280 px go to tests/artifacts/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { startStack, repoRoot, tail } from '../support/stack.mjs';
import { launchBrowser, signIn, webRoot } from './browser.mjs';

const artifacts = path.join(repoRoot, 'tests/artifacts/e2e');
mkdirSync(artifacts, { recursive: true });
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };

let stack;
let browser;
const contexts = {};

before(async () => {
  stack = await startStack({ env: { NNW_WEB_ROOT: webRoot }, logDir: artifacts });
  browser = await launchBrowser();
  console.log(`# chromium ${browser.version()}, server ${stack.baseUrl}`);
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

async function newPage(name, viewport) {
  const context = await browser.newContext({ viewport, locale: 'es-MX', timezoneId: 'America/Mexico_City' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  contexts[name] = { context, page, errors };
  return page;
}

// Opens a view from the nav and waits for it: the route changes on hashchange, after the
// click returns, so a check made at once could read the view being swapped out.
async function showRoute(page, route) {
  await page.click(`nav a[data-route=${route}]`);
  await page.waitForSelector(`nav a[data-route=${route}][aria-current=page]`);
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

const cents = (page, selector) => page.$eval(selector, (el) => Number(el.dataset.cents));
const balanceText = (page) => page.textContent('#balance');
const formatIn = (page, amount) => page.evaluate((c) => new Intl.NumberFormat('es-MX', { style: 'currency', currency: 'MXN' })
  .format(`${Math.trunc(c / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`), amount);

async function serverPreview(token, lines) {
  const res = await fetch(`${stack.baseUrl}/v1/checkout/preview`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Idempotency-Key': `e2e-${Math.random()}` },
    body: JSON.stringify({ lines }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

/** RFC 6238: the code an authenticator shows for a base32 secret at a Unix time. */
function totp(secretBase32, unixSeconds) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretBase32.replace(/=+$/, '')) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const at = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1000000).padStart(6, '0');
}

async function serverBalance(token) {
  const res = await fetch(`${stack.baseUrl}/v1/members/me/wallet`, { headers: { Authorization: `Bearer ${token}` } });
  return (await res.json()).balance_cents;
}

test('the web root is sent gzipped, with an ETag that revalidates to 304', async () => {
  for (const file of ['/', '/app.js', '/wasm/nnw_rules.wasm']) {
    const first = await fetch(`${stack.baseUrl}${file}`, { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(first.status, 200, file);
    assert.equal(first.headers.get('content-encoding'), 'gzip', file);
    assert.equal(first.headers.get('vary'), 'Accept-Encoding', file);
    const body = Buffer.from(await first.arrayBuffer());  // fetch has already gunzipped it
    const etag = first.headers.get('etag');
    assert.ok(etag, file);
    const again = await fetch(`${stack.baseUrl}${file}`, { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': etag } });
    assert.equal(again.status, 304, file);
    const plain = await fetch(`${stack.baseUrl}${file}`, { headers: { 'Accept-Encoding': 'identity' } });
    assert.equal(plain.headers.get('content-encoding'), null, file);
    assert.deepEqual(Buffer.from(await plain.arrayBuffer()), body, file);
  }
  // A zero quality refuses gzip, however it is written; any other quality accepts it.
  for (const [accept, encoding] of [['gzip;q=0', null], ['gzip;q=0.000, identity', null], ['gzip;q=0.5', 'gzip'],
    ['br, gzip;q=1', 'gzip']]) {
    const res = await fetch(`${stack.baseUrl}/app.js`, { headers: { 'Accept-Encoding': accept } });
    assert.equal(res.headers.get('content-encoding'), encoding, accept);
  }
  const wasm = await fetch(`${stack.baseUrl}/wasm/nnw_rules.wasm`);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
});

test('the web app, end to end in Chromium', { timeout: 150000 }, async (t) => {
  const bruno = await newPage('bruno', PHONE);
  const brunoToken = await stack.login({ member_number: 'NN-1001' });
  const brunoStart = await serverBalance(brunoToken);

  await t.test('the cart crosses 2,930 PV and the bonus unit is discounted', async () => {
    await signIn(bruno, stack.baseUrl, { member: 'NN-1001' });
    await bruno.waitForSelector('#catalog button[data-sku="NN-OMEGA3"]');
    await bruno.waitForFunction(() => document.querySelector('#total-total')?.dataset.cents !== undefined);
    let clicks = 0;
    while ((await cents(bruno, '#total-discount')) === 0) {
      assert.ok(clicks < 12, 'the discount never appeared');
      const before = await bruno.textContent('#pv-text');
      if (clicks < 8) assert.match(before, /te faltan [\d,]+ PV/);
      await bruno.click('#catalog button[data-sku="NN-OMEGA3"]');
      clicks += 1;
    }
    // 10 × 350 PV from 0: the 9th unit reaches 2,930, the 10th is the bonus unit at 70% off.
    assert.equal(clicks, 10);
    assert.equal(await bruno.getAttribute('#pv-meter', 'aria-valuenow'), '2930');
    assert.ok(await bruno.isVisible('#unlock'));
    assert.match(await bruno.textContent('#unlock'), /desbloquea tu cashback/);
    assert.match(await bruno.textContent('#cart-lines li[data-sku="NN-OMEGA3"] .bonus'), /1 unidad al 70% de descuento/);
    assert.equal(await cents(bruno, '#total-discount'), 41930);
    await shot(bruno, 'tienda-375');
  });

  await t.test("the page's numbers equal the server's preview of the same cart", async () => {
    const shown = await bruno.evaluate(() => window.nnw.views.tienda.shown);
    const server = await serverPreview(brunoToken, shown.request.lines.map(({ sku, quantity }) => ({ sku, quantity })));
    const { now: _pageNow, ...pageRequest } = shown.request;
    const { now: _serverNow, ...serverRequest } = server.rules_request;
    assert.deepEqual(pageRequest, serverRequest);
    assert.equal(JSON.stringify(shown.preview), JSON.stringify(server.preview));
    for (const key of ['subtotal', 'discount', 'shipping', 'total']) {
      assert.equal(await cents(bruno, `#total-${key}`), server.preview[`${key}_cents`], key);
    }
    assert.equal(await bruno.textContent('#total-total'), await formatIn(bruno, server.preview.total_cents));
  });

  await t.test('a 409 shows the reason in Spanish and the server numbers', async () => {
    await stack.sql("UPDATE shipping_rates SET shipping_cents = 19900 WHERE currency = 'MXN'");
    await bruno.click('#confirm-order');
    await bruno.waitForSelector('#order-rejected');
    assert.match(await bruno.textContent('#order-reason'), /El costo de envío cambió/);
    assert.match(await bruno.textContent('#server-totals'), /\$199\.00/);
    await bruno.waitForFunction(() => document.querySelector('#total-shipping').dataset.cents === '19900');
    assert.equal(await serverBalance(brunoToken), brunoStart, 'nothing was booked');
  });

  await t.test('checkout pays from the wallet and the balance drops', async () => {
    const total = await cents(bruno, '#total-total');
    await bruno.click('text=Todo con monedero');
    await bruno.click('#confirm-order');
    await bruno.waitForSelector('#order-confirmed', { timeout: 15000 });
    assert.equal(await serverBalance(brunoToken), brunoStart - total);
    await bruno.click('nav a[data-route=monedero]');
    await bruno.waitForFunction((text) => document.querySelector('#balance')?.textContent === text,
      await formatIn(bruno, brunoStart - total));
    await bruno.waitForSelector('#entries tr[data-type="ORDER_PAYMENT"]');
    await shot(bruno, 'monedero-375');
  });

  await t.test("a transfer arrives on the recipient's open page without a reload", async () => {
    const carla = await newPage('carla', DESKTOP);
    await signIn(carla, stack.baseUrl, { member: 'NN-1002' });
    await carla.click('nav a[data-route=monedero]');
    const carlaToken = await stack.login({ member_number: 'NN-1002' });
    const carlaStart = await serverBalance(carlaToken);
    await carla.waitForFunction((text) => document.querySelector('#balance')?.textContent === text, await formatIn(carla, carlaStart));
    await carla.evaluate(() => { window.notReloaded = true; });

    await bruno.fill('#transfer-to', 'NN-1002');
    await bruno.fill('#transfer-amount', '150.00');
    await bruno.click('#transfer-review');
    assert.match(await bruno.textContent('#transfer-status'), /¿Enviar \$150\.00 a NN-1002\?/);
    assert.equal(await serverBalance(carlaToken), carlaStart, 'nothing moves before the confirmation');
    await bruno.click('#transfer-confirm');
    await bruno.waitForSelector('#transfer-done');
    await carla.waitForFunction((text) => document.querySelector('#balance')?.textContent === text,
      await formatIn(carla, carlaStart + 15000), { timeout: 10000 });
    assert.equal(await carla.evaluate(() => window.notReloaded), true);
    await carla.waitForSelector('#entries tr[data-type="TRANSFER_IN"]');
    await shot(carla, 'monedero-1280');

    await carla.selectOption('#entry-type', 'TRANSFER_IN');
    await carla.waitForFunction(() => [...document.querySelectorAll('#entries tr')].every((r) => r.dataset.type === 'TRANSFER_IN'));
    assert.equal((await carla.$$('#entries tr')).length, 1);
    const [download] = await Promise.all([carla.waitForEvent('download'), carla.click('#entries-csv')]);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    assert.match(lines[0], /^id,created_at,type,amount_cents/);
    assert.equal(lines.length, 2);
    assert.match(lines[1], /,TRANSFER_IN,15000,/);
    await carla.selectOption('#entry-type', '');
  });

  await t.test('offline: the preview still updates and writes wait as pending', async () => {
    const { context } = contexts.bruno;
    await bruno.click('nav a[data-route=tienda]');
    await bruno.click('#catalog button[data-sku="NN-VITC"]');
    const before = await cents(bruno, '#total-subtotal');
    await context.setOffline(true);
    await bruno.waitForSelector('#connection[data-state="offline"]');
    await bruno.click('#catalog button[data-sku="NN-VITC"]');
    await bruno.waitForFunction((n) => Number(document.querySelector('#total-subtotal').dataset.cents) === n, before + 32900);
    await bruno.fill('#cart-lines li[data-sku="NN-VITC"] input.qty', '5');
    await bruno.waitForFunction((n) => Number(document.querySelector('#total-subtotal').dataset.cents) === n, before + 4 * 32900);
    const total = await cents(bruno, '#total-total');

    // A reload without a network: the service worker's shell, the client's stored state.
    await bruno.reload();
    await bruno.waitForSelector('#connection[data-state="offline"]');
    await bruno.waitForFunction((n) => Number(document.querySelector('#total-total')?.dataset.cents) === n, total);
    await bruno.click('#cart-lines li[data-sku="NN-VITC"] button[aria-label^="Quitar"]');
    await bruno.waitForFunction((n) => Number(document.querySelector('#total-subtotal').dataset.cents) === n, before + 3 * 32900);
    await shot(bruno, 'tienda-offline-375');

    const carla = contexts.carla.page;
    const carlaToken = await stack.login({ member_number: 'NN-1002' });
    const carlaBefore = await serverBalance(carlaToken);
    await bruno.click('nav a[data-route=monedero]');
    await bruno.fill('#transfer-to', 'NN-1002');
    await bruno.fill('#transfer-amount', '20.00');
    await bruno.click('#transfer-review');
    await bruno.click('#transfer-confirm');
    await bruno.waitForSelector('#pending li');
    assert.match(await bruno.textContent('#pending'), /Transferencia pendiente/);
    assert.equal(await serverBalance(carlaToken), carlaBefore, 'nothing is sent while offline');
    await context.setOffline(false);
    await bruno.waitForSelector('#transfer-done', { timeout: 20000 });
    await bruno.waitForSelector('#pending', { state: 'hidden' });
    await carla.waitForFunction((text) => document.querySelector('#balance')?.textContent === text,
      await formatIn(carla, carlaBefore + 2000), { timeout: 10000 });
  });

  await t.test('an admin approves a withdrawal and the member sees it', async () => {
    await bruno.fill('#withdrawal-amount', '300.00');
    await bruno.fill('#withdrawal-bank', 'BBVA México');
    await bruno.fill('#withdrawal-holder', 'Bruno Díaz');
    await bruno.fill('#withdrawal-clabe', '002180700123456789');
    assert.match(await bruno.textContent('#clabe-check'), /no válida/);
    await bruno.fill('#withdrawal-clabe', '002180700123456788');
    assert.match(await bruno.textContent('#clabe-check'), /CLABE válida/);
    await bruno.click('#withdrawal-submit');
    await bruno.waitForSelector('#withdrawal-done');
    await bruno.waitForSelector('#withdrawals li[data-status="PENDIENTE"]');

    const admin = await newPage('admin', DESKTOP);
    await signIn(admin, stack.baseUrl, { admin: true });
    const row = '#admin-withdrawals li[data-member="NN-1001"]';
    await admin.waitForSelector(row);
    await admin.fill(`${row} input.ref`, 'SPEI-E2E-0001');
    await admin.click(`${row} button.primary`);
    await admin.waitForSelector(row, { state: 'detached' });
    await shot(admin, 'back-office-1280');

    await bruno.waitForSelector('#withdrawals li[data-status="PAGADO"]', { timeout: 10000 });
    assert.match(await bruno.textContent('#withdrawals li[data-status="PAGADO"]'), /SPEI-E2E-0001/);

    const balance = await serverBalance(brunoToken);
    await bruno.fill('#withdrawal-amount', '250.00');
    await bruno.click('#withdrawal-submit');
    await bruno.waitForSelector('#withdrawals li[data-status="PENDIENTE"]');
    assert.equal(await serverBalance(brunoToken), balance - 25000);
    await bruno.click('#withdrawals li[data-status="PENDIENTE"] button');
    await bruno.waitForSelector('#withdrawals li[data-status="CANCELADO"]');
    assert.equal(await serverBalance(brunoToken), balance);
  });

  await t.test('TOTP enrolment shows a QR code and confirms with a code', async () => {
    await bruno.click('#totp-enrol-start');
    await bruno.waitForSelector('#totp-enrol .qr svg');
    const secret = (await bruno.textContent('#totp-secret')).trim();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await bruno.fill('#totp-confirm-code', totp(secret, Date.now() / 1000));
    await bruno.click('#totp-enrol button[type=submit]');
    await bruno.waitForSelector('#totp-enrol .ok');
    assert.match(await bruno.textContent('#totp-enrol'), /Autenticador activado/);
    await bruno.fill('#withdrawal-amount', '6000.00');
    assert.ok(await bruno.isVisible('#withdrawal-totp'), 'a code is asked above the step-up amount');
    await bruno.fill('#withdrawal-amount', '');
  });

  await t.test('the back office imports a commission and the deposit job pays it', async () => {
    const admin = contexts.admin.page;
    const carlaToken = await stack.login({ member_number: 'NN-1002' });
    const before = await serverBalance(carlaToken);
    await admin.fill('#commissions-csv', 'external_id,member_id,bonus_type,period,amount\ne2e-cm-1,00000000-0000-4000-8000-000000001002,UNINIVEL,2026-11,1250.50');
    await admin.click('#admin-commissions button:has-text("Importar")');
    await admin.waitForSelector('#admin-commissions .ok');
    assert.match(await admin.textContent('#admin-commissions .ok'), /Registradas 1; duplicadas 0/);
    assert.equal(await serverBalance(carlaToken), before, 'pending until the deposit job');
    // The demo also leaves other commissions pending (server/db/seed/demo_pending.sql).
    const pending = (where) => stack.sql(`SELECT count(*) || ' ' || coalesce(sum(amount_cents), 0) FROM commissions_with_status WHERE status = 'PENDING' ${where}`);
    const [count, total] = (await pending('')).split(' ').map(Number);
    const carlaPending = Number((await pending("AND member_id = '00000000-0000-4000-8000-000000001002'")).split(' ')[1]);
    assert.ok(carlaPending >= 125050);
    await admin.click('#deposit-job');
    await admin.waitForSelector('#deposit-done');
    assert.equal(await admin.textContent('#deposit-done'), `Depositadas ${count} comisiones por ${await formatIn(admin, total)}.`);
    assert.equal(await serverBalance(carlaToken), before + carlaPending);
    await contexts.carla.page.waitForFunction((text) => document.querySelector('#balance')?.textContent === text,
      await formatIn(admin, before + carlaPending), { timeout: 10000 });
  });

  await t.test('the back office charts cashback generated against used', async () => {
    const admin = contexts.admin.page;
    await admin.reload();
    await admin.waitForSelector('#cashback-chart svg rect');
    assert.ok((await admin.$$('#cashback-chart svg rect')).length >= 2);
    assert.match(await admin.textContent('#admin-reports table'), /\d{4}-\d{2}/);
  });

  await t.test('keyboard only: search, add with Enter, change a quantity with the arrows; every control is labelled', async () => {
    await bruno.click('nav a[data-route=tienda]');
    await bruno.focus('#search');
    await bruno.keyboard.type('colág');
    assert.deepEqual(await bruno.$$eval('#catalog button', (b) => b.map((x) => x.dataset.sku)), ['NN-COLAGENO']);
    await bruno.keyboard.press('Tab');
    assert.equal(await bruno.evaluate(() => document.activeElement.dataset.sku), 'NN-COLAGENO');
    const before = await cents(bruno, '#total-subtotal');
    await bruno.keyboard.press('Enter');
    await bruno.waitForSelector('#cart-lines li[data-sku="NN-COLAGENO"]');
    await bruno.focus('#cart-lines li[data-sku="NN-COLAGENO"] input.qty');
    await bruno.keyboard.press('ArrowUp');
    assert.equal(await cents(bruno, '#total-subtotal'), before + 2 * 74900);
    await bruno.fill('#search', '');
    for (const route of ['tienda', 'monedero', 'puntos', 'viaje']) {
      await showRoute(bruno, route);
      const unlabelled = await bruno.$$eval('main input, main select, main textarea, main button', (els) => els
        .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent.trim())))
        .map((el) => el.outerHTML.slice(0, 80)));
      assert.deepEqual(unlabelled, [], route);
    }
  });

  await t.test('every view renders at 375 px and 1280 px without page errors', async () => {
    for (const route of ['tienda', 'monedero', 'puntos', 'viaje']) {
      await showRoute(bruno, route);
      await bruno.waitForTimeout(300);
      await shot(bruno, `${route}-375`);
      await bruno.setViewportSize(DESKTOP);
      await shot(bruno, `${route}-1280`);
      await bruno.setViewportSize(PHONE);
    }
    assert.match(await bruno.textContent('#travel-points'), /de 200 puntos/);
    const admin = contexts.admin.page;
    await admin.setViewportSize(PHONE);
    await shot(admin, 'back-office-375');
    for (const [name, { errors }] of Object.entries(contexts)) assert.deepEqual(errors, [], `${name}: page errors`);
  });

  await t.test('a loyalty reward: the member chooses it, an admin delivers it, the member sees it', async () => {
    await bruno.click('nav a[data-route=puntos]');
    await bruno.waitForSelector('#loyalty-points');
    // Four earning months make a reward; the demo has none, so one is written as the server
    // would: its REWARD event and the reward (the ledger check below finds one without the other).
    await stack.sql(`INSERT INTO loyalty_events (member_id, type, period, points_before, points_after, consecutive_months, at)
                     VALUES ('00000000-0000-4000-8000-000000001001', 'REWARD', '2026-08', 75, 100, 4, now());
                     INSERT INTO loyalty_rewards (member_id, period, earned_at)
                     VALUES ('00000000-0000-4000-8000-000000001001', '2026-08', now())`);
    const pendingReward = '#loyalty-rewards li[data-status="PENDIENTE"]';
    await bruno.waitForSelector(pendingReward, { timeout: 10000 });
    await bruno.selectOption(`${pendingReward} select`, 'SET_SKIN_CARE');
    await bruno.click(`${pendingReward} button`);
    await bruno.waitForSelector('#loyalty-rewards li[data-status="ELEGIDA"]');
    const admin = contexts.admin.page;
    await admin.setViewportSize(DESKTOP);
    await admin.reload();
    const row = '#admin-rewards li[data-member="NN-1001"][data-status="ELEGIDA"]';
    await admin.waitForSelector(row);
    assert.match(await admin.textContent(row), /SET_SKIN_CARE/);
    await admin.click(`${row} button`);
    await admin.waitForSelector('#admin-rewards li[data-member="NN-1001"][data-status="ENTREGADA"]');
    await bruno.waitForSelector('#loyalty-rewards li[data-status="ENTREGADA"]', { timeout: 10000 });
  });

  await t.test('the back office checks the ledger, and names what a fault breaks', async () => {
    const admin = contexts.admin.page;
    const checks = Object.keys((await (await fetch(`${stack.baseUrl}/v1/jobs/verify-ledger`, { method: 'POST',
      headers: { authorization: `Bearer ${await stack.login({ role: 'admin' })}` } })).json()).checks).length;
    assert.ok(checks >= 18);
    await admin.click('#ledger-check-run');
    await admin.waitForSelector('#ledger-check-ok');
    assert.match(await admin.textContent('#ledger-check-ok'),
      new RegExp(`^El libro cuadra: ${checks} verificaciones en 0 sobre \\d+ billeteras y [\\d,]+ movimientos\\.$`));
    // A wallet's balance moved by SQL with the database's guards off (no write can do it), then
    // put back: the check names both checks it breaks, in Spanish.
    const move = (by) => stack.sql(`SET LOCAL session_replication_role = replica;
      UPDATE wallets SET balance_cents = balance_cents ${by} WHERE member_id = '00000000-0000-4000-8000-000000001004'`);
    await move('+ 1');
    try {
      await admin.click('#ledger-check-run');
      await admin.waitForSelector('#ledger-check-failed');
      assert.match(await admin.textContent('#ledger-check-failed'), new RegExp(`^2 de ${checks} verificaciones encontraron diferencias`));
      assert.equal(await admin.textContent('#ledger-check-failed li[data-check="balance_not_sum"] .check'),
        'Billeteras cuyo saldo no es la suma de sus movimientos: 1');
      // Which wallet: the report names it by its member's number.
      assert.equal(await admin.textContent('#ledger-check-failed li[data-check="balance_not_sum"] .examples'), 'Ejemplos: NN-1004');
      assert.equal(await admin.textContent('#ledger-check-failed li[data-check="conservation_off_cents"]'),
        'Descuadre, en centavos, entre los saldos y las operaciones que los movieron: 1');
      await admin.locator('#admin-ledger').screenshot({ path: path.join(artifacts, 'ledger-check-failed-1280.png') });
    } finally {
      await move('- 1');
    }
    await admin.click('#ledger-check-run');
    await admin.waitForSelector('#ledger-check-ok');
    assert.deepEqual(contexts.admin.errors, []);
  });

  await t.test("a US member's cart is in dollars and equals the server's preview", async () => {
    const grace = await newPage('grace', PHONE);
    await signIn(grace, stack.baseUrl, { member: 'NN-2001' });
    await grace.waitForSelector('#catalog button[data-sku="NN-OMEGA3"]');
    await grace.click('#catalog button[data-sku="NN-OMEGA3"]');
    await grace.click('#catalog button[data-sku="NN-KIT-FS"]');
    await grace.waitForFunction(() => window.nnw?.views.tienda.shown.preview?.lines.length === 2);
    const shown = await grace.evaluate(() => window.nnw.views.tienda.shown);
    const token = await stack.login({ member_number: 'NN-2001' });
    const server = await serverPreview(token, shown.request.lines.map(({ sku, quantity }) => ({ sku, quantity })));
    assert.equal(server.preview.currency, 'USD');
    assert.equal(JSON.stringify(shown.preview), JSON.stringify(server.preview));
    const usd = await grace.evaluate((c) => new Intl.NumberFormat('es-MX', { style: 'currency', currency: 'USD' })
      .format(`${Math.trunc(c / 100)}.${String(c % 100).padStart(2, '0')}`), server.preview.total_cents);
    assert.equal(await grace.textContent('#total-total'), usd);
    assert.match(usd, /USD/);
    assert.deepEqual(contexts.grace.errors, []);
  });

  await t.test('signing out empties the cart; signing in again routes as before', async () => {
    await showRoute(bruno, 'tienda');
    assert.ok((await bruno.$$('#cart-lines li')).length > 0);
    await bruno.click('text=Salir');
    await bruno.waitForSelector('#member-number');
    await bruno.fill('#member-number', 'NN-1001');
    await bruno.click('button[type=submit]');
    await bruno.waitForSelector('#cart-empty:not([hidden])');
    await bruno.click('nav a[data-route=puntos]');
    await bruno.waitForSelector('#loyalty-points');
    assert.equal(await bruno.$$eval('main > *', (els) => els.length), 1);
    assert.deepEqual(contexts.bruno.errors, []);
  });
});

process.on('exit', (code) => {
  if (code !== 0 && stack) console.error(tail(path.join(artifacts, 'server-0.log')));
});
