// The records-job peer of bench/records_job.sh (issue 15): DuckDB loads the daily totals CSV
// (date,country,track,streams,tier: one GLOBAL row per track and day) and the catalog's tracks,
// releases and artists, then computes what `encore ingest` (with its records update) and the
// `encore records` queries answer:
//   milestones: every multiple of STEP each track's all-time total crossed, and the day;
//   fastest:    days from each track's release date to the day its total reached T;
//   race:       per year, the day of the year each artist's total within the year reached T
//               (an artist's streams: the tracks naming it as primary artist);
//   first:      per year, the first artist from KR to reach T within the year.
// Prints one JSON line: {"seconds", "milestones": [[track, threshold, date], ...],
//   "fastest": [[track, days], ...], "race": {YEAR: [[artist, day], ...]},
//   "first_kr": {YEAR: [artist, date]}}
// Usage: node duckdb_records_job.mjs TOTALS.csv CATALOG_DIR T STEP [THREADS]
import { connect, quoted } from './duckdb_common.mjs';

const [file, catalog, threshold, step, threads = '2'] = process.argv.slice(2);
const T = Number(threshold), S = Number(step);
const t0 = performance.now();
const con = await connect(threads);
await con.run(`
  CREATE TABLE totals AS SELECT date, track, streams FROM read_csv(${quoted(file)}, header = true,
    columns = {'date': 'DATE', 'country': 'VARCHAR', 'track': 'VARCHAR', 'streams': 'BIGINT',
               'tier': 'VARCHAR'})
  WHERE country = 'GLOBAL'`);
await con.run(`
  CREATE TABLE tracks AS SELECT track_id, release_id, "primary" AS artist
  FROM read_csv(${quoted(catalog + '/tracks.csv')}, header = true, all_varchar = true)`);
await con.run(`
  CREATE TABLE releases AS SELECT release_id, CAST(date AS DATE) AS released
  FROM read_csv(${quoted(catalog + '/releases.csv')}, header = true, all_varchar = true)`);
await con.run(`
  CREATE TABLE artists AS SELECT artist_id, country
  FROM read_csv(${quoted(catalog + '/artists.csv')}, header = true, all_varchar = true)`);
// Running totals per track.
await con.run(`
  CREATE TABLE running AS
  SELECT track, date, SUM(streams) OVER (PARTITION BY track ORDER BY date) AS total, streams
  FROM totals`);
const milestones = (await con.runAndReadAll(`
  SELECT track, k * ${S} AS threshold, strftime(date, '%Y-%m-%d')
  FROM (SELECT track, date, UNNEST(range(CAST(floor((total - streams) / ${S}) AS BIGINT) + 1,
                                          CAST(floor(total / ${S}) AS BIGINT) + 1)) AS k
        FROM running WHERE floor(total / ${S}) > floor((total - streams) / ${S}))
  ORDER BY track, threshold`)).getRows();
const fastest = (await con.runAndReadAll(`
  SELECT r.track, DATE_DIFF('day', rel.released, MIN(r.date)) AS days
  FROM running r JOIN tracks t ON t.track_id = r.track JOIN releases rel USING (release_id)
  WHERE r.total >= ${T}
  GROUP BY r.track, rel.released ORDER BY days, r.track`)).getRows();
await con.run(`
  CREATE TABLE artist_year AS
  SELECT artist, year(date) AS year, date,
         SUM(s) OVER (PARTITION BY artist, year(date) ORDER BY date) AS total
  FROM (SELECT t.artist, x.date, SUM(x.streams) AS s FROM totals x
        JOIN tracks t ON t.track_id = x.track GROUP BY ALL)`);
const race = (await con.runAndReadAll(`
  SELECT year, artist, MIN(date) AS crossed, dayofyear(MIN(date)) AS day
  FROM artist_year WHERE total >= ${T} GROUP BY year, artist ORDER BY year, crossed, artist`))
  .getRows();
const seconds = (performance.now() - t0) / 1000;
const byYear = {};
const firstKr = {};
const kr = new Set((await con.runAndReadAll(
  "SELECT artist_id FROM artists WHERE country = 'KR'")).getRows().map(([a]) => a));
for (const [year, artist, crossed, day] of race) {
  const y = String(year);
  (byYear[y] ??= []).push([artist, Number(day)]);
  if (kr.has(artist) && !(y in firstKr)) firstKr[y] = [artist, String(crossed)];
}
console.log(JSON.stringify({
  seconds,
  milestones: milestones.map(([t, k, d]) => [t, Number(k), d]),
  fastest: fastest.map(([t, d]) => [t, Number(d)]),
  race: byYear,
  first_kr: firstKr,
}));
