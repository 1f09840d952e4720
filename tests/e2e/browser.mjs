// Debian's Chromium driven by playwright-core (web/package-lock.json pins it), headless, with
// the flags a closed network and a root user need.
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../support/stack.mjs';

const require = createRequire(path.join(repoRoot, 'web/package.json'));
const { chromium } = require('playwright-core');

export const chromiumPath = process.env.NNW_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-default-apps', '--disable-dev-shm-usage'],
  });
}

/** The web root the server is given: build/web-root, or $NNW_WEB_ROOT. */
export const webRoot = process.env.NNW_WEB_ROOT ?? path.join(repoRoot, 'build/web-root');

/** Signs a page in as a demo member (or the admin, with role) through the login form. */
export async function signIn(page, baseUrl, { member, admin = false }) {
  await page.goto(`${baseUrl}/`);
  if (admin) await page.click('#admin-login');
  else {
    await page.fill('#member-number', member);
    await page.click('button[type=submit]');
  }
  await page.waitForFunction(() => window.nnw !== undefined, null, { timeout: 20000 });
}
