// A small element builder: h('button', { class: 'x', onclick }, 'text', child…).
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name in el && typeof value !== 'string') el[name] = value;
    else el.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export const byId = (id) => document.getElementById(id);

/** A labelled form field: <label>text <input …></label> with an optional hint below. */
export function field(label, input, hint) {
  return h('label', { class: 'field' }, h('span', {}, label), input, hint);
}

/** Announces a message in the page's live status region. */
export function announce(text, kind = 'info') {
  const region = byId('toast');
  if (!region) return;
  region.className = `toast ${kind}`;
  region.textContent = text;
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => { region.textContent = ''; }, 6000);
}
