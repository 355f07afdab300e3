/*
 * complaint.h - the complaint form (SPEC 2.1): 投诉登记表, 投诉处理记录表,
 * 接待业主情况记录.
 *
 * Three books.  complaints.csv and requests.csv hold the registrations;
 * a registration's row number is its serial, so codes are unique under
 * concurrent clerks, never reused, and need no scan.  complaint_events.csv
 * holds every later step of both.
 */
#ifndef COMPLAINT_H
#define COMPLAINT_H

#include "pm.h"

#define COMPLAINT_CODE_MAX 32
#define COMPLAINT_DEADLINES_MAX 8

extern const char *const complaint_kinds[];
extern const char *const complaint_importances[];
extern const char *const complaint_categories[];
extern const char *const complaint_channels[];
/* a request's type (SPEC 2.1): 咨询, 建议, 求助, 报修 */
extern const char *const complaint_request_types[];

/* One deadline rule of SPEC 2.1, as --help, the man page and tests read it. */
struct complaint_rule {
	const char *deadline;	/* its name, as overdue lists it */
	const char *kind;	/* complaint or request */
	const char *importance;	/* the importances it applies to */
	const char *starts;	/* registered or resolve */
	const char *met_by;	/* the step that meets it */
	long seconds;		/* after the start; 0: by the end of that day */
	const char *escalate_to;
	const char *what;
	const char *type;	/* a request's type it applies to; NULL: any */
	int agreed;		/* a time agreed with the owner replaces it */
};
extern const struct complaint_rule complaint_rules[];
extern const size_t complaint_nrules;

struct complaint_in {
	const char *kind, *unit, *name, *phone, *text, *importance, *category,
	    *channel, *cosigners, *requested_by, *at;
	const char *type, *reply_by;	/* a request's */
};

/* A step after registration (forward, ack, reply, ...). */
struct complaint_step {
	const char *step, *code, *to, *dept, *text, *valid, *importance,
	    *until, *cost, *approved_by, *how, *reason, *at;
	const char *adopted;	/* a suggestion's reply: yes or no */
	const char *by;		/* who records it, when not the clerk (--as) */
	int unresolvable;
};

struct complaint_deadline {
	const struct complaint_rule *rule;
	time_t due, met;
	const char *state;	/* met, late, pending, overdue */
};

struct complaint_event {
	char id[16], at[20], step[16], by[FIELD_NAME_MAX * 4 + 1];
	char *detail;
};

struct complaint {
	char code[COMPLAINT_CODE_MAX];
	char kind[10], unit[11], importance[2], category[3], channel[8];
	char type[12];		/* a request's: inquiry, suggestion, help, repair */
	char *name, *phone, *text, *result, *reason;
	long cosigners, cost_fen;
	time_t registered, started, requested_by, until;
	time_t forwarded, acked, replied, resolved, notified, closed, reported;
	time_t handled[8];	/* every handling, each due for its own visit */
	time_t round_start[8], round_until[8];	/* each round before a reopening */
	int nhandled;
	char valid[4], registered_at[20], handler[FIELD_NAME_MAX * 4 + 1];
	int unresolvable, reopened;
	/* where its first rows lie in the live books (the month index) */
	struct ledger_mark at_reg, at_event;
	struct complaint_event *events;
	size_t nevents, capevents;
};

struct complaint_book {
	struct complaint *v;
	size_t n, cap;
	int keep_events;	/* for show and form */
	size_t *slots, nslots;	/* while folding: matters by code */
	/*
	 * With briefs asked for, a matter long closed is kept as its brief
	 * only (values each ended by a NUL, its code first: its list row
	 * for a listing), by code like v: the whole history in little memory.
	 */
	void (*brief_of)(const struct complaint *c, struct buf *out);
	struct spill briefs;	/* read with spill_peek, spill_pop */
};
void complaint_book_free(struct complaint_book *b);

/* A matter's row in a listing (SPEC 6: the phone masked). */
#define COMPLAINT_LIST_COLS 15
struct complaint_row {
	const char *v[COMPLAINT_LIST_COLS];
	char phone[64], resolved[20];
};
void complaint_list_row(const struct complaint *c, struct complaint_row *r);
/* A brief's values as a row. */
void complaint_brief_row(const char *brief, struct complaint_row *r);

int complaint_add(struct pm_ctx *ctx, const struct complaint_in *in,
    char *code, struct pm_err *e);
int complaint_record(struct pm_ctx *ctx, const struct complaint_step *s,
    char *id, struct pm_err *e);
/* pm-visit's failed review puts a complaint back (SPEC 2.4). */
int complaint_reopen(struct pm_ctx *ctx, const char *code, const char *reason,
    const char *by, char *id, struct pm_err *e);

int complaint_read(struct pm_ctx *ctx, int keep_events,
    struct complaint_book *b, struct pm_err *e);
/*
 * Only the matters open or closed since a month (a month key; LONG_MAX:
 * the open ones, from the live books): what overdue and the month's
 * statistics need, whatever the length of the history.
 */
int complaint_read_since(struct pm_ctx *ctx, int keep_events, long since,
    struct complaint_book *b, struct pm_err *e);
/* One matter's rows only (show, form): the book holds it or nothing. */
int complaint_read_one(struct pm_ctx *ctx, int keep_events, const char *code,
    struct complaint_book *b, struct pm_err *e);
/* Every matter of the history, those long closed as briefs. */
int complaint_read_listing(struct pm_ctx *ctx, struct complaint_book *b,
    struct pm_err *e);
/* The same, with briefs of the reader's own (each its code first). */
typedef void complaint_brief_fn(const struct complaint *c, struct buf *out);
int complaint_read_briefs(struct pm_ctx *ctx, complaint_brief_fn *fn,
    struct complaint_book *b, struct pm_err *e);
/* Every matter of one unit, the whole history, in memory for those only. */
int complaint_read_unit(struct pm_ctx *ctx, const char *unit,
    struct complaint_book *b, struct pm_err *e);
struct complaint *complaint_find(struct complaint_book *b, const char *code);
const char *complaint_status(const struct complaint *c);
/*
 * The handling of each round before a reopening (SPEC 2.4: a failed
 * visit reopens it with fresh deadlines): its due, when it was handled,
 * met or late.  Returns how many.
 */
size_t complaint_past_rounds(const struct complaint *c,
    struct complaint_deadline *out);
size_t complaint_deadlines(const struct complaint *c, time_t now,
    struct complaint_deadline *out);
/* The person a rule escalates to, as pm.conf names them, or NULL. */
const char *complaint_escalate_name(const struct conf *conf,
    const struct complaint_rule *r);
/* Every deadline of an open matter passed by ctx->now (SPEC 2.10). */
int complaint_breaches(struct pm_ctx *ctx, breach_fn fn, void *arg,
    struct pm_err *e);
/* The printed 投诉登记表 / 投诉处理记录表, 80 columns. */
void complaint_form(struct pm_ctx *ctx, const struct complaint *c, FILE *out);

/* SPEC 2.1: the monthly statistics, for pm-report complaints. */
struct complaint_stats {
	int year, month;
	long total, by_importance[3], by_category[6], requests;
	long handled, timely, reviewed, valid, open_carried;
	/* requests registered in the month, by type: answered by the type's
	 * standard at all, and in time */
	long rq_registered[4], rq_answered[4], rq_on_time[4];
	double timely_rate, valid_rate, complaint_rate;	/* -1: no data */
};
int complaint_stats(struct pm_ctx *ctx, const char *month,
    struct complaint_stats *st, struct pm_err *e);
/* The same from a book read since that month or before. */
int complaint_stats_in(struct pm_ctx *ctx, const struct complaint_book *b,
    int year, int month, struct complaint_stats *st);

int complaint_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e);
int complaint_import(struct pm_ctx *ctx, const char *file,
    const char *encoding, int dry_run, FILE *out, struct pm_err *e);

/*
 * Archiving (SPEC 3): a complaint or request is one matter, with its
 * registration and every event; once closed, it is bound into the
 * volume of the month it closed in.  Open ones stay live, so that
 * overdue reads the live books only.
 */
long complaint_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg);

/* The three books: complaints, requests and their steps (NULL-ended). */
extern const struct ledger_def *const complaint_book_defs[];
extern const char *const complaint_book_names[];	/* their names */

#endif
