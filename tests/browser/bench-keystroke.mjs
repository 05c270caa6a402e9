#!/usr/bin/env node
// Measurement, not a test: keystroke → painted list latency in Chromium at 360×740, against the real
// core through clientbase-devserver with N demo clients (default 100,000).
//
//   node bench-keystroke.mjs [--clients 100000] [--rounds 3]
//
// For every keystroke the page itself records performance.now() when the input event is dispatched,
// waits until the virtual list shows the results for exactly that text (its data-query attribute),
// then waits for the next frame to be painted (requestAnimationFrame + a task after it).
import { startServer, launchBrowser, openPage } from './harness.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const CLIENTS = arg('--clients', 100_000);
const ROUNDS = arg('--rounds', 3);

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function main() {
  const t0 = Date.now();
  const server = await startServer({ demo: CLIENTS });
  console.log(`devserver with ${CLIENTS} demo clients ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const browser = await launchBrowser();
  try {
    // The app opens on Today; the keystroke bench runs on the client list.
    const { page } = await openPage(browser, `${server.url}#/clients`);
    await page.getByTestId('client-row').first().waitFor({ timeout: 120_000 });
    const stats = await server.api('stats');

    // Queries typed one character at a time: names in four scripts, and phone digits.
    const sample = await server.api('list_clients', {
      query: { text: '', category_ids: [], sort: 'recent', offset: 0, limit: 400 },
    });
    const queries = [];
    const pick = (re) => sample.rows.find((r) => re.test(r.display_name) && !queries.includes(r.display_name));
    for (const re of [/^[A-Za-z]/, /[\u0400-\u04FF]/, /[\u0370-\u03FF]/, /[\u4E00-\u9FFF]/]) {
      const r = pick(re);
      if (r) queries.push(r.display_name.slice(0, 8).toLowerCase());
    }
    const withPhone = sample.rows.find((r) => r.phone);
    if (withPhone) queries.push(withPhone.phone.replace(/\D/g, '').slice(3, 10));

    const { out: samples, api } = await page.evaluate(
      async ({ queries, rounds }) => {
        const input = document.querySelector('[data-testid="search-input"]');
        const list = document.querySelector('[data-testid="client-list"]');
        const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const shown = (text) =>
          new Promise((resolve) => {
            if (list.getAttribute('data-query') === text) return resolve();
            const mo = new MutationObserver(() => {
              if (list.getAttribute('data-query') === text) {
                mo.disconnect();
                resolve();
              }
            });
            mo.observe(list, { attributes: true, attributeFilter: ['data-query'] });
          });
        const setText = (text) => {
          input.value = text;
          input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
        };
        performance.setResourceTimingBufferSize(100_000);
        performance.clearResourceTimings();
        const out = [];
        for (let round = 0; round < rounds; round++) {
          for (const q of queries) {
            setText('');
            await shown('');
            await painted();
            for (let i = 1; i <= q.length; i++) {
              const text = q.slice(0, i);
              const t = performance.now();
              setText(text);
              await shown(text);
              await painted();
              out.push({ q: text, ms: performance.now() - t });
            }
          }
        }
        const api = performance
          .getEntriesByType('resource')
          .filter((e) => e.name.endsWith('/api/list_clients'))
          .map((e) => e.responseEnd - e.startTime);
        return { out, api };
      },
      { queries, rounds: ROUNDS },
    );

    const ms = samples.map((s) => s.ms);
    const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
    console.log(`clients in base: ${stats.clients}`);
    console.log(`queries: ${queries.map((q) => JSON.stringify(q)).join(', ')} × ${ROUNDS} rounds`);
    console.log(`keystrokes measured: ${ms.length}`);
    console.log(
      `keystroke → painted list: p50 ${pct(ms, 50).toFixed(1)} ms · p90 ${pct(ms, 90).toFixed(1)} ms · p99 ${pct(ms, 99).toFixed(1)} ms · mean ${mean.toFixed(1)} ms · max ${Math.max(...ms).toFixed(1)} ms`,
    );
    console.log(
      `  of which list_clients request (HTTP + core): p50 ${pct(api, 50).toFixed(1)} ms · p99 ${pct(api, 99).toFixed(1)} ms (${api.length} requests)`,
    );
    // Scrolling: jump to positions across the whole list; time until the viewport's rows are real
    // (no skeletons) and painted; the DOM holds only the visible window.
    const scroll = await page.evaluate(async () => {
      const input = document.querySelector('[data-testid="search-input"]');
      const list = document.querySelector('[data-testid="client-list"]');
      input.value = '';
      input.dispatchEvent(new InputEvent('input', { bubbles: true }));
      while (list.getAttribute('data-query') !== '') await new Promise((r) => setTimeout(r, 10));
      const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const out = [];
      let maxRows = 0;
      for (let i = 0; i < 40; i++) {
        const target = Math.floor(((i * 7919) % 1000) / 1000 * (list.scrollHeight - list.clientHeight));
        const t = performance.now();
        list.scrollTop = target;
        for (;;) {
          await painted();
          const rows = list.querySelectorAll('[data-testid="client-row"]').length;
          const skeletons = list.querySelectorAll('.skeleton').length;
          maxRows = Math.max(maxRows, rows + skeletons);
          if (rows > 0 && skeletons === 0) break;
        }
        out.push(performance.now() - t);
      }
      return { out, maxRows };
    });
    console.log(
      `jump-scroll anywhere in the list → rows painted: p50 ${pct(scroll.out, 50).toFixed(1)} ms · p99 ${pct(scroll.out, 99).toFixed(1)} ms · at most ${scroll.maxRows} rows in the DOM`,
    );
    const worst = [...samples].sort((a, b) => b.ms - a.ms).slice(0, 5);
    console.log(`slowest: ${worst.map((s) => `${JSON.stringify(s.q)} ${s.ms.toFixed(1)} ms`).join(' · ')}`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
