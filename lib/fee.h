/*
 * fee.h - following up arrears (SPEC 2.9): the billing system's list of
 * what each unit owes, imported as snapshots, and the dunning ladder of
 * seed 000 and seed 002 §2.8.2 (催缴): contacts every 15 days, a monthly
 * written notice (费用催缴通知单), lawyer's letters (律师函), a lawsuit.
 *
 * One book, fees.csv, kept permanently: "owed" and "settled" rows from
 * the snapshots, and a row for every step taken (contact, notice,
 * letter, sue, paid, warned).
 */
#ifndef FEE_H
#define FEE_H

#include "pm.h"

#define FEE_ID_MAX 16

/* The ladder (SPEC 2.9): read by due, --help, the man page and tests. */
struct fee_rule {
	const char *step;	/* contact, notice, letter, sue */
	int large;		/* 1: for large clients (pm.conf large_client) */
	int from_months;	/* applies once this many months are owed */
	int to_months;		/* and while fewer than this (0: no end) */
	int every_days;		/* repeated every N days (contact) */
	int every_months;	/* or every N months (notice, letter) */
	int times;		/* at most this many (0: no limit) */
	int needs_letters;	/* letters sent before it (sue) */
	const char *what;
};
extern const struct fee_rule fee_rules[];
extern const size_t fee_nrules;
extern const char *const fee_types[];	/* management water ... */

/* A unit's arrears and the steps taken since they began. */
struct fee_arrear {
	char fee[16];
	long amount_fen;
	int since;		/* month key of the first unpaid month */
};
struct fee_unit {
	char unit[11];
	struct fee_arrear arrears[8];
	int narrears;
	time_t last_contact, last_notice, last_letter, sued, warned;
	int letters, notices, contacts;
	time_t began;		/* the first arrear of this episode */
};
struct fee_book {
	struct fee_unit *v;
	size_t n, cap;
	size_t *slot, nslot;	/* v's units by hash (fee.c): i + 1, 0 empty */
};
void fee_book_free(struct fee_book *b);
int fee_read(struct pm_ctx *ctx, struct fee_book *b, struct pm_err *e);
struct fee_unit *fee_find(struct fee_book *b, const char *unit);
long fee_total_fen(const struct fee_unit *u);
int fee_months_owed(const struct fee_unit *u, time_t now);
int fee_is_large(const struct pm_ctx *ctx, const struct fee_unit *u);

/* The next steps of a unit, each with its deadline. */
struct fee_due {
	const struct fee_rule *rule;
	time_t from, due;	/* it applies from, must be done by */
	const char *status;	/* due, overdue, upcoming */
};
size_t fee_next(const struct pm_ctx *ctx, const struct fee_unit *u,
    struct fee_due *out, size_t max);

/* Writes. */
int fee_import(struct pm_ctx *ctx, const char *file, const char *as_of,
    const char *encoding, int dry_run, FILE *out, struct pm_err *e);
struct fee_step {
	const char *step, *unit, *how, *result, *signed_by, *tracking,
	    *adviser, *fee;
};
int fee_record(struct pm_ctx *ctx, const struct fee_step *s, char *id,
    struct pm_err *e);
/*
 * SPEC 2.9: a unit owing over 3 months is watched for a sale: a change
 * of its owner warns (on stderr) and the warning is recorded.
 */
void fee_watch_owner_change(struct pm_ctx *ctx, const char *unit);
/* What a unit owes now, for a move out (SPEC 2.9): 0 if nothing. */
long fee_owed_fen(struct pm_ctx *ctx, const char *unit);
/* The deadlines of the ladder passed by ctx->now (SPEC 2.10). */
int fee_breaches(struct pm_ctx *ctx, breach_fn fn, void *arg,
    struct pm_err *e);
/* The 费用催缴通知单 of a unit, 80 columns. */
void fee_form(const struct pm_ctx *ctx, const struct fee_unit *u, FILE *out);
int fee_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e);

/* The 5th's owner report: units and amounts by months owed, steps on time. */
struct fee_summary {
	long units[4], fen[4];	/* 1-6, 6-18, over 18 months; [3] all */
	long steps, on_time;
};
int fee_summarize(struct pm_ctx *ctx, struct fee_summary *s,
    struct pm_err *e);

#endif
