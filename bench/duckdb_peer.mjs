// The benchmark's peer: DuckDB computes the same capped daily counts with SQL straight from the
// CSV file, in memory. Prints one JSON line: {"rows": cells, "streams": total, "seconds": s}.
// Usage: node duckdb_peer.mjs FILE.csv [MIN_MS] [CAP] [THREADS]
import { connect, playsCsv } from './duckdb_common.mjs';

const [file, minMs = '30000', cap = '10', threads = '2'] = process.argv.slice(2);
const t0 = performance.now();
const con = await connect(threads);
await con.run(`
  CREATE TABLE daily AS
  SELECT day, country, track, tier, SUM(LEAST(n, ${Number(cap)}))::BIGINT AS streams
  FROM (
    SELECT CAST(ts AS DATE) AS day, "user", track, country, tier, COUNT(*) AS n
    FROM ${playsCsv(file)}
    WHERE ms_played >= ${Number(minMs)}
    GROUP BY ALL)
  GROUP BY ALL`);
const reader = await con.runAndReadAll('SELECT COUNT(*)::BIGINT AS rows, SUM(streams)::BIGINT AS streams FROM daily');
const [rows, streams] = reader.getRows()[0];
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ rows: Number(rows), streams: Number(streams), seconds }));
