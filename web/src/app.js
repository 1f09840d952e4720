// NN Wallet in the browser: demo sign-in, then the member's views (Tienda, Monedero,
// Puntos, NN Travel) kept in step by the sync client, or the back office for the admin role.
import { loadRules } from '/wasm/index.browser.js';
import { api, setToken } from './api.js';
import { h, byId, field, announce } from './dom.js';
import { reasonText } from './reasons.js';
import { SyncClient } from './sync-adapter.js';
import { shopView } from './views/shop.js';
import { walletView } from './views/wallet.js';
import { loyaltyView } from './views/loyalty.js';
import { travelView } from './views/travel.js';
import { adminView } from './views/admin.js';

const SESSION_KEY = 'nnw.session';
const CONNECTION_TEXT = { online: 'En línea', connecting: 'Conectando…', offline: 'Sin conexión: los cambios se guardan y se envían al volver' };
const PENDING_TEXT = { queued: 'en cola', sending: 'enviando', retrying: 'reintentando' };
const KIND_TEXT = { order: 'Pedido', transfer: 'Transferencia', withdrawal: 'Retiro', 'withdrawal-cancel': 'Cancelación de retiro', reward: 'Recompensa' };

const main = byId('main');
let current = null;  // the signed-in app: its views and router
addEventListener('hashchange', () => { if (current) { current.show(); main.focus(); } });

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
    if (body.member_number) session.member_number = body.member_number.toUpperCase();
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    await start(session);
  } catch (e) {
    showLogin(e.status === 404 ? 'No existe un socio con ese número.' : `No se pudo entrar: ${e.message}`);
  }
}

function signOut(app, message) {
  app?.client?.stop();
  current = null;
  localStorage.removeItem(SESSION_KEY);
  localStorage.removeItem('nnw.cart');  // the next person on this browser starts with an empty cart
  location.hash = '';
  showLogin(message);
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
  // The socket may outlive an unplugged network for a while; the browser knows sooner.
  const connection = navigator.onLine ? app.client?.connection ?? 'online' : 'offline';
  status.dataset.state = connection;
  status.textContent = CONNECTION_TEXT[connection];
  const pending = app.client?.pending ?? [];
  byId('pending').replaceChildren(...pending.map((p) =>
    h('li', { dataset: { state: p.state } }, `${KIND_TEXT[p.kind] ?? p.kind} pendiente (${PENDING_TEXT[p.state] ?? p.state})`
      + (p.last_error ? ` · ${p.last_error.message ?? p.last_error}` : ''))));
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
    /**
     * The member's inputs to a cart preview (market, period PV, latest cashback, shipping) as
     * the server books them: the sync client's, or the server's own from a 409 until the
     * client next refetches them.
     */
    checkoutContext() {
      const synced = app.state()?.checkout ?? null;
      return app.override && app.override.base === synced ? app.override.context : synced;
    },
    overrideContext(rulesRequest) {
      const { market, period_pv, cashback, shipping_cents } = rulesRequest;
      app.override = { base: app.state()?.checkout ?? null, context: { market, period_pv, cashback: cashback ?? null, shipping_cents } };
    },
  };

  let views;
  if (session.role === 'admin') {
    views = { admin: adminView(app) };
  } else {
    app.client = new SyncClient({ baseUrl: '', token: session.token, memberId: session.subject, storage: localStorage, rules });
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
  current = { show };

  if (app.client) {
    app.client.subscribe((client, event) => {
      renderConnection(app);
      if (event.type === 'unauthorized') { signOut(app, 'Tu sesión terminó; entra de nuevo.'); return; }
      if (event.type === 'rejected') announce(`${KIND_TEXT[event.kind] ?? 'Cambio'} rechazado: ${reasonText(event.error, app.currency())}`, 'error');
      views[app.route]?.update?.(event);
      if (app.route !== 'tienda' && (event.type === 'state' || event.type === 'catalog')) views.tienda.update(event);
    });
    addEventListener('online', () => renderConnection(app));
    addEventListener('offline', () => renderConnection(app));
  }
  show();
  renderConnection(app);
  if (app.client) {
    const wallet = await api('GET', '/v1/members/me/wallet').catch(() => null);
    if (wallet) {
      app.session.member_number = wallet.member_number;
      localStorage.setItem(SESSION_KEY, JSON.stringify({ ...session, member_number: wallet.member_number }));
    }
    await app.client.start();
    renderNav(app, views);
    views[app.route].update?.({ type: 'state' });
  }
  app.views = views;
  window.nnw = app;  // for the browser tests and the benchmark
}

// The app shell kept for opening without a network (web/src/sw.js).
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});

const saved = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null');
if (saved && saved.token) start(saved).catch(() => showLogin('Tu sesión terminó; entra de nuevo.'));
else showLogin();
