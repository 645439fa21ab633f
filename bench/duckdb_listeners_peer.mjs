// The listener workloads' peer (bench/listeners_bench.cc): DuckDB with the plays already loaded
// into a table of (day, user, track) streams (not timed), then every artist's monthly listeners
// (28 days) on DAY timed as one query: COUNT(DISTINCT user) per artist over the catalog's credits
// (primary and featured). Prints one JSON line: {"artists": n, "listeners_summed": s,
// "seconds": median of RUNS, "load_seconds": l}; listeners_summed is board_day's checksum.
// Usage: node duckdb_listeners_peer.mjs PLAYS.csv CATALOG_DIR DAY [RUNS] [THREADS]
import { connect, playsCsv, quoted } from './duckdb_common.mjs';

const [file, catalog, day, runs = '3', threads = '2'] = process.argv.slice(2);
const con = await connect(threads);
const t0 = performance.now();
await con.run(`
  CREATE TABLE s AS
  SELECT DISTINCT CAST(ts AS DATE) AS day, "user", track
  FROM ${playsCsv(file)} WHERE ms_played >= 30000`);
await con.run(`
  CREATE TABLE credit AS
  SELECT DISTINCT track_id AS track, unnest(string_split(concat_ws(';', "primary", featured), ';')) AS artist
  FROM read_csv(${quoted(catalog + '/tracks.csv')}, header = true, all_varchar = true)`);
await con.run(`DELETE FROM credit WHERE artist = ''`);
const load = (performance.now() - t0) / 1000;
const times = [];
let artists = 0, summed = 0;
for (let r = 0; r < Number(runs); ++r) {
  const t = performance.now();
  const reader = await con.runAndReadAll(`
    SELECT COUNT(*)::BIGINT, SUM(n)::BIGINT FROM (
      SELECT c.artist, COUNT(DISTINCT s."user") AS n
      FROM s JOIN credit c ON c.track = s.track
      WHERE s.day BETWEEN DATE '${day}' - INTERVAL 27 DAY AND DATE '${day}'
      GROUP BY c.artist)`);
  times.push((performance.now() - t) / 1000);
  [artists, summed] = reader.getRows()[0].map(Number);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ artists, listeners_summed: summed, seconds: times[times.length >> 1],
                             load_seconds: load }));
