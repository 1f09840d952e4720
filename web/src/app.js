// NN Wallet in the browser: demo sign-in, then the member's views (Tienda, Monedero,
// Puntos, NN Travel) kept in step by the sync client, or the back office for the admin role.
import { loadRules } from '/wasm/index.browser.js';
import { api, setToken, post } from './api.js';
import { h, byId, field, announce } from './dom.js';
import { SyncClient } from './sync-adapter.js';
import { contextOf } from './cart.js';
import { shopView } from './views/shop.js';
import { walletView } from './views/wallet.js';
import { loyaltyView } from './views/loyalty.js';
import { travelView } from './views/travel.js';
import { adminView } from './views/admin.js';

const SESSION_KEY = 'nnw.session';
const CONTEXT_KEY = 'nnw.checkout-context';
const CONNECTION_TEXT = { online: 'En línea', connecting: 'Conectando…', offline: 'Sin conexión: los cambios se guardan y se envían al volver' };
const PENDING_TEXT = { queued: 'en cola', sending: 'enviando', retrying: 'reintentando' };
const KIND_TEXT = { order: 'Pedido', transfer: 'Transferencia', withdrawal: 'Retiro', 'withdrawal-cancel': 'Cancelación de retiro', reward: 'Recompensa' };

const main = byId('main');

function showLogin(message) {
  const number = h('input', { id: 'member-number', value: 'NN-1001', autocomplete: 'username', required: true });
  const form = h('form', { class: 'login', onsubmit: (e) => { e.preventDefault(); signIn({ member_number: number.value.trim() }); } },
    h('h2', {}, 'Entrar (demo)'),
    field('Número de socio', number),
    h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'primary' }, 'Entrar como socio'),
      h('button', { type: 'button', id: 'admin-login', onclick: () => signIn({ role: 'admin' }) }, 'Entrar a la administración')),
    message ? h('p', { class: 'error', role: 'alert' }, message) : null);
  byId('nav').replaceChildren();
  byId('session').replaceChildren();
  main.replaceChildren(form);
  number.focus();
}

async function signIn(body) {
  try {
    const session = await api('POST', '/v1/demo/login', { body });
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    await start(session);
  } catch (e) {
    showLogin(e.status === 404 ? 'No existe un socio con ese número.' : `No se pudo entrar: ${e.message}`);
  }
}

function signOut(app) {
  app?.client?.stop();
  localStorage.removeItem(SESSION_KEY);
  localStorage.removeItem(CONTEXT_KEY);
  location.hash = '';
  showLogin();
}

function renderNav(app, views) {
  const links = Object.entries(views).map(([route, view]) =>
    h('a', { href: `#${route}`, 'aria-current': app.route === route ? 'page' : null, dataset: { route } }, view.title));
  byId('nav').replaceChildren(...links);
  byId('session').replaceChildren(
    h('span', { class: 'who' }, app.session.role === 'admin' ? 'Administración' : app.session.member_number ?? ''),
    h('button', { type: 'button', class: 'link', onclick: () => signOut(app) }, 'Salir'));
}

function renderConnection(app) {
  const status = byId('connection');
  const connection = app.client?.connection ?? 'online';
  status.dataset.state = connection;
  status.textContent = CONNECTION_TEXT[connection];
  const pending = app.client?.pending ?? [];
  byId('pending').replaceChildren(...pending.map((p) =>
    h('li', { dataset: { state: p.state } }, `${KIND_TEXT[p.kind] ?? p.kind} pendiente (${PENDING_TEXT[p.state] ?? p.state})`
      + (p.last_error ? ` · ${p.last_error}` : ''))));
  byId('pending').hidden = pending.length === 0;
}

async function start(session) {
  setToken(session.token);
  const rules = await loadRules();
  const app = {
    session: { ...session, member_number: session.member_number },
    rules,
    client: null,
    route: null,
    state: () => app.client?.state ?? null,
    currency: () => app.client?.state?.wallet?.currency ?? 'MXN',
    context: JSON.parse(localStorage.getItem(CONTEXT_KEY) ?? 'null'),
    checkoutContext: () => app.context,
    setContext(rulesRequest) {
      app.context = contextOf(rulesRequest);
      localStorage.setItem(CONTEXT_KEY, JSON.stringify(app.context));
    },
    /** The member's market, period PV, latest cashback and shipping, as the server reads them. */
    async refreshContext() {
      try {
        const answer = await post('/v1/checkout/preview', { lines: [] });
        app.setContext(answer.rules_request);
      } catch { /* offline: keep the last one */ }
    },
  };

  let views;
  if (session.role === 'admin') {
    views = { admin: adminView(app) };
  } else {
    app.client = new SyncClient({ baseUrl: '', token: session.token, storage: localStorage, rules });
    views = { tienda: shopView(app), monedero: walletView(app), puntos: loyaltyView(app), viaje: travelView(app) };
  }

  const show = () => {
    const route = location.hash.slice(1);
    app.route = route in views ? route : Object.keys(views)[0];
    const view = views[app.route];
    renderNav(app, views);
    main.replaceChildren(view.el);
    view.show?.();
    view.update?.({ type: 'show' });
    document.title = `NN Wallet · ${view.title}`;
  };
  addEventListener('hashchange', () => { show(); main.focus(); });

  if (app.client) {
    let contextTimer = null;
    app.client.subscribe((client, event) => {
      renderConnection(app);
      if (event.type === 'state' || event.type === 'applied') {
        clearTimeout(contextTimer);
        contextTimer = setTimeout(() => app.refreshContext().then(() => views.tienda.update(event)), 50);
      }
      if (event.type === 'rejected' && event.result?.status === 409) announce('El servidor rechazó un cambio pendiente.', 'error');
      views[app.route]?.update?.(event);
    });
  }
  show();
  renderConnection(app);
  if (app.client) {
    const wallet = await api('GET', '/v1/members/me/wallet').catch(() => null);
    if (wallet) app.session.member_number = wallet.member_number;
    await Promise.all([app.client.start(), app.context ? null : app.refreshContext()]);
    renderNav(app, views);
    views[app.route].update?.({ type: 'state' });
  }
  app.views = views;
  window.nnw = app;  // for the browser tests and the benchmark
}

const saved = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null');
if (saved && saved.token) start(saved).catch(() => showLogin('Tu sesión terminó; entra de nuevo.'));
else showLogin();
