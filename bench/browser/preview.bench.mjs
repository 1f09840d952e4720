// Browser benchmark: the time from a quantity change in a 50-line cart to the updated preview
// (the WebAssembly rules, then the DOM), and the bytes a member's first load transfers (the
// app and the rules, WebAssembly included, as sent: gzipped when the server has a .gz).
// Each change starts just after a frame, so "to the next frame" includes the wait for the
// display's next frame; the frame-to-frame time with no change is reported beside it.
// Debian's Chromium, headless, against a real server and PostgreSQL (tests/support/stack.mjs).
//
//   node bench/browser/preview.bench.mjs [--changes 400] [--out build/bench/browser.json]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startStack, repoRoot } from '../../tests/support/stack.mjs';
import { launchBrowser, signIn, webRoot } from '../../tests/e2e/browser.mjs';

const { values: args } = parseArgs({ options: {
  changes: { type: 'string', default: '400' },
  out: { type: 'string', default: path.join(repoRoot, 'build/bench/browser.json') },
} });
const CHANGES = Number(args.changes);
const LINES = 50;

const stack = await startStack({ env: { NNW_WEB_ROOT: webRoot } });
const browser = await launchBrowser();
try {
  // The demo catalog has 15 products; 40 more make a 50-line cart possible.
  const admin = await stack.login({ role: 'admin' });
  const rows = Array.from({ length: 40 }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return `NN-BENCH-${n},Producto de prueba ${n},SUPLEMENTOS,NONE,${20 + i},true,${100 + i * 7}.50`;
  });
  const put = await fetch(`${stack.baseUrl}/v1/admin/catalog`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'text/csv', 'Idempotency-Key': 'bench-catalog' },
    body: `sku,name,category,kit,pv,active,price_MXN\n${rows.join('\n')}\n`,
  });
  if (!put.ok) throw new Error(`catalog import: ${put.status} ${await put.text()}`);

  // Sign in once, then measure a first load with an empty cache in a fresh context.
  const setup = await browser.newContext();
  const setupPage = await setup.newPage();
  await signIn(setupPage, stack.baseUrl, { member: 'NN-1001' });
  const catalog = await (await fetch(`${stack.baseUrl}/v1/catalog`)).json();
  const cart = catalog.products.slice(0, LINES).map((p, i) => ({ sku: p.sku, quantity: 1 + (i % 3) }));
  if (cart.length !== LINES) throw new Error(`only ${cart.length} products`);
  await setupPage.evaluate((lines) => localStorage.setItem('nnw.cart', JSON.stringify(lines)), cart);
  const storageState = await setup.storageState();
  await setup.close();

  const context = await browser.newContext({ storageState, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const transfers = new Map();
  cdp.on('Network.responseReceived', (e) => transfers.set(e.requestId, { url: e.response.url, encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '', bytes: 0 }));
  cdp.on('Network.loadingFinished', (e) => { const t = transfers.get(e.requestId); if (t) t.bytes = e.encodedDataLength; });
  await page.goto(`${stack.baseUrl}/`);
  await page.waitForFunction((n) => document.querySelectorAll('#cart-lines li').length === n, LINES, { timeout: 30000 });
  await page.waitForLoadState('networkidle');
  const loaded = [...transfers.values()];
  const isStatic = (t) => !new URL(t.url).pathname.startsWith('/v1/');
  const staticFiles = loaded.filter(isStatic).map((t) => ({ path: new URL(t.url).pathname, bytes: t.bytes, encoding: t.encoding }));
  const staticBytes = staticFiles.reduce((s, t) => s + t.bytes, 0);
  const apiBytes = loaded.filter((t) => !isStatic(t)).reduce((s, t) => s + t.bytes, 0);

  // Quantity changes: set a line's quantity and dispatch input as typing does; "DOM updated"
  // is when the synchronous handler (rules + DOM writes) and a forced layout are done, "on
  // screen" when the next frame has been produced.
  const timings = await page.evaluate(async (changes) => {
    const inputs = [...document.querySelectorAll('#cart-lines input.qty')];
    const total = document.querySelector('#total-total');
    const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = resolve;
      channel.port2.postMessage(0);
    }));
    const dom = [];
    const screen = [];
    const idle = [];
    for (let i = 0; i < Math.min(changes, 100); i += 1) {
      await nextFrame();
      const t0 = performance.now();
      await nextFrame();
      idle.push(performance.now() - t0);
    }
    let changedTotals = 0;
    for (let i = 0; i < changes; i += 1) {
      const input = inputs[(i * 7) % inputs.length];
      const before = total.textContent;
      await nextFrame();
      const t0 = performance.now();
      input.value = String(1 + ((Number(input.value) + 1) % 5));
      input.dispatchEvent(new Event('input', { bubbles: true }));
      void document.body.offsetHeight;
      const t1 = performance.now();
      await nextFrame();
      const t2 = performance.now();
      if (total.textContent !== before) changedTotals += 1;
      dom.push(t1 - t0);
      screen.push(t2 - t0);
    }
    return { dom, screen, idle, changedTotals, lines: inputs.length };
  }, CHANGES);
  if (timings.lines !== LINES || timings.changedTotals < CHANGES * 0.9) {
    throw new Error(`the preview did not follow the changes: ${JSON.stringify({ lines: timings.lines, changed: timings.changedTotals })}`);
  }
  // Real key presses (ArrowUp in a quantity field, trusted events): the Event Timing API
  // reports each interaction whose key-to-next-paint time reached 16 ms (its floor).
  await page.evaluate(() => {
    window.slowInteractions = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.interactionId) window.slowInteractions.push({ name: e.name, duration: e.duration });
    }).observe({ type: 'event', durationThreshold: 16 });
  });
  const KEYS = Math.min(CHANGES, 200);
  const fields = await page.$$('#cart-lines input.qty');
  for (let i = 0; i < KEYS; i += 1) {
    const field = fields[(Math.floor(i / 2) * 7) % fields.length];  // up, then down: never 0
    await field.focus();
    await field.press(i % 2 === 0 ? 'ArrowUp' : 'ArrowDown');
  }
  await page.waitForTimeout(500);
  const slow = await page.evaluate(() => window.slowInteractions.splice(0));
  const histogram = (entries) => {
    const counts = {};
    for (const e of entries) if (e.name === 'keydown') counts[e.duration] = (counts[e.duration] ?? 0) + 1;
    return counts;
  };

  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
    return { median_ms: +at(0.5).toFixed(2), p95_ms: +at(0.95).toFixed(2), max_ms: +s[s.length - 1].toFixed(2) };
  };
  const result = {
    at: new Date().toISOString(),
    chromium: browser.version(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg_1m: +os.loadavg()[0].toFixed(2) },
    cart_lines: LINES,
    changes: CHANGES,
    quantity_change_to_dom_updated: stats(timings.dom),
    quantity_change_to_next_frame: stats(timings.screen),
    frame_interval_without_changes: stats(timings.idle),
    key_presses: KEYS,
    key_presses_to_next_paint_16ms_or_more: slow.filter((e) => e.name === 'keydown').length,
    key_presses_16ms_or_more_by_ms: histogram(slow),

    first_load: { static_bytes: staticBytes, api_bytes: apiBytes, files: staticFiles },
  };
  mkdirSync(path.dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`Chromium ${result.chromium}; ${result.machine.cpus} × ${result.machine.model}, load ${result.machine.loadavg_1m}`);
  console.log(`50-line cart, ${CHANGES} quantity changes:`);
  console.log(`  input → preview in the DOM (rules + DOM + layout): median ${result.quantity_change_to_dom_updated.median_ms} ms, p95 ${result.quantity_change_to_dom_updated.p95_ms} ms, max ${result.quantity_change_to_dom_updated.max_ms} ms`);
  console.log(`  input → next frame:                                 median ${result.quantity_change_to_next_frame.median_ms} ms, p95 ${result.quantity_change_to_next_frame.p95_ms} ms`);
  console.log(`  (frame to frame with no change:                     median ${result.frame_interval_without_changes.median_ms} ms, p95 ${result.frame_interval_without_changes.p95_ms} ms)`);
  console.log(`  ${KEYS} real key presses: ${result.key_presses_to_next_paint_16ms_or_more} took 16 ms or more from key to next paint (Event Timing), by ms: ${JSON.stringify(result.key_presses_16ms_or_more_by_ms)}`);
  console.log(`first load (member signed in, empty cache): ${staticBytes} bytes of app and rules transferred, ${apiBytes} bytes of API answers`);
  for (const f of staticFiles) console.log(`  ${f.path} ${f.bytes} B ${f.encoding}`);
  console.log(`written to ${args.out}`);
} finally {
  await browser.close();
  await stack.stop();
}
