// encore's dashboard: one page, routed by the URL's hash, reading the JSON API (doc/api/http.md).
// Plots use uPlot (installed by npm at build time and built into the binary).
'use strict';

const main = document.getElementById('main');
const fmt = new Intl.NumberFormat('en-US');
const COLORS = ['#1db954', '#3d8bfd', '#e5534b', '#d29922', '#a371f7', '#39c5cf', '#f778ba',
                '#8b949e', '#ff7b72', '#7ee787'];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  // A table scrolls within its panel when a phone is narrower than its columns; the page never
  // scrolls sideways.
  if (tag === 'table') return el('div', { class: 'table-wrap' }, e);
  return e;
}

// A form whose submit opens `base` with its fields as the query.
function submitsTo(f, base) {
  f.addEventListener('submit', ev => {
    ev.preventDefault();
    location.hash = base + qs(Object.fromEntries(new FormData(f)));
  });
  return f;
}

// The API's answer, or null after showing its error under the page's heading and form (which
// stay, so that a bad value can be corrected); `ready` marks the page done either way.
async function apiOrError(path, title, ready, ...above) {
  try {
    return await api(path);
  } catch (e) {
    show(title, el('h1', {}, title), above, el('div', { class: 'error', 'data-testid': 'error' }, e.message));
    done(ready);
    return null;
  }
}

// "50 of 120 songs: the CSV has them all", true of a download of up to 1,000 rows (the API's
// largest page); past that it says how to page the rest.
function moreNote(shown, total, what) {
  if (total <= shown) return null;
  return el('p', { class: 'sub', 'data-testid': 'more' }, `${num(shown)} of ${num(total)}${what ? ' ' + what : ''}: ` +
    (total <= 1000 ? 'the CSV has them all.' : 'the CSV has the first 1,000; the API pages the rest (offset=).'));
}

function num(v) { return v === null || v === undefined ? '' : fmt.format(v); }
function short(n) {
  if (n >= 1e9) return (n / 1e9).toFixed(n % 1e9 ? 2 : 0).replace(/\.?0+$/, '') + 'B';
  if (n >= 1e6) return (n / 1e6).toFixed(1).replace(/\.0$/, '') + 'M';
  return fmt.format(n);
}
function secs(date) { return Date.parse(date + 'T00:00:00Z') / 1000; }
function href(link) {
  if (!link) return null;
  return '#/' + link.type + '/' + encodeURIComponent(link.id);
}
function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== null && v !== undefined) p.set(k, v);
  const s = p.toString();
  return s ? '?' + s : '';
}

class ApiError extends Error {}
async function api(path) {
  const res = await fetch('/api/v1' + path, { headers: { Accept: 'application/json' } });
  const body = await res.json();
  if (!res.ok) throw new ApiError(body.error ? body.error.message : res.statusText);
  return body;
}

// Links that download a view's data as the API gives it: CSV (its table; `table` names which
// of the answer's) and JSON. `path`: the API path the view read, with its parameters.
function exportLinks(path, table, label) {
  const view = location.hash.replace(/^#/, '') || '/';
  const embed = location.origin + '/#' + view + (view.includes('?') ? '&' : '?') + 'embed=1';
  const sep = path.includes('?') ? '&' : '?';
  const csv = '/api/v1' + path + sep + 'format=csv' + (table ? '&table=' + encodeURIComponent(table) : '');
  const stem = (label || path.split('?')[0].split('/').filter(Boolean).join('-')).replace(/[^A-Za-z0-9_.-]+/g, '-');
  return el('p', { class: 'export', 'data-testid': 'export' }, 'Download ' + (label ? label + ' ' : ''),
    el('a', { href: csv, download: stem + '.csv', 'data-testid': 'export-csv' }, 'CSV'), ' · ',
    el('a', { href: '/api/v1' + path, download: stem + '.json', 'data-testid': 'export-json' }, 'JSON'),
    ' · ', el('a', { href: embed, 'data-testid': 'embed', title: 'This view alone, for an <iframe>' }, 'Embed'));
}

function show(title, ...children) {
  document.title = title ? title + ' — encore' : 'encore';
  main.replaceChildren(...children.flat(Infinity).filter(c => c !== null && c !== undefined));
}

function done(page) { document.body.dataset.ready = page; }

function movement(m) {
  if (m === null || m === undefined) return el('span', { class: 'move same' }, '');
  if (m === 'NEW') return el('span', { class: 'move new', title: 'new on the chart' }, 'NEW');
  if (m === 'RE') return el('span', { class: 'move re', title: 're-entry' }, 'RE');
  if (m === '=') return el('span', { class: 'move same', title: 'no change' }, '=');
  const up = m.startsWith('+');
  return el('span', { class: 'move ' + (up ? 'up' : 'down'),
                      title: (up ? 'up ' : 'down ') + m.slice(1) }, (up ? '▲' : '▼') + m.slice(1));
}

// A news item links to the page of what it is about (an artist, a track, a release).
function newsLink(entity) {
  const at = (entity || '').indexOf(':');
  const type = entity ? entity.slice(0, at) : '';
  return ['artist', 'track', 'release'].includes(type) ? href({ type, id: entity.slice(at + 1) }) : null;
}

function newsList(items) {
  return el('ul', {}, items.map(n => el('li', { 'data-testid': 'news-item' },
    el('div', { class: 'when' }, el('span', { class: 'kind ' + n.kind }, n.kind), n.date),
    el('div', {}, newsLink(n.entity) ? el('a', { href: newsLink(n.entity) }, n.text) : n.text))));
}

function plotWidth(container) { return Math.max(240, (container.clientWidth || main.clientWidth) - 16); }

// Every plot on the page follows the window's width.
const plots = new Set();
let resizeTimer = null;
addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const box of [...plots]) {
      if (!box.isConnected || !box.plot) { plots.delete(box); continue; }
      box.plot.setSize({ width: plotWidth(box), height: box.plot.height });
    }
  }, 100);
});

// ISO dates on a time axis, in UTC: years, months or days as the ticks' spacing wants.
function isoTicks(u, splits) {
  const ds = splits.map(s => new Date(s * 1000).toISOString());
  if (ds.every(d => d.slice(5, 10) === '01-01')) return ds.map(d => d.slice(0, 4));
  if (ds.every(d => d.slice(8, 10) === '01')) return ds.map(d => d.slice(0, 7));
  return ds.map(d => d.slice(0, 10));
}

// A plot's data as a table: its text alternative, folded under the plot.
function plotTable(testid, headers, rows) {
  return el('details', { class: 'plot-table', 'data-testid': testid + '-table' },
    el('summary', {}, `Data table (${num(rows.length)} rows)`),
    el('table', {}, el('thead', {}, el('tr', {}, headers.map((h, i) => el('th', { class: i ? 'num' : '' }, h)))),
      el('tbody', {}, rows.map(r => el('tr', {}, r.map((v, i) => el('td', { class: i ? 'num' : '' },
        typeof v === 'number' ? num(v) : v ?? '–')))))));
}

// A plot as an image: PNG (what is drawn, on the page's background, with its legend) or SVG (the
// axes, the lines and the legend drawn again as vectors).
function plotPng(box, name) {
  const u = box.plot, src = u.ctx.canvas, pad = 8 * devicePixelRatio, line = 18 * devicePixelRatio;
  const labels = u.series.slice(1).filter(s => s.show !== false);
  const c = document.createElement('canvas');
  c.width = src.width + 2 * pad;
  c.height = src.height + 2 * pad + line * labels.length;
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#1e1e1e'; ctx.fillRect(0, 0, c.width, c.height);
  ctx.drawImage(src, pad, pad);
  ctx.font = `${12 * devicePixelRatio}px system-ui`;
  labels.forEach((s, i) => {
    const y = src.height + pad + line * (i + 0.8);
    ctx.fillStyle = typeof s.stroke === 'function' ? s.stroke(u, i + 1) : s.stroke;
    ctx.fillRect(pad, y - 9 * devicePixelRatio, 12 * devicePixelRatio, 4 * devicePixelRatio);
    ctx.fillStyle = '#eaeaea'; ctx.fillText(s.label, pad + 18 * devicePixelRatio, y);
  });
  c.toBlob(b => download(URL.createObjectURL(b), name + '.png'), 'image/png');
}

function plotSvg(box, name) {
  const u = box.plot, W = u.width, legend = u.series.slice(1).filter(s => s.show !== false);
  const H = u.height + 20 * legend.length + 10;
  const esc = s => String(s).replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const bb = { left: u.bbox.left / devicePixelRatio, top: u.bbox.top / devicePixelRatio,
               width: u.bbox.width / devicePixelRatio, height: u.bbox.height / devicePixelRatio };
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="11">`,
               `<rect width="100%" height="100%" fill="#1e1e1e"/>`,
               `<rect x="${bb.left}" y="${bb.top}" width="${bb.width}" height="${bb.height}" fill="none" stroke="#2a2a2a"/>`];
  // The ticks uPlot chose, with its labels.
  u.axes.forEach((a, ai) => {
    const key = ai === 0 ? 'x' : (a.scale || 'y');
    (a._splits || []).forEach((v, i) => {
      const p = u.valToPos(v, key);
      const label = a._values ? a._values[i] : v;
      if (ai === 0) {
        const x = bb.left + p;
        out.push(`<line x1="${x}" y1="${bb.top}" x2="${x}" y2="${bb.top + bb.height}" stroke="#2a2a2a"/>`,
                 `<text x="${x}" y="${bb.top + bb.height + 14}" fill="#a0a0a0" text-anchor="middle">${esc(label)}</text>`);
      } else {
        const y = bb.top + p;
        out.push(`<line x1="${bb.left}" y1="${y}" x2="${bb.left + bb.width}" y2="${y}" stroke="#2a2a2a"/>`,
                 `<text x="${bb.left - 6}" y="${y + 4}" fill="#a0a0a0" text-anchor="end">${esc(label)}</text>`);
      }
    });
  });
  u.series.forEach((s, si) => {
    if (si === 0 || s.show === false) return;
    const stroke = typeof s.stroke === 'function' ? s.stroke(u, si) : s.stroke;
    let pts = [];
    const flush = () => {
      if (pts.length) out.push(`<polyline fill="none" stroke="${stroke}" stroke-width="2" points="${pts.join(' ')}"/>`);
      pts = [];
    };
    u.data[si].forEach((v, i) => {
      if (v === null || v === undefined) { flush(); return; }
      pts.push(`${(bb.left + u.valToPos(u.data[0][i], 'x')).toFixed(1)},${(bb.top + u.valToPos(v, s.scale || 'y')).toFixed(1)}`);
    });
    flush();
  });
  // What the plot draws on top (milestones, N, names at line ends), and the axes' titles.
  for (const x of box.svgExtras || []) {
    if (x.line) out.push(`<line x1="${x.line[0]}" y1="${x.line[1]}" x2="${x.line[2]}" y2="${x.line[3]}" stroke="${x.color}"${x.dash ? ' stroke-dasharray="4 4"' : ''}/>`);
    if (x.dot) out.push(`<circle cx="${x.dot[0]}" cy="${x.dot[1]}" r="3" fill="${x.color}"/>`);
    if (x.text) out.push(`<text x="${x.at[0]}" y="${x.at[1]}" fill="${x.color}">${esc(x.text)}</text>`);
  }
  u.axes.forEach((a, ai) => {
    if (!a.label) return;
    if (ai === 0) out.push(`<text x="${bb.left + bb.width / 2}" y="${bb.top + bb.height + 32}" fill="#a0a0a0" text-anchor="middle">${esc(a.label)}</text>`);
    else out.push(`<text x="12" y="${bb.top + bb.height / 2}" fill="#a0a0a0" text-anchor="middle" transform="rotate(-90 12 ${bb.top + bb.height / 2})">${esc(a.label)}</text>`);
  });
  legend.forEach((s, i) => {
    const y = u.height + 14 + 20 * i;
    const stroke = typeof s.stroke === 'function' ? s.stroke(u, i + 1) : s.stroke;
    out.push(`<rect x="10" y="${y - 6}" width="12" height="4" fill="${stroke}"/>`,
             `<text x="28" y="${y}" fill="#eaeaea">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  download(URL.createObjectURL(new Blob([out.join('\n')], { type: 'image/svg+xml' })), name + '.svg');
}

function download(url, filename) {
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
}

// Draws a uPlot into box once the box is on the page: as wide as its panel and following the
// window, dates in ISO form (UTC), the legend showing the last values rather than "--" until
// hovered, with PNG and SVG downloads and the data as a table (the plot's text alternative).
// Returns the box, its download links and the table, to be shown together.
function drawPlot(box, opts, data, name, table) {
  if (opts.scales && opts.scales.x && opts.scales.x.time) {
    opts.tzDate = ts => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC');
    opts.axes[0].values = isoTicks;
    opts.axes[0].space = 90;  // an ISO date is about 65 px wide: never two run together
    if (!opts.padding) opts.padding = [12, 36, 0, 0];  // room for the last date's second half
  }
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', name + ': a plot; its data table follows');
  // The legend shows the last values whenever the cursor is not on the plot.
  const last = data[0].length - 1;
  const atLast = u => { if (last >= 0 && u.cursor.idx == null) u.setLegend({ idx: last }); };
  opts.hooks = opts.hooks || {};
  opts.hooks.ready = [...(opts.hooks.ready || []), atLast];
  opts.hooks.setCursor = [...(opts.hooks.setCursor || []), atLast];
  requestAnimationFrame(() => {
    opts.width = plotWidth(box);
    box.plot = new uPlot(opts, data, box);
    plots.add(box);
  });
  const stem = name.replace(/[^A-Za-z0-9_.-]+/g, '-');
  const link = (label, f) => el('a', { href: '#', 'data-testid': 'plot-' + label.toLowerCase(),
    onclick: ev => { ev.preventDefault(); if (box.plot) f(box, stem); } }, label);
  return [box, el('p', { class: 'export', 'data-testid': 'plot-export' }, 'Download the plot ',
                  link('PNG', plotPng), ' · ', link('SVG', plotSvg)), table];
}

// The all-time milestones worth marking: every one, or only the billions when there are more
// than 20 (a long career has dozens).
function shownMilestones(ms) {
  const all = (ms || []).filter(m => !m.year);
  return all.length > 20 ? all.filter(m => m.threshold % 1e9 === 0) : all;
}

// A cumulative-streams curve with the milestones marked: a dashed line from the axis up to the
// point where the total was passed, labelled left of it (above the curve, where nothing else is
// drawn; a label that would overlap one already drawn is left to the data table).
function cumulativePlot(series, milestones, testid, name) {
  const box = el('div', { class: 'plot', 'data-testid': testid });
  if (!series || !series.dates.length) return el('p', { class: 'sub' }, 'No streams counted yet.');
  const xs = series.dates.map(secs);
  const marks = shownMilestones(milestones);
  const opts = {
    width: 800, height: 320,
    scales: { x: { time: true } },
    axes: [{ stroke: '#a0a0a0', grid: { stroke: '#2a2a2a' } },
           { stroke: '#a0a0a0', grid: { stroke: '#2a2a2a' }, size: 60, values: (u, v) => v.map(short) }],
    series: [{ label: 'Date', value: (u, v) => v === null ? '' : new Date(v * 1000).toISOString().slice(0, 10) },
             { label: 'Streams (cumulative)', stroke: '#1db954', width: 2, fill: 'rgba(29,185,84,.12)',
               value: (u, v) => v === null ? '' : num(v) }],
    hooks: { draw: [u => {
      const ctx = u.ctx, px = devicePixelRatio;
      ctx.save();
      ctx.font = `${11 * px}px system-ui`;
      ctx.textAlign = 'left'; ctx.textBaseline = 'alphabetic';
      // The markers and dashed lines first, so that each label can keep clear of all of them.
      const pts = marks.map(m => ({ x: u.valToPos(secs(m.date), 'x', true), y: u.valToPos(m.threshold, 'y', true) }));
      const lines = pts.map(p => ({ x: p.x, top: p.y }));
      const marked = pts.map(p => ({ l: p.x - 4 * px, r: p.x + 4 * px, t: p.y - 4 * px, b: p.y + 4 * px }));
      const drawn = [...marked];
      const extras = [];  // what the SVG download draws again (canvas px / devicePixelRatio)
      // The curve's highest point (smallest y on the canvas) over [l, r].
      const cum = u.data[1], xsAll = u.data[0];
      const curveTop = (l, r) => {
        let top = Infinity;
        for (let i = 0; i < xsAll.length; ++i) {
          const cx = u.valToPos(xsAll[i], 'x', true);
          if (cx < l - 2 * px || cx > r + 2 * px || cum[i] === null) continue;
          top = Math.min(top, u.valToPos(cum[i], 'y', true));
        }
        return top;
      };
      for (const m of marks) {
        const x = u.valToPos(secs(m.date), 'x', true);
        const y = u.valToPos(m.threshold, 'y', true);
        ctx.setLineDash([4 * px, 4 * px]);
        ctx.strokeStyle = 'rgba(210,153,34,.6)';
        ctx.beginPath(); ctx.moveTo(x, u.bbox.top + u.bbox.height); ctx.lineTo(x, y); ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = '#d29922';
        ctx.beginPath(); ctx.arc(x, y, 3 * px, 0, 2 * Math.PI); ctx.fill();
        const text = short(m.threshold), w = ctx.measureText(text).width, h = 12 * px;
        // Where the label may go: left of the point and above it (above the curve, which rises
        // to the point), else centred above the point; never over a label, a marker, a dashed
        // line or the curve; else it is left to the data table.
        const spot = [[x - 6 * px - w, y - 5 * px], [x - w / 2, y - 9 * px]].map(([lx, by]) =>
          ({ l: lx - 2 * px, r: lx + w + 2 * px, t: by - h, b: by + 2 * px, lx, by })).find(c =>
          c.l >= u.bbox.left && c.t >= u.bbox.top && c.r <= u.bbox.left + u.bbox.width &&
          !drawn.some(d => d.l < c.r && c.l < d.r && d.t < c.b && c.t < d.b) &&
          !lines.some(l => l.x > c.l && l.x < c.r && l.top < c.b) &&
          curveTop(c.l, c.r) > c.b);
        extras.push({ line: [x / px, u.bbox.top / px + u.bbox.height / px, x / px, y / px], color: '#d29922', dash: true },
                    { dot: [x / px, y / px], color: '#d29922' });
        if (!spot) continue;
        drawn.push(spot);
        ctx.fillText(text, spot.lx, spot.by);
        extras.push({ text, at: [spot.lx / px, spot.by / px], color: '#d29922' });
      }
      box.svgExtras = extras;
      ctx.restore();
    }] },
  };
  box.dataset.points = String(xs.length);
  box.dataset.markers = String(marks.length);
  const daily = series.streams || [];
  return drawPlot(box, opts, [xs, series.cumulative], name || 'cumulative streams',
    plotTable(testid, ['Date', 'Streams that day', 'Cumulative'],
              series.dates.map((d, i) => [d, daily[i] ?? null, series.cumulative[i]])));
}

// A song's runs on the kept charts: position by date, No. 1 at the top (and always a tick), one
// line per chart and title.
function chartRunPlot(runs, name) {
  const box = el('div', { class: 'plot', 'data-testid': 'chart-run-plot' });
  // One line per run; runs of one chart and title (a single and its album's track) told apart by
  // their debut.
  const base = runs.map(r => `${r.chart}: ${r.title}`);
  const labels = runs.map((r, i) => base.filter(b => b === base[i]).length > 1
    ? `${base[i]} (debut ${r.debut.date})` : base[i]);
  const dates = [...new Set(runs.flatMap(r => r.positions.map(p => p[0])))].sort();
  const xs = dates.map(secs);
  const data = [xs, ...runs.map(r => { const at = new Map(r.positions); return dates.map(d => at.has(d) ? at.get(d) : null); })];
  const top = Math.max(10, ...data.slice(1).flat().filter(v => v !== null));
  const step = top <= 10 ? 1 : top <= 50 ? 10 : top <= 100 ? 20 : 50;
  const opts = {
    width: 800, height: 260,
    scales: { x: { time: true }, y: { dir: -1, range: () => [1, top] } },
    axes: [{ stroke: '#a0a0a0', grid: { stroke: '#2a2a2a' } },
           { stroke: '#a0a0a0', grid: { stroke: '#2a2a2a' }, label: 'Position', size: 50,
             splits: () => [1, ...Array.from({ length: Math.floor(top / step) }, (_, i) => (i + 1) * step).filter(v => v > 1)],
             values: (u, v) => v.map(p => (p === 1 ? 'No. 1' : String(p))) }],
    series: [{ label: 'Date', value: (u, v) => v === null ? '' : new Date(v * 1000).toISOString().slice(0, 10) },
             ...labels.map((l, i) => ({ label: l, stroke: COLORS[i % COLORS.length], width: 2,
                                        spanGaps: false, points: { show: true, size: 4 } }))],
  };
  box.dataset.editions = String(xs.length);
  box.dataset.lines = String(labels.length);
  return drawPlot(box, opts, data, (name ? name + ' ' : '') + 'chart runs',
    plotTable('chart-run-plot', ['Date', ...labels], dates.map((d, i) => [d, ...data.slice(1).map(s => s[i])])));
}

// The day with the most streams, and its date.
function peakDay(series) {
  if (!series || !series.streams || !series.streams.length) return null;
  let at = 0;
  series.streams.forEach((v, i) => { if (v > series.streams[at]) at = i; });
  return card('Peak day', num(series.streams[at]) + ' on ' + series.dates[at], 'peak-day');
}

function card(label, value, testid) {
  return el('div', { class: 'card' }, el('div', { class: 'label' }, label),
            el('div', { class: 'big', 'data-testid': testid }, value));
}

function milestoneTable(ms) {
  const rows = shownMilestones(ms);
  const all = ms.filter(m => !m.year).length;
  if (!rows.length) return el('p', { class: 'sub' }, 'No milestone reached yet.');
  return el('div', {}, rows.length < all ? el('p', { class: 'sub' }, `Every billion (${all} milestones of 100 million in all).`) : null,
    el('table', { 'data-testid': 'milestones' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Milestone'), el('th', {}, 'Date'),
                                 el('th', { class: 'num' }, 'Days'), el('th', { class: 'num' }, 'Total that day'))),
    el('tbody', {}, rows.map(m => el('tr', {},
      el('td', {}, num(m.threshold)), el('td', {}, m.date), el('td', { class: 'num' }, m.days ?? ''),
      el('td', { class: 'num' }, num(m.after)))))));
}

// An unranked act's entity (doc/catalog.md, "Unranked acts") says why it has no records.
function unrankedNote(entity) {
  return entity && entity.unranked
    ? el('p', { class: 'sub', 'data-testid': 'unranked' },
         'An unranked act (tagged unranked in the catalog): counted and charted, kept out of the records and the news.')
    : null;
}

// The next milestones as the forecast expects them (doc/records.md, "Forecasts"), or nothing.
function forecastTable(f) {
  if (!f) return null;
  const pct = ((f.weekly_change - 1) * 100).toFixed(1);
  return [el('h2', {}, 'Next milestones (forecast)'),
    el('p', { class: 'sub' }, `From ${f.as_of}: ${num(f.streams_a_day)} streams a day, ` +
       `${pct >= 0 ? '+' : ''}${pct} % a week; a 90 % interval of the trend.`),
    el('table', { 'data-testid': 'forecast' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Milestone'), el('th', {}, 'Expected'), el('th', {}, '90 % interval'))),
      el('tbody', {}, f.next.map(x => el('tr', {},
        el('td', {}, num(x.threshold)), el('td', {}, x.expected || 'not on pace'),
        el('td', {}, x.earliest ? `${x.earliest} – ${x.latest || 'not on pace'}` : '')))))];
}

// ----------------------------------------------------------------------------------------------
// Pages

async function home() {
  const [st, news] = await Promise.all([api('/status'), api('/news?limit=8')]);
  show('', el('h1', {}, 'encore'),
    el('div', { class: 'sub' }, `Store ${st.store}: ${st.days.first} to ${st.days.last}`),
    el('div', { class: 'cards' },
      card('Streams counted', num(st.streams), 'total-streams'), card('Days', num(st.days.count)),
      card('Tracks', num(st.tracks)), card('Artists in the catalog', num(st.catalog.artists)),
      card('News items', num(st.records.news))),
    el('h2', {}, 'Latest news'), el('div', { class: 'news' }, newsList(news.items)),
    el('h2', {}, 'Sources'),
    el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'File'), el('th', {}, 'Kind'),
      el('th', { class: 'num' }, 'Lines'), el('th', { class: 'num' }, 'Counted'), el('th', { class: 'num' }, 'Rejected'))),
      el('tbody', {}, st.sources.map(s => el('tr', {}, el('td', {}, s.file), el('td', {}, s.kind),
        el('td', { class: 'num' }, num(s.lines)), el('td', { class: 'num' }, num(s.counted)),
        el('td', { class: 'num' }, num(s.rejected)))))));
  done('home');
}

async function charts() {
  const c = await api('/charts');
  const link = (name, label) => el('a', { href: '#/chart/' + encodeURIComponent(name) }, label);
  show('Charts', el('h1', {}, 'Charts'),
    el('h2', {}, 'Compiled from the counts'),
    el('table', { 'data-testid': 'compiled-charts' }, el('tbody', {}, c.compiled.map(m => el('tr', {},
      el('td', { class: 'title' }, link(m.chart, m.title || m.chart)), el('td', {}, m.chart),
      el('td', {}, m.period), el('td', {}, (m.regions || []).join(' ')))))),
    el('h2', {}, 'Kept (imported or stored)'),
    el('table', {}, el('tbody', {}, c.kept.map(k => el('tr', {},
      el('td', { class: 'title' }, link(k.chart, k.chart)), el('td', {}, `${k.editions} editions`),
      el('td', {}, `${k.first} .. ${k.last}`))))));
  done('charts');
}

async function chart(name, params) {
  const path = '/charts/' + encodeURIComponent(name) + qs({ date: params.date,
    region: params.region || params.country, hour: params.hour, limit: 200 });
  let c;
  try {
    c = await api(path);
  } catch (e) {
    // An hourly store chart wants its hour (and country): a form, not an error page.
    if (!/hourly store chart/.test(e.message)) throw e;
    const f = el('form', { class: 'toolbar', 'data-testid': 'hour-form' },
      el('label', { for: 'ch' }, 'hour (UTC)'),
      el('input', { id: 'ch', name: 'hour', value: params.hour || '', size: 13, placeholder: '2023-07-14T04' }),
      el('label', { for: 'cr' }, 'country'),
      el('input', { id: 'cr', name: 'region', value: params.region || 'US', size: 4 }),
      el('button', { type: 'submit' }, 'Show'));
    f.addEventListener('submit', ev => {
      ev.preventDefault();
      location.hash = '#/chart/' + encodeURIComponent(name) + qs(Object.fromEntries(new FormData(f)));
    });
    show(name, el('h1', {}, name), el('p', { class: 'sub' }, e.message), f);
    done('chart');
    return;
  }
  const go = over => '#/chart/' + encodeURIComponent(name) + qs({ ...params, ...over });
  const nav = el('div', { class: 'toolbar' },
    el('a', { class: 'button', 'data-testid': 'previous', href: c.previous ? go(c.hour ? { hour: c.previous } : { date: c.previous }) : null },
       '◀ ' + (c.previous || '')),
    el('span', { 'data-testid': 'chart-date' }, c.date || c.hour),
    el('a', { class: 'button', 'data-testid': 'next', href: c.next ? go(c.hour ? { hour: c.next } : { date: c.next }) : null },
       (c.next || '') + ' ▶'),
    c.region ? el('span', { class: 'sub' }, 'region ' + c.region) : null,
    c.period ? el('span', { class: 'sub' }, `counts ${c.period[0]} .. ${c.period[1]}`) : null);
  const valueName = c.value_name || 'value';
  // A compiled chart's points link to their explanation (GET /charts/NAME/explain).
  const explainable = c.source === 'compiled' && c.date && !c.hour;
  const table = el('table', { 'data-testid': 'chart-table' },
    el('thead', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, ''), el('th', {}, 'Title'),
      el('th', { class: 'num' }, valueName), el('th', { class: 'num' }, c.run_unit === 'days' ? 'Yesterday' : 'Last week'),
      el('th', { class: 'num' }, 'Peak'), el('th', { class: 'num' }, c.run_unit === 'days' ? 'Days' : 'Weeks'))),
    el('tbody', {}, c.entries.map(e => el('tr', { 'data-testid': 'chart-row' },
      el('td', { class: 'pos' }, e.position),
      el('td', {}, movement(e.movement)),
      el('td', { class: 'title' },
         e.track ? el('a', { href: '#/track/' + encodeURIComponent(e.track) }, e.title) : e.title,
         el('div', { class: 'artist' }, e.artist || (e.in_catalog === false ? 'not in the catalog' : ''))),
      el('td', { class: 'num' }, explainable
        ? el('a', { href: '#/explain/' + encodeURIComponent(name) + qs({ track: e.track || (e.tracks && e.tracks[0]) || e.title, date: c.date, region: c.region }),
                    title: 'why this place: the points by component', 'aria-label': `why No. ${e.position}: ${num(e.value)} ${valueName}` }, num(e.value))
        : num(e.value)),
      el('td', { class: 'num' }, e.last_week ?? '–'),
      el('td', { class: 'num' }, e.peak ?? ''),
      el('td', { class: 'num' }, num(e.weeks))))));
  // The API's notes (eligibility, an edition with nothing in its region and where its streams
  // end), above the table; an empty edition says so.
  const notes = (c.notes || []).length
    ? el('ul', { class: 'notes', 'data-testid': 'chart-notes' }, c.notes.map(n => el('li', {}, n))) : null;
  show(c.title || name, el('h1', {}, c.title || name), el('div', { class: 'sub' }, name + ' · ' + c.source),
       nav, notes, c.entries.length ? [table, exportLinks(path, 'entries', name + '-' + (c.date || c.hour || ''))]
                                   : el('p', { class: 'sub', 'data-testid': 'chart-empty' }, 'No entries in this edition.'),
       c.total > c.entries.length ? el('p', { class: 'sub' }, `${c.entries.length} of ${c.total}`) : null);
  done('chart');
}

// Why a track has its place on a compiled chart: its points by component, the entries around it.
async function explain(name, params) {
  const path = '/charts/' + encodeURIComponent(name) + '/explain' + qs({ track: params.track, date: params.date, region: params.region });
  let x;
  try {
    x = await api(path);
  } catch (e) {
    show('Why this place', el('h1', {}, 'Why this place'), el('div', { class: 'error', 'data-testid': 'error' }, e.message),
         el('p', {}, el('a', { href: '#/chart/' + encodeURIComponent(name) + qs({ date: params.date, region: params.region }) }, 'Back to the chart')));
    done('explain');
    return;
  }
  const back = '#/chart/' + encodeURIComponent(name) + qs({ date: x.date, region: x.region });
  show(`${x.title} on ${name}`, el('h1', { 'data-testid': 'explain-title' }, `${x.title}: No. ${x.position}`),
    el('div', { class: 'sub' }, x.artist || 'not in the catalog', ' · ', el('a', { href: back }, `${name}, ${x.region}, dated ${x.date}`),
       ` · counting ${x.period[0]} .. ${x.period[1]}`),
    el('div', { class: 'cards' },
      card('Position', 'No. ' + x.position + (x.in_top ? '' : ` (outside the top ${x.size})`), 'explain-position'),
      card(x.value_name, num(Math.round(x.points * 100) / 100), 'explain-points'),
      card('Streams counted', `${num(x.premium)} premium · ${num(x.free)} free` + (x.unknown ? ` · ${num(x.unknown)} unknown` : ''), 'explain-streams')),
    el('h2', {}, 'Points by component'),
    el('table', { 'data-testid': 'components' }, el('tbody', {}, x.components.map(l => el('tr', {}, el('td', {}, l.line))))),
    el('p', { class: 'sub' }, 'Tracks counted: ' + (x.tracks.length ? x.tracks.join(', ') : 'none (the points are the components above)')),
    el('h2', {}, 'Around it'),
    el('table', { 'data-testid': 'neighbours' },
      el('thead', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, 'Title'), el('th', { class: 'num' }, x.value_name))),
      el('tbody', {}, x.neighbours.map(n => el('tr', {}, el('td', { class: 'pos' }, n.position),
        el('td', { class: 'title' }, n.title, el('div', { class: 'artist' }, n.artist)),
        el('td', { class: 'num' }, num(Math.round(n.points * 100) / 100)))))),
    el('p', { class: 'sub' }, 'Ties: ' + x.ties + '.'),
    x.notes.length ? el('ul', { class: 'notes' }, x.notes.map(n => el('li', {}, 'rule: ' + n))) : null,
    exportLinks(path, 'components', 'explain-' + name));
  done('explain');
}

async function track(id) {
  const path = '/tracks/' + encodeURIComponent(id);
  const t = await api(path);
  const lc = await listenersCurve('track', id);
  const runs = t.chart_runs || [];
  show(t.title,
    el('h1', { 'data-testid': 'track-title' }, t.title),
    el('div', { class: 'sub' }, t.credit,
       t.release ? [' · ', el('a', { href: '#/release/' + encodeURIComponent(t.release.id) }, t.release.title),
                    ' · released ', t.release.date] : null,
       ' · ', (t.artists || []).map((a, i) => [i ? ', ' : '', el('a', { href: '#/artist/' + encodeURIComponent(a.id) }, a.name)])),
    t.version_kind ? el('div', { class: 'sub' }, `song "${t.song}", version ${t.version_kind}` +
                                                (t.version ? ` (${t.version})` : '')) : null,
    unrankedNote(t.entity),
    el('div', { class: 'cards' },
      card('Streams', num(t.series.total), 'track-streams'),
      card('Days counted', num(t.series.dates.length)),
      peakDay(t.series),
      card('Milestones', num(t.milestones.filter(m => !m.year).length)),
      runs.length ? card('Best chart peak', '#' + Math.min(...runs.map(r => r.peak))) : null),
    (t.other_versions || []).length ? [el('h2', {}, 'Other versions of the song'),
      el('ul', { class: 'versions', 'data-testid': 'other-versions' }, t.other_versions.map(v =>
        el('li', {}, el('a', { href: '#/track/' + encodeURIComponent(v.id) }, v.title))))] : null,
    el('h2', {}, 'Cumulative streams'), cumulativePlot(t.series, t.milestones, 'cumulative-plot', t.title + ' cumulative streams'),
    exportLinks(path, 'series', 'daily streams'),
    el('h2', {}, 'Milestones'), milestoneTable(t.milestones), exportLinks(path, 'milestones', 'milestones'),
    forecastTable(t.forecast),
    el('h2', {}, 'Monthly listeners'), lc,
    runs.length ? [el('h2', {}, 'Chart runs'), chartRunPlot(runs, t.title),
      el('table', { 'data-testid': 'chart-runs' }, el('thead', {}, el('tr', {}, el('th', {}, 'Chart'),
        el('th', {}, 'Debut'), el('th', { class: 'num' }, 'Peak'), el('th', { class: 'num' }, 'Weeks (days)'),
        el('th', { class: 'num' }, 'At No. 1'))),
        el('tbody', {}, runs.map(r => el('tr', {}, el('td', {}, r.chart, el('div', { class: 'artist' }, r.title)),
          el('td', {}, `No. ${r.debut.position} on ${r.debut.date}`), el('td', { class: 'num' }, r.peak),
          el('td', { class: 'num' }, r.weeks ?? `${r.days} days`),
          el('td', { class: 'num' }, r.weeks_at_1 ?? `${r.days_at_1} days`)))))] : null,
    t.news && t.news.length ? [el('h2', {}, 'News'), el('div', { class: 'news' }, newsList(t.news.slice(0, 10)))] : null);
  done('track');
}

async function artist(id) {
  const a = await api('/artists/' + encodeURIComponent(id));
  const lc = await listenersCurve('artist', id);
  const trackRows = list => list.map(t => el('tr', {},
    el('td', { class: 'title' }, el('a', { href: '#/track/' + encodeURIComponent(t.id) }, t.title),
       el('div', { class: 'artist' }, t.release_title)),
    el('td', { class: 'num' }, num(t.streams))));
  show(a.name,
    el('h1', { 'data-testid': 'artist-name' }, a.name),
    el('div', { class: 'sub' }, `${a.kind} · ${a.country}${a.continent ? ' (' + a.continent + ')' : ''}`,
       a.member_of.length ? [' · member of ', a.member_of.map((g, i) => [i ? ', ' : '', el('a', { href: '#/artist/' + encodeURIComponent(g.id) }, g.name)])] : null,
       a.members.length ? [' · members: ', a.members.map((m, i) => [i ? ', ' : '', el('a', { href: '#/artist/' + encodeURIComponent(m.id) }, m.name)])] : null,
       (a.aliases || []).length ? [' · also known as ', a.aliases.join(', ')] : null),
    unrankedNote(a.entity),
    el('div', { class: 'cards' },
      card('Streams (credited)', num(a.entity ? a.entity.streams : a.streams), 'artist-streams'),
      card('Releases', num(a.releases.length)), card('Tracks', num(a.tracks.length))),
    el('h2', {}, 'Cumulative streams'), cumulativePlot(a.series, a.milestones, 'cumulative-plot', a.name + ' cumulative streams'),
    el('h2', {}, 'Monthly listeners'), lc,
    el('div', { class: 'grid2' },
      el('div', {}, el('h2', {}, 'Tracks'), el('table', { 'data-testid': 'artist-tracks' },
        el('tbody', {}, trackRows(a.tracks))),
        a.featured_on.length ? [el('h2', {}, 'Featured on'), el('table', {}, el('tbody', {}, trackRows(a.featured_on)))] : null),
      el('div', {}, el('h2', {}, 'Releases'), el('table', {}, el('tbody', {}, a.releases.map(r => el('tr', {},
        el('td', { class: 'title' }, el('a', { href: '#/release/' + encodeURIComponent(r.id) }, r.title)),
        el('td', {}, r.type), el('td', {}, r.date))))),
        el('h2', {}, 'Milestones'), milestoneTable(a.milestones), forecastTable(a.forecast))),
    (a.songs || []).length ? [el('h2', {}, 'Songs, every version together'),
      el('table', { 'data-testid': 'artist-songs' }, el('thead', {}, el('tr', {}, el('th', {}, 'Song'),
        el('th', { class: 'num' }, 'Versions'), el('th', { class: 'num' }, 'Streams'))),
        el('tbody', {}, a.songs.slice().sort((x, y) => (y.streams || 0) - (x.streams || 0)).map(g => el('tr', {},
          el('td', { class: 'title' }, el('a', { href: '#/track/' + encodeURIComponent(g.tracks[0]) }, g.song)),
          el('td', { class: 'num' }, g.tracks.length), el('td', { class: 'num' }, num(g.streams)))))),
      exportLinks('/artists/' + encodeURIComponent(id), 'songs', a.name + ' songs')] : null,
    (a.news || []).length ? [el('h2', {}, 'News'), el('div', { class: 'news' }, newsList(a.news.slice(0, 10)))] : null);
  done('artist');
}

async function release(id) {
  const r = await api('/releases/' + encodeURIComponent(id));
  show(r.title, el('h1', { 'data-testid': 'release-title' }, r.title),
    el('div', { class: 'sub' }, `${r.type} by ${r.credit} · ${r.date}`),
    el('div', { class: 'cards' }, card('Streams', num(r.entity ? r.entity.streams : 0), 'release-streams')),
    el('h2', {}, 'Cumulative streams'), cumulativePlot(r.series, r.milestones, 'cumulative-plot', r.title + ' cumulative streams'),
    el('h2', {}, 'Tracks'), el('table', {}, el('tbody', {}, r.tracks.map((t, i) => el('tr', {},
      el('td', { class: 'pos' }, i + 1),
      el('td', { class: 'title' }, el('a', { href: '#/track/' + encodeURIComponent(t.id) }, t.title)),
      el('td', { class: 'num' }, num(t.streams)))))),
    el('h2', {}, 'Milestones'), milestoneTable(r.milestones), forecastTable(r.forecast));
  done('release');
}

// The form the leaderboards share: N, kind, filter (and the year for races).
function boardForm(route, params, withYear) {
  const f = el('form', { class: 'toolbar', 'data-testid': 'board-form' },
    el('label', {}, 'to'), el('input', { name: 'n', value: params.n || '1e9', size: 6 }),
    withYear ? [el('label', {}, 'in'), el('input', { name: 'year', value: params.year || '', size: 5 })] : null,
    el('label', {}, 'of'),
    el('select', { name: 'kind' }, ['track', 'song', 'release', 'artist'].map(k =>
      el('option', { value: k, selected: (params.kind || (withYear ? 'artist' : 'track')) === k ? '' : null }, k + 's'))),
    el('label', {}, 'where'), el('input', { name: 'where', value: params.where || '', size: 28,
                                            placeholder: 'solo and country = KR' }),
    el('button', { type: 'submit' }, 'Show'));
  f.addEventListener('submit', ev => {
    ev.preventDefault();
    location.hash = '#/records/' + route + qs(Object.fromEntries(new FormData(f)));
  });
  return f;
}

function standingsTable(s, valueName, valueLabel) {
  return el('table', { 'data-testid': 'standings' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Rank'), el('th', {}, 'Name'), el('th', { class: 'num' }, valueLabel),
                                 el('th', {}, 'Date'), el('th', {}, 'Evidence'))),
    el('tbody', {}, s.map((x, i) => el('tr', { 'data-testid': 'standing' },
      el('td', { class: 'pos' }, x.rank + ((s[i - 1] && s[i - 1].rank === x.rank) || (s[i + 1] && s[i + 1].rank === x.rank) ? '=' : '')),
      el('td', { class: 'title' }, x.link ? el('a', { href: href(x.link) }, x.name) : x.name),
      el('td', { class: 'num' }, num(x[valueName])), el('td', {}, x.date || ''),
      el('td', { class: 'artist' }, x.evidence)))));
}

async function fastest(params) {
  const path = '/records/fastest' + qs({ n: params.n || '1e9', kind: params.kind, where: params.where,
                                         history: 1, limit: 25 });
  const b = await api(path);
  show(b.title, el('h1', {}, 'Fastest to N'), boardForm('fastest', params, false),
    el('h2', { 'data-testid': 'board-title' }, b.title),
    standingsTable(b.standings, 'days', 'Days'), exportLinks(path, 'standings', 'fastest'),
    b.history && b.history.length ? [el('h2', {}, "The record's history"),
      el('table', { 'data-testid': 'record-history' }, el('tbody', {}, b.history.map(h => el('tr', {},
        el('td', { class: 'title' }, el('a', { href: href(h.link) }, h.name)), el('td', { class: 'num' }, h.days + ' days'),
        el('td', {}, `${h.from} – ${h.to || 'now'}`)))))] : null);
  done('fastest');
}

// Every record board there is: the streams' boards, and per kept chart its chart records.
async function records() {
  const c = await api('/charts');
  const board = (hash, label, what) => el('tr', {}, el('td', { class: 'title' }, el('a', { href: hash }, label)),
                                          el('td', { class: 'artist' }, what));
  show('Records', el('h1', {}, 'Records'),
    el('table', { 'data-testid': 'record-boards' }, el('tbody', {},
      board('#/records/fastest', 'Fastest to N streams', 'days from release to 1 billion, 1.4 billion, any N'),
      board('#/records/race', 'Calendar-year races', 'the day of the year each act reached N within a year'),
      board('#/records/first?year=2024&kind=artist', 'First to N in a year', 'who got there first, with a filter: solo and country = KR'),
      board('#/records/most', 'Most streamed', 'all time or in a period (year = 2024)'),
      board('#/records/store', 'Store launches', 'countries at No. 1 within hours of a launch'),
      board('#/records/store-tops', 'Store feeds', 'No. 1 in N countries within T hours, from the stores\' own snapshots'))),
    el('h2', {}, 'Chart records'),
    c.kept.length ? el('table', { 'data-testid': 'chart-record-charts' }, el('tbody', {}, c.kept.map(k => el('tr', {},
      el('td', { class: 'title' }, el('a', { href: '#/records/charts' + qs({ chart: k.chart }) }, k.chart)),
      el('td', {}, `${num(k.editions)} editions`), el('td', {}, `${k.first} .. ${k.last}`)))))
      : el('p', { class: 'sub' }, 'No chart is kept: encore chart import keeps published charts, chart compile the compiled ones.'));
  done('records');
}

async function first(params) {
  const path = '/records/first' + qs({ n: params.n || '1e9', year: params.year, kind: params.kind || 'artist',
                                       where: params.where, limit: 25 });
  const b = await api(path);
  show(b.title, el('h1', {}, 'First to N'), boardForm('first', { ...params, kind: b.kind }, true),
    el('h2', { 'data-testid': 'board-title' }, b.title),
    b.standings.length ? standingsTable(b.standings, b.year ? 'day' : 'reached', b.year ? 'Day of year' : 'Streams')
      : el('p', { class: 'sub', 'data-testid': 'empty' }, 'None got there: try a lower N, another year or a wider filter.'),
    exportLinks(path, 'standings', 'first' + (b.year ? '-' + b.year : '')));
  done('first');
}

async function most(params) {
  const path = '/records/most' + qs({ kind: params.kind, where: params.where, limit: 50 });
  const b = await api(path);
  const f = el('form', { class: 'toolbar', 'data-testid': 'board-form' },
    el('label', {}, 'of'),
    el('select', { name: 'kind', 'aria-label': 'kind' }, ['track', 'song', 'release', 'artist'].map(k =>
      el('option', { value: k, selected: (params.kind || 'track') === k ? '' : null }, k + 's'))),
    el('label', {}, 'where'), el('input', { name: 'where', value: params.where || '', size: 28,
                                            placeholder: 'year = 2024 and country = KR' }),
    el('button', { type: 'submit' }, 'Show'));
  submitsTo(f, '#/records/most');
  show(b.title, el('h1', {}, 'Most streamed'), f, el('h2', { 'data-testid': 'board-title' }, b.title),
    standingsTable(b.standings, 'streams', 'Streams'), exportLinks(path, 'standings', 'most'));
  done('most');
}

// A chart's records (weeks at No. 1, debuts, climbs; artists' No. 1s) over its kept editions; or
// the first acts (matching a filter) to reach a position; or when songs' running points reached
// each multiple of a step.
async function chartRecords(params) {
  const kinds = ['weeks-at-1', 'consecutive-at-1', 'weeks', 'debut', 'peak', 'climb', 'climb-to-1',
                 'simultaneous', 'number-ones'];
  if (!params.chart) {  // which chart: the kept ones
    const c = await api('/charts');
    show('Chart records', el('h1', {}, 'Chart records'),
      c.kept.length ? [el('p', { class: 'sub' }, 'Choose a kept chart:'),
        el('ul', { 'data-testid': 'chart-picker' }, c.kept.map(k => el('li', {},
          el('a', { href: '#/records/charts' + qs({ chart: k.chart }) }, k.chart), ` (${num(k.editions)} editions)`)))]
        : el('p', { class: 'sub', 'data-testid': 'empty' }, 'No chart is kept: encore chart import keeps published charts, chart compile the compiled ones.'));
    done('chart-records');
    return;
  }
  const mode = params.first ? 'first' : params.milestones ? 'milestones' : 'record';
  const path = '/records/charts' + qs(mode === 'first' ? { chart: params.chart, first: params.first, where: params.where, limit: 50 }
    : mode === 'milestones' ? { chart: params.chart, milestones: params.milestones, limit: 50 }
    : { chart: params.chart, by: params.by || 'weeks-at-1', artist: params.artist, limit: 50 });
  const f = el('form', { class: 'toolbar', 'data-testid': 'board-form' },
    el('input', { type: 'hidden', name: 'chart', value: params.chart || '' }),
    el('label', { for: 'cr-mode' }, 'show'),
    el('select', { id: 'cr-mode', name: 'mode' },
      [['record', 'a record'], ['first', 'the first to No. N'], ['milestones', 'running-points milestones']].map(([v, t]) =>
        el('option', { value: v, selected: mode === v ? '' : null }, t))),
    mode === 'record' ? [
      el('label', { for: 'cr-by' }, 'by'), el('select', { id: 'cr-by', name: 'by' }, kinds.map(k =>
        el('option', { value: k, selected: (params.by || 'weeks-at-1') === k ? '' : null }, k))),
      el('label', { for: 'cr-artist' }, 'artist'), el('input', { id: 'cr-artist', name: 'artist', value: params.artist || '', size: 18 })]
    : mode === 'first' ? [
      el('label', { for: 'cr-first' }, 'No.'), el('input', { id: 'cr-first', name: 'first', value: params.first || '1', size: 3 }),
      el('label', { for: 'cr-where' }, 'where'), el('input', { id: 'cr-where', name: 'where', value: params.where || '', size: 22,
                                                                placeholder: 'solo and country = KR' })]
    : [el('label', { for: 'cr-step' }, 'every'), el('input', { id: 'cr-step', name: 'milestones', value: params.milestones || '1e9', size: 6 })],
    el('button', { type: 'submit' }, 'Show'));
  const go = () => {
    const v = Object.fromEntries(new FormData(f));
    const m = v.mode;
    delete v.mode;
    if (m !== mode) {  // a new kind of answer: its defaults
      location.hash = '#/records/charts' + qs({ chart: v.chart, first: m === 'first' ? '1' : undefined,
                                                milestones: m === 'milestones' ? '1e9' : undefined });
      return;
    }
    location.hash = '#/records/charts' + qs(v);
  };
  f.addEventListener('submit', ev => { ev.preventDefault(); go(); });
  f.querySelector('#cr-mode').addEventListener('change', go);
  const b = await apiOrError(path, 'Chart records', 'chart-records', f);
  if (!b) return;
  const more = (rows, what) => moreNote(rows.length, b.total, what);
  let body;
  if (mode === 'first') {
    body = [b.firsts.length ? el('table', { 'data-testid': 'standings' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Order'), el('th', {}, 'Artist'), el('th', {}, 'Date'),
        el('th', { class: 'num' }, 'Position'), el('th', {}, 'Song'))),
      el('tbody', {}, b.firsts.map(x => el('tr', { 'data-testid': 'standing' },
        el('td', { class: 'pos' }, x.place), el('td', { class: 'title' }, x.artist), el('td', {}, x.date),
        el('td', { class: 'num' }, 'No. ' + x.position),
        el('td', { class: 'title' }, [x.title, el('div', { class: 'artist' }, x.credit)])))))
      : el('p', { class: 'sub', 'data-testid': 'empty' }, `No act${b.where ? ' matching the filter' : ''} reached No. ${b.position}: try a lower position or a wider filter.`),
      more(b.firsts, 'acts'), exportLinks(path.replace('limit=50', 'limit=1000'), 'firsts', 'chart-firsts')];
  } else if (mode === 'milestones') {
    body = [b.milestones.length ? el('table', { 'data-testid': 'standings' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Date'), el('th', {}, 'Song'), el('th', { class: 'num' }, 'Milestone'),
        el('th', { class: 'num' }, 'Week'), el('th', { class: 'num' }, 'Running total'))),
      el('tbody', {}, b.milestones.map(x => el('tr', { 'data-testid': 'standing' },
        el('td', { title: x.carried_in ? 'on the chart before the data starts: reached on or before this date' : null },
           (x.carried_in ? '≤ ' : '') + x.date),
        el('td', { class: 'title' }, [x.title, el('div', { class: 'artist' }, x.artist)]),
        el('td', { class: 'num' }, num(x.threshold)), el('td', { class: 'num' }, num(x.weeks)),
        el('td', { class: 'num' }, num(x.total))))))
      : el('p', { class: 'sub', 'data-testid': 'empty' }, `No song's running points reached ${num(b.step)}: try a smaller step.`),
      b.milestones.some(x => x.carried_in) ? el('p', { class: 'sub' }, '≤: the song was on the chart before the data starts; its total is at least this, reached on or before the date.') : null,
      more(b.milestones, 'milestones'), exportLinks(path.replace('limit=50', 'limit=1000'), 'milestones', 'chart-milestones')];
  } else {
    const rows = b.songs || b.artists;
    body = [rows.length ? el('table', { 'data-testid': 'standings' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Rank'), el('th', {}, b.songs ? 'Song' : 'Artist'),
        el('th', { class: 'num' }, 'Value'), el('th', {}, 'Date'), el('th', {}, 'Evidence'))),
      el('tbody', {}, rows.map((x, i) => el('tr', { 'data-testid': 'standing' },
        el('td', { class: 'pos' }, x.rank + ((rows[i - 1] && rows[i - 1].rank === x.rank) || (rows[i + 1] && rows[i + 1].rank === x.rank) ? '=' : '')),
        el('td', { class: 'title' }, b.songs ? [x.title, el('div', { class: 'artist' }, x.artist)] : x.artist),
        el('td', { class: 'num' }, (x.at_least ? '≥ ' : '') + num(x.value)), el('td', {}, x.date),
        el('td', { class: 'artist' }, x.evidence)))))
      : el('p', { class: 'sub', 'data-testid': 'empty' }, 'No entry holds this record' + (b.artist ? ' in the credit asked: try credit any or another record.' : '.')),
      more(rows, b.songs ? 'songs' : 'artists'),
      exportLinks(path.replace('limit=50', 'limit=1000'), b.songs ? 'songs' : 'artists', 'chart-records')];
  }
  show(b.title, el('h1', {}, 'Chart records'), f, el('h2', { 'data-testid': 'board-title' }, b.title), body);
  done('chart-records');
}

// No. 1 in N countries within T from the stores' own feed snapshots (as kworb counts it): each
// country's first snapshot with the song at No. 1, and the snapshot before it.
async function storeTops(params) {
  const song = params.song || 'Jung Kook - Seven', within = params.within || '2.5h';
  const storeName = params.store_name || 'itunes';
  const path = '/records/store-tops' + qs({ song, within, store_name: storeName });
  const f = el('form', { class: 'toolbar', 'data-testid': 'board-form' },
    el('label', { for: 'st-song' }, 'song'), el('input', { id: 'st-song', name: 'song', value: song, size: 22 }),
    el('label', { for: 'st-store' }, 'store'), el('select', { id: 'st-store', name: 'store_name' },
      ['itunes', 'apple-music'].map(v => el('option', { value: v, selected: storeName === v ? '' : null }, v))),
    el('label', { for: 'st-within' }, 'within'), el('input', { id: 'st-within', name: 'within', value: within, size: 5 }),
    el('button', { type: 'submit' }, 'Show'));
  submitsTo(f, '#/records/store-tops');
  const t = await apiOrError(path, 'No. 1 in the stores\' feeds', 'store-tops', f);
  if (!t) return;
  const hm = s => `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
  show(t.song, el('h1', {}, 'No. 1 in the stores\' feeds'), f,
    el('h2', { 'data-testid': 'board-title' }, `${t.song} on ${t.store} ${t.kind}, from ${t.start}`),
    el('p', { class: 'sub' }, `Start: ${t.start_from}. As the feeds print it: ${t.names.join('; ')}.`),
    el('div', { class: 'cards' },
      card(`No. 1 within ${within}`, num(t.countries_within) + ' countries', 'countries-within'),
      card('No. 1 at all', num(t.countries_at_no1) + ' countries', 'countries-at-no1'),
      card('Seen within the window', `${num(t.countries_seen)} countries, ${num(t.snapshots_seen)} snapshots`, 'seen')),
    t.tops.length ? el('table', { 'data-testid': 'tops' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Country'), el('th', {}, 'First No. 1 snapshot (UTC)'),
        el('th', { class: 'num' }, 'After (h:mm)'), el('th', {}, 'The snapshot before'), el('th', {}, 'As printed'))),
      el('tbody', {}, t.tops.map(x => el('tr', { class: x.within ? null : 'muted' },
        el('td', {}, x.country + (x.tied ? ' =' : '')), el('td', {}, x.snapshot),
        el('td', { class: 'num' }, hm(x.after_seconds) + (x.within ? '' : ' (after)')),
        el('td', {}, x.before ? `${x.before.snapshot}: ${x.before.position ? 'No. ' + x.before.position : 'not listed'}` : 'none since the start'),
        el('td', { class: 'artist' }, x.as_printed)))))
      : el('p', { class: 'sub', 'data-testid': 'empty' }, 'No country\'s snapshot had it at No. 1: try a longer window or the other store.'),
    t.countries_not_seen.length ? el('p', { class: 'sub' }, `No snapshot within the window: ${t.countries_not_seen.join(' ')}.`) : null,
    exportLinks(path, 'tops', 'store-tops'));
  done('store-tops');
}

// A launch on an hourly store chart: countries at No. 1 within T hours, and the hour each got there;
// without a track, the board of every catalog track's launch.
async function storeLaunch(params) {
  const within = params.within || '2.5', countries = params.countries || '100';
  const path = '/records/store' + qs(params.track ? { track: params.track, within, countries }
                                                  : { within, countries, limit: 50 });
  const f = el('form', { class: 'toolbar', 'data-testid': 'board-form' },
    el('label', { for: 'sl-track' }, 'track'),
    el('input', { id: 'sl-track', name: 'track', value: params.track || '', size: 14, placeholder: 'all launches' }),
    el('label', { for: 'sl-within' }, 'within hours'), el('input', { id: 'sl-within', name: 'within', value: within, size: 4 }),
    el('label', { for: 'sl-countries' }, 'countries'), el('input', { id: 'sl-countries', name: 'countries', value: countries, size: 4 }),
    el('button', { type: 'submit' }, 'Show'));
  submitsTo(f, '#/records/store');
  const l = await apiOrError(path, 'Store launches', 'store', f);
  if (!l) return;
  if (!params.track) {
    const hrs = s => s === null ? `not within ${l.hours} h` : num(s / 3600) + ' h';
    show('Store launches', el('h1', {}, 'Store launches'), f, el('h2', { 'data-testid': 'board-title' }, l.title),
      l.launches.length ? el('table', { 'data-testid': 'standings' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Rank'), el('th', {}, 'Track'), el('th', {}, 'Launch (UTC)'),
          el('th', { class: 'num' }, `No. 1 within ${l.within_hours} h`), el('th', { class: 'num' }, `Time to ${l.countries}`))),
        el('tbody', {}, l.launches.map(x => el('tr', { 'data-testid': 'standing' },
          el('td', { class: 'pos' }, x.rank),
          el('td', { class: 'title' }, el('a', { href: '#/records/store' + qs({ track: x.track, within, countries }) }, x.name || x.track)),
          el('td', {}, x.launch), el('td', { class: 'num' }, num(x.countries_within)),
          el('td', { class: 'num' }, hrs(x.seconds_to_countries))))))
        : el('p', { class: 'sub', 'data-testid': 'empty' }, 'No catalog track with store sales around its release topped a country: ingest sales (encore ingest sales.csv) and a catalog with release dates.'),
      moreNote(l.launches.length, l.total, 'launches'),
      exportLinks(path.replace('limit=50', 'limit=1000'), 'launches', 'store-launches'));
    done('store');
    return;
  }
  const hours = l.seconds_to_countries === null ? null : l.seconds_to_countries / 3600;
  show(l.name, el('h1', {}, 'Store launches'), f,
    el('h2', { 'data-testid': 'board-title' }, `${l.name} on ${l.chart}, launched ${l.launch}`),
    el('div', { class: 'cards' },
      card(`No. 1 within ${l.within_hours} hours`, num(l.countries_within) + ' countries', 'countries-within'),
      card(`Time to ${l.countries} countries`, hours === null ? `not within ${l.hours} hours` : `${hours} hours`, 'time-to')),
    el('table', { 'data-testid': 'tops' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Country'), el('th', {}, 'First hour at No. 1 (UTC, from)'),
                                   el('th', { class: 'num' }, 'Hours after launch'))),
      el('tbody', {}, l.tops.map(t => el('tr', {}, el('td', {}, t.country), el('td', {}, t.hour),
        el('td', { class: 'num' }, num(t.after_seconds / 3600)))))),
    exportLinks(path, 'tops', 'store-' + l.track));
  done('store');
}

async function race(params) {
  const path = '/records/race' + qs({ year: params.year, n: params.n || '1e9', kind: params.kind,
                                     where: params.where, limit: 10 });
  const b = await api(path);
  const box = el('div', { class: 'plot', 'data-testid': 'race-plot' });
  const r = b.race;
  let plot = null;
  if (r && r.series.length) {
    const opts = {
      width: 800, height: 360, scales: { x: { time: false } }, padding: [12, 130, 0, 0],
      axes: [{ stroke: '#a0a0a0', grid: { stroke: '#2a2a2a' }, label: `Day of ${b.year}` },
             { stroke: '#a0a0a0', grid: { stroke: '#2a2a2a' }, size: 60, values: (u, v) => v.map(short) }],
      series: [{ label: 'Day' }, ...r.series.map((s, i) => ({ label: s.name, stroke: COLORS[i % COLORS.length], width: 2,
                                                           value: (u, v) => v === null ? '' : num(v) }))],
      hooks: { draw: [u => {
        const ctx = u.ctx, px = devicePixelRatio;
        const y = u.valToPos(b.n, 'y', true);
        ctx.save(); ctx.setLineDash([6 * px, 4 * px]); ctx.strokeStyle = '#d29922';
        ctx.beginPath(); ctx.moveTo(u.bbox.left, y); ctx.lineTo(u.bbox.left + u.bbox.width, y); ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = '#d29922'; ctx.font = `${11 * px}px system-ui`;
        ctx.textAlign = 'left'; ctx.textBaseline = 'alphabetic';
        ctx.fillText(short(b.n), u.bbox.left + 4 * px, y - 4 * px);
        // Each line named at its end, labels pushed apart so that tied lines are all named.
        const ends = [];
        u.series.forEach((s, si) => {
          if (si === 0 || s.show === false) return;
          const vals = u.data[si];
          let i = vals.length - 1;
          while (i >= 0 && (vals[i] === null || vals[i] === undefined)) --i;
          if (i < 0) return;
          ends.push({ name: s.label, color: s.stroke, x: u.valToPos(u.data[0][i], 'x', true),
                      y: u.valToPos(vals[i], 'y', true) });
        });
        ends.sort((a, b2) => a.y - b2.y);
        const gap = 13 * px;
        for (let k = 1; k < ends.length; ++k) ends[k].y = Math.max(ends[k].y, ends[k - 1].y + gap);
        ctx.font = `${11 * px}px system-ui`;
        const extras = [{ line: [u.bbox.left / px, y / px, (u.bbox.left + u.bbox.width) / px, y / px], color: '#d29922', dash: true },
                        { text: short(b.n), at: [u.bbox.left / px + 4, y / px - 4], color: '#d29922' }];
        for (const e of ends) {
          ctx.fillStyle = typeof e.color === 'function' ? e.color(u) : e.color;
          const name = e.name.length > 18 ? e.name.slice(0, 17) + '…' : e.name;
          ctx.fillText(name, e.x + 5 * px, e.y + 4 * px);
          extras.push({ text: name, at: [e.x / px + 5, e.y / px + 4], color: ctx.fillStyle });
        }
        box.svgExtras = extras;
        ctx.restore();
      }] },
    };
    box.dataset.series = String(r.series.length);
    plot = drawPlot(box, opts, [r.day_of_year, ...r.series.map(s => s.values)], `race ${b.year}`,
      plotTable('race-plot', ['Day of year', ...r.series.map(s => s.name)],
                r.day_of_year.map((d, i) => [String(d), ...r.series.map(s => s.values[i])])));
  }
  show(b.title, el('h1', {}, 'Calendar-year races'), boardForm('race', { ...params, year: b.year, kind: b.kind }, true),
    el('h2', { 'data-testid': 'board-title' }, b.title),
    plot || el('p', { class: 'sub' }, 'Nobody reached it in that year.'),
    standingsTable(b.standings, 'day', 'Day of year'), exportLinks(path, 'standings', 'race-' + b.year));
  done('race');
}

// Listeners: a board (kworb's "monthly listeners": the figure, its change since the day before,
// the peak and its date) and an entity's curve.
function listenersForm(params) {
  const f = el('form', { class: 'toolbar', 'data-testid': 'listeners-form' },
    el('label', { for: 'lk' }, 'of'),
    el('select', { id: 'lk', name: 'kind' }, ['artist', 'track', 'song', 'release'].map(k =>
      el('option', { value: k, selected: (params.kind || 'artist') === k ? '' : null }, k + 's'))),
    el('label', { for: 'lw' }, 'over'),
    el('select', { id: 'lw', name: 'window' }, [['28d', '28 days (monthly)'], ['7d', '7 days'], ['day', 'the day'],
                                              ['month', 'the calendar month'], ['year', 'the calendar year']].map(([v, t]) =>
      el('option', { value: v, selected: (params.window || '28d') === v ? '' : null }, t))),
    el('label', { for: 'lc' }, 'in'), el('input', { id: 'lc', name: 'country', value: params.country || '', size: 4, placeholder: 'all' }),
    el('label', { for: 'ld' }, 'to'), el('input', { id: 'ld', name: 'date', value: params.date || '', size: 10, placeholder: 'last day' }),
    el('label', { for: 'lx' }, 'where'), el('input', { id: 'lx', name: 'where', value: params.where || '', size: 24,
                                                      placeholder: 'solo and tag = k-pop' }),
    el('label', { for: 'lr' }, 'first to'), el('input', { id: 'lr', name: 'reached', value: params.reached || '', size: 6,
                                                          placeholder: '10M' }),
    el('button', { type: 'submit' }, 'Show'));
  submitsTo(f, '#/listeners');
  return f;
}

// The first entities to N listeners in the window, earliest first (GET /listeners?reached=N).
async function listenerFirsts(params) {
  const path = '/listeners' + qs({ kind: params.kind, window: params.window, country: params.country,
                                   date: params.date, where: params.where, reached: params.reached, limit: 100 });
  const b = await apiOrError(path, 'Listeners', 'listeners', listenersForm(params));
  if (!b) return;
  show(b.title, el('h1', {}, 'Listeners'), listenersForm(params),
    el('h2', { 'data-testid': 'board-title' }, `${b.title}, to ${b.as_of}`),
    b.standings.length ? el('table', { 'data-testid': 'listeners-board' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Rank'), el('th', {}, 'Name'), el('th', {}, 'Reached on'))),
      el('tbody', {}, b.standings.map(x => el('tr', { 'data-testid': 'standing' },
        el('td', { class: 'pos' }, x.rank),
        el('td', { class: 'title' }, x.link ? el('a', { href: href(x.link) }, x.name) : x.name),
        el('td', {}, x.date)))))
      : el('p', { class: 'sub', 'data-testid': 'empty' }, 'Nobody reached it yet: try a lower figure, a wider window or filter.'),
    exportLinks(path, 'standings', 'listeners-first-' + b.reached),
    b.total > b.standings.length ? el('p', { class: 'sub' }, `${num(b.total - b.standings.length)} more not shown.`) : null);
  done('listeners');
}

async function listeners(params) {
  if (params.reached) return listenerFirsts(params);
  const path = '/listeners' + qs({ kind: params.kind, window: params.window, country: params.country,
                                   date: params.date, where: params.where, limit: 100 });
  const b = await api(path);
  const change = v => el('span', { class: 'move ' + (v > 0 ? 'up' : v < 0 ? 'down' : 'same') },
                         (v > 0 ? '+' : v < 0 ? '−' : '') + num(Math.abs(v)));
  show(b.title, el('h1', {}, 'Listeners'), listenersForm(params),
    el('h2', { 'data-testid': 'board-title' }, `${b.title}, ${b.from} to ${b.date}`),
    el('p', { class: 'sub' }, 'Unique listeners: people with at least one counted stream in the window, counted exactly.',
       b.days_without_sets ? ` ${b.days_without_sets} days of the window hold streams of no known users (daily totals, chart streams, or counted before listener sets were kept): at least these.` : ''),
    el('table', { 'data-testid': 'listeners-board' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Rank'), el('th', {}, 'Name'), el('th', { class: 'num' }, 'Listeners'),
        el('th', { class: 'num' }, 'Change'), el('th', { class: 'num' }, 'Peak'), el('th', {}, 'Peak date'))),
      el('tbody', {}, b.standings.map(x => el('tr', { 'data-testid': 'standing' },
        el('td', { class: 'pos' }, x.rank),
        el('td', { class: 'title' }, x.link ? el('a', { href: href(x.link) }, x.name) : x.name),
        el('td', { class: 'num' }, num(x.listeners)), el('td', { class: 'num' }, change(x.change)),
        el('td', { class: 'num' }, num(x.peak)), el('td', {}, x.peak_date))))),
    exportLinks(path, 'standings', 'listeners-' + b.date),
    b.total > b.standings.length ? el('p', { class: 'sub' }, `${num(b.total - b.standings.length)} more not shown.`) : null);
  done('listeners');
}

// An entity's monthly listeners over the last 90 days with listeners, as a curve and its table.
async function listenersCurve(kind, id) {
  const box = el('div', { 'data-testid': 'listeners' });
  let l;
  try {
    l = await api('/listeners/' + kind + '/' + encodeURIComponent(id));
  } catch (e) {
    box.append(el('p', { class: 'sub' }, 'Listeners: ' + e.message));
    return box;
  }
  if (!l.points.length) {
    box.append(el('p', { class: 'sub' }, l.note || 'No listeners counted.'));
    return box;
  }
  const plot = el('div', { class: 'plot', 'data-testid': 'listeners-plot' });
  const xs = l.points.map(p => secs(p.date)), ys = l.points.map(p => p.listeners);
  const opts = {
    width: 800, height: 240, scales: { x: { time: true } },
    axes: [{ stroke: '#a0a0a0', grid: { stroke: '#2a2a2a' } },
           { stroke: '#a0a0a0', grid: { stroke: '#2a2a2a' }, size: 60, values: (u, v) => v.map(short) }],
    series: [{ label: 'Date', value: (u, v) => v === null ? '' : new Date(v * 1000).toISOString().slice(0, 10) },
             { label: 'Monthly listeners (28 days)', stroke: '#3d8bfd', width: 2, value: (u, v) => v === null ? '' : num(v) }],
  };
  plot.dataset.points = String(xs.length);
  const last = l.points[l.points.length - 1];
  const peak = l.points.reduce((a, p) => (p.listeners > a.listeners ? p : a), l.points[0]);
  box.append(el('div', { class: 'cards' },
      card('Monthly listeners', num(last.listeners), 'monthly-listeners'),
      card('Peak (these 90 days)', num(peak.listeners) + ' on ' + peak.date)),
    ...drawPlot(plot, opts, [xs, ys], (l.name || id) + ' monthly listeners',
      plotTable('listeners', ['Window', 'Listeners'], l.points.slice().reverse().map(p => [`${p.from} – ${p.date}`, p.listeners]))));
  return box;
}

async function news(params) {
  const path = '/news' + qs({ kind: params.kind, limit: 100 });
  const n = await api(path);
  const kinds = ['', 'record', 'first', 'year', 'milestone', 'listeners', 'release', 'withdrawn'];
  show('News', el('h1', {}, 'News'),
    el('div', { class: 'toolbar' }, kinds.map(k => el('a', { class: 'button', href: '#/news' + qs({ kind: k }) }, k || 'all'))),
    el('div', { class: 'sub' }, `${n.total} items`),
    el('div', { class: 'news' }, newsList(n.items)), exportLinks(path, 'items', 'news'));
  done('news');
}

async function search(params) {
  const q = params.q || '';
  document.getElementById('q').value = q;
  const r = await api('/search' + qs({ q, limit: 50 }));
  show('Search', el('h1', {}, `Search: ${q}`),
    r.results.length ? el('table', { 'data-testid': 'search-results' }, el('tbody', {}, r.results.map(x => el('tr', {},
      el('td', {}, el('span', { class: 'kind' }, x.type)),
      el('td', { class: 'title' }, el('a', { href: href(x) }, x.name), el('div', { class: 'artist' }, x.detail)),
      el('td', { class: 'num' }, num(x.streams))))))
      : el('p', { class: 'sub' }, 'Nothing matches.'));
  done('search');
}

// ----------------------------------------------------------------------------------------------
// Routing

async function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const params = Object.fromEntries(new URLSearchParams(query || ''));
  // embed=1: the view alone, for a frame in an article (serve --frame-ancestors says who may).
  document.body.classList.toggle('embed', params.embed === '1');
  delete params.embed;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  delete document.body.dataset.ready;
  for (const a of document.querySelectorAll('header nav a'))
    a.classList.toggle('active', a.dataset.nav === (parts[0] === 'records' ? parts[1] || 'records' : parts[0]));
  main.replaceChildren(el('p', { class: 'loading' }, 'Loading…'));
  try {
    if (parts.length === 0) await home();
    else if (parts[0] === 'charts') await charts();
    else if (parts[0] === 'chart' && parts[1]) await chart(parts[1], params);
    else if (parts[0] === 'explain' && parts[1]) await explain(parts[1], params);
    else if (parts[0] === 'track' && parts[1]) await track(parts[1]);
    else if (parts[0] === 'artist' && parts[1]) await artist(parts[1]);
    else if (parts[0] === 'release' && parts[1]) await release(parts[1]);
    else if (parts[0] === 'records' && parts[1] === 'fastest') await fastest(params);
    else if (parts[0] === 'records' && parts[1] === 'race') await race(params);
    else if (parts[0] === 'records' && parts[1] === 'first') await first(params);
    else if (parts[0] === 'records' && parts[1] === 'most') await most(params);
    else if (parts[0] === 'records' && parts[1] === 'charts') await chartRecords(params);
    else if (parts[0] === 'records' && parts[1] === 'store') await storeLaunch(params);
    else if (parts[0] === 'records' && parts[1] === 'store-tops') await storeTops(params);
    else if (parts[0] === 'records' && !parts[1]) await records();
    else if (parts[0] === 'news') await news(params);
    else if (parts[0] === 'listeners') await listeners(params);
    else if (parts[0] === 'search') await search(params);
    else throw new ApiError('No such page: ' + hash);
  } catch (e) {
    show('Error', el('div', { class: 'error', 'data-testid': 'error' }, e.message));
    done('error');
  }
}

document.getElementById('search').addEventListener('submit', ev => {
  ev.preventDefault();
  location.hash = '#/search' + qs({ q: document.getElementById('q').value });
});
window.addEventListener('hashchange', route);
route();
