import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`; .ci/run installs it). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether browser tests run: always when REQUIRE_CHROMIUM=1 (CI: a missing browser then
 * fails the test), otherwise only when the browser is installed.
 */
export const browserAvailable = (): boolean => process.env.REQUIRE_CHROMIUM === '1' || existsSync(CHROMIUM);

/** Headless Chromium with networking extras off (the machine's network is closed); Playwright gives it a fresh profile. */
export async function launchHeadlessChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
