/*
 * visit.c - the return-visit procedure (SPEC 2.4), read top to bottom:
 *
 *   every handled complaint, repair, special project, emergency help,
 *   activity and other service is visited within its window;
 *   A complaints by the manager, B/C by the department supervisor with
 *   the clerk, everything else by the clerk;
 *   the visitor signs a sheet out, records quality, attitude and the
 *   owner's satisfaction, and signs it back in;
 *   the supervisor reviews each sheet; a failed visit goes back into
 *   the complaint procedure: a complaint is reopened, any other service
 *   becomes a new complaint that names the visit;
 *   every quarter: unqualified visits, the same matter complained about
 *   twice, the same repair three times.
 */
#include <stdlib.h>
#include <string.h>

#include "complaint.h"
#include "owner.h"
#include "visit_priv.h"

const char *const visit_cols[] = { "event", "ref", "type", "unit",
	"done", "end", "window", "visitor", "quality", "attitude",
	"satisfaction", "suggestion", "owner_signed", "verdict", "comment",
	"complaint", NULL };
/* SPEC 3: visit sheets are kept 2 years */
const struct ledger_def visit_def = { "visits", visit_cols, 0640, 2 };

const char *const visit_types[] = { "repair", "special", "emergency",
	"activity", "other", NULL };
static const char *const satisfactions[] = { "satisfied", "basic",
	"unsatisfied", NULL };
static const char *const verdicts[] = { "pass", "fail", NULL };

/*
 * SPEC 2.4: the visit windows after completion (from..to; months are
 * calendar months) and the target visit rates.  A special project is
 * visited at mid-term and after its end; the activity target is the
 * supervisor's (pm.conf activity_visit_target, default 10%).
 */
static const struct window_rule {
	const char *type;
	long from_s, to_s;
	int to_months;
} windows[] = {
	{ "complaint", 0, 3 * DAY_SECONDS, 0 },
	{ "repair", DAY_SECONDS, 0, 2 },
	{ "special", 0, 7 * DAY_SECONDS, 0 },	/* after the end; mid-term too */
	{ "emergency", 0, 7 * DAY_SECONDS, 0 },
	{ "activity", 0, 0, 1 },
	{ "other", 0, 7 * DAY_SECONDS, 0 },
};

const struct visit_rule visit_rules[] = {
	{ "complaint", "within 3 days after handled", 1.00,
	    "manager (A), supervisor+clerk (B, C)" },
	{ "repair", "from 24 hours to 2 months after completion", 0.95,
	    "clerk" },
	{ "special", "at mid-term, and within a week after the end", 0.95,
	    "clerk" },
	{ "emergency", "within 1 week", 0.95, "clerk" },
	{ "activity", "within 1 month", 0.10, "clerk" },
	{ "other", "within 1 week", 0.95, "clerk" },
};
const size_t visit_nrules = sizeof visit_rules / sizeof visit_rules[0];

/* The department a failed visit of a service is complained to. */
static const struct { const char *type, *category; } fail_category[] = {
	{ "repair", "GC" }, { "special", "GC" }, { "emergency", "KF" },
	{ "activity", "KF" }, { "other", "QT" },
};

#define REPEAT_COMPLAINTS 2	/* the same matter twice or more */
#define REPEAT_REPAIRS 3	/* the same repair three times or more */

static const struct window_rule *
window_rule(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof windows / sizeof windows[0]; i++)
		if (strcmp(windows[i].type, type) == 0)
			return &windows[i];
	return NULL;
}

static time_t
add_months(time_t t, int months)
{
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_mon += months;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Lay out the sheets (windows) of an item from its type and dates. */
static void
lay_out(struct visit_item *it)
{
	const struct window_rule *w = window_rule(it->type);
	struct visit_sheet *s;
	time_t base = it->done;

	memset(it->sheet, 0, sizeof it->sheet);
	for (s = it->sheet; s < it->sheet + 2; s++)
		s->checked_out_by = s->visitor = s->reviewed_by = "";
	s = &it->sheet[0];
	it->nsheets = 1;
	if (strcmp(it->type, "special") == 0 && it->end) {
		/* mid-term: from half-way to the end; then after the end */
		snprintf(s->label, sizeof s->label, "mid");
		s->from = it->done + (it->end - it->done) / 2;
		s->to = it->end;
		s = &it->sheet[1];
		snprintf(s->label, sizeof s->label, "end");
		it->nsheets = 2;
		base = it->end;
	}
	s->from = base + (w ? w->from_s : 0);
	s->to = w && w->to_months ? add_months(base, w->to_months) :
	    base + (w ? w->to_s : 7 * DAY_SECONDS);
}

void
visit_book_free(struct visit_book *b)
{
	size_t i;
	int k;

	for (i = 0; i < b->n; i++)
		for (k = 0; k < 2; k++) {
			free(b->v[i].sheet[k].suggestion);
			free(b->v[i].sheet[k].comment);
		}
	for (i = 0; i < b->nnames; i++)
		free(b->names[i]);
	free(b->names);
	free(b->v);
	free(b->fails);
	memset(b, 0, sizeof *b);
}

/* The latest item under a reference (a complaint's latest handling). */
struct visit_item *
visit_find(struct visit_book *b, const char *ref)
{
	size_t i;

	for (i = b->n; i > 0; i--)
		if (strcmp(b->v[i - 1].ref, ref) == 0)
			return &b->v[i - 1];
	return NULL;
}

/* The item a sheet event at time at belongs to: the handling before it. */
static struct visit_item *
item_at(struct visit_book *b, const char *ref, time_t at)
{
	size_t i;

	for (i = b->n; i > 0; i--)
		if (strcmp(b->v[i - 1].ref, ref) == 0 && b->v[i - 1].done <= at)
			return &b->v[i - 1];
	return NULL;
}

static struct visit_item *
item_new(struct visit_book *b)
{
	struct visit_item *it;

	GROW(b->v, b->n + 1, b->cap);
	it = &b->v[b->n++];
	memset(it, 0, sizeof *it);
	return it;
}

const char *
visit_state(const struct visit_sheet *s, time_t now)
{
	if (s->recorded)
		return "visited";
	if (now > s->to)
		return "overdue";
	if (now < s->from)
		return "upcoming";
	return "due";
}

/*
 * SPEC 2.4: a visit not made by the end of its window is the
 * supervisor's to chase (the supervisor reviews every sheet).
 */
int
visit_breaches(struct pm_ctx *ctx, breach_fn fn, void *arg, struct pm_err *e)
{
	struct visit_book b;
	size_t i;
	int k;

	if (visit_read_due(ctx, &b, e) != 0)
		return -1;
	for (i = 0; i < b.n; i++)
		for (k = 0; k < b.v[i].nsheets; k++) {
			const struct visit_item *it = &b.v[i];
			const struct visit_sheet *s = &it->sheet[k];
			struct buf what = { 0 }, deadline = { 0 };
			struct pm_breach br;

			if (strcmp(visit_state(s, ctx->now), "overdue") != 0)
				continue;
			buf_addf(&deadline, "visit%s%s", *s->label ? "-" : "",
			    s->label);
			buf_addf(&what, "%s visit by the %s, not made in its "
			    "window", it->type, it->visitor_role);
			br.book = "visits";
			br.id = it->ref;
			br.unit = it->unit;
			br.deadline = deadline.s;
			br.due = s->to;
			br.escalate_to = "supervisor";
			br.escalate_name = ctx->conf.nsupervisors ?
			    ctx->conf.supervisors[0] : "";
			br.what = what.s;
			fn(&br, arg);
			buf_free(&what);
			buf_free(&deadline);
		}
	visit_book_free(&b);
	return 0;
}

struct visit_sheet *
visit_current(struct visit_item *it, time_t now)
{
	int k;

	for (k = 0; k < it->nsheets; k++)
		if (!it->sheet[k].recorded && it->sheet[k].from <= now)
			return &it->sheet[k];
	return NULL;
}

/* ---- folding: handled complaints, then the visit book ------------------------------ */

struct fold {
	struct ledger *l;
	struct visit_book *b;
	int col[V_NCOLS];
	const char *only;	/* one item's ref, or NULL */
};

/* A complaint's handling as an item: SPEC 2.4's visitors by importance. */
void
handling_item(struct visit_item *it, const char *code, const char *unit,
    const char *importance, const char *category, time_t done)
{
	memset(it, 0, sizeof *it);
	snprintf(it->ref, sizeof it->ref, "%s", code);
	snprintf(it->type, sizeof it->type, "complaint");
	snprintf(it->unit, sizeof it->unit, "%s", unit);
	snprintf(it->importance, sizeof it->importance, "%s", importance);
	snprintf(it->category, sizeof it->category, "%s", category);
	snprintf(it->visitor_role, sizeof it->visitor_role, "%s",
	    importance[0] == 'A' ? "manager" : "supervisor+clerk");
	it->done = done;
	lay_out(it);
}

/* A service row's item (pm-visit service). */
void
service_item(struct visit_item *it, const char *const *v)
{
	memset(it, 0, sizeof *it);
	snprintf(it->ref, sizeof it->ref, "%s", v[V_REF]);
	snprintf(it->type, sizeof it->type, "%s", v[V_TYPE]);
	snprintf(it->unit, sizeof it->unit, "%s", v[V_UNIT]);
	snprintf(it->visitor_role, sizeof it->visitor_role, "clerk");
	clock_parse(v[V_DONE], &it->done, NULL);
	if (*v[V_END])
		clock_parse(v[V_END], &it->end, NULL);
	lay_out(it);
}

/*
 * A name as the book keeps it: one copy however many sheets name it (the
 * last few names are looked at); none kept when b is NULL, the name then
 * outliving the item.
 */
static const char *
name_kept(struct visit_book *b, const char *name)
{
	size_t i;

	if (b == NULL || *name == '\0')
		return *name ? name : "";
	for (i = b->nnames; i > 0 && i + 64 > b->nnames; i--)
		if (strcmp(b->names[i - 1], name) == 0)
			return b->names[i - 1];
	GROW(b->names, b->nnames + 1, b->capnames);
	return b->names[b->nnames++] = xstrdup(name);
}

/* A sheet row (checkout, record, review) on the sheet of its window. */
void
sheet_apply(struct visit_book *b, struct visit_item *it,
    const char *const *v, const char *by, time_t at)
{
	const char *event = v[V_EVENT];
	struct visit_sheet *s = NULL;
	int i;

	for (i = 0; i < it->nsheets; i++)
		if (strcmp(it->sheet[i].label, v[V_WINDOW]) == 0)
			s = &it->sheet[i];
	if (s == NULL)
		return;
	if (strcmp(event, "checkout") == 0)
		s->checked_out_by = name_kept(b, v[V_VISITOR]);
	else if (strcmp(event, "record") == 0) {
		s->recorded = at;
		s->visitor = name_kept(b, v[V_VISITOR]);
		s->quality = atoi(v[V_QUALITY]);
		s->attitude = atoi(v[V_ATTITUDE]);
		snprintf(s->satisfaction, sizeof s->satisfaction, "%s",
		    v[V_SATISFACTION]);
		free(s->suggestion);
		s->suggestion = xstrdup(v[V_SUGGESTION]);
		s->owner_signed = strcmp(v[V_SIGNED], "yes") == 0;
	} else if (strcmp(event, "review") == 0) {
		snprintf(s->verdict, sizeof s->verdict, "%s", v[V_VERDICT]);
		s->reviewed_by = name_kept(b, by);
		free(s->comment);
		s->comment = xstrdup(v[V_COMMENT]);
		snprintf(s->new_complaint, sizeof s->new_complaint, "%s",
		    v[V_COMPLAINT]);
	}
}

static int
fold_row(const struct row *r, void *arg)
{
	struct fold *f = arg;
	const char *v[V_NCOLS];
	struct visit_item *it;
	time_t at;
	int i;

	for (i = 0; i < V_NCOLS; i++)
		v[i] = r->f[f->col[i]];
	if (f->only != NULL && strcmp(v[V_REF], f->only) != 0)
		return 0;
	clock_parse(row_get(f->l, r, "at"), &at, NULL);
	if (strcmp(v[V_EVENT], "service") == 0) {
		service_item(item_new(f->b), v);
		return 0;
	}
	if (strcmp(v[V_EVENT], "review") == 0 &&
	    strcmp(v[V_VERDICT], "fail") == 0) {
		struct visit_fail *x;

		GROW(f->b->fails, f->b->nfails + 1, f->b->capfails);
		x = &f->b->fails[f->b->nfails++];
		snprintf(x->ref, sizeof x->ref, "%s", v[V_REF]);
		snprintf(x->unit, sizeof x->unit, "%s", v[V_UNIT]);
		snprintf(x->type, sizeof x->type, "%s", v[V_TYPE]);
		x->at = at;
	}
	if ((it = item_at(f->b, v[V_REF], at)) != NULL)
		sheet_apply(f->b, it, v, row_get(f->l, r, "by"), at);
	return 0;
}

/*
 * The items of the complaints of cb (read from the month before since,
 * or all: since 0), then the visits book from since on; only: the rows
 * of one ref.
 */
static void
fold_from(struct pm_ctx *ctx, struct visit_book *b, long since,
    const struct complaint_book *cb, const char *only)
{
	struct fold f;
	size_t i;

	memset(b, 0, sizeof *b);
	for (i = 0; i < cb->n; i++) {
		const struct complaint *c = &cb->v[i];
		int h;

		if (strcmp(c->kind, "complaint") != 0)
			continue;
		/* each handling is visited: a reopened one is handled again */
		for (h = 0; h < c->nhandled; h++)
			handling_item(item_new(b), c->code, c->unit,
			    c->importance, c->category, c->handled[h]);
	}
	f.l = ledger_open(&visit_def, ctx->data);
	f.b = b;
	f.only = only;
	if (only != NULL)
		ledger_want(f.l, ledger_row_holds, (void *)only);
	for (i = 0; i < V_NCOLS; i++)
		f.col[i] = ledger_col(f.l, visit_cols[i]);
	if (since > 0)
		ledger_scan_since(f.l, (int)(since / 12), (int)(since % 12) + 1,
		    fold_row, &f);
	else
		ledger_scan(f.l, fold_row, &f);
	ledger_close(f.l);
}

static void
fold_since(struct pm_ctx *ctx, struct visit_book *b, long since)
{
	struct complaint_book cb;
	struct pm_err e;

	/*
	 * SPEC 4: a handled complaint is due for its visit with no extra
	 * step.  A visit window opens at most days after the handling, and a
	 * complaint closes after its visit: the month before holds them all.
	 */
	complaint_read_since(ctx, 0, since > 0 ? since - 1 : 0, &cb, &e);
	fold_from(ctx, b, since, &cb, NULL);
	complaint_book_free(&cb);
}

/* One ref's item: its complaint (if it is one) and its rows. */
static void
fold_one(struct pm_ctx *ctx, struct visit_book *b, const char *ref)
{
	struct complaint_book cb;
	struct pm_err e;

	complaint_read_one(ctx, 0, ref, &cb, &e);
	fold_from(ctx, b, 0, &cb, ref);
	complaint_book_free(&cb);
}

static void
fold_all(struct pm_ctx *ctx, struct visit_book *b)
{
	fold_since(ctx, b, 0);
}

int
visit_read_since(struct pm_ctx *ctx, int year, int month,
    struct visit_book *b, struct pm_err *e)
{
	(void)e;
	fold_since(ctx, b, (long)year * 12 + month - 1);
	return 0;
}

int
visit_read_ref(struct pm_ctx *ctx, const char *ref, struct visit_book *b,
    struct pm_err *e)
{
	(void)e;
	fold_one(ctx, b, ref);
	return 0;
}

int
visit_read_since_with(struct pm_ctx *ctx, int year, int month,
    const struct complaint_book *cb, struct visit_book *b, struct pm_err *e)
{
	(void)e;
	fold_from(ctx, b, (long)year * 12 + month - 1, cb, NULL);
	return 0;
}

int
visit_read_due(struct pm_ctx *ctx, struct visit_book *b, struct pm_err *e)
{
	(void)e;
	fold_since(ctx, b, clock_month_key(ctx->now) - 1);
	return 0;
}

/* ---- writes ---------------------------------------------------------------------------- */

static int
check_ref(struct pm_err *e, const char *ref)
{
	size_t i, n = strlen(ref);

	for (i = 0; i < n; i++)
		if (!((ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' &&
		    ref[i] <= 'z') || (ref[i] >= '0' && ref[i] <= '9') ||
		    ref[i] == '-' || ref[i] == '_'))
			break;
	if (n == 0 || n >= VISIT_REF_MAX || i != n)
		return errset(e, EX_DATAERR, _("REF: expected a reference of "
		    "letters, digits, - and _ (at most %d), got \"%.40s\""),
		    VISIT_REF_MAX - 1, ref);
	return 0;
}

/* Write one row to the visit book, the book read under its lock. */
struct visit_tx {
	struct ledger *l;
	struct ledger_tx *tx;
	struct visit_book b;
};

static void
vtx_begin(struct pm_ctx *ctx, struct visit_tx *v, const char *ref)
{
	v->l = ledger_open(&visit_def, ctx->data);
	v->tx = ledger_begin(v->l, ctx->conf.lock_timeout);
	if (ref != NULL)
		fold_one(ctx, &v->b, ref);
	else
		fold_all(ctx, &v->b);
}

static int
vtx_end(struct visit_tx *v, struct pm_ctx *ctx, const char **vals, char *id,
    int rc)
{
	if (rc == 0) {
		snprintf(id, 16, "V%06ld", ledger_add(v->tx, ctx->now, ctx->user,
		    ctx->now, vals));
		ledger_commit(v->tx);
	} else
		ledger_rollback(v->tx);
	ledger_close(v->l);
	visit_book_free(&v->b);
	return rc;
}

static void
blank(const char **vals)
{
	int i;

	for (i = 0; i < V_NCOLS; i++)
		vals[i] = "";
	vals[V_NCOLS] = NULL;
}

int
visit_service(struct pm_ctx *ctx, const char *type, const char *ref,
    const char *unit, const char *done, const char *end, char *id,
    struct pm_err *e)
{
	const char *vals[V_NCOLS + 1];
	char dones[20], ends[20] = "";
	struct visit_tx v;
	time_t td, te = 0;
	int rc = 0;

	if (field_enum(e, "--type", type, visit_types) != 0 ||
	    check_ref(e, ref) != 0 ||
	    owner_unit_check(ctx, "--unit", unit, e) != 0 ||
	    field_date(e, "--done", done, &td) != 0)
		return -1;
	/* SPEC 2.4: visits follow completed work */
	if (td > ctx->now)
		return errset(e, EX_DATAERR, _("--done: %s lies in the future; a "
		    "service is registered once it is completed"), done);
	if (strcmp(type, "special") == 0 && end == NULL)
		return errset(e, EX_DATAERR, _("--end is required: a special "
		    "project is visited at mid-term and after its end"));
	if (end) {
		if (field_date(e, "--end", end, &te) != 0)
			return -1;
		if (te < td)
			return errset(e, EX_DATAERR, _("--end: before --done"));
		clock_format(te, ends);
	}
	clock_format(td, dones);
	vtx_begin(ctx, &v, ref);
	if (visit_find(&v.b, ref))
		rc = errset(e, EX_DATAERR, _("REF: %s is already registered"),
		    ref);
	blank(vals);
	vals[V_EVENT] = "service";
	vals[V_REF] = ref;
	vals[V_TYPE] = type;
	vals[V_UNIT] = unit;
	vals[V_DONE] = dones;
	vals[V_END] = ends;
	return vtx_end(&v, ctx, vals, id, rc);
}

/* The item and its sheet now open; errors for each way it is not. */
static struct visit_sheet *
open_sheet(struct pm_ctx *ctx, struct visit_book *b, const char *ref,
    struct visit_item **itp, struct pm_err *e)
{
	struct visit_item *it = visit_find(b, ref);
	struct visit_sheet *s;
	char when[20];
	int k;

	if (it == NULL) {
		errset(e, EX_NOINPUT, _("REF: nothing to visit under %.40s (a "
		    "handled complaint, or a service registered with pm-visit "
		    "service)"), ref);
		return NULL;
	}
	*itp = it;
	s = visit_current(it, ctx->now);
	if (s == NULL) {
		for (k = 0; k < it->nsheets; k++)
			if (!it->sheet[k].recorded)
				break;
		if (k == it->nsheets)
			errset(e, EX_DATAERR, _("%s was already visited; one "
			    "visit a window"), ref);
		else {
			clock_format(it->sheet[k].from, when);
			errset(e, EX_DATAERR, _("%s: the visit window opens at %s"),
			    ref, when);
		}
	}
	return s;
}

int
visit_checkout(struct pm_ctx *ctx, const char *ref, const char *visitor,
    char *id, struct pm_err *e)
{
	const char *vals[V_NCOLS + 1];
	struct visit_item *it = NULL;
	struct visit_sheet *s;
	struct visit_tx v;
	int rc = 0;

	if (field_name(e, "--visitor", visitor) != 0)
		return -1;
	vtx_begin(ctx, &v, ref);
	blank(vals);
	s = open_sheet(ctx, &v.b, ref, &it, e);
	if (s == NULL)
		rc = -1;
	else if (*s->checked_out_by)
		rc = errset(e, EX_DATAERR, _("%s: the sheet is already signed out "
		    "to %s"), ref, s->checked_out_by);
	else {
		vals[V_EVENT] = "checkout";
		vals[V_REF] = it->ref;
		vals[V_TYPE] = it->type;
		vals[V_UNIT] = it->unit;
		vals[V_WINDOW] = s->label;
		vals[V_VISITOR] = visitor;
	}
	return vtx_end(&v, ctx, vals, id, rc);
}

int
visit_record(struct pm_ctx *ctx, const struct visit_record *r, char *id,
    struct pm_err *e)
{
	const char *vals[V_NCOLS + 1];
	struct visit_item *it = NULL;
	struct visit_sheet *s;
	struct visit_tx v;
	long q, a;
	int rc = 0;

	if (field_name(e, "--visitor", r->visitor) != 0 ||
	    field_count(e, "--quality", r->quality, 1, 5, &q) != 0 ||
	    field_count(e, "--attitude", r->attitude, 1, 5, &a) != 0 ||
	    field_enum(e, "--satisfaction", r->satisfaction, satisfactions)
	    != 0 || (r->suggestion && field_text(e, "--suggestion",
	    r->suggestion, strlen(r->suggestion), FIELD_TEXT_MAX) != 0))
		return -1;
	vtx_begin(ctx, &v, r->ref);
	blank(vals);
	s = open_sheet(ctx, &v.b, r->ref, &it, e);
	if (s == NULL)
		rc = -1;
	else if (*s->checked_out_by == '\0')
		rc = errset(e, EX_DATAERR, _("%s: the visit sheet was not signed "
		    "out (pm-visit checkout %s --visitor NAME)"), r->ref, r->ref);
	else if (strcmp(s->checked_out_by, r->visitor) != 0)
		rc = errset(e, EX_DATAERR, _("--visitor: the sheet of %s is "
		    "signed out to %s"), r->ref, s->checked_out_by);
	else {
		vals[V_EVENT] = "record";
		vals[V_REF] = it->ref;
		vals[V_TYPE] = it->type;
		vals[V_UNIT] = it->unit;
		vals[V_WINDOW] = s->label;
		vals[V_VISITOR] = r->visitor;
		vals[V_QUALITY] = r->quality;
		vals[V_ATTITUDE] = r->attitude;
		vals[V_SATISFACTION] = r->satisfaction;
		vals[V_SUGGESTION] = r->suggestion ? r->suggestion : "";
		vals[V_SIGNED] = r->owner_signed ? "yes" : "no";
	}
	return vtx_end(&v, ctx, vals, id, rc);
}

static const char *
owner_name(struct pm_ctx *ctx, const char *unit)
{
	static char name[FIELD_NAME_MAX * 4 + 1];
	struct owner_book ob;
	const struct owner *o;
	struct pm_err e;

	snprintf(name, sizeof name, "业主");
	if (owner_read(ctx, NULL, &ob, &e) == 0) {
		if ((o = owner_find(&ob, unit)) != NULL)
			snprintf(name, sizeof name, "%s", o->name);
		owner_book_free(&ob);
	}
	return name;
}

int
visit_review(struct pm_ctx *ctx, const char *ref, const char *by,
    const char *verdict, const char *comment, char *id, char *complaint,
    struct pm_err *e)
{
	const char *vals[V_NCOLS + 1];
	struct visit_item *it;
	struct visit_sheet *s = NULL;
	struct visit_tx v;
	char eid[16];
	int k, rc = 0;

	complaint[0] = '\0';
	if (field_name(e, "--by", by) != 0 ||
	    field_enum(e, "--verdict", verdict, verdicts) != 0 ||
	    (comment && field_text(e, "--comment", comment, strlen(comment),
	    FIELD_TEXT_MAX) != 0))
		return -1;
	if (!conf_is_supervisor(&ctx->conf, by))
		return errset(e, EX_DATAERR, _("--by: %s is not a supervisor "
		    "(pm.conf: supervisors); the supervisor reviews each sheet "
		    "(SPEC 2.4)"), by);
	vtx_begin(ctx, &v, ref);
	blank(vals);
	it = visit_find(&v.b, ref);
	if (it == NULL)
		rc = errset(e, EX_NOINPUT, _("REF: nothing to visit under %.40s"),
		    ref);
	else {
		for (k = 0; k < it->nsheets; k++)
			if (it->sheet[k].recorded && !*it->sheet[k].verdict) {
				s = &it->sheet[k];
				break;
			}
		if (s == NULL)
			rc = errset(e, EX_DATAERR, _("%s: no recorded sheet waits "
			    "for review (record the visit first)"), ref);
	}
	if (rc == 0 && it != NULL && strcmp(verdict, "fail") == 0) {
		/* SPEC 2.4: back into the complaint procedure */
		struct buf why = { 0 };

		buf_addf(&why, "回访不合格 (%s %s)%s%s", it->type, it->ref,
		    comment ? ": " : "", comment ? comment : "");
		if (strcmp(it->type, "complaint") == 0) {
			rc = complaint_reopen(ctx, it->ref, why.s, by, eid, e);
			snprintf(complaint, COMPLAINT_CODE_MAX, "%.31s", it->ref);
		} else {
			struct complaint_in in;
			size_t c;

			memset(&in, 0, sizeof in);
			in.unit = it->unit;
			in.name = owner_name(ctx, it->unit);
			in.text = why.s;
			in.importance = "B";
			in.category = "QT";
			for (c = 0; c < sizeof fail_category /
			    sizeof fail_category[0]; c++)
				if (strcmp(fail_category[c].type, it->type) == 0)
					in.category = fail_category[c].category;
			rc = complaint_add(ctx, &in, complaint, e);
		}
		buf_free(&why);
	}
	if (rc == 0) {
		vals[V_EVENT] = "review";
		vals[V_REF] = it->ref;
		vals[V_TYPE] = it->type;
		vals[V_UNIT] = it->unit;
		vals[V_WINDOW] = s->label;
		vals[V_VERDICT] = verdict;
		vals[V_COMMENT] = comment ? comment : "";
		vals[V_COMPLAINT] = complaint;
	}
	return vtx_end(&v, ctx, vals, id, rc);
}

/* ---- rates and analysis ------------------------------------------------------------------ */

/*
 * One window of a service in the period, however many sheets it took (a
 * complaint reopened after a failed visit is handled again, an item of
 * its own beside the first, and visited again): due once, visited if any
 * sheet was, judged by the last visited.  v[0..n) are the items of one
 * ref, as the fold lays them out side by side.
 */
static void
rate_window(const struct visit_item *v, size_t n, const char *label,
    time_t from, time_t to, struct visit_rate *o)
{
	const struct visit_sheet *last = NULL;
	size_t i;
	int j;

	for (i = 0; i < n; i++)
		for (j = 0; j < v[i].nsheets; j++) {
			const struct visit_sheet *s = &v[i].sheet[j];

			if (strcmp(s->label, label) == 0 && s->from >= from &&
			    s->from < to && s->recorded)
				last = s;
		}
	o->due++;
	if (last == NULL)
		return;
	o->visited++;
	if (strcmp(last->satisfaction, "satisfied") == 0)
		o->satisfied++;
	if (*last->verdict) {
		o->reviewed++;
		if (strcmp(last->verdict, "pass") == 0)
			o->passed++;
	}
}

/* The windows of one ref opened in the period, each labelled once. */
static void
rate_ref(const struct visit_item *v, size_t n, time_t from, time_t to,
    struct visit_rate *o)
{
	char seen[8][8];
	size_t i, nseen = 0, k;
	int j;

	for (i = 0; i < n; i++)
		for (j = 0; j < v[i].nsheets; j++) {
			const struct visit_sheet *s = &v[i].sheet[j];

			if (s->from < from || s->from >= to)
				continue;
			for (k = 0; k < nseen && strcmp(seen[k], s->label) != 0; k++)
				;
			if (k < nseen || nseen == 8)
				continue;
			snprintf(seen[nseen++], sizeof seen[0], "%s", s->label);
			rate_window(v, n, s->label, from, to, o);
		}
}

const char *
visit_target_met(const struct visit_rate *r)
{
	if (r->due == 0)
		return "";
	return r->rate >= r->target - 1e-9 ? "yes" : "no";
}

size_t
visit_rates(struct pm_ctx *ctx, struct visit_book *b, time_t from, time_t to,
    struct visit_rate *out)
{
	size_t r, i, n;

	for (r = 0; r < visit_nrules; r++) {
		struct visit_rate *o = &out[r];

		memset(o, 0, sizeof *o);
		o->type = visit_rules[r].type;
		o->target = visit_rules[r].target;
		if (strcmp(o->type, "activity") == 0)
			o->target = ctx->conf.activity_visit_target / 100.0;
		/* due in the period: a window opened then, once a ref */
		for (i = 0; i < b->n; i += n) {
			for (n = 1; i + n < b->n && strcmp(b->v[i + n].ref,
			    b->v[i].ref) == 0; n++)
				;
			if (strcmp(b->v[i].type, o->type) == 0)
				rate_ref(&b->v[i], n, from, to, o);
		}
		o->rate = o->due ? (double)o->visited / o->due : -1;
	}
	return visit_nrules;
}

static void
finding_push(struct visit_finding **f, size_t *n, size_t *cap,
    const char *kind, const char *unit, const char *category, long count,
    const char *refs)
{
	struct visit_finding *x;

	GROW(*f, *n + 1, *cap);
	x = &(*f)[(*n)++];
	memset(x, 0, sizeof *x);
	snprintf(x->kind, sizeof x->kind, "%s", kind);
	snprintf(x->unit, sizeof x->unit, "%s", unit);
	snprintf(x->category, sizeof x->category, "%s", category);
	x->count = count;
	x->refs = xstrdup(refs);
}

void
visit_findings_free(struct visit_finding *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(f[i].refs);
	free(f);
}

size_t
visit_analysis(struct pm_ctx *ctx, struct visit_book *b, time_t from,
    time_t to, struct visit_finding **out)
{
	struct complaint_book cb;
	struct pm_err e;
	size_t i, j, n = 0, cap = 0;

	*out = NULL;
	/* unqualified visits of the quarter, reviewed in it */
	for (i = 0; i < b->nfails; i++)
		if (b->fails[i].at >= from && b->fails[i].at < to)
			finding_push(out, &n, &cap, "unqualified",
			    b->fails[i].unit, "", 1, b->fails[i].ref);
	/* the same unit, the same problem code, twice or more */
	complaint_read_since(ctx, 0, clock_month_key(from), &cb, &e);
	for (i = 0; i < cb.n; i++) {
		const struct complaint *c = &cb.v[i];
		struct buf refs = { 0 };
		long count = 0;

		if (strcmp(c->kind, "complaint") != 0 || c->registered < from ||
		    c->registered >= to)
			continue;
		for (j = 0; j < cb.n; j++) {
			const struct complaint *d = &cb.v[j];

			if (strcmp(d->kind, "complaint") != 0 ||
			    d->registered < from || d->registered >= to ||
			    strcmp(d->unit, c->unit) != 0 ||
			    strcmp(d->category, c->category) != 0)
				continue;
			if (j < i)
				break;	/* counted with the first of them */
			count++;
			buf_addf(&refs, "%s%s", refs.len ? ";" : "", d->code);
		}
		if (j >= i && count >= REPEAT_COMPLAINTS)
			finding_push(out, &n, &cap, "repeat-complaint", c->unit,
			    c->category, count, refs.s);
		buf_free(&refs);
	}
	complaint_book_free(&cb);
	/* the same repair (unit) three times or more */
	for (i = 0; i < b->n; i++) {
		const struct visit_item *it = &b->v[i];
		struct buf refs = { 0 };
		long count = 0;

		if (strcmp(it->type, "repair") != 0 || it->done < from ||
		    it->done >= to)
			continue;
		for (j = 0; j < b->n; j++) {
			const struct visit_item *o = &b->v[j];

			if (strcmp(o->type, "repair") != 0 || o->done < from ||
			    o->done >= to || strcmp(o->unit, it->unit) != 0)
				continue;
			if (j < i)
				break;
			count++;
			buf_addf(&refs, "%s%s", refs.len ? ";" : "", o->ref);
		}
		if (j >= i && count >= REPEAT_REPAIRS)
			finding_push(out, &n, &cap, "repeat-repair",
			    it->unit, "", count, refs.s);
		buf_free(&refs);
	}
	return n;
}

/* ---- verify and import ---------------------------------------------------------------------- */

/* ---- archiving ------------------------------------------------------------------------- */

struct ref_month {
	char ref[VISIT_REF_MAX];
	long month;		/* -1: a sheet still to be recorded */
};

static int
ref_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ref_month *)a)->ref,
	    ((const struct ref_month *)b)->ref);
}

struct ref_months {
	struct ref_month *v;
	size_t n;
};

static long
visit_closed_month(const struct ledger *l, const struct row *r, void *arg)
{
	struct ref_months *m = arg;
	struct ref_month probe = { 0 }, *hit;

	if (m->n == 0)
		return -1;
	snprintf(probe.ref, sizeof probe.ref, "%s", row_get(l, r, "ref"));
	hit = bsearch(&probe, m->v, m->n, sizeof *m->v, ref_cmp);
	return hit ? hit->month : -1;
}

long
visit_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg)
{
	struct ledger *l = ledger_open(&visit_def, ctx->data);
	struct ledger_tx *tx;
	struct visit_book b;
	struct ref_months m;
	size_t i, k, out;
	long moved;
	int s;

	if (!ledger_exists(l)) {
		ledger_close(l);
		return 0;
	}
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	fold_all(ctx, &b);
	m.v = xcalloc(b.n + 1, sizeof *m.v);
	for (i = 0; i < b.n; i++) {
		const struct visit_item *it = &b.v[i];
		time_t last = 0;

		snprintf(m.v[i].ref, sizeof m.v[i].ref, "%s", it->ref);
		for (s = 0; s < it->nsheets; s++) {
			if (!it->sheet[s].recorded)
				break;
			if (it->sheet[s].recorded > last)
				last = it->sheet[s].recorded;
		}
		m.v[i].month = s < it->nsheets || last == 0 ? -1 :
		    clock_month_key(last);
	}
	m.n = b.n;
	if (m.n > 0)
		qsort(m.v, m.n, sizeof *m.v, ref_cmp);
	/* one entry a ref: open if any of its items is, else the latest */
	for (i = 0, out = 0; i < m.n; i = k) {
		struct ref_month r = m.v[i];

		for (k = i + 1; k < m.n && strcmp(m.v[k].ref, r.ref) == 0; k++)
			if (r.month >= 0 && (m.v[k].month < 0 ||
			    m.v[k].month > r.month))
				r.month = m.v[k].month;
		m.v[out++] = r;
	}
	m.n = out;
	moved = ledger_archive(tx, before, visit_closed_month, &m, dry_run,
	    report, rarg, ctx->now, ctx->user);
	free(m.v);
	visit_book_free(&b);
	ledger_close(l);
	return moved;
}

int
visit_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e)
{
	const struct ledger_def *const defs[] = { &visit_def, NULL };

	return ledger_verify_books(ctx->data, defs, out, e);
}

/* Import services: columns type, ref, unit, done and optionally end. */
static const char *const import_names[] = { "type", "ref", "unit", "done",
	"end", NULL };
enum { I_TYPE, I_REF, I_UNIT, I_DONE, I_END, I_N };

struct import_run {
	struct pm_ctx *ctx;
	struct visit_tx v;
	int col[I_N];
	long errors, added, dups;
};

/* A service line of the file, checked as pm-visit service checks one. */
static int
import_check(struct pm_ctx *ctx, const char *const *x, time_t *td,
    time_t *te, struct pm_err *fe)
{
	if (field_enum(fe, "type", x[I_TYPE], visit_types) != 0 ||
	    check_ref(fe, x[I_REF]) != 0 ||
	    owner_unit_check(ctx, "unit", x[I_UNIT], fe) != 0 ||
	    field_date(fe, "done", x[I_DONE], td) != 0 ||
	    field_not_future(fe, "done", *td, ctx->now) != 0 ||
	    (*x[I_END] && field_date(fe, "end", x[I_END], te) != 0))
		return -1;
	if (strcmp(x[I_TYPE], "special") == 0 && !*x[I_END])
		return errset(fe, EX_DATAERR, _("end: required for a special "
		    "project"));
	return 0;
}

static void
import_row(struct import_run *ir, const struct row *r)
{
	const char *x[I_N], *vals[V_NCOLS + 1];
	char dones[20], ends[20] = "";
	struct pm_err fe;
	struct visit_item *it;
	time_t td, te = 0;
	int i;

	for (i = 0; i < I_N; i++)
		x[i] = ir->col[i] >= 0 && ir->col[i] < r->n ? r->f[ir->col[i]] :
		    "";
	if (import_check(ir->ctx, x, &td, &te, &fe) != 0) {
		if (++ir->errors <= IMPORT_ERRORS_SHOWN)
			warnmsg(_("line %ld: %s"), r->line, fe.msg);
		return;
	}
	if ((it = visit_find(&ir->v.b, x[I_REF])) != NULL) {
		if (strcmp(it->unit, x[I_UNIT]) == 0 &&
		    strcmp(it->type, x[I_TYPE]) == 0)
			ir->dups++;
		else if (++ir->errors <= IMPORT_ERRORS_SHOWN)
			warnmsg(_("line %ld: ref: %s is already registered "
			    "for another service"), r->line, x[I_REF]);
		return;
	}
	if (ir->errors)
		return;
	clock_format(td, dones);
	if (*x[I_END])
		clock_format(te, ends);
	it = item_new(&ir->v.b);
	snprintf(it->ref, sizeof it->ref, "%s", x[I_REF]);
	snprintf(it->type, sizeof it->type, "%s", x[I_TYPE]);
	snprintf(it->unit, sizeof it->unit, "%s", x[I_UNIT]);
	blank(vals);
	vals[V_EVENT] = "service";
	vals[V_REF] = x[I_REF];
	vals[V_TYPE] = x[I_TYPE];
	vals[V_UNIT] = x[I_UNIT];
	vals[V_DONE] = dones;
	vals[V_END] = ends;
	ledger_add(ir->v.tx, ir->ctx->now, ir->ctx->user, ir->ctx->now, vals);
	ir->added++;
}

int
visit_import(struct pm_ctx *ctx, const char *file, const char *encoding,
    int dry_run, FILE *out, struct pm_err *e)
{
	static const char *const required[] = { "type", "ref", "unit", "done",
		NULL };
	struct import_src *src;
	struct import_run ir;
	struct row r;
	int rc;

	memset(&ir, 0, sizeof ir);
	if ((src = import_start(file, encoding, import_names, required, ir.col,
	    e)) == NULL)
		return -1;
	ir.ctx = ctx;
	vtx_begin(ctx, &ir.v, NULL);
	while ((rc = import_next(src, &r, e)) == 1)
		import_row(&ir, &r);
	import_close(src);
	if (rc < 0 || ir.errors || dry_run)
		ledger_rollback(ir.v.tx);
	else
		ledger_commit(ir.v.tx);
	ledger_close(ir.v.l);
	visit_book_free(&ir.v.b);
	return import_finish(out, file, rc, ir.errors, dry_run, ir.added,
	    ir.dups, e);
}
