/*
 * complaint.c - the complaint procedure (SPEC 2.1), read top to bottom:
 *
 *   every owner contact that needs follow-up is registered, as a
 *   complaint (coded OFFICE-importance-problem-serial) or a request
 *   (OFFICE-R-serial);
 *   a complaint is passed to its handler, answered, handled, its result
 *   told, and visited, each on its deadline; a request not done in 2
 *   days belongs to the supervisor, in 7 days to the manager;
 *   co-signed by 3 or more, a complaint is major and reported in writing
 *   to the company the same day;
 *   past the handling deadline a new date needs the manager's approval;
 *   a promise of compensation needs the authority for its amount;
 *   a complaint is reviewed valid or invalid, and closed after its
 *   visit; a failed visit reopens it with fresh deadlines.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "complaint_priv.h"
#include "owner.h"

/* ---- the books -------------------------------------------------------------- */

static const char *const reg_cols[] = { "code", "kind", "unit", "name",
	"phone", "channel", "text", "importance", "category", "cosigners",
	"requested_by", NULL };
static const struct ledger_def complaints_def = { "complaints", reg_cols,
	0640 };
static const struct ledger_def requests_def = { "requests", reg_cols, 0640 };

static const char *const ev_cols[] = { "code", "step", "to_name", "dept",
	"text", "valid", "importance", "until", "cost", "approved_by", "how",
	"reason", NULL };
static const struct ledger_def events_def = { "complaint_events", ev_cols,
	0640 };

/* ---- the rules ------------------------------------------------------------------ */

const char *const complaint_kinds[] = { "complaint", "request", NULL };
/* A major (重大), B general (一般), C minor (轻微) */
const char *const complaint_importances[] = { "A", "B", "C", NULL };
/* customer service, order/security, engineering, cleaning, landscaping, other */
const char *const complaint_categories[] = { "KF", "ZX", "GC", "BJ", "YY",
	"QT", NULL };
const char *const complaint_channels[] = { "visit", "phone", "web", "email",
	"letter", NULL };
const char *const complaint_request_types[] = { "inquiry", "suggestion",
	"help", "repair", NULL };
const char *const complaint_written_channels[] = { "web", "email", "letter",
	NULL };


/*
 * SPEC 2.1, the deadlines.  "registered": the clock starts at
 * registration; "opened": at registration or the latest reopening;
 * "resolve": when handled.  0 seconds: before 24:00 of that day.
 */
const struct complaint_rule complaint_rules[] = {
	{ "forward", "complaint", "A", "opened", "forward", HOUR_SECONDS,
	    "manager", N_("passed to the manager at once (flagged after 1 hour)") },
	{ "forward", "complaint", "BC", "opened", "forward", HOUR_SECONDS,
	    "supervisor", N_("passed to the department supervisor within 1 hour") },
	{ "ack", "complaint", "ABC", "registered", "ack", 2 * DAY_SECONDS,
	    "supervisor", N_("a letter, email or web complaint acknowledged in "
	    "writing within 2 days") },
	{ "company", "complaint", "A", "registered", "report", 0,
	    "manager", N_("co-signed by 3 or more: reported in writing to the "
	    "company the same day") },
	{ "answer", "complaint", "A", "opened", "reply", 2 * DAY_SECONDS,
	    "manager", N_("a clear answer (明确答复) within 2 days") },
	{ "handle", "complaint", "A", "opened", "resolve", 10 * DAY_SECONDS,
	    "manager", N_("handled within 10 days") },
	{ "handle", "complaint", "B", "opened", "resolve", 3 * DAY_SECONDS,
	    "manager", N_("handled within 3 days (later only by extend)") },
	{ "handle", "complaint", "C", "opened", "resolve", 2 * DAY_SECONDS,
	    "manager", N_("handled within 2 days, or by the complainant's "
	    "requested time (later only by extend)"), NULL, 1 },
	{ "notify", "complaint", "ABC", "resolve", "notify", 2 * DAY_SECONDS,
	    "supervisor", N_("the result told within 2 days after handled") },
	{ "supervisor", "request", "", "opened", "resolve", 2 * DAY_SECONDS,
	    "supervisor", N_("not done within 2 days: the supervisor owns it") },
	{ "manager", "request", "", "opened", "resolve", 7 * DAY_SECONDS,
	    "manager", N_("not done within 7 days: the manager owns it") },
	/* the service standards of a request's type (seed 002 2.5-2.7) */
	{ "answer", "request", "", "opened", "reply", 0, "supervisor",
	    N_("an inquiry answered at once (that day), or by the time agreed "
	    "(--reply-by)"), "inquiry", 1 },
	{ "answer", "request", "", "opened", "reply", 3 * DAY_SECONDS,
	    "supervisor", N_("a suggestion answered within 3 days, adopted or "
	    "not, or by the time agreed (--reply-by)"), "suggestion", 1 },
	{ "help", "request", "", "opened", "resolve", 0, "supervisor",
	    N_("help given at once (that day), or by the time agreed "
	    "(--reply-by)"), "help", 1 },
	{ "notify", "request", "", "resolve", "notify", 0, "supervisor",
	    N_("the owner told the same day the repair is done"), "repair", 0 },
};
const size_t complaint_nrules = sizeof complaint_rules /
    sizeof complaint_rules[0];

/* ---- small helpers ------------------------------------------------------------------ */

int
complaint_in_list(const char *v, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(v, *list) == 0)
			return 1;
	return 0;
}

static void
event_push(struct complaint *c, const char *id, const char *at,
    const char *step, const char *by, const char *detail)
{
	struct complaint_event *ev;

	GROW(c->events, c->nevents + 1, c->capevents);
	ev = &c->events[c->nevents++];
	memset(ev, 0, sizeof *ev);
	snprintf(ev->id, sizeof ev->id, "%s", id);
	snprintf(ev->at, sizeof ev->at, "%s", at);
	snprintf(ev->step, sizeof ev->step, "%s", step);
	snprintf(ev->by, sizeof ev->by, "%s", by);
	ev->detail = xstrdup(detail);
}

static void
complaint_free(struct complaint *c)
{
	size_t k;

	free(c->name);
	free(c->phone);
	free(c->text);
	free(c->result);
	free(c->reason);
	for (k = 0; k < c->nevents; k++)
		free(c->events[k].detail);
	free(c->events);
}

void
complaint_book_free(struct complaint_book *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		complaint_free(&b->v[i]);
	free(b->v);
	free(b->slots);
	spill_free(&b->briefs);
	memset(b, 0, sizeof *b);
}

void
complaint_list_row(const struct complaint *c, struct complaint_row *r)
{
	size_t n = strlen(c->phone);

	/* SPEC 6: owner phone numbers are masked in listings */
	if (n >= 8)
		snprintf(r->phone, sizeof r->phone, "%.3s****%s", c->phone,
		    c->phone + n - 4);
	else
		snprintf(r->phone, sizeof r->phone, "%s", n ? "****" : "");
	r->resolved[0] = '\0';
	if (c->resolved)
		clock_format(c->resolved, r->resolved);
	r->v[0] = c->code;
	r->v[1] = c->kind;
	r->v[2] = c->unit;
	r->v[3] = c->importance;
	r->v[4] = c->category;
	r->v[5] = complaint_status(c);
	r->v[6] = c->registered_at;
	r->v[7] = c->name;
	r->v[8] = r->phone;
	r->v[9] = c->channel;
	r->v[10] = c->handler;
	r->v[11] = c->valid;
	r->v[12] = r->resolved;
	r->v[13] = c->text;
	r->v[14] = c->type;	/* a request's */
}

void
complaint_brief_row(const char *brief, struct complaint_row *r)
{
	int i;

	r->phone[0] = r->resolved[0] = '\0';
	for (i = 0; i < COMPLAINT_LIST_COLS; i++) {
		r->v[i] = brief;
		brief += strlen(brief) + 1;
	}
}

/* The matter as a brief: its list row's values, packed. */
static void
list_brief(const struct complaint *c, struct buf *out)
{
	struct complaint_row r;
	int i;

	complaint_list_row(c, &r);
	for (i = 0; i < COMPLAINT_LIST_COLS; i++)
		buf_add(out, r.v[i] ? r.v[i] : "", strlen(r.v[i] ? r.v[i] :
		    "") + 1);
}

static int
code_cmp(const void *a, const void *b)
{
	return strcmp(((const struct complaint *)a)->code,
	    ((const struct complaint *)b)->code);
}

struct complaint *
complaint_find(struct complaint_book *b, const char *code)
{
	struct complaint probe;

	if (b->n == 0)
		return NULL;	/* an empty book has no array to search */
	memset(&probe, 0, sizeof probe);
	snprintf(probe.code, sizeof probe.code, "%s", code);
	return bsearch(&probe, b->v, b->n, sizeof *b->v, code_cmp);
}

const char *
complaint_status(const struct complaint *c)
{
	if (c->closed)
		return c->unresolvable ? "unresolvable" : "closed";
	if (c->resolved)
		return "handled";
	return "open";
}

/* ---- folding the books ------------------------------------------------------------ */

/*
 * The three books are read as one stream in the order they were
 * written, so that each matter's rows come in order and a matter closed
 * long enough ago, which the reader does not want, is let go: memory
 * holds the open matters and the wanted ones, never the whole history.
 * While folding, matters are found by a hash of their codes (the book
 * is sorted by code once the fold is done).
 */
#define FOLD_SWEEP 4096		/* rows between two sweeps */
/* a closed matter is let go this long after closing (a failed visit
 * reopens it within days; a later step finds it by a full read) */
#define FOLD_GRACE (92 * 86400L)

struct fold {
	struct ledger *l, *ls[3];
	struct complaint_book *b;
	int *col, cols[3][LEDGER_COLS_MAX];
	long orphans;		/* events whose registration was not read */
	long since;		/* keep what is open or closed in or after */
	const char *only;	/* one matter only (show, form) */
	const char *unit;	/* one unit's matters only (list --unit) */
	const struct codeset *codes;	/* and their codes */
	struct codeset *closed;	/* closed matters let go: code -> month */
	long rows;
	char written[20];	/* the stream's clock: the last row's */
	struct ledger_mark last[3];	/* each book's last live row */
	struct let_go *gone;	/* the matters let go, month by month */
	size_t ngone, capgone;
};

/*
 * Of the matters let go, registered in a month: the last registration
 * of each register and the first step of any.  A month's reader that
 * reads a register from a row on reads every step of the matters
 * registered from there, wanted or not (it cannot tell them apart
 * before their steps): the steps' index may not pass those.
 */
struct let_go {
	long month;
	long last_reg[2];
	struct ledger_mark first_step[2];
};

static void
let_go(struct fold *f, const struct complaint *c)
{
	long month = clock_month_key(c->registered);
	int k = strcmp(c->kind, "request") == 0;
	struct let_go *g = NULL;
	size_t i;

	if (c->at_reg.month == 0)
		return;	/* registered in a volume: not in the live book */
	for (i = f->ngone; i > 0 && g == NULL; i--)
		if (f->gone[i - 1].month == month)
			g = &f->gone[i - 1];
	if (g == NULL) {
		GROW(f->gone, f->ngone + 1, f->capgone);
		g = &f->gone[f->ngone++];
		memset(g, 0, sizeof *g);
		g->month = month;
	}
	if (c->at_reg.seq > g->last_reg[k])
		g->last_reg[k] = c->at_reg.seq;
	if (c->at_event.month != 0 && (g->first_step[k].month == 0 ||
	    c->at_event.seq < g->first_step[k].seq))
		g->first_step[k] = c->at_event;
}

/* Index every matter of the book by code: slots hold index + 1. */
static void
slots_build(struct complaint_book *b)
{
	size_t i, h;

	b->nslots = 64;
	while (b->nslots < 2 * b->cap)
		b->nslots *= 2;
	free(b->slots);
	b->slots = xcalloc(b->nslots, sizeof *b->slots);
	for (i = 0; i < b->n; i++) {
		h = str_hash(b->v[i].code) & (b->nslots - 1);
		while (b->slots[h] != 0)
			h = (h + 1) & (b->nslots - 1);
		b->slots[h] = i + 1;
	}
}

static struct complaint *
fold_find(struct complaint_book *b, const char *code)
{
	size_t h;

	if (b->nslots == 0)
		return NULL;
	h = str_hash(code) & (b->nslots - 1);
	for (; b->slots[h] != 0; h = (h + 1) & (b->nslots - 1))
		if (strcmp(b->v[b->slots[h] - 1].code, code) == 0)
			return &b->v[b->slots[h] - 1];
	return NULL;
}

/*
 * A set of codes, each with a month: open addressing on a power of two
 * slots (an empty code marks an empty slot), at most half full.
 */
struct coded {
	char code[COMPLAINT_CODE_MAX];
	long month;
};

struct codeset {
	struct coded *v;
	size_t n, cap;
};

static struct coded *
codeset_slot(const struct codeset *s, const char *code)
{
	size_t h = str_hash(code) & (s->cap - 1);

	while (s->v[h].code[0] != '\0' && strcmp(s->v[h].code, code) != 0)
		h = (h + 1) & (s->cap - 1);
	return &s->v[h];
}

static void
codeset_put(struct codeset *s, const char *code, long month)
{
	struct coded *c;

	if (2 * (s->n + 1) > s->cap) {
		struct codeset t = { NULL, s->n, s->cap ? 2 * s->cap : 64 };
		size_t i;

		t.v = xcalloc(t.cap, sizeof *t.v);
		for (i = 0; i < s->cap; i++)
			if (s->v[i].code[0] != '\0')
				*codeset_slot(&t, s->v[i].code) = s->v[i];
		free(s->v);
		*s = t;
	}
	c = codeset_slot(s, code);
	if (c->code[0] == '\0') {
		snprintf(c->code, sizeof c->code, "%s", code);
		s->n++;
	}
	c->month = month;
}

static struct coded *
codeset_get(const struct codeset *s, const char *code)
{
	struct coded *c;

	if (s == NULL || s->cap == 0)
		return NULL;
	c = codeset_slot(s, code);
	return c->code[0] != '\0' ? c : NULL;
}

/* Is the matter one the reader wants kept (at the stream's time now)? */
static int
fold_keeps(const struct fold *f, const struct complaint *c, time_t now,
    long grace)
{
	if (!c->closed || f->since <= 0 || f->only != NULL)
		return 1;
	return c->closed + grace > now || clock_month_key(c->closed) >= f->since;
}

/* Let go of the closed matters not wanted; index those left. */
static void
fold_sweep(struct fold *f, long grace)
{
	struct complaint_book *b = f->b;
	struct buf brief = { 0 };
	time_t now = 0;
	size_t i, n = 0;

	if ((f->since > 0 || f->closed != NULL || b->brief_of != NULL) &&
	    f->written[0] != '\0')
		clock_parse(f->written, &now, NULL);
	for (i = 0; i < b->n; i++) {
		const struct complaint *c = &b->v[i];

		if (b->brief_of != NULL && now > 0 && c->closed &&
		    c->closed + grace <= now) {
			buf_reset(&brief);
			b->brief_of(c, &brief);
			spill_add(&b->briefs, brief.s, brief.len);
			complaint_free(&b->v[i]);
			continue;
		}
		if (f->closed != NULL && now > 0 && c->closed &&
		    c->closed + grace <= now) {
			/* only the month it closed is asked of it */
			codeset_put(f->closed, c->code, clock_month_key(
			    c->closed));
			complaint_free(&b->v[i]);
			continue;
		}
		if (f->since > 0 && now > 0 && !fold_keeps(f, &b->v[i], now,
		    grace)) {
			let_go(f, &b->v[i]);
			complaint_free(&b->v[i]);
			continue;
		}
		if (n != i)
			b->v[n] = b->v[i];
		n++;
	}
	b->n = n;
	buf_free(&brief);
	slots_build(b);
}

static int
fold_reg(const struct row *r, void *arg)
{
	struct fold *f = arg;
	struct complaint_book *b = f->b;
	struct complaint *c;
	const char *at = row_get(f->l, r, "at");

	if ((f->only != NULL && strcmp(r->f[f->col[R_CODE]], f->only) != 0) ||
	    (f->unit != NULL && strcmp(r->f[f->col[R_UNIT]], f->unit) != 0))
		return 0;
	if (b->n == b->cap) {
		GROW(b->v, b->n + 1, b->cap);
		slots_build(b);		/* the slots point into b->v */
	}
	c = &b->v[b->n++];
	memset(c, 0, sizeof *c);
	snprintf(c->code, sizeof c->code, "%s", r->f[f->col[R_CODE]]);
	snprintf(c->kind, sizeof c->kind, "%s", r->f[f->col[R_KIND]]);
	snprintf(c->unit, sizeof c->unit, "%s", r->f[f->col[R_UNIT]]);
	snprintf(c->channel, sizeof c->channel, "%s", r->f[f->col[R_CHANNEL]]);
	if (strcmp(c->kind, "request") == 0)	/* its type, in that column */
		snprintf(c->type, sizeof c->type, "%s", complaint_in_list(
		    r->f[f->col[R_IMPORTANCE]], complaint_request_types) ?
		    r->f[f->col[R_IMPORTANCE]] : "inquiry");
	else
		snprintf(c->importance, sizeof c->importance, "%s",
		    r->f[f->col[R_IMPORTANCE]]);
	snprintf(c->category, sizeof c->category, "%s",
	    r->f[f->col[R_CATEGORY]]);
	snprintf(c->registered_at, sizeof c->registered_at, "%s", at);
	c->name = xstrdup(r->f[f->col[R_NAME]]);
	c->phone = xstrdup(r->f[f->col[R_PHONE]]);
	c->text = xstrdup(r->f[f->col[R_TEXT]]);
	c->cosigners = atol(r->f[f->col[R_COSIGNERS]]);
	clock_parse(at, &c->registered, NULL);
	c->started = c->registered;
	if (*r->f[f->col[R_REQUESTED]])
		clock_parse(r->f[f->col[R_REQUESTED]], &c->requested_by, NULL);
	if (b->keep_events)
		event_push(c, "", at, "register", row_get(f->l, r, "by"),
		    c->text);
	if (ledger_mark_marks_live(f->l, r))
		ledger_mark_of(f->l, r, 1, &c->at_reg);
	{
		size_t h = str_hash(c->code) & (b->nslots - 1);

		while (b->slots[h] != 0)
			h = (h + 1) & (b->nslots - 1);
		b->slots[h] = b->n;
	}
	return 0;
}

static void
apply_step(struct complaint *c, const char *const *v, time_t t)
{
	const char *step = v[E_STEP];

	if (strcmp(step, "forward") == 0) {
		if (!c->forwarded)
			c->forwarded = t;
		snprintf(c->handler, sizeof c->handler, "%s", v[E_TO]);
	} else if (strcmp(step, "ack") == 0)
		c->acked = t;
	else if (strcmp(step, "reply") == 0) {
		if (!c->replied)
			c->replied = t;
	} else if (strcmp(step, "review") == 0) {
		snprintf(c->valid, sizeof c->valid, "%s", v[E_VALID]);
		/* a re-classification: the code stays, the importance changes */
		if (*v[E_IMPORTANCE])
			snprintf(c->importance, sizeof c->importance, "%s",
			    v[E_IMPORTANCE]);
	} else if (strcmp(step, "extend") == 0)
		clock_parse(v[E_UNTIL], &c->until, NULL);
	else if (strcmp(step, "resolve") == 0) {
		c->resolved = t;
		if (c->nhandled < (int)(sizeof c->handled / sizeof c->handled[0]))
			c->handled[c->nhandled++] = t;
		free(c->result);
		c->result = xstrdup(v[E_TEXT]);
		c->cost_fen = 0;
		field_fen(v[E_COST], &c->cost_fen);
	} else if (strcmp(step, "notify") == 0)
		c->notified = t;
	else if (strcmp(step, "report") == 0)
		c->reported = t;
	else if (strcmp(step, "close") == 0) {
		c->closed = t;
		c->unresolvable = *v[E_REASON] != '\0' &&
		    strcmp(c->kind, "request") == 0 && *v[E_HOW] == 'u';
		free(c->reason);
		c->reason = xstrdup(v[E_REASON]);
	} else if (strcmp(step, "reopen") == 0) {
		/* SPEC 2.4: open again, with fresh deadlines */
		if (c->reopened < (int)(sizeof c->round_start /
		    sizeof c->round_start[0])) {
			c->round_start[c->reopened] = c->started;
			c->round_until[c->reopened] = c->until;
		}
		c->started = t;
		c->forwarded = c->replied = c->resolved = c->notified = 0;
		c->closed = c->until = 0;
		c->unresolvable = 0;
		c->reopened++;
	}
}

static int
fold_event(const struct row *r, void *arg)
{
	struct fold *f = arg;
	const char *v[E_NCOLS];
	struct complaint *c;
	const char *at = row_get(f->l, r, "at");
	time_t t;
	int i;

	for (i = 0; i < E_NCOLS; i++)
		v[i] = r->f[f->col[i]];
	if (f->only != NULL && strcmp(v[E_CODE], f->only) != 0)
		return 0;
	c = fold_find(f->b, v[E_CODE]);
	if (c == NULL) {
		struct coded *gone = codeset_get(f->closed, v[E_CODE]);

		if (gone != NULL)
			gone->month = -1;	/* stepped on long after: live */
		else
			f->orphans += f->unit == NULL;	/* another unit's */
		return 0;
	}
	clock_parse(at, &t, NULL);
	apply_step(c, v, t);
	if (c->at_event.month == 0 && ledger_mark_marks_live(f->l, r))
		ledger_mark_of(f->l, r, 1, &c->at_event);
	if (f->b->keep_events) {
		struct buf d = { 0 };
		char id[16];

		snprintf(id, sizeof id, "E%06ld", row_seq(r));
		if (*v[E_TO])
			buf_addf(&d, "→ %s%s%s ", v[E_TO], *v[E_DEPT] ? " " : "",
			    v[E_DEPT]);
		if (*v[E_VALID])
			buf_addf(&d, "%s ", strcmp(v[E_VALID], "yes") == 0 ?
			    "有效" : "无效");
		if (*v[E_IMPORTANCE])
			buf_addf(&d, "importance %s ", v[E_IMPORTANCE]);
		if (*v[E_UNTIL])
			buf_addf(&d, "until %s ", v[E_UNTIL]);
		if (*v[E_COST])
			buf_addf(&d, "cost %s ", v[E_COST]);
		if (*v[E_APPROVED])
			buf_addf(&d, "approved by %s ", v[E_APPROVED]);
		if (*v[E_HOW])
			buf_addf(&d, "(%s) ", v[E_HOW]);
		if (*v[E_TEXT])
			buf_addf(&d, "%s ", v[E_TEXT]);
		if (*v[E_REASON])
			buf_addf(&d, "%s", v[E_REASON]);
		event_push(c, id, at, v[E_STEP], row_get(f->l, r, "by"),
		    d.s ? d.s : "");
		buf_free(&d);
	}
	return 0;
}

static int
fold_row(int book, const struct row *r, void *arg)
{
	struct fold *f = arg;
	int w;

	f->l = f->ls[book];
	f->col = f->cols[book];
	w = ledger_ncols(f->l) - 3;	/* by, [login,] written_at, hash */
	if (r->len[w + 1] == 19)
		memcpy(f->written, r->f[w + 1], 20);
	if (++f->rows % FOLD_SWEEP == 0)
		fold_sweep(f, FOLD_GRACE);
	if (ledger_mark_marks_live(f->l, r))
		ledger_mark_of(f->l, r, 1, &f->last[book]);
	return book < 2 ? fold_reg(r, f) : fold_event(r, f);
}

/*
 * The month index: a reader of the month since on needs, of each live
 * book, the rows from the first row of a matter it kept (what was
 * closed before the month lies before it); with none kept, from the
 * book's last row.  found[k].month is 0 where the book has no live row.
 */
static void
fold_marks(const struct fold *f, long since, struct ledger_mark *found)
{
	const struct complaint_book *b = f->b;
	const struct ledger_mark *m;
	size_t i;
	int k;

	for (k = 0; k < 3; k++) {
		/* with no matter kept there, from after the book's last row */
		found[k] = f->last[k];
		found[k].past = 1;
		for (i = 0; i < b->n; i++) {
			const struct complaint *c = &b->v[i];

			if (k == 2)
				m = &c->at_event;
			else if ((k == 1) != (strcmp(c->kind, "request") == 0))
				continue;
			else
				m = &c->at_reg;
			if (m->month != 0 && m->seq <= found[k].seq)
				found[k] = *m;
		}
	}
	/* the steps of every matter registered where a register is read */
	for (i = 0; i < f->ngone; i++)
		for (k = 0; k < 2; k++) {
			m = &f->gone[i].first_step[k];
			if (found[k].month != 0 && m->month != 0 &&
			    f->gone[i].last_reg[k] >= found[k].seq &&
			    m->seq <= found[2].seq)
				found[2] = *m;
		}
	for (k = 0; k < 3; k++)
		if (found[k].month != 0)
			found[k].month = since;
}

/*
 * What a reader of some matters passes over unsplit: a register's row
 * without their code or unit in its bytes; a step whose code (seq,at,
 * code,...) is of no matter it keeps.
 */
static int
reg_wanted(const char *raw, size_t len, void *arg)
{
	const struct fold *f = arg;

	return ledger_row_holds(raw, len, (void *)(f->only != NULL ? f->only :
	    f->unit));
}

static int
step_wanted(const char *raw, size_t len, void *arg)
{
	struct fold *f = arg;
	const char *end = raw + len, *p, *q;
	char code[COMPLAINT_CODE_MAX];

	if (f->codes == NULL)
		return ledger_row_holds(raw, len, (void *)f->only);
	if ((p = memchr(raw, ',', len)) == NULL ||
	    (p = memchr(p + 1, ',', end - p - 1)) == NULL ||
	    (q = memchr(p + 1, ',', end - p - 1)) == NULL ||
	    (size_t)(q - p - 1) >= sizeof code || p[1] == '"')
		return 1;
	memcpy(code, p + 1, q - p - 1);
	code[q - p - 1] = '\0';
	return codeset_get(f->codes, code) != NULL;
}

/*
 * Which matters a reader keeps: NULL for all, else one code, or one
 * unit's (their codes found before: a step is read ahead of its turn);
 * or all, with those closed let go into closed (code -> the month), or
 * kept as briefs.
 */
struct matters {
	const char *code, *unit;
	const struct codeset *codes;
	struct codeset *closed;
	complaint_brief_fn *brief;	/* the long closed as briefs, or NULL */
};

/*
 * since: a month key (what is open or closed since), LONG_MAX for the
 * open matters, 0 for everything.
 */
static long
fold_books(struct pm_ctx *ctx, struct complaint_book *b, long since,
    const struct matters *which, const struct ledger_mark *use,
    struct ledger_mark *found)
{
	const struct ledger_def *defs[] = { &complaints_def, &requests_def,
		&events_def };
	struct fold f;
	int i, k;

	memset(&f, 0, sizeof f);
	f.b = b;
	f.since = since;
	f.only = which != NULL ? which->code : NULL;
	f.unit = which != NULL ? which->unit : NULL;
	f.codes = which != NULL ? which->codes : NULL;
	f.closed = which != NULL ? which->closed : NULL;
	for (k = 0; k < 3; k++) {
		f.ls[k] = ledger_open(defs[k], ctx->data);
		if (f.only != NULL || f.unit != NULL)
			ledger_want(f.ls[k], k < 2 ? reg_wanted : step_wanted,
			    &f);
		for (i = 0; i < (k < 2 ? R_NCOLS : E_NCOLS); i++)
			f.cols[k][i] = ledger_col(f.ls[k], k < 2 ? reg_cols[i] :
			    ev_cols[i]);
	}
	slots_build(b);
	ledger_scan_books(f.ls, 3, since, use, fold_row, &f);
	fold_sweep(&f, 0);
	if (found != NULL)
		fold_marks(&f, since, found);
	free(f.gone);
	for (k = 0; k < 3; k++)
		ledger_close(f.ls[k]);
	free(b->slots);
	b->slots = NULL;
	b->nslots = 0;
	if (b->n > 0)
		qsort(b->v, b->n, sizeof *b->v, code_cmp);
	spill_sort(&b->briefs);
	return f.orphans;
}

int
complaint_read(struct pm_ctx *ctx, int keep_events, struct complaint_book *b,
    struct pm_err *e)
{
	return complaint_read_since(ctx, keep_events, 0, b, e);
}

const struct ledger_def *const complaint_book_defs[] = { &complaints_def,
	&requests_def, &events_def, NULL };
const char *const complaint_book_names[] = { "complaints", "requests",
	"complaint_events", NULL };
#define book_defs complaint_book_defs

/* The month index of the three books for the month since (or before). */
static int
marks_get(struct pm_ctx *ctx, long since, struct ledger_mark *m)
{
	int k, n = 0;

	for (k = 0; k < 3; k++) {
		struct ledger *l = ledger_open(book_defs[k], ctx->data);

		n += ledger_mark_get(l, since, &m[k]) == 0;
		ledger_close(l);
	}
	return n;
}

static void
marks_put(struct pm_ctx *ctx, const struct ledger_mark *m)
{
	int k;

	for (k = 0; k < 3; k++)
		if (m[k].month != 0) {
			struct ledger *l = ledger_open(book_defs[k], ctx->data);

			ledger_mark_put(l, &m[k]);
			ledger_close(l);
		}
}

static void
book_again(struct complaint_book *b, int keep_events)
{
	complaint_book_free(b);
	memset(b, 0, sizeof *b);
	b->keep_events = keep_events;
}

/*
 * A month's reader starts each live book at its month index; a step on
 * a matter it did not read (a visit reopened one closed long ago) sends
 * it back to the start of the books, and further back to every volume.
 * The open matters are those of this month's read that are not closed.
 */
static int
read_books(struct pm_ctx *ctx, int keep_events, long since,
    const struct matters *which, struct complaint_book *b)
{
	struct ledger_mark use[3], found[3];
	int open_only = since == LONG_MAX, done = 0;
	int indexed = since > 0 && which == NULL;
	size_t i, n = 0;

	if (open_only)
		since = clock_month_key(ctx->now);
	memset(b, 0, sizeof *b);
	b->keep_events = keep_events;
	/* a step on a brief (one long closed) sends it to a full read */
	b->brief_of = which != NULL ? which->brief : NULL;
	/*
	 * One matter registered since this month's index entry is read from
	 * it whole (its steps come after it); one older, from the start.
	 */
	if (which != NULL && which->code != NULL && since == 0 &&
	    marks_get(ctx, clock_month_key(ctx->now), use) > 0) {
		if (fold_books(ctx, b, clock_month_key(ctx->now), which, use,
		    NULL) == 0 && b->n > 0)
			return 0;
		book_again(b, keep_events);
	}
	if (indexed && marks_get(ctx, since, use) > 0) {
		done = fold_books(ctx, b, since, which, use, found) == 0;
		if (!done)
			book_again(b, keep_events);
	}
	if (!done)
		done = fold_books(ctx, b, since, which, NULL, indexed ?
		    found : NULL) == 0;
	if (done && indexed)
		marks_put(ctx, found);
	if (!done) {
		/* a step on a matter archived: its registration is older */
		book_again(b, keep_events);
		fold_books(ctx, b, 0, which, NULL, NULL);
	}
	for (i = 0; i < b->n; i++)
		if (open_only && b->v[i].closed)
			complaint_free(&b->v[i]);
		else
			b->v[n++] = b->v[i];
	b->n = n;
	return 0;
}

int
complaint_read_since(struct pm_ctx *ctx, int keep_events, long since,
    struct complaint_book *b, struct pm_err *e)
{
	(void)e;
	return read_books(ctx, keep_events, since, NULL, b);
}

int
complaint_read_one(struct pm_ctx *ctx, int keep_events, const char *code,
    struct complaint_book *b, struct pm_err *e)
{
	struct matters one = { .code = code };

	(void)e;
	return read_books(ctx, keep_events, 0, &one, b);
}

struct unit_codes {
	const char *unit;
	struct ledger *l;
	struct codeset codes;
	int col, code;
};

static int
unit_code(const struct row *r, void *arg)
{
	struct unit_codes *uc = arg;

	if (strcmp(r->f[uc->col], uc->unit) == 0)
		codeset_put(&uc->codes, r->f[uc->code], 0);
	return 0;
}

int
complaint_read_briefs(struct pm_ctx *ctx, complaint_brief_fn *fn,
    struct complaint_book *b, struct pm_err *e)
{
	struct matters all = { .brief = fn };

	(void)e;
	return read_books(ctx, 0, 0, &all, b);
}

int
complaint_read_listing(struct pm_ctx *ctx, struct complaint_book *b,
    struct pm_err *e)
{
	return complaint_read_briefs(ctx, list_brief, b, e);
}

int
complaint_read_unit(struct pm_ctx *ctx, const char *unit,
    struct complaint_book *b, struct pm_err *e)
{
	struct unit_codes uc = { unit, NULL, { NULL, 0, 0 }, 0 };
	struct matters of = { .unit = unit, .codes = &uc.codes };
	int k, rc;

	(void)e;
	for (k = 0; k < 2; k++) {
		struct ledger *l = ledger_open(book_defs[k], ctx->data);

		uc.l = l;
		uc.col = ledger_col(l, "unit");
		uc.code = ledger_col(l, "code");
		ledger_want(l, ledger_row_holds, (void *)unit);
		if (uc.col >= 0 && uc.code >= 0)
			ledger_scan(l, unit_code, &uc);
		ledger_close(l);
	}
	rc = read_books(ctx, 0, 0, &of, b);
	free(uc.codes.v);
	return rc;
}

/* ---- registration ------------------------------------------------------------------- */

/*
 * What only one kind takes: a request's --type and --reply-by (the time
 * agreed with the owner), a complaint's --requested-by; the agreed time
 * into req, as the book writes it.
 */
static int
request_fields(const struct complaint_in *in, int request, time_t t,
    char *req, struct pm_err *e)
{
	const char *opt = request ? "--reply-by" : "--requested-by";
	const char *when = request ? in->reply_by : in->requested_by;
	time_t rq;

	if (!request && (in->type || in->reply_by))
		return errset(e, EX_USAGE, _("%s: a complaint has no type or "
		    "agreed reply time (--kind request; a complaint's is "
		    "--requested-by)"), in->type ? "--type" : "--reply-by");
	if (request && in->requested_by)
		return errset(e, EX_USAGE, _("--requested-by: a request's "
		    "agreed time is --reply-by"));
	if (in->type && field_enum(e, "--type", in->type,
	    complaint_request_types) != 0)
		return -1;
	if (when == NULL)
		return 0;
	if (field_date(e, opt, when, &rq) != 0)
		return -1;
	if (rq <= t)
		return errset(e, EX_DATAERR, _("%s: %s is not after the "
		    "registration"), opt, when);
	clock_format(rq, req);
	return 0;
}

int
complaint_add(struct pm_ctx *ctx, const struct complaint_in *in, char *code,
    struct pm_err *e)
{
	const char *kind = in->kind ? in->kind : "complaint";
	const char *importance = in->importance ? in->importance : "B";
	const char *category = in->category ? in->category : "QT";
	const char *channel = in->channel ? in->channel : "visit";
	const char *vals[R_NCOLS + 1];
	char cos[16] = "0", req[20] = "";
	struct ledger_tx *tx;
	struct ledger *l;
	long cosigners = 0;
	time_t t;
	int request;

	if (field_enum(e, "--kind", kind, complaint_kinds) != 0 ||
	    in->unit == NULL || owner_unit_check(ctx, "--unit", in->unit, e) != 0 ||
	    in->name == NULL || field_name(e, "--name", in->name) != 0 ||
	    (in->phone && field_phone(e, "--phone", in->phone) != 0) ||
	    in->text == NULL || field_text(e, "--text", in->text,
	    strlen(in->text), FIELD_TEXT_MAX) != 0 ||
	    field_enum(e, "--importance", importance, complaint_importances)
	    != 0 || field_enum(e, "--category", category,
	    complaint_categories) != 0 || field_enum(e, "--channel", channel,
	    complaint_channels) != 0 ||
	    (in->cosigners && field_count(e, "--cosigners", in->cosigners, 0,
	    9999, &cosigners) != 0) ||
	    field_event_time(e, "--at", in->at, ctx->now, &t) != 0)
		return in->unit == NULL ? errset(e, EX_USAGE, _("--unit is "
		    "required")) : -1;
	request = strcmp(kind, "request") == 0;
	if (request_fields(in, request, t, req, e) != 0)
		return -1;
	/* SPEC 2.1: co-signed by 3 or more is major, whatever was asked. */
	if (!request && cosigners >= COSIGNED_MAJOR && importance[0] != 'A') {
		warnmsg(_("%ld co-signers: registered as major (A) and to be "
		    "reported in writing to the company today (SPEC 2.1)"),
		    cosigners);
		importance = "A";
	}
	snprintf(cos, sizeof cos, "%ld", cosigners);
	l = ledger_open(request ? &requests_def : &complaints_def, ctx->data);
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	/* The serial is the registration's row number: unique, never reused. */
	if (request)
		snprintf(code, COMPLAINT_CODE_MAX, "%s-R-%06ld", ctx->conf.office,
		    ledger_tx_next_seq(tx));
	else
		snprintf(code, COMPLAINT_CODE_MAX, "%s-%s-%s-%06ld",
		    ctx->conf.office, importance, category,
		    ledger_tx_next_seq(tx));
	vals[R_CODE] = code;
	vals[R_KIND] = kind;
	vals[R_UNIT] = in->unit;
	vals[R_NAME] = in->name;
	vals[R_PHONE] = in->phone ? in->phone : "";
	vals[R_CHANNEL] = channel;
	vals[R_TEXT] = in->text;
	/* a request has no importance: that column holds its type */
	vals[R_IMPORTANCE] = request ? (in->type ? in->type : "inquiry") :
	    importance;
	vals[R_CATEGORY] = category;
	vals[R_COSIGNERS] = cos;
	vals[R_REQUESTED] = req;
	vals[R_NCOLS] = NULL;
	ledger_add(tx, t, ctx->user, ctx->now, vals);
	ledger_commit(tx);
	ledger_close(l);
	return 0;
}

/* ---- the steps ------------------------------------------------------------------------ */

static int
record_step(struct pm_ctx *ctx, const struct complaint_step *s,
    int closed_ok, char *id, struct pm_err *e)
{
	struct complaint_book b;
	struct complaint *c;
	struct ledger_tx *tx;
	struct ledger *l;
	const char *v[E_NCOLS + 1];
	char cost[24], until[20];
	time_t t;
	int rc = 0;

	if (s->code == NULL || *s->code == '\0')
		return errset(e, EX_USAGE, _("CODE is required"));
	if (field_event_time(e, "--at", s->at, ctx->now, &t) != 0)
		return -1;
	memset(&b, 0, sizeof b);
	l = ledger_open(&events_def, ctx->data);
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	fold_books(ctx, &b, 0, &(struct matters){ .code = s->code }, NULL,
	    NULL);
	c = complaint_find(&b, s->code);
	if (c == NULL)
		rc = errset(e, EX_NOINPUT, _("no complaint or request %.40s"),
		    s->code);
	else {
		time_t was = c->closed;

		if (closed_ok)
			c->closed = 0;
		rc = complaint_check_step(ctx, c, s, v, cost, until, e);
		c->closed = was;
	}
	if (rc == 0) {
		snprintf(id, 16, "E%06ld", ledger_add(tx, t, s->by ? s->by :
		    ctx->user, ctx->now, v));
		ledger_commit(tx);
	} else
		ledger_rollback(tx);
	ledger_close(l);
	complaint_book_free(&b);
	return rc;
}

int
complaint_record(struct pm_ctx *ctx, const struct complaint_step *s,
    char *id, struct pm_err *e)
{
	if (strcmp(s->step, "reopen") == 0)
		return errset(e, EX_USAGE, _("a complaint is reopened by a "
		    "failed return visit (pm-visit review)"));
	return record_step(ctx, s, 0, id, e);
}

int
complaint_reopen(struct pm_ctx *ctx, const char *code, const char *reason,
    const char *by, char *id, struct pm_err *e)
{
	struct complaint_step s;

	memset(&s, 0, sizeof s);
	s.step = "reopen";
	s.code = code;
	s.reason = reason;
	s.by = by;	/* who failed the visit, not the clerk at the keyboard */
	return record_step(ctx, &s, 1, id, e);
}

/* ---- archiving ------------------------------------------------------------------------------ */

/* What archiving knows of the matters: the closed ones' months. */
struct closings {
	struct complaint_book open;	/* and those not let go */
	struct codeset closed;
};

static long
closed_month(const struct ledger *l, const struct row *r, void *arg)
{
	struct closings *cl = arg;
	const char *code = row_get(l, r, "code");
	struct complaint *c = complaint_find(&cl->open, code);
	const struct coded *gone = codeset_get(&cl->closed, code);

	if (c != NULL)
		return c->closed ? clock_month_key(c->closed) : -1;
	return gone != NULL ? gone->month : -1;
}

long
complaint_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg)
{
	const struct ledger_def *const defs[] = { &complaints_def,
		&requests_def, &events_def };
	struct ledger *l[3];
	struct ledger_tx *tx[3];
	struct closings cl;
	struct matters all;
	long moved = 0;
	int k;

	/* all three locked before reading: no step can slip in between */
	for (k = 0; k < 3; k++) {
		l[k] = ledger_open(defs[k], ctx->data);
		tx[k] = ledger_exists(l[k]) ? ledger_begin(l[k],
		    ctx->conf.lock_timeout) : NULL;
	}
	memset(&cl, 0, sizeof cl);
	memset(&all, 0, sizeof all);
	all.closed = &cl.closed;
	read_books(ctx, 0, 0, &all, &cl.open);
	for (k = 0; k < 3; k++) {
		if (tx[k] != NULL)
			moved += ledger_archive(tx[k], before, closed_month, &cl,
			    dry_run, report, rarg, ctx->now, ctx->user);
		ledger_close(l[k]);
	}
	complaint_book_free(&cl.open);
	free(cl.closed.v);
	return moved;
}

/* The index's entries for month, book by book (month 0: none). */
static int
marks_of_month(struct pm_ctx *ctx, long month, struct ledger_mark *m,
    long *months, int *nmonths)
{
	struct ledger_mark v[LEDGER_MARKS_KEPT];
	int k, i, j, n, found = 0;

	for (k = 0; k < 3; k++) {
		struct ledger *l = ledger_open(book_defs[k], ctx->data);

		memset(&m[k], 0, sizeof m[k]);
		n = ledger_marks(l, v, LEDGER_MARKS_KEPT);
		for (i = 0; i < n; i++) {
			if (v[i].month == month)
				m[k] = v[i], found = 1;
			for (j = 0; months && j < *nmonths; j++)
				if (months[j] == v[i].month)
					break;
			if (months && j == *nmonths && *nmonths < 24)
				months[(*nmonths)++] = v[i].month;
		}
		ledger_close(l);
	}
	return found;
}

/*
 * The month index against the books: an entry may start before the
 * first row its month needs (it was kept earlier), never after, unless
 * a matter reopened since is read past it (then it is stale: dropped).
 * An entry after such a row would hide matters from the month's figures.
 */
static int
verify_marks(struct pm_ctx *ctx, FILE *out, struct pm_err *e)
{
	struct ledger_mark stored[3], fresh[3];
	struct complaint_book b;
	long months[24];
	int nmonths = 0, i, k, late;

	marks_of_month(ctx, 0, stored, months, &nmonths);
	for (i = 0; i < nmonths; i++) {
		marks_of_month(ctx, months[i], stored, NULL, NULL);
		memset(&b, 0, sizeof b);
		fold_books(ctx, &b, months[i], NULL, NULL, fresh);
		complaint_book_free(&b);
		for (k = late = 0; k < 3; k++)
			if (!late && stored[k].month && fresh[k].month &&
			    stored[k].seq + stored[k].past > fresh[k].seq +
			    fresh[k].past)
				late = k + 1;
		if (!late)
			continue;
		if (fold_books(ctx, &b, months[i], NULL, stored, NULL) > 0) {
			complaint_book_free(&b);
			warnmsg(_("%s.idx: the month index of %04ld-%02ld is out "
			    "of date (a matter closed before it was reopened); "
			    "dropped, the next read keeps it again"),
			    book_defs[late - 1]->name, months[i] / 12,
			    months[i] % 12 + 1);
			for (k = 0; k < 3; k++) {
				struct ledger *l = ledger_open(book_defs[k],
				    ctx->data);

				ledger_mark_drop(l);
				ledger_close(l);
			}
			return 0;
		}
		complaint_book_free(&b);
		return errset(e, EX_DATAERR, _("%s.idx: the month index of "
		    "%04ld-%02ld starts at row %ld, after row %ld, which that "
		    "month still needs: it would hide matters from the month "
		    "(changed by hand?)"), book_defs[late - 1]->name,
		    months[i] / 12, months[i] % 12 + 1, stored[late - 1].seq,
		    fresh[late - 1].seq);
	}
	if (nmonths > 0)
		fprintf(out, _("month index checked against the books (%d "
		    "months)\n"), nmonths);
	return 0;
}

int
complaint_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e)
{
	const struct ledger_def *const defs[] = { &complaints_def, &requests_def, &events_def, NULL };

	if (ledger_verify_books(ctx->data, defs, out, e) != 0)
		return -1;
	return verify_marks(ctx, out, e);
}
