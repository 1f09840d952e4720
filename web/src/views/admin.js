// Back office (admin): the withdrawals queue, commissions and the deposit job, NN Travel
// campaigns with promo windows, loyalty reward delivery, reports with a chart, and the
// ledger's check (the verify-ledger job).
import { h, field, announce } from '../dom.js';
import { api, get, post, setToken, getToken } from '../api.js';
import { formatMoney, formatDate, formatDateTime, parseMoney } from '../money.js';
import { reasonText } from '../reasons.js';
import { barChart } from './chart.js';

function section(title, id, ...children) {
  return h('section', { 'aria-labelledby': `${id}-title`, class: 'wide', id }, h('h2', { id: `${id}-title` }, title), ...children);
}

async function download(path, filename) {
  try {
    const response = await api('GET', path, { raw: true });
    const url = URL.createObjectURL(await response.blob());
    const link = h('a', { href: url, download: filename });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (e) { announce(`No se pudo descargar: ${e.message}`, 'error'); }
}

/** Runs a write and reports its outcome in Spanish; returns the answer or null. */
async function write(fn, okText) {
  try {
    const answer = await fn();
    if (okText) announce(okText, 'ok');
    return answer;
  } catch (e) {
    announce(reasonText(e.error), 'error');
    return null;
  }
}

function withdrawalsSection() {
  const list = h('ul', { class: 'list', id: 'admin-withdrawals' });
  async function load() {
    const { withdrawals } = await get('/v1/admin/withdrawals?status=PENDIENTE');
    list.replaceChildren(...withdrawals.map((w) => {
      const reference = h('input', { 'aria-label': `Referencia bancaria del retiro ${w.id}`, placeholder: 'SPEI-…', maxlength: '64', class: 'ref' });
      const reason = h('input', { 'aria-label': `Motivo de rechazo del retiro ${w.id}`, placeholder: 'Motivo', maxlength: '500' });
      const approve = h('button', { type: 'button', class: 'primary', 'aria-label': `Aprobar el retiro ${w.id}`, onclick: async () => {
        if (!reference.value.trim()) { reference.focus(); announce('Escribe la referencia de la transferencia bancaria.', 'error'); return; }
        if (await write(() => post(`/v1/admin/withdrawals/${w.id}/approve`, { bank_reference: reference.value.trim() }), 'Retiro aprobado.')) load();
      } }, 'Aprobar');
      const reject = h('button', { type: 'button', 'aria-label': `Rechazar el retiro ${w.id}`, onclick: async () => {
        if (!reason.value.trim()) { reason.focus(); announce('Escribe el motivo del rechazo.', 'error'); return; }
        if (await write(() => post(`/v1/admin/withdrawals/${w.id}/reject`, { reason: reason.value.trim() }), 'Retiro rechazado.')) load();
      } }, 'Rechazar');
      return h('li', { dataset: { id: String(w.id), member: w.member_number } },
        h('div', {}, h('strong', {}, `${w.member_number} · ${formatMoney(w.amount_cents, w.currency)}`),
          h('div', { class: 'muted' }, w.bank ? `${w.bank.bank_name} · ${w.bank.holder_name} · CLABE ${w.bank.clabe}` : `CLABE …${w.clabe_last4}`,
            ` · ${formatDateTime(w.requested_at)}`)),
        h('div', { class: 'row' }, reference, approve, reason, reject));
    }));
    if (withdrawals.length === 0) list.replaceChildren(h('li', { class: 'muted' }, 'No hay retiros pendientes.'));
  }
  return { el: section('Retiros por aprobar', 'admin-withdrawals-section', h('button', { type: 'button', onclick: () => load() }, 'Actualizar'), list), load };
}

function commissionsSection() {
  const text = h('textarea', { id: 'commissions-csv', rows: '5', spellcheck: 'false',
    placeholder: 'external_id,member_id,bonus_type,period,amount\ncm-1,00000000-0000-4000-8000-000000001003,UNINIVEL,2026-11,1250.00' });
  const status = h('div', { role: 'status', 'aria-live': 'polite' });
  async function importCsv() {
    const lines = text.value.trim().split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('external_id'));
    const parsed = [];
    for (const [i, line] of lines.entries()) {
      const [externalId, memberId, bonusType, period, amount] = line.split(',').map((c) => c.trim());
      const cents = parseMoney(amount ?? '');
      if (!externalId || !memberId || !bonusType || !/^\d{4}-\d{2}$/.test(period ?? '') || !cents) {
        status.replaceChildren(h('p', { class: 'error' }, `Línea ${i + 1}: revisa las columnas.`));
        return;
      }
      parsed.push({ externalId, memberId, bonusType, period, cents });
    }
    const commissions = [];
    for (const c of parsed) {
      const wallet = await get(`/v1/members/${encodeURIComponent(c.memberId)}/wallet`).catch(() => null);
      if (!wallet) { status.replaceChildren(h('p', { class: 'error' }, `No existe el socio ${c.memberId}.`)); return; }
      commissions.push({ external_id: c.externalId, member_id: wallet.member_id, bonus_type: c.bonusType, period: c.period,
        amount_cents: c.cents, currency: wallet.currency, source_amount_cents: c.cents, source_currency: wallet.currency, rate_micros: 1000000 });
    }
    // Commissions come from the commission engine (the service role); the demo signs in as it.
    const admin = getToken();
    try {
      const service = await api('POST', '/v1/demo/login', { body: { role: 'service' } });
      setToken(service.token);
      const answer = await post('/v1/commissions', { commissions });
      status.replaceChildren(h('p', { class: 'ok' }, `Registradas ${answer.recorded.length}; duplicadas ${answer.duplicates.length}. Quedan pendientes hasta el depósito.`));
    } catch (e) {
      status.replaceChildren(h('p', { class: 'error' }, reasonText(e.error)));
    } finally {
      setToken(admin);
    }
  }
  async function deposit() {
    const answer = await write(() => api('POST', '/v1/jobs/deposit-commissions'));
    if (answer) status.replaceChildren(h('p', { class: 'ok', id: 'deposit-done' }, `Depositadas ${answer.commissions_deposited} comisiones por ${formatMoney(answer.amount_cents)}.`));
  }
  return { el: section('Comisiones', 'admin-commissions',
    field('Importar comisiones (CSV: external_id, id del socio, tipo de bono, periodo, monto)', text),
    h('div', { class: 'row' }, h('button', { type: 'button', onclick: importCsv }, 'Importar'),
      h('button', { type: 'button', class: 'primary', id: 'deposit-job', onclick: deposit }, 'Depositar comisiones pendientes')),
    status) };
}

function campaignsSection() {
  const list = h('ul', { class: 'list', id: 'admin-campaigns' });
  const id = h('input', { required: true, placeholder: '2027-S1', maxlength: '64' });
  const name = h('input', { required: true, maxlength: '200' });
  const starts = h('input', { type: 'date', required: true });
  const ends = h('input', { type: 'date', required: true });
  const promoStarts = h('input', { type: 'date' });
  const promoEnds = h('input', { type: 'date' });
  const instant = (date) => `${date}T06:00:00Z`;
  async function load() {
    const { campaigns } = await get('/v1/admin/travel/campaigns');
    list.replaceChildren(...campaigns.map((c) => h('li', {},
      h('div', {}, h('strong', {}, `${c.name} (${c.id})`), ` · ${c.status === 'ACTIVA' ? 'Activa' : 'Cerrada'}`,
        h('div', { class: 'muted' }, `${formatDate(c.starts_at)} – ${formatDate(c.ends_at)}`,
          c.promo_windows.length ? ` · promociones: ${c.promo_windows.map((w) => `${formatDate(w.starts_at)} – ${formatDate(w.ends_at)}`).join('; ')}` : '',
          c.qualifiers !== undefined ? ` · calificados: ${c.qualifiers}` : '')),
      h('div', { class: 'row' },
        h('button', { type: 'button', onclick: () => download(`/v1/admin/travel/campaigns/${c.id}/standings?format=csv`, `nn-travel-${c.id}.csv`) }, 'Posiciones CSV'),
        c.status === 'ACTIVA' ? h('button', { type: 'button', onclick: async () => {
          if (await write(() => post(`/v1/admin/travel/campaigns/${c.id}/close`), 'Campaña cerrada.')) load();
        } }, 'Cerrar') : null))));
  }
  const form = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    const body = { id: id.value.trim(), name: name.value.trim(), starts_at: instant(starts.value), ends_at: instant(ends.value) };
    if (promoStarts.value && promoEnds.value) body.promo_windows = [{ starts_at: instant(promoStarts.value), ends_at: instant(promoEnds.value) }];
    if (await write(() => post('/v1/admin/travel/campaigns', body), 'Campaña creada.')) { form.reset(); load(); }
  } },
  h('h3', {}, 'Nueva campaña'), field('Identificador', id), field('Nombre', name), field('Inicio', starts), field('Fin (exclusivo)', ends),
  field('Promoción desde (opcional)', promoStarts), field('Promoción hasta', promoEnds), h('button', { type: 'submit', class: 'primary' }, 'Crear campaña'));
  return { el: section('NN Travel: campañas y promociones', 'admin-campaigns-section', list, form), load };
}

function rewardsSection() {
  const list = h('ul', { class: 'list', id: 'admin-rewards' });
  const STATUS = { PENDIENTE: 'Por elegir', ELEGIDA: 'Elegida', ENTREGADA: 'Entregada' };
  async function load() {
    const report = await get('/v1/admin/reports/loyalty-rewards');
    list.replaceChildren(...report.rows.map((r) => h('li', { dataset: { member: r.member_number, status: r.status } },
      h('span', {}, `${r.member_number} ${r.display_name} · periodo ${r.period} · ${r.reward_id ?? 'sin elegir'} · `, h('span', { class: 'badge' }, STATUS[r.status] ?? r.status)),
      r.status === 'ELEGIDA' ? h('button', { type: 'button', onclick: async () => {
        if (await write(() => post(`/v1/admin/loyalty/rewards/${r.reward_entitlement_id}/deliver`), 'Recompensa entregada.')) load();
      } }, 'Marcar entregada') : null)));
    if (report.rows.length === 0) list.replaceChildren(h('li', { class: 'muted' }, 'Sin recompensas.'));
  }
  return { el: section('Recompensas de lealtad', 'admin-rewards-section', list), load };
}

function reportsSection() {
  const chart = h('div', { id: 'cashback-chart' });
  const table = h('div', { class: 'table-wrap' });
  async function load() {
    const report = await get('/v1/admin/reports/cashback');
    const rows = report.rows.filter((r) => r.currency === 'MXN');
    const money = (c) => formatMoney(c, 'MXN');
    if (rows.length === 0) { chart.replaceChildren(h('p', { class: 'muted' }, 'Aún no hay cashback generado.')); table.replaceChildren(); return; }
    chart.replaceChildren(
      barChart({ title: 'Cashback generado contra usado por mes (MXN)', categories: rows.map((r) => r.period),
        series: [{ label: 'Generado', color: '#2a9d8f', values: rows.map((r) => r.generated_cents) },
          { label: 'Usado (descuento dado)', color: '#e76f51', values: rows.map((r) => r.discount_given_cents) }],
        format: money }),
      h('p', { class: 'legend' }, h('span', { class: 'swatch generated' }), 'Generado ', h('span', { class: 'swatch used' }), 'Usado (descuento dado)'));
    table.replaceChildren(h('table', {},
      h('thead', {}, h('tr', {}, ['Mes', 'Generado', 'Usado', 'Vencido', 'Disponible'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, h('td', {}, r.period), h('td', { class: 'num' }, money(r.generated_cents)),
        h('td', { class: 'num' }, money(r.discount_given_cents)), h('td', { class: 'num' }, money(r.expired_cents)), h('td', { class: 'num' }, money(r.available_cents)))))));
  }
  return { el: section('Reportes', 'admin-reports', chart, table,
    h('div', { class: 'row' },
      h('button', { type: 'button', onclick: () => download('/v1/admin/reports/cashback?format=csv', 'cashback.csv') }, 'Cashback CSV'),
      h('button', { type: 'button', onclick: () => download('/v1/admin/reports/commissions?format=csv', 'comisiones.csv') }, 'Comisiones CSV'),
      h('button', { type: 'button', onclick: () => download('/v1/admin/reports/loyalty-rewards?format=csv', 'recompensas.csv') }, 'Recompensas CSV'))), load };
}

// What each check of verify-ledger counts (docs/server.md, "Jobs"), for the back office.
const LEDGER_CHECKS = {
  chain_breaks: 'Movimientos que no continúan la cadena de su billetera',
  balance_not_sum: 'Billeteras cuyo saldo no es la suma de sus movimientos',
  negative: 'Saldos o movimientos negativos',
  conservation_off_cents: 'Descuadre, en centavos, entre los saldos y las operaciones que los movieron',
  type_totals_off: 'Tipos de movimiento cuyo total no cuadra con sus operaciones',
  key_twice: 'Claves de idempotencia que tuvieron efecto dos veces',
  deposited_still_pending: 'Comisiones depositadas que siguen pendientes',
  entry_currency_off: 'Movimientos en otra moneda que su billetera',
  transfer_entries_unmatched: 'Movimientos de transferencias que faltan o sobran',
  withdrawal_entries_unmatched: 'Movimientos de retiros que faltan o sobran',
  order_entries_unmatched: 'Movimientos de pedidos que faltan o sobran',
  commission_entries_unmatched: 'Movimientos de comisiones que faltan o sobran',
  adjustment_entries_unmatched: 'Movimientos de ajustes que faltan o sobran',
  order_off_its_preview: 'Pedidos distintos de la vista previa con la que se cobraron',
  order_off_its_lines: 'Pedidos cuyos totales no suman sus líneas',
  cashback_off_its_order: 'Cashback que no cuadra con sus pedidos',
  cashback_off_its_events: 'Cashback cuyo estado no es el de su último evento',
  loyalty_reward_off_its_event: 'Recompensas de lealtad sin su evento, o eventos sin su recompensa',
};

// Runs the ledger's check on demand: it reads every movement, so it is a button, not a load.
function ledgerSection() {
  const result = h('div', { id: 'ledger-check', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', id: 'ledger-check-run', onclick: async () => {
    button.disabled = true;
    result.replaceChildren(h('p', { class: 'muted' }, 'Revisando el libro…'));
    const report = await write(() => api('POST', '/v1/jobs/verify-ledger'));
    button.disabled = false;
    if (!report) { result.replaceChildren(); return; }
    const checks = Object.entries(report.checks);
    const failed = checks.filter(([, count]) => count !== 0);
    const read = `${report.wallets.toLocaleString('es-MX')} billeteras y ${report.entries.toLocaleString('es-MX')} movimientos`;
    if (failed.length === 0) {
      result.replaceChildren(h('p', { class: 'ok', id: 'ledger-check-ok' },
        `El libro cuadra: ${checks.length} verificaciones en 0 sobre ${read}.`));
      return;
    }
    result.replaceChildren(h('div', { class: 'error', id: 'ledger-check-failed' },
      h('p', {}, `${failed.length} de ${checks.length} verificaciones encontraron diferencias en ${read}:`),
      h('ul', {}, failed.map(([check, count]) => h('li', { dataset: { check } },
        h('span', { class: 'check' }, `${LEDGER_CHECKS[check] ?? check}: ${count.toLocaleString('es-MX')}`),
        report.examples?.[check] ? h('div', { class: 'muted examples' }, `Ejemplos: ${report.examples[check].join(' · ')}`) : null)))));
  } }, 'Revisar el libro');
  return { el: section('Libro mayor', 'admin-ledger',
    h('p', { class: 'muted' }, 'Revisa que cada saldo, movimiento, pedido y cashback cuadre con las operaciones que lo originaron.'),
    button, result) };
}

export function adminView() {
  const parts = [withdrawalsSection(), commissionsSection(), campaignsSection(), rewardsSection(), reportsSection(), ledgerSection()];
  return {
    el: h('div', { class: 'admin' }, parts.map((p) => p.el)),
    title: 'Back office',
    show() { for (const p of parts) p.load?.().catch((e) => announce(`No se pudo cargar: ${e.message}`, 'error')); },
  };
}
