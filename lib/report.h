/*
 * report.h - the reports due on fixed days (SPEC 2.6).  The schedule is
 * a table; each report takes its numbers from the form modules and lays
 * them out; nothing here computes a rule of a form.
 */
#ifndef REPORT_H
#define REPORT_H

#include "pm.h"

enum report_format { REPORT_TEXT, REPORT_CSV, REPORT_JSON, REPORT_HTML,
	REPORT_XLSX };

struct report_due {
	const char *report;	/* duty weekly owners keys complaints visits */
	char period[16];	/* 2026-11-21, 2026-W47, 2026-11, 2026Q3 */
};

extern const char *const report_names[];

/* The reports due on a day, in schedule order; returns how many. */
size_t report_due_on(time_t day, struct report_due *out);
/* The default period of a report produced on a day. */
int report_period(const char *report, time_t day, char *period);
int report_parse_format(const char *s, enum report_format *f);
const char *report_extension(enum report_format f);

/* Produce one report for its period. */
int report_write(struct pm_ctx *ctx, const char *report, const char *period,
    enum report_format f, FILE *out, struct pm_err *e);
/* The same across the offices of ctx->datas: side by side, and a total. */
int report_write_offices(struct pm_ctx *ctx, const char *report,
    const char *period, enum report_format f, FILE *out, struct pm_err *e);
/*
 * Produce and store it under reports/<report>/<period>.<ext> unless it
 * is stored already; *made says whether it was.
 */
int report_store(struct pm_ctx *ctx, const char *report, const char *period,
    enum report_format f, int *made, char *path, size_t pathsize,
    struct pm_err *e);

/*
 * Archival (SPEC 3): every form binds its matters closed before the month
 * `before` (a month key); report gets one call a volume.
 */
long report_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg);

/* Retention (SPEC 3): each book's, in its struct ledger_def. */

struct report_expired {
	const char *ledger;
	char *volume;		/* its path */
	char month[16], until[11];
};
/* The volumes whose retention ended by now; returns how many. */
size_t report_expired(struct pm_ctx *ctx, struct report_expired **out);
void report_expired_free(struct report_expired *v, size_t n);
/* Remove one expired volume, recorded in purges.csv first. */
int report_purge(struct pm_ctx *ctx, const struct report_expired *x,
    struct pm_err *e);

/* Witnessed heads (SPEC 3): every book's head, for mail and paper. */
struct report_head {
	char book[64];
	long seq;
	char head[HASH_HEX + 1];
};
size_t report_heads(struct pm_ctx *ctx, struct report_head **out,
    struct pm_err *e);


#endif
