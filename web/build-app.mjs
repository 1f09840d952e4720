// The web root a browser is served: the app (web/src, bundled and minified by esbuild; the
// QR code generator split into a chunk loaded only for TOTP enrolment), its stylesheet,
// index.html, the service worker (sw.js) and the rules' browser bundle at wasm/ (from
// web/build.mjs). Every file gets
// a gzip -9 sibling (NAME.gz), which the server sends to clients that accept gzip.
//
//   node web/build-app.mjs <browser rules directory> <output web root>
import { cpSync, copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants } from 'node:zlib';
import { build } from 'esbuild';
import { BROWSER_BUNDLE, directoriesFromArgs } from './build-support.mjs';

const [rulesDir, outDir] = directoriesFromArgs('node web/build-app.mjs <browser rules directory> <output web root>');
const webDir = path.dirname(fileURLToPath(import.meta.url));

await build({
  ...BROWSER_BUNDLE,
  entryPoints: [path.join(webDir, 'src/app.js'), path.join(webDir, 'src/app.css')],
  outdir: outDir,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  target: ['es2022', 'chrome110', 'safari16', 'firefox110'],
  external: ['/wasm/*'],
});
copyFileSync(path.join(webDir, 'index.html'), path.join(outDir, 'index.html'));
// The service worker stays its own file at the root: its scope is the directory it is served from.
await build({
  entryPoints: [path.join(webDir, 'src/sw.js')],
  outfile: path.join(outDir, 'sw.js'),
  minify: true,
  target: 'es2022',
  logLevel: 'warning',
});
cpSync(rulesDir, path.join(outDir, 'wasm'), { recursive: true });

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else yield full;
  }
}
const sizes = [];
for (const file of [...files(outDir)]) {
  const raw = readFileSync(file);
  const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
  writeFileSync(`${file}.gz`, gz);
  sizes.push(`${path.relative(outDir, file)} ${raw.length} B (${gz.length} B gzipped)`);
}
console.log(`web root in ${outDir}:\n  ${sizes.join('\n  ')}`);
