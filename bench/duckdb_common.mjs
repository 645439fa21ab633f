// What the DuckDB peers share: an in-memory database on THREADS threads with UTC as its time
// zone, and the plays CSV of spec §1 read with its columns typed.
import { DuckDBInstance } from '@duckdb/node-api';

export async function connect(threads) {
  const db = await DuckDBInstance.create(':memory:', { threads });
  const con = await db.connect();
  await con.run("SET TimeZone = 'UTC'");
  return con;
}

// A file name as an SQL string literal.
export function quoted(file) {
  return `'${file.replaceAll("'", "''")}'`;
}

// The plays CSV (ts,user,track,ms_played,country,tier) as a table expression.
export function playsCsv(file) {
  return `read_csv(${quoted(file)}, header = true,
                  columns = {'ts': 'TIMESTAMPTZ', 'user': 'VARCHAR', 'track': 'VARCHAR',
                             'ms_played': 'BIGINT', 'country': 'VARCHAR', 'tier': 'VARCHAR'})`;
}
