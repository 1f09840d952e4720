// Browser entry: the ES-module build of the rules (nnw_rules.web.js) and the JS API over it.
import createNnwRules from './nnw_rules.web.js';
import { createRulesApi } from './api.js';

// options.wasmUrl: where nnw_rules.wasm is served (default: next to this file).
// options.wasmBinary: its bytes, when the caller already has them.
export async function loadRules(options = {}) {
  const moduleOptions = {};
  if (options.wasmBinary) moduleOptions.wasmBinary = options.wasmBinary;
  if (options.wasmUrl) moduleOptions.locateFile = () => String(options.wasmUrl);
  return createRulesApi(await createNnwRules(moduleOptions));
}
