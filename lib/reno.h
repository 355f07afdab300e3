/*
 * reno.h - renovation (SPEC 2.8, seed 002 装修管理, seed 003): one file
 * a renovation, from the application to the deposit refunded.
 *
 *   装修申请登记表    the application: unit, applicant, contractor,
 *                     period, works, the documents seen
 *   装修施工许可证    the permit, on approval, with the deposit paid
 *   施工人员出入证    a worker's pass, never valid past the permit
 *   业主装修温馨提示  the lobby notice of the unit's building and period
 *   装修整改通知书    a violation found on patrol, with its deadline
 *
 * One book, renovations.csv; a file is its application row and the rows
 * whose ref names it.  IDs are R and the application's seq: R000001.
 */
#ifndef RENO_H
#define RENO_H

#include "pm.h"

#define RENO_ID_MAX 24
#define RENO_WORKS_MAX 16

/* SPEC 2.8: the kinds of work, allowed and forbidden (seed 002). */
struct reno_work {
	const char *code;
	int forbidden;
	const char *zh;		/* as the application form names it */
};
extern const struct reno_work reno_works[];
extern const size_t reno_nworks;
const struct reno_work *reno_work_of(const char *code);

/* What a command gives to record an application or a step of one. */
struct reno_in {
	const char *event, *ref;
	const char *unit, *applicant, *owner_consent, *contractor, *from,
	    *until, *works, *documents;
	const char *work[RENO_WORKS_MAX];
	int nwork, tenant;
	const char *by, *decision, *reason, *deposit, *fee, *name, *id_doc,
	    *violation, *rectify_by, *result, *points;
	int ok;
};
/* Validates against the rules (and the owner archive), appends, gives the ID. */
int reno_record(struct pm_ctx *ctx, const struct reno_in *in, char *id,
    struct pm_err *e);

struct reno_pass {
	char at[20], until[11];
	char *name, *id_doc;
};
struct reno_violation {
	char at[20], rectify_by[20], rectified_at[20];
	time_t t, due, rectified;
	char *text, *by, *rectified_by;
};
/* A row of the file's history, for show. */
struct reno_event {
	char at[20], event[16];
	char *by, *detail;
};

struct reno {
	char id[RENO_ID_MAX];
	char at[20], by[128], from[11], until[11];
	time_t t, from_t, until_t;
	char *unit, *applicant, *owner_consent, *contractor, *works, *work,
	    *documents;
	int tenant;
	const char *status;	/* applied approved refused permitted
				   requested failed passed refunded */
	time_t reviewed, permitted, requested, accepted, refunded;
	time_t seen;		/* the last patrol or failed acceptance */
	char reviewed_at[20], permitted_at[20], accepted_at[20],
	    refunded_at[20];
	char *reviewer, *reason, *acceptor, *points, *refunder;
	long deposit_fen, fee_fen, patrols;
	struct reno_pass *pass;
	size_t npass, cappass;
	struct reno_violation *viol;
	size_t nviol, capviol;
	struct reno_event *ev;
	size_t nev, capev;
};
struct reno_book {
	struct reno *v;
	size_t n, cap;
};
void reno_book_free(struct reno_book *b);
/* all: the archived files too; else the live book (every open file). */
int reno_read(struct pm_ctx *ctx, int all, struct reno_book *b,
    struct pm_err *e);
struct reno *reno_find(struct reno_book *b, const char *id);
/* show and form: one file with its whole history (ev); NULL if none. */
struct reno *reno_read_one(struct pm_ctx *ctx, const char *id,
    struct reno_book *b);
/* Not refused and not refunded: a file still open. */
int reno_open(const struct reno *r);

/*
 * SPEC 2.8: each deadline of a file, in which statuses it runs, from
 * when, how many days, and to whom it escalates once passed (a table
 * that reno.c, --help and pm-reno(1) read).
 */
enum { FROM_APPLIED, FROM_SEEN, FROM_VIOLATION, FROM_REQUESTED,
	FROM_ACCEPTED };
struct reno_deadline {
	const char *name, *status;
	int from;
	long days;		/* -1: reno_refund_days of pm.conf */
	const char *escalate_to;
	const char *what;	/* N_(): translated where printed */
};
extern const struct reno_deadline reno_deadlines[];
extern const size_t reno_ndeadlines;

/* A deadline of a file that has come (status due) or passed (overdue). */
struct reno_due {
	const struct reno *r;
	const char *deadline;	/* review patrol rectify accept refund */
	time_t due;
	int overdue;
	const char *escalate_to;
	char what[160];
};
/* Every deadline come by ctx->now, soonest first; *n of them. */
struct reno_due *reno_due(struct pm_ctx *ctx, const struct reno_book *b,
    size_t *n);
/* The deadlines passed (SPEC 2.10). */
int reno_breaches(struct pm_ctx *ctx, breach_fn fn, void *arg,
    struct pm_err *e);

/* The month's renovation summary (the 30th, with the complaints). */
struct reno_stats {
	long applications, approved, refused, permits, violations,
	    rectified, acceptances, passed, failed, refunds, refunds_on_time;
	struct { char *reason; long n; } reasons[32];
	int nreasons;
};
int reno_month(struct pm_ctx *ctx, int year, int month, struct reno_stats *st,
    struct pm_err *e);
void reno_stats_free(struct reno_stats *st);

/* renoform.c: the printed forms, 80 columns (SPEC 6). */
enum reno_form { RENO_FORM_ALL, RENO_FORM_APPLICATION, RENO_FORM_PERMIT,
	RENO_FORM_PASS, RENO_FORM_NOTICE, RENO_FORM_RECTIFY };
/* n: the pass or the rectification notice (1, 2, ...); -1 with e. */
int reno_form(const struct reno *r, enum reno_form which, int n, FILE *out,
    struct pm_err *e);

int reno_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e);
int reno_import(struct pm_ctx *ctx, const char *file, const char *encoding,
    int dry_run, FILE *out, struct pm_err *e);
/* Archiving (SPEC 3): a file once finished (refused, refunded). */
long reno_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg);

/* the form's books, for archival and retention (pm-report) */
extern const struct ledger_def *const reno_book_defs[];

#endif
