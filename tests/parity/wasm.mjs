// Loads the WebAssembly rules from a dist/ directory the way its Node entry (index.node.mjs)
// does, keeping hold of the Emscripten module so that the parity run can count how many cart
// previews the fast path answered itself: a fast-path check that never ran the fast path
// would prove nothing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export async function loadWasmRules(dist) {
  const createNnwRules = createRequire(import.meta.url)(path.join(dist, 'nnw_rules.node.cjs'));
  const module = await createNnwRules({ wasmBinary: readFileSync(path.join(dist, 'nnw_rules.wasm')) });
  let exported = module._nnw_fast_preview;
  if (typeof exported !== 'function') throw new Error(`${dist}: the module exports no _nnw_fast_preview`);
  let fastAnswers = 0;
  const counted = (handle) => {
    const answered = exported(handle);
    // Emscripten's export stub rebinds the name to the raw export on its first call.
    if (module._nnw_fast_preview !== counted) {
      exported = module._nnw_fast_preview;
      module._nnw_fast_preview = counted;
    }
    if (answered === 1) fastAnswers++;
    return answered;
  };
  module._nnw_fast_preview = counted;
  const { createRulesApi } = await import(pathToFileURL(path.join(dist, 'api.js')).href);
  return { api: createRulesApi(module), fastAnswers: () => fastAnswers };
}
