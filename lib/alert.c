/*
 * alert.c - deadlines that reach people (SPEC 2.10).  See alert.h for
 * the book and the calling sequence of a run.
 *
 * Sections: the sources (one line a form), the list, reading the book,
 * a run, the day's alerts for the duty report.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "complaint.h"
#include "desk.h"
#include "fee.h"
#include "key.h"
#include "reno.h"
#include "visit.h"

/* Every form with deadlines: adding one here is all a new form needs. */
const struct alert_source alert_sources[] = {
	{ "complaints", complaint_breaches },
	{ "keys", key_breaches },
	{ "visits", visit_breaches },
	{ "desk", desk_breaches },
	{ "fees", fee_breaches },
	{ "renovations", reno_breaches },
};
const size_t alert_nsources = sizeof alert_sources / sizeof alert_sources[0];

enum { A_EVENT, A_RUN, A_BOOK, A_ID, A_UNIT, A_DEADLINE, A_DUE_AT,
	A_ESCALATE_TO, A_ESCALATE_NAME, A_WHAT, A_NCOLS };
static const char *const alert_cols[] = { "event", "run", "book", "id",
	"unit", "deadline", "due_at", "escalate_to", "escalate_name", "what",
	NULL };
static const struct ledger_def alerts_def = { "alerts", alert_cols, 0640 };

/* ---- the list ------------------------------------------------------------------ */

static struct alert *
list_push(struct alert_list *l)
{
	struct alert *a;

	GROW(l->v, l->n + 1, l->cap);
	a = &l->v[l->n++];
	memset(a, 0, sizeof *a);
	return a;
}

static void
alert_free(struct alert *a)
{
	free(a->book);
	free(a->id);
	free(a->unit);
	free(a->deadline);
	free(a->escalate_to);
	free(a->escalate_name);
	free(a->what);
}

void
alert_list_free(struct alert_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		alert_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* A breach as the alert it becomes. */
static void
gather(const struct pm_breach *b, void *arg)
{
	struct alert *a = list_push(arg);

	a->book = xstrdup(b->book);
	a->id = xstrdup(b->id);
	a->unit = xstrdup(b->unit ? b->unit : "");
	a->deadline = xstrdup(b->deadline);
	a->escalate_to = xstrdup(b->escalate_to ? b->escalate_to : "");
	a->escalate_name = xstrdup(b->escalate_name ? b->escalate_name : "");
	a->what = xstrdup(b->what ? b->what : "");
	clock_format(b->due, a->due_at);
}

/* What makes a breach the same breach: a reopened matter's is new. */
static int
key_cmp(const struct alert *a, const char *book, const char *id,
    const char *deadline, const char *due_at)
{
	int c;

	if ((c = strcmp(a->book, book)) != 0 || (c = strcmp(a->id, id)) != 0 ||
	    (c = strcmp(a->deadline, deadline)) != 0)
		return c;
	return strcmp(a->due_at, due_at);
}

static int
alert_key_order(const void *x, const void *y)
{
	const struct alert *b = y;

	return key_cmp(x, b->book, b->id, b->deadline, b->due_at);
}

/* For a person: by whom to tell, then when it passed. */
static int
alert_tell_order(const void *x, const void *y)
{
	const struct alert *a = x, *b = y;
	int c;

	if ((c = strcmp(a->escalate_to, b->escalate_to)) != 0 ||
	    (c = strcmp(a->escalate_name, b->escalate_name)) != 0 ||
	    (c = strcmp(a->due_at, b->due_at)) != 0)
		return c;
	return alert_key_order(a, b);
}

static int
gather_all(struct pm_ctx *ctx, struct alert_list *now, struct pm_err *e)
{
	size_t i;

	memset(now, 0, sizeof *now);
	for (i = 0; i < alert_nsources; i++)
		if (alert_sources[i].breaches(ctx, gather, now, e) != 0) {
			alert_list_free(now);
			return -1;
		}
	if (now->n > 1)
		qsort(now->v, now->n, sizeof *now->v, alert_key_order);
	return 0;
}

/* ---- reading the book ---------------------------------------------------------- */

struct reading {
	const struct ledger *l;
	struct alert_list *now;		/* sorted by key: marked when alerted */
	char *alerted;			/* one flag a breach of now */
	struct alert_list unsent;	/* alert rows whose run was not sent */
	time_t from, to;		/* alert_read: the period asked */
	struct alert_list *period;
};

static struct alert *
find_now(struct reading *rd, const struct row *r)
{
	const char *book = row_get(rd->l, r, "book"), *id = row_get(rd->l, r,
	    "id"), *dl = row_get(rd->l, r, "deadline"), *due = row_get(rd->l,
	    r, "due_at");
	size_t lo = 0, hi = rd->now->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = key_cmp(&rd->now->v[mid], book, id, dl, due);

		if (c == 0)
			return &rd->now->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void
row_alert(const struct ledger *l, const struct row *r, struct alert *a)
{
	a->book = xstrdup(row_get(l, r, "book"));
	a->id = xstrdup(row_get(l, r, "id"));
	a->unit = xstrdup(row_get(l, r, "unit"));
	a->deadline = xstrdup(row_get(l, r, "deadline"));
	a->escalate_to = xstrdup(row_get(l, r, "escalate_to"));
	a->escalate_name = xstrdup(row_get(l, r, "escalate_name"));
	a->what = xstrdup(row_get(l, r, "what"));
	snprintf(a->due_at, sizeof a->due_at, "%s", row_get(l, r, "due_at"));
	snprintf(a->alerted_at, sizeof a->alerted_at, "%s", row_get(l, r,
	    "written_at"));
	a->run = atol(row_get(l, r, "run"));
}

/* A sent row hands on every alert row of its run read so far. */
static void
drop_sent(struct alert_list *unsent, long run)
{
	size_t i, k = 0;

	for (i = 0; i < unsent->n; i++) {
		if (unsent->v[i].run == run)
			alert_free(&unsent->v[i]);
		else
			unsent->v[k++] = unsent->v[i];
	}
	unsent->n = k;
}

static int
read_row(const struct row *r, void *arg)
{
	struct reading *rd = arg;
	const char *event = row_get(rd->l, r, "event");
	struct alert *hit;

	if (strcmp(event, "sent") == 0) {
		drop_sent(&rd->unsent, atol(row_get(rd->l, r, "run")));
		return 0;
	}
	if (rd->now && (hit = find_now(rd, r)) != NULL)
		rd->alerted[hit - rd->now->v] = 1;
	if (rd->period) {
		time_t t;

		if (clock_parse(row_get(rd->l, r, "written_at"), &t, NULL) == 0 &&
		    t >= rd->from && t < rd->to)
			row_alert(rd->l, r, list_push(rd->period));
	} else
		row_alert(rd->l, r, list_push(&rd->unsent));
	return 0;
}

/* ---- a run --------------------------------------------------------------------- */

static void
add_row(struct ledger_tx *tx, struct pm_ctx *ctx, const char *event,
    long run, const struct alert *a)
{
	const char *vals[A_NCOLS];
	char runs[24];

	snprintf(runs, sizeof runs, "%ld", run);
	vals[A_EVENT] = event;
	vals[A_RUN] = runs;
	vals[A_BOOK] = a ? a->book : "";
	vals[A_ID] = a ? a->id : "";
	vals[A_UNIT] = a ? a->unit : "";
	vals[A_DEADLINE] = a ? a->deadline : "";
	vals[A_DUE_AT] = a ? a->due_at : "";
	vals[A_ESCALATE_TO] = a ? a->escalate_to : "";
	vals[A_ESCALATE_NAME] = a ? a->escalate_name : "";
	vals[A_WHAT] = a ? a->what : "";
	ledger_add(tx, ctx->now, ctx->user, ctx->now, vals);
}

/* Moves the breaches no alert row names yet onto tell, as run `run`. */
static void
take_new(struct alert_list *now, const char *alerted, long run,
    const char *at, struct alert_list *tell)
{
	size_t i;

	for (i = 0; i < now->n; i++) {
		struct alert *a;

		if (alerted[i]) {
			alert_free(&now->v[i]);
			continue;
		}
		a = list_push(tell);
		*a = now->v[i];
		a->run = run;
		snprintf(a->alerted_at, sizeof a->alerted_at, "%s", at);
	}
	now->n = 0;
}

/* Record the new ones (all or none), then hand the lot on, then sent. */
static long
record_and_tell(struct pm_ctx *ctx, struct ledger *l, struct reading *rd,
    alert_out_fn out, void *arg, struct pm_err *e)
{
	struct alert_list tell = rd->unsent;
	struct ledger_tx *tx;
	long run = 0, last = -1;
	size_t i, first = tell.n;
	char at[20];

	clock_format(ctx->now, at);
	memset(&rd->unsent, 0, sizeof rd->unsent);
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	run = ledger_tx_next_seq(tx);
	take_new(rd->now, rd->alerted, run, at, &tell);
	for (i = first; i < tell.n; i++)
		add_row(tx, ctx, "alert", run, &tell.v[i]);
	if (tell.n > first)
		ledger_commit(tx);
	else
		ledger_rollback(tx);
	if (tell.n == 0) {
		alert_list_free(&tell);
		return 0;
	}
	if (ledger_crash_point("alert-before-output"))
		raise(SIGKILL);
	/* the sent rows ready before the output, so only a write() follows */
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	qsort(tell.v, tell.n, sizeof *tell.v, alert_tell_order);
	for (i = 0; i < tell.n; i++)
		if (tell.v[i].run != last) {
			size_t k;

			for (k = 0; k < i; k++)
				if (tell.v[k].run == tell.v[i].run)
					break;
			if (k == i)
				add_row(tx, ctx, "sent", tell.v[i].run, NULL);
			last = tell.v[i].run;
		}
	if (out(&tell, arg) != 0) {
		ledger_rollback(tx);
		alert_list_free(&tell);
		return errset(e, EX_IOERR, _("alert: the output could not be "
		    "written; the next run tells these again"));
	}
	ledger_commit(tx);
	run = (long)tell.n;
	alert_list_free(&tell);
	return run;
}

long
alert_run(struct pm_ctx *ctx, alert_out_fn out, void *arg, struct pm_err *e)
{
	struct alert_list now;
	struct reading rd;
	struct ledger *l;
	long n;

	ledger_lock_job(ctx->data, "alerts.run", ctx->conf.lock_timeout);
	if (gather_all(ctx, &now, e) != 0)
		return -1;
	l = ledger_open(&alerts_def, ctx->data);
	memset(&rd, 0, sizeof rd);
	rd.l = l;
	rd.now = &now;
	rd.alerted = xcalloc(now.n + 1, 1);
	if (ledger_exists(l))
		ledger_scan(l, read_row, &rd);
	if (rd.unsent.n == 0 && memchr(rd.alerted, 0, now.n) == NULL)
		n = 0;		/* nothing new: nothing written, nothing said */
	else
		n = record_and_tell(ctx, l, &rd, out, arg, e);
	free(rd.alerted);
	alert_list_free(&rd.unsent);
	alert_list_free(&now);
	ledger_close(l);
	return n;
}

/* ---- the alerts of a period (--since, the duty report) -------------------------- */

int
alert_read(struct pm_ctx *ctx, time_t from, time_t to, struct alert_list *out,
    struct pm_err *e)
{
	struct alert_list now;
	struct reading rd;
	struct ledger *l;
	size_t i;

	memset(out, 0, sizeof *out);
	l = ledger_open(&alerts_def, ctx->data);
	memset(&rd, 0, sizeof rd);
	rd.l = l;
	rd.from = from;
	rd.to = to;
	rd.period = out;
	if (ledger_exists(l))
		ledger_scan(l, read_row, &rd);
	ledger_close(l);
	alert_list_free(&rd.unsent);
	if (out->n == 0)
		return 0;
	if (gather_all(ctx, &now, e) != 0)
		return -1;
	for (i = 0; i < out->n; i++) {
		struct alert *a = &out->v[i];

		a->open = now.n > 0 && bsearch(a, now.v, now.n, sizeof *now.v,
		    alert_key_order) != NULL;
	}
	alert_list_free(&now);
	qsort(out->v, out->n, sizeof *out->v, alert_tell_order);
	return 0;
}

int
alert_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e)
{
	const struct ledger_def *const defs[] = { &alerts_def, NULL };

	return ledger_verify_books(ctx->data, defs, out, e);
}
