/*
 * err.h — the one error type of Qorgau.
 *
 * Every fallible function returns a qg_code and, on failure, fills a caller-owned
 * qg_error with the field at fault and a fixed message. Messages never carry user
 * input: they name the field and the problem only, so personal data cannot reach
 * logs, HTTP answers or stderr through an error.
 */
#ifndef QG_ERR_H
#define QG_ERR_H

typedef enum {
    QG_OK = 0,
    QG_EINVAL,     /* invalid input: 400 / exit 2 */
    QG_EUNAUTH,    /* not logged in: 401 */
    QG_EFORBIDDEN, /* role may never do this: 403 */
    QG_ENOTFOUND,  /* absent or not visible: 404 */
    QG_ECONFLICT,  /* would break a rule of the data: 409 */
    QG_ETOOLARGE,  /* body or value over a limit: 413 */
    QG_ETHROTTLED, /* too many attempts: 429 */
    QG_EKEY,       /* key file missing, unreadable or not this database's */
    QG_EDB,        /* storage failure */
    QG_EIO,        /* file or network failure */
    QG_ENOMEM,     /* allocation failure */
    QG_ECRYPTO     /* decryption or authentication failure */
} qg_code;

#define QG_ERR_FIELD_MAX 64
#define QG_ERR_MSG_MAX 200

typedef struct {
    qg_code code;
    char field[QG_ERR_FIELD_MAX];  /* "" when no single field is at fault */
    char message[QG_ERR_MSG_MAX];
} qg_error;

/* Fills err (if not NULL) and returns code. field may be NULL. The message is a
 * printf format; callers pass constants or numbers only, never user input. */
qg_code qg_fail(qg_error *err, qg_code code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Returns the stable machine name of a code, e.g. "invalid" for QG_EINVAL. */
const char *qg_code_name(qg_code code);

/* Returns the HTTP status for a code (400, 401, ... 500). */
int qg_code_http_status(qg_code code);

/* Returns the command-line exit status for a code: 2 for input errors, else 1. */
int qg_code_exit_status(qg_code code);

#endif
