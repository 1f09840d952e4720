// The rules API over an instantiated Emscripten module: plain JSON-compatible objects in and
// out, the same documents as docs/rules-api.md and the server. Both entry points
// (index.browser.js, index.node.mjs) only load the module and call createRulesApi().
import { FastPreview } from './fast_preview.js';

// A value JSON.stringify refuses (a BigInt, a cycle) or turns into nothing (undefined) is not
// a JSON document: sending C++ an empty text gets its invalid_json error, so error documents
// keep a single author.
function toJsonText(value) {
  try {
    const text = JSON.stringify(value);
    return typeof text === 'string' ? text : '';
  } catch {
    return '';
  }
}

export function createRulesApi(module) {
  const engine = new module.RulesEngine();
  const fast = new FastPreview(module, engine);
  let rulesVersion = '';

  // Caches what the fast path echoes: the version and each market's currency.
  function configured() {
    const description = JSON.parse(engine.describe());
    rulesVersion = description.rules_version;
    fast.configure(rulesVersion, description.config);
  }
  configured();

  // Text in, text out: exactly the native nnw::rules::Engine, for raw documents and parity tests.
  const json = Object.freeze({
    previewCart: (text) => engine.previewCart(text),
    loyaltyStatus: (text) => engine.loyaltyStatus(text),
    travelPoints: (text) => engine.travelPoints(text),
    checkClabe: (text) => engine.checkClabe(text),
    describe: () => engine.describe(),
    loadConfig(text) {
      const result = engine.loadConfig(text);
      configured(); // unchanged after a refused document, and cheap to re-read
      return result;
    },
  });

  const previewCartJson = (request) => JSON.parse(json.previewCart(toJsonText(request)));

  return Object.freeze({
    previewCart: (request) => fast.run(request) ?? previewCartJson(request),
    previewCartJson,
    loyaltyStatus: (request) => JSON.parse(json.loyaltyStatus(toJsonText(request))),
    travelPoints: (request) => JSON.parse(json.travelPoints(toJsonText(request))),
    checkClabe: (request) => JSON.parse(json.checkClabe(toJsonText(request))),
    describe: () => JSON.parse(json.describe()),
    version: () => rulesVersion,
    loadConfig: (config) => JSON.parse(json.loadConfig(typeof config === 'string' ? config : toJsonText(config))),
    json,
  });
}
