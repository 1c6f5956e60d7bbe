/**
 * Finds a Chromium the browser tests can drive, so `npm test` runs on a fresh machine without
 * editing a path: CHROMIUM_PATH, then a system browser on PATH, then playwright's own download.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Headless in a container: no sandbox (no user namespaces), no GPU, nothing fetched on its own. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** No Chromium could be found or started; the message says how to get one, on one line. */
export class ChromiumNotFoundError extends Error {
  constructor(tried: string[]) {
    super(
      `No runnable Chromium for the browser tests (tried ${tried.join(', ') || 'nothing'}): ` +
        'install one (apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary.',
    );
    this.name = 'ChromiumNotFoundError';
  }
}

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

// A binary that exists may still not run (a missing shared library): ask it its version first.
const runs = (file: string) => {
  try {
    execFileSync(file, ['--version', ...CHROMIUM_ARGS.slice(0, 1)], { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
};

function candidates(env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  if (env.CHROMIUM_PATH) found.push(env.CHROMIUM_PATH);
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ON_PATH) found.push(join(dir, name));
  }
  try {
    // Where `npx playwright install chromium` puts the browser of this playwright-core's revision.
    found.push(chromium.executablePath());
  } catch {
    // playwright-core names no path for this platform.
  }
  return found;
}

let cached: string | undefined;

/**
 * The path of a Chromium that starts: CHROMIUM_PATH if set (and nothing else, so a wrong one is
 * reported rather than silently replaced), else the first that runs of `chromium`,
 * `chromium-browser`, `google-chrome` on PATH and playwright's cache.
 * @throws ChromiumNotFoundError when none does.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  if (cached && env === process.env) return cached;
  const all = candidates(env);
  const tried = env.CHROMIUM_PATH ? all.slice(0, 1) : all.filter(isExecutable);
  const found = tried.find(runs);
  if (!found) throw new ChromiumNotFoundError(env.CHROMIUM_PATH ? tried : [...new Set(tried)]);
  if (env === process.env) cached = found;
  return found;
}

/** A headless Chromium with its own profile directory, as the browser tests use it. */
export function launchChromium(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: findChromium(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
}
