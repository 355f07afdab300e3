/*
 * owner.h - the owner archive (SPEC 2.5): 业主基本情况登记表,
 * 业主家庭成员登记表, 业主信息登记表.
 *
 * Two books, both created 0600: owners.csv (base records and approved
 * changes, never deleted) and owner_access.csv (who saw a full record,
 * when, why, approved by whom).  The archive is also the reference that
 * every other form checks a unit code against: owner_unit_check.
 */
#ifndef OWNER_H
#define OWNER_H

#include "pm.h"

#define OWNER_LIST_MAX 512	/* bytes of members or vehicles */

/* The fields a record holds and a change may set. */
extern const char *const owner_fields[];

struct owner_in {
	const char *unit, *name, *phone, *id_no, *area, *handover, *at;
	const char *members[16];
	int nmembers;
	const char *vehicles[8];
	int nvehicles;
};

struct owner {
	char unit[11];
	char *name, *phone, *id_no, *members, *vehicles, *area, *handover;
	char added_at[20], changed_at[20];
	int changes;
};

struct owner_change {
	char id[24], at[20], field[16];
	char *value, *before;	/* after and before the change */
	char approved_by[FIELD_NAME_MAX * 4 + 1], by[FIELD_NAME_MAX * 4 + 1];
};

struct owner_book {
	struct owner *v;
	size_t n, cap;
	struct owner_change *changes;	/* of one unit, for show */
	size_t nchanges, capchanges;
	const char *history_unit;
};
void owner_book_free(struct owner_book *b);

/*
 * SPEC 2.5 and issue 6: once a unit is in the archive, every form
 * checks --unit against it; with an empty archive, the format only.
 */
int owner_unit_check(struct pm_ctx *ctx, const char *field, const char *unit,
    struct pm_err *e);
/*
 * The archive's units read now, for checks on another thread to find
 * (an import's parser): the first check of a command reads them.
 */
void owner_units_ready(struct pm_ctx *ctx);

int owner_add(struct pm_ctx *ctx, const struct owner_in *in, char *id,
    struct pm_err *e);
int owner_change(struct pm_ctx *ctx, const char *unit, const char *field,
    const char *value, const char *approved_by, char *id, struct pm_err *e);
/* A reveal is registered before anything is shown. */
int owner_reveal(struct pm_ctx *ctx, const char *unit, const char *reason,
    const char *approved_by, struct pm_err *e);
int owner_read(struct pm_ctx *ctx, const char *history_unit,
    struct owner_book *b, struct pm_err *e);
const struct owner *owner_find(const struct owner_book *b, const char *unit);
/* 138****5678 and 110101********1234: what listings show. */
void owner_mask_phone(const char *phone, char *out, size_t size);
void owner_mask_id(const char *id, char *out, size_t size);
const char *owner_shown(const char *field, const char *v, int reveal,
    char *buf, size_t size);
int owner_id_valid(const char *id);	/* GB 11643 check digit */

typedef int (*owner_access_fn)(const char *at, const char *by,
    const char *unit, const char *reason, const char *approved_by, void *arg);
int owner_audit(struct pm_ctx *ctx, const char *month, owner_access_fn fn,
    void *arg, struct pm_err *e);

/*
 * SPEC 2.5: before the 5th, the archive is put in order and summed up
 * for the supervisor.  keys_issued says whether a unit's owner has been
 * handed keys (pm-report passes the key book's answer; the archive does
 * not read other books).
 */
struct owner_summary {
	long records;		/* in the archive at the end of the month */
	long added, changed;	/* during the month */
	long incomplete;	/* no phone, no ID number or no handover date */
	long no_keys;		/* owners not yet handed keys */
};
int owner_summarize(struct pm_ctx *ctx, const char *month,
    int (*keys_issued)(const char *unit, void *arg), void *arg,
    struct owner_summary *sum, struct pm_err *e);

/*
 * The quarterly census (SPEC 2.9): each household's situation confirmed
 * once a quarter, by whom; a quarter's list says which units are done.
 */
int owner_census(struct pm_ctx *ctx, const char *unit, const char *by,
    const char *note, char *id, struct pm_err *e);
struct owner_census {
	char unit[11], at[20], by[128];	/* at "": not yet this quarter */
};
int owner_census_quarter(struct pm_ctx *ctx, const char *quarter,
    struct owner_census **out, size_t *n, struct pm_err *e);

int owner_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e);
/*
 * Archiving (SPEC 3): the access register by month.  The owner records
 * themselves are the current archive and always stay live.
 */
long owner_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg);
int owner_import(struct pm_ctx *ctx, const char *file, const char *encoding,
    int dry_run, FILE *out, struct pm_err *e);

/* the form's books, for archival and retention (pm-report) */
extern const struct ledger_def *const owner_book_defs[];

#endif
