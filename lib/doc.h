/*
 * doc.h - a report as a small document (report.c gathers it, layout.c
 * lays it out): summary values and tables, the keys of csv and json
 * beside the Chinese labels a person reads.
 */
#ifndef DOC_H
#define DOC_H

#include "report.h"

#define DOC_MAX 64

struct doc_value {
	const char *key, *label;
	char value[512];
	int kind;		/* 0 text, 1 number, 2 raw JSON */
	int chart;		/* drawn as a bar (rates: 0..1) */
	int ratio;		/* a rate: num / den, null when den is 0 */
	long num, den;
	char name[48], title[64];	/* a key and label made here (group.c) */
};

struct doc_table {
	const char *key, *title;
	const char *cols[16];	/* the names (keys of csv and json) */
	char names[16][32], flags[16][8];	/* "name:FLAGS" as out.c reads */
	int ncols;
	char **cells;
	size_t nrows, cap;
	/* html: bars of these numeric columns per row, against a target */
	int series[2], nseries, target;
};

struct doc {
	const char *report, *title;
	char period[16];
	struct doc_value v[DOC_MAX];
	int nv;
	struct doc_table t[12];
	int nt;
};

/* Building one: a value (kind 0 text, 1 number, 2 raw JSON), a table. */
struct doc_value *doc_put(struct doc *d, const char *key, const char *label,
    int kind);
struct doc_table *doc_table(struct doc *d, const char *key, const char *title,
    const char *const *cols);
/* A row of n cells, one a column (table_row counts the array's cells). */
void doc_row(struct doc_table *t, const char *const *vals, size_t n);
#define table_row(t, vals) doc_row((t), (vals), sizeof(vals) / sizeof *(vals))
void doc_free(struct doc *d);

/* A raw JSON value's leaves, keyed "by_importance.A" (kind 2 values). */
typedef void (*doc_leaf_fn)(const char *key, const char *value, void *arg);
void doc_leaves(const struct doc_value *v, doc_leaf_fn fn, void *arg);

/* The flat csv (office,section,key,value): its columns, a doc's rows. */
extern const char *const doc_csv_cols[];
void doc_csv_rows(struct out *o, const struct doc *d);

/* Gather one office's report for its period (report.c). */
int report_gather(struct pm_ctx *ctx, const char *report, const char *period,
    struct doc *d, struct pm_err *e);

/* The document in format f on out (xlsx: the file of out_xlsx_to). */
void doc_render(const struct doc *d, enum report_format f, FILE *out);

#endif
