/*
 * duty.h - the duty form (SPEC 2.3): 值班安排表, 值班记录, 交接班记录.
 *
 * Three books: duty_roster (the month's roster and approved swaps),
 * duty_log (every entry, handover and pending matter, never altered),
 * and the shared anchors book, where the supervisor's daily signature
 * fixes the log's chain head.
 */
#ifndef DUTY_H
#define DUTY_H

#include "pm.h"

/* The book, for archival and retention (pm-report). */
extern const struct ledger_def duty_log_def, duty_roster_def;

#define DUTY_ITEMS_MAX 32
#define DUTY_PENDING_MAX 16
#define DUTY_ID_MAX 32
#define DUTY_STAFF_MAX 8

/* The kinds of log entry a clerk writes (SPEC 4: pm-duty log --kind). */
extern const char *const duty_entry_kinds[];

/* One entry as show and pending list it. */
struct duty_entry {
	char id[DUTY_ID_MAX];
	char at[20];
	char kind[16];
	char *text;
	char *by;		/* in text's block, after it */
	char *note;		/* NULL: none (DUTY_NOTE) */
};
#define DUTY_NOTE(d) ((d)->note ? (d)->note : "")

struct duty_entries {
	struct duty_entry *v;
	size_t n, cap;
	char signed_by[FIELD_NAME_MAX * 4 + 1];
	char signed_at[20];
	char broken[600];	/* signed, and changed since: why */
};
void duty_entries_free(struct duty_entries *es);

struct duty_roster_day {
	char date[11];
	int nstaff;
	char staff[DUTY_STAFF_MAX][FIELD_NAME_MAX * 4 + 1];
	int swapped;
};

struct duty_roster {
	int year, month, ndays, found;
	struct duty_roster_day day[31];
};

/* Writes: each prints (via id) the new record's ID. */
int duty_log_add(struct pm_ctx *ctx, const char *kind, const char *text,
    const char *corrects, const char *done, const char *at, char *id,
    struct pm_err *e);
int duty_handover(struct pm_ctx *ctx, const char *from, const char *to,
    const char *items, const char *const *pending, int npending,
    const char *note, const char *refuse_reason, char *id,
    struct pm_err *e);
/* key: sign the head with this SSH private key (SPEC 3), or NULL. */
int duty_review(struct pm_ctx *ctx, const char *by, const char *date,
    const char *key, char *id, struct pm_err *e);
int duty_roster_set(struct pm_ctx *ctx, const char *month, const char *file,
    const char *encoding, char *id, struct pm_err *e);
int duty_swap(struct pm_ctx *ctx, const char *date, const char *from,
    const char *to, const char *approved_by, char *id, struct pm_err *e);

/* Reads. */
int duty_roster_get(struct pm_ctx *ctx, const char *month,
    struct duty_roster *r, struct pm_err *e);
/* The roster date whose shift covers t; 0 if none (office hours). */
int duty_shift_date(const struct conf *c, time_t t, time_t *date);
int duty_who(struct pm_ctx *ctx, const char *at, char date[11],
    struct duty_roster_day *day, struct pm_err *e);
int duty_show(struct pm_ctx *ctx, const char *date, struct duty_entries *es,
    struct pm_err *e);
int duty_pending(struct pm_ctx *ctx, struct duty_entries *es,
    struct pm_err *e);

/* verify prints one line a book to out; import all or nothing. */
int duty_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e);
/*
 * Archiving (SPEC 3): log entries by the month they were made in, except
 * open incidents and pending matters (and the handovers carrying them),
 * which stay live; roster rows by the month they plan.
 */
long duty_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg);
int duty_import(struct pm_ctx *ctx, const char *file, const char *encoding,
    int dry_run, FILE *out, struct pm_err *e);

#endif
