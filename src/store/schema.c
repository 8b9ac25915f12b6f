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
};

int schema_migration_count(void) { return (int)(sizeof migrations / sizeof migrations[0]); }

const char *schema_migration(int n)
{
    if (n < 1 || n > schema_migration_count())
        return NULL;
    return migrations[n - 1];
}
