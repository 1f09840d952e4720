// Tienda / Carrito: the catalog with search and the cart, previewed by the WebAssembly rules
// on every change (also offline), then confirmed by the server, paying from the wallet.
import { h, field, announce } from '../dom.js';
import { formatMoney, formatInt, formatDate, parseMoney } from '../money.js';
import { Cart, utcNow } from '../cart.js';
import { cartRequest } from '../sync-adapter.js';
import { reasonText } from '../reasons.js';

const CART_KEY = 'nnw.cart';

export function shopView(app) {
  const cart = new Cart(JSON.parse(localStorage.getItem(CART_KEY) ?? '[]'));
  let products = new Map();
  let lastPreview = null;
  let lastRequest = null;
  let wasUnlocked = false;
  const rows = new Map();  // sku → the cart row's live elements

  const search = h('input', { type: 'search', id: 'search', placeholder: 'Omega, colágeno, kit…', autocomplete: 'off' });
  const productList = h('ul', { class: 'catalog', id: 'catalog' });
  const cartList = h('ul', { class: 'cart', id: 'cart-lines' });
  const meterFill = h('div', { class: 'meter-fill' });
  const meter = h('div', { class: 'meter', id: 'pv-meter', role: 'progressbar', 'aria-label': 'PV del mes hacia el cashback', 'aria-valuemin': '0' }, meterFill);
  const pvText = h('p', { id: 'pv-text', class: 'pv-text' });
  const unlock = h('p', { id: 'unlock', class: 'unlock', hidden: true, role: 'status' });
  const totals = h('dl', { class: 'totals', id: 'totals' });
  const loyaltyHint = h('p', { id: 'loyalty-hint', class: 'hint' });
  const walletInput = h('input', { id: 'wallet-amount', inputmode: 'decimal', autocomplete: 'off' });
  const walletHint = h('span', { class: 'muted', id: 'wallet-hint' });
  const confirmButton = h('button', { type: 'submit', class: 'primary', id: 'confirm-order' }, 'Confirmar pedido');
  const outcome = h('div', { id: 'order-outcome', role: 'status', 'aria-live': 'polite' });
  const emptyNote = h('p', { class: 'muted', id: 'cart-empty' }, 'Tu carrito está vacío.');
  const ruleNote = h('p', { class: 'muted', id: 'rules-version' });
  // On a phone the cart is below the catalog: a bar at the bottom keeps PV and total in sight.
  const summary = h('a', { href: '#cart-title', class: 'cart-summary', id: 'cart-summary',
    onclick: (e) => { e.preventDefault(); byTitle.focus(); byTitle.scrollIntoView(); } });

  const checkout = h('form', { class: 'checkout', onsubmit: (e) => { e.preventDefault(); confirmOrder(); } },
    field('Pagar con monedero (el resto con pago externo)', walletInput, walletHint),
    h('div', { class: 'row' },
      h('button', { type: 'button', onclick: () => { walletInput.value = walletMax(); updateWalletHint(); } }, 'Todo con monedero'),
      h('button', { type: 'button', onclick: () => { walletInput.value = '0.00'; updateWalletHint(); } }, 'Nada con monedero'),
      confirmButton),
    outcome);
  walletInput.addEventListener('input', () => updateWalletHint());

  const el = h('div', { class: 'shop' },
    h('section', { 'aria-labelledby': 'catalog-title' },
      h('h2', { id: 'catalog-title' }, 'Tienda'),
      field('Buscar producto', search),
      productList),
    h('section', { 'aria-labelledby': 'cart-title', class: 'cart-section' },
      h('h2', { id: 'cart-title', tabindex: '-1' }, 'Carrito'),
      meter, pvText, unlock, emptyNote, cartList, totals, loyaltyHint, checkout, ruleNote),
    summary);
  const byTitle = el.querySelector('#cart-title');

  search.addEventListener('input', renderCatalog);

  function currency() { return app.currency(); }
  function money(cents) { return formatMoney(cents, currency()); }
  function centsText(cents) {
    const magnitude = String(cents).padStart(3, '0');
    return `${magnitude.slice(0, -2)}.${magnitude.slice(-2)}`;
  }

  function renderCatalog() {
    const query = search.value.trim().toLocaleLowerCase('es-MX');
    const items = [];
    for (const product of products.values()) {
      if (query && !`${product.name} ${product.sku}`.toLocaleLowerCase('es-MX').includes(query)) continue;
      items.push(h('li', {},
        h('span', { class: 'product' }, h('strong', {}, product.name),
          h('span', { class: 'muted' }, ` ${money(product.unit_price_cents)} · ${formatInt(product.pv)} PV`)),
        h('button', { type: 'button', 'aria-label': `Agregar ${product.name}`, dataset: { sku: product.sku },
          onclick: () => { cart.add(product.sku); changed(); } }, 'Agregar')));
    }
    productList.replaceChildren(...(items.length ? items : [h('li', { class: 'muted' }, 'Sin productos que coincidan.')]));
  }

  function row(sku) {
    let r = rows.get(sku);
    if (r) return r;
    const product = products.get(sku);
    const qty = h('input', { type: 'number', min: '0', max: '999', step: '1', inputmode: 'numeric', class: 'qty',
      'aria-label': `Cantidad de ${product?.name ?? sku}`, dataset: { sku } });
    qty.addEventListener('input', () => {
      const n = Number.parseInt(qty.value, 10);
      if (Number.isSafeInteger(n) && n >= 0 && n <= 999) { cart.set(sku, n); changed(); }
    });
    r = {
      qty,
      title: h('strong', {}, product?.name ?? sku),
      detail: h('span', { class: 'muted line-detail' }),
      bonus: h('span', { class: 'bonus' }),
      total: h('span', { class: 'line-total' }),
    };
    r.li = h('li', { dataset: { sku } },
      h('div', { class: 'line-text' }, r.title, r.detail, r.bonus),
      h('div', { class: 'line-controls' },
        h('button', { type: 'button', 'aria-label': `Quitar una unidad de ${product?.name ?? sku}`, onclick: () => { cart.set(sku, cart.get(sku) - 1); changed(); } }, '−'),
        qty,
        h('button', { type: 'button', 'aria-label': `Agregar una unidad de ${product?.name ?? sku}`, onclick: () => { cart.add(sku); changed(); } }, '+'),
        r.total));
    rows.set(sku, r);
    return r;
  }

  function renderLines(preview) {
    const seen = new Set();
    let i = 0;
    for (const line of preview.lines) {
      const r = row(line.sku);
      seen.add(line.sku);
      if (document.activeElement !== r.qty && r.qty.value !== String(line.quantity)) r.qty.value = String(line.quantity);
      // Only the lines whose numbers moved are written: a quantity change touches one or two.
      const key = `${line.quantity}|${line.discounted_units}|${line.discount_cents}|${line.total_cents}`;
      if (r.key !== key) {
        r.key = key;
        r.detail.textContent = ` ${line.quantity} × ${money(line.unit_price_cents)} · ${formatInt(line.line_pv)} PV`;
        r.bonus.textContent = line.discounted_units > 0
          ? ` ${line.discounted_units} ${line.discounted_units === 1 ? 'unidad' : 'unidades'} al 70% de descuento: −${money(line.discount_cents)}`
          : '';
        r.li.classList.toggle('discounted', line.discounted_units > 0);
        r.total.textContent = money(line.total_cents);
        r.li.dataset.discountCents = String(line.discount_cents);
      }
      if (cartList.children[i] !== r.li) cartList.insertBefore(r.li, cartList.children[i] ?? null);
      i += 1;
    }
    for (const [sku, r] of rows) if (!seen.has(sku)) { r.li.remove(); rows.delete(sku); }
    emptyNote.hidden = preview.lines.length > 0;
  }

  const totalRows = [['subtotal', 'Subtotal'], ['discount', 'Descuento cashback'], ['shipping', 'Envío (nunca se descuenta)'], ['total', 'Total a pagar']];
  const totalCells = new Map(totalRows.map(([key]) => [key, h('dd', { id: `total-${key}`, class: key === 'total' ? 'total' : '' })]));
  totals.replaceChildren(...totalRows.flatMap(([key, label]) => [h('dt', { class: key === 'total' ? 'total' : '' }, label), totalCells.get(key)]));

  function renderTotals(p) {
    for (const key of ['subtotal', 'discount', 'shipping', 'total']) totalCells.get(key).dataset.cents = String(p[`${key}_cents`]);
    totalCells.get('subtotal').textContent = money(p.subtotal_cents);
    totalCells.get('discount').textContent = p.discount_cents > 0 ? `−${money(p.discount_cents)}` : money(0);
    totalCells.get('shipping').textContent = money(p.shipping_cents);
    totalCells.get('total').textContent = money(p.total_cents);
  }

  function renderMeter(p) {
    const shown = Math.min(p.period_pv_after, p.pv_threshold);
    meter.setAttribute('aria-valuemax', String(p.pv_threshold));
    meter.setAttribute('aria-valuenow', String(shown));
    meter.setAttribute('aria-valuetext', `${formatInt(p.period_pv_after)} de ${formatInt(p.pv_threshold)} PV`);
    meter.classList.toggle('unlocked', p.pv_missing === 0);
    meterFill.style.width = `${Math.floor((shown * 100) / p.pv_threshold)}%`;
    pvText.textContent = p.pv_missing > 0
      ? `${formatInt(p.period_pv_after)} de ${formatInt(p.pv_threshold)} PV este mes · te faltan ${formatInt(p.pv_missing)} PV para el 70% de descuento`
      : `${formatInt(p.period_pv_after)} de ${formatInt(p.pv_threshold)} PV este mes · meta alcanzada`;
    const unlocked = p.unlocks_cashback;
    unlock.hidden = !unlocked && p.cashback_spendable_cents === 0;
    if (unlocked) {
      unlock.textContent = `¡Este carrito desbloquea tu cashback de ${money(p.cashback_generated_cents)}!`
        + (p.cashback_spend === 'CROSSING_ORDER' ? ' Las unidades después de la meta llevan 70% de descuento.' : ' Úsalo en tu próximo pedido de este mes.');
    } else if (p.cashback_spendable_cents > 0) {
      unlock.textContent = `Tienes ${money(p.cashback_spendable_cents)} de cashback para este pedido.`;
    }
    if (unlocked && !wasUnlocked) { unlock.classList.remove('pop'); void unlock.offsetWidth; unlock.classList.add('pop'); }
    wasUnlocked = unlocked;
  }

  function renderLoyalty() {
    const loyalty = app.state()?.loyalty?.status;
    const w = loyalty?.window;
    if (!w) { loyaltyHint.textContent = ''; return; }
    if (w.open && !w.earned) {
      loyaltyHint.textContent = `Pide hoy y ganas 25 puntos de lealtad: la ventana del día 1 al 7 cierra en ${w.days_left} ${w.days_left === 1 ? 'día' : 'días'}.`;
    } else if (w.open && w.earned) {
      loyaltyHint.textContent = 'Ya ganaste tus 25 puntos de lealtad de este mes.';
    } else {
      loyaltyHint.textContent = `Pide entre el día 1 y el 7 para ganar 25 puntos de lealtad; la próxima ventana abre el ${formatDate(loyalty.next_window_opens_at)}.`;
    }
  }

  function walletMax() {
    const balance = app.state()?.wallet?.balance_cents ?? 0;
    const total = lastPreview?.total_cents ?? 0;
    return centsText(Math.min(balance, total));
  }

  function updateWalletHint() {
    const cents = parseMoney(walletInput.value || '0');
    const total = lastPreview?.total_cents ?? 0;
    if (cents === null) { walletHint.textContent = 'Escribe un monto, por ejemplo 250.00'; return; }
    walletHint.textContent = cents > total ? 'No puede ser más que el total.'
      : `Monedero ${money(cents)} · pago externo ${money(total - cents)} · saldo ${money(app.state()?.wallet?.balance_cents ?? 0)}`;
  }

  /** Runs the rules on the current cart and redraws; the timing is the product's promise. */
  function render() {
    const context = app.checkoutContext();
    if (!context || products.size === 0) { pvText.textContent = 'Cargando tus datos…'; return null; }
    const request = cartRequest({ checkout: context, catalog: app.state().catalog }, cart.quantities, utcNow());
    const preview = app.rules.previewCart(request);
    if (preview.error) { pvText.textContent = `No se pudo calcular: ${preview.error.message}`; return null; }
    lastRequest = request;
    lastPreview = preview;
    renderMeter(preview);
    renderLines(preview);
    renderTotals(preview);
    confirmButton.disabled = preview.lines.length === 0;
    const progress = preview.pv_missing > 0 ? `faltan ${formatInt(preview.pv_missing)} PV`
      : preview.discount_cents > 0 ? `−${money(preview.discount_cents)} de cashback` : 'meta del mes alcanzada';
    summary.textContent = `Carrito: ${formatInt(preview.cart_pv)} PV · ${progress} · ${money(preview.total_cents)}`;
    summary.hidden = preview.lines.length === 0;
    ruleNote.textContent = `Reglas ${preview.rules_version} · calculado en tu dispositivo`;
    return preview;
  }

  let saveTimer = null;
  function changed() {
    // Saved after the frame: the preview on screen comes first.
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => localStorage.setItem(CART_KEY, JSON.stringify(cart.lines())), 0);
    if (outcome.firstChild) outcome.replaceChildren();
    render();
    if (document.activeElement !== walletInput) walletInput.value = walletMax();
    updateWalletHint();
  }

  async function confirmOrder() {
    const preview = render();
    if (!preview || preview.lines.length === 0) return;
    const walletCents = parseMoney(walletInput.value || '0');
    if (walletCents === null || walletCents > preview.total_cents) { updateWalletHint(); walletInput.focus(); return; }
    confirmButton.disabled = true;
    outcome.replaceChildren(h('p', { class: 'muted' }, 'Confirmando con el servidor…'));
    const body = {
      lines: cart.lines(),
      wallet_cents: walletCents,
      rules_version: preview.rules_version,
      displayed: { subtotal_cents: preview.subtotal_cents, discount_cents: preview.discount_cents,
        shipping_cents: preview.shipping_cents, total_cents: preview.total_cents },
    };
    const result = await app.client.submit({ kind: 'order', method: 'POST', path: '/v1/orders', body });
    confirmButton.disabled = false;
    if (result.outcome === 'applied') {
      const order = result.response.order;
      outcome.replaceChildren(h('div', { class: 'ok', id: 'order-confirmed' },
        h('strong', {}, 'Pedido confirmado'),
        h('p', {}, `Total ${money(order.total_cents)} · monedero ${money(order.wallet_cents)} · pago externo ${money(order.external_cents)}`),
        h('p', {}, `Saldo del monedero: ${money(result.response.balance_cents)}`)));
      announce('Pedido confirmado', 'ok');
      cart.quantities.clear();
      clearTimeout(saveTimer);
      localStorage.setItem(CART_KEY, '[]');
      render();
      return;
    }
    const error = result.error ?? {};
    const server = error.preview;
    outcome.replaceChildren(h('div', { class: 'error', id: 'order-rejected', role: 'alert' },
      h('strong', {}, 'El servidor no confirmó el pedido'),
      h('p', { id: 'order-reason' }, reasonText(error, currency())),
      server && !server.error ? h('dl', { class: 'totals', id: 'server-totals' },
        h('dt', {}, 'Subtotal del servidor'), h('dd', {}, money(server.subtotal_cents)),
        h('dt', {}, 'Descuento'), h('dd', {}, money(server.discount_cents)),
        h('dt', {}, 'Envío'), h('dd', {}, money(server.shipping_cents)),
        h('dt', { class: 'total' }, 'Total del servidor'), h('dd', { class: 'total' }, money(server.total_cents))) : null,
      h('p', { class: 'muted' }, 'Tu carrito ya muestra los números actualizados; revisa y confirma de nuevo.')));
    if (error.rules_request) app.overrideContext(error.rules_request);
    render();
  }

  return {
    el,
    title: 'Tienda',
    cart,
    render,
    /** What the page shows: the rules request it built and the preview it drew. */
    get shown() { return { request: lastRequest, preview: lastPreview }; },
    update(event) {
      const catalog = app.state()?.catalog;
      if (catalog && (products.size === 0 || event?.type === 'catalog' || catalog.catalog_version !== this.catalogVersion)) {
        this.catalogVersion = catalog.catalog_version;
        products = new Map(catalog.products.map((p) => [p.sku, p]));
        renderCatalog();
      }
      renderLoyalty();
      render();
      if (document.activeElement !== walletInput) walletInput.value = walletMax();
      updateWalletHint();
    },
  };
}
