// Monedero: the live balance, the history (pages, filters, CSV), transfers with a
// confirmation step, and withdrawals (CLABE checked as typed, TOTP above the step-up
// amount, enrolment with a QR code, list and cancel).
import { h, field, announce } from '../dom.js';
import { api, get, post } from '../api.js';
import { formatMoney, formatDateTime, formatShortDateTime, parseMoney } from '../money.js';
import { reasonText } from '../reasons.js';

const ENTRY_TYPES = {
  COMMISSION_DEPOSIT: 'Depósito de comisión', ORDER_PAYMENT: 'Pago de pedido', ORDER_REFUND: 'Reembolso de pedido',
  TRANSFER_OUT: 'Transferencia enviada', TRANSFER_IN: 'Transferencia recibida', WITHDRAWAL_HOLD: 'Retiro (apartado)',
  WITHDRAWAL_RELEASE: 'Retiro liberado', ADJUSTMENT_CREDIT: 'Ajuste a favor', ADJUSTMENT_DEBIT: 'Ajuste en contra',
};
const WITHDRAWAL_STATUS = { PENDIENTE: 'Pendiente', PAGADO: 'Pagado', RECHAZADO: 'Rechazado', CANCELADO: 'Cancelado' };
const PAGE = 20;

export function walletView(app) {
  const money = (cents) => formatMoney(cents, app.currency());
  const limits = () => app.state()?.rules_config?.config?.wallets?.find((w) => w.currency === app.currency());

  // Balance.
  const balance = h('p', { class: 'balance', id: 'balance', 'aria-live': 'polite' }, '—');

  // History.
  const typeFilter = h('select', { id: 'entry-type' }, h('option', { value: '' }, 'Todos'),
    Object.entries(ENTRY_TYPES).map(([value, label]) => h('option', { value }, label)));
  const fromFilter = h('input', { type: 'date', id: 'entry-from' });
  const toFilter = h('input', { type: 'date', id: 'entry-to' });
  const entriesBody = h('tbody', { id: 'entries' });
  const more = h('button', { type: 'button', id: 'entries-more', hidden: true }, 'Ver movimientos anteriores');
  const csv = h('button', { type: 'button', id: 'entries-csv' }, 'Descargar CSV');
  let nextBefore = null;

  function entryQuery(extra = {}) {
    const q = new URLSearchParams();
    if (typeFilter.value) q.set('type', typeFilter.value);
    if (fromFilter.value) q.set('from', `${fromFilter.value}T06:00:00Z`);
    if (toFilter.value) {
      const to = new Date(`${toFilter.value}T06:00:00Z`);
      to.setUTCDate(to.getUTCDate() + 1);
      q.set('to', `${to.toISOString().slice(0, 19)}Z`);
    }
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return q.toString();
  }

  async function loadEntries(append = false) {
    try {
      const page = await get(`/v1/members/me/wallet/entries?${entryQuery({ limit: PAGE, ...(append && nextBefore ? { before: nextBefore } : {}) })}`);
      const rows = page.entries.map((e) => h('tr', { dataset: { type: e.type } },
        h('td', { class: 'nowrap' }, formatShortDateTime(e.created_at)),
        h('td', {}, ENTRY_TYPES[e.type] ?? e.type, e.counterparty_member_number ? ` · ${e.counterparty_member_number}` : '',
          e.description ? h('span', { class: 'muted' }, ` · ${e.description}`) : ''),
        h('td', { class: e.amount_cents < 0 ? 'num debit' : 'num credit' }, money(e.amount_cents)),
        h('td', { class: 'num hide-narrow' }, money(e.balance_after_cents))));
      if (append) entriesBody.append(...rows); else entriesBody.replaceChildren(...rows);
      if (!append && rows.length === 0) entriesBody.replaceChildren(h('tr', {}, h('td', { colspan: '4', class: 'muted' }, 'Sin movimientos.')));
      nextBefore = page.next_before;
      more.hidden = nextBefore === null;
    } catch { /* offline: keep what is shown */ }
  }
  for (const input of [typeFilter, fromFilter, toFilter]) input.addEventListener('change', () => loadEntries());
  more.addEventListener('click', () => loadEntries(true));
  csv.addEventListener('click', async () => {
    try {
      const response = await api('GET', `/v1/members/me/wallet/entries?${entryQuery({ format: 'csv' })}`, { raw: true });
      const url = URL.createObjectURL(await response.blob());
      const link = h('a', { href: url, download: 'movimientos.csv' });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) { announce(`No se pudo descargar: ${e.message}`, 'error'); }
  });

  // Transfer, with a confirmation step.
  const toNumber = h('input', { id: 'transfer-to', autocomplete: 'off', required: true, placeholder: 'NN-1002' });
  const toAmount = h('input', { id: 'transfer-amount', inputmode: 'decimal', autocomplete: 'off', required: true, placeholder: '150.00' });
  const toNote = h('input', { id: 'transfer-note', maxlength: '140', autocomplete: 'off' });
  const transferStatus = h('div', { id: 'transfer-status', role: 'status', 'aria-live': 'polite' });
  const transferForm = h('form', { class: 'card', onsubmit: (e) => { e.preventDefault(); reviewTransfer(); } },
    h('h3', {}, 'Transferir a otro socio'),
    field('Número de socio destinatario', toNumber),
    field('Monto', toAmount, h('span', { class: 'muted', id: 'transfer-limits' })),
    field('Nota (opcional)', toNote),
    h('button', { type: 'submit', class: 'primary', id: 'transfer-review' }, 'Continuar'),
    transferStatus);

  function reviewTransfer() {
    const amount = parseMoney(toAmount.value);
    const number = toNumber.value.trim().toUpperCase();
    if (!number) { transferStatus.replaceChildren(h('p', { class: 'error' }, 'Escribe el número del socio.')); return; }
    if (!amount) { transferStatus.replaceChildren(h('p', { class: 'error' }, 'Escribe un monto mayor a cero, por ejemplo 150.00')); return; }
    const confirm = h('button', { type: 'button', class: 'primary', id: 'transfer-confirm' }, 'Confirmar transferencia');
    const cancel = h('button', { type: 'button' }, 'Cancelar');
    transferStatus.replaceChildren(h('div', { class: 'confirm', role: 'alertdialog', 'aria-label': 'Confirmar transferencia' },
      h('p', {}, `¿Enviar ${money(amount)} a ${number}?`), h('div', { class: 'row' }, confirm, cancel)));
    confirm.focus();
    cancel.addEventListener('click', () => transferStatus.replaceChildren());
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      const body = { to_member_number: number, amount_cents: amount };
      if (toNote.value.trim()) body.note = toNote.value.trim();
      transferStatus.replaceChildren(h('p', { class: 'muted' }, app.client.connection === 'offline' ? 'Sin conexión: la transferencia queda en cola.' : 'Enviando…'));
      const result = await app.client.submit({ kind: 'transfer', method: 'POST', path: '/v1/transfers', body });
      if (result.outcome === 'applied') {
        transferStatus.replaceChildren(h('p', { class: 'ok', id: 'transfer-done' }, `Enviaste ${money(amount)} a ${number}.`));
        toAmount.value = '';
        toNote.value = '';
      } else {
        transferStatus.replaceChildren(h('p', { class: 'error', role: 'alert' }, reasonText(result.error, app.currency())));
      }
    });
  }

  // Withdrawals.
  const wAmount = h('input', { id: 'withdrawal-amount', inputmode: 'decimal', autocomplete: 'off', required: true });
  const wBank = h('input', { id: 'withdrawal-bank', autocomplete: 'off', required: true, maxlength: '120' });
  const wHolder = h('input', { id: 'withdrawal-holder', autocomplete: 'name', required: true, maxlength: '120' });
  const wClabe = h('input', { id: 'withdrawal-clabe', inputmode: 'numeric', autocomplete: 'off', required: true, maxlength: '18', 'aria-describedby': 'clabe-check' });
  const clabeCheck = h('span', { id: 'clabe-check', class: 'muted', 'aria-live': 'polite' }, '18 dígitos');
  const wTotp = h('input', { id: 'withdrawal-totp', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6' });
  const totpField = field('Código de tu autenticador', wTotp, h('span', { class: 'muted' }, 'Requerido para montos mayores al límite'));
  totpField.hidden = true;
  const wStatus = h('div', { id: 'withdrawal-status', role: 'status', 'aria-live': 'polite' });
  const withdrawalList = h('ul', { class: 'list', id: 'withdrawals' });
  const enrol = h('div', { id: 'totp-enrol' });

  function checkClabe() {
    const digits = wClabe.value.replace(/\D/g, '');
    if (digits !== wClabe.value) wClabe.value = digits;
    if (digits.length < 18) { clabeCheck.textContent = `${digits.length} de 18 dígitos`; clabeCheck.className = 'muted'; wClabe.setCustomValidity('La CLABE tiene 18 dígitos'); return false; }
    const check = app.rules.checkClabe({ clabe: digits });
    if (check.valid) { clabeCheck.textContent = `CLABE válida · banco ${check.bank_code}`; clabeCheck.className = 'ok-text'; wClabe.setCustomValidity(''); return true; }
    clabeCheck.textContent = `CLABE no válida: el dígito verificador debería ser ${check.expected_check_digit ?? '?'}`;
    clabeCheck.className = 'error-text';
    wClabe.setCustomValidity('CLABE no válida');
    return false;
  }
  function totpNeeded() {
    const amount = parseMoney(wAmount.value);
    const above = limits()?.withdrawal_totp_above_cents;
    return amount !== null && above !== undefined && amount > above;
  }
  wClabe.addEventListener('input', checkClabe);
  wAmount.addEventListener('input', () => { totpField.hidden = !totpNeeded(); });

  const withdrawalForm = h('form', { class: 'card', onsubmit: (e) => { e.preventDefault(); requestWithdrawal(); } },
    h('h3', {}, 'Retirar a tu banco'),
    field('Monto', wAmount, h('span', { class: 'muted', id: 'withdrawal-limits' })),
    field('Banco', wBank), field('Titular de la cuenta', wHolder), field('CLABE', wClabe, clabeCheck), totpField,
    h('button', { type: 'submit', class: 'primary', id: 'withdrawal-submit' }, 'Solicitar retiro'), wStatus);

  async function requestWithdrawal() {
    const amount = parseMoney(wAmount.value);
    if (!amount) { wStatus.replaceChildren(h('p', { class: 'error' }, 'Escribe el monto, por ejemplo 300.00')); return; }
    if (!checkClabe()) { wClabe.focus(); return; }
    const body = { amount_cents: amount, bank: { bank_name: wBank.value.trim(), holder_name: wHolder.value.trim(), clabe: wClabe.value } };
    if (totpNeeded()) body.totp_code = wTotp.value.trim();
    const result = await app.client.submit({ kind: 'withdrawal', method: 'POST', path: '/v1/withdrawals', body });
    if (result.outcome === 'applied') {
      wStatus.replaceChildren(h('p', { class: 'ok', id: 'withdrawal-done' }, `Retiro de ${money(amount)} solicitado; el monto queda apartado.`));
      wAmount.value = '';
      wTotp.value = '';
      loadWithdrawals();
    } else {
      wStatus.replaceChildren(h('p', { class: 'error', role: 'alert' }, reasonText(result.error, app.currency())));
      if (result.error?.code === 'totp_not_enrolled') showEnrol();
    }
  }

  async function loadWithdrawals() {
    try {
      const { withdrawals } = await get('/v1/members/me/withdrawals');
      withdrawalList.replaceChildren(...withdrawals.map((w) => {
        const cancel = w.status === 'PENDIENTE'
          ? h('button', { type: 'button', 'aria-label': `Cancelar el retiro de ${money(w.amount_cents)}`, onclick: async () => {
            const r = await app.client.submit({ kind: 'withdrawal-cancel', method: 'POST', path: `/v1/withdrawals/${w.id}/cancel` });
            if (r.outcome === 'rejected') announce(reasonText(r.error), 'error');
            loadWithdrawals();
          } }, 'Cancelar')
          : null;
        return h('li', { dataset: { id: String(w.id), status: w.status } },
          h('span', {}, h('strong', {}, money(w.amount_cents)), ` · CLABE …${w.clabe_last4} · ${formatDateTime(w.requested_at)}`,
            w.bank_reference ? ` · referencia ${w.bank_reference}` : '', w.decision_reason ? ` · ${w.decision_reason}` : ''),
          h('span', { class: `badge ${w.status.toLowerCase()}` }, WITHDRAWAL_STATUS[w.status] ?? w.status), cancel);
      }));
      if (withdrawals.length === 0) withdrawalList.replaceChildren(h('li', { class: 'muted' }, 'Sin retiros.'));
    } catch { /* offline */ }
  }

  async function showEnrol() {
    enrol.replaceChildren(h('p', { class: 'muted' }, 'Generando tu código…'));
    try {
      const answer = await post('/v1/totp/enrolment');
      const { renderSVG } = await import('uqr');
      const qr = h('div', { class: 'qr', role: 'img', 'aria-label': 'Código QR para tu app de autenticación' });
      qr.innerHTML = renderSVG(answer.otpauth_uri, { border: 2 });
      const code = h('input', { id: 'totp-confirm-code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', required: true });
      const status = h('p', { role: 'status' });
      enrol.replaceChildren(h('form', { class: 'card', onsubmit: async (e) => {
        e.preventDefault();
        try {
          await post('/v1/totp/enrolment/confirm', { code: code.value.trim() });
          enrol.replaceChildren(h('p', { class: 'ok' }, 'Autenticador activado.'));
        } catch (err) { status.textContent = reasonText(err.error); status.className = 'error'; }
      } },
      h('h3', {}, 'Activa tu autenticador'),
      h('p', {}, 'Escanea el código con tu app (Google Authenticator, Authy…) o escribe la clave.'),
      qr, h('p', { class: 'secret' }, h('code', { id: 'totp-secret' }, answer.secret_base32)),
      field('Código de 6 dígitos', code), h('button', { type: 'submit', class: 'primary' }, 'Confirmar'), status));
    } catch (e) {
      enrol.replaceChildren(h('p', { class: e.error?.code === 'totp_already_enrolled' ? 'ok' : 'error' }, reasonText(e.error)));
    }
  }

  const el = h('div', { class: 'wallet' },
    h('section', { 'aria-labelledby': 'balance-title' }, h('h2', { id: 'balance-title' }, 'Saldo del monedero'), balance),
    h('section', { 'aria-labelledby': 'history-title', class: 'wide' },
      h('h2', { id: 'history-title' }, 'Movimientos'),
      h('div', { class: 'filters' }, field('Tipo', typeFilter), field('Desde', fromFilter), field('Hasta', toFilter), csv),
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Fecha'), h('th', { scope: 'col' }, 'Movimiento'), h('th', { scope: 'col', class: 'num' }, 'Monto'), h('th', { scope: 'col', class: 'num hide-narrow' }, 'Saldo'))),
        entriesBody)),
      more),
    h('section', { 'aria-label': 'Transferencias' }, transferForm),
    h('section', { 'aria-labelledby': 'withdrawals-title' },
      withdrawalForm,
      h('h3', { id: 'withdrawals-title' }, 'Tus retiros'), withdrawalList,
      h('button', { type: 'button', id: 'totp-enrol-start', onclick: showEnrol }, 'Activar autenticador (TOTP)'), enrol));

  let reloadTimer = null;
  return {
    el,
    title: 'Monedero',
    show() { loadEntries(); loadWithdrawals(); },
    update(event) {
      const wallet = app.state()?.wallet;
      if (wallet) balance.textContent = formatMoney(wallet.balance_cents, wallet.currency);
      const l = limits();
      if (l) byIdIn(el, 'transfer-limits').textContent = `Máximo ${money(l.transfer_max_cents)} por transferencia y ${money(l.transfer_daily_max_cents)} al día.`;
      if (l) byIdIn(el, 'withdrawal-limits').textContent = `Mínimo ${money(l.withdrawal_min_cents)}; arriba de ${money(l.withdrawal_totp_above_cents)} se pide el código del autenticador.`;
      if (event?.type === 'state') {
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(() => { loadEntries(); loadWithdrawals(); }, 100);
      }
    },
  };
}

function byIdIn(root, id) {
  return root.querySelector(`#${id}`);
}
