import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium, installed by scripts/test-tools.js. */
export const CHROMIUM = '/usr/bin/chromium';

// On a machine without a network, Chromium stalls on its own background fetches unless told not to make
// them; a fresh profile keeps one run's state out of the next.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * True in a pooltune HTML report once every chart is drawn (each figure sets data-drawn): what the HTML
 * tests and scripts/screenshots.js wait for before they read or photograph a page. A string, not a
 * function: it runs in the page, and the project compiles without the DOM's types.
 */
export const ALL_CHARTS_DRAWN = `[...document.querySelectorAll('figure.chart')].every((f) => f.dataset.drawn === 'true')`;

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** One headless Chromium with a profile of its own, removed on close. */
export async function launchBrowser(viewport = { width: 1280, height: 900 }): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'pooltune-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
    timeout: 60_000,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
