// Puntos de lealtad: progress to 100, consecutive months, the days 1–7 window with a
// countdown, and the rewards to choose.
import { h, field, announce } from '../dom.js';
import { get } from '../api.js';
import { formatDate, formatInt } from '../money.js';
import { reasonText } from '../reasons.js';
import { progressBar, countdown } from './progress.js';

const STATUS = { ACTIVO: 'Activo', SIN_PUNTOS: 'Sin puntos', REINICIADO: 'Reiniciado' };
const REWARD_STATUS = { PENDIENTE: 'Por elegir', ELEGIDA: 'Elegida, por entregar', ENTREGADA: 'Entregada' };

export function loyaltyView(app) {
  const body = h('div', { id: 'loyalty' }, h('p', { class: 'muted' }, 'Cargando…'));
  const el = h('section', { 'aria-labelledby': 'loyalty-title', class: 'wide' }, h('h2', { id: 'loyalty-title' }, 'Puntos de lealtad'), body);
  let data = null;
  let timer = null;

  function render() {
    if (!data) return;
    const s = data.status;
    const w = s.window;
    const windowText = w.open
      ? `La ventana de este mes está abierta hasta el ${formatDate(w.closes_at)}: cierra en ${countdown(w.closes_at)}.`
      : `La próxima ventana (días 1 al 7) abre el ${formatDate(s.next_window_opens_at)}: faltan ${countdown(s.next_window_opens_at)}.`;
    const rewards = data.rewards.map((r) => {
      const open = r.status === 'PENDIENTE' || r.status === 'ELEGIDA';
      const choice = h('select', { 'aria-label': 'Recompensa' }, data.reward_choices.map((c) => h('option', { value: c.id, selected: c.id === r.reward_id }, c.name)));
      return h('li', { dataset: { status: r.status } },
        h('span', {}, `Recompensa del periodo ${r.period} · `, h('span', { class: 'badge' }, REWARD_STATUS[r.status] ?? r.status)),
        open ? h('span', { class: 'row' }, field('Elige', choice), h('button', { type: 'button', onclick: async () => {
          const result = await app.client.submit({ kind: 'reward', method: 'POST', path: `/v1/loyalty/rewards/${r.id}/choose`, body: { reward: choice.value } });
          announce(result.outcome === 'applied' ? 'Recompensa elegida.' : reasonText(result.error), result.outcome === 'applied' ? 'ok' : 'error');
          load();
        } }, 'Guardar')) : null);
    });
    body.replaceChildren(
      h('p', { class: 'big', id: 'loyalty-points' }, `${formatInt(s.points)} de ${formatInt(s.goal_points)} puntos`),
      progressBar('Puntos de lealtad hacia 100', s.points, s.goal_points, 'loyalty-meter'),
      h('p', {}, `Estado: ${STATUS[s.status] ?? s.status} · meses consecutivos: ${s.consecutive_months}`),
      h('p', { id: 'loyalty-window' }, w.earned ? `Este mes ya ganaste tus 25 puntos. ${windowText}` : windowText),
      h('p', { class: 'muted' }, 'Cada pedido confirmado entre el día 1 y el 7 del mes suma 25 puntos (una vez por mes). Al llegar a 100 eliges una recompensa.'),
      h('h3', {}, 'Recompensas'),
      rewards.length ? h('ul', { class: 'list', id: 'loyalty-rewards' }, rewards) : h('p', { class: 'muted' }, 'Aún no tienes recompensas.'),
      h('h3', {}, 'Opciones'),
      h('ul', {}, data.reward_choices.map((c) => h('li', {}, c.name))));
  }

  // The sync client keeps the whole document (GET /v1/members/me/loyalty) and refetches it
  // when a loyalty change arrives; it is fetched here only when the client has not yet.
  async function load() {
    const synced = app.state()?.loyalty;
    if (synced?.reward_choices) { data = synced; render(); return; }
    try { data = await get('/v1/members/me/loyalty'); render(); } catch { /* offline: keep the last */ }
  }

  return {
    el,
    title: 'Puntos',
    show() {
      load();
      // The countdown moves while the page is open; it stops once the view is left.
      clearInterval(this.ticker);
      this.ticker = setInterval(() => { if (el.isConnected) render(); else clearInterval(this.ticker); }, 30000);
    },
    update(event) {
      if (event?.type === 'state') { clearTimeout(timer); timer = setTimeout(load, 50); }
    },
  };
}
