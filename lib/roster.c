/*
 * roster.c - the duty roster (值班安排表, SPEC 2.3): prepared by the end
 * of each month for the next, read back for any day and shift, and a
 * swap approved by the supervisor before it happens.  The roster's own
 * book; the log and the handover are duty.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "duty_priv.h"

/* ---- the book ------------------------------------------------------------- */

static const char *const roster_cols[] = { "month", "kind", "date", "staff",
	"from_staff", "approved_by", "schedule", NULL };
const struct ledger_def duty_roster_def = { "duty_roster", roster_cols,
	0640, 3 };
enum { S_MONTH, S_KIND, S_DATE, S_STAFF, S_FROM, S_APPROVED, S_SCHEDULE,
	S_NCOLS };

/* ---- the roster ------------------------------------------------------------ */

struct roster_fold {
	int col[S_NCOLS];
	struct duty_roster *r;
	const char *month;
};

static void
load_schedule(struct duty_roster *r, const char *schedule)
{
	const char *p = schedule;
	struct pm_err e;

	memset(r->day, 0, sizeof r->day);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[512];
		int d;

		snprintf(line, sizeof line, "%.*s", (int)len, p);
		if (len > 11 && line[10] == '=') {
			d = atoi(line + 8);
			if (d >= 1 && d <= r->ndays) {
				struct duty_roster_day *day = &r->day[d - 1];

				snprintf(day->date, sizeof day->date, "%.10s", line);
				day->nstaff = split_staff(line + 11, day->staff,
				    DUTY_STAFF_MAX, "staff", &e);
				if (day->nstaff < 0)
					day->nstaff = 0;
			}
		}
		p += len + (nl != NULL);
	}
}

static int
fold_roster(const struct row *row, void *arg)
{
	struct roster_fold *f = arg;
	struct duty_roster *r = f->r;
	const char *kind = COL(row, f->col, S_KIND);

	if (strcmp(COL(row, f->col, S_MONTH), f->month) != 0)
		return 0;
	if (strcmp(kind, "roster") == 0) {
		load_schedule(r, COL(row, f->col, S_SCHEDULE));
		r->found = 1;
	} else if (strcmp(kind, "swap") == 0 && r->found) {
		int d = atoi(COL(row, f->col, S_DATE) + 8), i;
		struct duty_roster_day *day;

		if (d < 1 || d > r->ndays)
			return 0;
		day = &r->day[d - 1];
		for (i = 0; i < day->nstaff; i++)
			if (strcmp(day->staff[i],
			    COL(row, f->col, S_FROM)) == 0) {
				snprintf(day->staff[i], sizeof day->staff[i],
				    "%s", COL(row, f->col, S_STAFF));
				day->swapped = 1;
			}
	}
	return 0;
}

static int
roster_load(struct pm_ctx *ctx, struct ledger *l, int year, int month,
    struct duty_roster *r)
{
	struct roster_fold f;
	char m[8];

	memset(r, 0, sizeof *r);
	r->year = year;
	r->month = month;
	r->ndays = clock_days_in_month(year, month);
	snprintf(m, sizeof m, "%04d-%02d", year, month);
	cols_find(l, roster_cols, f.col, 0);
	f.r = r;
	f.month = m;
	(void)ctx;
	return ledger_scan(l, fold_roster, &f);
}

int
duty_roster_get(struct pm_ctx *ctx, const char *month, struct duty_roster *r,
    struct pm_err *e)
{
	struct ledger *l;
	int y, m;

	if (month == NULL) {
		char today[11];

		clock_format_date(ctx->now, today);
		y = atoi(today);
		m = atoi(today + 5);
	} else if (clock_parse_month(month, &y, &m) != 0)
		return errset(e, EX_DATAERR, _("--month: expected YYYY-MM, got "
		    "\"%s\""), month);
	l = open_book(ctx, &duty_roster_def);
	roster_load(ctx, l, y, m, r);
	ledger_close(l);
	if (!r->found)
		return errset(e, EX_NOINPUT, _("no roster for %04d-%02d (set it "
		    "with pm-duty roster set --month %04d-%02d FILE)"), y, m, y,
		    m);
	return 0;
}

/* One line of a roster file, date,staff, into r: the problems found. */
static int
roster_row(struct duty_roster *r, const char *mstr, const struct row *row)
{
	int d, i, k, errors = 0;
	struct pm_err fe;
	time_t t;
	int timed = 0, n;
	char names[DUTY_STAFF_MAX][FIELD_NAME_MAX * 4 + 1];

	if (row->line == 1 && row->n >= 1 && strcmp(row->f[0], "date") == 0)
		return 0;	/* a header row */
	if (row->n < 2) {
		warnmsg(_("line %ld: expected date,staff"), row->line);
		return 1;
	}
	if (clock_parse(row->f[0], &t, &timed) != 0 || timed ||
	    strncmp(row->f[0], mstr, 7) != 0) {
		warnmsg(_("line %ld: date: expected a day of %s, got "
		    "\"%.20s\""), row->line, mstr, row->f[0]);
		return 1;
	}
	d = atoi(row->f[0] + 8);
	n = split_staff(row->f[1], names, DUTY_STAFF_MAX, "staff", &fe);
	if (n <= 0) {
		if (n == 0)
			errset(&fe, EX_DATAERR, _("staff: no one named"));
		warnmsg(_("line %ld: %s"), row->line, fe.msg);
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct duty_roster_day *day = &r->day[d - 1];

		for (k = 0; k < day->nstaff; k++)
			if (strcmp(day->staff[k], names[i]) == 0)
				break;
		if (k < day->nstaff || day->nstaff == DUTY_STAFF_MAX) {
			warnmsg(_("line %ld: staff: %s is on %s twice, or "
			    "too many people that day"), row->line,
			    names[i], row->f[0]);
			errors++;
			continue;
		}
		snprintf(day->date, sizeof day->date, "%s", row->f[0]);
		snprintf(day->staff[day->nstaff++], sizeof day->staff[0],
		    "%.160s", names[i]);
	}
	return errors;
}

int
duty_roster_set(struct pm_ctx *ctx, const char *month, const char *file,
    const char *encoding, char *id, struct pm_err *e)
{
	struct duty_roster r, old;
	struct import_src *src;
	struct row row;
	struct buf sched = { 0 };
	struct ledger_tx *tx;
	struct ledger *l;
	char mstr[8];
	int y, m, rc, d, i, errors = 0;
	const char *vals[S_NCOLS + 1] = { 0 };

	if (month == NULL || clock_parse_month(month, &y, &m) != 0)
		return errset(e, EX_DATAERR, _("--month: expected YYYY-MM, got "
		    "\"%s\""), month ? month : "");
	snprintf(mstr, sizeof mstr, "%04d-%02d", y, m);
	memset(&r, 0, sizeof r);
	r.year = y;
	r.month = m;
	r.ndays = clock_days_in_month(y, m);
	src = import_open(file, encoding, e);
	if (src == NULL)
		return -1;
	while ((rc = import_next(src, &row, e)) == 1)
		errors += roster_row(&r, mstr, &row);
	import_close(src);
	if (rc < 0)
		return -1;
	for (d = 1; d <= r.ndays; d++)
		if (r.day[d - 1].nstaff == 0) {
			warnmsg(_("%s-%02d: no one on duty"), mstr, d);
			errors++;
		}
	if (errors)
		return errset(e, EX_DATAERR, _("%s: %d problems in the roster "
		    "(SPEC 2.3: every day of the month has someone on duty); "
		    "nothing was recorded"), file, errors);
	for (d = 1; d <= r.ndays; d++) {
		buf_addf(&sched, "%s%s=", d > 1 ? "\n" : "", r.day[d - 1].date);
		for (i = 0; i < r.day[d - 1].nstaff; i++)
			buf_addf(&sched, "%s%s", i ? "、" : "",
			    r.day[d - 1].staff[i]);
	}
	l = open_book(ctx, &duty_roster_def);
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	roster_load(ctx, l, y, m, &old);
	/* SPEC 2.3: prepared by the end of the month before; after that, swaps. */
	if (old.found && ctx->now >= clock_month_start(y, m)) {
		ledger_rollback(tx);
		ledger_close(l);
		buf_free(&sched);
		return errset(e, EX_DATAERR, _("--month: the roster of %s is in "
		    "force; change it with pm-duty swap --approved-by "
		    "(SPEC 2.3)"), mstr);
	}
	if (ctx->now >= clock_month_start(y, m))
		warnmsg(_("the roster of %s is late: it is due by the end of "
		    "the month before"), mstr);
	vals[S_MONTH] = mstr;
	vals[S_KIND] = "roster";
	vals[S_SCHEDULE] = sched.s;
	snprintf(id, DUTY_ID_MAX, "S%06ld", ledger_add(tx, ctx->now, ctx->user,
	    ctx->now, vals));
	ledger_commit(tx);
	ledger_close(l);
	buf_free(&sched);
	return 0;
}

int
duty_shift_date(const struct conf *c, time_t t, time_t *date)
{
	time_t day = clock_day_start(t), cand;
	int k, overnight = c->duty_end <= c->duty_start;

	for (k = 0; k >= -1; k--) {
		time_t from, to;

		cand = clock_add_days(day, k);
		if (conf_is_holiday(c, cand)) {
			/* SPEC 2.3: holidays are on 24-hour duty. */
			from = cand + (overnight ? c->duty_end * 60L : 0);
			to = clock_add_days(cand, 1) + (overnight ?
			    c->duty_end * 60L : 0);
		} else {
			from = cand + c->duty_start * 60L;
			to = (overnight ? clock_add_days(cand, 1) : cand) +
			    c->duty_end * 60L;
		}
		if (t >= from && t < to) {
			*date = cand;
			return 1;
		}
	}
	return 0;
}

int
duty_who(struct pm_ctx *ctx, const char *at, char date[11],
    struct duty_roster_day *day, struct pm_err *e)
{
	struct duty_roster r;
	char month[8];
	time_t t, d;

	if (at == NULL)
		t = ctx->now;
	else if (field_date(e, "--at", at, &t) != 0)
		return -1;
	if (!duty_shift_date(&ctx->conf, t, &d))
		return 0;
	clock_format_date(d, date);
	snprintf(month, sizeof month, "%.7s", date);
	if (duty_roster_get(ctx, month, &r, e) != 0)
		return -1;
	*day = r.day[atoi(date + 8) - 1];
	return 1;
}

int
duty_swap(struct pm_ctx *ctx, const char *date, const char *from,
    const char *to, const char *approved_by, char *id, struct pm_err *e)
{
	struct duty_roster r;
	struct duty_roster_day *day;
	struct ledger_tx *tx;
	struct ledger *l;
	char day_s[11], month[8];
	time_t t, starts;
	int timed = 0, i, rc = 0;
	const char *vals[S_NCOLS + 1] = { 0 };

	if (date == NULL || clock_parse(date, &t, &timed) != 0 || timed)
		return errset(e, EX_DATAERR, _("--date: expected a real date "
		    "YYYY-MM-DD, got \"%s\""), date ? date : "");
	if (field_name(e, "--from", from) != 0 ||
	    field_name(e, "--to", to) != 0 ||
	    check_approver(ctx, "--approved-by", approved_by, e) != 0)
		return -1;
	if (strcmp(from, to) == 0)
		return errset(e, EX_DATAERR, _("--to: a swap needs two people"));
	clock_format_date(t, day_s);
	snprintf(month, sizeof month, "%.7s", day_s);
	starts = conf_is_holiday(&ctx->conf, t) ? t : t +
	    ctx->conf.duty_start * 60L;
	if (ctx->now >= starts)
		return errset(e, EX_DATAERR, _("--date: the duty of %s has "
		    "begun; a swap is approved before it happens (SPEC 2.3)"),
		    day_s);
	l = open_book(ctx, &duty_roster_def);
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	roster_load(ctx, l, atoi(day_s), atoi(day_s + 5), &r);
	if (!r.found) {
		rc = errset(e, EX_NOINPUT, _("no roster for %s (set it with "
		    "pm-duty roster set --month %s FILE)"), month, month);
		goto out;
	}
	day = &r.day[atoi(day_s + 8) - 1];
	for (i = 0; i < day->nstaff; i++)
		if (strcmp(day->staff[i], to) == 0) {
			rc = errset(e, EX_DATAERR, _("--to: %s is already on "
			    "duty on %s"), to, day_s);
			goto out;
		}
	for (i = 0; i < day->nstaff; i++)
		if (strcmp(day->staff[i], from) == 0)
			break;
	if (i == day->nstaff) {
		rc = errset(e, EX_DATAERR, _("--from: %s is not on duty on %s"),
		    from, day_s);
		goto out;
	}
	vals[S_MONTH] = month;
	vals[S_KIND] = "swap";
	vals[S_DATE] = day_s;
	vals[S_STAFF] = to;
	vals[S_FROM] = from;
	vals[S_APPROVED] = approved_by;
	snprintf(id, DUTY_ID_MAX, "S%06ld", ledger_add(tx, ctx->now, ctx->user,
	    ctx->now, vals));
out:
	/* the swap is written whole, or not at all */
	if (rc == 0)
		ledger_commit(tx);
	else
		ledger_rollback(tx);
	ledger_close(l);
	return rc;
}

