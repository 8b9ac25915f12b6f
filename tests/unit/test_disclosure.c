/* test_disclosure.c — protection of small numbers (src/core/report/disclosure.c): primary
 * suppression and its k edges, published zeros, the line rule on rows, columns and
 * margins, one-cell, one-row, one-column and all-zero tables, the Exercise 4 victims
 * table, and a brute-force proof on thousands of random small tables that no withheld
 * value can be worked out from what is published. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/report/disclosure.h"

#define MAXR 4
#define MAXC 6

typedef struct {
    int64_t e[(MAXR + 1) * (MAXC + 1)];
    bool s[(MAXR + 1) * (MAXC + 1)];
    disclosure_grid g;
} table;

/* Makes a table of r × c cells from values (row-major) with its totals. */
static void make(table *t, size_t r, size_t c, const int64_t *values)
{
    memset(t, 0, sizeof *t);
    t->g = (disclosure_grid){r, c, t->e, t->s};
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < c; j++)
            t->e[disclosure_at(&t->g, i, j)] = values[i * c + j];
    disclosure_fill_totals(&t->g);
}

static bool cell_w(const table *t, size_t r, size_t c)
{
    return t->s[disclosure_at(&t->g, r, c)];
}

/* ---- brute force ---- */

typedef struct {
    const table *t;
    int64_t cur[(MAXR + 1) * (MAXC + 1)];
    size_t wcell[MAXR * MAXC]; /* withheld inner cells, row-major */
    size_t nw;
    int64_t lo[(MAXR + 1) * (MAXC + 1)], hi[(MAXR + 1) * (MAXC + 1)];
    bool seen;
    long budget;
} brute;

/* Recomputes the margins of cur and returns true when every published entry agrees
 * with the true table. */
static bool consistent(brute *b)
{
    table tmp;
    memcpy(tmp.e, b->cur, sizeof tmp.e);
    tmp.g = (disclosure_grid){b->t->g.nrows, b->t->g.ncols, tmp.e, tmp.s};
    disclosure_fill_totals(&tmp.g);
    size_t n = (b->t->g.nrows + 1) * (b->t->g.ncols + 1);
    for (size_t i = 0; i < n; i++) {
        if (!b->t->s[i] && tmp.e[i] != b->t->e[i])
            return false;
        b->cur[i] = tmp.e[i];
    }
    return true;
}

static void record(brute *b)
{
    size_t n = (b->t->g.nrows + 1) * (b->t->g.ncols + 1);
    for (size_t i = 0; i < n; i++) {
        if (!b->seen || b->cur[i] < b->lo[i])
            b->lo[i] = b->cur[i];
        if (!b->seen || b->cur[i] > b->hi[i])
            b->hi[i] = b->cur[i];
    }
    b->seen = true;
}

static bool all_vary(const brute *b)
{
    size_t n = (b->t->g.nrows + 1) * (b->t->g.ncols + 1);
    for (size_t i = 0; i < n; i++)
        if (b->t->s[i] && (!b->seen || b->lo[i] == b->hi[i]))
            return false;
    return true;
}

/* Returns true when the partial row and column sums of cur already exceed a published
 * total (cells not yet assigned are 0). */
static bool over(const brute *b)
{
    const disclosure_grid *g = &b->t->g;
    for (size_t r = 0; r < g->nrows; r++) {
        int64_t s = 0;
        for (size_t c = 0; c < g->ncols; c++)
            s += b->cur[disclosure_at(g, r, c)];
        size_t tot = disclosure_at(g, r, g->ncols);
        if (!b->t->s[tot] && s > b->t->e[tot])
            return true;
    }
    for (size_t c = 0; c < g->ncols; c++) {
        int64_t s = 0;
        for (size_t r = 0; r < g->nrows; r++)
            s += b->cur[disclosure_at(g, r, c)];
        size_t tot = disclosure_at(g, g->nrows, c);
        if (!b->t->s[tot] && s > b->t->e[tot])
            return true;
    }
    return false;
}

static void dfs(brute *b, size_t i)
{
    if (b->budget-- <= 0 || (b->seen && all_vary(b)))
        return;
    if (i == b->nw) {
        int64_t keep[(MAXR + 1) * (MAXC + 1)];
        memcpy(keep, b->cur, sizeof keep);
        if (consistent(b))
            record(b);
        memcpy(b->cur, keep, sizeof keep);
        return;
    }
    /* trying 0 .. true value + 1 is a subset of the fillings a reader must consider:
     * two values found there are enough to show the entry cannot be worked out */
    for (int64_t v = 0; v <= b->t->e[b->wcell[i]] + 1; v++) {
        b->cur[b->wcell[i]] = v;
        if (!over(b))
            dfs(b, i + 1);
        b->cur[b->wcell[i]] = 0;
    }
}

/* Asserts that every withheld entry (cells and totals) takes at least two values over
 * the non-negative tables that agree with everything published. */
static void assert_not_derivable(const table *t)
{
    brute *b = calloc(1, sizeof *b);
    assert_non_null(b);
    b->t = t;
    b->budget = 20000000;
    const disclosure_grid *g = &t->g;
    for (size_t r = 0; r < g->nrows; r++)
        for (size_t c = 0; c < g->ncols; c++) {
            size_t x = disclosure_at(g, r, c);
            b->cur[x] = t->s[x] ? 0 : t->e[x];
            if (t->s[x])
                b->wcell[b->nw++] = x;
        }
    dfs(b, 0);
    bool finished = b->budget > 0, seen = b->seen; /* the true table is a filling */
    if (!finished || !seen)
        free(b);
    assert_true(finished);
    assert_true(seen);
    size_t n = (g->nrows + 1) * (g->ncols + 1), derivable = 0;
    for (size_t i = 0; i < n; i++)
        if (t->s[i] && b->lo[i] == b->hi[i]) {
            print_message("derivable entry %zu (value %lld) in %zux%zu table\n", i,
                          (long long)t->e[i], g->nrows, g->ncols);
            derivable++;
        }
    free(b);
    assert_int_equal(derivable, 0);
}

/* ---- tests ---- */

static void test_primary_and_k_edges(void **state)
{
    (void)state;
    /* k=5: 4 withheld, 5 published; 1 withheld; 0 published. */
    const int64_t v[] = {4, 5, 20, 1, 0, 30};
    table t;
    make(&t, 2, 3, v);
    size_t n = disclosure_protect(&t.g, 5);
    assert_true(cell_w(&t, 0, 0));
    assert_true(cell_w(&t, 1, 0));
    assert_false(cell_w(&t, 1, 1)); /* a zero is published */
    assert_true(disclosure_lines_safe(&t.g));
    /* rows 0 and 1 take 5 and 30; column 1 then has only the 5 and takes its total,
     * the total line takes column 0's total, and column 2 takes the 20. */
    assert_int_equal(n, 5);
    assert_not_derivable(&t);

    /* k=2: only ones are withheld. */
    const int64_t w[] = {1, 2, 9, 3, 8, 9};
    make(&t, 2, 3, w);
    disclosure_protect(&t.g, 2);
    assert_true(cell_w(&t, 0, 0));
    assert_false(cell_w(&t, 0, 1) && cell_w(&t, 1, 1) && cell_w(&t, 0, 2));
    assert_true(disclosure_lines_safe(&t.g));
    assert_not_derivable(&t);

    /* k <= 1 protects nothing. */
    make(&t, 2, 3, w);
    assert_int_equal(disclosure_protect(&t.g, 1), 0);
}

static void test_nothing_small(void **state)
{
    (void)state;
    const int64_t v[] = {5, 6, 7, 8};
    table t;
    make(&t, 2, 2, v);
    assert_int_equal(disclosure_protect(&t.g, 5), 0);
    for (size_t i = 0; i < 9; i++)
        assert_false(t.s[i]);
}

static void test_all_zero(void **state)
{
    (void)state;
    const int64_t v[9] = {0};
    table t;
    make(&t, 3, 3, v);
    assert_int_equal(disclosure_protect(&t.g, 5), 0);
    for (size_t i = 0; i < 16; i++)
        assert_false(t.s[i]);
}

static void test_single_cell(void **state)
{
    (void)state;
    table t;
    const int64_t small[] = {3};
    make(&t, 1, 1, small);
    assert_int_equal(disclosure_protect(&t.g, 5), 1);
    for (size_t i = 0; i < 4; i++)
        assert_true(t.s[i]); /* the cell and its three equal totals */
    const int64_t big[] = {7};
    make(&t, 1, 1, big);
    assert_int_equal(disclosure_protect(&t.g, 5), 0);
}

static void test_one_column(void **state)
{
    (void)state;
    /* a 1-D table: a small count needs a second cell withheld, since the grand total
     * is published. */
    const int64_t v[] = {3, 10, 12};
    table t;
    make(&t, 3, 1, v);
    assert_int_equal(disclosure_protect(&t.g, 5), 2);
    assert_true(cell_w(&t, 0, 0));
    assert_true(cell_w(&t, 1, 0)); /* the smallest non-zero other cell */
    assert_false(cell_w(&t, 2, 0));
    assert_false(cell_w(&t, 3, 0)); /* the grand total stays */
    assert_true(disclosure_lines_safe(&t.g));
    assert_not_derivable(&t);
}

static void test_one_row(void **state)
{
    (void)state;
    const int64_t v[] = {2, 0, 9, 6};
    table t;
    make(&t, 1, 4, v);
    disclosure_protect(&t.g, 5);
    assert_true(cell_w(&t, 0, 0));
    assert_false(cell_w(&t, 0, 1));
    assert_true(cell_w(&t, 0, 3)); /* 6 < 9 */
    assert_true(disclosure_lines_safe(&t.g));
    assert_not_derivable(&t);
}

static void test_small_total_withheld(void **state)
{
    (void)state;
    /* row 0 sums to 4: its total is withheld with its cells. */
    const int64_t v[] = {2, 2, 0, 9, 8, 7};
    table t;
    make(&t, 2, 3, v);
    disclosure_protect(&t.g, 5);
    assert_true(t.s[disclosure_at(&t.g, 0, 3)]);
    assert_true(disclosure_lines_safe(&t.g));
    assert_not_derivable(&t);
}

static void test_line_falls_back_to_total(void **state)
{
    (void)state;
    /* row 0 has one non-zero cell: the only way to hide it is its total. */
    const int64_t v[] = {3, 0, 0, 6, 7, 8};
    table t;
    make(&t, 2, 3, v);
    disclosure_protect(&t.g, 5);
    assert_true(cell_w(&t, 0, 0));
    assert_true(t.s[disclosure_at(&t.g, 0, 3)]);
    assert_true(disclosure_lines_safe(&t.g));
    assert_not_derivable(&t);
}

static void test_exercise4_victims(void **state)
{
    (void)state;
    /* years 2019-2021 x men, women, boys, girls, unknown (manual L2747-2787) */
    const int64_t v[] = {3, 2, 6, 4, 0, 5, 3, 4, 10, 0, 2, 5, 5, 13, 0};
    table t;
    make(&t, 3, 5, v);
    assert_int_equal(disclosure_protect(&t.g, 5), 9);
    const bool want[15] = {1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0};
    for (size_t i = 0; i < 15; i++)
        assert_int_equal(cell_w(&t, i / 5, i % 5), want[i]);
    for (size_t c = 0; c <= 5; c++)
        assert_false(t.s[disclosure_at(&t.g, 3, c)]); /* every total published */
    assert_true(disclosure_lines_safe(&t.g));
    assert_not_derivable(&t);
}

static void test_bridge_is_closed(void **state)
{
    (void)state;
    /* two 2x2 blocks of small counts joined by one small cell: every line has two
     * withheld entries, but without the cycle rule the joining cell could be worked out
     * from the lines of one block. */
    const int64_t v[] = {
        1, 1, 0, 0, 9, 1, 1, 0, 0, 9, 0, 1, 1, 1, 9, 0, 0, 1, 1, 9,
    };
    table t;
    make(&t, 4, 5, v);
    disclosure_protect(&t.g, 2);
    assert_true(disclosure_lines_safe(&t.g));
    assert_not_derivable(&t);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static void test_random_tables_not_derivable(void **state)
{
    (void)state;
    static const int ks[] = {2, 3, 5, 7};
    size_t withheld = 0;
    for (int i = 0; i < 3000; i++) {
        size_t r = 1 + rnd(3), c = 1 + rnd(3);
        int64_t v[9];
        for (size_t j = 0; j < r * c; j++)
            v[j] = rnd(4) == 0 ? 0 : (int64_t)rnd(7); /* 0..6, zeros common */
        table t;
        make(&t, r, c, v);
        size_t n = disclosure_protect(&t.g, ks[rnd(4)]);
        withheld += n;
        assert_true(disclosure_lines_safe(&t.g));
        for (size_t x = 0; x < (r + 1) * (c + 1); x++)
            if (t.s[x])
                assert_true(t.e[x] > 0); /* never a withheld zero */
        assert_not_derivable(&t);
    }
    assert_true(withheld > 1000); /* the sample did exercise suppression */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_primary_and_k_edges),
        cmocka_unit_test(test_nothing_small),
        cmocka_unit_test(test_all_zero),
        cmocka_unit_test(test_single_cell),
        cmocka_unit_test(test_one_column),
        cmocka_unit_test(test_one_row),
        cmocka_unit_test(test_small_total_withheld),
        cmocka_unit_test(test_line_falls_back_to_total),
        cmocka_unit_test(test_exercise4_victims),
        cmocka_unit_test(test_bridge_is_closed),
        cmocka_unit_test(test_random_tables_not_derivable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
