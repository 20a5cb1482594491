/**
 * The SQLite schema of the embedded store, and its creation/upgrade.
 *
 * - `series`: one row per (entity, metric), so each sample row carries an integer, not two strings;
 * - `samples`: (series, at, value), indexed by (series, at) for range queries and by `at` for pruning;
 * - `events`: a generated text id (unique) plus an integer `seq` that orders events of equal time;
 * - `topology`: a single row holding the last snapshot as JSON;
 * - `layout` (v2): one row per (site, node) with the node's map position.
 *
 * The version lives in `PRAGMA user_version`; a file written by a newer schema is refused.
 */
import type Database from 'better-sqlite3';
import { VigieError } from '../../plugins/sdk/index.js';

export const SCHEMA_VERSION = 2;

const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS series (
  id     INTEGER PRIMARY KEY,
  entity TEXT NOT NULL,
  metric TEXT NOT NULL,
  UNIQUE (entity, metric)
);
CREATE TABLE IF NOT EXISTS samples (
  series INTEGER NOT NULL,
  at     INTEGER NOT NULL,
  value  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS samples_series_at ON samples (series, at);
CREATE INDEX IF NOT EXISTS samples_at ON samples (at);
CREATE TABLE IF NOT EXISTS events (
  seq      INTEGER PRIMARY KEY,
  id       TEXT NOT NULL UNIQUE,
  at       INTEGER NOT NULL,
  entity   TEXT NOT NULL,
  type     TEXT NOT NULL,
  severity INTEGER NOT NULL,
  message  TEXT NOT NULL,
  source   TEXT,
  data     TEXT
);
CREATE INDEX IF NOT EXISTS events_at ON events (at);
CREATE INDEX IF NOT EXISTS events_entity_at ON events (entity, at);
CREATE INDEX IF NOT EXISTS events_type_at ON events (type, at);
CREATE TABLE IF NOT EXISTS topology (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  saved_at INTEGER NOT NULL,
  snapshot TEXT NOT NULL
);
`;

/** v2: map positions. */
const SCHEMA_V2 = `
CREATE TABLE IF NOT EXISTS layout (
  site TEXT NOT NULL,
  node TEXT NOT NULL,
  x    REAL NOT NULL,
  y    REAL NOT NULL,
  PRIMARY KEY (site, node)
) WITHOUT ROWID;
`;

/**
 * Sets the connection up (WAL, full sync so a resolved write survives a power cut, busy timeout)
 * and creates or upgrades the schema in one transaction.
 */
export function prepareDatabase(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new VigieError('E_STORE', `the store file has schema version ${version}, newer than this Vigie (${SCHEMA_VERSION})`, {
      version, supported: SCHEMA_VERSION,
    });
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    // every statement is `IF NOT EXISTS`: a v1 file gains the v2 tables, a new file gets all of them
    db.exec(SCHEMA_V1);
    db.exec(SCHEMA_V2);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
