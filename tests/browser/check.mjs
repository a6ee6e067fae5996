// Browser checks of Lantern's built pages, in Debian's Chromium driven by playwright-core:
//   0. self-test: axe must find violations on fixtures/broken.html, or nothing below counts;
//   1. axe-core on the key pages, light and dark, 360 px and 1280 px: no serious or
//      critical violation; no sideways scrolling; nothing fetched from another host; the
//      words of a focused uptime day stay on screen and readable; screenshots saved;
//   2. keyboard: Tab reaches every link and every uptime day, each with a visible focus;
//   3. no JavaScript: the home page still shows every component, its status and the
//      active incidents (compared with api/v2/summary.json and incidents/unresolved.json).
// Exit status 1 on any failure. .ci/browser builds and serves the sites, then runs:
//   EXAMPLE_URL=http://127.0.0.1:8000/ SELFTEST_URL=http://127.0.0.1:8000/…/broken.html \
//   [STRESS_URL=http://127.0.0.1:8001/] [AR_URL=http://127.0.0.1:8002/ (the example in Arabic)] \
//   [SCREENSHOT_DIR=target/screenshots] [CHECKS=axe,keyboard,nojs] \
//   node check.mjs
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = (k, d) => process.env[k] || d;
const EXAMPLE = env('EXAMPLE_URL');
const STRESS = env('STRESS_URL', '');
const AR = env('AR_URL', '');
const SELFTEST = env('SELFTEST_URL');
const SHOTS = path.resolve(env('SCREENSHOT_DIR', path.join(here, '../../target/screenshots')));
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
if (!EXAMPLE || !SELFTEST) {
  console.error('usage: EXAMPLE_URL=… SELFTEST_URL=… [STRESS_URL=…] [SCREENSHOT_DIR=…] node check.mjs');
  process.exit(2);
}
const AXE = readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
const BLOCKING = new Set(['serious', 'critical']);
const SCHEMES = ['light', 'dark'];
const WIDTHS = [360, 1280];
// [name, path, widths]: the example's key pages at both widths; the stress site's
// (200 components, RTL, emoji, long words) where layouts break first.
const PAGES = [
  ['home', '', WIDTHS],
  ['incident', 'incidents/2026-11-20-database-outage/', WIDTHS],
  ['component', 'components/database/', WIDTHS],
  ['history', 'history/', WIDTHS],
];
// The example built with `language: ar`: right to left (issue 15).
const AR_PAGES = [
  ['ar-home', '', WIDTHS],
  ['ar-component', 'components/database/', WIDTHS],
];
const STRESS_PAGES = [
  ['stress-home', '', WIDTHS],
  ['stress-incident', 'incidents/2026-11-27-rtl-outage/', WIDTHS],
  ['stress-component', 'components/c001/', [360]],
];
// Violations outside the theme's reach, named with where the fix belongs. They are
// printed in the summary but do not fail the run. Keep this list short and dated.
// Violations accepted for now, each with the reason; empty means none are.
const KNOWN = [];
// Uptime days are the items of `.bars` lists. A day is reachable through a link (days
// with an incident) or by being focusable itself (tabindex=0; the old markup's inner
// span is accepted too). DAY_BARS finds the focusable ones; the keyboard check also
// counts the items, so a day that lost its tabindex is caught.
const DAYS = '.bars > li';
const DAY_BARS = '.bars > li > a[href], .bars > li[tabindex], .bars > li > span[tabindex]';

const failures = [];
const fail = (msg) => { failures.push(msg); console.log(`  FAIL ${msg}`); };
const summary = { axe: [], tab: [], nojs: [], known: [], selftest: null, timing: [] };
const t0 = Date.now();
const lap = (what, since) => summary.timing.push(`${what} ${((Date.now() - since) / 1000).toFixed(1)} s`);

mkdirSync(SHOTS, { recursive: true });
// Playwright starts every browser with a fresh temporary --user-data-dir of its own.
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function newPage({ width = 1280, scheme = 'light', js = true } = {}) {
  const ctx = await browser.newContext({
    viewport: { width, height: 800 },
    colorScheme: scheme,
    javaScriptEnabled: js,
    reducedMotion: 'reduce',
  });
  const page = await ctx.newPage();
  const external = [];
  // Nothing may come from another host (fonts, scripts, images, CDNs): record and block.
  await ctx.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.hostname !== '127.0.0.1' && u.protocol !== 'data:') {
      external.push(u.href);
      return route.abort();
    }
    return route.continue();
  });
  page.on('pageerror', (e) => fail(`JavaScript error on ${page.url()}: ${e.message}`));
  return { ctx, page, external };
}

async function open(page, url) {
  const res = await page.goto(url, { waitUntil: 'load' });
  if (!res || !res.ok()) throw new Error(`GET ${url}: HTTP ${res ? res.status() : 'no response'}`);
}

async function axe(page, context = null, options = {}) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ content: AXE });
  }
  return page.evaluate(async ([c, o]) => {
    const r = await window.axe.run(c ?? document, { resultTypes: ['violations'], ...o });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${(n.failureSummary || '').split('\n').slice(1, 2).join('').trim()}`),
    }));
  }, [context, options]);
}

function report(label, violations, { record = true } = {}) {
  const known = (v) => KNOWN.find((k) => k.page.test(label) && k.id === v.id);
  const blocking = violations.filter((v) => BLOCKING.has(v.impact) && !known(v));
  if (record) {
    summary.axe.push({ label, all: violations.length, blocking: blocking.length,
      ids: violations.map((v) => `${v.id}(${v.impact},${v.nodes.length}${known(v) ? ',known' : ''})`) });
  }
  for (const v of violations) {
    const line = `${label}: ${v.impact} ${v.id}: ${v.help}: ${v.nodes.length} node(s), e.g. ${v.nodes.slice(0, 2).join(' | ')}`;
    const k = known(v);
    if (k) {
      if (!summary.known.includes(k)) summary.known.push(k);
      console.log(`  known ${line}`);
    } else if (BLOCKING.has(v.impact)) fail(line);
    else console.log(`  note ${line}`);
  }
}

// 0. Self-test: a check that cannot fail proves nothing.
async function selftest() {
  const { ctx, page } = await newPage();
  await open(page, SELFTEST);
  const v = await axe(page);
  const ids = v.map((x) => x.id);
  summary.selftest = ids;
  const missing = ['image-alt', 'color-contrast'].filter((w) => !ids.includes(w));
  console.log(`self-test: axe reports ${v.length} violation(s) on broken.html: ${ids.join(', ') || 'none'}`);
  if (missing.length) fail(`self-test: axe did not report ${missing.join(', ')} on ${SELFTEST}: the accessibility check cannot fail, so it proves nothing`);
  await ctx.close();
}

// 1. axe on each page × scheme × width, with a full-page screenshot.
async function axePages(base, pages) {
  for (const [name, rel, widths] of pages) {
    for (const scheme of SCHEMES) {
      for (const width of widths) {
        const since = Date.now();
        const { ctx, page, external } = await newPage({ scheme, width });
        await open(page, base + rel);
        const label = `${name}-${scheme}-${width}`;
        report(label, await axe(page));
        if (name.startsWith('ar-') && (await page.evaluate(() => document.documentElement.dir)) !== 'rtl') {
          fail(`${label}: <html> is not dir="rtl"`);
        }
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) {
          const wide = await page.evaluate(() => [...document.querySelectorAll('main *')]
            .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
            .slice(-3).map((e) => `${e.tagName.toLowerCase()}.${e.className}`).join(', '));
          fail(`${label}: the page scrolls sideways by ${overflow}px (${wide})`);
        }
        if (external.length) fail(`${label}: requests to other hosts: ${external.join(', ')}`);
        await page.screenshot({ path: path.join(SHOTS, `${label}.png`), fullPage: true });
        if (await page.locator(DAY_BARS).count()) await dayWords(page, label);
        await ctx.close();
        lap(label, since);
      }
    }
  }
}

// A day's words show on focus: every day of the first component's row (and every day that
// links to an incident) must keep them inside the window; one of them is checked for
// contrast by axe and photographed.
async function dayWords(page, label) {
  const bad = await page.evaluate((sel) => {
    const all = [...document.querySelectorAll(sel)];
    const firstRow = all.filter((e) => e.closest('ol') === all[0].closest('ol'));
    const picks = new Set([...firstRow, ...all.filter((e) => e.tagName === 'A')]);
    const out = [];
    for (const e of picks) {
      e.focus();
      const tip = e.querySelector('i') || e;
      const r = tip.getBoundingClientRect();
      if (r.left < 0 || r.right > document.documentElement.clientWidth || r.top < 0 && scrollY === 0 || r.width < 20) {
        out.push(`day ${all.indexOf(e)} "${tip.textContent}" at ${Math.round(r.left)}…${Math.round(r.right)} (width ${Math.round(r.width)})`);
      }
    }
    return { out, checked: picks.size };
  }, DAY_BARS);
  for (const b of bad.out.slice(0, 3)) fail(`${label}: the words of ${b} do not fit the window`);
  // Focus the first day that links to an incident (else the last day) by keyboard, so
  // :focus-visible applies, then photograph and check contrast.
  const bars = page.locator(DAY_BARS);
  const n = await bars.count();
  const link = await page.evaluate((sel) => [...document.querySelectorAll(sel)].findIndex((e) => e.tagName === 'A'), DAY_BARS);
  const target = bars.nth(link >= 0 ? link : n - 1);
  await target.focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  await target.scrollIntoViewIfNeeded();
  await page.evaluate(() => scrollBy(0, -120));
  await page.screenshot({ path: path.join(SHOTS, `${label}-focus.png`) });
  const v = await axe(page, await page.evaluate(() => {
    const ol = document.activeElement.closest('ol');
    ol.id ||= 'axe-focused-bars';
    return '#' + ol.id;
  }), { runOnly: ['color-contrast'] });
  report(`${label} (focused day)`, v, { record: false });
}

// 2. Keyboard: Tab from the top until focus leaves the page or comes back round.
async function keyboard(base, scheme, width) {
  const since = Date.now();
  const { ctx, page } = await newPage({ scheme, width });
  await open(page, base);
  const label = `home-${scheme}-${width}`;
  // Days with an incident are links and day bars at once: count them as day bars.
  const expected = await page.evaluate(([sel, daySel]) => {
    const bars = [...document.querySelectorAll(sel)];
    const days = document.querySelectorAll(daySel).length;
    const links = [...document.querySelectorAll('a[href]')].filter((e) => !e.closest('[hidden]') && !bars.includes(e));
    let n = 0;
    for (const e of [...links, ...bars]) e.dataset.kbd = String(n++);
    return { links: links.length, bars: days, focusable: bars.length, total: n };
  }, [DAY_BARS, DAYS]);
  if (expected.focusable < expected.bars) fail(`${label}: ${expected.bars - expected.focusable} of ${expected.bars} uptime days can take no focus (no link, no tabindex)`);
  const style = () => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const s = getComputedStyle(e);
    return { kbd: e.dataset.kbd ?? null, tag: e.tagName.toLowerCase(), text: (e.textContent || '').trim().slice(0, 60),
      sig: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} | ${s.boxShadow}`, bar: !!e.closest('.bars') };
  };
  const stops = [];
  const seen = new Set();
  for (let i = 0; i < expected.total + 50; i++) {
    await page.keyboard.press('Tab');
    const s = await page.evaluate(style);
    if (!s) break; // focus left the page: its end
    if (s.kbd !== null && seen.has(s.kbd)) break; // wrapped round
    if (s.kbd !== null) seen.add(s.kbd);
    stops.push(s);
  }
  // The same elements without focus: the focused style must differ from it.
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const plain = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-kbd]')].map((e) => {
    const s = getComputedStyle(e);
    return [e.dataset.kbd, `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} | ${s.boxShadow}`];
  })));
  const invisible = stops.filter((s) => s.kbd !== null && plain[s.kbd] === s.sig);
  const missed = await page.evaluate((seenIds) => [...document.querySelectorAll('[data-kbd]')]
    .filter((e) => !seenIds.includes(e.dataset.kbd))
    .map((e) => `${e.tagName.toLowerCase()} "${(e.textContent || '').trim().slice(0, 50)}"`), [...seen]);
  const barStops = stops.filter((s) => s.bar).length;
  summary.tab.push({ label, stops: stops.length, links: expected.links, bars: expected.bars, barStops, invisible: invisible.length });
  console.log(`keyboard ${label}: ${stops.length} tab stops (${barStops} of them uptime days) for ${expected.links} links + ${expected.bars} days; ${invisible.length} without a visible focus`);
  if (stops.length < expected.links + expected.bars) fail(`${label}: ${stops.length} tab stops, fewer than ${expected.links} links + ${expected.bars} uptime days`);
  if (missed.length) fail(`${label}: not reachable by Tab: ${missed.slice(0, 5).join(', ')}${missed.length > 5 ? ` and ${missed.length - 5} more` : ''}`);
  for (const s of invisible.slice(0, 5)) fail(`${label}: no visible focus on ${s.tag} "${s.text}" (${s.sig})`);
  if (barStops < expected.bars) fail(`${label}: only ${barStops} of ${expected.bars} uptime days took focus`);
  await ctx.close();
  lap(`keyboard ${label}`, since);
}

// 3. Without JavaScript the home page tells the whole truth.
async function noJs(base, name) {
  const since = Date.now();
  const get = async (p) => {
    const r = await fetch(base + p);
    if (!r.ok) throw new Error(`GET ${base + p}: HTTP ${r.status}`);
    return r.json();
  };
  const sum = await get('api/v2/summary.json');
  const unresolved = await get('api/v2/incidents/unresolved.json');
  const { ctx, page } = await newPage({ js: false });
  await open(page, base);
  // Statuspage vocabulary → the words the page shows ("unknown" reads degraded_performance
  // in the API, "Status unknown" on the page).
  const labels = {
    operational: ['Operational'],
    degraded_performance: ['Degraded performance', 'Status unknown'],
    partial_outage: ['Partial outage'],
    major_outage: ['Major outage'],
    under_maintenance: ['Under maintenance'],
  };
  // Every component row as rendered: the name (its link) and the row's visible words.
  const rows = await page.evaluate(() => [...document.querySelectorAll('main li a[href*="/components/"]')]
    .filter((a) => a.closest('li').querySelector('.bars'))
    .map((a) => ({ name: a.innerText.trim(), row: a.closest('li').innerText })));
  const text = await page.evaluate(() => document.querySelector('main').innerText);
  const source = await page.evaluate(() => document.querySelector('main').textContent);
  let ok = 0;
  const comps = sum.components.filter((c) => !c.group);
  for (const c of comps) {
    const row = rows.find((r) => r.name === c.name);
    if (!row) { fail(`${name} no-JS: component "${c.name}" is not shown`); continue; }
    const want = labels[c.status] ?? [c.status];
    if (!want.some((w) => row.row.includes(w))) { fail(`${name} no-JS: "${c.name}" does not show its status (${want.join(' or ')})`); continue; }
    ok++;
  }
  for (const g of sum.components.filter((c) => c.group)) {
    if (!source.includes(g.name)) fail(`${name} no-JS: group "${g.name}" is not shown`);
  }
  // Active incidents: each one's title, in the "Active incidents" section, with its status.
  const active = await page.evaluate(() => {
    const h = document.getElementById('h-incidents');
    return h ? h.closest('section').innerText : '';
  });
  const incStatus = { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring' };
  let inc = 0;
  for (const i of unresolved.incidents) {
    if (!active.includes(i.name)) { fail(`${name} no-JS: active incident "${i.name}" is not shown under Active incidents`); continue; }
    if (incStatus[i.status] && !active.includes(incStatus[i.status])) { fail(`${name} no-JS: the status of "${i.name}" is not shown`); continue; }
    inc++;
  }
  if (!text.includes(sum.status.description)) fail(`${name} no-JS: the banner "${sum.status.description}" is not shown`);
  summary.nojs.push({ name, components: `${ok}/${comps.length}`, incidents: `${inc}/${unresolved.incidents.length}` });
  console.log(`no-JS ${name}: ${ok}/${comps.length} components with their status, ${inc}/${unresolved.incidents.length} active incidents`);
  await page.screenshot({ path: path.join(SHOTS, `${name}-nojs-light-1280.png`) });
  await ctx.close();
  lap(`no-JS ${name}`, since);
}

// CHECKS=keyboard,nojs (say) runs only some steps while working on the theme; the
// self-test always runs.
const only = new Set(env('CHECKS', 'axe,keyboard,nojs').split(','));
try {
  await selftest();
  if (only.has('axe')) {
    await axePages(EXAMPLE, PAGES);
    if (STRESS) await axePages(STRESS, STRESS_PAGES);
    if (AR) await axePages(AR, AR_PAGES);
  }
  if (only.has('keyboard')) {
    await keyboard(EXAMPLE, 'light', 1280);
    await keyboard(EXAMPLE, 'dark', 360);
  }
  if (only.has('nojs')) {
    await noJs(EXAMPLE, 'example');
    if (STRESS) await noJs(STRESS, 'stress');
  }
} catch (e) {
  fail(`unexpected error: ${e.stack || e}`);
} finally {
  await browser.close();
}

console.log('\n== browser summary');
console.log(`self-test (fixtures/broken.html): axe reports ${summary.selftest ? summary.selftest.join(', ') || 'NOTHING' : 'not run'}`);
console.log('axe violations, serious+critical / all, per page-scheme-width:');
for (const a of summary.axe) {
  console.log(`  ${a.label.padEnd(28)} ${a.blocking} / ${a.all}${a.ids.length ? '   ' + a.ids.join(' ') : ''}`);
}
for (const k of summary.known) console.log(`known, not blocking: ${k.id} on ${k.page}: ${k.why}`);
for (const t of summary.tab) console.log(`tab stops ${t.label}: ${t.stops} (needed ${t.links} links + ${t.bars} uptime days = ${t.links + t.bars}); without a visible focus: ${t.invisible}`);
for (const n of summary.nojs) console.log(`no-JS ${n.name}: components shown with status ${n.components}, active incidents ${n.incidents}`);
console.log(`screenshots: ${SHOTS}`);
console.log(`time: ${((Date.now() - t0) / 1000).toFixed(0)} s (${summary.timing.join(', ')})`);
if (failures.length) {
  console.log(`\nFAILED: ${failures.length} problem(s)`);
  process.exit(1);
}
console.log('browser checks passed');
