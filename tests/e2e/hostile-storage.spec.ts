import { expect, test } from '@playwright/test';
import { SET_TIME_KEY, SessionPage, decodeJwt } from './session-page';
import { b64url, editPayload, mintSession, seedStorage, watchConsole, writeStorage } from './support';

const QUERY = { timeout: '1m', interval: '250ms', warn: '0s' };
const YEAR = 365 * 24 * 60 * 60_000;

interface Case {
  name: string;
  /** What the one console warning must name: the check that failed. */
  check: RegExp;
  /** The stored values, from a real token and set-time issued by the app. */
  values: (real: { token: string; setTime: string }) => { token: string | null; setTime: string | null };
}

// Each seeds localStorage before the app loads. The token without exp is
// not here: the browser cannot sign one with the app's key (the native
// tests cover it).
const CASES: Case[] = [
  // A blank value reads as absent (it is what a refused removal leaves).
  { name: 'set-time ""', check: /without a set-time/, values: ({ token }) => ({ token, setTime: '' }) },
  { name: 'set-time "abc"', check: /set-time is not decimal milliseconds/, values: ({ token }) => ({ token, setTime: 'abc' }) },
  { name: 'set-time "-5"', check: /set-time is not decimal milliseconds/, values: ({ token }) => ({ token, setTime: '-5' }) },
  { name: 'set-time far in the future', check: /set-time lies in the future/, values: ({ token, setTime }) => ({ token, setTime: String(Number(setTime) + 10 * YEAR) }) },
  { name: 'set-time far in the future, beyond u64', check: /set-time is not decimal milliseconds|set-time lies in the future/, values: ({ token }) => ({ token, setTime: '99999999999999999999999' }) },
  { name: 'token without set-time', check: /without a set-time/, values: ({ token }) => ({ token, setTime: null }) },
  { name: 'set-time without token', check: /without a token/, values: ({ setTime }) => ({ token: null, setTime }) },
  { name: 'token "not-a-jwt"', check: /not three dot-separated parts/, values: ({ setTime }) => ({ token: 'not-a-jwt', setTime }) },
  {
    name: 'token with a part that is not base64url', check: /not base64url/,
    values: ({ token, setTime }) => {
      const [h, p, s] = token.split('.');
      return { token: `${h}.${p.slice(0, 4)}*!${p.slice(4)}.${s}`, setTime };
    },
  },
  {
    name: 'token whose payload is not JSON', check: /signature does not match|payload is not a JSON object/,
    values: ({ token, setTime }) => {
      const [h, , s] = token.split('.');
      return { token: `${h}.${b64url('this is not JSON')}.${s}`, setTime };
    },
  },
  {
    name: 'token with header alg none', check: /unsigned \(alg none\)/,
    values: ({ token, setTime }) => {
      const [, p] = token.split('.');
      return { token: `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${p}.`, setTime };
    },
  },
  {
    name: 'token with header alg none, signature kept', check: /unsigned \(alg none\)/,
    values: ({ token, setTime }) => {
      const [, p, s] = token.split('.');
      return { token: `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${p}.${s}`, setTime };
    },
  },
  {
    name: 'token with its payload edited after signing', check: /signature does not match/,
    values: ({ token, setTime }) => ({
      token: editPayload(token, (claims) => {
        claims.sub = 'admin';
      }),
      setTime,
    }),
  },
  {
    name: 'token with exp edited later after signing', check: /signature does not match/,
    values: ({ token, setTime }) => ({
      token: editPayload(token, (claims) => {
        claims.exp = (claims.exp as number) + 3600;
      }),
      setTime,
    }),
  },
  {
    name: 'token with exp as a string', check: /signature does not match|not a whole number of seconds/,
    values: ({ token, setTime }) => ({
      token: editPayload(token, (claims) => {
        claims.exp = String(claims.exp);
      }),
      setTime,
    }),
  },
];

test.describe('hostile stored values', () => {
  for (const c of CASES) {
    test(`${c.name}: signed out as invalid, keys removed, never shown signed in`, async ({ page, context }) => {
      const app = new SessionPage(page);
      await app.freezeClock();
      await app.recordStates();
      const real = await mintSession(context, QUERY);
      const values = c.values(real);
      await seedStorage(context, values);

      const log = watchConsole(page);
      await app.open(QUERY);
      // A torn pair is waited out for two regular checks; run past both.
      await app.runFor(600);

      await app.expectState('signed-out', 'invalid');
      await expect(page.getByTestId('signed-out-notice')).toHaveText(
        'Your stored session could not be trusted, so you were signed out.',
      );
      await app.expectStorageEmpty();
      expect(await app.signedInViewSeen(), 'the signed-in view was never shown').toBe(false);
      const states = await app.seenStates();
      expect(states, `data-state values seen: ${JSON.stringify(states)}`).toEqual(['signed-out']);

      expect(log.pageErrors, 'page errors').toEqual([]);
      expect(log.errors, 'console errors').toEqual([]);
      expect(log.warnings, `console warnings: ${JSON.stringify(log.warnings)}`).toHaveLength(1);
      expect(log.warnings[0]).toContain('stored session rejected');
      expect(log.warnings[0]).toMatch(c.check);
      for (const secret of [values.token, real.token, ...real.token.split('.')]) {
        if (secret && secret.length > 8) expect(log.warnings[0]).not.toContain(secret);
      }

      // Nothing comes back later.
      await app.runFor(2000);
      await app.expectState('signed-out', 'invalid');
      await app.expectStorageEmpty();
      expect(log.warnings).toHaveLength(1);
    });
  }
});

test.describe('edited set-time', () => {
  test('a set-time edited later does not extend the session beyond the token exp', async ({ page }) => {
    const app = new SessionPage(page);
    const start = await app.freezeClock();
    await app.open({ timeout: '10s', interval: '250ms', warn: '0s' });
    await app.logIn();
    const { token } = await app.storage();
    const expMs = (decodeJwt(token!).payload.exp as number) * 1000;
    expect(expMs).toBeGreaterThan(start + 10_000);
    expect(expMs).toBeLessThan(start + 11_000);

    // 9 s in, set-time is moved 8 s later: within the leeway of iat and not
    // in the future, so the pair is still trusted, but its token's exp holds.
    await app.runFor(9000);
    await writeStorage(page, [[SET_TIME_KEY, String(start + 8000)]]);
    await app.runFor(500); // a few regular checks read the edited value
    await app.expectState('active', 'none');

    await app.runFor(expMs - (start + 9500) + 250); // one interval past exp
    await app.expectState('signed-out');
    await expect(app.session).toHaveAttribute('data-reason', /^(token-expired|timeout|invalid)$/);
    await app.expectStorageEmpty();
  });
});
