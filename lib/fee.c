/*
 * fee.c - following up arrears (SPEC 2.9).  See fee.h for the book.
 *
 * Sections: the ladder (a table); reading the book; the next steps;
 * the snapshot import; the steps; the watch, the move out and the
 * deadlines; the 费用催缴通知单; the 5th's summary.
 */
#include <stdlib.h>
#include <string.h>

#include "fee.h"
#include "owner.h"

enum { F_EVENT, F_UNIT, F_FEE, F_AMOUNT, F_SINCE, F_HOW, F_RESULT,
	F_SIGNED, F_TRACKING, F_ADVISER, F_NCOLS };
static const char *const fee_cols[] = { "event", "unit", "fee", "amount",
	"since", "how", "result", "signed_by", "tracking", "adviser", NULL };
/* SPEC 2.9: kept permanently, as the owner archive. */
static const struct ledger_def fee_def = { "fees", fee_cols, 0640 };

const char *const fee_types[] = { "management", "water", "electricity",
	"parking", "other", NULL };
/* the names a Chinese billing system's export gives them */
static const char *const fee_names_zh[] = { "管理费", "水费", "电费",
	"停车费", "其他", NULL };

/* ---- the ladder (SPEC 2.9, seed 000, seed 002 §2.8.2) ----------------------------- */

/* large: -1 every client, 0 ordinary ones, 1 large clients */
const struct fee_rule fee_rules[] = {
	{ "contact", -1, 1, 0, 15, 0, 0, 0,
	    N_("owing over a month: a follow-up contact at least every 15 days") },
	{ "notice", -1, 1, 7, 0, 1, 0, 0,
	    N_("1 to 6 months: a written notice (费用催缴通知单) every month") },
	{ "letter", 0, 6, 0, 0, 6, 2, 0,
	    N_("from 6 months: a lawyer's letter every 6 months, twice") },
	{ "sue", 0, 18, 0, 0, 0, 1, 2,
	    N_("over 18 months: the legal adviser instructed to sue, after two "
	    "letters") },
	{ "letter", 1, 3, 0, 0, 0, 1, 0,
	    N_("a large client at 3 months: a lawyer's letter") },
	{ "sue", 1, 6, 0, 0, 0, 1, 1,
	    N_("a large client at 6 months: the lawsuit, after the letter") },
};
const size_t fee_nrules = sizeof fee_rules / sizeof fee_rules[0];
#define WATCH_MONTHS 3		/* SPEC 2.9: over 3 months, watch for a sale */
#define GRACE_DAYS 15		/* a letter or suit: within 15 days of its turn */

/* ---- reading the book ------------------------------------------------------------- */

void
fee_book_free(struct fee_book *b)
{
	free(b->v);
	free(b->slot);
	memset(b, 0, sizeof *b);
}

/*
 * Units are found by a table of their places in v, open addressing, a
 * power of two slots kept at most half full: a book of 20,000 units is
 * read in one pass, not one pass of the units for each row.
 */
static size_t *
unit_slot(const struct fee_book *b, const char *unit)
{
	size_t h = str_hash(unit) & (b->nslot - 1);

	while (b->slot[h] != 0 && strcmp(b->v[b->slot[h] - 1].unit, unit) != 0)
		h = (h + 1) & (b->nslot - 1);
	return &b->slot[h];
}

static void
units_rehash(struct fee_book *b)
{
	size_t i;

	free(b->slot);
	b->nslot = b->nslot ? 2 * b->nslot : 64;
	b->slot = xcalloc(b->nslot, sizeof *b->slot);
	for (i = 0; i < b->n; i++)
		*unit_slot(b, b->v[i].unit) = i + 1;
}

struct fee_unit *
fee_find(struct fee_book *b, const char *unit)
{
	size_t *at;

	if (b->nslot == 0)
		return NULL;
	at = unit_slot(b, unit);
	return *at ? &b->v[*at - 1] : NULL;
}

static struct fee_unit *
unit_of(struct fee_book *b, const char *unit)
{
	struct fee_unit *u = fee_find(b, unit);

	if (u != NULL)
		return u;
	GROW(b->v, b->n + 1, b->cap);
	u = &b->v[b->n++];
	memset(u, 0, sizeof *u);
	snprintf(u->unit, sizeof u->unit, "%s", unit);
	if (2 * b->n > b->nslot)
		units_rehash(b);
	else
		*unit_slot(b, u->unit) = b->n;
	return u;
}

long
fee_total_fen(const struct fee_unit *u)
{
	long t = 0;
	int i;

	for (i = 0; i < u->narrears; i++)
		t += u->arrears[i].amount_fen;
	return t;
}

int
fee_months_owed(const struct fee_unit *u, time_t now)
{
	int i, first = 0;

	for (i = 0; i < u->narrears; i++)
		if (i == 0 || u->arrears[i].since < first)
			first = u->arrears[i].since;
	return u->narrears ? (int)(clock_month_key(now) - first) : 0;
}

int
fee_is_large(const struct pm_ctx *ctx, const struct fee_unit *u)
{
	return ctx->conf.large_client_fen > 0 &&
	    fee_total_fen(u) >= ctx->conf.large_client_fen;
}

static int
arrear_of(const struct fee_unit *u, const char *fee)
{
	int i;

	for (i = 0; i < u->narrears; i++)
		if (strcmp(u->arrears[i].fee, fee) == 0)
			return i;
	return -1;
}

static void
drop_arrear(struct fee_unit *u, int k)
{
	u->arrears[k] = u->arrears[--u->narrears];
	if (u->narrears == 0) {	/* all paid: the next arrears begin anew */
		char unit[11];

		memcpy(unit, u->unit, sizeof unit);
		memset(u, 0, sizeof *u);
		memcpy(u->unit, unit, sizeof unit);
	}
}

static long
parse_fen(const char *v)
{
	char *end;
	double y = strtod(v, &end);

	return *v && *end == '\0' && y >= 0 && y < 1e9 ? (long)(y * 100 + 0.5) :
	    -1;
}

static void
fold_owed(struct fee_unit *u, const char *fee, const char *amount,
    const char *since, time_t t)
{
	int k = arrear_of(u, fee), y, m;

	if (k < 0) {
		if (u->narrears == 8)
			return;
		if (u->narrears == 0)
			u->began = t;
		k = u->narrears++;
	}
	snprintf(u->arrears[k].fee, sizeof u->arrears[k].fee, "%s", fee);
	u->arrears[k].amount_fen = parse_fen(amount);
	if (clock_parse_month(since, &y, &m) == 0)
		u->arrears[k].since = y * 12 + m - 1;
}

static int
fold_row(const struct row *r, void *arg)
{
	const struct ledger *l = ((void **)arg)[0];
	struct fee_book *b = ((void **)arg)[1];
	const char *ev = row_get(l, r, "event"), *fee = row_get(l, r, "fee");
	struct fee_unit *u = unit_of(b, row_get(l, r, "unit"));
	time_t t;
	int k;

	clock_parse(row_get(l, r, "at"), &t, NULL);
	if (strcmp(ev, "owed") == 0)
		fold_owed(u, fee, row_get(l, r, "amount"), row_get(l, r, "since"),
		    t);
	else if (strcmp(ev, "settled") == 0 || strcmp(ev, "paid") == 0) {
		while ((k = *fee ? arrear_of(u, fee) : u->narrears - 1) >= 0) {
			drop_arrear(u, k);
			if (*fee)
				break;
		}
	} else if (strcmp(ev, "contact") == 0)
		u->last_contact = t, u->contacts++;
	else if (strcmp(ev, "notice") == 0)
		u->last_notice = t, u->notices++;
	else if (strcmp(ev, "letter") == 0)
		u->last_letter = t, u->letters++;
	else if (strcmp(ev, "sue") == 0)
		u->sued = t;
	else if (strcmp(ev, "warned") == 0)
		u->warned = t;
	return 0;
}

static void
read_book(struct ledger *l, struct fee_book *b)
{
	void *arg[2];

	memset(b, 0, sizeof *b);
	arg[0] = l;
	arg[1] = b;
	if (ledger_exists(l))
		ledger_scan(l, fold_row, arg);
}

int
fee_read(struct pm_ctx *ctx, struct fee_book *b, struct pm_err *e)
{
	struct ledger *l = ledger_open(&fee_def, ctx->data);

	(void)e;
	read_book(l, b);
	ledger_close(l);
	return 0;
}

/* ---- the next steps --------------------------------------------------------------- */

/* When the first unpaid month began. */
static time_t
owed_start(const struct fee_unit *u)
{
	int i, first = 0;

	for (i = 0; i < u->narrears; i++)
		if (i == 0 || u->arrears[i].since < first)
			first = u->arrears[i].since;
	return clock_month_start(first / 12, first % 12 + 1);
}

static time_t
add_months(time_t t, int n)
{
	long k = clock_month_key(t) + n;

	return clock_month_start((int)(k / 12), (int)(k % 12) + 1) +
	    (t - clock_month_start((int)(clock_month_key(t) / 12),
	    (int)(clock_month_key(t) % 12) + 1));
}

/* A rule's next turn for this unit at now: 0 when it has none. */
static int
rule_turn(const struct fee_rule *r, const struct fee_unit *u, time_t now,
    time_t *from, time_t *due)
{
	time_t start = owed_start(u), month0 = clock_month_start(
	    (int)(clock_month_key(now) / 12), (int)(clock_month_key(now) % 12) +
	    1);
	int done = strcmp(r->step, "letter") == 0 ? u->letters :
	    strcmp(r->step, "sue") == 0 ? (u->sued != 0) : 0;

	if (r->times && done >= r->times)
		return 0;
	if (r->needs_letters && u->letters < r->needs_letters)
		return 0;	/* the letters come first: they are listed */
	*from = add_months(start, r->from_months);
	if (strcmp(r->step, "contact") == 0) {
		/* the first within 15 days; each next by 15 days after the last */
		if (u->last_contact)
			*from = *due = u->last_contact + r->every_days * DAY_SECONDS;
		else
			*due = *from + r->every_days * DAY_SECONDS;
	} else if (strcmp(r->step, "notice") == 0) {
		if (*from < month0)
			*from = month0;
		if (u->last_notice >= month0)	/* this month's is sent */
			*from = add_months(month0, 1);
		*due = add_months(clock_month_start((int)(clock_month_key(*from) /
		    12), (int)(clock_month_key(*from) % 12) + 1), 1) - 1;
	} else {
		if (r->every_months && done > 0)
			*from = add_months(u->last_letter, r->every_months);
		*due = *from + GRACE_DAYS * DAY_SECONDS;
	}
	if (r->to_months && clock_month_key(*from) - clock_month_key(start) >=
	    r->to_months)
		return 0;
	return 1;
}

size_t
fee_next(const struct pm_ctx *ctx, const struct fee_unit *u,
    struct fee_due *out, size_t max)
{
	int large = fee_is_large(ctx, u);
	size_t i, n = 0;

	if (u->narrears == 0 || u->sued)
		return 0;	/* nothing owed, or in the court's hands */
	for (i = 0; i < fee_nrules && n < max; i++) {
		const struct fee_rule *r = &fee_rules[i];
		time_t from, due;

		if ((r->large >= 0 && r->large != large) ||
		    !rule_turn(r, u, ctx->now, &from, &due))
			continue;
		out[n].rule = r;
		out[n].from = from;
		out[n].due = due;
		out[n].status = ctx->now < from ? "upcoming" : ctx->now <= due ?
		    "due" : "overdue";
		n++;
	}
	return n;
}

/* ---- the snapshot import (SPEC 2.9) ------------------------------------------------- */

static const char *
fee_type(const char *v)
{
	int i;

	for (i = 0; fee_types[i]; i++)
		if (strcmp(v, fee_types[i]) == 0 || strcmp(v, fee_names_zh[i]) == 0)
			return fee_types[i];
	return NULL;
}

static void
add_row(struct ledger_tx *tx, struct pm_ctx *ctx, time_t at,
    const char *const *v)
{
	ledger_add(tx, at, ctx->user, ctx->now, v);
}

struct snapshot {
	struct { char unit[11], fee[16], amount[24], since[16]; } *v;
	size_t n, cap;
	struct fee_book owes;	/* its units, each with the fees it lists */
};

/* Does the snapshot list unit owing fee?  With add, it does now. */
static int
snapshot_owes(struct snapshot *s, const char *unit, const char *fee, int add)
{
	struct fee_unit *u = add ? unit_of(&s->owes, unit) :
	    fee_find(&s->owes, unit);
	int k;

	for (k = 0; u != NULL && k < u->narrears; k++)
		if (strcmp(u->arrears[k].fee, fee) == 0)
			return 1;
	if (add && u->narrears < 8)
		snprintf(u->arrears[u->narrears++].fee, 16, "%s", fee);
	return 0;
}

/* One row of the billing system's list, checked, kept for the commit. */
static int
snapshot_row(struct pm_ctx *ctx, struct snapshot *s, const struct row *r,
    const int *col, int as_of, struct pm_err *e)
{
	const char *x[4], *fee;
	long fen;
	int y, m, k;

	for (k = 0; k < 4; k++)
		x[k] = col[k] >= 0 && col[k] < r->n ? r->f[col[k]] : "";
	if (owner_unit_check(ctx, "unit", x[0], e) != 0)
		return -1;
	if ((fee = fee_type(x[1])) == NULL)
		return errset(e, EX_DATAERR, _("fee: expected management, water, "
		    "electricity, parking or other (管理费, 水费, 电费, 停车费, "
		    "其他), got \"%.20s\""), x[1]);
	if ((fen = parse_fen(x[2])) <= 0)
		return errset(e, EX_DATAERR, _("amount: expected yuan owed, more "
		    "than 0, got \"%.20s\""), x[2]);
	if (clock_parse_month(x[3], &y, &m) != 0 || y * 12 + m - 1 > as_of)
		return errset(e, EX_DATAERR, _("since: expected the first unpaid "
		    "month YYYY-MM, not after the snapshot, got \"%.20s\""), x[3]);
	if (snapshot_owes(s, x[0], fee, 1))
		return errset(e, EX_DATAERR, _("unit: %s owes %s twice in "
		    "one list"), x[0], fee);
	GROW(s->v, s->n + 1, s->cap);
	snprintf(s->v[s->n].unit, 11, "%s", x[0]);
	snprintf(s->v[s->n].fee, 16, "%s", fee);
	snprintf(s->v[s->n].amount, 24, "%ld.%02ld", fen / 100, fen % 100);
	snprintf(s->v[s->n].since, 16, "%04d-%02d", y % 10000, m);
	s->n++;
	return 0;
}

/* The snapshot against the book: owed where new or changed, settled where gone. */
static long
snapshot_apply(struct pm_ctx *ctx, struct ledger_tx *tx, struct fee_book *b,
    struct snapshot *s, time_t at)
{
	const char *v[F_NCOLS + 1];
	long rows = 0;
	size_t i;
	int j;

	for (j = 0; j < F_NCOLS; j++)
		v[j] = "";
	for (i = 0; i < s->n; i++) {
		struct fee_unit *u = fee_find(b, s->v[i].unit);
		int a = u ? arrear_of(u, s->v[i].fee) : -1;
		char since[16] = "";

		if (a >= 0)
			snprintf(since, sizeof since, "%04d-%02d",
			    u->arrears[a].since / 12, u->arrears[a].since % 12 + 1);
		if (a >= 0 && u->arrears[a].amount_fen == parse_fen(s->v[i].amount)
		    && strcmp(since, s->v[i].since) == 0)
			continue;	/* as the book has it */
		v[F_EVENT] = "owed", v[F_UNIT] = s->v[i].unit;
		v[F_FEE] = s->v[i].fee, v[F_AMOUNT] = s->v[i].amount;
		v[F_SINCE] = s->v[i].since;
		add_row(tx, ctx, at, v), rows++;
	}
	v[F_AMOUNT] = v[F_SINCE] = "";
	for (i = 0; i < b->n; i++)
		for (j = 0; j < b->v[i].narrears; j++) {
			if (snapshot_owes(s, b->v[i].unit,
			    b->v[i].arrears[j].fee, 0))
				continue;
			v[F_EVENT] = "settled", v[F_UNIT] = b->v[i].unit;
			v[F_FEE] = b->v[i].arrears[j].fee;
			add_row(tx, ctx, at, v), rows++;
		}
	return rows;
}

int
fee_import(struct pm_ctx *ctx, const char *file, const char *as_of,
    const char *encoding, int dry_run, FILE *out, struct pm_err *e)
{
	static const char *const names[] = { "unit", "fee", "amount", "since",
		NULL };
	struct snapshot s = { 0 };
	struct import_src *src;
	struct fee_book b;
	struct ledger_tx *tx;
	struct ledger *l;
	struct row r;
	long errors = 0, rows;
	int col[4], rc;
	time_t at = ctx->now;

	if (as_of && (field_date(e, "--as-of", as_of, &at) != 0 ||
	    field_not_future(e, "--as-of", at, ctx->now) != 0))
		return -1;
	if ((src = import_open(file, encoding, e)) == NULL)
		return -1;
	if (import_header(src, names, col, file, e) != 0 || col[0] < 0 ||
	    col[1] < 0 || col[2] < 0 || col[3] < 0) {
		import_close(src);
		return errset(e, EX_DATAERR, _("line 1: expected the columns "
		    "unit,fee,amount,since"));
	}
	while ((rc = import_next(src, &r, e)) == 1) {
		struct pm_err fe;

		if (snapshot_row(ctx, &s, &r, col, (int)clock_month_key(at), &fe)
		    != 0 && ++errors <= IMPORT_ERRORS_SHOWN)
			warnmsg(_("line %ld: %s"), r.line, fe.msg);
	}
	import_close(src);
	if (rc < 0 || errors) {
		free(s.v);
		fee_book_free(&s.owes);
		return rc < 0 ? -1 : errset(e, EX_DATAERR, _("%s: %ld rows with "
		    "errors; nothing was imported"), file, errors);
	}
	l = ledger_open(&fee_def, ctx->data);
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	read_book(l, &b);
	rows = snapshot_apply(ctx, tx, &b, &s, at);
	if (dry_run || rows == 0)
		ledger_rollback(tx);
	else
		ledger_commit(tx);
	ledger_close(l);
	fee_book_free(&b);
	free(s.v);
	fee_book_free(&s.owes);
	fprintf(out, _("%ld arrears in the list; %ld changes recorded%s\n"),
	    (long)s.n, rows, dry_run ? _(" (dry run: nothing written)") : "");
	return 0;
}

/* ---- the steps ------------------------------------------------------------------------ */

static const struct fee_rule *
rule_for(const struct pm_ctx *ctx, const struct fee_unit *u, const char *step)
{
	int large = fee_is_large(ctx, u);
	size_t i;

	for (i = 0; i < fee_nrules; i++)
		if (strcmp(fee_rules[i].step, step) == 0 &&
		    (fee_rules[i].large < 0 || fee_rules[i].large == large))
			return &fee_rules[i];
	return NULL;
}

/* SPEC 2.9: a step out of the ladder's order is refused, naming the rule. */
static int
check_ladder(const struct pm_ctx *ctx, const struct fee_unit *u,
    const struct fee_step *s, struct pm_err *e)
{
	const struct fee_rule *r;
	int m;

	if (u == NULL || u->narrears == 0)
		return errset(e, EX_DATAERR, _("--unit: %s owes nothing (the last "
		    "list settled it)"), s->unit);
	if (strcmp(s->step, "paid") == 0)
		return s->fee && *s->fee && arrear_of(u, s->fee) < 0 ?
		    errset(e, EX_DATAERR, _("--fee: %s owes no %s"), s->unit,
		    s->fee) : 0;
	r = rule_for(ctx, u, s->step);
	m = fee_months_owed(u, ctx->now);
	if (u->sued)
		return errset(e, EX_DATAERR, _("%s: the lawsuit is under way; "
		    "the ladder has ended"), s->unit);
	if (m < r->from_months)
		return errset(e, EX_DATAERR, _("%s: %d months owed; %s"), s->step,
		    m, _(r->what));
	if (r->needs_letters && u->letters < r->needs_letters)
		return errset(e, EX_DATAERR, _("sue: %d lawyer's letters sent; %s"),
		    u->letters, _(r->what));
	if (r->times && (strcmp(s->step, "letter") == 0 ? u->letters :
	    u->sued != 0) >= r->times)
		return errset(e, EX_DATAERR, _("%s: done %d times already; %s"),
		    s->step, r->times, _(r->what));
	if (r->every_months && strcmp(s->step, "letter") == 0 && u->letters &&
	    ctx->now < add_months(u->last_letter, r->every_months))
		return errset(e, EX_DATAERR, _("letter: the last one was sent "
		    "less than %d months ago; %s"), r->every_months, _(r->what));
	return 0;
}

static int
check_step_fields(const struct fee_step *s, struct pm_err *e)
{
	static const char *const hows[] = { "phone", "sms", "visit", NULL };

	if (field_unit(e, "--unit", s->unit ? s->unit : "") != 0)
		return -1;
	if (strcmp(s->step, "contact") == 0 && (field_enum(e, "--how",
	    s->how ? s->how : "", hows) != 0 || field_text(e, "--result",
	    s->result ? s->result : "", s->result ? strlen(s->result) : 0,
	    FIELD_TEXT_MAX) != 0))
		return -1;
	if (strcmp(s->step, "letter") == 0 && field_text(e, "--tracking",
	    s->tracking ? s->tracking : "", s->tracking ? strlen(s->tracking) : 0,
	    40) != 0)
		return -1;
	if (strcmp(s->step, "sue") == 0 && field_name(e, "--adviser",
	    s->adviser ? s->adviser : "") != 0)
		return -1;
	if (s->signed_by && field_name(e, "--signed-by", s->signed_by) != 0)
		return -1;
	if (s->fee && *s->fee && fee_type(s->fee) == NULL)
		return errset(e, EX_DATAERR, _("--fee: expected management, water, "
		    "electricity, parking or other, got \"%.20s\""), s->fee);
	return 0;
}

int
fee_record(struct pm_ctx *ctx, const struct fee_step *s, char *id,
    struct pm_err *e)
{
	const char *v[F_NCOLS + 1];
	struct ledger_tx *tx;
	struct fee_book b;
	struct ledger *l;
	int i, rc;

	if (check_step_fields(s, e) != 0)
		return -1;
	l = ledger_open(&fee_def, ctx->data);
	if (!ledger_exists(l)) {
		ledger_close(l);
		return errset(e, EX_DATAERR, _("--unit: %s owes nothing (no "
		    "arrears list imported yet)"), s->unit);
	}
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	read_book(l, &b);
	rc = check_ladder(ctx, fee_find(&b, s->unit), s, e);
	fee_book_free(&b);
	if (rc != 0) {
		ledger_rollback(tx);
		ledger_close(l);
		return rc;
	}
	for (i = 0; i < F_NCOLS; i++)
		v[i] = "";
	v[F_EVENT] = s->step;
	v[F_UNIT] = s->unit;
	v[F_FEE] = s->fee && *s->fee ? fee_type(s->fee) : "";
	v[F_HOW] = s->how ? s->how : "";
	v[F_RESULT] = s->result ? s->result : "";
	v[F_SIGNED] = s->signed_by ? s->signed_by : "";
	v[F_TRACKING] = s->tracking ? s->tracking : "";
	v[F_ADVISER] = s->adviser ? s->adviser : "";
	snprintf(id, FEE_ID_MAX, "R%06ld", ledger_add(tx, ctx->now, ctx->user,
	    ctx->now, v));
	ledger_commit(tx);
	ledger_close(l);
	return 0;
}

/* ---- the watch, the move out, the deadlines ----------------------------------------- */

void
fee_watch_owner_change(struct pm_ctx *ctx, const char *unit)
{
	struct fee_book b;
	struct fee_unit *u;
	struct ledger *l = ledger_open(&fee_def, ctx->data);
	int m;

	read_book(l, &b);
	u = fee_find(&b, unit);
	m = u ? fee_months_owed(u, ctx->now) : 0;
	if (u != NULL && m > WATCH_MONTHS) {
		const char *v[F_NCOLS + 1];
		struct ledger_tx *tx = ledger_begin(l, ctx->conf.lock_timeout);
		int i;

		warnmsg(_("warning: %s owes %ld.%02ld yuan for %d months: a change "
		    "of owner is watched for a sale (SPEC 2.9); recorded"), unit,
		    fee_total_fen(u) / 100, fee_total_fen(u) % 100, m);
		for (i = 0; i < F_NCOLS; i++)
			v[i] = "";
		v[F_EVENT] = "warned";
		v[F_UNIT] = unit;
		add_row(tx, ctx, ctx->now, v);
		ledger_commit(tx);
	}
	fee_book_free(&b);
	ledger_close(l);
}

long
fee_owed_fen(struct pm_ctx *ctx, const char *unit)
{
	struct fee_book b;
	struct fee_unit *u;
	long fen;

	fee_read(ctx, &b, NULL);
	u = fee_find(&b, unit);
	fen = u ? fee_total_fen(u) : 0;
	fee_book_free(&b);
	return fen;
}

int
fee_breaches(struct pm_ctx *ctx, breach_fn fn, void *arg, struct pm_err *e)
{
	struct fee_book b;
	size_t i, k, n;

	if (fee_read(ctx, &b, e) != 0)
		return -1;
	for (i = 0; i < b.n; i++) {
		struct fee_due d[8];

		n = fee_next(ctx, &b.v[i], d, 8);
		for (k = 0; k < n; k++) {
			struct pm_breach br = { "fees", b.v[i].unit, b.v[i].unit,
				d[k].rule->step, d[k].due, strcmp(d[k].rule->step,
				"sue") ? "supervisor" : "manager", "",
				d[k].rule->what };

			br.escalate_name = strcmp(br.escalate_to, "manager") == 0 ?
			    (ctx->conf.manager ? ctx->conf.manager : "") :
			    ctx->conf.nsupervisors ? ctx->conf.supervisors[0] : "";
			if (strcmp(d[k].status, "overdue") == 0)
				fn(&br, arg);
		}
	}
	fee_book_free(&b);
	return 0;
}

/* ---- the 费用催缴通知单 --------------------------------------------------------------- */

void
fee_form(const struct pm_ctx *ctx, const struct fee_unit *u, FILE *out)
{
	static const char rule[] = "────────────────────────────────────────"
	    "────────────────────────────────────────";
	struct buf b = { 0 }, line = { 0 };
	char today[11];
	int i;

	clock_format_date(ctx->now, today);
	buf_addf(&b, "%34s费用催缴通知单\n%s\n", "", rule);
	buf_addf(&b, "房号: %s%*s日期: %s\n", u->unit, 56 - 6 -
	    (int)strlen(u->unit), "", today);
	buf_addf(&b, "%s\n", rule);
	for (i = 0; i < u->narrears; i++) {
		const struct fee_arrear *a = &u->arrears[i];
		const char *zh = words_value("fee", a->fee);

		buf_reset(&line);
		out_pad(&line, zh ? zh : a->fee, 12);
		buf_addf(&line, "自 %04d-%02d 起欠缴   %ld.%02ld 元\n", a->since / 12,
		    a->since % 12 + 1, a->amount_fen / 100, a->amount_fen % 100);
		buf_add(&b, line.s, line.len);
	}
	buf_addf(&b, "%s\n", rule);
	buf_reset(&line);
	buf_addf(&line, "合计 %ld.%02ld 元, 已欠缴 %d 个月。", fee_total_fen(u) /
	    100, fee_total_fen(u) % 100, fee_months_owed(u, ctx->now));
	out_wrap(&b, line.s, 0, 0, 80);
	out_wrap(&b, "请于收到本通知之日起尽快缴清; 逾期未缴的, 将按物业服务合同的"
	    "约定计收违约金, 由此增加的负担由业主承担。", 0, 0, 80);
	buf_addf(&b, "%s\n", rule);
	buf_adds(&b, "客服中心: __________  送达人: __________  "
	    "业主签收: __________\n");
	fwrite(b.s, 1, b.len, out);
	buf_free(&b);
	buf_free(&line);
}

int
fee_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e)
{
	const struct ledger_def *const defs[] = { &fee_def, NULL };

	return ledger_verify_books(ctx->data, defs, out, e);
}

/* ---- the 5th's summary -------------------------------------------------------------- */

int
fee_summarize(struct pm_ctx *ctx, struct fee_summary *s, struct pm_err *e)
{
	struct fee_book b;
	size_t i, k, n;

	memset(s, 0, sizeof *s);
	if (fee_read(ctx, &b, e) != 0)
		return -1;
	for (i = 0; i < b.n; i++) {
		const struct fee_unit *u = &b.v[i];
		int m = fee_months_owed(u, ctx->now), band;
		struct fee_due d[8];

		if (u->narrears == 0 || m < 1)
			continue;
		band = m < 6 ? 0 : m <= 18 ? 1 : 2;
		s->units[band]++, s->units[3]++;
		s->fen[band] += fee_total_fen(u), s->fen[3] += fee_total_fen(u);
		/* the steps the ladder asks of it now: on time, or late */
		n = fee_next(ctx, u, d, 8);
		for (k = 0; k < n; k++)
			if (strcmp(d[k].status, "upcoming") != 0) {
				s->steps++;
				s->on_time += strcmp(d[k].status, "due") == 0;
			}
	}
	fee_book_free(&b);
	return 0;
}
