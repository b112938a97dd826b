// Chromium for a browser test: pages at a desktop's 1280 px or a phone's 390 px, each in a fresh context (its own cookies).
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser } from '../../helpers/browser.js';

/** desktop: Playwright's default 1280x720; phone: 390x844, a small phone in portrait (touch only where a test asks). */
const SCREENS = {
  desktop: { viewport: { width: 1280, height: 720 } },
  phone: { viewport: { width: 390, height: 844 } },
} as const satisfies Record<string, BrowserContextOptions>;

export interface ContextOptions extends BrowserContextOptions {
  /** The screen's size, unless `viewport` says otherwise (default: desktop). */
  size?: keyof typeof SCREENS;
}

export interface Browsing {
  /** A new browser context (a browser profile of its own: cookies, storage). */
  context(opts?: ContextOptions): Promise<BrowserContext>;
  /** A page in a new context. */
  page(opts?: ContextOptions): Promise<Page>;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browsing> {
  // playwright-core gives every launch a temporary profile folder of its own and removes it on close
  const browser = await launchBrowser();
  const context = ({ size = 'desktop', ...opts }: ContextOptions = {}) => browser.newContext({ ...SCREENS[size], ...opts });
  return {
    context,
    page: async (opts) => (await context(opts)).newPage(),
    close: () => browser.close(),
  };
}
