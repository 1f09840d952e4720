// The cart preview page: every change runs the WebAssembly rules locally and redraws.
import { loadRules } from '/wasm/index.browser.js';
import { demoCatalog } from './demo-catalog.js';
import { formatMoney } from './money.js';

const rules = await loadRules();
const quantities = new Map();  // sku → units in the cart
const byId = (id) => document.getElementById(id);

function currentRequest() {
  const periodPv = Number.parseInt(byId('period-pv').value, 10);
  return {
    market: 'MX',
    now: new Date().toISOString().slice(0, 19) + 'Z',
    period_pv: Number.isSafeInteger(periodPv) && periodPv >= 0 ? periodPv : 0,
    cashback: null,
    lines: demoCatalog
      .filter((p) => (quantities.get(p.sku) ?? 0) > 0)
      .map((p) => ({ sku: p.sku, quantity: quantities.get(p.sku), unit_price_cents: p.unit_price_cents, unit_pv: p.unit_pv })),
    shipping_cents: quantities.size > 0 && [...quantities.values()].some((n) => n > 0) ? 14900 : 0,
  };
}

function renderCatalog() {
  byId('catalog').replaceChildren(...demoCatalog.map((product) => {
    const item = document.createElement('li');
    const label = document.createElement('span');
    label.textContent = `${product.name} · ${formatMoney(product.unit_price_cents)} · ${product.unit_pv} PV`;
    const add = document.createElement('button');
    add.textContent = '+';
    add.setAttribute('aria-label', `Agregar ${product.name}`);
    add.addEventListener('click', () => { quantities.set(product.sku, (quantities.get(product.sku) ?? 0) + 1); render(); });
    item.append(label, add);
    return item;
  }));
}

function renderLines(preview) {
  byId('cart').replaceChildren(...preview.lines.map((line) => {
    const product = demoCatalog.find((p) => p.sku === line.sku);
    const item = document.createElement('li');
    const text = document.createElement('span');
    text.textContent = `${line.quantity} × ${product.name} = ${formatMoney(line.total_cents)}`;
    if (line.discounted_units > 0) {
      const bonus = document.createElement('span');
      bonus.className = 'bonus';
      bonus.textContent = ` (${line.discounted_units} al 70% de descuento: −${formatMoney(line.discount_cents)})`;
      text.append(bonus);
    }
    const remove = document.createElement('button');
    remove.textContent = '−';
    remove.setAttribute('aria-label', `Quitar una unidad de ${product.name}`);
    remove.addEventListener('click', () => { quantities.set(line.sku, line.quantity - 1); render(); });
    item.append(text, remove);
    return item;
  }));
}

function renderTotals(preview) {
  const rows = [
    ['Subtotal', formatMoney(preview.subtotal_cents)],
    ['Descuento cashback', `−${formatMoney(preview.discount_cents)}`],
    ['Envío (sin descuento)', formatMoney(preview.shipping_cents)],
    ['Total', formatMoney(preview.total_cents)],
  ];
  byId('totals').replaceChildren(...rows.flatMap(([term, value], i) => {
    const dt = document.createElement('dt');
    const dd = document.createElement('dd');
    dt.textContent = term;
    dd.textContent = value;
    if (i === rows.length - 1) { dt.className = 'total'; dd.className = 'total'; }
    return [dt, dd];
  }));
}

function renderMeter(preview) {
  const meter = byId('pv-meter');
  const shown = Math.min(preview.period_pv_after, preview.pv_threshold);
  meter.setAttribute('aria-valuemax', String(preview.pv_threshold));
  meter.setAttribute('aria-valuenow', String(shown));
  meter.classList.toggle('unlocked', preview.pv_missing === 0);
  byId('pv-fill').style.width = `${Math.floor((shown * 100) / preview.pv_threshold)}%`;
  byId('pv-text').textContent = preview.unlocks_cashback
    ? `¡Este carrito desbloquea tu cashback de ${formatMoney(preview.cashback_generated_cents)}!`
    : preview.pv_missing > 0
      ? `${preview.period_pv_after} PV · te faltan ${preview.pv_missing} PV para el 70% de descuento`
      : `${preview.period_pv_after} PV este mes`;
}

function render() {
  const preview = rules.previewCart(currentRequest());
  if (preview.error) {
    byId('pv-text').textContent = `No se pudo calcular: ${preview.error.message}`;
    return;
  }
  renderMeter(preview);
  renderLines(preview);
  renderTotals(preview);
  byId('rules-version').textContent = `Reglas ${preview.rules_version}`;
}

byId('period-pv').addEventListener('input', render);
renderCatalog();
render();
