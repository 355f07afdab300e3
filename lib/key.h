/*
 * key.h - the key form (SPEC 2.2): 钥匙验收记录表, 移交钥匙登记表,
 * 业主领取钥匙登记表, 借钥匙登记表, 借匙催还单, 钥匙管理备忘录.
 *
 * One book, keys.csv: every receipt, handover to an owner, loan, return,
 * loss and remedy is a row.  How many keys of a unit are in the cabinet,
 * and which loans are out, is read from the rows.
 */
#ifndef KEY_H
#define KEY_H

#include "pm.h"

/* The book, for archival and retention (pm-report). */
extern const struct ledger_def key_def;

#define KEY_COUNT_MAX 99	/* more keys for one unit at once is absurd */
#define KEY_ID_MAX 24
#define KEY_NAME_MAX (FIELD_NAME_MAX * 4 + 1)

extern const char *const key_events[];

/* One event as the command line or an imported row gives it. */
struct key_event {
	const char *event;	/* receive issue lend return lost remedy */
	const char *unit, *count, *expected, *source, *from, *to, *dept,
	    *work_id, *via, *id_doc, *loan, *action, *note, *at;
};

/* A unit's keys, as the book says. */
struct key_unit {
	char unit[11];
	long received, expected, issued, lent_out, lost, on_hand;
	long counted;		/* inventory: -1 when not counted */
	/* the last count recorded (the 25th's): found, the book's, when */
	long last_count, last_book;
	char counted_at[20];
	time_t last;		/* its last row: when a closed unit closed */
};

struct key_loan {
	char id[KEY_ID_MAX];
	char unit[11];
	long count, returned;
	char borrower[KEY_NAME_MAX], dept[KEY_NAME_MAX];
	char work_id[KEY_NAME_MAX], via[KEY_NAME_MAX];
	char lent_at[20];
	time_t lent;
	long days_out;
};

struct key_history {
	char id[KEY_ID_MAX], at[20], event[12];
	long count;
	char *detail;
	char by[KEY_NAME_MAX];
};

struct key_book {
	struct key_unit *units;
	size_t nunits, capunits;
	struct key_loan *loans;
	size_t nloans, caploans;
	struct key_history *history;	/* of one unit, for show */
	size_t nhistory, caphistory;
	const char *history_unit;
};
void key_book_free(struct key_book *b);

/* Writes: validate against the book, append, give the new ID. */
int key_record(struct pm_ctx *ctx, const struct key_event *ev, char *id,
    struct pm_err *e);
int key_import(struct pm_ctx *ctx, const char *file, const char *encoding,
    int dry_run, FILE *out, struct pm_err *e);

/* Reads. */
int key_read(struct pm_ctx *ctx, const char *history_unit,
    struct key_book *b, struct pm_err *e);
/*
 * The live book only: every key in the cabinet and every open loan (a
 * unit is archived only when it has neither), without the history.
 */
int key_read_open(struct pm_ctx *ctx, struct key_book *b);
const struct key_unit *key_find_unit(const struct key_book *b,
    const char *unit);
/* Loans out longer than days at ctx->now, oldest first. */
size_t key_overdue(struct pm_ctx *ctx, struct key_book *b, long days,
    struct key_loan ***out);
/* Every loan out past loan_days at ctx->now (SPEC 2.10). */
int key_breaches(struct pm_ctx *ctx, breach_fn fn, void *arg,
    struct pm_err *e);
/* Inventory of the 25th: adds counted numbers from a unit,counted CSV. */
int key_inventory_count(struct pm_ctx *ctx, struct key_book *b,
    const char *file, long *discrepancies, struct pm_err *e);
/* The 借匙催还单: one printable slip per borrowing department. */
void key_slips(struct pm_ctx *ctx, struct key_loan **loans, size_t n,
    long days, FILE *out);
int key_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e);
/*
 * Archiving (SPEC 3): a unit's rows are one matter, closed once no key
 * of it is in the cabinet or out on loan; it is bound into the volume of
 * the month of its last row.
 */
long key_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg);
/* Has the owner of unit been handed keys?  arg is a struct key_book. */
int key_unit_issued(const char *unit, void *book);

#endif
