// A labelled progress bar: value toward a goal, announced to assistive technology.
import { h } from '../dom.js';
import { formatInt } from '../money.js';

export function progressBar(label, value, goal, id) {
  const shown = Math.max(0, Math.min(value, goal));
  return h('div', { class: 'meter', id, role: 'progressbar', 'aria-label': label, 'aria-valuemin': '0',
    'aria-valuemax': String(goal), 'aria-valuenow': String(shown), 'aria-valuetext': `${formatInt(value)} de ${formatInt(goal)}` },
  h('div', { class: 'meter-fill', style: `width:${Math.floor((shown * 100) / goal)}%` }));
}

/** "3 días 4 h" until an instant, from now. */
export function countdown(iso, now = Date.now()) {
  const ms = Math.max(0, Date.parse(iso) - now);
  const days = Math.floor(ms / 86400000);
  const hours = Math.floor((ms % 86400000) / 3600000);
  const minutes = Math.floor((ms % 3600000) / 60000);
  if (days > 0) return `${days} ${days === 1 ? 'día' : 'días'} ${hours} h`;
  return `${hours} h ${minutes} min`;
}
