// Where the tests find the built WebAssembly rules: NNW_WASM_DIST, or the wasm preset's dist/.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const DIST_DIR = path.resolve(process.env.NNW_WASM_DIST ?? path.join(REPO_ROOT, 'build/wasm/wasm/dist'));

// A fresh engine (its own wasm instance) through the Node entry point, as users load it.
export async function loadDistRules(options) {
  const { loadRules } = await import(pathToFileURL(path.join(DIST_DIR, 'index.node.mjs')).href);
  return loadRules(options);
}

// The minified browser bundle that web/build.mjs makes from dist/ (NNW_WEB_RULES, or
// scripts/build's build/web-rules): what scripts/run serves at /wasm/.
export const WEB_RULES_DIR = path.resolve(process.env.NNW_WEB_RULES ?? path.join(REPO_ROOT, 'build/web-rules'));
