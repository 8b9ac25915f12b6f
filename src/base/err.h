/*
 * err.h — the one error type of Qorgau.
 *
 * Every fallible function returns a qg_code and, on failure, fills a caller-owned
 * qg_error with the field at fault, a stable reason and a fixed message. Messages never
 * carry user input: they name the field and the problem only, so personal data cannot
 * reach logs, HTTP answers or stderr through an error.
 *
 * Adding an error site (docs/errors.md has the whole story):
 *
 *     return qg_fail(err, QG_EINVAL, "iin", "iin.check_digit", "check digit does not match");
 *
 * - code: the kind of failure (HTTP status and exit code follow from it).
 * - field: the input at fault as the API names it ("personal.iin", "answers.q5"), or NULL.
 * - reason: REQUIRED, a string literal: dotted lower-case words [a-z0-9_], at least two,
 *   saying what is wrong, not where ("iin.check_digit", "date.in_future",
 *   "password.too_short", "value.not_in_list"). Where one code path serves several fields
 *   the reason names the problem and the field names the field. Internal failures share
 *   general reasons ("storage.failure", "memory.exhausted", "crypto.failure"). Reuse an
 *   existing reason when it says exactly what is wrong; a new one needs a sentence in
 *   kk, ru and en in web/i18n/errors.json (make lint checks both ways).
 * - fmt, ...: the English message for the CLI and logs: constants and numbers only.
 *
 * qg_fail is a macro: a reason that is not a string literal, or a call without one, does
 * not compile. Only a function that forwards a reason it was given calls qg_fail_at.
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
    QG_ECRYPTO,    /* decryption or authentication failure */
    QG_EUNAVAIL    /* storage full or read-only: nothing can be written now; 503 */
} qg_code;

#define QG_ERR_FIELD_MAX 64
#define QG_ERR_MSG_MAX 200

typedef struct {
    qg_code code;
    char field[QG_ERR_FIELD_MAX];  /* "" when no single field is at fault */
    const char *reason;            /* a static string such as "iin.check_digit"; NULL: none */
    char message[QG_ERR_MSG_MAX];
} qg_error;

/* Fills err (if not NULL) and returns code. field may be NULL; reason is a string
 * literal (the macro refuses anything else); the message is a printf format of
 * constants and numbers only, never user input. */
#define qg_fail(err, code, field, reason, ...) \
    qg_fail_at((err), (code), (field), "" reason "", __VA_ARGS__)

/* What qg_fail calls: for functions that forward a reason given to them (the reason
 * must still be a static string that began as a literal at some qg_fail-like call). */
qg_code qg_fail_at(qg_error *err, qg_code code, const char *field, const char *reason,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Copies the error from into err (if not NULL) and returns its code: a failure passed
 * on unchanged, with its field, reason and message. */
qg_code qg_fail_copy(qg_error *err, const qg_error *from);

/* The reason of err for an answer: its reason, or "internal.failure" when it has none. */
const char *qg_error_reason(const qg_error *err);

/* Returns the stable machine name of a code, e.g. "invalid" for QG_EINVAL. */
const char *qg_code_name(qg_code code);

/* Returns the HTTP status for a code (400, 401, ... 500). */
int qg_code_http_status(qg_code code);

/* Returns the command-line exit status for a code: 2 for input errors, else 1. */
int qg_code_exit_status(qg_code code);

#endif
