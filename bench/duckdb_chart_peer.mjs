// The peer of bench/chart_dataset.sh: DuckDB imports the single-file Spotify Charts dataset
// (title,rank,date,artist,url,region,chart,trend,streams) into a table of a database file, with
// the columns typed (rank and streams whole numbers, date a date) as encore's import keeps them,
// and counts the editions (region, chart, date). Prints one JSON line:
// {"rows": n, "editions": e, "seconds": s}.
// Usage: node duckdb_chart_peer.mjs FILE.csv DATABASE [THREADS]
import { DuckDBInstance } from '@duckdb/node-api';

const [file, database, threads = '2'] = process.argv.slice(2);
const t0 = performance.now();
const db = await DuckDBInstance.create(database, { threads });
const con = await db.connect();
const escaped = file.replaceAll("'", "''");
await con.run(`
  CREATE TABLE entries AS
  SELECT title, rank, date, artist, url, region, chart, TRY_CAST(streams AS DOUBLE)::BIGINT AS streams
  FROM read_csv('${escaped}', header = true,
                columns = {'title': 'VARCHAR', 'rank': 'INTEGER', 'date': 'DATE',
                           'artist': 'VARCHAR', 'url': 'VARCHAR', 'region': 'VARCHAR',
                           'chart': 'VARCHAR', 'trend': 'VARCHAR', 'streams': 'VARCHAR'})`);
await con.run('CHECKPOINT');
const reader = await con.runAndReadAll(
  'SELECT COUNT(*)::BIGINT, COUNT(DISTINCT (region, chart, date))::BIGINT FROM entries');
const [rows, editions] = reader.getRows()[0];
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ rows: Number(rows), editions: Number(editions), seconds }));
