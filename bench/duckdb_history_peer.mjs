// The peer of ingest_history_json: DuckDB reads a Spotify "Extended streaming history" (a JSON
// array, read_json with format 'array' and explicit columns) and computes the same capped daily
// counts as `encore ingest` (doc/ingest.md): a play starts at ts - ms_played and its day is the
// UTC day of the start; a stream is ms_played >= MIN_MS; at most CAP streams count per (day, user,
// track, country); an empty or null conn_country is ZZ; podcast episodes (no spotify_track_uri and
// no master_metadata_track_name) are not plays of music. The generated history names every
// music entry's track by its URI and no two entries share a start, so neither the song key of an
// entry without a URI nor a repeat of a play arises. Prints one JSON line:
// {"rows": cells, "streams": total, "seconds": s}.
// Usage: node duckdb_history_peer.mjs FILE.json [MIN_MS] [CAP] [THREADS]
import { connect, quoted } from './duckdb_common.mjs';

const [file, minMs = '30000', cap = '10', threads = '2'] = process.argv.slice(2);
const t0 = performance.now();
const con = await connect(threads);
await con.run(`
  CREATE TABLE daily AS
  SELECT day, country, track, SUM(LEAST(n, ${Number(cap)}))::BIGINT AS streams
  FROM (
    SELECT CAST(ts - to_milliseconds(ms_played) AS DATE) AS day, username AS "user",
           COALESCE(spotify_track_uri,
                    master_metadata_album_artist_name || '|' || master_metadata_track_name) AS track,
           COALESCE(NULLIF(conn_country, ''), 'ZZ') AS country, COUNT(*) AS n
    FROM read_json(${quoted(file)}, format = 'array',
                   columns = {'ts': 'TIMESTAMPTZ', 'username': 'VARCHAR', 'ms_played': 'BIGINT',
                              'conn_country': 'VARCHAR', 'spotify_track_uri': 'VARCHAR',
                              'master_metadata_track_name': 'VARCHAR',
                              'master_metadata_album_artist_name': 'VARCHAR'})
    WHERE ms_played >= ${Number(minMs)}
      AND (spotify_track_uri IS NOT NULL OR master_metadata_track_name IS NOT NULL)
    GROUP BY ALL)
  GROUP BY ALL`);
const reader = await con.runAndReadAll('SELECT COUNT(*)::BIGINT AS rows, SUM(streams)::BIGINT AS streams FROM daily');
const [rows, streams] = reader.getRows()[0];
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ rows: Number(rows), streams: Number(streams), seconds }));
