/*
 * schema.c — the migrations themselves (see schema.h).
 *
 * Layout of the data:
 * - orgs, users, sessions: who works in the system. Sessions keep only a hash of the
 *   token.
 * - cases: the non-identifying part of a child's case, readable for analysis, keyed
 *   by the pseudonymous code. iin_hash is a keyed hash used only to find a child who is
 *   already registered.
 * - case_personal: the personal part, one sealed (XChaCha20-Poly1305) blob per case,
 *   bound to the case id.
 * - case_assignments: the one or two case managers of a case (manual L1979).
 * - audit: the append-only, hash-chained trail; triggers refuse UPDATE and DELETE.
 *
 * Each migration exists twice, once per engine, with the same meaning: SQLite's
 * INTEGER PRIMARY KEY ids are BIGINT identity columns on PostgreSQL, BLOB is BYTEA,
 * and the audit triggers are a plpgsql function raising an integrity error (SQLSTATE
 * 23000, reported as a conflict like SQLite's RAISE(ABORT)). Both lists always have
 * the same length: a new migration is added to both.
 */
#include "store/schema.h"

#include <stddef.h>

static const char *const migrations[] = {
    /* 1: foundation */
    "CREATE TABLE orgs ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  type TEXT NOT NULL,"
    "  region TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  login TEXT NOT NULL UNIQUE,"
    "  role TEXT NOT NULL,"
    "  pw_hash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  pw_changed_at TEXT NOT NULL);"
    "CREATE INDEX users_org ON users(org_id);"
    "CREATE TABLE sessions ("
    "  token_hash TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  csrf TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL);"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE TABLE cases ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
    "  created_by INTEGER REFERENCES users(id),"
    "  sex TEXT,"
    "  age_at_identification INTEGER,"
    "  birth_year INTEGER,"
    "  citizenship TEXT,"
    "  region TEXT,"
    "  identified_on TEXT NOT NULL,"
    "  stage TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  iin_hash TEXT UNIQUE,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  version INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX cases_org ON cases(org_id);"
    "CREATE INDEX cases_created_by ON cases(created_by);"
    "CREATE TABLE case_personal ("
    "  case_id INTEGER PRIMARY KEY REFERENCES cases(id),"
    "  sealed BLOB NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE case_assignments ("
    "  case_id INTEGER NOT NULL REFERENCES cases(id),"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  assigned_by INTEGER REFERENCES users(id),"
    "  assigned_at TEXT NOT NULL,"
    "  PRIMARY KEY (case_id, user_id));"
    "CREATE INDEX case_assignments_user ON case_assignments(user_id);"
    "CREATE TABLE audit ("
    "  seq INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor INTEGER,"
    "  action TEXT NOT NULL,"
    "  object TEXT,"
    "  detail TEXT NOT NULL,"
    "  prev TEXT NOT NULL,"
    "  hash TEXT NOT NULL);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;",
    /* 2: a case once handed over to a case manager stays out of its opener's sight,
     * even if every case manager is later unassigned (L1979: few people near the child) */
    ("ALTER TABLE cases ADD COLUMN handed_over INTEGER NOT NULL DEFAULT 0;"
     "UPDATE cases SET handed_over = 1 WHERE id IN (SELECT case_id FROM case_assignments);"),
    /* 3: a case-role account made or reset by an admin waits for a supervisor of its
     * organisation to confirm it (four eyes: an admin never reaches case content) */
    "ALTER TABLE users ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;",
    /* 4: screenings (an instrument's scored answers, the answers sealed because
     * free text is personal data) and the urgent needs they suggest (L3119-3126) */
    ("CREATE TABLE screenings ("
     "  id INTEGER PRIMARY KEY,"
     "  case_id INTEGER NOT NULL REFERENCES cases(id),"
     "  n INTEGER NOT NULL,"
     "  instrument TEXT NOT NULL,"
     "  version INTEGER NOT NULL,"
     "  mode TEXT NOT NULL,"
     "  language TEXT NOT NULL,"
     "  administered_by INTEGER REFERENCES users(id),"
     "  administered_on TEXT NOT NULL,"
     "  result TEXT NOT NULL,"
     "  score TEXT NOT NULL,"
     "  sealed BLOB NOT NULL,"
     "  final INTEGER NOT NULL,"
     "  created_at TEXT NOT NULL,"
     "  updated_at TEXT NOT NULL,"
     "  UNIQUE (case_id, n));"
     "CREATE TABLE case_needs ("
     "  case_id INTEGER NOT NULL REFERENCES cases(id),"
     "  need TEXT NOT NULL,"
     "  screening_n INTEGER NOT NULL,"
     "  suggested_at TEXT NOT NULL,"
     "  PRIMARY KEY (case_id, need));"),
};

static const char *const pg_migrations[] = {
    /* 1: foundation */
    "CREATE TABLE orgs ("
    "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  type TEXT NOT NULL,"
    "  region TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE users ("
    "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  org_id BIGINT NOT NULL REFERENCES orgs(id),"
    "  login TEXT NOT NULL UNIQUE,"
    "  role TEXT NOT NULL,"
    "  pw_hash TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  pw_changed_at TEXT NOT NULL);"
    "CREATE INDEX users_org ON users(org_id);"
    "CREATE TABLE sessions ("
    "  token_hash TEXT PRIMARY KEY,"
    "  user_id BIGINT NOT NULL REFERENCES users(id),"
    "  csrf TEXT NOT NULL,"
    "  created_at BIGINT NOT NULL,"
    "  last_seen BIGINT NOT NULL);"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE TABLE cases ("
    "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  org_id BIGINT NOT NULL REFERENCES orgs(id),"
    "  created_by BIGINT REFERENCES users(id),"
    "  sex TEXT,"
    "  age_at_identification INTEGER,"
    "  birth_year INTEGER,"
    "  citizenship TEXT,"
    "  region TEXT,"
    "  identified_on TEXT NOT NULL,"
    "  stage TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  iin_hash TEXT UNIQUE,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  version INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX cases_org ON cases(org_id);"
    "CREATE INDEX cases_created_by ON cases(created_by);"
    "CREATE TABLE case_personal ("
    "  case_id BIGINT PRIMARY KEY REFERENCES cases(id),"
    "  sealed BYTEA NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE case_assignments ("
    "  case_id BIGINT NOT NULL REFERENCES cases(id),"
    "  user_id BIGINT NOT NULL REFERENCES users(id),"
    "  assigned_by BIGINT REFERENCES users(id),"
    "  assigned_at TEXT NOT NULL,"
    "  PRIMARY KEY (case_id, user_id));"
    "CREATE INDEX case_assignments_user ON case_assignments(user_id);"
    "CREATE TABLE audit ("
    "  seq BIGINT PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor BIGINT,"
    "  action TEXT NOT NULL,"
    "  object TEXT,"
    "  detail TEXT NOT NULL,"
    "  prev TEXT NOT NULL,"
    "  hash TEXT NOT NULL);"
    "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
    "  BEGIN RAISE EXCEPTION 'audit trail is append-only' USING ERRCODE = '23000'; END $$;"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  FOR EACH ROW EXECUTE FUNCTION audit_append_only();"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  FOR EACH ROW EXECUTE FUNCTION audit_append_only();"
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit"
    "  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();",
    /* 2: a case once handed over to a case manager stays out of its opener's sight,
     * even if every case manager is later unassigned (L1979: few people near the child) */
    ("ALTER TABLE cases ADD COLUMN handed_over INTEGER NOT NULL DEFAULT 0;"
     "UPDATE cases SET handed_over = 1 WHERE id IN (SELECT case_id FROM case_assignments);"),
    /* 3: a case-role account made or reset by an admin waits for a supervisor of its
     * organisation to confirm it (four eyes: an admin never reaches case content) */
    "ALTER TABLE users ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;",
    /* 4: screenings (an instrument's scored answers, the answers sealed because
     * free text is personal data) and the urgent needs they suggest (L3119-3126) */
    ("CREATE TABLE screenings ("
     "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
     "  case_id BIGINT NOT NULL REFERENCES cases(id),"
     "  n INTEGER NOT NULL,"
     "  instrument TEXT NOT NULL,"
     "  version INTEGER NOT NULL,"
     "  mode TEXT NOT NULL,"
     "  language TEXT NOT NULL,"
     "  administered_by BIGINT REFERENCES users(id),"
     "  administered_on TEXT NOT NULL,"
     "  result TEXT NOT NULL,"
     "  score TEXT NOT NULL,"
     "  sealed BYTEA NOT NULL,"
     "  final INTEGER NOT NULL,"
     "  created_at TEXT NOT NULL,"
     "  updated_at TEXT NOT NULL,"
     "  UNIQUE (case_id, n));"
     "CREATE TABLE case_needs ("
     "  case_id BIGINT NOT NULL REFERENCES cases(id),"
     "  need TEXT NOT NULL,"
     "  screening_n INTEGER NOT NULL,"
     "  suggested_at TEXT NOT NULL,"
     "  PRIMARY KEY (case_id, need));"),
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

_Static_assert(sizeof migrations / sizeof migrations[0] == sizeof pg_migrations / sizeof pg_migrations[0],
               "every migration exists for SQLite and for PostgreSQL");

int schema_migration_count(void) { return COUNT(migrations); }

const char *schema_migration(int n)
{
    if (n < 1 || n > schema_migration_count())
        return NULL;
    return migrations[n - 1];
}

const char *schema_migration_pg(int n)
{
    if (n < 1 || n > COUNT(pg_migrations))
        return NULL;
    return pg_migrations[n - 1];
}
