// The whole-job peer of bench/whole_job.sh (issue 15): DuckDB, from the plays CSV, computes what
// `encore ingest` + `encore chart compile spotify-daily` (every day, global and every country) +
// `encore records fastest T` compute: streams of 30 s or more, at most CAP per (day, user, track,
// country); counts per day, country and track and per day and track; the Top 200 of every day
// and region ordered by count then track id; the first day each track's cumulative count reaches
// T, and the days since its first day. Prints one JSON line:
//   {"seconds", "chart_entries", "chart_streams", "crossings": [[track, days], ...]}
// Usage: node duckdb_whole_job.mjs FILE.csv T [MIN_MS] [CAP] [THREADS]
import { connect, playsCsv } from './duckdb_common.mjs';

const [file, threshold, minMs = '30000', cap = '10', threads = '2'] = process.argv.slice(2);
const t0 = performance.now();
const con = await connect(threads);
await con.run(`
  CREATE TABLE by_country AS
  SELECT day, country, track, SUM(LEAST(n, ${Number(cap)}))::BIGINT AS streams
  FROM (
    SELECT CAST(ts AS DATE) AS day, "user", track, country, COUNT(*) AS n
    FROM ${playsCsv(file)}
    WHERE ms_played >= ${Number(minMs)}
    GROUP BY ALL)
  GROUP BY ALL`);
await con.run(`
  CREATE TABLE by_day AS SELECT day, track, SUM(streams)::BIGINT AS streams FROM by_country
  GROUP BY ALL`);
await con.run(`
  CREATE TABLE charts AS
  SELECT * FROM (
    SELECT day, 'global' AS region, track, streams,
           ROW_NUMBER() OVER (PARTITION BY day ORDER BY streams DESC, track) AS position
    FROM by_day
    UNION ALL
    SELECT day, country AS region, track, streams,
           ROW_NUMBER() OVER (PARTITION BY day, country ORDER BY streams DESC, track) AS position
    FROM by_country)
  WHERE position <= 200`);
await con.run(`
  CREATE TABLE crossings AS
  SELECT track, DATE_DIFF('day', MIN(day), MIN(day) FILTER (WHERE total >= ${Number(threshold)})) AS days
  FROM (SELECT track, day, SUM(streams) OVER (PARTITION BY track ORDER BY day) AS total FROM by_day)
  GROUP BY track
  HAVING MIN(day) FILTER (WHERE total >= ${Number(threshold)}) IS NOT NULL`);
const summary = (await con.runAndReadAll(
  'SELECT COUNT(*)::BIGINT, SUM(streams)::BIGINT FROM charts')).getRows()[0];
const crossings = (await con.runAndReadAll(
  'SELECT track, days::BIGINT FROM crossings ORDER BY days, track')).getRows();
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({
  seconds, chart_entries: Number(summary[0]), chart_streams: Number(summary[1]),
  crossings: crossings.map(([t, d]) => [t, Number(d)]),
}));
