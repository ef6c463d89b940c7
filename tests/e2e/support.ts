// Shared helpers for the cross-tab, hidden-tab, hostile-storage, warning and
// idle specs. The page object and the contract constants live in
// session-page.ts; this module adds what those specs need on top.
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { SET_TIME_KEY, SessionPage, TOKEN_KEY, clockStart } from './session-page';

export const ACTIVITY_KEY = 'auth-token-last-activity';

export type Query = Record<string, string>;

/**
 * Installs the fake clock on the whole context and pauses it at `at`, before
 * any page of the context navigates. Every page opened afterwards shares it:
 * `context.clock.runFor` moves all of them together.
 */
export async function freezeContextClock(context: BrowserContext, at: number = clockStart()): Promise<number> {
  await context.clock.install({ time: at - 1000 });
  await context.clock.pauseAt(at);
  return at;
}

/** Opens `count` tabs of the app in `context`, each with its own query. */
export async function openTabs(context: BrowserContext, queries: Query[]): Promise<SessionPage[]> {
  const apps: SessionPage[] = [];
  for (const query of queries) {
    const app = new SessionPage(await context.newPage());
    await app.open(query);
    apps.push(app);
  }
  return apps;
}

/** One stored key as this page reads it. */
export async function stored(page: Page, key: string): Promise<string | null> {
  return page.evaluate((k) => window.localStorage.getItem(k), key);
}

/** Writes (or, with `null`, removes) stored keys from inside `page`, in the given order. */
export async function writeStorage(page: Page, entries: Array<[string, string | null]>): Promise<void> {
  await page.evaluate((list) => {
    for (const [key, value] of list) {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    }
  }, entries);
}

/**
 * Records the key of every `storage` event this context's documents receive
 * into `window.__storageKeys` (`null` for a clear). Register once per context.
 */
export async function recordStorageEvents(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __storageKeys: Array<string | null> };
    w.__storageKeys = [];
    window.addEventListener('storage', (event) => w.__storageKeys.push(event.key));
  });
}

/** Waits (real time, at most `timeout` ms) until `page` has received a storage event for `key`. */
export async function waitForStorageEvent(page: Page, key: string | null, timeout = 1000): Promise<void> {
  await expect
    .poll(
      () => page.evaluate((k) => (window as unknown as { __storageKeys?: Array<string | null> }).__storageKeys?.includes(k) ?? false, key),
      { timeout, message: `storage event for ${key} reached the tab` },
    )
    .toBe(true);
}

/** Waits until `page` reads `value` under `key` (storage propagates between tabs asynchronously). */
export async function waitForStored(page: Page, key: string, value: string | null, timeout = 1000): Promise<void> {
  await expect.poll(() => stored(page, key), { timeout, message: `${key} as this tab reads it` }).toBe(value);
}

/**
 * Makes the document report itself hidden and fires `visibilitychange`.
 * Headless Chromium keeps every page visible (bringing another page to the
 * front does not hide this one), so visibility is emulated by shadowing
 * `document.visibilityState` / `document.hidden` with own properties.
 */
export async function hide(page: Page): Promise<void> {
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

/** Undoes `hide`: the document reports itself visible again and fires `visibilitychange`. */
export async function show(page: Page): Promise<void> {
  await page.evaluate(() => {
    delete (document as unknown as Record<string, unknown>).visibilityState;
    delete (document as unknown as Record<string, unknown>).hidden;
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

/** Console messages and page errors of one page, collected from now on. */
export interface ConsoleLog {
  warnings: string[];
  errors: string[];
  pageErrors: string[];
}

export function watchConsole(page: Page): ConsoleLog {
  const log: ConsoleLog = { warnings: [], errors: [], pageErrors: [] };
  page.on('pageerror', (error) => log.pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'warning') log.warnings.push(message.text());
    if (message.type() === 'error') log.errors.push(message.text());
  });
  return log;
}

/** A real token and set-time, issued by the app itself in a throw-away tab of `context`. */
export async function mintSession(
  context: BrowserContext,
  query: Query = {},
): Promise<{ token: string; setTime: string }> {
  const app = new SessionPage(await context.newPage());
  await app.open(query);
  await app.logIn();
  const { token, setTime } = await app.storage();
  expect(token).not.toBeNull();
  expect(setTime).not.toBeNull();
  await app.page.evaluate(() => window.localStorage.clear());
  await app.page.close();
  return { token: token!, setTime: setTime! };
}

/** base64url of a UTF-8 string, without padding. */
export function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** The token with its payload replaced by `edit(payload)`, header and signature kept. */
export function editPayload(token: string, edit: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  edit(claims);
  return `${header}.${b64url(JSON.stringify(claims))}.${signature}`;
}

/** Seeds the stored pair before any script of each new document runs. A `null` value is left absent. */
export async function seedStorage(
  context: BrowserContext,
  values: { token: string | null; setTime: string | null },
): Promise<void> {
  await context.addInitScript(
    ({ tokenKey, setTimeKey, token, setTime }) => {
      try {
        if (token !== null) window.localStorage.setItem(tokenKey, token);
        if (setTime !== null) window.localStorage.setItem(setTimeKey, setTime);
      } catch {
        // about:blank and other opaque origins have no storage.
      }
    },
    { tokenKey: TOKEN_KEY, setTimeKey: SET_TIME_KEY, ...values },
  );
}

/** The dialog element, its buttons and whether it is open. */
export function dialogOf(app: SessionPage) {
  const dialog = app.page.getByTestId('expiry-dialog');
  return {
    dialog,
    stay: dialog.getByRole('button', { name: 'Stay signed in', exact: true }),
    logOut: dialog.getByRole('button', { name: 'Log out', exact: true }),
    isOpen: () => dialog.evaluate((d) => (d as HTMLDialogElement).open),
  };
}

/** The signed-out sentence. */
export function noticeOf(app: SessionPage) {
  return app.page.getByTestId('signed-out-notice');
}

/**
 * Counts `close` events of the expiry dialog in `window.__dialogCloses`, in
 * every document of the context. Register once per context.
 */
export async function recordDialogCloses(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __dialogCloses: number };
    w.__dialogCloses = 0;
    // `close` does not bubble; a capturing listener on window still sees it.
    window.addEventListener(
      'close',
      (event) => {
        if (event.target instanceof Element && event.target.matches('[data-testid="expiry-dialog"]')) {
          w.__dialogCloses += 1;
        }
      },
      true,
    );
  });
}

/**
 * Waits (real time) until the expiry dialog's `close` event has been
 * dispatched `count` times in `page`. The event is a task of its own, queued
 * when the dialog closes; with the fake clock, time could otherwise be moved
 * on before it runs, which never happens in real time.
 */
export async function waitForDialogCloses(page: Page, count: number, timeout = 1000): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __dialogCloses?: number }).__dialogCloses ?? 0), {
      timeout,
      message: 'close events of the expiry dialog',
    })
    .toBe(count);
}
