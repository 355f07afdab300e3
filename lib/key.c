/*
 * key.c - the key procedure (SPEC 2.2), read top to bottom:
 *
 *   keys come from the contractor via engineering, or are entrusted by
 *   the developer; the counts received and on the handover sheet match
 *   (签收确认 ✓) or the mismatch carries a remark;
 *   they sit in the cabinet by unit code;
 *   an owner takes keys only against proof of identity;
 *   staff of the lending departments borrow against their work ID,
 *   contractors only through engineering staff, owners not yet moved in
 *   only through sales staff;
 *   a return is counted; a partial return leaves the rest out;
 *   a loan out longer than loan_days gets a reminder slip (借匙催还单);
 *   a loss is a memo (钥匙管理备忘录) and its remedy is recorded;
 *   on the 25th every key in the cabinet is counted;
 *   no operation takes out more keys than are in the cabinet, or
 *   returns more than are out.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "key.h"
#include "owner.h"

static const char *const key_cols[] = { "event", "unit", "count",
	"expected", "source", "from_staff", "to_staff", "dept", "work_id",
	"via", "id_doc", "loan", "action", "note", "confirmed", NULL };
/* SPEC 3: key records are kept 2 years */
const struct ledger_def key_def = { "keys", key_cols, 0640, 2 };

enum { K_EVENT, K_UNIT, K_COUNT, K_EXPECTED, K_SOURCE, K_FROM, K_TO,
	K_DEPT, K_WORK_ID, K_VIA, K_ID_DOC, K_LOAN, K_ACTION, K_NOTE,
	K_CONFIRMED, K_NCOLS };

const char *const key_events[] = { "receive", "issue", "lend", "return",
	"lost", "remedy", NULL };
static const char *const key_sources[] = { "contractor", "developer", NULL };
static const char *const key_actions[] = { "rekey", "recut", NULL };

/*
 * SPEC 2.2: who borrows keys.  Staff of these departments borrow against
 * their work ID; the others only through a go-between of the department
 * named, who is recorded (--via).
 */
static const struct lend_rule {
	const char *dept;
	const char *via_dept;	/* NULL: borrows directly */
} lend_rules[] = {
	{ "工程部", NULL },
	{ "绿化部", NULL },
	{ "营销部", NULL },
	{ "售楼部", NULL },
	{ "施工单位", "工程部" },	/* contractors: 工程部 borrows for them (代借) */
	{ "业主", "售楼部" },		/* owners not yet moved in: through sales */
};
#define NLEND (sizeof lend_rules / sizeof lend_rules[0])

#define ID_DOC_MAX 64
#define WORK_ID_MAX 32

static void
key_id(long seq, char *out)
{
	snprintf(out, KEY_ID_MAX, "K%06ld", seq);
}

/* ---- the book, folded ------------------------------------------------------ */

static int
unit_cmp(const void *a, const void *b)
{
	return strcmp(((const struct key_unit *)a)->unit,
	    ((const struct key_unit *)b)->unit);
}

static struct key_unit *
unit_get(struct key_book *b, const char *unit, int create)
{
	struct key_unit probe, *u;
	size_t lo = 0, hi = b->nunits, mid;

	memset(&probe, 0, sizeof probe);
	snprintf(probe.unit, sizeof probe.unit, "%s", unit);
	while (lo < hi) {
		int c;

		mid = (lo + hi) / 2;
		c = unit_cmp(&probe, &b->units[mid]);
		if (c == 0)
			return &b->units[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (!create)
		return NULL;
	GROW(b->units, b->nunits + 1, b->capunits);
	memmove(&b->units[lo + 1], &b->units[lo], (b->nunits - lo) *
	    sizeof *b->units);
	u = &b->units[lo];
	*u = probe;
	u->counted = -1;
	b->nunits++;
	return u;
}

const struct key_unit *
key_find_unit(const struct key_book *b, const char *unit)
{
	return unit_get((struct key_book *)b, unit, 0);
}

static struct key_loan *
loan_get(struct key_book *b, const char *id)
{
	size_t i;

	for (i = b->nloans; i > 0; i--)
		if (strcmp(b->loans[i - 1].id, id) == 0)
			return &b->loans[i - 1];
	return NULL;
}

void
key_book_free(struct key_book *b)
{
	size_t i;

	for (i = 0; i < b->nhistory; i++)
		free(b->history[i].detail);
	free(b->history);
	free(b->units);
	free(b->loans);
	memset(b, 0, sizeof *b);
}

/* A loan opened by a lend row */
static void
loan_new(struct key_book *b, const char *id, const char *at, long count,
    const char *const *v)
{
	struct key_loan *loan;

	GROW(b->loans, b->nloans + 1, b->caploans);
	loan = &b->loans[b->nloans++];
	memset(loan, 0, sizeof *loan);
	snprintf(loan->id, sizeof loan->id, "%s", id);
	snprintf(loan->unit, sizeof loan->unit, "%s", v[K_UNIT]);
	loan->count = count;
	snprintf(loan->borrower, sizeof loan->borrower, "%s", v[K_TO]);
	snprintf(loan->dept, sizeof loan->dept, "%s", v[K_DEPT]);
	snprintf(loan->work_id, sizeof loan->work_id, "%s", v[K_WORK_ID]);
	snprintf(loan->via, sizeof loan->via, "%s", v[K_VIA]);
	snprintf(loan->lent_at, sizeof loan->lent_at, "%s", at);
	clock_parse(at, &loan->lent, NULL);
}

/* A line of the unit's history (pm-key history), with its details */
static void
history_add(struct key_book *b, const char *id, const char *at,
    const char *by, long count, const char *const *v)
{
	const char *event = v[K_EVENT];
	struct key_history *h;
	struct buf d = { 0 };

	GROW(b->history, b->nhistory + 1, b->caphistory);
	h = &b->history[b->nhistory++];
	memset(h, 0, sizeof *h);
	snprintf(h->id, sizeof h->id, "%s", id);
	snprintf(h->at, sizeof h->at, "%s", at);
	snprintf(h->event, sizeof h->event, "%s", event);
	snprintf(h->by, sizeof h->by, "%s", by);
	h->count = count;
	if (strcmp(event, "receive") == 0)
		buf_addf(&d, _("from %s (%s), sheet %s %s"), v[K_FROM],
		    v[K_SOURCE], v[K_EXPECTED], *v[K_CONFIRMED] ?
		    v[K_CONFIRMED] : "≠");
	else if (strcmp(event, "issue") == 0) {
		struct buf doc = { 0 };

		/* the document's number is not for every screen */
		field_mask_numbers(v[K_ID_DOC], &doc);
		buf_addf(&d, _("to owner %s, shown %s"), v[K_TO],
		    doc.s ? doc.s : "");
		buf_free(&doc);
	} else if (strcmp(event, "lend") == 0) {
		buf_addf(&d, _("to %s (%s, work ID %s)"), v[K_TO],
		    v[K_DEPT], v[K_WORK_ID]);
		if (*v[K_VIA])
			buf_addf(&d, _(" via %s"), v[K_VIA]);
	} else if (strcmp(event, "return") == 0)
		buf_addf(&d, _("of %s from %s, received by %s"),
		    v[K_LOAN], v[K_FROM], v[K_TO]);
	else if (strcmp(event, "remedy") == 0)
		buf_addf(&d, "%s", v[K_ACTION]);
	else if (strcmp(event, "count") == 0)
		buf_addf(&d, _("counted by %s; the book said %s"), v[K_TO],
		    v[K_EXPECTED]);
	if (*v[K_NOTE])
		buf_addf(&d, "%s%s", d.len ? "; " : "", v[K_NOTE]);
	h->detail = d.s ? d.s : xstrdup("");
}

/* Apply one row, already valid, to the book. */
static void
apply(struct key_book *b, const char *id, const char *at, const char *by,
    const char *const *v)
{
	struct key_unit *u = NULL;
	struct key_loan *loan;
	long count = atol(v[K_COUNT]);
	const char *event = v[K_EVENT];

	if (strcmp(event, "return") == 0) {
		loan = loan_get(b, v[K_LOAN]);
		if (loan) {
			loan->returned += count;
			u = unit_get(b, loan->unit, 1);
			u->on_hand += count;
			u->lent_out -= count;
		}
	} else {
		u = unit_get(b, v[K_UNIT], 1);
		if (strcmp(event, "receive") == 0) {
			u->received += count;
			u->expected += atol(v[K_EXPECTED]);
			u->on_hand += count;
		} else if (strcmp(event, "issue") == 0) {
			u->issued += count;
			u->on_hand -= count;
		} else if (strcmp(event, "lost") == 0) {
			u->lost += count;
			u->on_hand -= count;
		} else if (strcmp(event, "lend") == 0) {
			u->on_hand -= count;
			u->lent_out += count;
			loan_new(b, id, at, count, v);
		} else if (strcmp(event, "count") == 0) {
			u->last_count = count;
			u->last_book = atol(v[K_EXPECTED]);
			snprintf(u->counted_at, sizeof u->counted_at, "%s", at);
		}
	}
	if (u != NULL) {
		time_t t;

		if (clock_parse(at, &t, NULL) == 0 && t > u->last)
			u->last = t;
	}
	if (b->history_unit && u && strcmp(u->unit, b->history_unit) == 0)
		history_add(b, id, at, by, count, v);
}

struct fold {
	struct ledger *l;
	struct key_book *b;
	int col[K_NCOLS];
	struct import_seen *seen;	/* for import: the rows already there */
};

/*
 * The identity of a row, for imports: what the file says, not what the
 * book derives (who received, the unit of a loan).
 */
static void
import_key(struct import_seen *seen, const char *const *v, const char *at,
    int *added)
{
	struct buf k = { 0 };
	int i;

	for (i = 0; i < K_NCOLS; i++)
		if (i != K_CONFIRMED && !(i == K_TO &&
		    strcmp(v[K_EVENT], "receive") == 0))
			buf_addf(&k, "%s\x1f", v[i]);
	buf_addf(&k, "%.16s", at);
	*added = import_seen_add(seen, k.s, k.len);
	buf_free(&k);
}

static int
fold_row(const struct row *r, void *arg)
{
	struct fold *f = arg;
	const char *v[K_NCOLS];
	char id[KEY_ID_MAX];
	int i;

	for (i = 0; i < K_NCOLS; i++)
		v[i] = r->f[f->col[i]];
	key_id(row_seq(r), id);
	apply(f->b, id, row_get(f->l, r, "at"), row_get(f->l, r, "by"), v);
	if (f->seen) {
		int added;

		import_key(f->seen, v, row_get(f->l, r, "at"), &added);
	}
	return 0;
}

static void
fold_book_from(struct ledger *l, struct key_book *b, struct import_seen *seen,
    int live)
{
	struct fold f;
	int i;

	f.l = l;
	f.b = b;
	f.seen = seen;
	for (i = 0; i < K_NCOLS; i++)
		f.col[i] = ledger_col(l, key_cols[i]);
	if (live)
		ledger_scan_live(l, fold_row, &f);
	else
		ledger_scan(l, fold_row, &f);
}

static void
fold_book(struct ledger *l, struct key_book *b, struct import_seen *seen)
{
	fold_book_from(l, b, seen, 0);
}

int
key_read(struct pm_ctx *ctx, const char *history_unit, struct key_book *b,
    struct pm_err *e)
{
	struct ledger *l;

	memset(b, 0, sizeof *b);
	if (history_unit && field_unit(e, "--unit", history_unit) != 0)
		return -1;
	b->history_unit = history_unit;
	l = ledger_open(&key_def, ctx->data);
	fold_book(l, b, NULL);
	ledger_close(l);
	return 0;
}

int
key_read_open(struct pm_ctx *ctx, struct key_book *b)
{
	struct ledger *l;

	memset(b, 0, sizeof *b);
	l = ledger_open(&key_def, ctx->data);
	fold_book_from(l, b, NULL, 1);
	ledger_close(l);
	return 0;
}

/* ---- the rules of one event ---------------------------------------------------- */

/* The values of one row, with room for the numbers. */
struct key_row {
	const char *v[K_NCOLS + 1];
	char count[16], expected[16], loan[KEY_ID_MAX];
	time_t at;
};

static const struct lend_rule *
lend_rule(const char *dept)
{
	size_t i;

	for (i = 0; i < NLEND; i++)
		if (strcmp(lend_rules[i].dept, dept) == 0)
			return &lend_rules[i];
	return NULL;
}

static int
short_text(struct pm_err *e, const char *field, const char *v, size_t max)
{
	if (field_text(e, field, v, strlen(v), max) != 0)
		return -1;
	if (strchr(v, '\n'))
		return errset(e, EX_DATAERR, _("%s: one line only"), field);
	return 0;
}

static int
need(struct pm_err *e, const char *v, const char *field, const char *why)
{
	if (v == NULL || *v == '\0')
		return errset(e, EX_DATAERR, _("%s is required: %s"), field, why);
	return 0;
}

static int
cabinet_holds(struct pm_err *e, struct key_book *b, const char *unit,
    long count, const char *what)
{
	const struct key_unit *u = key_find_unit(b, unit);
	long on_hand = u ? u->on_hand : 0;

	if (count > on_hand)
		return errset(e, EX_DATAERR, _("--count: the cabinet holds %ld "
		    "key(s) of unit %s; cannot %s %ld (SPEC 2.2)"), on_hand, unit,
		    what, count);
	return 0;
}

/* An event being checked: the book, what was typed, the row to fill. */
struct check {
	struct pm_ctx *ctx;
	struct key_book *b;
	const struct key_event *ev;
	struct key_row *row;
	const char **v;
	long count;
	struct pm_err *e;
};

static int
check_receive(struct check *k)
{
	const struct key_event *ev = k->ev;
	struct pm_err *e = k->e;
	long expected = k->count;

	if (need(e, ev->from, "--from", _("who handed the keys over")) != 0 ||
	    field_name(e, "--from", ev->from) != 0)
		return -1;
	if (ev->expected && *ev->expected && field_count(e, "--expected",
	    ev->expected, 0, KEY_COUNT_MAX, &expected) != 0)
		return -1;
	if (ev->source && *ev->source && field_enum(e, "--source",
	    ev->source, key_sources) != 0)
		return -1;
	/* SPEC 2.2: a mismatch against the handover sheet carries a remark. */
	if (expected != k->count && *k->v[K_NOTE] == '\0')
		return errset(e, EX_DATAERR, _("--note: %ld received but "
		    "%ld on the handover sheet; a mismatch must carry a "
		    "remark (SPEC 2.2)"), k->count, expected);
	snprintf(k->row->expected, sizeof k->row->expected, "%ld", expected);
	k->v[K_EXPECTED] = k->row->expected;
	k->v[K_SOURCE] = ev->source && *ev->source ? ev->source : "contractor";
	k->v[K_FROM] = ev->from;
	k->v[K_TO] = k->ctx->user;
	k->v[K_CONFIRMED] = expected == k->count ? "✓" : "";
	return 0;
}

static int
check_issue(struct check *k)
{
	const struct key_event *ev = k->ev;
	struct pm_err *e = k->e;

	/* SPEC 2.2: no proof of identity, no keys. */
	if (need(e, ev->to, "--to", _("the owner who takes the keys")) != 0 ||
	    field_name(e, "--to", ev->to) != 0 ||
	    need(e, ev->id_doc, "--id-doc", _("no proof of identity, no "
	    "keys (SPEC 2.2)")) != 0 || short_text(e, "--id-doc",
	    ev->id_doc, ID_DOC_MAX) != 0 ||
	    cabinet_holds(e, k->b, ev->unit, k->count, _("hand over")) != 0)
		return -1;
	k->v[K_TO] = ev->to;
	k->v[K_ID_DOC] = ev->id_doc;
	return 0;
}

/* --dept: a borrowing department of SPEC 2.2, and of pm.conf when direct */
static const struct lend_rule *
lend_dept(const struct check *k)
{
	const struct lend_rule *rule = lend_rule(k->ev->dept);
	struct buf ok = { 0 };
	size_t i;

	if (rule != NULL && (rule->via_dept != NULL ||
	    conf_is_department(&k->ctx->conf, k->ev->dept)))
		return rule;
	for (i = 0; i < NLEND; i++)
		buf_addf(&ok, "%s%s", i ? ", " : "", lend_rules[i].dept);
	errset(k->e, EX_DATAERR, _("--dept: %s does not borrow keys; "
	    "expected one of %s (SPEC 2.2, pm.conf departments)"),
	    k->ev->dept, ok.s);
	buf_free(&ok);
	return NULL;
}

static int
check_lend(struct check *k)
{
	const struct key_event *ev = k->ev;
	struct pm_err *e = k->e;
	const struct lend_rule *rule;

	if (need(e, ev->to, "--to", _("the borrower")) != 0 ||
	    field_name(e, "--to", ev->to) != 0 ||
	    need(e, ev->dept, "--dept", _("the borrower's department"))
	    != 0 || need(e, ev->work_id, "--work-id", _("keys are lent "
	    "against a work ID (SPEC 2.2)")) != 0 ||
	    short_text(e, "--work-id", ev->work_id, WORK_ID_MAX) != 0)
		return -1;
	if ((rule = lend_dept(k)) == NULL)
		return -1;
	if (rule->via_dept && (ev->via == NULL || *ev->via == '\0'))
		return errset(e, EX_DATAERR, _("--via: %s borrow only "
		    "through a member of %s, who is recorded (SPEC 2.2)"),
		    ev->dept, rule->via_dept);
	if (ev->via && *ev->via && field_name(e, "--via", ev->via) != 0)
		return -1;
	if (cabinet_holds(e, k->b, ev->unit, k->count, _("lend")) != 0)
		return -1;
	k->v[K_TO] = ev->to;
	k->v[K_DEPT] = ev->dept;
	k->v[K_WORK_ID] = ev->work_id;
	k->v[K_VIA] = ev->via ? ev->via : "";
	return 0;
}

static int
check_return(struct check *k)
{
	const struct key_event *ev = k->ev;
	struct pm_err *e = k->e;
	struct key_loan *loan;
	long seq;
	char *end;
	const char *p;

	if (need(e, ev->loan, "LOAN", _("the loan ID (see pm-key "
	    "overdue)")) != 0)
		return -1;
	p = ev->loan + (ev->loan[0] == 'K' || ev->loan[0] == 'k');
	seq = strtol(p, &end, 10);
	if (*p < '0' || *p > '9' || *end != '\0' || seq <= 0)
		return errset(e, EX_DATAERR, _("LOAN: expected a loan ID "
		    "like K000012, got \"%.20s\""), ev->loan);
	key_id(seq, k->row->loan);
	loan = loan_get(k->b, k->row->loan);
	if (loan == NULL)
		return errset(e, EX_NOINPUT, _("LOAN: no loan %s"),
		    k->row->loan);
	if (need(e, ev->to, "--received-by", _("who checked the keys "
	    "back in")) != 0 || field_name(e, "--received-by", ev->to) != 0)
		return -1;
	if (k->count > loan->count - loan->returned)
		return errset(e, EX_DATAERR, _("--count: loan %s has %ld "
		    "key(s) out; cannot return %ld (SPEC 2.2)"), k->row->loan,
		    loan->count - loan->returned, k->count);
	k->v[K_UNIT] = loan->unit;
	k->v[K_LOAN] = k->row->loan;
	k->v[K_FROM] = loan->borrower;
	k->v[K_TO] = ev->to;
	return 0;
}

static int
check_lost(struct check *k)
{
	if (need(k->e, k->ev->note, "--note", _("what happened (钥匙管理备忘录)"))
	    != 0 || cabinet_holds(k->e, k->b, k->ev->unit, k->count,
	    _("report lost")) != 0)
		return -1;
	return 0;
}

static int
check_remedy(struct check *k)
{
	const struct key_event *ev = k->ev;

	if (need(k->e, ev->action, "--action", _("rekey or recut")) != 0 ||
	    field_enum(k->e, "--action", ev->action, key_actions) != 0 ||
	    need(k->e, ev->note, "--note", _("what was done")) != 0)
		return -1;
	k->v[K_ACTION] = ev->action;
	k->v[K_COUNT] = "0";
	return 0;
}

/* What each event needs beyond the unit, the count and the note. */
static const struct event_rule {
	const char *event;
	int (*check)(struct check *);
} event_rules[] = {
	{ "receive", check_receive },
	{ "issue", check_issue },
	{ "lend", check_lend },
	{ "return", check_return },
	{ "lost", check_lost },
	{ "remedy", check_remedy },
};

/*
 * Validate one event against the book as it stands; fill the row.
 * Returns 0, or -1 with e naming the field or the rule.
 */
static int
check_event(struct pm_ctx *ctx, struct key_book *b, const struct key_event *ev,
    struct key_row *row, struct pm_err *e)
{
	/* v is row's array, which this fills: nothing is read from it */
	/* cppcheck-suppress ctuuninitvar */
	const char **v = row->v;
	const char *event = ev->event ? ev->event : "";
	/* e is where an error is written: nothing is read from it */
	/* cppcheck-suppress ctuuninitvar */
	struct check k = { ctx, b, ev, row, v, 0, e };
	size_t i;

	for (i = 0; i < K_NCOLS; i++)
		v[i] = "";
	v[K_NCOLS] = NULL;
	if (field_enum(e, "event", event, key_events) != 0 ||
	    field_event_time(e, "--at", ev->at, ctx->now, &row->at) != 0)
		return -1;
	v[K_EVENT] = event;
	/* The unit must be a real code, and in the owner archive once it has any. */
	if (strcmp(event, "return") != 0 && (need(e, ev->unit, "--unit",
	    _("the unit code the keys are labelled with")) != 0 ||
	    owner_unit_check(ctx, "--unit", ev->unit, e) != 0))
		return -1;
	v[K_UNIT] = ev->unit ? ev->unit : "";
	if (strcmp(event, "remedy") != 0) {
		if (need(e, ev->count, "--count", _("how many keys")) != 0 ||
		    field_count(e, "--count", ev->count, 1, KEY_COUNT_MAX,
		    &k.count) != 0)
			return -1;
		snprintf(row->count, sizeof row->count, "%ld", k.count);
		v[K_COUNT] = row->count;
	}
	if (ev->note && *ev->note && field_text(e, "--note", ev->note,
	    strlen(ev->note), FIELD_TEXT_MAX) != 0)
		return -1;
	v[K_NOTE] = ev->note ? ev->note : "";
	for (i = 0; i < sizeof event_rules / sizeof event_rules[0]; i++)
		if (strcmp(event_rules[i].event, event) == 0)
			return event_rules[i].check(&k);
	return 0;
}

int
key_record(struct pm_ctx *ctx, const struct key_event *ev, char *id,
    struct pm_err *e)
{
	struct key_book b;
	struct key_row row;
	struct ledger_tx *tx;
	struct ledger *l;
	char at[20];
	int rc;

	memset(&b, 0, sizeof b);
	l = ledger_open(&key_def, ctx->data);
	/* The cabinet is read under the lock: concurrent clerks see each other. */
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	/*
	 * A unit is archived only with nothing in the cabinet or on loan, and
	 * all its rows with it: the live book has every key and open loan, so
	 * what it allows the whole history allows.  A refusal is checked
	 * against the whole history, which words it.
	 */
	fold_book_from(l, &b, NULL, 1);
	rc = check_event(ctx, &b, ev, &row, e);
	if (rc != 0) {
		key_book_free(&b);
		memset(&b, 0, sizeof b);
		fold_book(l, &b, NULL);
		rc = check_event(ctx, &b, ev, &row, e);
	}
	if (rc != 0) {
		ledger_rollback(tx);
		ledger_close(l);
		key_book_free(&b);
		return -1;
	}
	clock_format(row.at, at);
	key_id(ledger_add(tx, row.at, ctx->user, ctx->now, row.v), id);
	ledger_commit(tx);
	ledger_close(l);
	key_book_free(&b);
	return 0;
}

/* ---- reading --------------------------------------------------------------------- */

static int
loan_older(const void *a, const void *b)
{
	const struct key_loan *x = *(struct key_loan *const *)a;
	const struct key_loan *y = *(struct key_loan *const *)b;

	return x->lent < y->lent ? -1 : x->lent > y->lent;
}

size_t
key_overdue(struct pm_ctx *ctx, struct key_book *b, long days,
    struct key_loan ***out)
{
	size_t i, n = 0;

	*out = xcalloc(b->nloans + 1, sizeof **out);
	for (i = 0; i < b->nloans; i++) {
		struct key_loan *loan = &b->loans[i];

		if (loan->count - loan->returned <= 0)
			continue;
		loan->days_out = (ctx->now - loan->lent) / DAY_SECONDS;
		/* SPEC 2.2: out longer than loan_days (N x 24 hours). */
		if (ctx->now - loan->lent > days * DAY_SECONDS)
			(*out)[n++] = loan;
	}
	qsort(*out, n, sizeof **out, loan_older);
	return n;
}

/*
 * SPEC 2.2: a loan out longer than loan_days gets a reminder slip to the
 * borrower's department: that is whom the breach reaches.
 */
int
key_breaches(struct pm_ctx *ctx, breach_fn fn, void *arg, struct pm_err *e)
{
	struct key_loan **loans;
	struct key_book b;
	size_t i, n;

	(void)e;
	key_read_open(ctx, &b);
	n = key_overdue(ctx, &b, ctx->conf.loan_days, &loans);
	for (i = 0; i < n; i++) {
		const struct key_loan *loan = loans[i];
		struct buf what = { 0 };
		struct pm_breach br;

		buf_addf(&what, "%ld key(s) lent %s, out longer than %ld days",
		    loan->count - loan->returned, loan->lent_at,
		    ctx->conf.loan_days);
		br.book = "keys";
		br.id = loan->id;
		br.unit = loan->unit;
		br.deadline = "return";
		br.due = loan->lent + ctx->conf.loan_days * DAY_SECONDS;
		br.escalate_to = loan->dept;
		br.escalate_name = loan->borrower;
		br.what = what.s;
		fn(&br, arg);
		buf_free(&what);
	}
	free(loans);
	key_book_free(&b);
	return 0;
}

/* The count of the cabinet into b: unit,counted lines, each unit once. */
static int
count_read(struct key_book *b, const char *file, struct pm_err *e)
{
	struct import_src *src = import_open(file, NULL, e);
	struct row r;
	long errors = 0, counted;
	int rc;

	if (src == NULL)
		return -1;
	while ((rc = import_next(src, &r, e)) == 1) {
		struct pm_err fe;
		struct key_unit *u;

		if (r.line == 1 && r.n >= 1 && strcmp(r.f[0], "unit") == 0)
			continue;
		if (r.n < 2 || field_unit(&fe, "unit", r.f[0]) != 0 ||
		    field_count(&fe, "counted", r.f[1], 0, 999, &counted) != 0) {
			if (r.n < 2)
				errset(&fe, EX_DATAERR, _("expected unit,counted"));
			warnmsg(_("line %ld: %s"), r.line, fe.msg);
			errors++;
			continue;
		}
		u = unit_get(b, r.f[0], 1);
		if (u->counted >= 0) {
			warnmsg(_("line %ld: unit: %s is counted twice"), r.line,
			    r.f[0]);
			errors++;
			continue;
		}
		u->counted = counted;
	}
	import_close(src);
	if (rc < 0)
		return -1;
	if (errors)
		return errset(e, EX_DATAERR, _("%s: %ld rows with errors"), file,
		    errors);
	return 0;
}

/*
 * SPEC 2.2: the 25th's count is an event of the key book, a row a unit
 * counted or holding keys: found, the book's figure, who counted; all
 * of them or none.
 */
static void
count_record(struct pm_ctx *ctx, const struct key_book *b)
{
	struct ledger *l = ledger_open(&key_def, ctx->data);
	struct ledger_tx *tx = ledger_begin(l, ctx->conf.lock_timeout);
	struct key_book now;
	size_t i;

	memset(&now, 0, sizeof now);
	fold_book_from(l, &now, NULL, 1);	/* the cabinet under the lock */
	for (i = 0; i < b->nunits; i++) {
		const struct key_unit *u = &b->units[i];
		struct key_unit *in = unit_get(&now, u->unit, 1);
		long found = u->counted < 0 ? 0 : u->counted;
		char c[24], x[24];
		const char *v[K_NCOLS + 1];
		int k;

		if (u->counted < 0 && in->on_hand == 0)
			continue;
		for (k = 0; k < K_NCOLS; k++)
			v[k] = "";
		v[K_NCOLS] = NULL;
		snprintf(c, sizeof c, "%ld", found);
		snprintf(x, sizeof x, "%ld", in->on_hand);
		v[K_EVENT] = "count";
		v[K_UNIT] = u->unit;
		v[K_COUNT] = c;
		v[K_EXPECTED] = x;
		v[K_TO] = ctx->user;
		v[K_CONFIRMED] = found == in->on_hand ? "✓" : "";
		ledger_add(tx, ctx->now, ctx->user, ctx->now, v);
	}
	ledger_commit(tx);
	ledger_close(l);
	key_book_free(&now);
}

int
key_inventory_count(struct pm_ctx *ctx, struct key_book *b, const char *file,
    long *discrepancies, struct pm_err *e)
{
	size_t i;

	if (count_read(b, file, e) != 0)
		return -1;
	count_record(ctx, b);
	*discrepancies = 0;
	for (i = 0; i < b->nunits; i++)
		if (b->units[i].counted != b->units[i].on_hand &&
		    !(b->units[i].counted < 0 && b->units[i].on_hand == 0))
			(*discrepancies)++;
	return 0;
}

/* A cell of the slip's table: cut to its width, the whole on slip_more. */
static void
slip_cell(struct buf *b, const char *s, int width)
{
	size_t at = b->len;

	out_cut(b, s, width - 2);
	out_pad(b, "", width - out_width(b->s + at));
}

/* Under a loan's row: the go-between, and names too long for their cell. */
static void
slip_more(struct buf *b, const struct key_loan *loan)
{
	struct buf more = { 0 };

	if (out_width(loan->borrower) > 8 || out_width(loan->work_id) > 8)
		buf_addf(&more, "借用人 %s, 工作证号 %s  ", loan->borrower,
		    loan->work_id);
	if (*loan->via)
		buf_addf(&more, "(%s 借用, 经 %s 代借)", loan->dept, loan->via);
	if (more.len > 0) {
		out_pad(b, "", 10);
		out_wrap(b, more.s, 10, 10, 80);
	}
	buf_free(&more);
}

/*
 * The department a slip goes to: the borrower's own, or for a borrower
 * through a go-between (施工单位, 业主) the go-between's department,
 * which answers for the keys.
 */
static const char *
slip_dept(const struct key_loan *loan)
{
	const struct lend_rule *r = lend_rule(loan->dept);

	return r != NULL && r->via_dept != NULL ? r->via_dept : loan->dept;
}

void
key_slips(struct pm_ctx *ctx, struct key_loan **loans, size_t n, long days,
    FILE *out)
{
	static const char rule[] = "──────────────────────────────────────"
	    "──────────────────────────────────────────";
	char today[11];
	size_t i, j;
	int first = 1;

	clock_format_date(ctx->now, today);
	for (i = 0; i < n; i++) {
		struct buf b = { 0 };
		char head[200];

		for (j = 0; j < i; j++)
			if (strcmp(slip_dept(loans[j]), slip_dept(loans[i])) == 0)
				break;
		if (j < i)
			continue;	/* this department's slip is printed */
		if (!first)
			buf_adds(&b, "\f\n");
		first = 0;
		buf_adds(&b, "                                  借匙催还单\n\n");
		snprintf(head, sizeof head, "借用部门: %s", slip_dept(loans[i]));
		/* SPEC 6: 80 columns whatever the names' lengths */
		if (out_width(head) > 54) {
			out_wrap(&b, head, 0, 10, 80);
			out_pad(&b, "", 56);
		} else
			out_pad(&b, head, 56);
		buf_addf(&b, "签发日期: %s\n", today);
		buf_addf(&b, "%s\n", rule);
		out_pad(&b, "借匙单号", 10);
		out_pad(&b, "房号", 12);
		out_pad(&b, "数量", 6);
		out_pad(&b, "借用人", 10);
		out_pad(&b, "工作证号", 10);
		out_pad(&b, "借出时间", 21);
		buf_adds(&b, "已借天数\n");
		for (j = i; j < n; j++) {
			char cnt[16], dd[16];

			if (strcmp(slip_dept(loans[j]), slip_dept(loans[i])) != 0)
				continue;
			snprintf(cnt, sizeof cnt, "%ld", loans[j]->count -
			    loans[j]->returned);
			snprintf(dd, sizeof dd, "%ld", loans[j]->days_out);
			out_pad(&b, loans[j]->id, 10);
			out_pad(&b, loans[j]->unit, 12);
			out_pad(&b, cnt, 6);
			slip_cell(&b, loans[j]->borrower, 10);
			slip_cell(&b, loans[j]->work_id, 10);
			out_pad(&b, loans[j]->lent_at, 21);
			buf_addf(&b, "%s\n", dd);
			slip_more(&b, loans[j]);
		}
		buf_addf(&b, "%s\n", rule);
		buf_addf(&b, "上列钥匙借出已超过 %ld 天, 请借用人于接单当日归还"
		    "客服中心, 并办理归还手续.\n\n", days);
		buf_adds(&b, "客服中心签发: __________  借用部门签收: "
		    "__________  签收日期: __________\n");
		fwrite(b.s, 1, b.len, out);
		buf_free(&b);
	}
}

int
key_unit_issued(const char *unit, void *book)
{
	const struct key_unit *u = key_find_unit(book, unit);

	return u != NULL && u->issued > 0;
}

static long
key_closed_month(const struct ledger *l, const struct row *r, void *arg)
{
	struct key_book *b = arg;
	const char *unit = row_get(l, r, "unit");
	const struct key_unit *u;

	if (*unit == '\0') {
		struct key_loan *loan = loan_get(b, row_get(l, r, "loan"));

		if (loan == NULL)
			return -1;
		unit = loan->unit;
	}
	u = key_find_unit(b, unit);
	if (u == NULL || u->on_hand != 0 || u->lent_out != 0 || u->last == 0)
		return -1;
	return clock_month_key(u->last);
}

long
key_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg)
{
	struct ledger *l = ledger_open(&key_def, ctx->data);
	struct ledger_tx *tx;
	struct key_book b;
	long moved;

	if (!ledger_exists(l)) {
		ledger_close(l);
		return 0;
	}
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	/* read under the lock: no clerk can reopen a matter meanwhile */
	memset(&b, 0, sizeof b);
	fold_book(l, &b, NULL);
	moved = ledger_archive(tx, before, key_closed_month, &b, dry_run,
	    report, rarg, ctx->now, ctx->user);
	key_book_free(&b);
	ledger_close(l);
	return moved;
}

int
key_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e)
{
	const struct ledger_def *const defs[] = { &key_def, NULL };

	return ledger_verify_books(ctx->data, defs, out, e);
}

/* ---- import ---------------------------------------------------------------------- */

/* The columns of an import, by the names of the command's options. */
static const char *const import_names[] = { "event", "unit", "count",
	"expected", "source", "from|from_staff", "to|to_staff", "dept",
	"work_id", "via", "id_doc", "loan", "action", "note", "at", NULL };
enum { I_EVENT, I_UNIT, I_COUNT, I_EXPECTED, I_SOURCE, I_FROM, I_TO,
	I_DEPT, I_WORK_ID, I_VIA, I_ID_DOC, I_LOAN, I_ACTION, I_NOTE, I_AT,
	I_N };

struct import_run {
	struct pm_ctx *ctx;
	struct key_book b;
	struct import_seen seen;
	struct ledger_tx *tx;
	int col[I_N];
	long errors, added, dups;
};

/* One row of the file, checked as pm-key checks it, applied at once. */
static void
import_row(struct import_run *ir, const struct row *r)
{
	const char *v[I_N];
	struct key_event ev;
	struct key_row row;
	struct pm_err fe;
	char at[20], id[KEY_ID_MAX];
	int i, is_new;

	for (i = 0; i < I_N; i++)
		v[i] = ir->col[i] >= 0 && ir->col[i] < r->n ? r->f[ir->col[i]] :
		    NULL;
	memset(&ev, 0, sizeof ev);
	ev.event = v[I_EVENT];
	ev.unit = v[I_UNIT];
	ev.count = v[I_COUNT];
	ev.expected = v[I_EXPECTED];
	ev.source = v[I_SOURCE];
	ev.from = v[I_FROM];
	ev.to = v[I_TO];
	ev.dept = v[I_DEPT];
	ev.work_id = v[I_WORK_ID];
	ev.via = v[I_VIA];
	ev.id_doc = v[I_ID_DOC];
	ev.loan = v[I_LOAN];
	ev.action = v[I_ACTION];
	ev.note = v[I_NOTE];
	ev.at = v[I_AT];
	if (check_event(ir->ctx, &ir->b, &ev, &row, &fe) != 0) {
		if (++ir->errors <= IMPORT_ERRORS_SHOWN)
			warnmsg(_("line %ld: %s"), r->line, fe.msg);
		return;
	}
	if (ir->errors)
		return;		/* nothing will be written; just check */
	clock_format(row.at, at);
	import_key(&ir->seen, row.v, at, &is_new);
	if (!is_new) {
		ir->dups++;
		return;
	}
	key_id(ledger_add(ir->tx, row.at, ir->ctx->user, ir->ctx->now, row.v),
	    id);
	apply(&ir->b, id, at, ir->ctx->user, row.v);
	ir->added++;
}

int
key_import(struct pm_ctx *ctx, const char *file, const char *encoding,
    int dry_run, FILE *out, struct pm_err *e)
{
	static const char *const required[] = { "event", "unit", "count", NULL };
	struct import_src *src;
	struct import_run ir;
	struct ledger *l;
	struct row r;
	int rc;

	memset(&ir, 0, sizeof ir);
	if ((src = import_start(file, encoding, import_names, required, ir.col,
	    e)) == NULL)
		return -1;
	ir.ctx = ctx;
	l = ledger_open(&key_def, ctx->data);
	ir.tx = ledger_begin(l, ctx->conf.lock_timeout);
	import_seen_reserve(&ir.seen, (size_t)ledger_tx_last_seq(ir.tx) +
	    import_rows_hint(src));
	fold_book(l, &ir.b, &ir.seen);
	while ((rc = import_next(src, &r, e)) == 1)
		import_row(&ir, &r);
	import_close(src);
	import_seen_free(&ir.seen);
	key_book_free(&ir.b);
	if (rc == 0 && !ir.errors && !dry_run)
		ledger_commit(ir.tx);
	else
		ledger_rollback(ir.tx);
	ledger_close(l);
	return import_finish(out, file, rc, ir.errors, dry_run, ir.added,
	    ir.dups, e);
}
