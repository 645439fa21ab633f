// The dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core. Each
// page loads from `encore serve` on loopback, shows what the API says, and is saved as a
// screenshot. Environment: ENCORE_BINARY, ENCORE_STORE (a demo store), ENCORE_NODE_MODULES (where
// npm installed playwright-core), ENCORE_SCREENSHOTS (a folder), CHROMIUM (default
// /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const env = name => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (see tests/CMakeLists.txt)`);
  return v;
};
const require = createRequire(path.join(env('ENCORE_NODE_MODULES'), 'noop.js'));
const { chromium } = require('playwright-core');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const shots = env('ENCORE_SCREENSHOTS');
mkdirSync(shots, { recursive: true });

let server, base, browser, page;
const consoleErrors = [], outside = [], failed = [];

async function apiJson(p) {
  const res = await fetch(base + '/api/v1' + p);
  assert.equal(res.status, 200, p);
  return res.json();
}

async function open(hash, ready) {
  await page.goto(base + '/' + hash);
  await page.waitForSelector(`body[data-ready="${ready}"]`, { timeout: 20000 });
  // Plots draw on the next animation frame.
  await page.waitForTimeout(150);
}

async function shot(name) {
  await page.screenshot({ path: path.join(shots, name + '.png'), fullPage: true });
}

before(async () => {
  if (!existsSync(executablePath))
    throw new Error(`Chromium is not at ${executablePath}: apt-get install chromium (quickstart.sh test does)`);
  server = spawn(env('ENCORE_BINARY'), ['serve', '--store', env('ENCORE_STORE'), '--port', '0', '--quiet'],
                 { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', d => {
      out += d;
      const m = out.match(/dashboard is at (http:\/\/[^/\s]+)\//);
      if (m) resolve(m[1]);
    });
    server.on('exit', code => reject(new Error('encore serve exited with ' + code + ': ' + out)));
  });
  browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', e => consoleErrors.push(String(e)));
  page.on('request', r => { if (!r.url().startsWith(base)) outside.push(r.url()); });
  page.on('requestfailed', r => failed.push(r.url()));
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
});

test('home: totals from the status endpoint and the latest news', async () => {
  const st = await apiJson('/status');
  await open('#/', 'home');
  assert.equal(await page.textContent('[data-testid=total-streams]'),
               new Intl.NumberFormat('en-US').format(st.streams));
  assert.ok(await page.locator('[data-testid=news-item]').count() > 0);
  await shot('home');
});

test('chart: a Spotify-style table with movement, paged by date', async () => {
  const c = await apiJson('/charts/spotify-weekly?date=2023-07-20&limit=200');
  await open('#/chart/spotify-weekly?date=2023-07-20', 'chart');
  const rows = page.locator('[data-testid=chart-row]');
  assert.equal(await rows.count(), c.entries.length);
  const first = rows.first();
  assert.ok((await first.textContent()).includes(c.entries[0].title));
  assert.equal(await page.locator('.move.new').count(), c.entries.filter(e => e.movement === 'NEW').length);
  assert.equal(await page.locator('.move.up').count(), c.entries.filter(e => e.movement.startsWith('+')).length);
  await shot('chart');
  await page.click('[data-testid=next]');
  await page.waitForSelector('body[data-ready="chart"]');
  assert.equal(await page.textContent('[data-testid=chart-date]'), c.next);
});

test('chart: the API\'s notes are shown, and an edition with nothing says so', async () => {
  const c = await apiJson('/charts/hot-100-style?limit=200');
  await open('#/chart/hot-100-style', 'chart');
  assert.equal(await page.locator('[data-testid=chart-row]').count(), c.entries.length);
  const notes = page.locator('[data-testid=chart-notes] li');
  assert.equal(await notes.count(), c.notes.length);
  assert.ok((await notes.first().textContent()).startsWith('the latest edition with streams in US'));
  await open('#/chart/hot-100-style?date=2024-06-01', 'chart');
  assert.equal(await page.locator('[data-testid=chart-row]').count(), 0);
  assert.equal(await page.locator('[data-testid=chart-empty]').count(), 1);
  assert.ok((await page.locator('[data-testid=chart-notes] li').first().textContent()).startsWith('no track has streams in US'));
});

test('track: the cumulative curve with milestone markers, and the chart run', async () => {
  const t = await apiJson('/tracks/jk-seven');
  await open('#/track/jk-seven', 'track');
  assert.equal(await page.textContent('[data-testid=track-title]'), t.title);
  const plot = page.locator('[data-testid=cumulative-plot]');
  assert.equal(await plot.locator('canvas').count(), 1);
  assert.equal(await plot.getAttribute('data-points'), String(t.series.dates.length));
  const allTime = t.milestones.filter(m => !m.year);
  // Every milestone is marked, or only the billions when there are more than 20.
  const marked = allTime.length > 20 ? allTime.filter(m => m.threshold % 1e9 === 0) : allTime;
  assert.equal(await plot.getAttribute('data-markers'), String(marked.length));
  assert.equal(await page.locator('[data-testid=milestones] tbody tr').count(), marked.length);
  const billion = allTime.find(m => m.threshold === 1e9);
  assert.ok(billion, 'Seven reached 1 billion');
  const row = page.locator('[data-testid=milestones] tr', { hasText: '1,000,000,000' });
  assert.ok((await row.textContent()).includes(billion.date));
  assert.ok((await row.textContent()).includes(String(billion.days)));
  // The next milestones as the API's forecast gives them.
  assert.ok(t.forecast && t.forecast.next.length === 3, 'a forecast of the next three milestones');
  const next = page.locator('[data-testid=forecast] tbody tr');
  assert.equal(await next.count(), 3);
  assert.ok((await next.first().textContent()).includes(t.forecast.next[0].expected));
  assert.ok(t.chart_runs.length > 0, 'Seven charted on the kept weekly chart');
  assert.equal(await page.locator('[data-testid=chart-run-plot] canvas').count(), 1);
  await shot('track');
});

test('records: fastest to 1 billion, with the record history', async () => {
  const b = await apiJson('/records/fastest?n=1e9&history=1&limit=25');
  await open('#/records/fastest?n=1e9', 'fastest');
  const rows = page.locator('[data-testid=standing]');
  assert.equal(await rows.count(), b.standings.length);
  assert.ok((await rows.first().textContent()).includes(b.standings[0].name));
  assert.equal(await page.locator('[data-testid=record-history] tr').count(), b.history.length);
  await shot('fastest');
});

test('records: the calendar-year race plot', async () => {
  const where = 'tag = k-pop and solo';
  const b = await apiJson('/records/race?year=2023&n=1e9&kind=artist&limit=10&where=' + encodeURIComponent(where));
  await open('#/records/race?year=2023&n=1e9&kind=artist&where=' + encodeURIComponent(where), 'race');
  const names = await page.locator('[data-testid=standing] td.title').allTextContents();
  assert.deepEqual(names, b.standings.map(s => s.name));
  const plot = page.locator('[data-testid=race-plot]');
  assert.equal(await plot.locator('canvas').count(), 1);
  assert.equal(await plot.getAttribute('data-series'), String(b.race.series.length));
  await shot('race');
});

test('records: firsts, most streamed, chart records and a store launch, each as the API has it', async () => {
  await open('#/records', 'records');
  const kept = await apiJson('/charts');
  assert.equal(await page.locator('[data-testid=chart-record-charts] tr').count(), kept.kept.length);
  assert.ok(await page.locator('[data-testid=record-boards] a').count() >= 5);

  const where = 'solo and country = KR';
  const f = await apiJson('/records/first?n=1e9&year=2024&kind=artist&limit=25&where=' + encodeURIComponent(where));
  await open('#/records/first?n=1e9&year=2024&kind=artist&where=' + encodeURIComponent(where), 'first');
  assert.deepEqual(await page.locator('[data-testid=standing] td.title').allTextContents(), f.standings.map(x => x.name));
  assert.equal(f.standings[0].name, 'Jung Kook');  // "the first Korean solo artist to 1 billion in 2024"

  const m = await apiJson('/records/most?limit=50');
  await open('#/records/most', 'most');
  assert.deepEqual(await page.locator('[data-testid=standing] td.title').allTextContents(), m.standings.map(x => x.name));

  const c = await apiJson('/records/charts?chart=spotify-weekly%3Aglobal&by=weeks-at-1&limit=50');
  await open('#/records/charts?chart=spotify-weekly%3Aglobal', 'chart-records');
  const rows = page.locator('[data-testid=standing]');
  assert.equal(await rows.count(), c.songs.length);
  assert.ok((await rows.first().textContent()).includes(c.songs[0].title));
  await page.selectOption('[data-testid=board-form] select[name=by]', 'debut');
  await page.click('[data-testid=board-form] button');
  await page.waitForFunction(() => document.body.dataset.ready === 'chart-records' && location.hash.includes('by=debut'));
  assert.ok((await page.locator('[data-testid=board-title]').textContent()).includes('debut'));
  // The same page answers the chart's firsts and its running-points milestones, as the API does.
  await page.selectOption('[data-testid=board-form] select[name=mode]', 'first');
  await page.waitForFunction(() => document.body.dataset.ready === 'chart-records' && location.hash.includes('first=1'));
  const fi = await apiJson('/records/charts?chart=spotify-weekly%3Aglobal&first=1&limit=50');
  assert.deepEqual(await page.locator('[data-testid=standing] td.title:nth-child(2)').allTextContents(), fi.firsts.map(x => x.artist));
  assert.equal(await page.locator('[data-testid=board-title]').textContent(), fi.title);
  const mi = await apiJson('/records/charts?chart=spotify-weekly%3Aglobal&milestones=1e9&limit=50');
  await open('#/records/charts?chart=spotify-weekly%3Aglobal&milestones=1e9', 'chart-records');
  assert.equal(await page.locator('[data-testid=standing]').count(), mi.milestones.length);
  assert.ok(mi.milestones.length > 0);
  // A mistyped artist keeps the form and says what is near.
  await open('#/records/charts?chart=spotify-weekly%3Aglobal&artist=Jung%20Kok', 'chart-records');
  assert.match(await page.locator('[data-testid=error]').textContent(), /did you mean 'Jung Kook'/);
  assert.equal(await page.locator('[data-testid=board-form]').count(), 1);

  const l = await apiJson('/records/store?track=jk-seven&within=2.5&countries=100');
  await open('#/records/store?track=jk-seven', 'store');
  assert.ok((await page.locator('[data-testid=countries-within]').textContent()).includes(String(l.countries_within)));
  assert.equal(await page.locator('[data-testid=tops] tbody tr').count(), l.tops.length);
  // Without a track: the board of every launch, each linked to its own.
  const lb = await apiJson('/records/store?within=2.5&countries=100&limit=50');
  await open('#/records/store', 'store');
  assert.deepEqual(await page.locator('[data-testid=standing] td.title').allTextContents(), lb.launches.map(x => x.name));
  assert.ok(lb.launches.length >= 1);
  await page.locator('[data-testid=standing] td.title a').first().click();
  await page.waitForFunction(() => document.body.dataset.ready === 'store' && location.hash.includes('track='));
  assert.ok(await page.locator('[data-testid=tops]').count() === 1);
  // The stores' feed snapshots: the demo has none, and the page says what to import.
  await open('#/records/store-tops', 'store-tops');
  assert.match(await page.locator('[data-testid=error]').textContent(), /chart import FEEDS/);
  assert.equal(await page.locator('[data-testid=board-form]').count(), 1);
  await open('#/records/store?track=no-such-track', 'store');
  assert.ok((await page.locator('[data-testid=error]').textContent()).length > 0);
  await shot('chart-records');
});

test('explain: a compiled chart\'s points link to their components', async () => {
  await open('#/chart/hot-100-style', 'chart');
  const link = page.locator('[data-testid=chart-row] td.num a').first();
  const href = await link.getAttribute('href');
  await link.click();
  await page.waitForFunction(() => document.body.dataset.ready === 'explain');
  const q = new URLSearchParams(href.split('?')[1]);
  const x = await apiJson('/charts/hot-100-style/explain?' + q.toString());
  assert.equal(await page.locator('[data-testid=explain-title]').textContent(), `${x.title}: No. ${x.position}`);
  assert.equal(x.position, 1);
  assert.equal(await page.locator('[data-testid=components] tr').count(), x.components.length);
  assert.ok(x.components.length > 0);
  await open('#/explain/hot-100-style?track=no-such-song', 'explain');
  assert.ok((await page.locator('[data-testid=error]').textContent()).includes("no track 'no-such-song' in the catalog"));
  await shot('explain');
});

test('news feed', async () => {
  const n = await apiJson('/news?limit=100');
  await open('#/news', 'news');
  assert.equal(await page.locator('[data-testid=news-item]').count(), n.items.length);
  assert.ok((await page.locator('[data-testid=news-item]').first().textContent()).includes(n.items[0].text));
  await shot('news');
});

test('artist page', async () => {
  const a = await apiJson('/artists/jungkook');
  await open('#/artist/jungkook', 'artist');
  assert.equal(await page.textContent('[data-testid=artist-name]'), a.name);
  assert.equal(await page.locator('[data-testid=artist-tracks] tr').count(), a.tracks.length);
  assert.equal(await page.locator('[data-testid=cumulative-plot] canvas').count(), 1);
  // The monthly listeners curve, its last figure as the API's series ends.
  const l = await apiJson('/listeners/artist/jungkook');
  assert.ok(l.points.length > 0, 'the demo holds listeners');
  assert.equal(await page.locator('[data-testid=listeners-plot] canvas').count(), 1);
  assert.equal(await page.textContent('[data-testid=monthly-listeners]'),
               l.points[l.points.length - 1].listeners.toLocaleString('en-US'));
  assert.equal(await page.locator('[data-testid=listeners-table] tbody tr').count(), l.points.length);
  await shot('artist');
});

test('listeners: the monthly listeners board with change and peak', async () => {
  const b = await apiJson('/listeners?limit=100');
  await open('#/listeners', 'listeners');
  const rows = page.locator('[data-testid=listeners-board] [data-testid=standing]');
  assert.equal(await rows.count(), b.standings.length);
  const first = await rows.first().locator('td').allTextContents();
  assert.equal(first[1], b.standings[0].name);
  assert.equal(first[2], b.standings[0].listeners.toLocaleString('en-US'));
  assert.equal(first[4], b.standings[0].peak.toLocaleString('en-US'));
  assert.equal(first[5], b.standings[0].peak_date);
  await shot('listeners');
  // The first to N listeners, from the same form.
  await page.fill('[data-testid=listeners-form] input[name=reached]', '100');
  await page.click('[data-testid=listeners-form] button');
  await page.waitForFunction(() => document.body.dataset.ready === 'listeners' && location.hash.includes('reached=100'));
  const r = await apiJson('/listeners?reached=100&limit=100');
  assert.deepEqual(await page.locator('[data-testid=standing] td.title').allTextContents(), r.standings.map(x => x.name));
  assert.ok(r.standings.length > 0);
});

test('search, then follow a result', async () => {
  await open('#/', 'home');
  await page.fill('#q', 'seven');
  await page.press('#q', 'Enter');
  await page.waitForSelector('body[data-ready="search"]');
  const r = await apiJson('/search?q=seven&limit=50');
  const links = page.locator('[data-testid=search-results] a');
  assert.equal(await links.count(), r.results.length);
  await shot('search');
  await links.first().click();
  await page.waitForSelector(`body[data-ready="${r.results[0].type}"]`);
});

// RFC 4180 rows (quoted cells with commas, doubled quotes, line ends).
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else cell += c;
  }
  return rows;
}

async function download(testid, nth = 0) {
  const [dl] = await Promise.all([page.waitForEvent('download'),
                                  page.locator(`[data-testid=${testid}]`).nth(nth).click()]);
  return { name: dl.suggestedFilename(), text: readFileSync(await dl.path(), 'utf8') };
}

test('export: a chart, a track\'s daily streams and a board download as CSV and JSON', async () => {
  const c = await apiJson('/charts/spotify-weekly?date=2023-07-20&limit=200');
  await open('#/chart/spotify-weekly?date=2023-07-20', 'chart');
  const csv = await download('export-csv');
  assert.ok(csv.name.endsWith('.csv'), csv.name);
  const rows = parseCsv(csv.text);
  const head = rows[0];
  assert.equal(rows.length - 1, c.entries.length);
  const at = name => head.indexOf(name);
  assert.ok(at('position') === 0 && at('title') > 0, head.join(','));
  c.entries.forEach((e, i) => {
    assert.equal(rows[i + 1][at('title')], e.title);
    assert.equal(Number(rows[i + 1][at('value')]), e.value);
  });
  const json = await download('export-json');
  assert.deepEqual(JSON.parse(json.text).entries, c.entries);

  const t = await apiJson('/tracks/jk-seven');
  await open('#/track/jk-seven', 'track');
  const daily = parseCsv((await download('export-csv', 0)).text);
  assert.deepEqual(daily[0], ['date', 'streams', 'premium', 'free', 'unknown', 'cumulative']);
  assert.equal(daily.length - 1, t.series.dates.length);
  assert.deepEqual(daily.slice(1, 4).map(r => [r[0], Number(r[1]), Number(r[5])]),
                   t.series.dates.slice(0, 3).map((d, i) => [d, t.series.streams[i], t.series.cumulative[i]]));

  const b = await apiJson('/records/fastest?n=1e9&history=1&limit=25');
  await open('#/records/fastest?n=1e9', 'fastest');
  const board = parseCsv((await download('export-csv')).text);
  assert.equal(board.length - 1, b.standings.length);
  assert.equal(board[0][0], 'rank');
  assert.equal(board[1][board[0].indexOf('name')], b.standings[0].name);
});

test('an unknown track shows the API error', async () => {
  await open('#/track/no-such-track', 'error');
  assert.ok((await page.textContent('[data-testid=error]')).includes("no track 'no-such-track'"));
});

// Every plot: its data as a table (the text alternative, as many rows as the API's points) and
// downloads as PNG (an image of what is drawn) and SVG (its lines redrawn as vectors).
test('plots: each has its data table and downloads as PNG and SVG', async () => {
  const t = await apiJson('/tracks/jk-seven');
  await open('#/track/jk-seven', 'track');
  const table = page.locator('[data-testid=cumulative-plot-table] tbody tr');
  assert.equal(await table.count(), t.series.dates.length);
  const lastRow = await table.last().locator('td').allTextContents();
  assert.equal(lastRow[0], t.series.dates.at(-1));
  assert.equal(lastRow[2], new Intl.NumberFormat('en-US').format(t.series.cumulative.at(-1)));
  assert.equal(await page.locator('[data-testid=chart-run-plot-table]').count(), 1);
  // The legend shows the last values before anything is hovered (not "--").
  const legend = await page.locator('[data-testid=cumulative-plot] .u-legend').textContent();
  assert.ok(legend.includes(new Intl.NumberFormat('en-US').format(t.series.cumulative.at(-1))), legend);
  const [png] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=plot-png]').first().click()]);
  assert.ok(png.suggestedFilename().endsWith('.png'), png.suggestedFilename());
  const bytes = readFileSync(await png.path());
  assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]);  // "PNG"
  const svg = await download('plot-svg');
  assert.ok(svg.name.endsWith('.svg'), svg.name);
  assert.ok(svg.text.startsWith('<svg') && svg.text.includes('<polyline') && svg.text.includes('Streams (cumulative)'));

  const b = await apiJson('/records/race?year=2023&n=1e9&kind=artist&limit=10');
  await open('#/records/race?year=2023&n=1e9&kind=artist', 'race');
  const race = page.locator('[data-testid=race-plot-table]');
  assert.equal(await race.locator('tbody tr').count(), b.race.day_of_year.length);
  assert.equal(await race.locator('thead th').count(), 1 + b.race.series.length);

  await open('#/artist/jungkook', 'artist');
  assert.ok(await page.locator('[data-testid=listeners-table] tbody tr').count() > 0);
});

// A phone (390 px) and a laptop (1400 px): no view scrolls sideways, numbers are not cut, and the
// plots follow the window's width.
test('every view at 390 and 1400 px: nothing overflows the page', async () => {
  const views = [['#/', 'home'], ['#/charts', 'charts'], ['#/chart/spotify-weekly?date=2023-07-20', 'chart'],
    ['#/chart/spotify-daily', 'chart'], ['#/track/jk-seven', 'track'], ['#/artist/jungkook', 'artist'],
    ['#/release/golden', 'release'], ['#/records/fastest?n=1e9', 'fastest'],
    ['#/records/race?year=2023&n=1e9&kind=artist', 'race'], ['#/news', 'news'], ['#/listeners', 'listeners'],
    ['#/records', 'records'], ['#/records/first?year=2024&kind=artist', 'first'], ['#/records/most', 'most'],
    ['#/records/charts?chart=spotify-weekly%3Aglobal', 'chart-records'], ['#/records/store?track=jk-seven', 'store'],
    ['#/records/charts?chart=spotify-weekly%3Aglobal&first=1', 'chart-records'],
    ['#/records/charts?chart=spotify-weekly%3Aglobal&milestones=1e9', 'chart-records'], ['#/records/store', 'store'], ['#/records/store-tops', 'store-tops'],
    ['#/explain/hot-100-style?track=jk-seven', 'explain'], ['#/listeners?reached=100', 'listeners']];
  for (const width of [390, 1400]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [hash, ready] of views) {
      await open(hash, ready);
      const over = await page.evaluate(() => {
        const w = document.documentElement.clientWidth;
        const out = [];
        if (document.documentElement.scrollWidth > w) out.push('page ' + document.documentElement.scrollWidth);
        // A number cell wider than its text: cut.
        for (const td of document.querySelectorAll('td.num'))
          if (td.scrollWidth > td.clientWidth + 1) out.push('cut ' + td.textContent);
        for (const c of document.querySelectorAll('.plot canvas'))
          if (c.getBoundingClientRect().right > w) out.push('plot ' + Math.round(c.getBoundingClientRect().right));
        return out.slice(0, 5);
      });
      assert.deepEqual(over, [], `${hash} at ${width} px`);
      if (width === 390) await shot('phone-' + ready + (hash.includes('daily') ? '-daily' : ''));
    }
  }
  // A plot follows the window: narrower after a resize.
  await open('#/track/jk-seven', 'track');
  const wide = await page.locator('[data-testid=cumulative-plot] canvas').boundingBox();
  await page.setViewportSize({ width: 500, height: 900 });
  await page.waitForTimeout(400);
  const narrow = await page.locator('[data-testid=cumulative-plot] canvas').boundingBox();
  assert.ok(narrow.width < wide.width && narrow.x + narrow.width <= 500, `${wide.width} -> ${narrow.width}`);
  await page.setViewportSize({ width: 1280, height: 900 });
});

// The keyboard alone: Tab reaches the navigation and the search, Enter follows a link and submits.
test('keyboard: navigation and search without a mouse', async () => {
  await page.goto('about:blank');  // a fresh load: the keyboard starts at the top of the page
  await open('#/', 'home');
  const seen = [];
  for (let i = 0; i < 6 && seen.at(-1) !== 'Charts'; ++i) {
    await page.keyboard.press('Tab');
    seen.push(await page.evaluate(() => document.activeElement.textContent.trim()));
  }
  assert.equal(seen.at(-1), 'Charts', 'Tab reached: ' + JSON.stringify(seen));
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-ready="charts"]');
  await page.fill('#q', '');  // an earlier search left its words there
  await page.focus('#q');
  await page.keyboard.type('seven jung kook');
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-ready="search"]');
  // The first result is a link the keyboard reaches.
  const first = page.locator('main a').first();
  await first.focus();
  assert.ok((await first.textContent()).toLowerCase().includes('seven'));
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-ready]:not([data-ready="search"])');
});

// What the API has, the pages show: a track's other versions and peak day, an artist's aliases,
// songs (every version together) and news, each news item a link to what it is about.
test('pages: versions, peak day, aliases, songs and linked news', async () => {
  const t = await apiJson('/tracks/jk-seven');
  await open('#/track/jk-seven', 'track');
  assert.equal(await page.locator('[data-testid=other-versions] li').count(), t.other_versions.length);
  assert.ok(t.other_versions.length > 0);
  let at = 0;
  t.series.streams.forEach((v, i) => { if (v > t.series.streams[at]) at = i; });
  assert.ok((await page.textContent('[data-testid=peak-day]')).includes(t.series.dates[at]));
  const a = await apiJson('/artists/jungkook');
  await open('#/artist/jungkook', 'artist');
  assert.equal(await page.locator('[data-testid=artist-songs] tbody tr').count(), a.songs.length);
  assert.ok((await page.textContent('main')).includes(a.aliases[0]));
  const item = page.locator('.news [data-testid=news-item] a').first();
  assert.ok((await item.getAttribute('href')).startsWith('#/artist/jungkook'));
  await open('#/news', 'news');
  await page.locator('[data-testid=news-item] a').first().click();
  await page.waitForSelector('body[data-ready]:not([data-ready="news"])');
  assert.ok(['artist', 'track', 'release'].includes(await page.evaluate(() => document.body.dataset.ready)));
});

test('nothing failed and nothing left loopback', () => {
  assert.deepEqual(consoleErrors.filter(e => !e.includes('404')), []);
  assert.deepEqual(outside, []);
  assert.deepEqual(failed, []);
});
