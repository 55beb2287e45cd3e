// Drives headless Debian chromium for the sipgw browser tests: one JSON command per line on stdin,
// one JSON object per line on stdout. Never downloads a browser: it runs /usr/bin/chromium (or
// $CHROMIUM) through playwright-core.
//
// Commands ({"id": N, "cmd": ...}; every one is answered {"id": N, "ok": true, "result": ...}
// or {"id": N, "ok": false, "error": "..."} within its timeout):
//   open    {page, url, api?, timeoutMs?}  a new browser context (own cookies, own fake microphone)
//                                         with one tab on url; waits for window[api] (default
//                                         softphone; e.g. sipgwConsole for the admin console)
//   reload  {page, timeoutMs?}            loads the page again (same context: its localStorage stays)
//   invoke  {page, method, args, timeoutMs?}  window[api][method](...args), awaited
//   fill    {page, selector, value}       types into a form field, as a person would
//   click   {page, selector}              clicks a button
//   select  {page, selector, value}       chooses an option of a select element
//   text    {page, selector}              the text content of an element
//   screenshot {page, path}               a PNG of the page, for a person to look at
//   close   {page}                        closes that context
//   quit    {}                            closes the browser and exits (so does the end of stdin)
// Unprompted lines:
//   {"ready": true, "browser": "156.0..."}      once chromium runs
//   {"page": P, "event": {...}}                 every softphone event (registration, call, message ...)
//   {"page": P, "log": "..."}                   the page's console and uncaught errors
'use strict';
const readline = require('readline');
const { chromium } = require('playwright-core');

const DEFAULT_TIMEOUT_MS = 15000;
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
  // host candidates as addresses, not mDNS names: rtpengine and the other browser must reach them
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // the tests' WSS listener presents a self-signed certificate
  '--ignore-certificate-errors',
];

const pages = new Map();
let browser = null;
let quitting = false;

function out(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

function bounded(promise, timeoutMs, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(what + ' took longer than ' + timeoutMs + ' ms')), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** JsSIP's debug lines without their %c colour directives and the CSS that goes with them. */
function withoutStyles(text) {
  return text.replace(/(\s*color: #?[\w]+)+\s*$/, '').replace(/%c/g, '');
}

function pageNamed(name) {
  const entry = pages.get(name);
  if (!entry) throw new Error('no page ' + name + ' (open it first)');
  return entry.page;
}

async function open({ page: name, url, api, timeoutMs }) {
  if (pages.has(name)) throw new Error('page ' + name + ' is already open');
  const context = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['microphone'] });
  const page = await context.newPage();
  pages.set(name, { context, page, api: api || 'softphone' });
  page.on('console', (m) => out({ page: name, log: m.type() + ': ' + withoutStyles(m.text()) }));
  page.on('pageerror', (e) => out({ page: name, log: 'uncaught: ' + (e.stack || e.message) }));
  await page.exposeFunction('sipgwTestEvent', (event) => out({ page: name, event }));
  const limit = timeoutMs || DEFAULT_TIMEOUT_MS;
  await page.goto(url, { timeout: limit, waitUntil: 'load' });
  return loaded(page, pages.get(name).api, limit);
}

/** Once the page's API (the softphone, with JsSIP) has loaded: its events go to the test. */
async function loaded(page, api, limit) {
  await page.waitForFunction((api) => window[api] && (api !== 'softphone' || window.JsSIP), api, { timeout: limit });
  return page.evaluate((api) => {
    window[api].on((e) => window.sipgwTestEvent(e));
    return { title: document.title, jssip: window.JsSIP ? window.JsSIP.version : null, userAgent: navigator.userAgent };
  }, api);
}

async function reload({ page: name, timeoutMs }) {
  const page = pageNamed(name);
  const limit = timeoutMs || DEFAULT_TIMEOUT_MS;
  await page.reload({ timeout: limit, waitUntil: 'load' });
  return loaded(page, pages.get(name).api, limit);
}

function invoke({ page: name, method, args }) {
  return pageNamed(name).evaluate(async ({ api, method, args }) => {
    const target = window[api];
    if (typeof target[method] !== 'function') throw new Error(api + ' has no method ' + method);
    return await target[method](...(args || []));
  }, { api: pages.get(name).api, method, args });
}

function fill({ page: name, selector, value }) {
  return pageNamed(name).fill(selector, value);
}

function click({ page: name, selector }) {
  return pageNamed(name).click(selector);
}

function select({ page: name, selector, value }) {
  return pageNamed(name).selectOption(selector, value);
}

function text({ page: name, selector }) {
  return pageNamed(name).textContent(selector);
}

async function screenshot({ page: name, path }) {
  await pageNamed(name).screenshot({ path, fullPage: true });
  return path;
}

async function close({ page: name }) {
  const entry = pages.get(name);
  if (!entry) return false;
  pages.delete(name);
  await entry.context.close();
  return true;
}

async function quit() {
  if (quitting) return;
  quitting = true;
  try {
    if (browser) await bounded(browser.close(), 5000, 'closing chromium');
  } catch (e) {
    process.stderr.write('driver: ' + e.message + '\n');
  }
  process.exit(0);
}

const commands = { open, reload, invoke, fill, click, select, text, screenshot, close, quit: async () => { setImmediate(quit); return true; } };

async function handle(line) {
  let command;
  try {
    command = JSON.parse(line);
  } catch (e) {
    out({ ok: false, error: 'not JSON: ' + line });
    return;
  }
  const { id, cmd } = command;
  try {
    const run = commands[cmd];
    if (!run) throw new Error('unknown command ' + cmd);
    const timeoutMs = command.timeoutMs || DEFAULT_TIMEOUT_MS;
    const result = await bounded(Promise.resolve().then(() => run(command)), timeoutMs + 1000, cmd);
    out({ id, ok: true, result: result === undefined ? null : result });
  } catch (e) {
    out({ id, ok: false, error: e && e.message ? e.message : String(e) });
  }
}

async function main() {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    timeout: 30000,
  });
  browser.on('disconnected', () => {
    if (!quitting) {
      out({ log: 'chromium exited' });
      process.exit(3);
    }
  });
  out({ ready: true, browser: browser.version() });
  const input = readline.createInterface({ input: process.stdin });
  input.on('line', (line) => { if (line.trim()) handle(line); });
  input.on('close', quit);
}

process.on('SIGTERM', quit);
main().catch((e) => {
  out({ ready: false, error: e && e.message ? e.message : String(e) });
  process.exit(2);
});
