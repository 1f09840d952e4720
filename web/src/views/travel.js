// NN Travel: progress to 200, breakdown by kits, ranks and directs, the campaign's dates and
// promo windows, and the qualified badge.
import { h } from '../dom.js';
import { get } from '../api.js';
import { formatDate, formatDateTime, formatInt } from '../money.js';
import { progressBar } from './progress.js';

const REASONS = { OUTSIDE_CAMPAIGN: 'fuera de la campaña', CAMPAIGN_CLOSED: 'campaña cerrada', RANK_ALREADY_COUNTED: 'rango ya contado', DIRECT_RANK_ALREADY_COUNTED: 'rango del directo ya contado' };
const TYPES = { KIT_SOLD: 'Kit vendido', RANK_REACHED: 'Rango alcanzado', DIRECT_RANK_REACHED: 'Rango de un directo' };

/** FULL_PROTECT → "Full Protect", EMBAJADOR_SOLIDARIO → "Embajador Solidario". */
const words = (id) => id.toLowerCase().split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');

export function travelView(app) {
  const body = h('div', { id: 'travel' }, h('p', { class: 'muted' }, 'Cargando…'));
  const el = h('section', { 'aria-labelledby': 'travel-title', class: 'wide' }, h('h2', { id: 'travel-title' }, 'NN Travel'), body);
  let timer = null;

  // The sync client keeps the summary (GET /v1/members/me/travel) and refetches it when a
  // travel event arrives; it is fetched here only when the client has not yet.
  async function load() {
    let t = app.state()?.travel;
    if (!t?.campaign) {
      try { t = await get('/v1/members/me/travel'); } catch (e) {
        if (e.error?.code === 'no_active_campaign') body.replaceChildren(h('p', {}, 'No hay una campaña activa.'));
        return;
      }
    }
    const now = Date.now();
    const promos = t.campaign.promo_windows.map((w) => {
      const active = Date.parse(w.starts_at) <= now && now < Date.parse(w.ends_at);
      return h('li', { class: active ? 'promo-now' : '' }, `${formatDate(w.starts_at)} – ${formatDate(w.ends_at)}`, active ? [' ', h('span', { class: 'badge ok' }, 'Promoción vigente: puntos dobles')] : '');
    });
    const label = (e) => `${TYPES[e.type] ?? e.type}${e.kit ? ` ${words(e.kit)}` : ''}${e.rank ? ` ${words(e.rank)}` : ''}`;
    body.replaceChildren(...[
      h('p', {}, h('strong', {}, t.campaign.name), ` · del ${formatDate(t.campaign.starts_at)} al ${formatDate(t.campaign.ends_at)}`),
      t.qualified ? h('p', { class: 'badge ok big', id: 'travel-qualified' }, '¡Calificaste para el viaje!') : null,
      h('p', { class: 'big', id: 'travel-points' }, `${formatInt(t.points)} de ${formatInt(t.target_points)} puntos`),
      progressBar('Puntos de NN Travel hacia 200', t.points, t.target_points, 'travel-meter'),
      t.qualified ? null : h('p', {}, `Te faltan ${formatInt(t.points_missing)} puntos.`),
      h('dl', { class: 'totals', id: 'travel-breakdown' },
        h('dt', {}, 'Kits de tu red'), h('dd', {}, formatInt(t.breakdown.kits)),
        h('dt', {}, 'Tus rangos'), h('dd', {}, formatInt(t.breakdown.ranks)),
        h('dt', {}, 'Rangos de tus directos'), h('dd', {}, formatInt(t.breakdown.directs))),
      h('h3', {}, 'Ventanas de promoción'),
      promos.length ? h('ul', {}, promos) : h('p', { class: 'muted' }, 'Sin ventanas de promoción.'),
      h('h3', {}, 'Eventos'),
      h('ul', { class: 'list' },
        t.accepted.slice().reverse().slice(0, 30).map((e) => h('li', {}, `${formatDateTime(e.occurred_at)} · ${label(e)}`, h('span', {}, `+${e.points}${e.column === 'PROMO' ? ' (promo)' : ''}`))),
        t.rejected.map((e) => h('li', { class: 'muted' }, `${formatDateTime(e.occurred_at)} · ${label(e)}`, h('span', {}, `0 · ${REASONS[e.reason] ?? e.reason}`))))]
      .filter(Boolean));
  }

  return {
    el,
    title: 'NN Travel',
    show() { load(); },
    update(event) {
      if (event?.type === 'state') { clearTimeout(timer); timer = setTimeout(load, 50); }
    },
  };
}
