import fs from 'node:fs';
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

// The automation contract of the demo app (see README / DESIGN.md).
export const TOKEN_KEY = 'auth-token';
export const SET_TIME_KEY = 'auth-token-set-time';

export type SessionState = 'signed-out' | 'active' | 'expiring';
export type SessionReason =
  | 'none'
  | 'logout'
  | 'timeout'
  | 'token-expired'
  | 'idle'
  | 'other-tab'
  | 'invalid';

/** `detail` of a `session-change` CustomEvent, as recorded in the page. */
export interface SessionChange {
  state: string;
  reason: string;
  at: number;
}

export interface StoredSession {
  token: string | null;
  setTime: string | null;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: string;
}

export const MINUTE = 60_000;
export const DEFAULT_TIMEOUT_MS = 30 * MINUTE;

export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'test-results', 'screenshots');

/**
 * A start instant for the fake clock: the current whole second plus 123 ms.
 * Not on a whole second, so `set-time + timeout` is not a whole second either
 * and the token's `exp` (rounded up to whole seconds) is strictly later.
 */
export function clockStart(): number {
  return Math.floor(Date.now() / 1000) * 1000 + 123;
}

/** Splits and base64url-decodes a compact JWT (no verification). */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3) {
    throw new Error(`not a compact JWT (${parts.length} parts): ${token}`);
  }
  const [header, payload, signature] = parts;
  for (const part of parts) {
    if (!/^[A-Za-z0-9_-]+$/.test(part)) {
      throw new Error(`JWT part is not base64url: ${part}`);
    }
  }
  const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { header: json(header), payload: json(payload), signature };
}

/** Page object for the session demo app. */
export class SessionPage {
  readonly page: Page;
  readonly session: Locator;
  readonly remaining: Locator;
  readonly configErrors: Locator;
  readonly logInButton: Locator;
  readonly logOutButton: Locator;
  readonly staySignedInButton: Locator;

  constructor(page: Page) {
    this.page = page;
    this.session = page.getByTestId('session');
    this.remaining = page.getByTestId('remaining');
    this.configErrors = page.getByTestId('config-errors');
    this.logInButton = page.getByRole('button', { name: 'Log in', exact: true });
    this.logOutButton = page.getByRole('button', { name: 'Log out', exact: true });
    this.staySignedInButton = page.getByRole('button', { name: 'Stay signed in', exact: true });
  }

  /**
   * Installs Playwright's fake clock and pauses it at `at` (ms since the epoch).
   * Call before the first navigation. From then on time moves only through
   * `page.clock.runFor` / `fastForward` / `pauseAt`, for every page of the
   * context and across reloads (Playwright replays the clock's history into
   * each new document).
   */
  async freezeClock(at: number = clockStart()): Promise<number> {
    await this.page.clock.install({ time: at - 1000 });
    await this.page.clock.pauseAt(at);
    return at;
  }

  /** Advances the fake clock by `ms`, firing every timer that falls due, in order. */
  async runFor(ms: number): Promise<void> {
    await this.page.clock.runFor(ms);
  }

  /**
   * Records the `detail` of every `session-change` event into `window.__events`,
   * in every document of this context, from before the app starts.
   */
  async recordSessionEvents(): Promise<void> {
    await this.page.context().addInitScript(() => {
      const w = window as unknown as { __events: unknown[] };
      w.__events = [];
      window.addEventListener('session-change', (event) => {
        const isCustom = event instanceof CustomEvent;
        const detail = (isCustom ? (event as CustomEvent).detail : undefined) ?? {};
        w.__events.push({
          state: detail.state,
          reason: detail.reason,
          at: detail.at,
          ...(isCustom ? {} : { notCustomEvent: true }),
        });
      });
    });
  }

  /**
   * Records every distinct `data-state` value that `[data-testid="session"]`
   * takes into `window.__states`, and whether `[data-testid="remaining"]`
   * (the signed-in view) was ever put into the document, in `window.__signedInSeen`.
   */
  async recordStates(): Promise<void> {
    await this.page.context().addInitScript(() => {
      const w = window as unknown as { __states: string[]; __signedInSeen: boolean };
      w.__states = [];
      w.__signedInSeen = false;
      const SESSION = '[data-testid="session"]';
      const REMAINING = '[data-testid="remaining"]';
      const push = (value: string | null) => {
        if (value !== null && w.__states[w.__states.length - 1] !== value) w.__states.push(value);
      };
      const look = (node: Node) => {
        if (!(node instanceof Element)) return;
        // A session element inserted (even if replaced again within the same
        // task) still carries the state it was shown with.
        const session = node.matches(SESSION) ? node : node.querySelector(SESSION);
        if (session) push(session.getAttribute('data-state'));
        if (node.matches(REMAINING) || node.querySelector(REMAINING)) w.__signedInSeen = true;
      };
      new MutationObserver((records) => {
        for (const record of records) {
          if (record.type === 'attributes') {
            // oldValue is the value before this change, so a value that was
            // set and replaced within one task is still seen.
            if (record.target instanceof Element && record.target.matches(SESSION)) push(record.oldValue);
          } else {
            record.addedNodes.forEach(look);
          }
        }
        const el = document.querySelector(SESSION);
        if (el) push(el.getAttribute('data-state'));
        if (document.querySelector(REMAINING)) w.__signedInSeen = true;
      }).observe(document, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeOldValue: true,
        attributeFilter: ['data-state'],
      });
    });
  }

  /** Opens the app with the given query overrides and waits until it is mounted. */
  async open(query: Record<string, string> = {}): Promise<void> {
    const qs = new URLSearchParams(query).toString();
    await this.page.goto(qs ? `/?${qs}` : '/');
    await this.waitForMount();
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.waitForMount();
  }

  async waitForMount(): Promise<void> {
    await expect(this.session).toBeAttached();
  }

  async logIn(): Promise<void> {
    await this.logInButton.click();
    await expect(this.session).not.toHaveAttribute('data-state', 'signed-out');
  }

  async logOut(): Promise<void> {
    await this.logOutButton.click();
    await expect(this.session).toHaveAttribute('data-state', 'signed-out');
  }

  async expectState(state: SessionState, reason?: SessionReason): Promise<void> {
    await expect(this.session).toHaveAttribute('data-state', state);
    if (reason !== undefined) await expect(this.session).toHaveAttribute('data-reason', reason);
  }

  async storage(): Promise<StoredSession> {
    return this.page.evaluate(
      ([tokenKey, setTimeKey]) => ({
        token: window.localStorage.getItem(tokenKey),
        setTime: window.localStorage.getItem(setTimeKey),
      }),
      [TOKEN_KEY, SET_TIME_KEY] as const,
    );
  }

  async expectStorageEmpty(): Promise<void> {
    expect(await this.storage()).toEqual({ token: null, setTime: null });
  }

  /** Events recorded by `recordSessionEvents` in the current document. */
  async events(): Promise<SessionChange[]> {
    return this.page.evaluate(() => (window as unknown as { __events?: SessionChange[] }).__events ?? []);
  }

  /** `data-state` values recorded by `recordStates` in the current document. */
  async seenStates(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __states?: string[] }).__states ?? []);
  }

  async signedInViewSeen(): Promise<boolean> {
    return this.page.evaluate(() => (window as unknown as { __signedInSeen?: boolean }).__signedInSeen ?? false);
  }

  /** Saves a full-page screenshot as test-results/screenshots/<name>.png. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }
}
