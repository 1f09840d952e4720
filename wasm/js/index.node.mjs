// Node entry: the CommonJS build of the rules (Emscripten 3.1.6 has no ES-module output for
// Node) and the JS API over it. The wasm bytes are read here and handed over, because the
// 3.1.6 glue loads them with fetch(), which fails on file paths under Node 18+.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createRulesApi } from './api.js';

const createNnwRules = createRequire(import.meta.url)('./nnw_rules.node.cjs');

// options.wasmPath: the nnw_rules.wasm to load (default: next to this file).
// options.wasmBinary: its bytes, when the caller already has them.
export async function loadRules(options = {}) {
  const wasmPath = options.wasmPath ?? new URL('./nnw_rules.wasm', import.meta.url);
  const wasmBinary = options.wasmBinary ?? readFileSync(wasmPath);
  return createRulesApi(await createNnwRules({ wasmBinary }));
}
