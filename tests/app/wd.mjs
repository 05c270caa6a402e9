// A minimal W3C WebDriver client over fetch, for the real Tauri app driven by WebKitGTK's own driver
// (`WebKitWebDriver`). No dependencies: measured here, WebKitWebDriver used directly is reliable
// (40/40 sessions) where tauri-driver's proxy dropped raw sessions.
//
//   const driver = await startDriver();
//   const s = await driver.session(appBinary, ['--db', dbFile]);
//   await (await s.waitFor('[data-testid="search-input"]')).type('067');
//   await s.quit(); await driver.stop();

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = join(ROOT, 'tests/artifacts');
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The app binary: $CLIENTBASE_APP, else the debug build in target/. */
export function appBinary() {
  return process.env.CLIENTBASE_APP || join(ROOT, 'target/debug/clientbase-app');
}

async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

export class WebDriverError extends Error {}

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebDriverError(`${method} ${path}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  }
  if (!res.ok || (json.value && json.value.error)) {
    const v = json.value || {};
    const err = new WebDriverError(`${method} ${path}: ${v.error || res.status}: ${v.message || text.slice(0, 300)}`);
    err.code = v.error;
    throw err;
  }
  return json.value;
}

/** Starts `WebKitWebDriver` on a free port (with TAURI_WEBVIEW_AUTOMATION=true) and waits for it. */
export async function startDriver({ env = {} } = {}) {
  const port = await freePort();
  // In a process group of its own, which `stop` ends whole: the app it launched too. An app left
  // running (a session whose DELETE did not close it) holds the test runner's output pipe open,
  // and the run waits for it forever (seen once in CI under load).
  const proc = spawn('WebKitWebDriver', [`--port=${port}`], {
    env: { ...process.env, TAURI_WEBVIEW_AUTOMATION: 'true', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  const signal = (sig) => {
    try {
      process.kill(-proc.pid, sig);
    } catch {
      /* the group is gone */
    }
  };
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${proc.exitCode}`);
    try {
      await call(base, 'GET', '/status');
      break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not answer on ${base}: ${e.message}`);
      await sleep(100);
    }
  }
  return {
    base,
    /** Launches the app (`binary args…`) and opens a session on its webview. */
    async session(binary, args = []) {
      const value = await call(base, 'POST', '/session', {
        capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary, args } } },
      });
      return new Session(base, value.sessionId);
    },
    async stop() {
      if (proc.exitCode === null) {
        signal('SIGTERM');
        await Promise.race([new Promise((r) => proc.once('exit', r)), sleep(3000)]);
      }
      // The driver's children (the app, WebKit's helpers) may outlive it: the whole group.
      signal('SIGKILL');
    },
  };
}

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }
  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }
  /** Runs `script` (a function body; `arguments` holds `args`) in the page and returns its value. */
  exec(script, ...args) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }
  /** Like exec, but the script calls `arguments[arguments.length - 1](value)` when done. */
  execAsync(script, ...args) {
    return this.cmd('POST', '/execute/async', { script, args });
  }
  async find(css) {
    const v = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return new Element(this, v[ELEMENT]);
  }
  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return v.map((e) => new Element(this, e[ELEMENT]));
  }
  /** Polls until `css` matches a displayed element (or `timeout` ms pass). */
  async waitFor(css, { timeout = 10000, visible = true } = {}) {
    return this.waitUntil(async () => {
      const els = await this.findAll(css);
      for (const el of els) if (!visible || (await el.displayed())) return el;
      return null;
    }, { timeout, what: `element ${css}` });
  }
  /** Polls `fn` until it returns a truthy value, which is returned. */
  async waitUntil(fn, { timeout = 10000, interval = 50, what = 'condition' } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
      }
      await sleep(interval);
    }
  }
  /** Saves a PNG screenshot to tests/artifacts/<name>.png and returns its path. */
  async screenshot(name) {
    // Let the page paint what the test just waited for: two animation frames, then a short pause.
    await this.execAsync(
      'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));',
    ).catch(() => {});
    const b64 = await this.cmd('GET', '/screenshot');
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, `${name}.png`);
    writeFileSync(file, Buffer.from(b64, 'base64'));
    return file;
  }
  /** Calls a Tauri command through the app's own IPC (for fixtures, never for what is under test). */
  invoke(command, args = {}) {
    return this.execAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
         .then((value) => done({ ok: value }),
               (error) => done({ error: typeof error === 'string' ? error : JSON.stringify(error) }));`,
      command,
      args,
    ).then((r) => {
      if (r && 'error' in r) throw new Error(`${command}: ${r.error}`);
      return r.ok;
    });
  }
  async quit() {
    try {
      await this.cmd('DELETE', '');
    } catch {
      /* the app may already be gone */
    }
  }
}

export class Element {
  constructor(session, id) {
    this.s = session;
    this.id = id;
  }
  cmd(method, path, body) {
    return this.s.cmd(method, `/element/${this.id}${path}`, body);
  }
  click() {
    return this.cmd('POST', '/click', {});
  }
  clear() {
    return this.cmd('POST', '/clear', {});
  }
  type(text) {
    return this.cmd('POST', '/value', { text });
  }
  text() {
    return this.cmd('GET', '/text');
  }
  attr(name) {
    return this.cmd('GET', `/attribute/${name}`);
  }
  prop(name) {
    return this.cmd('GET', `/property/${name}`);
  }
  displayed() {
    return this.cmd('GET', '/displayed');
  }
  async find(css) {
    const v = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return new Element(this.s, v[ELEMENT]);
  }
  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return v.map((e) => new Element(this.s, e[ELEMENT]));
  }
}
