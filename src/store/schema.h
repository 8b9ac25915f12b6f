/*
 * schema.h — the versioned migrations of the Qorgau database. Migration n (1-based)
 * brings a database from version n-1 to n; they are applied in order by db_migrate
 * and never edited once released: a change is a new migration.
 */
#ifndef QG_SCHEMA_H
#define QG_SCHEMA_H

/* The number of migrations, which is the current schema version: each list (schema.c for
 * SQLite, schema_pg.c for PostgreSQL) is checked against it when compiled. */
#define SCHEMA_VERSION 14

/* Returns the number of migrations, which is the current schema version. */
int schema_migration_count(void);

/* Returns the SQLite SQL of migration n (1..count), NULL outside. The string is
 * static. */
const char *schema_migration(int n);

/* Returns the PostgreSQL SQL of migration n (1..count, the same count), NULL
 * outside. The string is static. */
const char *schema_migration_pg(int n);

#endif
