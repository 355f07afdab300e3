/*
 * compstats.c - what the complaint books say of time: each matter's
 * deadlines (SPEC 2.1), met, late or pending, the breaches the alerts
 * tell, and a month's figures (SPEC 2.6) -- all read from the fold of
 * complaint.c, none of it written.
 */
#include <limits.h>
#include <string.h>

#include "complaint_priv.h"

/* ---- deadlines ---------------------------------------------------------------------- */

static time_t
step_time(const struct complaint *c, const char *step)
{
	if (strcmp(step, "forward") == 0)
		return c->forwarded;
	if (strcmp(step, "ack") == 0)
		return c->acked;
	if (strcmp(step, "report") == 0)
		return c->reported;
	if (strcmp(step, "reply") == 0)
		return c->replied;
	if (strcmp(step, "resolve") == 0)
		return c->resolved ? c->resolved : (c->unresolvable ? c->closed : 0);
	if (strcmp(step, "notify") == 0)
		return c->notified;
	return 0;
}

size_t
complaint_deadlines(const struct complaint *c, time_t now,
    struct complaint_deadline *out)
{
	size_t i, n = 0;

	for (i = 0; i < complaint_nrules; i++) {
		const struct complaint_rule *r = &complaint_rules[i];
		struct complaint_deadline *d;
		time_t start;

		if (strcmp(r->kind, c->kind) != 0 || (*r->importance &&
		    strchr(r->importance, c->importance[0]) == NULL) ||
		    (r->type != NULL && strcmp(r->type, c->type) != 0))
			continue;
		if (strcmp(r->deadline, "ack") == 0 &&
		    !complaint_in_list(c->channel, complaint_written_channels))
			continue;
		if (strcmp(r->deadline, "company") == 0 &&
		    c->cosigners < COSIGNED_MAJOR)
			continue;
		/* reopened, it goes back to whoever handled it: no new passing */
		if (strcmp(r->deadline, "forward") == 0 && c->reopened)
			continue;
		start = strcmp(r->starts, "registered") == 0 ? c->registered :
		    strcmp(r->starts, "opened") == 0 ? c->started : c->resolved;
		if (start == 0 || n == COMPLAINT_DEADLINES_MAX)
			continue;
		d = &out[n++];
		d->rule = r;
		d->due = r->seconds ? start + r->seconds :
		    clock_add_days(clock_day_start(start), 1);
		/* SPEC 2.1: by the time agreed; handling by an extension */
		if (r->agreed && c->requested_by)
			d->due = c->requested_by;
		if (strcmp(r->deadline, "handle") == 0 && c->until)
			d->due = c->until;
		d->met = step_time(c, r->met_by);
		if (d->met)
			d->state = d->met <= d->due ? "met" : "late";
		else if (c->closed)
			d->state = "missed";
		else
			d->state = now > d->due ? "overdue" : "pending";
	}
	return n;
}

size_t
complaint_past_rounds(const struct complaint *c,
    struct complaint_deadline *out)
{
	const struct complaint_rule *r = NULL;
	size_t i, n = 0;
	int k;

	for (i = 0; i < complaint_nrules && r == NULL; i++)
		if (strcmp(complaint_rules[i].deadline, "handle") == 0 &&
		    strcmp(complaint_rules[i].kind, c->kind) == 0 &&
		    strchr(complaint_rules[i].importance, c->importance[0]))
			r = &complaint_rules[i];
	if (r == NULL || strcmp(c->kind, "complaint") != 0)
		return 0;
	for (k = 0; k < c->reopened && k < (int)(sizeof c->round_start /
	    sizeof c->round_start[0]) && n < COMPLAINT_DEADLINES_MAX; k++) {
		struct complaint_deadline *d = &out[n++];

		d->rule = r;
		d->due = c->round_start[k] + r->seconds;
		if (r->agreed && c->requested_by)
			d->due = c->requested_by;
		if (c->round_until[k])
			d->due = c->round_until[k];
		d->met = k < c->nhandled ? c->handled[k] : 0;
		d->state = d->met == 0 ? "missed" : d->met <= d->due ? "met" :
		    "late";
	}
	return n;
}

/* SPEC 3: the person pm.conf names for a role of the rules, or NULL. */
const char *
complaint_escalate_name(const struct conf *conf, const struct complaint_rule *r)
{
	if (strcmp(r->escalate_to, "manager") == 0)
		return conf->manager;
	return conf->nsupervisors ? conf->supervisors[0] : NULL;
}

int
complaint_breaches(struct pm_ctx *ctx, breach_fn fn, void *arg,
    struct pm_err *e)
{
	struct complaint_book b;
	size_t i, k, n;

	/* SPEC 2.1: every open matter is live; closed ones are not overdue */
	if (complaint_read_since(ctx, 0, LONG_MAX, &b, e) != 0)
		return -1;
	for (i = 0; i < b.n; i++) {
		struct complaint_deadline d[COMPLAINT_DEADLINES_MAX];
		const struct complaint *c = &b.v[i];

		if (c->closed)
			continue;
		n = complaint_deadlines(c, ctx->now, d);
		for (k = 0; k < n; k++) {
			const char *name = complaint_escalate_name(&ctx->conf,
			    d[k].rule);
			struct pm_breach br = { "complaints", c->code, c->unit,
				d[k].rule->deadline, d[k].due,
				d[k].rule->escalate_to, name ? name : "",
				d[k].rule->what };

			if (strcmp(d[k].state, "overdue") == 0)
				fn(&br, arg);
		}
	}
	complaint_book_free(&b);
	return 0;
}

/* ---- statistics --------------------------------------------------------------------------- */

/* A request of the month by its type's standard (SPEC 2.1). */
static void
request_stats(struct complaint_stats *st, const struct complaint *c,
    time_t to)
{
	struct complaint_deadline d[COMPLAINT_DEADLINES_MAX];
	size_t n, k, t;

	st->requests++;
	for (t = 0; complaint_request_types[t] &&
	    strcmp(complaint_request_types[t], c->type) != 0; t++)
		;
	if (complaint_request_types[t] == NULL)
		return;
	st->rq_registered[t]++;
	n = complaint_deadlines(c, to, d);
	for (k = 0; k < n; k++)
		if (d[k].rule->type != NULL && d[k].met && d[k].met < to) {
			st->rq_answered[t]++;
			st->rq_on_time[t] += d[k].met <= d[k].due;
		}
}

int
complaint_stats(struct pm_ctx *ctx, const char *month,
    struct complaint_stats *st, struct pm_err *e)
{
	struct complaint_book b;
	int y, m, rc;

	memset(st, 0, sizeof *st);
	if (month == NULL || clock_parse_month(month, &y, &m) != 0)
		return errset(e, EX_DATAERR, _("--month: expected YYYY-MM, got "
		    "\"%.20s\""), month ? month : "");
	/*
	 * Every complaint the month counts was closed in it or later (or is
	 * open): the volumes from this month on, not the whole history.
	 */
	complaint_read_since(ctx, 0, (long)y * 12 + m - 1, &b, e);
	rc = complaint_stats_in(ctx, &b, y, m, st);
	complaint_book_free(&b);
	return rc;
}

/* The month's statistics from a book read since that month or before. */
int
complaint_stats_in(struct pm_ctx *ctx, const struct complaint_book *b,
    int year, int month, struct complaint_stats *st)
{
	time_t from, to;
	size_t i, k;

	memset(st, 0, sizeof *st);
	st->year = year;
	st->month = month;
	from = clock_month_start(st->year, st->month);
	to = clock_month_end(st->year, st->month);
	for (i = 0; i < b->n; i++) {
		const struct complaint *c = &b->v[i];
		struct complaint_deadline d[COMPLAINT_DEADLINES_MAX];
		size_t n;

		if (strcmp(c->kind, "request") == 0) {
			if (c->registered >= from && c->registered < to)
				request_stats(st, c, to);
			continue;
		}
		if (c->registered >= from && c->registered < to) {
			st->total++;
			for (k = 0; complaint_importances[k]; k++)
				if (strcmp(c->importance, complaint_importances[k])
				    == 0)
					st->by_importance[k]++;
			for (k = 0; complaint_categories[k]; k++)
				if (strcmp(c->category, complaint_categories[k])
				    == 0)
					st->by_category[k]++;
		}
		/* open items carried into next month */
		if (c->registered < to && (!c->resolved || c->resolved >= to))
			st->open_carried++;
		/* SPEC 2.1: the rates count the complaints handled in the month */
		if (c->resolved >= from && c->resolved < to) {
			st->handled++;
			n = complaint_deadlines(c, to, d);
			for (k = 0; k < n; k++)
				if (strcmp(d[k].rule->deadline, "handle") == 0 &&
				    strcmp(d[k].state, "met") == 0)
					st->timely++;
			if (*c->valid) {
				st->reviewed++;
				if (strcmp(c->valid, "yes") == 0)
					st->valid++;
			}
		}
	}
	st->timely_rate = st->handled ? (double)st->timely / st->handled : -1;
	st->valid_rate = st->reviewed ? (double)st->valid / st->reviewed : -1;
	st->complaint_rate = ctx->conf.households ?
	    (double)st->total / ctx->conf.households : -1;
	return 0;
}
