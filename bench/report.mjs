// Writes docs/benchmarks.md from one scripts/bench run: the native Google Benchmark JSON and
// the Node bench JSON, plus the machine's description. Every figure in the page comes from
// those two files or from the machine itself; the page says how each was measured.
//
//   node bench/report.mjs <native.json> <node.json> <out.md>
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const TARGET_JS_20_LINES_NS = 2000;
const TARGET_NATIVE_20_LINES_NS = 300;
const TARGET_DOWNLOAD_GZIP_BYTES = 100_000;
const CPU_SHARE_QUIET = 0.9;

function commandLine(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0].trim();
  } catch {
    return 'unavailable';
  }
}

const loadText = (loadAverage) => loadAverage.map((load) => load.toFixed(2)).join(', ');

function machine(native, node) {
  const nativeContext = native.context;
  const lscpu = commandLine('sh', ['-c', "lscpu | sed -n 's/^Model name: *//p'"]);
  return [
    ['date (UTC)', new Date().toISOString().replace(/\.\d+Z$/, 'Z')],
    ['CPU', `${lscpu}, ${os.cpus().length} cores (${nativeContext.mhz_per_cpu} MHz per Google Benchmark)`],
    ['memory', `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['load average (1, 5, 15 min) at the native bench', loadText(nativeContext.load_avg)],
    ['load average (1, 5, 15 min) at the Node bench', loadText(node.load_avg)],
    ['CPU time ÷ real time while measuring, native (lowest) / Node',
      `${Math.round(nativeCpuShare(native) * 100)}% / ${Math.round(node.cpu_share * 100)}%`],
    ['kernel', `${os.type()} ${os.release()}`],
    ['g++', commandLine('g++', ['--version'])],
    ['emcc', commandLine('emcc', ['--version']).match(/\d+\.\d+\.\d+/)?.[0] ?? 'unavailable'],
    ['Node', process.version],
    ['Google Benchmark', commandLine('dpkg-query', ['-W', '-f=${Version}', 'libbenchmark-dev'])],
    ['commit', commandLine('git', ['rev-parse', '--short', 'HEAD'])],
  ];
}

// Median real time in ns of the native benchmark `name` (e.g. "BM_PreviewCart_StructApi/20").
function nativeMedianNs(native, name) {
  const entry = native.benchmarks.find((b) => b.run_name === name && b.aggregate_name === 'median');
  if (!entry) throw new Error(`no median for ${name} in the native results`);
  const nsPerUnit = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 }[entry.time_unit];
  return entry.real_time * nsPerUnit;
}

const us = (ns) => (ns < 10_000 ? `${(ns / 1000).toFixed(3)} µs` : `${(ns / 1000).toFixed(1)} µs`);
const bytes = (n) => `${n.toLocaleString('en-US')} B`;
const verdict = (met) => (met ? 'met' : '**missed**');

function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

// The native benchmarks' CPU time over real time (the lowest of the medians): under 1 when
// the benchmark thread waited for a core.
function nativeCpuShare(native) {
  const medians = native.benchmarks.filter((b) => b.aggregate_name === 'median');
  return Math.min(...medians.map((b) => b.cpu_time / b.real_time));
}

// Latency is wall-clock time: when other work takes the cores, the figures come out slower
// than the code is, and the page says so. The load average lags (it still counts the build
// that scripts/bench runs first), so the measure is the CPU share the benches actually got.
function busyWarning(native, node) {
  const share = Math.min(nativeCpuShare(native), node.cpu_share);
  if (share >= CPU_SHARE_QUIET) return '';
  return `\n> Other work was running: the benches got ${Math.round(share * 100)}% of a core at worst, so the ` +
    'latencies are pessimistic. Rerun `scripts/bench` on an idle machine for reference figures.\n';
}

function render(native, node, options) {
  const carts = Object.fromEntries(node.carts.map((cart) => [cart.lines, cart]));
  const latency = (lines, path) => carts[lines][path].latency_ns;
  const nativeNs = (api, lines) => nativeMedianNs(native, `BM_PreviewCart_${api}/${lines}`);
  const jsTarget = latency(20, 'fast_path');
  const nativeTarget = nativeNs('StructApi', 20);
  const lineCounts = node.carts.map((cart) => cart.lines);
  const latencyRows = [
    ['native, struct API (`validate_cart` + `preview_cart`)', ...lineCounts.map((n) => us(nativeNs('StructApi', n)))],
    ['native, struct API into a kept result (`validate_cart` + `preview_cart_into`, as the WebAssembly fast path runs it)',
      ...lineCounts.map((n) => us(nativeNs('StructApiReused', n)))],
    ['native, JSON API (`Engine::preview_cart`, text in and out)', ...lineCounts.map((n) => us(nativeNs('JsonApi', n)))],
    ['WebAssembly, JS API `previewCart` (fast path)', ...lineCounts.map((n) => us(latency(n, 'fast_path')))],
    ['WebAssembly, JS API `previewCartJson` (JSON path)', ...lineCounts.map((n) => us(latency(n, 'json_path')))],
    [`json-rules-engine ${node.json_rules_engine_version}, same rule, same Node process`,
      ...lineCounts.map((n) => us(latency(n, 'json_rules_engine')))],
    ['json-rules-engine time ÷ `previewCart` time',
      ...lineCounts.map((n) => `${(latency(n, 'json_rules_engine') / latency(n, 'fast_path')).toFixed(1)}×`)],
  ];
  return `# Benchmarks

Generated by \`scripts/bench\`; every figure below was measured by that run. To refresh, run
\`scripts/bench\` again (it rewrites this file).

## Machine

${table(['', ''], machine(native, node))}
${busyWarning(native, node)}
## Targets

${table(['measure', 'measured', 'target', ''], [
    ['20-line cart preview through the public JS API (`previewCart`, Node)', us(jsTarget), '≤ 2 µs',
      verdict(jsTarget <= TARGET_JS_20_LINES_NS)],
    ['20-line cart preview, native (`validate_cart` + `preview_cart`)', us(nativeTarget), '≤ 0.3 µs',
      verdict(nativeTarget <= TARGET_NATIVE_20_LINES_NS)],
    ['.wasm + Emscripten glue + JS API (minified bundle), gzipped', bytes(node.size.gzip_bytes), '≤ 100 kB (100,000 B)',
      verdict(node.size.gzip_bytes <= TARGET_DOWNLOAD_GZIP_BYTES)],
  ])}

## Cart preview latency (median per call)

${table(['', ...lineCounts.map((n) => `${n} lines`)], latencyRows)}

## Browser download (rules version ${node.rules_version})

${table(['file', 'size', 'gzipped'], [
    ...node.size.files.map((f) => [`\`${f.file}\``, bytes(f.size_bytes), bytes(f.gzip_bytes)]),
    ['**total**', bytes(node.size.size_bytes), bytes(node.size.gzip_bytes)],
  ])}

## How these were measured

- **Carts**: \`bench/carts/cart_20_lines.json\` and \`cart_200_lines.json\`, read by both benches.
  Market MX, 1,300 PV already in the period, no cashback; the cart crosses 2,930 PV in its third
  line (unit 2 of 3), so the generated cashback is spent on the bonus units after it.
- **Native**: \`build/native-release/bench/nnw_rules_bench\` (Release, g++), Google Benchmark with
  \`${options.nativeArgs}\`; the figure is the median of the repetitions' real time per call.
  The struct API times \`validate_cart\` + \`preview_cart\` on a ready \`CartRequest\` (a new
  \`CartPreview\` each call, as the server makes one per request; the target is read from this row);
  \`preview_cart_into\` writes into one kept \`CartPreview\`, as the WebAssembly fast path does on
  every key press. The JSON API
  times \`Engine::preview_cart\` on the compact request text, parse and serialisation included.
- **Node**: \`bench/node/preview.bench.mjs\` loads \`${node.dist}/index.node.mjs\` (the public Node
  entry) and times each call with \`process.hrtime.bigint()\`: a warm-up of at least
  ${node.method.warmup_ms} ms and ${node.method.warmup_calls_min} calls (at most ${node.method.warmup_ms_max} ms), then the median of ${node.method.runs} runs of about
  ${node.method.run_ms} ms each, the runs of the three subjects alternating so that load elsewhere on the
  machine affects them alike. Before timing it checks that \`previewCart\` and
  \`previewCartJson\` give the same document and that json-rules-engine arrives at the same
  numbers.
- **json-rules-engine** (\`bench/node/json_rules_engine_preview.mjs\`): facts compute cart PV, PV
  after the order, the crossing unit, the cashback generated (70% of the units up to it, rounded
  once per line) and the per-line discount on the bonus units, capped by that cashback; one rule
  (\`period_pv < 2930 ≤ period_pv_after\` and bonus units > 0) decides that the discount applies;
  line and cart totals follow. It does no input validation, no market calendar and no incoming
  cashback, and builds no response document, all of which the WebAssembly figures include, so
  the comparison favours it.
- **Size**: every file of \`${node.size.dir}/\`, which is what the web app serves at \`/wasm/\` and
  exactly what a browser fetches there (\`web/build.mjs\` bundles and minifies the browser entry,
  the Emscripten web glue and the JS API into \`index.browser.js\` with esbuild, beside
  \`nnw_rules.wasm\`), each gzipped separately with Node's zlib at its default level (as an HTTP
  server would send them), summed. The Node-only glue (\`nnw_rules.node.cjs\`) and the type
  declarations are not downloaded by browsers.
`;
}

function main() {
  const [nativePath, nodePath, outPath, ...nativeArgs] = process.argv.slice(2);
  if (!outPath) throw new Error('usage: node bench/report.mjs <native.json> <node.json> <out.md> [native bench args...]');
  const native = JSON.parse(readFileSync(nativePath, 'utf8'));
  const node = JSON.parse(readFileSync(nodePath, 'utf8'));
  writeFileSync(outPath, render(native, node, { nativeArgs: nativeArgs.join(' ') }));
}

main();
