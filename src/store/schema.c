/*
 * schema.c — the SQLite migrations (see schema.h; PostgreSQL's twins are in schema_pg.c).
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
    /* 5: case work (issue 4): the data the manual asks to collect (L2683-2699) as
     * coded columns and lists, the stage history (L2459-2501; who, when, why, the why
     * sealed), the forms (assessment, safety plan, action plan, interactions: free
     * text sealed, codes and dates in clear) and tasks (title sealed). Existing cases
     * get their opening entry in the stage history. */
    ("ALTER TABLE cases ADD COLUMN external_ref TEXT;"
     "ALTER TABLE cases ADD COLUMN exploitation_place TEXT;"
     "ALTER TABLE cases ADD COLUMN recruitment_method TEXT;"
     "ALTER TABLE cases ADD COLUMN exit_method TEXT;"
     "ALTER TABLE cases ADD COLUMN relation_to_trafficker TEXT;"
     "ALTER TABLE cases ADD COLUMN cj_stage TEXT;"
     "ALTER TABLE cases ADD COLUMN victim_status TEXT;"
     "ALTER TABLE cases ADD COLUMN status_decided_by TEXT;"
     "ALTER TABLE cases ADD COLUMN accompaniment TEXT;"
     "ALTER TABLE cases ADD COLUMN interpreter_needed INTEGER;"
     "ALTER TABLE cases ADD COLUMN interpreter_language TEXT;"
     "ALTER TABLE cases ADD COLUMN non_punishment INTEGER;"
     "ALTER TABLE cases ADD COLUMN close_reason TEXT;"
     "ALTER TABLE cases ADD COLUMN closed_on TEXT;"
     "CREATE UNIQUE INDEX cases_external_ref ON cases(org_id, external_ref);"
     "CREATE TABLE case_exploitation ("
     "  case_id INTEGER NOT NULL REFERENCES cases(id),"
     "  form TEXT NOT NULL,"
     "  PRIMARY KEY (case_id, form));"
     "CREATE TABLE case_services_needed ("
     "  case_id INTEGER NOT NULL REFERENCES cases(id),"
     "  service TEXT NOT NULL,"
     "  PRIMARY KEY (case_id, service));"
     "CREATE TABLE case_traffickers ("
     "  case_id INTEGER NOT NULL REFERENCES cases(id),"
     "  n INTEGER NOT NULL,"
     "  sex TEXT,"
     "  age_band TEXT,"
     "  relation TEXT,"
     "  role TEXT,"
     "  PRIMARY KEY (case_id, n));"
     "CREATE TABLE case_route ("
     "  case_id INTEGER NOT NULL REFERENCES cases(id),"
     "  n INTEGER NOT NULL,"
     "  event TEXT NOT NULL,"
     "  place TEXT NOT NULL,"
     "  on_date TEXT,"
     "  PRIMARY KEY (case_id, n));"
     "CREATE TABLE case_stages ("
     "  case_id INTEGER NOT NULL REFERENCES cases(id),"
     "  n INTEGER NOT NULL,"
     "  event TEXT NOT NULL,"
     "  from_stage TEXT,"
     "  to_stage TEXT NOT NULL,"
     "  reason TEXT,"
     "  sealed BLOB,"
     "  by_user INTEGER REFERENCES users(id),"
     "  at TEXT NOT NULL,"
     "  PRIMARY KEY (case_id, n));"
     "INSERT INTO case_stages (case_id, n, event, from_stage, to_stage, by_user, at)"
     "  SELECT id, 1, 'open', NULL, stage, created_by, created_at FROM cases;"
     "CREATE TABLE case_records ("
     "  id INTEGER PRIMARY KEY,"
     "  case_id INTEGER NOT NULL REFERENCES cases(id),"
     "  kind TEXT NOT NULL,"
     "  n INTEGER NOT NULL,"
     "  on_date TEXT NOT NULL,"
     "  due_on TEXT,"
     "  meta TEXT NOT NULL,"
     "  sealed BLOB NOT NULL,"
     "  withheld INTEGER NOT NULL DEFAULT 0,"
     "  created_by INTEGER REFERENCES users(id),"
     "  created_at TEXT NOT NULL,"
     "  updated_by INTEGER REFERENCES users(id),"
     "  updated_at TEXT NOT NULL,"
     "  version INTEGER NOT NULL DEFAULT 1,"
     "  UNIQUE (case_id, kind, n));"
     "CREATE INDEX case_records_due ON case_records(kind, due_on);"
     "CREATE TABLE tasks ("
     "  id INTEGER PRIMARY KEY,"
     "  case_id INTEGER NOT NULL REFERENCES cases(id),"
     "  n INTEGER NOT NULL,"
     "  stage TEXT NOT NULL,"
     "  assignee INTEGER REFERENCES users(id),"
     "  due_on TEXT NOT NULL,"
     "  status TEXT NOT NULL,"
     "  sealed BLOB NOT NULL,"
     "  created_by INTEGER REFERENCES users(id),"
     "  created_at TEXT NOT NULL,"
     "  updated_at TEXT NOT NULL,"
     "  version INTEGER NOT NULL DEFAULT 1,"
     "  UNIQUE (case_id, n));"
     "CREATE INDEX tasks_assignee ON tasks(assignee, status, due_on);"),
    /* 6: referrals between agencies (issue 5): the service directory (never a shelter's
     * address, L2452), cooperation and data-sharing agreements, consent with its
     * withdrawal (stats_excluded takes a case out of every aggregate), referrals with
     * their sealed contents and history, one-time reply codes (only their hash), and
     * break-the-glass access grants (the reason sealed). */
    ("CREATE TABLE org_services ("
     "  id INTEGER PRIMARY KEY,"
     "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
     "  service TEXT NOT NULL,"
     "  regions TEXT NOT NULL,"
     "  age_min INTEGER NOT NULL,"
     "  age_max INTEGER NOT NULL,"
     "  sexes TEXT NOT NULL,"
     "  languages TEXT NOT NULL,"
     "  capacity INTEGER,"
     "  available INTEGER,"
     "  procedure TEXT,"
     "  contact TEXT,"
     "  created_at TEXT NOT NULL,"
     "  updated_at TEXT NOT NULL,"
     "  version INTEGER NOT NULL DEFAULT 1,"
     "  UNIQUE (org_id, service));"
     "CREATE TABLE agreements ("
     "  id INTEGER PRIMARY KEY,"
     "  org_a INTEGER NOT NULL REFERENCES orgs(id),"
     "  org_b INTEGER NOT NULL REFERENCES orgs(id),"
     "  kind TEXT NOT NULL,"
     "  purpose TEXT NOT NULL,"
     "  data_shared TEXT NOT NULL,"
     "  protections TEXT NOT NULL,"
     "  permitted_users TEXT NOT NULL,"
     "  complaints TEXT NOT NULL,"
     "  valid_from TEXT NOT NULL,"
     "  valid_to TEXT NOT NULL,"
     "  ended_on TEXT,"
     "  created_by INTEGER REFERENCES users(id),"
     "  created_at TEXT NOT NULL);"
     "CREATE INDEX agreements_parties ON agreements(org_a, org_b);"
     "CREATE TABLE consents ("
     "  case_id INTEGER NOT NULL REFERENCES cases(id),"
     "  n INTEGER NOT NULL,"
     "  purpose TEXT NOT NULL,"
     "  org_id INTEGER REFERENCES orgs(id),"
     "  given_by TEXT NOT NULL,"
     "  given_on TEXT NOT NULL,"
     "  sealed BLOB,"
     "  recorded_by INTEGER REFERENCES users(id),"
     "  recorded_at TEXT NOT NULL,"
     "  withdrawn_on TEXT,"
     "  withdrawn_by INTEGER REFERENCES users(id),"
     "  PRIMARY KEY (case_id, n));"
     "ALTER TABLE cases ADD COLUMN stats_excluded INTEGER NOT NULL DEFAULT 0;"
     "CREATE TABLE referrals ("
     "  id INTEGER PRIMARY KEY,"
     "  ref TEXT NOT NULL UNIQUE,"
     "  case_id INTEGER NOT NULL REFERENCES cases(id),"
     "  from_org INTEGER NOT NULL REFERENCES orgs(id),"
     "  to_org INTEGER REFERENCES orgs(id),"
     "  to_name TEXT,"
     "  service TEXT NOT NULL,"
     "  parts TEXT NOT NULL,"
     "  sealed BLOB NOT NULL,"
     "  status TEXT NOT NULL,"
     "  respond_by TEXT NOT NULL,"
     "  agreement_id INTEGER REFERENCES agreements(id),"
     "  emergency INTEGER NOT NULL DEFAULT 0,"
     "  created_by INTEGER REFERENCES users(id),"
     "  created_at TEXT NOT NULL,"
     "  updated_at TEXT NOT NULL,"
     "  version INTEGER NOT NULL DEFAULT 1);"
     "CREATE INDEX referrals_to ON referrals(to_org, status);"
     "CREATE INDEX referrals_case ON referrals(case_id);"
     "CREATE TABLE referral_events ("
     "  referral_id INTEGER NOT NULL REFERENCES referrals(id),"
     "  n INTEGER NOT NULL,"
     "  from_status TEXT,"
     "  to_status TEXT NOT NULL,"
     "  reason TEXT,"
     "  sealed BLOB,"
     "  by_user INTEGER REFERENCES users(id),"
     "  via_code INTEGER NOT NULL DEFAULT 0,"
     "  at TEXT NOT NULL,"
     "  PRIMARY KEY (referral_id, n));"
     "CREATE TABLE reply_codes ("
     "  code_hash TEXT PRIMARY KEY,"
     "  referral_id INTEGER NOT NULL REFERENCES referrals(id),"
     "  created_at INTEGER NOT NULL,"
     "  expires_at INTEGER NOT NULL,"
     "  used_at INTEGER);"
     "CREATE INDEX reply_codes_referral ON reply_codes(referral_id);"
     "CREATE TABLE access_grants ("
     "  id INTEGER PRIMARY KEY,"
     "  case_id INTEGER NOT NULL REFERENCES cases(id),"
     "  user_id INTEGER NOT NULL REFERENCES users(id),"
     "  sealed BLOB NOT NULL,"
     "  granted_at INTEGER NOT NULL,"
     "  expires_at INTEGER NOT NULL,"
     "  ended_at INTEGER);"
     "CREATE INDEX access_grants_user ON access_grants(user_id, case_id);"),
    /* 7: a password an admin sets for someone else is temporary: it works for one
     * login, after which the user must choose their own before anything else (issue 13) */
    "ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;",
    /* 8: a suggested urgent need marked as addressed (how: a referral, a service given
     * in-house, or not needed after all with a reason code; on which day; by whom, when;
     * undone by clearing it), and a referral's answer that the sender recorded because
     * the recipient gave it by phone (issue 13) */
    ("ALTER TABLE case_needs ADD COLUMN addressed_how TEXT;"
     "ALTER TABLE case_needs ADD COLUMN addressed_reason TEXT;"
     "ALTER TABLE case_needs ADD COLUMN addressed_on TEXT;"
     "ALTER TABLE case_needs ADD COLUMN addressed_by INTEGER REFERENCES users(id);"
     "ALTER TABLE case_needs ADD COLUMN addressed_at TEXT;"
     "ALTER TABLE referral_events ADD COLUMN by_phone INTEGER NOT NULL DEFAULT 0;"),
    /* 9: a person's name beside the login, for the pickers that give work to people
     * (issue 13); NULL until an admin sets it */
    "ALTER TABLE users ADD COLUMN name TEXT;",
    /* 10: finding a child (issue 14): the blind index of a case's personal data (keyed
     * BLAKE2b terms of folded name prefixes, the birth date, the names with the birth
     * date; nothing readable: docs/security.md "Finding a child"), with the version of
     * the terms each case has; the IIN duplicate answers a worker got, and the contact
     * requests sent to the organisation that holds the child (no personal data) */
    ("CREATE TABLE case_terms ("
     "  term BIGINT NOT NULL,"
     "  case_id INTEGER NOT NULL REFERENCES cases(id),"
     "  PRIMARY KEY (term, case_id)) WITHOUT ROWID;"
     "CREATE INDEX case_terms_case ON case_terms(case_id);"
     "ALTER TABLE cases ADD COLUMN terms_version INTEGER NOT NULL DEFAULT 0;"
     "CREATE TABLE iin_attempts ("
     "  id INTEGER PRIMARY KEY,"
     "  token TEXT NOT NULL UNIQUE,"
     "  user_id INTEGER NOT NULL REFERENCES users(id),"
     "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
     "  case_id INTEGER NOT NULL REFERENCES cases(id),"
     "  org_named INTEGER NOT NULL,"
     "  at TEXT NOT NULL);"
     "CREATE INDEX iin_attempts_org ON iin_attempts(org_id, at);"
     "CREATE TABLE contact_requests ("
     "  id INTEGER PRIMARY KEY,"
     "  attempt_id INTEGER NOT NULL UNIQUE REFERENCES iin_attempts(id),"
     "  sent_by INTEGER NOT NULL REFERENCES users(id),"
     "  sent_at TEXT NOT NULL,"
     "  answer TEXT,"
     "  answered_by INTEGER REFERENCES users(id),"
     "  answered_at TEXT);"),
    /* 11: the IIN check that cannot be farmed (issue 14 item 6): a supervisor's named
     * operation that lifts the limit on creating cases with an IIN for a few hours, and
     * every attempt to create a case with an IIN or to change a case's IIN (who, which
     * organisation, when, whether the IIN was already registered, under which operation),
     * counted against the limit per user and per organisation (iin_quota_log; not the
     * duplicate answers of iin_attempts, migration 10) */
    ("CREATE TABLE operations ("
     "  id INTEGER PRIMARY KEY,"
     "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
     "  name TEXT NOT NULL,"
     "  started_by INTEGER REFERENCES users(id),"
     "  started_at INTEGER NOT NULL,"
     "  ends_at INTEGER NOT NULL,"
     "  ended_by INTEGER REFERENCES users(id),"
     "  ended_at INTEGER);"
     "CREATE INDEX operations_org ON operations(org_id, ends_at);"
     "CREATE TABLE iin_quota_log ("
     "  id INTEGER PRIMARY KEY,"
     "  user_id INTEGER REFERENCES users(id),"
     "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
     "  at INTEGER NOT NULL,"
     "  duplicate INTEGER NOT NULL DEFAULT 0,"
     "  operation_id INTEGER REFERENCES operations(id));"
     "CREATE INDEX iin_quota_log_user ON iin_quota_log(user_id, at);"
     "CREATE INDEX iin_quota_log_org ON iin_quota_log(org_id, at);"),
    /* 12: break-the-glass with a second key (issue 15; core/case/grant.h): requests (expires_at
     * their 72-hour deadline), decisions, scopes, reviews; older grants read as full */
    ("ALTER TABLE access_grants ADD COLUMN state TEXT NOT NULL DEFAULT 'active';"
     "ALTER TABLE access_grants ADD COLUMN scope TEXT;"
     "ALTER TABLE access_grants ADD COLUMN emergency INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE access_grants ADD COLUMN hours INTEGER NOT NULL DEFAULT 24;"
     "ALTER TABLE access_grants ADD COLUMN requested_at INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE access_grants ADD COLUMN decided_by INTEGER REFERENCES users(id);"
     "ALTER TABLE access_grants ADD COLUMN decided_at INTEGER;"
     "ALTER TABLE access_grants ADD COLUMN note_sealed BLOB;"
     "ALTER TABLE access_grants ADD COLUMN reviewed_by INTEGER REFERENCES users(id);"
     "ALTER TABLE access_grants ADD COLUMN reviewed_at INTEGER;"
     "ALTER TABLE access_grants ADD COLUMN review_sealed BLOB;"
     "UPDATE access_grants SET scope = 'full', requested_at = granted_at,"
     " hours = (expires_at - granted_at) / 3600,"
     " state = CASE WHEN ended_at IS NULL THEN 'active' ELSE 'ended' END;"
     "CREATE INDEX access_grants_emergency ON access_grants(user_id, emergency, requested_at);"
     "CREATE INDEX access_grants_case ON access_grants(case_id, state);"),
    /* 13: failure limits shared by every server on one database (issue 15 item 6):
     * failed logins per account and per address, wrong reply codes per address, one row
     * per counter keyed by a keyed hash of what it counts (core/account/limit.h); at most
     * a fixed number of rows, the unblocked one idle the longest giving way */
    ("CREATE TABLE limit_failures ("
     "  hash TEXT PRIMARY KEY,"
     "  failures INTEGER NOT NULL,"
     "  window_start INTEGER NOT NULL,"
     "  blocked_until INTEGER NOT NULL,"
     "  last_seen INTEGER NOT NULL);"
     "CREATE INDEX limit_failures_blocked ON limit_failures(blocked_until);"
     "CREATE INDEX limit_failures_seen ON limit_failures(last_seen);"),
    /* 14: scoped accounts and four eyes (issue 15 items 2 and 3).
     * users.system_wide: an
     * admin, auditor or analyst whose reach is every organisation, made only on the server
     * (`qorgau user add --system-wide`); of the accounts there are, only the first admin
     * the command line made (its "user.create" entry has no actor) becomes one, every
     * other stays within its organisation (docs/security.md says why). users.pending_by:
     * who made an account wait (made or reset it), who may not confirm it. users.made_by:
     * the person who made the account or last set its password for it (kept after the
     * confirmation; NULL for the command line): an account may not confirm what its own
     * maker made or reset (policy_confirm). audit_orgs: the
     * organisations each audit entry concerns (the auditor of one reads only theirs),
     * written with each new entry and derived here for the older ones from the acting
     * user, the object (an account, an organisation, a case, a referral, an agreement)
     * and the organisations the detail names (and the account of a failed login).
     * audit_orgs.seq names an audit entry without a foreign key: the trail's own triggers
     * refuse TRUNCATE on PostgreSQL, which a referencing key would answer first.
     */
    ("ALTER TABLE users ADD COLUMN system_wide INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE users ADD COLUMN pending_by INTEGER REFERENCES users(id);"
     "ALTER TABLE users ADD COLUMN made_by INTEGER REFERENCES users(id);"
     "UPDATE users SET system_wide = 1 WHERE id = (SELECT MIN(u.id) FROM users u"
     "  WHERE u.role = 'admin' AND u.disabled = 0 AND EXISTS (SELECT 1 FROM audit a"
     "  WHERE a.action = 'user.create' AND a.actor IS NULL AND a.object = 'user:' || u.id));"
     "CREATE TABLE audit_orgs ("
     "  seq INTEGER NOT NULL,"
     "  org_id INTEGER NOT NULL REFERENCES orgs(id),"
     "  PRIMARY KEY (seq, org_id));"
     "CREATE INDEX audit_orgs_org ON audit_orgs(org_id, seq);"
     "INSERT INTO audit_orgs (seq, org_id)"
     "  SELECT a.seq, u.org_id FROM audit a JOIN users u ON u.id = a.actor"
     "  UNION SELECT a.seq, u.org_id FROM audit a JOIN users u ON u.id ="
     "    CASE WHEN a.object LIKE 'user:%' THEN CAST(substr(a.object, 6) AS INTEGER) END"
     "  UNION SELECT a.seq, o.id FROM audit a JOIN orgs o ON o.id ="
     "    CASE WHEN a.object LIKE 'org:%' THEN CAST(substr(a.object, 5) AS INTEGER) END"
     "  UNION SELECT a.seq, c.org_id FROM audit a JOIN cases c ON c.code = a.object"
     "  UNION SELECT a.seq, r.from_org FROM audit a JOIN referrals r"
     "    ON a.object = 'referral:' || r.ref"
     "  UNION SELECT a.seq, r.to_org FROM audit a JOIN referrals r"
     "    ON a.object = 'referral:' || r.ref WHERE r.to_org IS NOT NULL"
     "  UNION SELECT a.seq, g.org_a FROM audit a JOIN agreements g"
     "    ON a.object = 'agreement:' || g.id"
     "  UNION SELECT a.seq, g.org_b FROM audit a JOIN agreements g"
     "    ON a.object = 'agreement:' || g.id"
     "  UNION SELECT a.seq, o.id FROM audit a JOIN orgs o"
     "    ON o.id = json_extract(a.detail, '$.to_org')"
     "  UNION SELECT a.seq, o.id FROM audit a JOIN orgs o"
     "    ON o.id = json_extract(a.detail, '$.from_org')"
     "  UNION SELECT a.seq, o.id FROM audit a JOIN orgs o"
     "    ON o.id = json_extract(a.detail, '$.org_id')"
     "  UNION SELECT a.seq, r.from_org FROM audit a JOIN referrals r"
     "    ON r.ref = json_extract(a.detail, '$.ref')"
     "  UNION SELECT a.seq, r.to_org FROM audit a JOIN referrals r"
     "    ON r.ref = json_extract(a.detail, '$.ref') WHERE r.to_org IS NOT NULL"
     "  UNION SELECT a.seq, u.org_id FROM audit a JOIN users u"
     "    ON u.id = json_extract(a.detail, '$.user_id');"),
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

_Static_assert(COUNT(migrations) == SCHEMA_VERSION,
               "SCHEMA_VERSION (schema.h) counts the SQLite migrations; PostgreSQL's are in"
               " schema_pg.c, checked against it the same way");

int schema_migration_count(void) { return SCHEMA_VERSION; }

const char *schema_migration(int n)
{
    if (n < 1 || n > schema_migration_count())
        return NULL;
    return migrations[n - 1];
}
