// What web/build.mjs and web/build-app.mjs share: their command line (an input directory and
// an output directory, emptied first) and how a browser bundle is built (one minified ES
// module per entry, no comments kept).

import { mkdirSync, rmSync } from 'node:fs';

export const BROWSER_BUNDLE = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

/** [input directory, output directory] from argv; the output directory starts empty. */
export function directoriesFromArgs(usage) {
  const [inputDir, outDir] = process.argv.slice(2);
  if (!inputDir || !outDir) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  return [inputDir, outDir];
}
