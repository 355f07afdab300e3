/*
 * reno.c - renovation (SPEC 2.8; seed 002 装修管理 and 客户服务标准 §2.2,
 * seed 003).
 *
 * Sections: the book and the kinds of work; reading a file; the steps
 * and their rules (a table); writing; deadlines (a table); the month's
 * summary; verify, import, archive.  The printed forms: renoform.c.
 */
#include <search.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "owner.h"
#include "reno.h"

/* ---- the book and the kinds of work ------------------------------------------- */

enum { R_EVENT, R_REF, R_UNIT, R_APPLICANT, R_TENANT, R_CONSENT,
	R_CONTRACTOR, R_FROM, R_UNTIL, R_WORKS, R_WORK, R_DOCUMENTS, R_PERSON,
	R_DECISION, R_REASON, R_DEPOSIT, R_FEE, R_NAME, R_ID_DOC, R_RESULT,
	R_TEXT, R_RECTIFY_BY, R_NCOLS };
static const char *const reno_cols[] = { "event", "ref", "unit",
	"applicant", "tenant", "owner_consent", "contractor", "from", "until",
	"works", "work", "documents", "person", "decision", "reason",
	"deposit", "fee", "name", "id_doc", "result", "text", "rectify_by",
	NULL };
static const struct ledger_def reno_def = { "renovations", reno_cols, 0640 };
/* SPEC 2.8: a renovation touches the structure: its file is kept for good */
const struct ledger_def *const reno_book_defs[] = { &reno_def, NULL };

/*
 * SPEC 2.8, seed 002 装修登记 §2.1: an application including one of the
 * forbidden works is not registered.  --help and pm-reno(1) print this.
 */
const struct reno_work reno_works[] = {
	{ "structure", 1, "未经设计擅自变动建筑主体和承重结构" },
	{ "wet-room", 1, "将没有防水要求的房间或阳台改为卫生间、厨房" },
	{ "bearing-wall", 1, "扩大承重墙上原有门窗尺寸，拆除连接阳台的墙体" },
	{ "energy", 1, "损坏房屋原有节能设施、降低节能效果" },
	{ "building", 1, "未经批准搭建建筑物、构筑物" },
	{ "facade", 1, "未经批准改变外立面、在非承重外墙上开门窗" },
	{ "heating", 1, "未经供热管理单位批准拆改供热管道和设施" },
	{ "gas", 1, "未经燃气管理单位批准拆改燃气管道和设施" },
	{ "floor", 0, "地面" },
	{ "wall", 0, "墙面" },
	{ "ceiling", 0, "吊顶" },
	{ "plumbing", 0, "给排水" },
	{ "electric", 0, "电路" },
	{ "paint", 0, "油漆涂料" },
	{ "door-window", 0, "门窗 (不改洞口)" },
	{ "kitchen", 0, "厨房" },
	{ "bathroom", 0, "卫生间" },
	{ "other", 0, "其他" },
};
const size_t reno_nworks = sizeof reno_works / sizeof reno_works[0];

/* lfind(3) compares a key with an element: each table's first field is its name. */
static int
by_name(const void *key, const void *elem)
{
	return strcmp(*(const char *const *)key, *(const char *const *)elem);
}

const struct reno_work *
reno_work_of(const char *code)
{
	size_t n = reno_nworks;

	return lfind(&code, reno_works, &n, sizeof reno_works[0], by_name);
}

/* ---- reading a file ------------------------------------------------------------- */

static void
reno_free(struct reno *r)
{
	size_t i;

	free(r->unit); free(r->applicant); free(r->owner_consent);
	free(r->contractor); free(r->works); free(r->work); free(r->documents);
	free(r->reviewer); free(r->reason); free(r->acceptor); free(r->points);
	free(r->refunder);
	for (i = 0; i < r->npass; i++) {
		free(r->pass[i].name);
		free(r->pass[i].id_doc);
	}
	for (i = 0; i < r->nviol; i++) {
		free(r->viol[i].text);
		free(r->viol[i].by);
		free(r->viol[i].rectified_by);
	}
	for (i = 0; i < r->nev; i++) {
		free(r->ev[i].by);
		free(r->ev[i].detail);
	}
	free(r->pass);
	free(r->viol);
	free(r->ev);
}

void
reno_book_free(struct reno_book *b)
{
	while (b->n > 0)
		reno_free(&b->v[--b->n]);
	free(b->v);
	b->v = NULL;
	b->cap = 0;
}

static long
id_seq(const char *id)
{
	if (id == NULL || strlen(id) != 7 || id[0] != 'R' ||
	    strspn(id + 1, "0123456789") != 6)
		return -1;
	return atol(id + 1);
}

/* Files are read in the order of their applications: found by halving. */
static struct reno *
find_seq(struct reno_book *b, long want)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		long seq = atol(b->v[mid].id + 1);

		if (seq == want)
			return &b->v[mid];
		if (seq < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct reno *
reno_find(struct reno_book *b, const char *id)
{
	return find_seq(b, id_seq(id));
}

int
reno_open(const struct reno *r)
{
	return strcmp(r->status, "refused") != 0 &&
	    strcmp(r->status, "refunded") != 0;
}

struct fold {
	const struct ledger *l;
	struct reno_book *b;
	const char *only;	/* show, form: the one file kept */
	int history;
	char asof[20];		/* rows after this are not yet (reports) */
};

/* The application's texts, each a column of its row. */
static const struct {
	const char *col;
	size_t off;
} apply_texts[] = {
	{ "unit", offsetof(struct reno, unit) },
	{ "applicant", offsetof(struct reno, applicant) },
	{ "owner_consent", offsetof(struct reno, owner_consent) },
	{ "contractor", offsetof(struct reno, contractor) },
	{ "works", offsetof(struct reno, works) },
	{ "work", offsetof(struct reno, work) },
	{ "documents", offsetof(struct reno, documents) },
};

static void
fold_apply(const struct ledger *l, const struct row *row, struct reno_book *b)
{
	struct reno *r;
	size_t i;

	GROW(b->v, b->n + 1, b->cap);
	r = memset(&b->v[b->n++], 0, sizeof *r);
	snprintf(r->id, sizeof r->id, "R%06ld", row_seq(row));
	row_copy(l, row, "at", r->at, sizeof r->at);
	row_copy(l, row, "by", r->by, sizeof r->by);
	row_copy(l, row, "from", r->from, sizeof r->from);
	row_copy(l, row, "until", r->until, sizeof r->until);
	clock_parse(r->at, &r->t, NULL);
	clock_parse(r->from, &r->from_t, NULL);
	clock_parse(r->until, &r->until_t, NULL);
	for (i = 0; i < sizeof apply_texts / sizeof apply_texts[0]; i++)
		*(char **)((char *)r + apply_texts[i].off) = row_strdup(l, row,
		    apply_texts[i].col);
	r->tenant = strcmp(row_get(l, row, "tenant"), "yes") == 0;
	r->status = "applied";
}

static void
fold_patrol(const struct ledger *l, const struct row *row, struct reno *r,
    time_t t)
{
	struct reno_violation *v;

	r->patrols++;
	r->seen = t;
	if (strcmp(row_get(l, row, "result"), "violation") != 0)
		return;
	GROW(r->viol, r->nviol + 1, r->capviol);
	v = &r->viol[r->nviol++];
	memset(v, 0, sizeof *v);
	row_copy(l, row, "at", v->at, sizeof v->at);
	row_copy(l, row, "rectify_by", v->rectify_by, sizeof v->rectify_by);
	v->t = t;
	clock_parse(v->rectify_by, &v->due, NULL);
	v->text = row_strdup(l, row, "text");
	v->by = row_strdup(l, row, "person");
}

static void
fold_rectified(const struct ledger *l, const struct row *row, struct reno *r,
    time_t t)
{
	size_t i;

	for (i = 0; i < r->nviol; i++)
		if (!r->viol[i].rectified) {
			r->viol[i].rectified = t;
			snprintf(r->viol[i].rectified_at, 20, "%s",
			    row_get(l, row, "at"));
			r->viol[i].rectified_by = row_strdup(l, row, "person");
		}
}

static void
set_str(char **slot, const struct ledger *l, const struct row *row,
    const char *col)
{
	free(*slot);
	*slot = row_strdup(l, row, col);
}

/* A later step: the file moves on. */
static void
fold_step(const struct ledger *l, const struct row *row, struct reno *r)
{
	const char *ev = row_get(l, row, "event"), *at = row_get(l, row, "at");
	time_t t;

	clock_parse(at, &t, NULL);
	if (strcmp(ev, "review") == 0) {
		r->reviewed = t;
		row_copy(l, row, "at", r->reviewed_at, sizeof r->reviewed_at);
		set_str(&r->reviewer, l, row, "person");
		set_str(&r->reason, l, row, "reason");
		r->status = strcmp(row_get(l, row, "decision"), "approve") == 0 ?
		    "approved" : "refused";
	} else if (strcmp(ev, "permit") == 0) {
		r->permitted = t;
		row_copy(l, row, "at", r->permitted_at, sizeof r->permitted_at);
		field_fen(row_get(l, row, "deposit"), &r->deposit_fen);
		field_fen(row_get(l, row, "fee"), &r->fee_fen);
		r->status = "permitted";
	} else if (strcmp(ev, "pass") == 0) {
		struct reno_pass *p;

		GROW(r->pass, r->npass + 1, r->cappass);
		p = &r->pass[r->npass++];
		row_copy(l, row, "at", p->at, sizeof p->at);
		row_copy(l, row, "until", p->until, sizeof p->until);
		p->name = row_strdup(l, row, "name");
		p->id_doc = row_strdup(l, row, "id_doc");
	} else if (strcmp(ev, "patrol") == 0) {
		fold_patrol(l, row, r, t);
	} else if (strcmp(ev, "rectified") == 0) {
		fold_rectified(l, row, r, t);
	} else if (strcmp(ev, "request") == 0) {
		r->requested = t;
		r->status = "requested";
	} else if (strcmp(ev, "accept") == 0) {
		r->accepted = t;
		row_copy(l, row, "at", r->accepted_at, sizeof r->accepted_at);
		set_str(&r->acceptor, l, row, "person");
		set_str(&r->points, l, row, "text");
		r->status = strcmp(row_get(l, row, "result"), "pass") == 0 ?
		    "passed" : "failed";
		if (r->status[0] == 'f')
			r->seen = t;	/* the unit seen: patrols go on tomorrow */
	} else if (strcmp(ev, "refund") == 0) {
		r->refunded = t;
		row_copy(l, row, "at", r->refunded_at, sizeof r->refunded_at);
		set_str(&r->refunder, l, row, "person");
		r->status = "refunded";
	}
}

/* What show prints of a row: the step's own fields, with their words. */
static const struct { const char *col, *zh; } shown[] = {
	{ "decision", "审核意见" }, { "reason", "原因" }, { "deposit", "押金" },
	{ "fee", "管理费" }, { "name", "姓名" }, { "until", "有效期至" },
	{ "result", "结果" }, { "text", "内容" }, { "rectify_by", "限期整改至" },
};

static void
fold_event(const struct ledger *l, const struct row *row, struct reno *r)
{
	struct reno_event *e;
	struct buf d = { 0 };
	int zh = words_chinese();
	size_t i;

	GROW(r->ev, r->nev + 1, r->capev);
	e = &r->ev[r->nev++];
	row_copy(l, row, "at", e->at, sizeof e->at);
	row_copy(l, row, "event", e->event, sizeof e->event);
	e->by = xstrdup(*row_get(l, row, "person") ? row_get(l, row, "person") :
	    row_get(l, row, "by"));
	for (i = 0; i < sizeof shown / sizeof shown[0]; i++) {
		const char *v = row_get(l, row, shown[i].col);

		if (*v == '\0' || (strcmp(e->event, "apply") == 0 &&
		    strcmp(shown[i].col, "until") == 0))
			continue;
		/* a person reads it: in Chinese in a zh locale (SPEC 6) */
		if (zh)
			buf_addf(&d, "%s%s：%s", d.len ? "，" : "", shown[i].zh,
			    words_say(shown[i].col, v));
		else
			buf_addf(&d, "%s%s=%s", d.len ? " " : "", shown[i].col, v);
	}
	e->detail = d.s ? d.s : xstrdup("");
}

static int
fold_row(const struct row *row, void *arg)
{
	struct fold *f = arg;
	const char *ref = row_get(f->l, row, "ref");
	struct reno *r;

	if (f->asof[0] && strcmp(row_get(f->l, row, "at"), f->asof) > 0)
		return 0;
	if (*ref == '\0') {
		char id[RENO_ID_MAX];

		snprintf(id, sizeof id, "R%06ld", row_seq(row));
		if (f->only && strcmp(f->only, id) != 0)
			return 0;
		fold_apply(f->l, row, f->b);
		r = &f->b->v[f->b->n - 1];
	} else if ((r = reno_find(f->b, ref)) != NULL) {
		fold_step(f->l, row, r);
	} else {
		return 0;
	}
	if (f->history)
		fold_event(f->l, row, r);
	return 0;
}

static void
read_book(struct ledger *l, int all, const char *only, struct reno_book *b,
    time_t asof)
{
	struct fold f = { l, b, only, only != NULL, "" };

	memset(b, 0, sizeof *b);
	if (!ledger_exists(l))
		return;
	if (asof)
		clock_format(asof, f.asof);
	if (all)
		ledger_scan(l, fold_row, &f);
	else
		ledger_scan_live(l, fold_row, &f);
}

int
reno_read(struct pm_ctx *ctx, int all, struct reno_book *b, struct pm_err *e)
{
	struct ledger *l = ledger_open(&reno_def, ctx->data);

	(void)e;
	/* as the book stood at ctx->now: a report of a past day */
	read_book(l, all, NULL, b, ctx->now);
	ledger_close(l);
	return 0;
}

/* show and form: one file with its whole history; NULL if there is none. */
struct reno *
reno_read_one(struct pm_ctx *ctx, const char *id, struct reno_book *b)
{
	struct ledger *l;

	memset(b, 0, sizeof *b);
	if (id_seq(id) < 0)
		return NULL;
	l = ledger_open(&reno_def, ctx->data);
	read_book(l, 1, id, b, 0);
	ledger_close(l);
	return b->n ? &b->v[0] : NULL;
}

/* ---- the steps and their rules ----------------------------------------------------- */

enum { NEED_BY = 1, NEED_DECISION = 2, NEED_DEPOSIT = 4, NEED_NAME = 8,
	NEED_ID_DOC = 16, NEED_UNTIL = 32, NEED_RESULT = 64, NEED_RESPONSIBLE = 128 };

/*
 * SPEC 2.8, a row a step: what it needs, and the statuses the file must
 * be in ("|" separated).  --help and pm-reno(1) say the same.
 */
static const struct reno_step {
	const char *event;
	int needs;
	const char *from;
	const char *rule;
} reno_steps[] = {
	{ "review", NEED_BY | NEED_DECISION | NEED_RESPONSIBLE, "applied",
	    N_("an application is reviewed once") },
	{ "permit", NEED_DEPOSIT, "approved",
	    N_("the permit follows the approval, once") },
	{ "pass", NEED_NAME | NEED_ID_DOC | NEED_UNTIL, "permitted|failed",
	    N_("worker passes are issued while the works go on, after the "
	    "permit and before a passed acceptance") },
	{ "patrol", NEED_BY, "permitted|requested|failed",
	    N_("a unit is patrolled while under renovation, after the permit") },
	{ "rectified", NEED_BY, "permitted|requested|failed",
	    N_("a violation is rectified while the file is open") },
	{ "request", 0, "permitted|failed",
	    N_("the owner asks for acceptance after the permit, once the works "
	    "are done") },
	{ "accept", NEED_BY | NEED_RESULT | NEED_RESPONSIBLE, "requested",
	    N_("an acceptance follows the owner's request (accept ID "
	    "--requested)") },
	{ "refund", NEED_BY, "passed",
	    N_("the deposit is refunded once, after a passed acceptance") },
};

static const struct reno_step *
step_of(const char *event)
{
	size_t n = sizeof reno_steps / sizeof reno_steps[0];

	return lfind(&event, reno_steps, &n, sizeof reno_steps[0], by_name);
}

static int
text_ok(struct pm_err *e, const char *option, const char *v, size_t max)
{
	return v && field_text(e, option, v, strlen(v), max) != 0 ? -1 : 0;
}

/* A date of the command line, as a day (YYYY-MM-DD) written back. */
static int
day_of(struct pm_err *e, const char *option, const char *v, time_t *t,
    char out[11])
{
	int timed = 0;

	if (clock_parse(v, t, &timed) != 0 || timed)
		return errset(e, EX_DATAERR, _("%s: expected a date YYYY-MM-DD, "
		    "got \"%.20s\""), option, v);
	clock_format_date(*t, out);
	return 0;
}

/* SPEC 2.8: each work from the table; a forbidden one refused at once. */
static int
check_works(const struct reno_in *in, struct buf *codes, struct pm_err *e)
{
	int i, j;

	for (i = 0; i < in->nwork; i++) {
		const struct reno_work *w = reno_work_of(in->work[i]);
		struct buf all = { 0 };
		size_t k;

		for (j = 0; j < i && strcmp(in->work[j], in->work[i]) != 0; j++)
			;
		if (j < i)
			continue;	/* named twice */
		if (w == NULL) {
			for (k = 0; k < reno_nworks; k++)
				if (!reno_works[k].forbidden)
					buf_addf(&all, "%s%s", all.len ? ", " : "",
					    reno_works[k].code);
			errset(e, EX_DATAERR, _("--work: expected one of %s, got "
			    "\"%.20s\""), all.s, in->work[i]);
			buf_free(&all);
			return -1;
		}
		if (w->forbidden)
			return errset(e, EX_DATAERR, _("--work %s: %s is forbidden "
			    "and not registered (SPEC 2.8, seed 002 装修登记)"),
			    w->code, w->zh);
		buf_addf(codes, "%s%s", codes->len ? " " : "", w->code);
	}
	return 0;
}

/* The owner applies, or a tenant with the owner's written consent. */
static int
check_applicant(struct pm_ctx *ctx, const struct reno_in *in, struct pm_err *e)
{
	struct owner_book ob;
	const struct owner *o;
	int rc = 0;

	if (in->tenant && (in->owner_consent == NULL || *in->owner_consent == '\0'))
		return errset(e, EX_DATAERR, _("--tenant: a tenant's application "
		    "needs the owner's written consent (--owner-consent TEXT, "
		    "SPEC 2.8)"));
	if (!in->tenant && in->owner_consent)
		return errset(e, EX_USAGE, _("--owner-consent goes with --tenant"));
	if (owner_read(ctx, NULL, &ob, e) != 0)
		return -1;
	o = owner_find(&ob, in->unit);
	if (o != NULL && !in->tenant && strcmp(o->name, in->applicant) != 0)
		rc = errset(e, EX_DATAERR, _("--applicant: %s is not the owner of "
		    "%s (%s); a tenant applies with --tenant --owner-consent TEXT "
		    "(SPEC 2.8)"), in->applicant, in->unit, o->name);
	owner_book_free(&ob);
	return rc;
}

/* The application: every field a clerk fills in on 装修申请登记表. */
static int
check_apply(struct pm_ctx *ctx, const struct reno_in *in, time_t at,
    const char **v, char from[11], char until[11], struct buf *codes,
    struct pm_err *e)
{
	time_t f, u;

	if (field_required(e, "--unit", in->unit) || field_required(e, "--applicant", in->applicant) ||
	    field_required(e, "--contractor", in->contractor) ||
	    field_required(e, "--from", in->from) || field_required(e, "--until", in->until) ||
	    field_required(e, "--works", in->works) ||
	    field_name(e, "--applicant", in->applicant) ||
	    text_ok(e, "--contractor", in->contractor, 100) ||
	    text_ok(e, "--works", in->works, FIELD_TEXT_MAX) ||
	    text_ok(e, "--documents", in->documents, 400) ||
	    text_ok(e, "--owner-consent", in->owner_consent, 200) ||
	    check_works(in, codes, e) ||
	    day_of(e, "--from", in->from, &f, from) ||
	    day_of(e, "--until", in->until, &u, until))
		return -1;
	if (u < f)
		return errset(e, EX_DATAERR, _("--until: the period ends (%s) "
		    "before it begins (%s)"), until, from);
	if (u < clock_day_start(at))
		return errset(e, EX_DATAERR, _("--until: the period ended (%s) "
		    "before the application"), until);
	if (u > clock_add_days(f, 366))
		return errset(e, EX_DATAERR, _("--until: a renovation period of "
		    "more than a year (%s to %s)"), from, until);
	if (owner_unit_check(ctx, "--unit", in->unit, e) != 0 ||
	    check_applicant(ctx, in, e) != 0)
		return -1;
	v[R_UNIT] = in->unit;
	v[R_APPLICANT] = in->applicant;
	v[R_TENANT] = in->tenant ? "yes" : "";
	v[R_CONSENT] = in->owner_consent ? in->owner_consent : "";
	v[R_CONTRACTOR] = in->contractor;
	v[R_FROM] = from;
	v[R_UNTIL] = until;
	v[R_WORKS] = in->works;
	v[R_WORK] = codes->s ? codes->s : "";
	v[R_DOCUMENTS] = in->documents ? in->documents : "";
	return 0;
}

/* The fields of a step, present and well formed, before the book is read. */
static int
check_fields(struct pm_ctx *ctx, const struct reno_step *s,
    const struct reno_in *in, struct pm_err *e)
{
	static const char *const decisions[] = { "approve", "refuse", NULL };
	static const char *const results[] = { "pass", "fail", NULL };
	long fen;

	if (((s->needs & NEED_BY) && (field_required(e, "--by", in->by) ||
	    field_name(e, "--by", in->by))) ||
	    ((s->needs & NEED_DECISION) && (field_required(e, "--decision", in->decision) ||
	    field_enum(e, "--decision", in->decision, decisions))) ||
	    ((s->needs & NEED_DEPOSIT) && (field_required(e, "--deposit", in->deposit) ||
	    field_yuan(e, "--deposit", in->deposit, &fen))) ||
	    (in->fee && field_yuan(e, "--fee", in->fee, &fen)) ||
	    ((s->needs & NEED_NAME) && (field_required(e, "--name", in->name) ||
	    field_name(e, "--name", in->name))) ||
	    ((s->needs & NEED_ID_DOC) && (field_required(e, "--id-doc", in->id_doc) ||
	    text_ok(e, "--id-doc", in->id_doc, 60))) ||
	    ((s->needs & NEED_UNTIL) && field_required(e, "--until", in->until)) ||
	    ((s->needs & NEED_RESULT) && (field_required(e, "--result", in->result) ||
	    field_enum(e, "--result", in->result, results))) ||
	    text_ok(e, "--reason", in->reason, 400) ||
	    text_ok(e, "--violation", in->violation, FIELD_TEXT_MAX) ||
	    text_ok(e, "--points", in->points, FIELD_TEXT_MAX))
		return -1;
	if (in->decision && strcmp(in->decision, "refuse") == 0 &&
	    field_required(e, "--reason", in->reason))
		return -1;
	if (in->result && strcmp(in->result, "fail") == 0 &&
	    field_required(e, "--points", in->points))
		return -1;
	if (strcmp(s->event, "patrol") == 0) {
		if (in->ok == (in->violation != NULL))
			return errset(e, EX_USAGE, _("patrol: either --ok or "
			    "--violation TEXT --rectify-by DATE"));
		if (in->violation && field_required(e, "--rectify-by", in->rectify_by))
			return -1;
	}
	/* SPEC 2.8: reviewed and accepted by the office's responsible person */
	if ((s->needs & NEED_RESPONSIBLE) &&
	    !conf_is_responsible(&ctx->conf, in->by))
		return errset(e, EX_DATAERR, _("--by: %s is not the office's "
		    "responsible person (pm.conf: responsible, or manager)"),
		    in->by);
	return 0;
}

static int
status_in(const char *status, const char *list)
{
	size_t n = strlen(status);
	const char *p;

	for (p = list; p != NULL; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
		if (strncmp(p, status, n) == 0 && (p[n] == '|' || p[n] == '\0'))
			return 1;
	return 0;
}

static size_t
open_violations(const struct reno *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nviol; i++)
		n += !r->viol[i].rectified;
	return n;
}

/* A step on a file: in a status that may take it, with dates that fit. */
static int
check_state(const struct reno_step *s, const struct reno *r,
    const struct reno_in *in, time_t at, char date[20], struct pm_err *e)
{
	time_t t;
	int timed = 0;

	if (!status_in(r->status, s->from))
		return errset(e, EX_DATAERR, _("%s: %s (it is %s now)"), r->id,
		    _(s->rule), words_say("status", r->status));
	if (strcmp(s->event, "pass") == 0) {
		if (day_of(e, "--until", in->until, &t, date) != 0)
			return -1;
		/* SPEC 2.8: a pass is never valid past the permit's period */
		if (t > r->until_t)
			return errset(e, EX_DATAERR, _("--until: %s is past the "
			    "permit's period (%s to %s)"), date, r->from, r->until);
		if (t < clock_day_start(at))
			return errset(e, EX_DATAERR, _("--until: %s has passed"),
			    date);
	}
	if (in->rectify_by) {
		if (clock_parse(in->rectify_by, &t, &timed) != 0)
			return errset(e, EX_DATAERR, _("--rectify-by: expected a "
			    "date YYYY-MM-DD [HH:MM], got \"%.20s\""), in->rectify_by);
		if (!timed)	/* a day: by its end */
			t = clock_add_days(t, 1) - 1;
		if (t <= at)
			return errset(e, EX_DATAERR, _("--rectify-by: the deadline "
			    "must be after the patrol"));
		clock_format(t, date);
	}
	if (strcmp(s->event, "rectified") == 0 && open_violations(r) == 0)
		return errset(e, EX_DATAERR, _("%s: no rectification notice is "
		    "open"), r->id);
	return 0;
}

static void
step_row(const struct reno_in *in, const char *date, const char **v)
{
	v[R_REF] = in->ref;
	if (in->by)
		v[R_PERSON] = in->by;
	if (in->decision)
		v[R_DECISION] = in->decision;
	if (in->reason)
		v[R_REASON] = in->reason;
	if (in->deposit)
		v[R_DEPOSIT] = in->deposit;
	if (in->fee)
		v[R_FEE] = in->fee;
	if (in->name)
		v[R_NAME] = in->name;
	if (in->id_doc)
		v[R_ID_DOC] = in->id_doc;
	if (strcmp(in->event, "pass") == 0)
		v[R_UNTIL] = date;
	if (strcmp(in->event, "patrol") == 0) {
		v[R_RESULT] = in->ok ? "ok" : "violation";
		v[R_TEXT] = in->violation ? in->violation : "";
		v[R_RECTIFY_BY] = in->violation ? date : "";
	}
	if (strcmp(in->event, "accept") == 0) {
		v[R_RESULT] = in->result;
		v[R_TEXT] = in->points ? in->points : "";
	}
}

/* The file a step names, read under the book's lock. */
static int
find_file(struct ledger *l, const char *ref, struct reno_book *b,
    struct reno **r, struct pm_err *e)
{
	read_book(l, 0, ref, b, 0);
	if ((*r = reno_find(b, ref)) == NULL) {
		/* a finished file archived: read it there, for the right word */
		reno_book_free(b);
		read_book(l, 1, ref, b, 0);
		*r = reno_find(b, ref);
	}
	if (*r == NULL)
		return errset(e, EX_NOINPUT, _("%s: no renovation with this ID"),
		    ref);
	return 0;
}

/* Checks and appends one row at `at` in an open transaction; its seq. */
static long
record_in(struct pm_ctx *ctx, struct ledger *l, struct ledger_tx *tx,
    const struct reno_in *in, time_t at, struct pm_err *e)
{
	const struct reno_step *s = step_of(in->event);
	const char *v[R_NCOLS + 1];
	char from[11], until[11], date[20] = "";
	struct buf codes = { 0 };
	struct reno_book b = { 0 };
	struct reno *r;
	long seq = -1;
	int i, rc;

	for (i = 0; i < R_NCOLS; i++)
		v[i] = "";
	v[R_NCOLS] = NULL;
	v[R_EVENT] = in->event;
	if (strcmp(in->event, "apply") == 0) {
		if (check_apply(ctx, in, at, v, from, until, &codes, e) == 0)
			seq = ledger_add(tx, at, ctx->user, ctx->now, v);
		buf_free(&codes);
		return seq;
	}
	if (find_file(l, in->ref, &b, &r, e) != 0)
		rc = -1;
	else
		rc = check_state(s, r, in, at, date, e);
	reno_book_free(&b);
	if (rc != 0)
		return -1;
	step_row(in, date, v);
	return ledger_add(tx, at, ctx->user, ctx->now, v);
}

int
reno_record(struct pm_ctx *ctx, const struct reno_in *in, char *id,
    struct pm_err *e)
{
	const struct reno_step *s = step_of(in->event);
	struct ledger_tx *tx;
	struct ledger *l;
	long seq;

	if (strcmp(in->event, "apply") != 0) {
		if (s == NULL)
			return errset(e, EX_USAGE, _("%s: no such step"), in->event);
		if (check_fields(ctx, s, in, e) != 0)
			return -1;
		if (id_seq(in->ref) < 0)
			return errset(e, EX_NOINPUT, _("%s: not a renovation ID "
			    "(R and 6 digits)"), in->ref);
	}
	l = ledger_open(&reno_def, ctx->data);
	if (s != NULL && !ledger_exists(l)) {
		ledger_close(l);
		return errset(e, EX_NOINPUT, _("%s: no renovation with this ID"),
		    in->ref);
	}
	/* the book read under its lock: concurrent clerks see each other */
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	seq = record_in(ctx, l, tx, in, ctx->now, e);
	if (seq < 0) {
		ledger_rollback(tx);
		ledger_close(l);
		return -1;
	}
	ledger_commit(tx);
	ledger_close(l);
	snprintf(id, RENO_ID_MAX, "%s", s ? in->ref : "");
	if (s == NULL)
		snprintf(id, RENO_ID_MAX, "R%06ld", seq);
	return 0;
}

/* ---- deadlines (SPEC 2.8, 2.10) ------------------------------------------------------ */

/*
 * Each deadline of a file: in which statuses it runs, from when, how
 * many days, and to whom it escalates once passed.  --help and pm-reno(1)
 * print the same table.
 */
const struct reno_deadline reno_deadlines[] = {
	{ "review", "applied", FROM_APPLIED, 3, "manager",
	    N_("the application reviewed within 3 days") },
	{ "patrol", "permitted|failed", FROM_SEEN, 1, "supervisor",
	    N_("the unit under renovation patrolled every day") },
	{ "rectify", "permitted|requested|failed", FROM_VIOLATION, 0, "manager",
	    N_("the violation rectified by the date on its notice") },
	{ "accept", "requested", FROM_REQUESTED, 3, "manager",
	    N_("the acceptance within 3 days of the owner's request") },
	{ "refund", "passed", FROM_ACCEPTED, -1, "manager",
	    N_("the deposit refunded reno_refund_days after acceptance") },
};
const size_t reno_ndeadlines = sizeof reno_deadlines / sizeof reno_deadlines[0];

struct due_list {
	struct reno_due *v;
	size_t n, cap;
};

static void
due_add(struct due_list *dl, const struct reno *r,
    const struct reno_deadline *d, time_t due, time_t now, const char *what)
{
	struct reno_due *x;

	GROW(dl->v, dl->n + 1, dl->cap);
	x = &dl->v[dl->n++];
	x->r = r;
	x->deadline = d->name;
	x->due = due;
	x->overdue = now > due;
	x->escalate_to = d->escalate_to;
	snprintf(x->what, sizeof x->what, "%s", what);
}

/*
 * The patrol of the day after the unit was last seen (or of the first
 * day of the works): due by that day's end, overdue after it, until a
 * patrol is recorded.
 */
static time_t
patrol_day(const struct reno *r)
{
	time_t start = r->from_t > r->permitted ? r->from_t : r->permitted;

	if (r->seen)
		return clock_add_days(clock_day_start(r->seen), 1);
	return clock_day_start(start);
}

static void
file_deadlines(struct pm_ctx *ctx, const struct reno *r, struct due_list *dl)
{
	size_t i, k;

	for (i = 0; i < reno_ndeadlines; i++) {
		const struct reno_deadline *d = &reno_deadlines[i];
		long days = d->days < 0 ? ctx->conf.reno_refund_days : d->days;
		const char *what = d->what;	/* translated where printed */
		time_t day;

		if (!status_in(r->status, d->status))
			continue;
		switch (d->from) {
		case FROM_APPLIED:
			due_add(dl, r, d, clock_add_days(r->t, days), ctx->now, what);
			break;
		case FROM_SEEN:
			if ((day = patrol_day(r)) <= ctx->now)
				due_add(dl, r, d, clock_add_days(day, 1) - 1, ctx->now,
				    what);
			break;
		case FROM_VIOLATION:
			for (k = 0; k < r->nviol; k++)
				if (!r->viol[k].rectified)
					due_add(dl, r, d, r->viol[k].due, ctx->now,
					    r->viol[k].text);
			break;
		case FROM_REQUESTED:
			due_add(dl, r, d, clock_add_days(r->requested, days),
			    ctx->now, what);
			break;
		default:
			due_add(dl, r, d, clock_add_days(r->accepted, days),
			    ctx->now, what);
		}
	}
}

static int
due_cmp(const void *a, const void *b)
{
	const struct reno_due *x = a, *y = b;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return strcmp(x->r->id, y->r->id);
}

struct reno_due *
reno_due(struct pm_ctx *ctx, const struct reno_book *b, size_t *n)
{
	struct due_list dl = { 0 };
	size_t i;

	for (i = 0; i < b->n; i++)
		file_deadlines(ctx, &b->v[i], &dl);
	if (dl.n)
		qsort(dl.v, dl.n, sizeof *dl.v, due_cmp);
	*n = dl.n;
	return dl.v;
}

int
reno_breaches(struct pm_ctx *ctx, breach_fn fn, void *arg, struct pm_err *e)
{
	struct reno_book b = { 0 };
	struct reno_due *d;
	size_t i, n;

	if (reno_read(ctx, 0, &b, e) != 0)
		return -1;
	d = reno_due(ctx, &b, &n);
	for (i = 0; i < n; i++) {
		struct pm_breach br = { "renovations", d[i].r->id, d[i].r->unit,
			d[i].deadline, d[i].due, d[i].escalate_to, "", d[i].what };

		if (!d[i].overdue)
			continue;
		if (strcmp(br.escalate_to, "manager") == 0 && ctx->conf.manager)
			br.escalate_name = ctx->conf.manager;
		else if (strcmp(br.escalate_to, "supervisor") == 0 &&
		    ctx->conf.nsupervisors)
			br.escalate_name = ctx->conf.supervisors[0];
		fn(&br, arg);
	}
	free(d);
	reno_book_free(&b);
	return 0;
}

/* ---- the month's summary ------------------------------------------------------------- */

struct month_fold {
	struct fold f;
	time_t from, to;
	long refund_days;
	struct reno_stats *st;
};

static void
count_reason(struct reno_stats *st, const char *reason)
{
	int i;

	for (i = 0; i < st->nreasons; i++)
		if (strcmp(st->reasons[i].reason, reason) == 0)
			break;
	if (i == st->nreasons) {
		if (st->nreasons == 32)
			i = 31;	/* the rest counted with the last */
		else {
			st->reasons[i].reason = xstrdup(reason);
			st->reasons[i].n = 0;
			st->nreasons++;
		}
	}
	st->reasons[i].n++;
}

/* Each row of the month counted as what it records, after the file moved on. */
static int
month_row(const struct row *row, void *arg)
{
	struct month_fold *m = arg;
	const struct ledger *l = m->f.l;
	const char *ev = row_get(l, row, "event"), *ref = row_get(l, row, "ref");
	struct reno_stats *st = m->st;
	struct reno *r;
	time_t t;

	fold_row(row, &m->f);
	if (clock_parse(row_get(l, row, "at"), &t, NULL) != 0 || t < m->from ||
	    t >= m->to)
		return 0;
	if (strcmp(ev, "apply") == 0)
		st->applications++;
	else if (strcmp(ev, "review") == 0 && strcmp(row_get(l, row,
	    "decision"), "approve") == 0)
		st->approved++;
	else if (strcmp(ev, "review") == 0) {
		st->refused++;
		count_reason(st, row_get(l, row, "reason"));
	} else if (strcmp(ev, "permit") == 0)
		st->permits++;
	else if (strcmp(ev, "patrol") == 0 && strcmp(row_get(l, row, "result"),
	    "violation") == 0)
		st->violations++;
	else if (strcmp(ev, "rectified") == 0)
		st->rectified++;
	else if (strcmp(ev, "accept") == 0) {
		st->acceptances++;
		if (strcmp(row_get(l, row, "result"), "pass") == 0)
			st->passed++;
		else
			st->failed++;
	} else if (strcmp(ev, "refund") == 0) {
		st->refunds++;
		r = reno_find(m->f.b, ref);
		if (r && r->accepted && t <= clock_add_days(r->accepted,
		    m->refund_days))
			st->refunds_on_time++;
	}
	return 0;
}

int
reno_month(struct pm_ctx *ctx, int year, int month, struct reno_stats *st,
    struct pm_err *e)
{
	struct ledger *l = ledger_open(&reno_def, ctx->data);
	struct reno_book b = { 0 };
	struct month_fold m = { { l, &b, NULL, 0 }, clock_month_start(year,
		month), clock_month_end(year, month), ctx->conf.reno_refund_days,
		st };

	(void)e;
	memset(st, 0, sizeof *st);
	if (ledger_exists(l))
		ledger_scan_since(l, year, month, month_row, &m);
	reno_book_free(&b);
	ledger_close(l);
	return 0;
}

void
reno_stats_free(struct reno_stats *st)
{
	int i;

	for (i = 0; i < st->nreasons; i++)
		free(st->reasons[i].reason);
	st->nreasons = 0;
}

/* ---- verify, import, archive ------------------------------------------------------- */

int
reno_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e)
{
	const struct ledger_def *const defs[] = { &reno_def, NULL };

	return ledger_verify_books(ctx->data, defs, out, e);
}

/*
 * Import (SPEC 5): an office's renovation register, a file a row: the
 * application, and as far as the register goes its review, permit,
 * passed acceptance and refund, each checked as the command checks it.
 */
static const char *const import_names[] = { "at|applied_at", "unit",
	"applicant", "tenant", "owner_consent", "contractor", "from", "until",
	"works", "work", "documents", "decision", "reason", "reviewed_by",
	"reviewed_at", "deposit", "fee", "permitted_at", "accepted_by",
	"accepted_at", "refunded_by", "refunded_at", NULL };
enum { I_AT, I_UNIT, I_APPLICANT, I_TENANT, I_CONSENT, I_CONTRACTOR, I_FROM,
	I_UNTIL, I_WORKS, I_WORK, I_DOCUMENTS, I_DECISION, I_REASON,
	I_REVIEWED_BY, I_REVIEWED_AT, I_DEPOSIT, I_FEE, I_PERMITTED_AT,
	I_ACCEPTED_BY, I_ACCEPTED_AT, I_REFUNDED_BY, I_REFUNDED_AT, I_N };

/* A step of the register: when (not before the last), then as the command. */
struct import_step {
	const char *event, *at_col;
	int at, by;		/* the columns */
};
static const struct import_step import_steps[] = {
	{ "review", "reviewed_at", I_REVIEWED_AT, I_REVIEWED_BY },
	{ "permit", "permitted_at", I_PERMITTED_AT, -1 },
	{ "request", "accepted_at", I_ACCEPTED_AT, -1 },
	{ "accept", "accepted_at", I_ACCEPTED_AT, I_ACCEPTED_BY },
	{ "refund", "refunded_at", I_REFUNDED_AT, I_REFUNDED_BY },
};

struct import_run {
	struct ledger *l;
	struct ledger_tx *tx;
	struct import_seen seen;
	long errors, added, present;
};

/* The steps the register's row goes to: none, review, ... refund. */
static size_t
import_reach(const char *const *x)
{
	if (x[I_REFUNDED_AT])
		return 5;
	if (x[I_ACCEPTED_AT])
		return 4;
	if (x[I_DEPOSIT] || x[I_PERMITTED_AT])
		return 2;
	return x[I_DECISION] ? 1 : 0;
}

static int
import_steps_check(struct pm_ctx *ctx, const char *const *x, time_t at,
    time_t *when, struct reno_in *in, struct pm_err *e)
{
	size_t k, reach = import_reach(x);
	time_t last = at;

	if (reach > 1 && (x[I_DECISION] == NULL ||
	    strcmp(x[I_DECISION], "approve") != 0))
		return errset(e, EX_DATAERR, _("decision: a permit, acceptance or "
		    "refund follows an approval (approve)"));
	for (k = 0; k < reach; k++) {
		const struct import_step *s = &import_steps[k];

		memset(&in[k], 0, sizeof in[k]);
		in[k].event = s->event;
		in[k].by = s->by >= 0 ? x[s->by] : NULL;
		in[k].decision = x[I_DECISION];
		in[k].reason = k == 0 ? x[I_REASON] : NULL;
		in[k].deposit = k == 1 ? x[I_DEPOSIT] : NULL;
		in[k].fee = k == 1 ? x[I_FEE] : NULL;
		in[k].result = k == 3 ? "pass" : NULL;
		if (k != 0)
			in[k].decision = NULL;
		if (field_date(e, s->at_col, x[s->at] ? x[s->at] : "", &when[k]) ||
		    field_not_future(e, s->at_col, when[k], ctx->now) ||
		    check_fields(ctx, step_of(s->event), &in[k], e))
			return -1;
		if (when[k] < last)
			return errset(e, EX_DATAERR, _("%s: before the step it "
			    "follows"), s->at_col);
		last = when[k];
	}
	return (int)reach;
}

/* Several codes in one cell: "floor wall", "floor;wall", "floor,wall". */
static void
import_works(char *cell, struct reno_in *in)
{
	char *save = NULL, *c;

	for (c = strtok_r(cell, " ;,、", &save); c && in->nwork < RENO_WORKS_MAX;
	    c = strtok_r(NULL, " ;,、", &save))
		in->work[in->nwork++] = c;
}

static void
import_add(struct pm_ctx *ctx, struct import_run *ir, struct reno_in *in,
    struct reno_in *steps, time_t at, const time_t *when, int reach)
{
	const char *v[R_NCOLS + 1];
	char from[11], until[11], date[20] = "", ref[RENO_ID_MAX];
	struct buf codes = { 0 };
	struct pm_err e;
	long seq;
	int i, k;

	for (i = 0; i <= R_NCOLS; i++)
		v[i] = i < R_NCOLS ? "" : NULL;
	v[R_EVENT] = "apply";
	check_apply(ctx, in, at, v, from, until, &codes, &e);
	seq = ledger_add(ir->tx, at, ctx->user, ctx->now, v);
	buf_free(&codes);
	snprintf(ref, sizeof ref, "R%06ld", seq);
	for (k = 0; k < reach; k++) {
		for (i = 0; i < R_NCOLS; i++)
			v[i] = "";
		steps[k].ref = ref;
		v[R_EVENT] = steps[k].event;
		step_row(&steps[k], date, v);
		ledger_add(ir->tx, when[k], ctx->user, ctx->now, v);
	}
	ir->added++;
}

/* One row: checked as the commands would check it, then kept for the commit. */
static void
import_row(struct pm_ctx *ctx, struct import_run *ir, const struct row *r,
    const int *col)
{
	const char *x[I_N], *v[R_NCOLS + 1];
	char from[11], until[11], when_s[20], *works;
	struct reno_in in, steps[5];
	struct buf codes = { 0 }, key = { 0 };
	struct pm_err fe;
	time_t at, when[5];
	int i, reach = -1;

	for (i = 0; i < I_N; i++) {
		x[i] = col[i] >= 0 && col[i] < r->n ? r->f[col[i]] : "";
		if (*x[i] == '\0')
			x[i] = NULL;	/* an empty cell: an option left out */
	}
	memset(&in, 0, sizeof in);
	in.event = "apply";
	in.unit = x[I_UNIT]; in.applicant = x[I_APPLICANT];
	in.tenant = x[I_TENANT] && strcmp(x[I_TENANT], "yes") == 0;
	in.owner_consent = x[I_CONSENT]; in.contractor = x[I_CONTRACTOR];
	in.from = x[I_FROM]; in.until = x[I_UNTIL]; in.works = x[I_WORKS];
	in.documents = x[I_DOCUMENTS];
	works = xstrdup(x[I_WORK] ? x[I_WORK] : "");
	import_works(works, &in);
	if (field_date(&fe, "at", x[I_AT] ? x[I_AT] : "", &at) == 0 &&
	    field_not_future(&fe, "at", at, ctx->now) == 0 &&
	    check_apply(ctx, &in, at, v, from, until, &codes, &fe) == 0)
		reach = import_steps_check(ctx, x, at, when, steps, &fe);
	buf_free(&codes);
	if (reach < 0) {
		if (++ir->errors <= IMPORT_ERRORS_SHOWN)
			warnmsg(_("line %ld: %s"), r->line, fe.msg);
		free(works);
		return;
	}
	clock_format(at, when_s);	/* as the book writes it */
	buf_addf(&key, "%s|%s|%s", in.unit, when_s, in.applicant);
	if (!import_seen_add(&ir->seen, key.s, key.len))
		ir->present++;
	else {
		if (ir->tx == NULL)
			ir->tx = ledger_begin(ir->l, ctx->conf.lock_timeout);
		import_add(ctx, ir, &in, steps, at, when, reach);
	}
	buf_free(&key);
	free(works);
}

/* What the book already holds, so that a second import adds nothing. */
static int
seen_row(const struct row *r, void *arg)
{
	struct import_run *ir = arg;
	struct buf key = { 0 };

	if (strcmp(row_get(ir->l, r, "event"), "apply") == 0) {
		buf_addf(&key, "%s|%s|%s", row_get(ir->l, r, "unit"),
		    row_get(ir->l, r, "at"), row_get(ir->l, r, "applicant"));
		import_seen_add(&ir->seen, key.s, key.len);
		buf_free(&key);
	}
	return 0;
}

int
reno_import(struct pm_ctx *ctx, const char *file, const char *encoding,
    int dry_run, FILE *out, struct pm_err *e)
{
	struct import_src *src;
	struct import_run ir;
	struct row r;
	int col[I_N], rc;

	if ((src = import_start(file, encoding, import_names, NULL, col, e)) ==
	    NULL)
		return -1;
	memset(&ir, 0, sizeof ir);
	ir.l = ledger_open(&reno_def, ctx->data);
	if (ledger_exists(ir.l))
		ledger_scan(ir.l, seen_row, &ir);
	while ((rc = import_next(src, &r, e)) == 1)
		import_row(ctx, &ir, &r, col);
	import_close(src);
	if (ir.tx && (rc != 0 || ir.errors || dry_run))
		ledger_rollback(ir.tx);
	else if (ir.tx)
		ledger_commit(ir.tx);
	ledger_close(ir.l);
	import_seen_free(&ir.seen);
	return import_finish(out, file, rc, ir.errors, dry_run, ir.added,
	    ir.present, e);
}

/* A file closes when it is finished: refused, or its deposit refunded. */
static long
closed_month(const struct ledger *l, const struct row *row, void *arg)
{
	const char *ref = row_get(l, row, "ref");
	const struct reno *r = find_seq(arg, *ref ? id_seq(ref) : row_seq(row));

	if (r == NULL || reno_open(r))
		return -1;
	return clock_month_key(r->refunded ? r->refunded : r->reviewed);
}

long
reno_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg)
{
	struct ledger *l = ledger_open(&reno_def, ctx->data);
	struct ledger_tx *tx;
	struct reno_book b = { 0 };
	long moved;

	if (!ledger_exists(l)) {
		ledger_close(l);
		return 0;
	}
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	read_book(l, 0, NULL, &b, 0);
	moved = ledger_archive(tx, before, closed_month, &b, dry_run, report,
	    rarg, ctx->now, ctx->user);
	reno_book_free(&b);
	ledger_close(l);
	return moved;
}
