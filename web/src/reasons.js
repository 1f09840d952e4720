// The server's error codes, said in Spanish for members and staff.
import { formatMoney } from './money.js';

const REASONS = {
  rules_version_changed: 'Las reglas cambiaron desde que se calculó tu carrito.',
  prices_changed: 'Los precios cambiaron desde que se calculó tu carrito.',
  cashback_expired: 'Tu cashback venció al terminar su mes.',
  cashback_used: 'Tu cashback ya se usó en otro pedido.',
  cashback_changed: 'Tu cashback cambió desde que se calculó tu carrito.',
  shipping_changed: 'El costo de envío cambió.',
  totals_changed: 'Los totales cambiaron desde que se calculó tu carrito.',
  insufficient_funds: 'Tu saldo no alcanza para este monto.',
  product_unavailable: 'Un producto del carrito ya no está a la venta.',
  member_inactive: 'Tu cuenta no está activa.',
  recipient_not_found: 'No existe un socio con ese número.',
  recipient_inactive: 'La cuenta del destinatario no está activa.',
  same_member: 'No puedes transferirte a ti mismo.',
  limit_exceeded: 'El monto supera el máximo por transferencia.',
  daily_limit_exceeded: 'Superarías el máximo diario de transferencias.',
  rate_limited: 'Demasiadas transferencias seguidas; intenta en un minuto.',
  currency_mismatch: 'El destinatario tiene otra moneda.',
  below_minimum: 'El monto es menor al mínimo de retiro.',
  invalid_clabe: 'La CLABE no es válida.',
  totp_required: 'Este monto requiere el código de tu autenticador.',
  totp_not_enrolled: 'Primero activa tu autenticador.',
  totp_invalid: 'El código del autenticador no es válido.',
  totp_already_enrolled: 'Tu autenticador ya está activo.',
  withdrawal_not_pending: 'El retiro ya no está pendiente.',
  reward_not_open: 'Esa recompensa ya no se puede elegir.',
  reward_not_chosen: 'El socio aún no elige su recompensa.',
  campaign_exists: 'Ya existe una campaña con ese identificador.',
  campaign_overlaps: 'La campaña se traslapa con otra.',
  campaign_not_ended: 'La campaña aún no termina.',
  job_running: 'El proceso ya se está ejecutando.',
  out_of_range: 'Un valor está fuera de rango.',
  invalid_value: 'Un valor no es válido.',
  missing_field: 'Falta un dato.',
  unavailable: 'El servidor no está disponible; intenta de nuevo.',
};

export function reasonText(error, currency = 'MXN') {
  if (!error) return 'Error desconocido.';
  let text = REASONS[error.code] ?? `Error: ${error.message ?? error.code}`;
  if (error.code === 'insufficient_funds' && Number.isSafeInteger(error.balance_cents)) {
    text += ` Saldo: ${formatMoney(error.balance_cents, currency)}; faltan ${formatMoney(error.shortfall_cents, currency)}.`;
  }
  return text;
}
