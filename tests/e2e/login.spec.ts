import { expect, test } from '@playwright/test';
import { DEFAULT_TIMEOUT_MS, SessionPage, decodeJwt } from './session-page';

test.describe('log in', () => {
  test('stores a signed JWT and its set time, and shows the signed-in view', async ({ page }) => {
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.recordSessionEvents();
    await app.open(); // all defaults: timeout 30m, warn 1m

    await app.expectState('signed-out', 'none');
    await expect(app.remaining).toBeHidden();
    await app.expectStorageEmpty();

    await app.logIn();
    await app.expectState('active', 'none');
    await expect(app.remaining).toBeVisible();
    await expect(app.remaining).toHaveText(/\b\d+:[0-5]\d\b/);
    await expect(app.logOutButton).toBeVisible();

    const { token, setTime } = await app.storage();
    expect(token, 'auth-token is stored').not.toBeNull();
    expect(setTime, 'auth-token-set-time is stored').not.toBeNull();
    // Decimal milliseconds since the epoch, as Date.now() gives it; the clock
    // is paused, so it is exactly the fake now.
    expect(setTime).toMatch(/^\d+$/);
    const setMs = Number(setTime);
    expect(setMs).toBe(start);

    // The bare compact JWT, not a JSON string.
    expect(token).not.toMatch(/^"/);
    const jwt = decodeJwt(token!);
    expect(jwt.header).toMatchObject({ alg: 'HS256' });
    expect(jwt.signature.length).toBeGreaterThan(0);
    const { sub, iat, exp, jti } = jwt.payload as Record<string, unknown>;
    expect(typeof sub === 'string' && sub.length > 0, `sub is a non-empty string: ${sub}`).toBe(true);
    expect(typeof jti === 'string' && jti.length > 0, `jti is a non-empty string: ${jti}`).toBe(true);
    expect(Number.isInteger(iat), `iat is whole seconds: ${iat}`).toBe(true);
    expect(Number.isInteger(exp), `exp is whole seconds: ${exp}`).toBe(true);
    expect(Math.abs((iat as number) * 1000 - setMs)).toBeLessThan(1000);
    // exp = first whole second at or after set-time + timeout.
    const deadline = setMs + DEFAULT_TIMEOUT_MS;
    expect((exp as number) * 1000).toBeGreaterThanOrEqual(deadline);
    expect((exp as number) * 1000).toBeLessThan(deadline + 1000);

    expect(await app.events()).toEqual([{ state: 'active', reason: 'none', at: start }]);

    await app.screenshot('signed-in');
  });

  test('each log in issues a fresh token id', async ({ page }) => {
    const app = new SessionPage(page);
    await app.freezeClock();
    await app.open();

    await app.logIn();
    const first = decodeJwt((await app.storage()).token!).payload.jti;
    await app.logOut();
    await app.runFor(1000);
    await app.logIn();
    const second = decodeJwt((await app.storage()).token!).payload.jti;
    expect(second).not.toEqual(first);
  });
});
