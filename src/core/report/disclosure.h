/*
 * disclosure.h — protection of small numbers in a count table (issue 6 §2): pure
 * functions, no storage, no allocation visible to the caller.
 *
 * The table is seen with its margins as an extended grid of (nrows + 1) × (ncols + 1)
 * entries: the cells, each row's total in the last column, each column's total in the
 * last row, and the grand total in the corner. Every row and every column of that grid
 * is a "line": its last entry is the sum of the others.
 *
 * - Primary suppression: every entry (cell or total) from 1 to k−1 is withheld. A 0 is
 *   published: it reveals no person. A 0 beside suppressed cells tells a reader that
 *   the suppressed ones carry the whole remainder, but it does not tell how that
 *   remainder is split, which is what the secondary step guarantees.
 * - Secondary suppression, repeated until nothing changes: a line with exactly one
 *   withheld entry would give it away (total minus the others), so one more entry of
 *   that line is withheld — the smallest non-zero published cell, preferring one whose
 *   crossing line already has a withheld entry; when the line has no such cell, its
 *   total. Then every withheld entry must lie on a cycle of withheld entries (rows and
 *   columns alternating): an entry that joins two otherwise separate groups can be
 *   worked out from the lines of one group, so one more entry closing a cycle through it
 *   is withheld (the smallest non-zero published one that does), and the line rule runs
 *   again. All withheld entries are at least 1, so adding 1 and taking 1 around a cycle
 *   gives another non-negative table agreeing with everything published: no withheld
 *   value can be worked out from the published cells and totals.
 */
#ifndef QG_DISCLOSURE_H
#define QG_DISCLOSURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The extended grid: entries[(nrows + 1) * (ncols + 1)], row-major, where entry
 * (r, ncols) is row r's total, (nrows, c) column c's total and (nrows, ncols) the grand
 * total. suppressed has the same layout. */
typedef struct {
    size_t nrows, ncols;  /* of the inner cells, both >= 1 */
    int64_t *entries;     /* caller-owned */
    bool *suppressed;     /* caller-owned */
} disclosure_grid;

/* Returns the index of entry (r, c) of the extended grid g. */
size_t disclosure_at(const disclosure_grid *g, size_t r, size_t c);

/* Fills the margins of g (row, column and grand totals) from its cells (counts must be
 * non-negative). */
void disclosure_fill_totals(disclosure_grid *g);

/* Protects g with threshold k (k >= 2; k <= 1 protects nothing): clears every flag,
 * then applies the primary and secondary rules above. Returns the number of withheld
 * inner cells (totals not counted), or (size_t)-1 when out of memory (the flags are then
 * all set: nothing is published). */
size_t disclosure_protect(disclosure_grid *g, int k);

/* Returns true when every line of g has zero or at least two withheld entries (the
 * property the secondary rule guarantees; exported for the tests). */
bool disclosure_lines_safe(const disclosure_grid *g);

#endif
