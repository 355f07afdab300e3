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
	struct doc_table t[8];
	int nt;
};

/* The document in format f on out (xlsx: the file of out_xlsx_to). */
void doc_render(const struct doc *d, enum report_format f, FILE *out);

#endif
