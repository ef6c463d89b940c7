#!/usr/bin/env node
// Real-time benchmark of the session app against the plain polling pattern
// (bench/reference/index.html), in one headless Chromium run. Prints figures;
// asserts nothing. See bench/README.md.
//
//   node bench/timing.mjs
//
// Environment (all optional):
//   BENCH_DIST      built app to serve               (default /tmp/bench-dist)
//   BENCH_N         sessions for a. and b. per target (default 50)
//   BENCH_CYCLES    log-in/log-out cycles for c.     (default 1000)
//   BENCH_INTERVAL  `interval` URL value for a./b.   (default 1s)
//   BENCH_JSON      where to write all raw samples   (default /tmp/bench-timing.json)
//   BENCH_SERIAL=1  run app and reference samples one after the other instead of
//                   side by side (slower: about 5 minutes instead of about 3)

import fs from 'node:fs';
import {
  REFERENCE_DIR, freePort, startStaticServer, launchBrowser, sleep, openPage, newContext,
  stats, countBy, table, machineNote, distNote, eachTarget as eachTargetIn,
  printFooter,
} from './lib.mjs';

const DIST = process.env.BENCH_DIST || '/tmp/bench-dist';
const N = Number(process.env.BENCH_N || 50);
const CYCLES = Number(process.env.BENCH_CYCLES || 1000);
const INTERVAL = process.env.BENCH_INTERVAL || '1s';
const JSON_OUT = process.env.BENCH_JSON || '/tmp/bench-timing.json';
const WARMUP = 2;
const SERIAL = process.env.BENCH_SERIAL === '1';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
function durationMs(text) {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`bad duration ${text}`);
  return Number(m[1]) * UNIT_MS[m[2]];
}
const INTERVAL_MS = durationMs(INTERVAL);
const EXPIRY_TIMEOUT_MS = 1000;
const EXPIRY_QUERY = `?timeout=1s&interval=${INTERVAL}&warn=0s`;
const LONG_QUERY = `?timeout=1h&interval=${INTERVAL}&warn=0s`;

const started = Date.now();
const progress = (text) => process.stderr.write(text);

const TARGETS = ['app', 'ref'];

const eachTarget = (f) => eachTargetIn(TARGETS, f, SERIAL);
const LABEL = { app: 'leptos-jwt-session', ref: 'reference pattern' };

// a. One session: log in, wait for the signed-out event, lateness vs deadline.
async function expirySample(page) {
  // A random phase, so that log-in does not line up with a polling tick.
  await sleep(Math.random() * INTERVAL_MS);
  return page.evaluate(async (timeoutMs) => {
    const b = window.__bench;
    const login = await b.button('Log in');
    const from = b.events.length;
    // Control: a plain setTimeout for the same 1 s, armed just before the
    // click so that it fires before the app's own timer (due at the same
    // instant, give or take 1 ms) and is not delayed by the app's work. Its
    // lateness is what the browser and the machine add by themselves.
    const controlTarget = Date.now() + timeoutMs;
    const control = new Promise((resolve) => setTimeout(() => resolve(Date.now()), timeoutMs));
    login.click();
    const setTime = Number(localStorage.getItem('auth-token-set-time'));
    const deadline = setTime + timeoutMs;
    const ev = await b.waitEvent(from, 'signed-out', timeoutMs + 10_000);
    const controlAt = await control;
    return {
      setTime, at: ev.at, reason: ev.reason, vis: ev.vis,
      lateness: ev.at - deadline, controlLateness: controlAt - controlTarget,
    };
  }, EXPIRY_TIMEOUT_MS);
}

// b. One cross-tab logout: A and B signed in, A clicks "Log out" at t.
async function crossTabSample(pageA, pageB) {
  const fromActive = await pageB.evaluate(() => window.__bench.events.length);
  await pageA.evaluate(async () => (await window.__bench.button('Log in')).click());
  const active = await pageB.evaluate(
    ({ from, ms }) => window.__bench.waitEvent(from, 'active', ms), { from: fromActive, ms: 10_000 + 2 * 1000 });
  await sleep(Math.random() * INTERVAL_MS);
  const fromOut = await pageB.evaluate(() => window.__bench.events.length);
  const t = await pageA.evaluate(async () => {
    const button = await window.__bench.button('Log out');
    const now = Date.now();
    button.click();
    return now;
  });
  const ev = await pageB.evaluate(
    ({ from, ms }) => window.__bench.waitEvent(from, 'signed-out', ms), { from: fromOut, ms: 10_000 });
  return { t, at: ev.at, reason: ev.reason, latency: ev.at - t, activeReason: active.reason, visB: ev.vis };
}

// c. Memory before and after CYCLES log-in/log-out cycles (twice).
async function memoryRun(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('Performance.enable');
  const snapshot = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const usage = await cdp.send('Runtime.getHeapUsage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    const inPage = await page.evaluate(async () => {
      const b = window.__bench;
      let memory = b.wasm && b.wasm.memory;
      if (!memory && window.wasmBindings && typeof window.wasmBindings.default === 'function') {
        try { memory = (await window.wasmBindings.default()).memory; } catch { /* none */ }
      }
      return {
        wasmBytes: memory ? memory.buffer.byteLength : null,
        timers: b.timers ? b.timers() : null,
        state: document.querySelector('[data-testid="session"]').dataset.state,
      };
    });
    return {
      jsHeapUsed: usage.usedSize,
      jsHeapTotal: usage.totalSize,
      nodes: m.Nodes,
      listeners: m.JSEventListeners,
      ...inPage,
    };
  };
  const cycles = () => page.evaluate(async (n) => {
    const b = window.__bench;
    b.keep = false;
    const c0 = b.count;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      (await b.button('Log in')).click();
      (await b.button('Log out')).click();
    }
    await b.button('Log in');
    return { ms: performance.now() - t0, events: b.count - c0, last: b.last };
  }, CYCLES);

  const before = await snapshot();
  const run1 = await cycles();
  const after1 = await snapshot();
  const run2 = await cycles();
  const after2 = await snapshot();
  await cdp.detach();
  return { before, after1, after2, run1, run2 };
}

async function main() {
  const errors = [];
  const results = { config: { DIST, N, CYCLES, INTERVAL, WARMUP } };
  const appPort = await freePort(4340, 4399);
  const refPort = await freePort(appPort + 1, 4399);
  const appServer = await startStaticServer(DIST, appPort);
  const refServer = await startStaticServer(REFERENCE_DIR, refPort);
  const base = { app: appServer.url, ref: refServer.url };
  const browser = await launchBrowser();
  const browserVersion = browser.version();
  try {
    // ---- a. expiry lateness, visible tab --------------------------------
    progress(`a. expiry lateness: ${N} sessions per target (+${WARMUP} warm-up), timeout=1s interval=${INTERVAL}\n   `);
    const aPages = {};
    const aContexts = [];
    for (const k of TARGETS) {
      const ctx = await newContext(browser);
      aContexts.push(ctx);
      aPages[k] = await openPage(ctx, base[k] + EXPIRY_QUERY, errors, `${k}/a`);
    }
    const expiry = { app: [], ref: [] };
    for (let i = 0; i < N + WARMUP; i++) {
      const s = await eachTarget((k) => expirySample(aPages[k]));
      if (i >= WARMUP) for (const k of TARGETS) expiry[k].push(s[k]);
      progress(i % 10 === 9 ? `${i + 1}` : '.');
    }
    progress('\n');
    results.expiry = expiry;
    for (const ctx of aContexts) await ctx.close();

    // ---- b. cross-tab logout latency -------------------------------------
    progress(`b. cross-tab logout: ${N} logouts per target (+${WARMUP} warm-up), interval=${INTERVAL}\n   `);
    const bPages = {};
    const bContexts = [];
    for (const k of TARGETS) {
      const ctx = await newContext(browser);
      bContexts.push(ctx);
      const a = await openPage(ctx, base[k] + LONG_QUERY, errors, `${k}/b-A`);
      const b = await openPage(ctx, base[k] + LONG_QUERY, errors, `${k}/b-B`);
      bPages[k] = { a, b };
    }
    const visibility = {};
    for (const k of TARGETS) {
      visibility[k] = [
        await bPages[k].a.evaluate(() => document.visibilityState),
        await bPages[k].b.evaluate(() => document.visibilityState),
      ].join('/');
    }
    const crossTab = { app: [], ref: [] };
    for (let i = 0; i < N + WARMUP; i++) {
      const s = await eachTarget((k) => crossTabSample(bPages[k].a, bPages[k].b));
      if (i >= WARMUP) for (const k of TARGETS) crossTab[k].push(s[k]);
      progress(i % 10 === 9 ? `${i + 1}` : '.');
    }
    progress('\n');
    results.crossTab = crossTab;
    results.crossTabVisibility = visibility;
    for (const ctx of bContexts) await ctx.close();

    // ---- c. memory over log-in/log-out cycles -----------------------------
    progress(`c. memory: 2 × ${CYCLES} log-in/log-out cycles per target\n`);
    const memory = {};
    for (const k of TARGETS) {
      const ctx = await newContext(browser, true);
      const page = await openPage(ctx, base[k] + LONG_QUERY, errors, `${k}/c`);
      memory[k] = await memoryRun(ctx, page);
      progress(`   ${k}: ${Math.round(memory[k].run1.ms)} ms + ${Math.round(memory[k].run2.ms)} ms\n`);
      await ctx.close();
    }
    results.memory = memory;
  } finally {
    await browser.close();
    await appServer.stop();
    await refServer.stop();
  }

  // ---- report -----------------------------------------------------------
  results.errors = errors;
  fs.writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));

  const ms = (v) => (Number.isFinite(v) ? `${Math.round(v)} ms` : 'n/a');
  const kib = (v) => (v == null ? 'n/a' : `${(v / 1024).toFixed(1)} KiB`);
  const signedKib = (v) => (v == null ? 'n/a' : `${v >= 0 ? '+' : ''}${(v / 1024).toFixed(1)} KiB`);
  const delta = (a, b) => (a == null || b == null ? null : b - a);
  const signed = (v) => (v == null ? 'n/a' : `${v >= 0 ? '+' : ''}${v}`);

  const ex = Object.fromEntries(TARGETS.map((k) => [k, stats(results.expiry[k].map((s) => s.lateness))]));
  const xt = Object.fromEntries(TARGETS.map((k) => [k, stats(results.crossTab[k].map((s) => s.latency))]));
  const mem = results.memory;
  const timersText = (t) => (t ? `${t.timeouts} timeouts + ${t.intervals} intervals` : 'n/a');

  const rows = [['metric', LABEL.app, LABEL.ref]];
  const row = (name, f) => rows.push([name, f('app'), f('ref')]);
  row(`a. expiry lateness, visible tab: samples`, (k) => `${ex[k].n}`);
  row(`a. lateness p50`, (k) => ms(ex[k].p50));
  row(`a. lateness p99 (goal <= 16 ms)`, (k) => ms(ex[k].p99));
  row(`a. lateness max`, (k) => ms(ex[k].max));
  row(`a. lateness min / mean`, (k) => `${ms(ex[k].min)} / ${ex[k].mean.toFixed(1)} ms`);
  const ctl = Object.fromEntries(TARGETS.map((k) => [k, stats(results.expiry[k].map((s) => s.controlLateness))]));
  row(`a. control: bare setTimeout(1 s) in same page p50 / p99 / max`, (k) => `${ms(ctl[k].p50)} / ${ms(ctl[k].p99)} / ${ms(ctl[k].max)}`);
  row(`a. samples > 16 ms late (control > 16 ms too)`, (k) => {
    const late = results.expiry[k].filter((s) => s.lateness > 16);
    return `${late.length} (${late.filter((s) => s.controlLateness > 16).length})`;
  });
  row(`a. end reasons`, (k) => countBy(results.expiry[k].map((s) => s.reason)));
  row(`b. cross-tab logout latency: samples`, (k) => `${xt[k].n}`);
  row(`b. latency p50`, (k) => ms(xt[k].p50));
  row(`b. latency p95 (goal <= 50 ms)`, (k) => ms(xt[k].p95));
  row(`b. latency max`, (k) => ms(xt[k].max));
  row(`b. reason in tab B`, (k) => countBy(results.crossTab[k].map((s) => s.reason)));
  row(`b. visibility of tabs A/B`, (k) => results.crossTabVisibility[k]);
  row(`c. cycles (log in + log out)`, (k) => `2 × ${CYCLES}, ${mem[k].run1.events + mem[k].run2.events} events, ` +
    `${Math.round(mem[k].run1.ms + mem[k].run2.ms)} ms`);
  row(`c. wasm linear memory before`, (k) => (k === 'ref' ? '(no wasm)' : kib(mem[k].before.wasmBytes)));
  row(`c. wasm linear memory after ${CYCLES}`, (k) => (k === 'ref' ? '(no wasm)' : kib(mem[k].after1.wasmBytes)));
  row(`c. wasm growth, cycles 1..${CYCLES}`, (k) => (k === 'ref' ? '(no wasm)' : signedKib(delta(mem[k].before.wasmBytes, mem[k].after1.wasmBytes))));
  row(`c. wasm growth, cycles ${CYCLES + 1}..${2 * CYCLES}`, (k) => (k === 'ref' ? '(no wasm)' : signedKib(delta(mem[k].after1.wasmBytes, mem[k].after2.wasmBytes))));
  row(`c. wasm growth per cycle over ${2 * CYCLES} (64 KiB pages)`, (k) => (k === 'ref' ? '(no wasm)'
    : `${Math.round(delta(mem[k].before.wasmBytes, mem[k].after2.wasmBytes) / (2 * CYCLES))} B`));
  row(`c. JS heap used before (after GC)`, (k) => kib(mem[k].before.jsHeapUsed));
  row(`c. JS heap used after ${CYCLES}`, (k) => kib(mem[k].after1.jsHeapUsed));
  row(`c. JS heap growth, cycles 1..${CYCLES}`, (k) => signedKib(delta(mem[k].before.jsHeapUsed, mem[k].after1.jsHeapUsed)));
  row(`c. JS heap growth, cycles ${CYCLES + 1}..${2 * CYCLES}`, (k) => signedKib(delta(mem[k].after1.jsHeapUsed, mem[k].after2.jsHeapUsed)));
  row(`c. DOM nodes before -> after ${2 * CYCLES}`, (k) => `${mem[k].before.nodes} -> ${mem[k].after2.nodes}`);
  row(`c. JS event listeners before -> after`, (k) => `${mem[k].before.listeners} -> ${mem[k].after2.listeners}`);
  row(`c. pending timers before`, (k) => timersText(mem[k].before.timers));
  row(`c. pending timers after ${2 * CYCLES} (signed out)`, (k) => timersText(mem[k].after2.timers));

  console.log('');
  console.log('Session timing benchmark (real time, no fake clock)');
  console.log(`build: ${distNote(DIST)}`);
  console.log(`machine: ${machineNote(browserVersion)}`);
  console.log(`a. ?timeout=1s&interval=${INTERVAL}&warn=0s; lateness = at(signed-out event) - (set-time + 1000 ms); ` +
    `random 0-${INTERVAL_MS} ms pause before each log-in; percentiles are nearest-rank (with n=50, p99 = max)`);
  console.log(`b. ?timeout=1h&interval=${INTERVAL}&warn=0s; two pages, one context; latency = at(signed-out in B) - Date.now() in A just before click()`);
  console.log(`a./b. app and reference ${SERIAL ? 'one after the other' : 'side by side (separate contexts, same browser)'}; ${WARMUP} warm-up samples each not counted`);
  console.log(`c. ?timeout=1h&interval=${INTERVAL}&warn=0s; clicks from page.evaluate; sizes after two forced GCs (CDP)`);
  console.log('');
  console.log(table(rows));
  console.log('');
  printFooter(errors, JSON_OUT, started);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
