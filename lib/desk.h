/*
 * desk.h - the front hall (SPEC 2.7): four paper registers of the lobby.
 *
 *   来访登记表      visitors: who came, from where, to see whom, in and out
 *   邮件包裹登记    mail and parcels: received, the addressee told, collected
 *   重要电话记录    important calls: passed on, signed for, followed up
 *   放行条          release of large items: the owner's confirmation, the
 *                   guard's check-out
 *
 * One book a register (desk_visitors.csv, desk_parcels.csv, desk_calls.csv,
 * desk_releases.csv), all with the same columns; a matter is its first row
 * and the rows whose ref names it.  IDs are the register's letter and the
 * row's seq: V000001, P000001, T000001, F000001.
 */
#ifndef DESK_H
#define DESK_H

#include "pm.h"

#define DESK_ID_MAX 16

/* A register: its name, its letter, its book (which keeps its retention). */
struct desk_register {
	const char *name;	/* visitor, parcel, call, release */
	char letter;
	const char *book;	/* desk_visitors, ... */
	const char *title;	/* the paper register */
};
extern const struct desk_register desk_registers[];
extern const size_t desk_nregisters;
const struct desk_register *desk_register_of(const char *id);
/* The registers' books, in the order of desk_registers, NULL-terminated. */
extern const struct ledger_def *const register_defs[];

/* What a command gives to record a matter or a step of one. */
struct desk_in {
	const char *reg, *event, *ref;
	const char *name, *org, *unit, *to, *id_doc, *carrier, *tracking,
	    *how, *number, *text, *items, *confirmed_by, *authorisation,
	    *approved_by, *guard;
	int urgent, move_out;
};
/* Validates against the register (and the owner archive), appends, gives the ID. */
int desk_record(struct pm_ctx *ctx, const struct desk_in *in, char *id,
    struct pm_err *e);

/* A matter as the register shows it. */
struct desk_item {
	char id[DESK_ID_MAX];
	const struct desk_register *reg;
	char at[20], by[128];
	time_t t;
	char *name, *org, *unit, *to, *id_doc, *carrier, *tracking, *number,
	    *text, *items, *confirmed_by, *authorisation, *approved_by;
	int urgent, move_out;
	/* the steps since */
	time_t notified, out, confirmed, done;
	char *how, *out_by, *out_id_doc, *recipient, *result, *guard;
	char out_at[20];
};
struct desk_book {
	const struct desk_register *reg;
	struct desk_item *v;
	size_t n, cap;
};
void desk_book_free(struct desk_book *b);
int desk_read(struct pm_ctx *ctx, const char *reg, struct desk_book *b,
    struct pm_err *e);
struct desk_item *desk_find(struct desk_book *b, const char *id);
/* inside, left; waiting, notified, collected; open, confirmed, done; issued, out */
const char *desk_status(const struct desk_item *it);
/* SPEC 2.7: a parcel waiting longer than parcel_days gets a second notice. */
int desk_second_notice(const struct pm_ctx *ctx, const struct desk_item *it);
/* The deadlines of the hall passed by ctx->now (SPEC 2.10). */
int desk_breaches(struct pm_ctx *ctx, breach_fn fn, void *arg,
    struct pm_err *e);
/* The 放行条 the guard checks, 80 columns. */
void desk_form(const struct desk_item *it, FILE *out);
int desk_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e);
int desk_import(struct pm_ctx *ctx, const char *file, const char *reg,
    const char *encoding, int dry_run, FILE *out, struct pm_err *e);
/* Archiving (SPEC 3): a matter once closed, in the month it closed. */
long desk_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg);

#endif
