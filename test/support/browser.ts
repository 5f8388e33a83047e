/**
 * A real headless Chromium (Debian's `chromium` package) driven by playwright-core, for the status
 * page tests. Never downloads a browser: it runs the system one, and says how to install it when it
 * is missing. Screenshots go to test-artifacts/ (gitignored) for a person to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(fileURLToPath(new URL('../..', import.meta.url)), 'test-artifacts');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (make install does)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
}

/** Where a screenshot of the named state goes. */
export const artifact = (name: string): string => join(ARTIFACTS, name);
