// Browser checks of Lantern's built pages, in Debian's Chromium driven by playwright-core:
//   0. self-test: axe must find violations on fixtures/broken.html, or nothing below counts;
//   1. axe-core on the key pages, light and dark, 360 px and 1280 px: no serious or
//      critical violation; no sideways scrolling; nothing fetched from another host; the
//      words of a focused uptime day stay on screen and readable; screenshots saved;
//   2. keyboard: Tab reaches every link with a visible focus; each row of day bars is one
//      tab stop and the first news item is at most 60 presses away; arrow keys, Home and
//      End move between the days of a row and Tab leaves it;
//   3. day bars (issue 18): 30 days at 360 px, each bar at least 8 px wide, a 24 × 24 px
//      link per row to the day table; 90 days at 1280 px; every bar links to
//      components/<id>/#<date>, and 20 November of the database names its incident;
//   4. no JavaScript: the home page still shows every component, its status and the
//      active incidents (compared with api/v2/summary.json and incidents/unresolved.json);
//      each row of days is a single link to a day table that has a row for every day;
//   5. the preview's error overlay (OVERLAY_URL: a `lantern serve` page after a broken
//      edit), light and dark: no axe violation, and the site's CSS does not reach it;
//   6. the page-age warning (browser clock set): on a live page from its own time, on a
//      settled page from api/v2/status.json.
// Exit status 1 on any failure. .ci/browser builds and serves the sites, then runs:
//   EXAMPLE_URL=http://127.0.0.1:8000/ SELFTEST_URL=http://127.0.0.1:8000/…/broken.html \
//   [STRESS_URL=http://127.0.0.1:8001/] [AR_URL=http://127.0.0.1:8002/ (the example in Arabic)] \
//   [OVERLAY_URL=http://127.0.0.1:8003/…] [SCREENSHOT_DIR=target/screenshots] [CHECKS=axe,keyboard,days,nojs,overlay,age] \
//   node check.mjs
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = (k, d) => process.env[k] || d;
const EXAMPLE = env('EXAMPLE_URL');
const STRESS = env('STRESS_URL', '');
const OVERLAY = env('OVERLAY_URL', '');
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
// Uptime days are the items of `.bars` lists. Without JavaScript a row is hidden from
// assistive technology and covered by its summary link (`.sum`, one link per row to the
// component's day table); the script makes each day a link to its row there
// (`components/<id>/#YYYY-MM-DD`), one of them per row in the tab order (roving tabindex).
const DAYS = '.bars > li';
const DAY_BARS = '.bars > li > a[href]';
// Issue 18: the first news item within 60 presses of Tab; 30 days on a phone, 90 wide.
const MAX_TABS_TO_NEWS = 60;
const NARROW_DAYS = 30;
const MIN_BAR_PX = 8;
const MIN_TARGET_PX = 24;
// The example's database incident and its day (site timezone).
const DB_DAY = '2026-11-20';
const DB_INCIDENT = 'incidents/2026-11-20-database-outage/';

const failures = [];
const fail = (msg) => { failures.push(msg); console.log(`  FAIL ${msg}`); };
const summary = { axe: [], tab: [], arrows: [], days: [], nojs: [], known: [], selftest: null, timing: [] };
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
    // Days a phone hides (display:none) have no words to show.
    const all = [...document.querySelectorAll(sel)].filter((e) => e.getClientRects().length);
    const firstRow = all.filter((e) => e.closest('ol') === all[0].closest('ol'));
    const picks = new Set([...firstRow, ...all.filter((e) => e.querySelector('i') && !/: 100(\.00)?% uptime$|: no data$/.test(e.textContent))]);
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
  // Focus the first visible day with an incident (else the last day) by keyboard, so
  // :focus-visible applies, then photograph and check contrast.
  const bars = page.locator(DAY_BARS);
  const n = await bars.count();
  const link = await page.evaluate((sel) => [...document.querySelectorAll(sel)]
    .findIndex((e) => e.getClientRects().length && e.textContent.includes('incident:')), DAY_BARS);
  const target = bars.nth(link >= 0 ? link : n - 1);
  // The row's tab stop, then arrow keys to the day: the way a keyboard user gets there.
  const row = target.locator('xpath=ancestor::ol[1]');
  await row.locator('a[tabindex="0"]').focus();
  await page.keyboard.press('Home');
  // Right to left (ar) the script mirrors the arrows: ArrowLeft moves on to later days.
  const next = (await row.evaluate((e) => getComputedStyle(e).direction)) === 'rtl' ? 'ArrowLeft' : 'ArrowRight';
  for (let i = 0; i < 100 && !(await target.evaluate((e) => e === document.activeElement)); i++) {
    await page.keyboard.press(next);
  }
  if (!(await target.evaluate((e) => e === document.activeElement))) fail(`${label}: arrow keys never reached the day ${await target.getAttribute('href')}`);
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

// 2. Keyboard: Tab from the top until focus leaves the page or comes back round. Every
// link outside the day bars is a stop with a visible focus; each row of days is exactly
// one stop; the first news item comes within MAX_TABS_TO_NEWS presses.
async function keyboard(base, scheme, width) {
  const since = Date.now();
  const { ctx, page } = await newPage({ scheme, width });
  await open(page, base);
  const label = `home-${scheme}-${width}`;
  const expected = await page.evaluate((sel) => {
    const links = [...document.querySelectorAll('a[href]')].filter((e) => !e.closest('[hidden]') && !e.closest('.bars'));
    let n = 0;
    for (const e of links) e.dataset.kbd = String(n++);
    const rows = [...document.querySelectorAll('ol.bars')];
    rows.forEach((r, i) => { r.dataset.row = String(i); });
    const news = document.querySelector('#h-news')?.closest('section')?.querySelector('article a[href]');
    if (news) news.dataset.news = '1';
    return { links: links.length, rows: rows.length, days: document.querySelectorAll(sel).length, news: !!news };
  }, DAYS);
  const style = () => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const s = getComputedStyle(e);
    const row = e.closest('ol.bars');
    // A day taking focus is named after its row and place, so its plain style is compared too.
    if (row && !e.dataset.kbd) e.dataset.kbd = `row${row.dataset.row}.${[...row.querySelectorAll('a')].indexOf(e)}`;
    return { kbd: e.dataset.kbd ?? null, row: row ? row.dataset.row : null, news: !!e.dataset.news,
      tag: e.tagName.toLowerCase(), text: (e.textContent || '').trim().slice(0, 60),
      sig: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} | ${s.boxShadow}` };
  };
  const stops = [];
  const seen = new Set();
  let toNews = null;
  for (let i = 0; i < expected.links + expected.rows + 50; i++) {
    await page.keyboard.press('Tab');
    const s = await page.evaluate(style);
    if (!s) break; // focus left the page: its end
    if (s.kbd !== null && seen.has(s.kbd)) break; // wrapped round
    if (s.kbd !== null) seen.add(s.kbd);
    if (s.news && toNews === null) toNews = i + 1;
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
  const rowStops = stops.filter((s) => s.row !== null);
  const perRow = new Map();
  for (const s of rowStops) perRow.set(s.row, (perRow.get(s.row) || 0) + 1);
  const rowsReached = perRow.size;
  summary.tab.push({ label, stops: stops.length, links: expected.links, rows: expected.rows, rowsReached, toNews, invisible: invisible.length });
  console.log(`keyboard ${label}: ${stops.length} tab stops for ${expected.links} links + ${expected.rows} rows of ${expected.days} days; first news item after ${toNews ?? 'never'} presses; ${invisible.length} without a visible focus`);
  if (missed.length) fail(`${label}: not reachable by Tab: ${missed.slice(0, 5).join(', ')}${missed.length > 5 ? ` and ${missed.length - 5} more` : ''}`);
  for (const s of invisible.slice(0, 5)) fail(`${label}: no visible focus on ${s.tag} "${s.text}" (${s.sig})`);
  if (rowsReached < expected.rows) fail(`${label}: only ${rowsReached} of ${expected.rows} rows of days took focus`);
  for (const [row, n] of perRow) if (n > 1) fail(`${label}: row ${row} of days took ${n} tab stops, not one`);
  if (rowStops.length > expected.rows) fail(`${label}: ${rowStops.length} tab stops in ${expected.rows} rows of days`);
  if (!expected.news) fail(`${label}: the example home page shows no news item`);
  else if (toNews === null || toNews > MAX_TABS_TO_NEWS) fail(`${label}: the first news item takes ${toNews ?? 'more than ' + stops.length} presses of Tab (at most ${MAX_TABS_TO_NEWS})`);
  await arrows(page, label);
  await ctx.close();
  lap(`keyboard ${label}`, since);
}

// Within a row: ArrowLeft/ArrowRight move focus one visible day, Home/End to the ends,
// the day's words show; Tab leaves the row.
async function arrows(page, label) {
  const rowOf = () => {
    const e = document.activeElement;
    const ol = e && e.closest('ol.bars');
    if (!ol) return null;
    const days = [...ol.querySelectorAll('a[href]')].filter((a) => a.getClientRects().length);
    const tip = e.querySelector('i');
    const r = tip && tip.getBoundingClientRect();
    return { row: ol.dataset.row, at: days.indexOf(e), of: days.length, href: e.getAttribute('href'),
      tabbable: [...ol.querySelectorAll('a[tabindex="0"]')].length, words: r && r.width > 20 ? tip.textContent : '',
      // Screen readers meet one day of a row, the focused one, not 90 one by one.
      exposed: [...ol.children].filter((li) => li.getAttribute('aria-hidden') !== 'true').length };
  };
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.locator('ol.bars a[tabindex="0"]').first().focus();
  const start = await page.evaluate(rowOf);
  if (!start) { fail(`${label}: no day of the first row can take focus`); return; }
  const steps = [['ArrowLeft', start.at - 1], ['ArrowLeft', start.at - 2], ['ArrowRight', start.at - 1],
    ['Home', 0], ['ArrowLeft', 0], ['End', start.of - 1], ['ArrowRight', start.of - 1]];
  for (const [key, want] of steps) {
    await page.keyboard.press(key);
    const now = await page.evaluate(rowOf);
    if (!now || now.row !== start.row || now.at !== want) {
      fail(`${label}: ${key} should move focus to day ${want + 1} of ${start.of} in the same row, got ${now ? `day ${now.at + 1} of row ${now.row}` : 'focus outside the row'}`);
      return;
    }
    if (now.tabbable !== 1) fail(`${label}: after ${key} the row has ${now.tabbable} days in the tab order, not one`);
    if (now.exposed !== 1) fail(`${label}: after ${key} the row shows assistive technology ${now.exposed} days, not one`);
    if (!now.words) fail(`${label}: after ${key} the day's words (${now.href}) are not shown`);
  }
  await page.keyboard.press('Home');
  await page.keyboard.press('Tab');
  const after = await page.evaluate(rowOf);
  if (after && after.row === start.row) fail(`${label}: Tab stayed in the row of days (on ${after.href})`);
  summary.arrows.push(`${label}: arrows moved within a row of ${start.of} visible days; Tab left it`);
}

// 3. Day bars on the home page at a phone's and a desktop's width.
async function days(base, width) {
  const since = Date.now();
  const label = `days-${width}`;
  const { ctx, page } = await newPage({ width });
  await open(page, base);
  const rows = await page.evaluate(() => [...document.querySelectorAll('ol.bars')].map((ol) => {
    const box = ol.closest('.days');
    const li = [...ol.children];
    const shown = li.filter((e) => e.getClientRects().length);
    const sum = box && box.querySelector('a.sum');
    const r = sum && sum.getBoundingClientRect();
    const name = ol.closest('li.component')?.querySelector('a.cname');
    return {
      component: name ? new URL(name.href).pathname.split('/').filter(Boolean).pop() : null,
      days: li.length, shown: shown.length,
      narrowest: Math.min(...shown.map((e) => e.getBoundingClientRect().width)),
      hrefs: li.map((e) => e.querySelector('a[href]')?.href ?? null),
      words: li.map((e) => e.textContent),
      from: ol.dataset.from,
      sum: r ? { w: r.width, h: r.height, href: sum.href, text: sum.textContent } : null,
    };
  }));
  if (!rows.length) fail(`${label}: the home page shows no day bars`);
  const want = width < 480 ? NARROW_DAYS : 90;
  let good = 0;
  for (const r of rows) {
    const row = `${label} ${r.component}`;
    const before = failures.length;
    if (r.shown !== Math.min(want, r.days)) fail(`${row}: ${r.shown} of ${r.days} days shown, want ${Math.min(want, r.days)}`);
    if (width < 480 && r.narrowest < MIN_BAR_PX) fail(`${row}: a day bar is ${r.narrowest.toFixed(1)} px wide (at least ${MIN_BAR_PX})`);
    if (!r.sum) fail(`${row}: no link to the day table`);
    else {
      if (r.sum.w < MIN_TARGET_PX || r.sum.h < MIN_TARGET_PX) fail(`${row}: the link to the day table is ${r.sum.w.toFixed(0)} × ${r.sum.h.toFixed(0)} px (at least ${MIN_TARGET_PX} × ${MIN_TARGET_PX})`);
      if (!r.sum.href.endsWith(`/components/${r.component}/#days`)) fail(`${row}: the row's link goes to ${r.sum.href}`);
      if (!/\d+ days?/.test(r.sum.text) || !/uptime/.test(r.sum.text)) fail(`${row}: the row's summary "${r.sum.text}" does not give the window and its uptime`);
    }
    // Day n of the row is data-from + n days, at its component's page.
    const day0 = Date.parse(r.from);
    r.hrefs.forEach((h, n) => {
      const date = new Date(day0 + n * 864e5).toISOString().slice(0, 10);
      if (!h || !h.endsWith(`/components/${r.component}/#${date}`)) {
        if (n < 3) fail(`${row}: day ${n + 1} links to ${h}, want components/${r.component}/#${date}`);
      } else if (!r.words[n].includes(': ')) fail(`${row}: day ${date} has no words ("${r.words[n]}")`);
    });
    if (failures.length === before) good++;
  }
  summary.days.push(`${label}: ${good}/${rows.length} rows showing ${want} days${width < 480 ? ` ≥ ${MIN_BAR_PX} px` : ''}, each with its day-table link`);
  console.log(`days ${label}: ${good}/${rows.length} rows as wanted`);
  // Follow the database's 20 November bar: the day's row exists and names its incident.
  const db = rows.find((r) => r.component === 'database');
  const n = db ? db.hrefs.findIndex((h) => h && h.endsWith(`#${DB_DAY}`)) : -1;
  if (n < 0) fail(`${label}: no bar of the database links to #${DB_DAY}`);
  else if (width >= 480) {
    const title = await page.evaluate(async (p) => {
      const r = await fetch(new URL(p, location.href));
      return new DOMParser().parseFromString(await r.text(), 'text/html').querySelector('h1').textContent.trim();
    }, DB_INCIDENT);
    if (!db.words[n].includes(title)) fail(`${label}: the database's ${DB_DAY} bar does not name "${title}": "${db.words[n]}"`);
    await page.locator('li.component', { has: page.locator('a.cname[href$="/database/"]') }).locator('ol.bars > li').nth(n).locator('a').click();
    await page.waitForLoadState('load');
    const row = await page.evaluate((id) => {
      const e = document.getElementById(id);
      return e && { target: e.matches(':target'), text: e.textContent, links: [...e.querySelectorAll('a[href]')].map((a) => a.pathname) };
    }, DB_DAY);
    if (!row) fail(`${label}: ${page.url()} has no element with id ${DB_DAY}`);
    else if (!row.text.includes(title) || !row.links.some((p) => p.endsWith(`/${DB_INCIDENT}`))) fail(`${label}: the ${DB_DAY} row of the database's day table does not link "${title}": "${row.text}"`);
    else summary.days.push(`${label}: the database's ${DB_DAY} bar opens ${new URL(page.url()).pathname}${new URL(page.url()).hash}, which links "${title}"`);
  }
  await ctx.close();
  lap(label, since);
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
  // Each row of days is one link (nothing inside the bars takes focus, the bars are hidden
  // from assistive technology), and a tap anywhere on the bars lands on it; its target
  // page has a day table with a row, at its own address, for every day of the bars.
  const dayRows = await page.evaluate(() => [...document.querySelectorAll('ol.bars')].map((ol) => {
    const box = ol.closest('.days');
    ol.scrollIntoView({ block: 'center' }); // elementFromPoint sees only the viewport
    const r = ol.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {
      label: ol.getAttribute('aria-label'), hidden: ol.getAttribute('aria-hidden') === 'true',
      focusable: ol.querySelectorAll('a[href], [tabindex]').length,
      links: box ? [...box.querySelectorAll('a[href]')].map((a) => a.href) : [],
      tapped: hit && hit.closest('a') ? hit.closest('a').href : null,
      days: ol.children.length, from: ol.dataset.from,
    };
  }));
  let reachable = 0;
  for (const r of dayRows) {
    const row = `${name} no-JS ${r.label}`;
    if (r.focusable || !r.hidden) { fail(`${row}: the bars take focus or are announced one by one`); continue; }
    if (r.links.length !== 1) { fail(`${row}: ${r.links.length} links in the row, not one`); continue; }
    if (r.tapped !== r.links[0]) { fail(`${row}: a tap on the bars reaches ${r.tapped}, not the row's link`); continue; }
    const res = await fetch(r.links[0]);
    const html = res.ok ? await res.text() : '';
    const ids = new Set([...html.matchAll(/<tr id="(\d{4}-\d\d-\d\d)"/g)].map((m) => m[1]));
    const want = Array.from({ length: r.days }, (_, n) => new Date(Date.parse(r.from) + n * 864e5).toISOString().slice(0, 10));
    const lost = want.filter((d) => !ids.has(d));
    if (!html.includes('id="days"') || lost.length) { fail(`${row}: ${r.links[0]} lacks the day table or days ${lost.slice(0, 3).join(', ')}`); continue; }
    reachable++;
  }
  // And one real tap on the first row's bars: the browser follows the row's link.
  if (dayRows.length) {
    const first = page.locator('ol.bars').first();
    await first.scrollIntoViewIfNeeded();
    const box = await first.boundingBox();
    await Promise.all([
      page.waitForEvent('framenavigated', { timeout: 5000 }).catch(() => null),
      page.mouse.click(box.x + box.width / 3, box.y + box.height / 2),
    ]);
    await page.waitForLoadState('load');
    if (page.url() !== dayRows[0].links[0]) fail(`${name} no-JS: a tap on the first row's bars opened ${page.url()}, not ${dayRows[0].links[0]}`);
    await open(page, base);
  }
  summary.nojs.push({ name, components: `rows of days as one link to a full day table: ${reachable}/${dayRows.length}`, incidents: '' });
  summary.nojs.push({ name, components: `${ok}/${comps.length}`, incidents: `${inc}/${unresolved.incidents.length}` });
  console.log(`no-JS ${name}: ${ok}/${comps.length} components with their status, ${inc}/${unresolved.incidents.length} active incidents`);
  await page.screenshot({ path: path.join(SHOTS, `${name}-nojs-light-1280.png`) });
  await ctx.close();
  lap(`no-JS ${name}`, since);
}

// 5. The page-age warning, with the browser's clock set: a page that shows the present
// reads its own build time; a settled page (a resolved incident) asks api/v2/status.json.
// Three hours after the build both warn; ten minutes after, neither does.
async function pageAge(base) {
  const built = Date.parse((await (await fetch(base + 'api/v2/status.json')).json()).page.updated_at);
  const cases = [
    ['home', '', 'This page was generated 3 hours ago'],
    ['incident', 'incidents/2026-11-20-database-outage/', 'This site was last built 3 hours ago'],
  ];
  for (const [name, rel, words] of cases) {
    for (const [after, want] of [[3 * 3600e3, words], [600e3, null]]) {
      const { ctx, page } = await newPage();
      await ctx.clock.install({ time: built + after });
      await open(page, base + rel);
      let text = null;
      try {
        await page.waitForFunction(() => !document.getElementById('page-age').hidden, null, { timeout: want ? 5000 : 1000 });
        text = await page.locator('#page-age').textContent();
      } catch { /* stayed hidden */ }
      const label = `page-age ${name} +${after / 60e3} min`;
      if (want && !(text || '').includes(want)) fail(`${label}: expected "${want}", got ${JSON.stringify(text)}`);
      else if (!want && text !== null) fail(`${label}: warned too early: ${text}`);
      else console.log(`${label}: ${text ?? 'no warning'}`);
      await ctx.close();
    }
  }
}

// 4. The error overlay lives in a shadow root: axe (which enters shadow roots) checks its
// contrast in both schemes, and its <pre> must not take the theme's code-block colours.
async function overlay(url) {
  for (const scheme of SCHEMES) {
    const since = Date.now();
    const { ctx, page } = await newPage({ scheme, width: 1280 });
    await open(page, url);
    const label = `overlay-${scheme}-1280`;
    const seen = await page.evaluate(() => {
      const host = document.getElementById('lantern-error');
      const root = host && host.shadowRoot;
      const pre = root && root.querySelector('pre');
      if (!pre) return null;
      const s = getComputedStyle(pre);
      const r = pre.getBoundingClientRect();
      return { text: pre.textContent, bg: s.backgroundColor, color: s.color, visible: r.height > 0 && r.top < innerHeight };
    });
    if (!seen) { fail(`${label}: no error overlay with a shadow root on ${url}`); await ctx.close(); continue; }
    if (!seen.visible) fail(`${label}: the overlay's error text is not on screen`);
    if (!/impact/.test(seen.text)) fail(`${label}: the overlay does not name the broken field: ${seen.text}`);
    if (seen.bg !== 'rgba(0, 0, 0, 0)' || seen.color !== 'rgb(255, 255, 255)') {
      fail(`${label}: the site's CSS reaches the overlay: <pre> is ${seen.color} on ${seen.bg}`);
    }
    report(label, await axe(page, '#lantern-error'));
    await page.screenshot({ path: path.join(SHOTS, `${label}.png`) });
    console.log(`${label}: overlay text ${seen.color} on the panel, ${seen.text.split('\n')[0].slice(0, 80)}`);
    await ctx.close();
    lap(label, since);
  }
}

// CHECKS=keyboard,nojs (say) runs only some steps while working on the theme; the
// self-test always runs.
const only = new Set(env('CHECKS', 'axe,keyboard,days,nojs,overlay,age').split(','));
try {
  await selftest();
  if (only.has('axe')) {
    await axePages(EXAMPLE, PAGES);
    if (STRESS) await axePages(STRESS, STRESS_PAGES);
    if (AR) await axePages(AR, AR_PAGES);
  }
  if (only.has('overlay') && OVERLAY) await overlay(OVERLAY);
  if (only.has('age')) await pageAge(EXAMPLE);
  if (only.has('keyboard')) {
    await keyboard(EXAMPLE, 'light', 1280);
    await keyboard(EXAMPLE, 'dark', 360);
  }
  if (only.has('days')) {
    await days(EXAMPLE, 360);
    await days(EXAMPLE, 1280);
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
for (const t of summary.tab) console.log(`tab stops ${t.label}: ${t.stops} for ${t.links} links + ${t.rows} rows of days (${t.rowsReached} rows reached); first news item after ${t.toNews} presses (at most ${MAX_TABS_TO_NEWS}); without a visible focus: ${t.invisible}`);
for (const a of summary.arrows) console.log(`arrow keys ${a}`);
for (const d of summary.days) console.log(`day bars ${d}`);
for (const n of summary.nojs) console.log(n.incidents ? `no-JS ${n.name}: components shown with status ${n.components}, active incidents ${n.incidents}` : `no-JS ${n.name}: ${n.components}`);
console.log(`screenshots: ${SHOTS}`);
console.log(`time: ${((Date.now() - t0) / 1000).toFixed(0)} s (${summary.timing.join(', ')})`);
if (failures.length) {
  console.log(`\nFAILED: ${failures.length} problem(s)`);
  process.exit(1);
}
console.log('browser checks passed');
