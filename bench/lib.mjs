// Shared helpers for the benchmark scripts (timing.mjs, hidden.mjs).
// Nothing here asserts anything: the scripts print figures.

import { spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(BENCH_DIR, '..');
export const REFERENCE_DIR = path.join(BENCH_DIR, 'reference');
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

// Flags required to run Chromium as root on this machine kind, and to keep it
// from reaching for hosts this machine cannot (and must not) reach.
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// Playwright's own default switches that turn off background throttling.
// timing.mjs keeps them (it measures visible tabs); hidden.mjs drops them.
export const THROTTLING_OFF_SWITCHES = [
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
];

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with a free TCP port on 127.0.0.1 in [from, to]. */
export async function freePort(from = 4340, to = 4399, taken = new Set()) {
  for (let port = from; port <= to; port++) {
    if (taken.has(port)) continue;
    const ok = await new Promise((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error(`no free port in ${from}-${to} on 127.0.0.1`);
}

/**
 * Starts `python3 -m http.server` on 127.0.0.1 for `dir` and waits until it
 * answers. Returns { url, port, stop }.
 */
export async function startStaticServer(dir, port) {
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`${dir}/index.html not found (build first: bench/size.sh or ` +
      `trunk build --release --dist ${dir})`);
  }
  const child = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1',
    '--directory', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`http.server for ${dir} exited (${child.exitCode}): ${stderr}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`http.server for ${dir} did not answer on ${url}`);
    }
    await sleep(100);
  }
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return { url, port, stop, pid: child.pid };
}

/** One Chromium for the whole run. */
export async function launchBrowser({ allowThrottling = false } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ignoreDefaultArgs: allowThrottling ? THROTTLING_OFF_SWITCHES : [],
  });
}

/**
 * Installed into every page before its own scripts. Records every
 * `session-change` event. For the wasm linear memory, the page's
 * `window.wasmBindings` (set by boot.js, as trunk's own loader did) holds only
 * `default` and `initSync`; calling `default()` again returns the initialised
 * exports, `memory` among them. Trunk's inline loader, used before boot.js,
 * also handed the exports to a `TrunkApplicationStarted` event, kept here.
 *
 * With `trackTimers`, it also wraps setTimeout/setInterval/clear* to count the
 * timers that are pending (a leak shows up as a growing count). This is off for
 * the timing measurements so that nothing sits between the app and the timers.
 */
export function pageProbe({ trackTimers }) {
  const bench = {
    events: [],
    keep: true,
    count: 0,
    last: null,
    waiters: [],
    wasm: null,
    timers: null,
  };
  Object.defineProperty(window, '__bench', { value: bench });

  addEventListener('session-change', (event) => {
    const d = event.detail || {};
    const rec = {
      state: d.state, reason: d.reason, at: d.at,
      perf: performance.now(), vis: document.visibilityState,
    };
    bench.count++;
    bench.last = rec;
    if (bench.keep) bench.events.push(rec);
    const waiters = bench.waiters;
    bench.waiters = [];
    for (const w of waiters) {
      if (!w(rec)) bench.waiters.push(w);
    }
  });
  addEventListener('TrunkApplicationStarted', (event) => {
    bench.wasm = (event.detail && event.detail.wasm) || null;
  });

  /** The first recorded event at index >= from whose state is `state`. */
  bench.waitEvent = (from, state, timeoutMs) => new Promise((resolve, reject) => {
    for (let i = from; i < bench.events.length; i++) {
      if (bench.events[i].state === state) return resolve(bench.events[i]);
    }
    const timer = setTimeout(() => {
      reject(new Error(`no session-change to ${state} within ${timeoutMs} ms ` +
        `(last: ${JSON.stringify(bench.last)})`));
    }, timeoutMs);
    bench.waiters.push((rec) => {
      if (rec.state !== state) return false;
      clearTimeout(timer);
      resolve(rec);
      return true;
    });
  });

  // Only a rendered button counts: the app also keeps a "Log out" button in
  // its closed expiry dialog, which must not stand in for the main one.
  const rendered = (el) => (typeof el.checkVisibility === 'function'
    ? el.checkVisibility() : el.offsetParent !== null);
  bench.findButton = (name) => [...document.querySelectorAll('button')]
    .find((b) => b.textContent.trim() === name && !b.disabled && rendered(b)) || null;

  const macrotask = () => new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(0);
  });
  /** Waits for the button to be rendered: microtasks first, then tasks. */
  bench.button = async (name, timeoutMs = 5000) => {
    for (let i = 0; i < 20; i++) {
      const b = bench.findButton(name);
      if (b) return b;
      await Promise.resolve();
    }
    const end = performance.now() + timeoutMs;
    while (performance.now() < end) {
      const b = bench.findButton(name);
      if (b) return b;
      await macrotask();
    }
    throw new Error(`button "${name}" not found`);
  };
  bench.macrotask = macrotask;

  if (trackTimers) {
    const pending = new Map();
    const origSetTimeout = window.setTimeout.bind(window);
    const origSetInterval = window.setInterval.bind(window);
    const origClearTimeout = window.clearTimeout.bind(window);
    const origClearInterval = window.clearInterval.bind(window);
    window.setTimeout = function (cb, ms, ...args) {
      const fn = typeof cb === 'function' ? cb : () => {};
      const id = origSetTimeout((...a) => { pending.delete(id); fn(...a); }, ms, ...args);
      pending.set(id, 'timeout');
      return id;
    };
    window.setInterval = function (cb, ms, ...args) {
      const id = origSetInterval(cb, ms, ...args);
      pending.set(id, 'interval');
      return id;
    };
    window.clearTimeout = function (id) { pending.delete(id); return origClearTimeout(id); };
    window.clearInterval = function (id) { pending.delete(id); return origClearInterval(id); };
    bench.timers = () => {
      let timeouts = 0;
      let intervals = 0;
      for (const kind of pending.values()) kind === 'timeout' ? timeouts++ : intervals++;
      return { timeouts, intervals };
    };
  }
}

/** Nearest-rank percentile of a numeric array (p in 0..100). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function stats(values) {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    min: values.length ? Math.min(...values) : NaN,
    max: values.length ? Math.max(...values) : NaN,
    mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN,
  };
}

export function countBy(values) {
  const out = {};
  for (const v of values) out[v] = (out[v] || 0) + 1;
  return Object.entries(out).map(([k, n]) => `${k}×${n}`).join(' ');
}

/** A plain-text table; the first row is the header. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => '| ' + r.map((cell, c) => String(cell).padEnd(widths[c])).join(' | ') + ' |';
  const sep = '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|';
  return [line(rows[0]), sep, ...rows.slice(1).map(line)].join('\n');
}

export function machineNote(browserVersion) {
  const cpus = os.cpus();
  let chromiumVersion = browserVersion || '?';
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return `${cpus.length} cores (${cpus[0] ? cpus[0].model.trim() : '?'}), shared and noisy VM; ` +
    `load avg ${load}; ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM; ` +
    `Chromium ${chromiumVersion} headless (new); node ${process.version}; ` +
    `playwright-core ${playwrightVersion()}`;
}

function playwrightVersion() {
  try {
    const pkg = path.join(REPO_ROOT, 'node_modules', 'playwright-core', 'package.json');
    return JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
  } catch {
    return '?';
  }
}

/** Which build is being measured: the wasm file name (its hash) and size. */
export function distNote(dist) {
  try {
    const wasm = fs.readdirSync(dist).find((f) => f.endsWith('.wasm'));
    let rev = '';
    try {
      rev = execFileSync('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'],
        { encoding: 'utf8' }).trim();
      const dirty = execFileSync('git', ['-C', REPO_ROOT, 'status', '--porcelain', '--', 'src'],
        { encoding: 'utf8' }).trim();
      if (dirty) rev += ' (src/ has uncommitted changes)';
    } catch { /* not a git checkout */ }
    return `${dist}/${wasm}; repo HEAD ${rev || '?'}`;
  } catch {
    return dist;
  }
}

export function watchErrors(page, sink, name) {
  page.on('pageerror', (e) => sink.push({ page: name, text: `pageerror: ${e.message}` }));
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    // 404s and the like are reported with their URL by the response hook.
    if (m.text().startsWith('Failed to load resource')) return;
    sink.push({ page: name, text: `console.${m.type()}: ${m.text()}` });
  });
  page.on('response', (r) => {
    if (r.status() >= 400) sink.push({ page: name, text: `HTTP ${r.status()} ${new URL(r.url()).pathname}` });
  });
  page.on('crash', () => sink.push({ page: name, text: 'page crashed' }));
}

/** Groups identical messages: "text (app/a, app/b-A)". */
export function summariseErrors(errors) {
  const byText = new Map();
  for (const e of errors) {
    if (!byText.has(e.text)) byText.set(e.text, new Set());
    byText.get(e.text).add(e.page);
  }
  return [...byText].map(([text, pages]) => `${text}  [${[...pages].join(', ')}]`);
}

export async function openPage(context, url, errors, name) {
  const page = await context.newPage();
  watchErrors(page, errors, name);
  await page.goto(url);
  await page.waitForSelector('[data-testid="session"]');
  await page.evaluate(() => window.__bench.button('Log in'));
  return page;
}

export async function newContext(browser, trackTimers = false) {
  const context = await browser.newContext();
  await context.addInitScript(pageProbe, { trackTimers });
  return context;
}

/** Runs f(target) for each target, side by side unless serial. Returns {target: result}. */
export async function eachTarget(targets, f, serial = false) {
  const out = {};
  if (serial) {
    for (const k of targets) out[k] = await f(k);
  } else {
    const values = await Promise.all(targets.map((k) => f(k)));
    targets.forEach((k, i) => { out[k] = values[i]; });
  }
  return out;
}

/** Prints the closing lines every benchmark ends with: errors seen, where the raw samples went, run time. */
export function printFooter(errors, jsonOut, started) {
  const grouped = summariseErrors(errors);
  console.log(`page errors/warnings/HTTP failures: ${grouped.length ? '' : 'none'}`);
  for (const e of grouped) console.log(`  ${e}`);
  console.log(`raw samples: ${jsonOut}`);
  console.log(`total run time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
