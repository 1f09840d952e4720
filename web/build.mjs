// The rules as a browser downloads them: the browser entry of the WebAssembly dist/
// (index.browser.js with the Emscripten web glue and the JS API it imports) bundled and
// minified into one ES module, next to the .wasm it loads. The output directory holds exactly
// the files a browser fetches, no more: scripts/run serves it at /wasm/ and scripts/bench
// weighs every file in it.
//
//   node web/build.mjs <wasm dist/ directory> <output directory>
import { copyFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { BROWSER_BUNDLE, directoriesFromArgs } from './build-support.mjs';

const [distDir, outDir] = directoriesFromArgs('node web/build.mjs <wasm dist/ directory> <output directory>');

// The glue finds nnw_rules.wasm next to itself through import.meta.url, which stays the
// bundle's own URL: both files go in the same directory.
await build({
  ...BROWSER_BUNDLE,
  entryPoints: [path.join(distDir, 'index.browser.js')],
  outfile: path.join(outDir, 'index.browser.js'),
  target: 'es2022',
});
copyFileSync(path.join(distDir, 'nnw_rules.wasm'), path.join(outDir, 'nnw_rules.wasm'));

console.log(`browser rules in ${outDir}: ${readdirSync(outDir).sort().join(', ')}`);
