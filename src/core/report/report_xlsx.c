/*
 * report_xlsx.c — writing a report as an XLSX workbook (see report_xlsx.h).
 *
 * Each table gets a worksheet laid out as
 *   row 0  title (report, and table for the process report)
 *   row 1  filters (years, region, organisation)
 *   row 2  "small numbers protected (k = N)" when protected
 *   row 3  the column dimension's name above the column keys (2-D tables)
 *   row 4  header: row dimension, column keys, "Total"    <- frozen with column A
 *   rows   one per row key: label, counts, row total
 *   row    "Total": column totals and the grand total
 *   notes  what "x" means, how exploitation is counted, source and date
 *   chart  a native chart whose series read the grid's cells
 * A withheld count is the text "x" in grey italics: every withheld count shows the same
 * mark (showing "<k" only on the small ones would tell which cells are small). A chart
 * reads "x" as nothing: its bar or slice is empty, and no chart has data labels.
 *
 * libxlsxwriter calls that can fail return lxw_error; the first failure is kept in the
 * writer's state and everything after it is skipped, so a failure anywhere leaves no
 * file. The Russian and Kazakh wording still needs a native speaker's review.
 */
#include "core/report/report_xlsx.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "base/text.h"

#define ROW_TITLE 0
#define ROW_FILTERS 1
#define ROW_PROTECT 2
#define ROW_DIM 3
#define ROW_HEADER 4
#define SHEET_NAME_CHARS 31 /* Excel's limit, in characters */
#define SHEET_NAME_BYTES 128
#define LINE_MAX_BYTES 512
#define CHART_SERIES_MAX 255 /* Excel's limit per chart */
#define LONG_TABLE_ROWS 12   /* longer tables print their chart on the next page */
#define GREY 0x808080
#define HEADER_FILL 0xDDEBF7

/* ---- labels ---- */

typedef struct {
    const char *key, *en, *ru, *kk;
} text_entry;

static const text_entry TEXTS[] = {
    {"report.victims", "Victims by year and category", "Жертвы по годам и категориям",
     "Жылдар мен санаттар бойынша құрбандар"},
    {"report.exploitation", "Forms of exploitation by year", "Формы эксплуатации по годам",
     "Жылдар бойынша қанау түрлері"},
    {"report.regions", "Cases by region and year", "Случаи по регионам и годам",
     "Өңірлер мен жылдар бойынша істер"},
    {"report.age-bands", "Cases by age band and sex", "Случаи по возрастным группам и полу",
     "Жас топтары мен жынысы бойынша істер"},
    {"report.flows", "From place of recruitment to place of exploitation",
     "От места вербовки до места эксплуатации", "Тартылған жерден қанау орнына дейін"},
    {"report.process", "Case work", "Работа со случаями", "Істермен жұмыс"},
    {"table.victims", "Victims", "Жертвы", "Құрбандар"},
    {"table.exploitation", "Exploitation", "Эксплуатация", "Қанау түрлері"},
    {"table.regions", "Regions", "Регионы", "Өңірлер"},
    {"table.age-bands", "Age bands", "Возрастные группы", "Жас топтары"},
    {"table.flows", "Flows", "Потоки", "Ағындар"},
    {"table.stages", "Open cases by stage", "Открытые случаи по этапам",
     "Ашық істер кезеңдер бойынша"},
    {"table.delays", "Time to first steps", "Сроки первых шагов", "Алғашқы қадамдар мерзімі"},
    {"table.referrals", "Referrals", "Направления", "Жолдамалар"},
    {"table.overdue_tasks", "Overdue tasks", "Просроченные задачи",
     "Мерзімі өткен тапсырмалар"},
    {"dim.year", "Year", "Год", "Жыл"},
    {"dim.category", "Category", "Категория", "Санат"},
    {"dim.form", "Form of exploitation", "Форма эксплуатации", "Қанау түрі"},
    {"dim.region", "Region", "Регион", "Өңір"},
    {"dim.age_band", "Age band", "Возрастная группа", "Жас тобы"},
    {"dim.sex", "Sex", "Пол", "Жынысы"},
    {"dim.origin", "Place of recruitment", "Место вербовки", "Тартылған жері"},
    {"dim.destination", "Place of exploitation", "Место эксплуатации", "Қанау орны"},
    {"dim.stage", "Stage", "Этап", "Кезең"},
    {"dim.measure", "Measure", "Показатель", "Көрсеткіш"},
    {"dim.delay", "Time", "Срок", "Мерзім"},
    {"dim.service", "Service", "Услуга", "Қызмет"},
    {"dim.outcome", "Outcome", "Результат", "Нәтиже"},
    {"dim.count", "Number", "Число", "Саны"},
    {"total", "Total", "Итого", "Барлығы"},
    {"code", "Code", "Код", "Код"},
    {"years", "Years", "Годы", "Жылдар"},
    {"all", "all", "все", "барлығы"},
    {"all_regions", "all regions", "все регионы", "барлық өңірлер"},
    {"org", "Organisation", "Организация", "Ұйым"},
    {"all_orgs", "all organisations", "все организации", "барлық ұйымдар"},
    {"protected", "Small numbers protected", "Малые числа защищены", "Шағын сандар қорғалған"},
    {"withheld_a", "x — withheld to protect small numbers: every count below ",
     "x — скрыто для защиты малых чисел: каждое число меньше ",
     "x — шағын сандарды қорғау үшін жасырылған: "},
    {"withheld_b",
     ", and enough other counts that none can be worked out from the totals. 0 means no case.",
     " и столько других, чтобы ни одно нельзя было вычислить по итогам. 0 означает, что "
     "случаев нет.",
     " шегінен кіші әрбір сан және оларды жиынтықтардан есептеп шығаруға мүмкіндік беретін "
     "басқа сандар. 0 — бірде-бір іс жоқ."},
    {"forms_note", "A case with several forms of exploitation counts under each; totals count "
                   "case-forms.",
     "Случай с несколькими формами эксплуатации учтён в каждой из них; итоги считают пары "
     "«случай — форма».",
     "Бірнеше қанау түрі бар іс әр түрде есептеледі; жиынтықтар «іс — түр» жұптарын "
     "санайды."},
    {"no_cases", "No cases match the filters.", "Нет случаев, подходящих под фильтры.",
     "Сүзгілерге сәйкес келетін іс жоқ."},
    {"source", "Source: Qorgau", "Источник: Qorgau", "Дереккөз: Qorgau"},
};

bool report_lang_known(const char *lang)
{
    return lang && (strcmp(lang, "kk") == 0 || strcmp(lang, "ru") == 0 || strcmp(lang, "en") == 0);
}

/* Picks lang's text of an entry with en/ru/kk, falling back to English. */
static const char *pick(const char *lang, const char *en, const char *ru, const char *kk)
{
    const char *s = strcmp(lang, "ru") == 0 ? ru : strcmp(lang, "kk") == 0 ? kk : en;
    return s ? s : en;
}

const char *report_text(const char *lang, const char *key, const char *fallback)
{
    if (!report_lang_known(lang))
        lang = REPORT_LANG_DEFAULT;
    for (size_t i = 0; i < sizeof TEXTS / sizeof TEXTS[0]; i++)
        if (strcmp(TEXTS[i].key, key) == 0)
            return pick(lang, TEXTS[i].en, TEXTS[i].ru, TEXTS[i].kk);
    return fallback;
}

/* Returns the label of key (e.g. "table.victims") in lang, or fallback when none. */
static const char *tr(const char *lang, const char *key, const char *fallback)
{
    return report_text(lang, key, fallback);
}

/* Returns the label of a table, report or dimension name (prefix "table.", ...). */
static const char *tr_name(const char *lang, const char *prefix, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "%s%s", prefix, name);
    return tr(lang, key, name);
}

/* ---- the writer's state ---- */

typedef struct {
    lxw_format *title, *subtitle, *dim, *header, *rowkey, *count, *total_key, *total,
        *withheld, *note;
} formats;

typedef struct {
    const report *r;
    const char *lang;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    const report_table *t;
    char sheet[SHEET_NAME_BYTES];
    formats f;
    lxw_error rc; /* the first failure; nothing more is written after one */
    lxw_row_t first_row, total_row, next_row;
    lxw_col_t ncols; /* data columns (keys), without the row-key and total columns */
} xw;

static void keep(xw *x, lxw_error rc)
{
    if (x->rc == LXW_NO_ERROR)
        x->rc = rc;
}

static void put_text(xw *x, lxw_row_t row, lxw_col_t col, const char *s, lxw_format *f)
{
    if (x->rc == LXW_NO_ERROR)
        x->rc = worksheet_write_string(x->ws, row, col, s, f);
}

/* A count, or the withheld mark. */
static void put_count(xw *x, lxw_row_t row, lxw_col_t col, int64_t n, bool withheld,
                      lxw_format *f)
{
    if (withheld)
        put_text(x, row, col, REPORT_XLSX_WITHHELD, x->f.withheld);
    else if (x->rc == LXW_NO_ERROR)
        x->rc = worksheet_write_number(x->ws, row, col, (double)n, f);
}

/* Number of characters (code points) of a UTF-8 string. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The label of a key of dimension d in the writer's language (the key itself when it
 * has none: years, unknown codes). */
static const char *key_label(const xw *x, const report_dim *d, size_t i)
{
    const vocab_entry *e = report_key_label(d->name, d->keys[i]);
    return e ? pick(x->lang, e->en, e->ru, e->kk) : d->keys[i];
}

/* ---- formats ---- */

static lxw_format *new_format(xw *x)
{
    lxw_format *f = workbook_add_format(x->wb);
    if (!f)
        keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
    return f;
}

static void make_text_formats(xw *x)
{
    formats *f = &x->f;
    if ((f->title = new_format(x))) {
        format_set_bold(f->title);
        format_set_font_size(f->title, 14);
    }
    if ((f->subtitle = new_format(x)))
        format_set_font_color(f->subtitle, 0x404040);
    if ((f->dim = new_format(x))) {
        format_set_italic(f->dim);
        format_set_font_color(f->dim, GREY);
    }
    if ((f->note = new_format(x))) {
        format_set_italic(f->note);
        format_set_font_size(f->note, 9);
    }
    if ((f->header = new_format(x))) {
        format_set_bold(f->header);
        format_set_text_wrap(f->header);
        format_set_align(f->header, LXW_ALIGN_CENTER);
        format_set_align(f->header, LXW_ALIGN_VERTICAL_CENTER);
        format_set_bg_color(f->header, HEADER_FILL);
        format_set_border(f->header, LXW_BORDER_THIN);
    }
    if ((f->rowkey = new_format(x)))
        format_set_border(f->rowkey, LXW_BORDER_THIN);
}

static void make_count_formats(xw *x)
{
    formats *f = &x->f;
    if ((f->count = new_format(x))) {
        format_set_num_format(f->count, "#,##0");
        format_set_border(f->count, LXW_BORDER_THIN);
    }
    if ((f->total_key = new_format(x))) {
        format_set_bold(f->total_key);
        format_set_border(f->total_key, LXW_BORDER_THIN);
        format_set_top(f->total_key, LXW_BORDER_DOUBLE);
    }
    if ((f->total = new_format(x))) {
        format_set_bold(f->total);
        format_set_num_format(f->total, "#,##0");
        format_set_border(f->total, LXW_BORDER_THIN);
        format_set_bg_color(f->total, 0xF2F2F2);
    }
    if ((f->withheld = new_format(x))) {
        format_set_italic(f->withheld);
        format_set_font_color(f->withheld, GREY);
        format_set_align(f->withheld, LXW_ALIGN_RIGHT);
        format_set_border(f->withheld, LXW_BORDER_THIN);
    }
}

/* ---- the sheet's text ---- */

/* Writes the years of the filter ("all", "2020", "2019–2021", "2019–…") into out. */
static void years_text(const xw *x, char *out, size_t size)
{
    const report *r = x->r;
    char a[8] = "…", b[8] = "…";
    if (!r->from_year && !r->to_year) {
        snprintf(out, size, "%s", tr(x->lang, "all", "all"));
        return;
    }
    if (r->from_year == r->to_year) {
        snprintf(out, size, "%d", r->from_year);
        return;
    }
    if (r->from_year)
        snprintf(a, sizeof a, "%d", r->from_year);
    if (r->to_year)
        snprintf(b, sizeof b, "%d", r->to_year);
    snprintf(out, size, "%s–%s", a, b);
}

/* Writes "Years: 2019–2021 · Region: ... · Organisation: ..." into out. */
static void filters_line(const xw *x, char *out, size_t size)
{
    const report *r = x->r;
    char years[32];
    years_text(x, years, sizeof years);
    const vocab_entry *reg = r->region ? report_key_label("region", r->region) : NULL;
    const char *region = !r->region ? tr(x->lang, "all_regions", "all regions")
                         : reg      ? pick(x->lang, reg->en, reg->ru, reg->kk)
                                    : r->region;
    char org[32];
    if (r->org_id)
        snprintf(org, sizeof org, "%" PRId64, r->org_id);
    else
        snprintf(org, sizeof org, "%s", tr(x->lang, "all_orgs", "all organisations"));
    snprintf(out, size, "%s: %s · %s: %s · %s: %s", tr(x->lang, "years", "Years"), years,
             tr(x->lang, "dim.region", "Region"), region, tr(x->lang, "org", "Organisation"),
             org);
}

static void write_heading(xw *x)
{
    char line[LINE_MAX_BYTES];
    const char *report_label = tr_name(x->lang, "report.", x->r->name);
    if (x->r->ntables > 1)
        snprintf(line, sizeof line, "%s — %s", report_label,
                 tr_name(x->lang, "table.", x->t->name));
    else
        snprintf(line, sizeof line, "%s", report_label);
    put_text(x, ROW_TITLE, 0, line, x->f.title);
    filters_line(x, line, sizeof line);
    put_text(x, ROW_FILTERS, 0, line, x->f.subtitle);
    if (x->r->protected_) {
        snprintf(line, sizeof line, "%s (k = %d)", tr(x->lang, "protected", "protected"),
                 x->r->k);
        put_text(x, ROW_PROTECT, 0, line, x->f.subtitle);
    }
}

static void write_header(xw *x)
{
    const report_table *t = x->t;
    put_text(x, ROW_HEADER, 0, tr_name(x->lang, "dim.", t->rows.name), x->f.header);
    if (!t->has_cols) {
        put_text(x, ROW_HEADER, 1, tr(x->lang, "dim.count", "Number"), x->f.header);
        return;
    }
    put_text(x, ROW_DIM, 1, tr_name(x->lang, "dim.", t->cols.name), x->f.dim);
    for (size_t c = 0; c < t->cols.n; c++)
        put_text(x, ROW_HEADER, (lxw_col_t)(1 + c), key_label(x, &t->cols, c), x->f.header);
    put_text(x, ROW_HEADER, (lxw_col_t)(1 + t->cols.n), tr(x->lang, "total", "Total"),
             x->f.header);
}

/* The grid: one row per row key with its counts and, for a 2-D table, its total. */
static void write_grid(xw *x)
{
    const report_table *t = x->t;
    for (size_t r = 0; r < t->rows.n; r++) {
        lxw_row_t row = (lxw_row_t)(x->first_row + r);
        put_text(x, row, 0, key_label(x, &t->rows, r), x->f.rowkey);
        for (size_t c = 0; c < t->cols.n; c++) {
            size_t i = r * t->cols.n + c;
            put_count(x, row, (lxw_col_t)(1 + c), t->counts[i], t->suppressed[i], x->f.count);
        }
        if (t->has_cols)
            put_count(x, row, (lxw_col_t)(1 + t->cols.n), t->row_totals[r],
                      t->row_total_suppressed[r], x->f.total);
    }
}

static void write_totals(xw *x)
{
    const report_table *t = x->t;
    lxw_row_t row = x->total_row;
    put_text(x, row, 0, tr(x->lang, "total", "Total"), x->f.total_key);
    for (size_t c = 0; t->has_cols && c < t->cols.n; c++)
        put_count(x, row, (lxw_col_t)(1 + c), t->col_totals[c], t->col_total_suppressed[c],
                  x->f.total);
    put_count(x, row, (lxw_col_t)(t->has_cols ? 1 + t->cols.n : 1), t->grand,
              t->grand_suppressed, x->f.total);
}

static void write_note(xw *x, const char *text)
{
    put_text(x, x->next_row++, 0, text, x->f.note);
}

/* The notes under the table: the withheld mark, exploitation counting, the source. */
static void write_notes(xw *x)
{
    char line[LINE_MAX_BYTES], today[11];
    x->next_row = x->total_row + 2;
    if (x->r->protected_) {
        snprintf(line, sizeof line, "%sk = %d%s", tr(x->lang, "withheld_a", ""), x->r->k,
                 tr(x->lang, "withheld_b", ""));
        write_note(x, line);
    }
    if (strcmp(x->t->name, "exploitation") == 0)
        write_note(x, tr(x->lang, "forms_note", ""));
    text_today(today);
    snprintf(line, sizeof line, "%s, %s", tr(x->lang, "source", "Source: Qorgau"), today);
    write_note(x, line);
    x->next_row++;
}

/* ---- layout and printing ---- */

static void set_widths(xw *x)
{
    const report_table *t = x->t;
    size_t w = utf8_chars(tr_name(x->lang, "dim.", t->rows.name));
    for (size_t r = 0; r < t->rows.n; r++) {
        size_t n = utf8_chars(key_label(x, &t->rows, r));
        w = n > w ? n : w;
    }
    w = w < 12 ? 12 : w > 45 ? 45 : w;
    keep(x, worksheet_set_column(x->ws, 0, 0, (double)w + 2, NULL));
    size_t longest = 0;
    for (size_t c = 0; t->has_cols && c < t->cols.n; c++) {
        size_t n = utf8_chars(key_label(x, &t->cols, c));
        longest = n > longest ? n : longest;
    }
    keep(x, worksheet_set_column(x->ws, 1, (lxw_col_t)(x->ncols + 1), 14, NULL));
    size_t lines = longest / 12 + 1;
    keep(x, worksheet_set_row(x->ws, ROW_HEADER, 15.0 * (double)(lines > 4 ? 4 : lines), NULL));
}

static void set_printing(xw *x)
{
    worksheet_set_landscape(x->ws);
    worksheet_set_paper(x->ws, 9); /* A4 */
    worksheet_fit_to_pages(x->ws, 1, 0);
    worksheet_center_horizontally(x->ws);
    worksheet_freeze_panes(x->ws, ROW_HEADER + 1, 1);
    keep(x, worksheet_repeat_rows(x->ws, ROW_HEADER, ROW_HEADER));
    keep(x, worksheet_set_footer(x->ws, "&LQorgau&R&P / &N"));
    keep(x, worksheet_ignore_errors(x->ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, "A1:XFD1048576"));
}

/* ---- the chart ---- */

/* Column charts for tables over years and age bands, stacked for forms; bars for
 * regions, flows and the process tables; a pie for a short 1-D table. */
static uint8_t chart_type(const report_table *t)
{
    if (!t->has_cols)
        return t->rows.n <= 6 ? LXW_CHART_PIE : LXW_CHART_COLUMN;
    if (strcmp(t->rows.name, "year") == 0)
        return strcmp(t->cols.name, "form") == 0 ? LXW_CHART_COLUMN_STACKED : LXW_CHART_COLUMN;
    if (strcmp(t->rows.name, "age_band") == 0)
        return LXW_CHART_COLUMN;
    if (strcmp(t->rows.name, "region") == 0)
        return LXW_CHART_BAR;
    return LXW_CHART_BAR_STACKED;
}

/* A column is charted unless every count in it is a published 0. */
static bool column_charted(const report_table *t, size_t c)
{
    if (!t->has_cols)
        return true;
    return t->col_totals[c] != 0 || t->col_total_suppressed[c];
}

/* Adds the series of column c: values from the grid, categories from column A, the
 * name from the header cell. */
static void add_series(xw *x, lxw_chart *chart, size_t c)
{
    lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
    if (!s) {
        keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    lxw_row_t last = (lxw_row_t)(x->first_row + x->t->rows.n - 1);
    chart_series_set_categories(s, x->sheet, x->first_row, 0, last, 0);
    chart_series_set_values(s, x->sheet, x->first_row, (lxw_col_t)(1 + c), last,
                            (lxw_col_t)(1 + c));
    chart_series_set_name_range(s, x->sheet, ROW_HEADER, (lxw_col_t)(1 + c));
}

static void style_chart(xw *x, lxw_chart *chart, uint8_t type)
{
    chart_title_set_name(chart, x->r->ntables > 1 ? tr_name(x->lang, "table.", x->t->name)
                                                  : tr_name(x->lang, "report.", x->r->name));
    chart_legend_set_position(chart, type == LXW_CHART_PIE ? LXW_CHART_LEGEND_RIGHT
                                                           : LXW_CHART_LEGEND_BOTTOM);
    chart_show_blanks_as(chart, LXW_CHART_BLANKS_AS_GAP);
    if (type == LXW_CHART_PIE)
        return;
    bool bar = type == LXW_CHART_BAR || type == LXW_CHART_BAR_STACKED;
    lxw_chart_axis *cat = bar ? chart->y_axis : chart->x_axis; /* bars swap the axes */
    lxw_chart_axis *val = bar ? chart->x_axis : chart->y_axis;
    chart_axis_set_name(cat, tr_name(x->lang, "dim.", x->t->rows.name));
    chart_axis_set_name(val, tr(x->lang, "dim.count", "Number"));
    chart_axis_set_num_format(val, "#,##0");
    chart_axis_set_min(val, 0);
    if (bar) { /* rows top to bottom as in the table, the value axis below */
        chart_axis_set_reverse(cat);
        chart_axis_set_crossing_max(cat);
    }
    if (type == LXW_CHART_COLUMN_STACKED || type == LXW_CHART_BAR_STACKED)
        chart_set_series_overlap(chart, 100);
}

static void write_chart(xw *x)
{
    const report_table *t = x->t;
    uint8_t type = chart_type(t);
    lxw_chart *chart = workbook_add_chart(x->wb, type);
    if (!chart) {
        keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    size_t series = 0;
    for (size_t c = 0; c < t->cols.n && series < CHART_SERIES_MAX; c++)
        if (column_charted(t, c)) {
            add_series(x, chart, c);
            series++;
        }
    if (series == 0) /* every count 0: an empty chart of the first column */
        add_series(x, chart, 0);
    style_chart(x, chart, type);
    double tall = type == LXW_CHART_BAR || type == LXW_CHART_BAR_STACKED
                      ? 1.2 + 0.04 * (double)t->rows.n
                      : 1.4;
    tall = tall > 1.8 ? 1.8 : tall; /* one landscape page */
    lxw_chart_options opt = {.x_offset = 4, .y_offset = 4, .x_scale = 1.6, .y_scale = tall};
    keep(x, worksheet_insert_chart_opt(x->ws, x->next_row, 0, chart, &opt));
    if (t->rows.n > LONG_TABLE_ROWS) { /* print the chart on a page of its own */
        lxw_row_t breaks[] = {x->next_row, 0};
        keep(x, worksheet_set_h_pagebreaks(x->ws, breaks));
    }
}

/* ---- one sheet per table ---- */

/* Sets x->sheet to the table's label, cut to 31 characters, made unique. */
static void sheet_name(xw *x, size_t index)
{
    const char *label = x->r->ntables > 1 ? tr_name(x->lang, "table.", x->t->name)
                                          : tr_name(x->lang, "table.", x->r->name);
    size_t bytes = 0, chars = 0;
    while (label[bytes] && chars < SHEET_NAME_CHARS && bytes < SHEET_NAME_BYTES - 8) {
        bytes++;
        while (((unsigned char)label[bytes] & 0xC0) == 0x80)
            bytes++;
        chars++;
    }
    snprintf(x->sheet, sizeof x->sheet, "%.*s", (int)bytes, label);
    if (workbook_get_worksheet_by_name(x->wb, x->sheet) ||
        workbook_validate_sheet_name(x->wb, x->sheet) != LXW_NO_ERROR)
        snprintf(x->sheet, sizeof x->sheet, "Table %zu", index + 1);
}

static void write_sheet(xw *x, size_t index)
{
    x->t = &x->r->tables[index];
    sheet_name(x, index);
    x->ws = x->rc == LXW_NO_ERROR ? workbook_add_worksheet(x->wb, x->sheet) : NULL;
    if (!x->ws) {
        keep(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    x->ncols = (lxw_col_t)(x->t->has_cols ? x->t->cols.n + 1 : 1);
    x->first_row = ROW_HEADER + 1;
    x->total_row = (lxw_row_t)(x->first_row + x->t->rows.n);
    write_heading(x);
    write_header(x);
    write_grid(x);
    write_totals(x);
    write_notes(x);
    set_widths(x);
    set_printing(x);
    if (x->t->rows.n == 0)
        write_note(x, tr(x->lang, "no_cases", ""));
    else
        write_chart(x);
}

static void write_workbook(xw *x)
{
    make_text_formats(x);
    make_count_formats(x);
    lxw_doc_properties props = {
        .title = (char *)tr_name(x->lang, "report.", x->r->name),
        .author = "Qorgau",
        .comments = "Aggregate figures; no personal data.",
    };
    keep(x, workbook_set_properties(x->wb, &props));
    for (size_t i = 0; i < x->r->ntables && x->rc == LXW_NO_ERROR; i++)
        write_sheet(x, i);
}

/* ---- the file ---- */

/* Moves the finished tmp to path without ever replacing a file there. */
static qg_code publish(const char *tmp, const char *path, qg_error *err)
{
    if (link(tmp, path) == 0) {
        unlink(tmp);
        return QG_OK;
    }
    int e = errno;
    struct stat st;
    if (e != EEXIST && lstat(path, &st) != 0 && rename(tmp, path) == 0)
        return QG_OK; /* a file system without hard links */
    unlink(tmp);
    if (e == EEXIST)
        return qg_fail(err, QG_ECONFLICT, "out", "file.exists",
                       "already exists; it is never overwritten");
    return qg_fail(err, QG_EIO, "out", "file.create_failed", "cannot be created: %s", strerror(e));
}

/* Makes the temporary file beside path (mode 0600) and writes its name into tmp. */
static qg_code make_tmp(const char *path, char *tmp, size_t size, qg_error *err)
{
    if ((size_t)snprintf(tmp, size, "%s.tmp-XXXXXX", path) >= size)
        return qg_fail(err, QG_EINVAL, "out", "path.too_long", "path is too long");
    int fd = mkstemp(tmp);
    if (fd < 0)
        return qg_fail(err, QG_EIO, "out", "file.create_failed", "cannot be created: %s",
                       strerror(errno));
    close(fd);
    return QG_OK;
}

/* Writes r as a workbook into the existing file file (libxlsxwriter opens it by name
 * and truncates it). A failure is QG_EIO naming field; the file is then left for the
 * caller to remove. */
static qg_code write_file(const report *r, const char *file, const char *lang, const char *field,
                          qg_error *err)
{
    xw x = {.r = r, .lang = lang, .wb = workbook_new(file)};
    if (!x.wb)
        return qg_fail(err, QG_EIO, field, "file.write_failed", "cannot be written");
    write_workbook(&x);
    lxw_error closed = workbook_close(x.wb); /* frees the workbook in every case */
    keep(&x, closed);
    if (x.rc != LXW_NO_ERROR)
        return qg_fail(err, QG_EIO, field, "file.write_failed", "cannot be written: %s",
                       lxw_strerror(x.rc));
    return QG_OK;
}

/* The language to label with: lang, or the default when NULL. QG_EINVAL naming "lang"
 * for an unknown one. */
static qg_code pick_lang(const char **lang, qg_error *err)
{
    *lang = *lang ? *lang : REPORT_LANG_DEFAULT;
    if (!report_lang_known(*lang))
        return qg_fail(err, QG_EINVAL, "lang", "lang.unknown", "must be kk, ru or en");
    return QG_OK;
}

qg_code report_write_xlsx(const report *r, const char *path, const char *lang, qg_error *err)
{
    if (pick_lang(&lang, err) != QG_OK)
        return err->code;
    if (!path || !*path)
        return qg_fail(err, QG_EINVAL, "out", "cli.xlsx_needs_file", "give the file to write");
    struct stat st;
    if (lstat(path, &st) == 0)
        return qg_fail(err, QG_ECONFLICT, "out", "file.exists",
                       "already exists; it is never overwritten");
    char tmp[PATH_MAX];
    qg_code c = make_tmp(path, tmp, sizeof tmp, err);
    if (c != QG_OK)
        return c;
    c = write_file(r, tmp, lang, "out", err);
    if (c != QG_OK) {
        unlink(tmp);
        return c;
    }
    return publish(tmp, path, err);
}

/* ---- the bytes ---- */

/* Makes a private temporary file (mode 0600) in $TMPDIR, else /tmp, writing its name
 * into tmp. Returns its open descriptor (the caller closes and unlinks it), or -1 with
 * err filled (QG_EIO). */
static int open_private_tmp(char *tmp, size_t size, qg_error *err)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    if ((size_t)snprintf(tmp, size, "%s/qorgau-xlsx-XXXXXX", dir) >= size) {
        qg_fail(err, QG_EIO, NULL, "file.create_failed",
                "the temporary directory's name is too long");
        return -1;
    }
    int fd = mkstemp(tmp); /* O_EXCL, mode 0600 */
    if (fd < 0)
        qg_fail(err, QG_EIO, NULL, "file.create_failed", "cannot make a temporary file: %s",
                strerror(errno));
    return fd;
}

/* Reads the whole file open at fd into a new buffer: *buf (caller frees) and *len. */
static qg_code read_back(int fd, char **buf, size_t *len, qg_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0)
        return qg_fail(err, QG_EIO, NULL, "file.read_failed", "cannot read the workbook back");
    size_t n = (size_t)st.st_size, got = 0;
    char *b = malloc(n);
    if (!b)
        return qg_fail(err, QG_ENOMEM, NULL, "memory.exhausted", "out of memory");
    while (got < n) {
        ssize_t k = pread(fd, b + got, n - got, (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            free(b);
            return qg_fail(err, QG_EIO, NULL, "file.read_failed", "cannot read the workbook back");
        }
        got += (size_t)k;
    }
    *buf = b;
    *len = n;
    return QG_OK;
}

qg_code report_xlsx_bytes(const report *r, const char *lang, char **buf, size_t *len,
                          qg_error *err)
{
    *buf = NULL;
    *len = 0;
    if (pick_lang(&lang, err) != QG_OK)
        return err->code;
    char tmp[PATH_MAX];
    int fd = open_private_tmp(tmp, sizeof tmp, err);
    if (fd < 0)
        return err->code;
    qg_code c = write_file(r, tmp, lang, NULL, err);
    if (c == QG_OK)
        c = read_back(fd, buf, len, err);
    unlink(tmp);
    close(fd);
    return c;
}
