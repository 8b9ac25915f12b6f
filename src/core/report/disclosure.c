/*
 * disclosure.c — protection of small numbers: primary suppression of counts 1..k−1,
 * the line rule and the cycle rule of secondary suppression (see disclosure.h).
 *
 * The cycle rule works on the bipartite graph whose vertices are the lines (rows 0..R
 * of the extended grid, then columns 0..C) and whose edges are the withheld entries.
 */
#include "core/report/disclosure.h"
#include "base/alloc.h"

#include <stdlib.h>
#include <string.h>

size_t disclosure_at(const disclosure_grid *g, size_t r, size_t c)
{
    return r * (g->ncols + 1) + c;
}

void disclosure_fill_totals(disclosure_grid *g)
{
    size_t R = g->nrows, C = g->ncols;
    for (size_t r = 0; r <= R; r++)
        g->entries[disclosure_at(g, r, C)] = 0;
    for (size_t c = 0; c < C; c++)
        g->entries[disclosure_at(g, R, c)] = 0;
    for (size_t r = 0; r < R; r++)
        for (size_t c = 0; c < C; c++) {
            int64_t v = g->entries[disclosure_at(g, r, c)];
            g->entries[disclosure_at(g, r, C)] += v;
            g->entries[disclosure_at(g, R, c)] += v;
            g->entries[disclosure_at(g, R, C)] += v;
        }
}

/* Entry p of a line: a row line (is_row) runs along columns 0..C, a column line along
 * rows 0..R; the last position is the line's total. */
static size_t line_len(const disclosure_grid *g, bool is_row)
{
    return is_row ? g->ncols + 1 : g->nrows + 1;
}

static size_t line_entry(const disclosure_grid *g, bool is_row, size_t line, size_t p)
{
    return is_row ? disclosure_at(g, line, p) : disclosure_at(g, p, line);
}

static size_t line_withheld(const disclosure_grid *g, bool is_row, size_t line)
{
    size_t n = 0;
    for (size_t p = 0; p < line_len(g, is_row); p++)
        n += g->suppressed[line_entry(g, is_row, line, p)];
    return n;
}

/* Withholds one more entry of a line that has exactly one withheld: the smallest
 * non-zero published cell (its crossing line already withholding one first), else the
 * total, else (never for tables this rule produced) any published entry. */
static void line_second(disclosure_grid *g, bool is_row, size_t line)
{
    size_t len = line_len(g, is_row), best = len;
    bool best_cross = false;
    for (size_t p = 0; p + 1 < len; p++) {
        size_t e = line_entry(g, is_row, line, p);
        if (g->suppressed[e] || g->entries[e] <= 0)
            continue;
        bool cross = line_withheld(g, !is_row, p) > 0;
        size_t b = best < len ? line_entry(g, is_row, line, best) : 0;
        if (best == len || (cross && !best_cross) ||
            (cross == best_cross && g->entries[e] < g->entries[b])) {
            best = p;
            best_cross = cross;
        }
    }
    if (best == len && !g->suppressed[line_entry(g, is_row, line, len - 1)])
        best = len - 1;
    for (size_t p = 0; best == len && p < len; p++)
        if (!g->suppressed[line_entry(g, is_row, line, p)])
            best = p;
    if (best < len)
        g->suppressed[line_entry(g, is_row, line, best)] = true;
}

/* Applies the line rule until no line has exactly one withheld entry. Returns true
 * when it withheld anything. */
static bool line_rule(disclosure_grid *g)
{
    bool any = false, changed = true;
    while (changed) {
        changed = false;
        for (int dir = 0; dir < 2; dir++) {
            bool is_row = dir == 0;
            size_t lines = is_row ? g->nrows + 1 : g->ncols + 1;
            for (size_t l = 0; l < lines; l++)
                if (line_withheld(g, is_row, l) == 1) {
                    line_second(g, is_row, l);
                    changed = any = true;
                }
        }
    }
    return any;
}

/* Scratch space of the cycle rule: a mark per vertex (rows, then columns) and a queue. */
typedef struct {
    unsigned char *mark;
    size_t *queue;
} graph_scratch;

/* Marks with tag every vertex reachable from start over withheld entries, without
 * using entry skip. Vertex v < R+1 is row v, else column v-(R+1). */
static void reach(const disclosure_grid *g, graph_scratch *s, size_t start, size_t skip,
                  unsigned char tag)
{
    size_t R1 = g->nrows + 1, C1 = g->ncols + 1, head = 0, tail = 0;
    s->mark[start] = tag;
    s->queue[tail++] = start;
    while (head < tail) {
        size_t v = s->queue[head++];
        bool is_row = v < R1;
        size_t line = is_row ? v : v - R1, len = is_row ? C1 : R1;
        for (size_t p = 0; p < len; p++) {
            size_t e = line_entry(g, is_row, line, p);
            size_t w = is_row ? R1 + p : p;
            if (e == skip || !g->suppressed[e] || s->mark[w])
                continue;
            s->mark[w] = tag;
            s->queue[tail++] = w;
        }
    }
}

/* If withheld entry (r, c) joins two groups that nothing else joins, withholds the
 * published entry that closes a cycle through it (smallest non-zero first). Returns
 * true when it withheld one. */
static bool close_bridge(disclosure_grid *g, graph_scratch *s, size_t r, size_t c)
{
    size_t R1 = g->nrows + 1, C1 = g->ncols + 1, e = disclosure_at(g, r, c);
    memset(s->mark, 0, R1 + C1);
    reach(g, s, r, e, 1);
    if (s->mark[R1 + c])
        return false;
    reach(g, s, R1 + c, e, 2);
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < R1; i++)
        for (size_t j = 0; j < C1; j++) {
            unsigned char a = s->mark[i], b = s->mark[R1 + j];
            size_t x = disclosure_at(g, i, j);
            if (g->suppressed[x] || !a || !b || a == b)
                continue;
            bool better = best == SIZE_MAX ||
                          (g->entries[best] <= 0 && g->entries[x] > 0) ||
                          (g->entries[x] > 0 && g->entries[x] < g->entries[best]);
            if (better)
                best = x;
        }
    if (best == SIZE_MAX)
        return false;
    g->suppressed[best] = true;
    return true;
}

/* Applies the cycle rule once over every withheld entry. Returns true when it withheld
 * anything. */
static bool cycle_rule(disclosure_grid *g, graph_scratch *s)
{
    bool any = false;
    for (size_t r = 0; r <= g->nrows; r++)
        for (size_t c = 0; c <= g->ncols; c++)
            if (g->suppressed[disclosure_at(g, r, c)] && close_bridge(g, s, r, c))
                any = true;
    return any;
}

static void primary(disclosure_grid *g, int k)
{
    size_t n = (g->nrows + 1) * (g->ncols + 1);
    for (size_t i = 0; i < n; i++)
        g->suppressed[i] = k > 1 && g->entries[i] >= 1 && g->entries[i] < k;
}

static size_t count_cells(const disclosure_grid *g)
{
    size_t n = 0;
    for (size_t r = 0; r < g->nrows; r++)
        for (size_t c = 0; c < g->ncols; c++)
            n += g->suppressed[disclosure_at(g, r, c)];
    return n;
}

size_t disclosure_protect(disclosure_grid *g, int k)
{
    size_t n = (g->nrows + 1) * (g->ncols + 1), v = g->nrows + g->ncols + 2;
    graph_scratch s = {qg_calloc(v, 1), qg_calloc(v, sizeof(size_t))};
    if (!s.mark || !s.queue) {
        free(s.mark);
        free(s.queue);
        for (size_t i = 0; i < n; i++)
            g->suppressed[i] = true;
        return (size_t)-1;
    }
    primary(g, k);
    line_rule(g);
    while (cycle_rule(g, &s))
        line_rule(g);
    free(s.mark);
    free(s.queue);
    return count_cells(g);
}

bool disclosure_lines_safe(const disclosure_grid *g)
{
    for (size_t r = 0; r <= g->nrows; r++)
        if (line_withheld(g, true, r) == 1)
            return false;
    for (size_t c = 0; c <= g->ncols; c++)
        if (line_withheld(g, false, c) == 1)
            return false;
    return true;
}
