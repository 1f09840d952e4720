// A grouped bar chart in SVG: a few series over a few categories (months), with a legend and
// a text alternative. Small enough not to need a charting library.
const SVG = 'http://www.w3.org/2000/svg';

function node(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** series: [{label, color, values:[number per category]}]; format: number → text. */
export function barChart({ title, categories, series, format }) {
  const width = 640;
  const height = 260;
  const left = 8;
  const bottom = 28;
  const top = 16;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const band = (width - left) / Math.max(1, categories.length);
  const bar = Math.min(48, (band * 0.8) / series.length);
  const svg = node('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title, class: 'chart' });
  svg.append(node('title', {}, title));
  categories.forEach((category, i) => {
    const x0 = left + i * band + (band - bar * series.length) / 2;
    series.forEach((s, j) => {
      const value = s.values[i];
      const h = Math.round(((height - bottom - top) * value) / max);
      const rect = node('rect', { x: x0 + j * bar, y: height - bottom - h, width: bar - 2, height: h, fill: s.color });
      rect.append(node('title', {}, `${s.label} ${category}: ${format(value)}`));
      svg.append(rect);
    });
    svg.append(node('text', { x: left + i * band + band / 2, y: height - 8, 'text-anchor': 'middle', 'font-size': 13 }, category));
  });
  svg.append(node('line', { x1: left, x2: width, y1: height - bottom, y2: height - bottom, stroke: '#889' }));
  return svg;
}
