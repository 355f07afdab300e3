/*
 * visit.h - the return-visit form (SPEC 2.4): 回访记录表, 回访记录签收表.
 *
 * One book, visits.csv: the services other than complaints (repairs,
 * special projects, emergency help, activities, others) and every
 * sheet's life (checkout, record, review).  Handled complaints are read
 * from the complaint books: they are due for a visit with no extra step.
 */
#ifndef VISIT_H
#define VISIT_H

#include "pm.h"

/* The book, for archival and retention (pm-report). */
extern const struct ledger_def visit_def;

#define VISIT_REF_MAX 40

extern const char *const visit_types[];	/* service types, without complaint */

/* SPEC 2.4, the windows and targets, as --help and the man page print them. */
struct visit_rule {
	const char *type;
	const char *window;	/* in words */
	double target;		/* visit rate to reach */
	const char *visitor_role;
};
extern const struct visit_rule visit_rules[];
extern const size_t visit_nrules;

struct visit_sheet {
	char label[8];		/* "", "mid" or "end" */
	time_t from, to;	/* the window */
	const char *checked_out_by;	/* names: the book's, never "" NULL */
	time_t recorded;
	const char *visitor;
	int quality, attitude, owner_signed;
	char satisfaction[12];
	char *suggestion;
	char verdict[8];
	const char *reviewed_by;
	char *comment;
	char new_complaint[32];
};

struct visit_item {
	char ref[VISIT_REF_MAX];
	char type[12];
	char unit[11];
	char importance[2], category[3];	/* complaints */
	time_t done, end;
	char visitor_role[24];
	struct visit_sheet sheet[2];
	int nsheets;
};

/* Every failed review, whatever happened to its item since. */
struct visit_fail {
	char ref[VISIT_REF_MAX], unit[11], type[12];
	time_t at;
};

struct visit_book {
	struct visit_item *v;
	size_t n, cap;
	char **names;		/* the sheets' names, each kept once */
	size_t nnames, capnames;
	struct visit_fail *fails;
	size_t nfails, capfails;
};
void visit_book_free(struct visit_book *b);

/*
 * Every item of the history, each handed to fn with its sheets as the
 * books have them (not their suggestions and comments): complaints' in
 * code order, then services' in book order; memory holds the visits
 * book's rows, packed, never the items.
 */
typedef void visit_item_fn(const struct visit_item *it, void *arg);
int visit_list(struct pm_ctx *ctx, visit_item_fn *fn, void *arg,
    struct pm_err *e);
/*
 * The items whose sheets can open in or after year-month: read from the
 * volumes of that month on (and the month before, for complaints) and
 * the live books, whatever the length of the history.
 */
int visit_read_since(struct pm_ctx *ctx, int year, int month,
    struct visit_book *b, struct pm_err *e);
/* visit_read_since with the complaints read already, from the month before. */
struct complaint_book;
int visit_read_since_with(struct pm_ctx *ctx, int year, int month,
    const struct complaint_book *cb, struct visit_book *b, struct pm_err *e);
/*
 * What can be due now (SPEC 2.4): the items handled since last month,
 * or still open -- pm-visit due and the alerts read the same.
 */
int visit_read_due(struct pm_ctx *ctx, struct visit_book *b,
    struct pm_err *e);
/* One ref's item only (its complaint's or its service's), with its sheets. */
int visit_read_ref(struct pm_ctx *ctx, const char *ref, struct visit_book *b,
    struct pm_err *e);
struct visit_item *visit_find(struct visit_book *b, const char *ref);
/* The sheet a visit now would fill: the first open window not visited. */
struct visit_sheet *visit_current(struct visit_item *it, time_t now);
const char *visit_state(const struct visit_sheet *s, time_t now);
/* Every visit window passed without a visit at ctx->now (SPEC 2.10). */
int visit_breaches(struct pm_ctx *ctx, breach_fn fn, void *arg,
    struct pm_err *e);

int visit_service(struct pm_ctx *ctx, const char *type, const char *ref,
    const char *unit, const char *done, const char *end, char *id,
    struct pm_err *e);
int visit_checkout(struct pm_ctx *ctx, const char *ref, const char *visitor,
    char *id, struct pm_err *e);
struct visit_record {
	const char *ref, *visitor, *quality, *attitude, *satisfaction,
	    *suggestion;
	int owner_signed;
};
int visit_record(struct pm_ctx *ctx, const struct visit_record *r, char *id,
    struct pm_err *e);
/* A fail puts the matter back into the complaint procedure (SPEC 2.4). */
int visit_review(struct pm_ctx *ctx, const char *ref, const char *by,
    const char *verdict, const char *comment, char *id, char *complaint,
    struct pm_err *e);

/* Rates for a period [from, to): per type, and for the complaint report. */
struct visit_rate {
	const char *type;
	long due, visited, satisfied, reviewed, passed;
	double rate, target;	/* rate -1: nothing due */
};
size_t visit_rates(struct pm_ctx *ctx, struct visit_book *b, time_t from,
    time_t to, struct visit_rate *out);
/* SPEC 2.4: has the type met its target?  "yes", "no", "" with none due. */
const char *visit_target_met(const struct visit_rate *r);

/* The quarterly analysis: findings for the responsible manager. */
struct visit_finding {
	char kind[20];		/* unqualified, repeat-complaint, repeat-repair */
	char unit[11], category[3];
	long count;
	char *refs;
};
size_t visit_analysis(struct pm_ctx *ctx, struct visit_book *b, time_t from,
    time_t to, struct visit_finding **out);
void visit_findings_free(struct visit_finding *f, size_t n);
/* The paper of the quarter: 回访季度分析报告, 80 columns (visitform.c). */
void visit_analysis_form(FILE *out, const char *quarter,
    const struct visit_finding *f, size_t n);

int visit_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e);
/*
 * Archiving (SPEC 3): the rows of one visited matter (a ref) are one
 * matter, closed once every sheet of it is recorded; bound into the
 * volume of the month of its last record.
 */
long visit_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg);
int visit_import(struct pm_ctx *ctx, const char *file, const char *encoding,
    int dry_run, FILE *out, struct pm_err *e);

#endif
