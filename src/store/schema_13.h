/*
 * schema_13.h — migration 13 of schema.c for each engine (issue 15 items 2 and 3: scoped
 * accounts, four eyes, the audit trail read per organisation), kept apart so that
 * schema.c stays within its length. Included by schema.c only.
 *
 * users.system_wide: an
 * admin, auditor or analyst whose reach is every organisation, made only on the server
 * (`qorgau user add --system-wide`); of the accounts there are, only the first admin
 * the command line made (its "user.create" entry has no actor) becomes one, every
 * other stays within its organisation (docs/security.md says why). users.pending_by:
 * who made an account wait (made or reset it), who may not confirm it. audit_orgs: the
 * organisations each audit entry concerns (the auditor of one reads only theirs),
 * written with each new entry and derived here for the older ones from the acting
 * user, the object (an account, an organisation, a case, a referral, an agreement)
 * and the organisations the detail names (and the account of a failed login).
 * audit_orgs.seq names an audit entry without a foreign key: the trail's own triggers
 * refuse TRUNCATE on PostgreSQL, which a referencing key would answer first.
 */
#ifndef QG_SCHEMA_13_H
#define QG_SCHEMA_13_H

#define SCHEMA_13_SQLITE \
    "ALTER TABLE users ADD COLUMN system_wide INTEGER NOT NULL DEFAULT 0;" \
    "ALTER TABLE users ADD COLUMN pending_by INTEGER REFERENCES users(id);" \
    "UPDATE users SET system_wide = 1 WHERE id = (SELECT MIN(u.id) FROM users u" \
    "  WHERE u.role = 'admin' AND u.disabled = 0 AND EXISTS (SELECT 1 FROM audit a" \
    "  WHERE a.action = 'user.create' AND a.actor IS NULL AND a.object = 'user:' || u.id));" \
    "CREATE TABLE audit_orgs (" \
    "  seq INTEGER NOT NULL," \
    "  org_id INTEGER NOT NULL REFERENCES orgs(id)," \
    "  PRIMARY KEY (seq, org_id));" \
    "CREATE INDEX audit_orgs_org ON audit_orgs(org_id, seq);" \
    "INSERT INTO audit_orgs (seq, org_id)" \
    "  SELECT a.seq, u.org_id FROM audit a JOIN users u ON u.id = a.actor" \
    "  UNION SELECT a.seq, u.org_id FROM audit a JOIN users u ON u.id =" \
    "    CASE WHEN a.object LIKE 'user:%' THEN CAST(substr(a.object, 6) AS INTEGER) END" \
    "  UNION SELECT a.seq, o.id FROM audit a JOIN orgs o ON o.id =" \
    "    CASE WHEN a.object LIKE 'org:%' THEN CAST(substr(a.object, 5) AS INTEGER) END" \
    "  UNION SELECT a.seq, c.org_id FROM audit a JOIN cases c ON c.code = a.object" \
    "  UNION SELECT a.seq, r.from_org FROM audit a JOIN referrals r" \
    "    ON a.object = 'referral:' || r.ref" \
    "  UNION SELECT a.seq, r.to_org FROM audit a JOIN referrals r" \
    "    ON a.object = 'referral:' || r.ref WHERE r.to_org IS NOT NULL" \
    "  UNION SELECT a.seq, g.org_a FROM audit a JOIN agreements g" \
    "    ON a.object = 'agreement:' || g.id" \
    "  UNION SELECT a.seq, g.org_b FROM audit a JOIN agreements g" \
    "    ON a.object = 'agreement:' || g.id" \
    "  UNION SELECT a.seq, o.id FROM audit a JOIN orgs o" \
    "    ON o.id = json_extract(a.detail, '$.to_org')" \
    "  UNION SELECT a.seq, o.id FROM audit a JOIN orgs o" \
    "    ON o.id = json_extract(a.detail, '$.from_org')" \
    "  UNION SELECT a.seq, o.id FROM audit a JOIN orgs o" \
    "    ON o.id = json_extract(a.detail, '$.org_id')" \
    "  UNION SELECT a.seq, r.from_org FROM audit a JOIN referrals r" \
    "    ON r.ref = json_extract(a.detail, '$.ref')" \
    "  UNION SELECT a.seq, r.to_org FROM audit a JOIN referrals r" \
    "    ON r.ref = json_extract(a.detail, '$.ref') WHERE r.to_org IS NOT NULL" \
    "  UNION SELECT a.seq, u.org_id FROM audit a JOIN users u" \
    "    ON u.id = json_extract(a.detail, '$.user_id');"

#define SCHEMA_13_PG \
    "ALTER TABLE users ADD COLUMN system_wide INTEGER NOT NULL DEFAULT 0;" \
    "ALTER TABLE users ADD COLUMN pending_by BIGINT REFERENCES users(id);" \
    "UPDATE users SET system_wide = 1 WHERE id = (SELECT MIN(u.id) FROM users u" \
    "  WHERE u.role = 'admin' AND u.disabled = 0 AND EXISTS (SELECT 1 FROM audit a" \
    "  WHERE a.action = 'user.create' AND a.actor IS NULL AND a.object = 'user:' || u.id));" \
    "CREATE TABLE audit_orgs (" \
    "  seq BIGINT NOT NULL," \
    "  org_id BIGINT NOT NULL REFERENCES orgs(id)," \
    "  PRIMARY KEY (seq, org_id));" \
    "CREATE INDEX audit_orgs_org ON audit_orgs(org_id, seq);" \
    "INSERT INTO audit_orgs (seq, org_id)" \
    "  SELECT a.seq, u.org_id FROM audit a JOIN users u ON u.id = a.actor" \
    "  UNION SELECT a.seq, u.org_id FROM audit a JOIN users u ON u.id =" \
    "    CASE WHEN a.object LIKE 'user:%' THEN CAST(substr(a.object, 6) AS BIGINT) END" \
    "  UNION SELECT a.seq, o.id FROM audit a JOIN orgs o ON o.id =" \
    "    CASE WHEN a.object LIKE 'org:%' THEN CAST(substr(a.object, 5) AS BIGINT) END" \
    "  UNION SELECT a.seq, c.org_id FROM audit a JOIN cases c ON c.code = a.object" \
    "  UNION SELECT a.seq, r.from_org FROM audit a JOIN referrals r" \
    "    ON a.object = 'referral:' || r.ref" \
    "  UNION SELECT a.seq, r.to_org FROM audit a JOIN referrals r" \
    "    ON a.object = 'referral:' || r.ref WHERE r.to_org IS NOT NULL" \
    "  UNION SELECT a.seq, g.org_a FROM audit a JOIN agreements g" \
    "    ON a.object = 'agreement:' || g.id" \
    "  UNION SELECT a.seq, g.org_b FROM audit a JOIN agreements g" \
    "    ON a.object = 'agreement:' || g.id" \
    "  UNION SELECT a.seq, o.id FROM audit a JOIN orgs o" \
    "    ON o.id::text = (a.detail::jsonb ->> 'to_org')" \
    "  UNION SELECT a.seq, o.id FROM audit a JOIN orgs o" \
    "    ON o.id::text = (a.detail::jsonb ->> 'from_org')" \
    "  UNION SELECT a.seq, o.id FROM audit a JOIN orgs o" \
    "    ON o.id::text = (a.detail::jsonb ->> 'org_id')" \
    "  UNION SELECT a.seq, r.from_org FROM audit a JOIN referrals r" \
    "    ON r.ref = (a.detail::jsonb ->> 'ref')" \
    "  UNION SELECT a.seq, r.to_org FROM audit a JOIN referrals r" \
    "    ON r.ref = (a.detail::jsonb ->> 'ref') WHERE r.to_org IS NOT NULL" \
    "  UNION SELECT a.seq, u.org_id FROM audit a JOIN users u" \
    "    ON u.id::text = (a.detail::jsonb ->> 'user_id');"

#endif
