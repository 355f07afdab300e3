/*
 * check.c - the supervisor's daily check of the complaint and request
 * registers (SPEC 2.1).  See check.h.
 */
#include <string.h>

#include "check.h"
#include "complaint.h"

struct found {
	const char *day;
	struct anchor a;
	int n;
};

static int
find_check(const struct anchor *a, void *arg)
{
	struct found *f = arg;

	if (strcmp(a->ledger, complaint_book_defs[0]->name) == 0 &&
	    strncmp(a->reason, "check", 5) == 0 &&
	    (a->reason[5] == '\0' || strcmp(a->reason + 5, "+ssh") == 0) &&
	    (f->day == NULL || strcmp(a->subject, f->day) == 0) && f->n++ == 0)
		f->a = *a;
	return 0;
}

/* The day a check is of: given, else yesterday; never one not over. */
static int
check_day(struct pm_ctx *ctx, const char *date, char day[11],
    struct pm_err *e)
{
	time_t t;
	int over = field_day_over(e, date, ctx->now, &t);

	if (over > 0)
		return errset(e, EX_DATAERR, _("--date: the registers of %s are "
		    "not closed; they are checked when the day is over (SPEC "
		    "2.1)"), date ? date : "today");
	if (over == 0)
		clock_format_date(t, day);
	return over ? -1 : 0;
}

/* The heads of the three books, anchored all or none; the first's ID. */
static int
anchor_books(struct pm_ctx *ctx, const char *day, const char *by,
    const char *key, char *id, struct pm_err *e)
{
	struct ledger *l[3];
	struct ledger_tx *tx[3];
	int k, rc = 0;

	for (k = 0; k < 3; k++) {
		l[k] = ledger_open(complaint_book_defs[k], ctx->data);
		tx[k] = ledger_begin(l[k], ctx->conf.lock_timeout);
	}
	for (k = 0; k < 3 && rc == 0 && key != NULL; k++)
		rc = sign_head(ctx->data, tx[k], "check", day, ctx->now, by, key,
		    e);
	for (k = 0; k < 3; k++) {
		if (rc == 0) {
			long a = ledger_anchor(tx[k], ctx->data, key ? "check+ssh" :
			    "check", day, ctx->now, by);

			if (k == 0)
				snprintf(id, CHECK_ID_MAX, "A%06ld", a);
			ledger_commit(tx[k]);
		} else
			ledger_rollback(tx[k]);
		ledger_close(l[k]);
	}
	return rc;
}

int
check_registers(struct pm_ctx *ctx, const char *by, const char *date,
    const char *key, char *id, struct pm_err *e)
{
	struct found f = { NULL, { { 0 } }, 0 };
	char day[11];

	if (field_name(e, "--by", by) != 0)
		return -1;
	if (!conf_is_supervisor(&ctx->conf, by))
		return errset(e, EX_DATAERR, _("--by: %s is not a supervisor "
		    "(pm.conf: supervisors); only a supervisor or the manager "
		    "checks the registers (SPEC 2.1)"), by);
	if (key == NULL && ctx->conf.require_signed)
		return errset(e, EX_DATAERR, _("check: pm.conf requires signed "
		    "reviews (require_signed_reviews): --sign with the "
		    "supervisor's SSH key"));
	if (check_day(ctx, date, day, e) != 0)
		return -1;
	f.day = day;
	anchors_scan(ctx->data, find_check, &f);
	if (f.n)
		return errset(e, EX_DATAERR, _("--date: the registers of %s were "
		    "already checked by %s at %s"), day, f.a.by, f.a.at);
	return anchor_books(ctx, day, by, key, id, e);
}

int
check_missing(struct pm_ctx *ctx, time_t day, int ndays, char (*days)[11])
{
	int i, n = 0;

	for (i = ndays; i >= 1; i--) {
		struct found f = { NULL, { { 0 } }, 0 };
		char d[11];

		clock_format_date(clock_add_days(clock_day_start(day), -i), d);
		f.day = d;
		anchors_scan(ctx->data, find_check, &f);
		if (f.n == 0)
			memcpy(days[n++], d, sizeof d);
	}
	return n;
}
