// Debian's Chromium driven by playwright-core (no browser download): headless,
// with the flags these machines need (no background networking to Google's hosts,
// no sandbox as root) and a fresh profile directory per launch.
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const flags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// launch returns {context, close}: a persistent context on a new user-data-dir.
export async function launch() {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no Chromium at ${chromiumPath}: install Debian's chromium package (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH`);
  }
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'rtconform-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: flags,
    viewport: { width: 1100, height: 700 },
  });
  return {
    context,
    version: context.browser()?.version() ?? '',
    close: async () => { await context.close(); await rm(userDataDir, { recursive: true, force: true }); },
  };
}
