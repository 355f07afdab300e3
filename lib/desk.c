/*
 * desk.c - the front hall (SPEC 2.7, seed 004 前厅运营制度, seed 002 §2.3).
 *
 * Sections: the registers and their columns; reading a register; the
 * steps and their rules (a table); writing; deadlines; the 放行条;
 * verify, import, archive.
 */
#include <stdlib.h>
#include <string.h>

#include "desk.h"
#include "fee.h"
#include "owner.h"

/* ---- the registers ------------------------------------------------------------ */

enum { D_EVENT, D_REF, D_NAME, D_ORG, D_UNIT, D_TO, D_ID_DOC, D_CARRIER,
	D_TRACKING, D_URGENT, D_HOW, D_NUMBER, D_TEXT, D_ITEMS, D_CONFIRMED,
	D_AUTH, D_MOVE_OUT, D_APPROVED, D_GUARD, D_NCOLS };
static const char *const desk_cols[] = { "event", "ref", "name", "org",
	"unit", "to_name", "id_doc", "carrier", "tracking", "urgent", "how",
	"number", "text", "items", "confirmed_by", "authorisation", "move_out",
	"approved_by", "guard", NULL };
/* SPEC 3: kept 2 years; calls 3, as the duty log they stand beside. */
static const struct ledger_def visitors_def = { "desk_visitors", desk_cols,
	0640, 2 };
static const struct ledger_def parcels_def = { "desk_parcels", desk_cols,
	0640, 2 };
static const struct ledger_def calls_def = { "desk_calls", desk_cols, 0640,
	3 };
static const struct ledger_def releases_def = { "desk_releases", desk_cols,
	0640, 2 };

const struct desk_register desk_registers[] = {
	{ "visitor", 'V', "desk_visitors", "来访登记表" },
	{ "parcel", 'P', "desk_parcels", "邮件包裹登记" },
	{ "call", 'T', "desk_calls", "重要电话记录" },
	{ "release", 'F', "desk_releases", "放行条" },
};
const size_t desk_nregisters = sizeof desk_registers /
    sizeof desk_registers[0];
const struct ledger_def *const register_defs[] = { &visitors_def,
	&parcels_def, &calls_def, &releases_def, NULL };

static const struct ledger_def *
def_of(const struct desk_register *r)
{
	return register_defs[r - desk_registers];
}

static const struct desk_register *
register_named(const char *name)
{
	size_t i;

	for (i = 0; i < desk_nregisters; i++)
		if (strcmp(desk_registers[i].name, name) == 0)
			return &desk_registers[i];
	return NULL;
}

const struct desk_register *
desk_register_of(const char *id)
{
	size_t i, n = strlen(id);

	for (i = 0; i < desk_nregisters; i++)
		if (n == 7 && id[0] == desk_registers[i].letter &&
		    strspn(id + 1, "0123456789") == 6)
			return &desk_registers[i];
	return NULL;
}

/* ---- reading a register ---------------------------------------------------------- */

static char *
dup_col(const struct ledger *l, const struct row *r, const char *col)
{
	return row_strdup(l, r, col);
}

static void
item_free(struct desk_item *it)
{
	free(it->name); free(it->org); free(it->unit); free(it->to);
	free(it->id_doc); free(it->carrier); free(it->tracking);
	free(it->number); free(it->text); free(it->items);
	free(it->confirmed_by); free(it->authorisation); free(it->approved_by);
	free(it->how); free(it->out_by); free(it->out_id_doc);
	free(it->recipient); free(it->result); free(it->guard);
}

void
desk_book_free(struct desk_book *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		item_free(&b->v[i]);
	free(b->v);
	memset(b, 0, sizeof *b);
}

/*
 * An item by its id (its register's letter and row number): the items
 * are kept in the order of their rows, so found by halving, not by a
 * pass over them all for each step of each (years of parcels).
 */
struct desk_item *
desk_find(struct desk_book *b, const char *id)
{
	size_t lo = 0, hi = b->n, mid;
	long want, seq;

	if (id[0] == '\0')
		return NULL;
	want = atol(id + 1);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		seq = atol(b->v[mid].id + 1);
		if (seq == want)
			return strcmp(b->v[mid].id, id) == 0 ? &b->v[mid] : NULL;
		if (seq < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct fold {
	const struct ledger *l;
	struct desk_book *b;
};

static void
fold_matter(const struct ledger *l, const struct row *r, struct desk_book *b)
{
	struct desk_item *it;

	GROW(b->v, b->n + 1, b->cap);
	it = &b->v[b->n++];
	memset(it, 0, sizeof *it);
	it->reg = b->reg;
	snprintf(it->id, sizeof it->id, "%c%06ld", b->reg->letter, row_seq(r));
	row_copy(l, r, "at", it->at, sizeof it->at);
	row_copy(l, r, "by", it->by, sizeof it->by);
	clock_parse(it->at, &it->t, NULL);
	it->name = dup_col(l, r, "name");
	it->org = dup_col(l, r, "org");
	it->unit = dup_col(l, r, "unit");
	it->to = dup_col(l, r, "to_name");
	it->id_doc = dup_col(l, r, "id_doc");
	it->carrier = dup_col(l, r, "carrier");
	it->tracking = dup_col(l, r, "tracking");
	it->number = dup_col(l, r, "number");
	it->text = dup_col(l, r, "text");
	it->items = dup_col(l, r, "items");
	it->confirmed_by = dup_col(l, r, "confirmed_by");
	it->authorisation = dup_col(l, r, "authorisation");
	it->approved_by = dup_col(l, r, "approved_by");
	it->urgent = strcmp(row_get(l, r, "urgent"), "yes") == 0;
	it->move_out = strcmp(row_get(l, r, "move_out"), "yes") == 0;
}

/* A later step: the matter it names moves on. */
static void
fold_step(const struct ledger *l, const struct row *r, struct desk_item *it)
{
	const char *ev = row_get(l, r, "event");
	time_t t;

	clock_parse(row_get(l, r, "at"), &t, NULL);
	if (strcmp(ev, "notify") == 0) {
		it->notified = t;
		free(it->how);
		it->how = dup_col(l, r, "how");
	} else if (strcmp(ev, "out") == 0) {
		it->out = t;
		row_copy(l, r, "at", it->out_at, sizeof it->out_at);
		it->out_by = dup_col(l, r, "name");
		it->out_id_doc = dup_col(l, r, "id_doc");
		it->guard = dup_col(l, r, "guard");
	} else if (strcmp(ev, "confirm") == 0) {
		it->confirmed = t;
		it->recipient = dup_col(l, r, "name");
	} else if (strcmp(ev, "done") == 0) {
		it->done = t;
		it->result = dup_col(l, r, "text");
	}
}

static int
fold_row(const struct row *r, void *arg)
{
	struct fold *f = arg;
	const char *ref = row_get(f->l, r, "ref");
	struct desk_item *it;

	if (*ref == '\0')
		fold_matter(f->l, r, f->b);
	else if ((it = desk_find(f->b, ref)) != NULL)
		fold_step(f->l, r, it);
	return 0;
}

static void
read_book(struct ledger *l, const struct desk_register *reg,
    struct desk_book *b)
{
	struct fold f;

	memset(b, 0, sizeof *b);
	b->reg = reg;
	f.l = l;
	f.b = b;
	if (ledger_exists(l))
		ledger_scan(l, fold_row, &f);
}

int
desk_read(struct pm_ctx *ctx, const char *reg, struct desk_book *b,
    struct pm_err *e)
{
	const struct desk_register *r = register_named(reg);
	struct ledger *l;

	memset(b, 0, sizeof *b);
	if (r == NULL)
		return errset(e, EX_USAGE, _("--register: expected visitor, "
		    "parcel, call or release, got \"%.20s\""), reg);
	l = ledger_open(def_of(r), ctx->data);
	read_book(l, r, b);
	ledger_close(l);
	return 0;
}

const char *
desk_status(const struct desk_item *it)
{
	switch (it->reg->letter) {
	case 'V': return it->out ? "left" : "inside";
	case 'P': return it->out ? "collected" : it->notified ? "notified" :
	    "waiting";
	case 'T': return it->done ? "done" : it->confirmed ? "confirmed" :
	    "unconfirmed";
	default: return it->out ? "out" : "issued";
	}
}

int
desk_second_notice(const struct pm_ctx *ctx, const struct desk_item *it)
{
	return it->reg->letter == 'P' && !it->out &&
	    ctx->now - it->t > ctx->conf.parcel_days * DAY_SECONDS;
}

/* ---- the steps and their rules ------------------------------------------------------- */

enum { NEED_NAME = 1, NEED_TO = 2, NEED_TEXT = 4, NEED_UNIT = 8,
	NEED_ITEMS = 16, NEED_CARRIER = 32, NEED_CONFIRMED = 64, NEED_GUARD = 128,
	NEED_REF = 256 };

/*
 * SPEC 2.7, a row a step: what it needs, and the state the matter must be
 * in (NULL: a new matter; "" any open one).  --help and the man page say
 * the same.
 */
static const struct desk_step {
	const char *reg, *event;
	int needs;
	const char *from;	/* the statuses it may follow, | separated */
	const char *rule;
} desk_steps[] = {
	{ "visitor", "in", NEED_NAME | NEED_TO, NULL, NULL },
	{ "visitor", "out", NEED_REF, "inside",
	    N_("a visitor leaves once, after coming in") },
	{ "parcel", "in", NEED_TO, NULL, NULL },
	{ "parcel", "notify", NEED_REF, "waiting|notified",
	    N_("only an item not yet collected is notified") },
	{ "parcel", "out", NEED_REF | NEED_NAME, "waiting|notified",
	    N_("an item is collected once") },
	{ "call", "call", NEED_NAME | NEED_TEXT, NULL, NULL },
	{ "call", "confirm", NEED_REF | NEED_NAME, "unconfirmed",
	    N_("the recipient signs for a call once") },
	{ "call", "done", NEED_REF | NEED_TEXT, "unconfirmed|confirmed",
	    N_("a call is followed up until done, once") },
	{ "release", "release", NEED_UNIT | NEED_ITEMS | NEED_CARRIER |
	    NEED_CONFIRMED, NULL, NULL },
	{ "release", "out", NEED_REF | NEED_GUARD, "issued",
	    N_("the goods leave once, on the guard's check") },
};

static const struct desk_step *
step_of(const char *reg, const char *event)
{
	size_t i;

	for (i = 0; i < sizeof desk_steps / sizeof desk_steps[0]; i++)
		if (strcmp(desk_steps[i].reg, reg) == 0 &&
		    strcmp(desk_steps[i].event, event) == 0)
			return &desk_steps[i];
	return NULL;
}

/* The fields a step needs, present and well formed. */
static int
check_fields(struct pm_ctx *ctx, const struct desk_step *s,
    const struct desk_in *in, struct pm_err *e)
{
	const char *name_opt = strcmp(in->reg, "call") == 0 &&
	    !(s->needs & NEED_REF) ? "--from" : "--by";

	if (strcmp(s->reg, "visitor") == 0 && !(s->needs & NEED_REF))
		name_opt = "--name";
	if (((s->needs & NEED_NAME) && (field_required(e, name_opt, in->name) ||
	    field_name(e, name_opt, in->name))) ||
	    ((s->needs & NEED_TO) && (field_required(e, strcmp(in->reg, "visitor") ?
	    "--to" : "--visiting", in->to) || field_name(e, "--to", in->to))) ||
	    ((s->needs & NEED_TEXT) && field_required(e, "--text", in->text)) ||
	    ((s->needs & NEED_UNIT) && field_required(e, "--unit", in->unit)) ||
	    ((s->needs & NEED_ITEMS) && field_required(e, "--items", in->items)) ||
	    ((s->needs & NEED_CARRIER) && field_required(e, "--carrier", in->carrier)) ||
	    ((s->needs & NEED_CONFIRMED) && (field_required(e, "--confirmed-by",
	    in->confirmed_by) || field_name(e, "--confirmed-by",
	    in->confirmed_by))) ||
	    ((s->needs & NEED_GUARD) && (field_required(e, "--guard", in->guard) ||
	    field_name(e, "--guard", in->guard))))
		return -1;
	if ((in->text && field_text(e, "--text", in->text, strlen(in->text),
	    FIELD_TEXT_MAX)) || (in->items && field_text(e, "--items",
	    in->items, strlen(in->items), FIELD_TEXT_MAX)) ||
	    (in->org && field_text(e, "--org", in->org, strlen(in->org), 100)) ||
	    (in->id_doc && field_text(e, "--id-doc", in->id_doc,
	    strlen(in->id_doc), 60)) || (in->carrier && field_text(e,
	    "--carrier", in->carrier, strlen(in->carrier), 60)) ||
	    (in->tracking && field_text(e, "--tracking", in->tracking,
	    strlen(in->tracking), 60)) || (in->number && field_phone(e,
	    "--number", in->number)))
		return -1;
	return in->unit && *in->unit ? owner_unit_check(ctx, "--unit", in->unit,
	    e) : 0;
}

/* SPEC 2.7: large items leave only with the owner's confirmation. */
static int
check_release(struct pm_ctx *ctx, const struct desk_in *in, struct pm_err *e)
{
	struct owner_book ob;
	const struct owner *o;
	long owed = 0;
	int rc = 0;

	if (owner_read(ctx, NULL, &ob, e) != 0)
		return -1;
	o = owner_find(&ob, in->unit);
	if (o != NULL && strcmp(o->name, in->confirmed_by) != 0 &&
	    (in->authorisation == NULL || *in->authorisation == '\0'))
		rc = errset(e, EX_DATAERR, _("--confirmed-by: %s is not the "
		    "owner of %s (%s); a tenant needs --authorisation, the "
		    "owner's written authorisation (SPEC 2.7)"), in->confirmed_by,
		    in->unit, o->name);
	else if (in->move_out && (owed = fee_owed_fen(ctx, in->unit)) > 0 &&
	    in->approved_by == NULL)
		/* SPEC 2.9 (seed 003 客户迁出): all fees settled before moving out */
		rc = errset(e, EX_DATAERR, _("--move-out: %s still owes %ld.%02ld "
		    "yuan (pm-fee show --unit %s); a move out with arrears needs "
		    "the manager's --approved-by (SPEC 2.9)"), in->unit, owed / 100,
		    owed % 100, in->unit);
	else if (in->approved_by != NULL &&
	    !conf_is_manager(&ctx->conf, in->approved_by))
		rc = errset(e, EX_DATAERR, _("--approved-by: %s is not the "
		    "manager (pm.conf: manager)"), in->approved_by);
	owner_book_free(&ob);
	return rc;
}

/* A step on a matter: it exists, is of this register, and may take it. */
static int
check_state(const struct desk_step *s, struct desk_book *b,
    const struct desk_in *in, struct pm_err *e)
{
	struct desk_item *it = desk_find(b, in->ref);
	const char *st, *p;
	size_t n;

	if (it == NULL)
		return errset(e, EX_NOINPUT, _("%s: no %s with this ID"), in->ref,
		    words_say(NULL, s->reg));
	st = desk_status(it);
	n = strlen(st);
	for (p = s->from; p != NULL; p = strchr(p, '|') ? strchr(p, '|') + 1 :
	    NULL)
		if (strncmp(p, st, n) == 0 && (p[n] == '|' || p[n] == '\0'))
			break;
	if (p == NULL)
		return errset(e, EX_DATAERR, _("%s: %s (it is %s now)"), in->ref,
		    _(s->rule), words_say("status", st));
	/* SPEC 2.7: a collector who is not the addressee shows a document */
	if (strcmp(s->reg, "parcel") == 0 && strcmp(s->event, "out") == 0 &&
	    strcmp(in->name, it->to) != 0 && (in->id_doc == NULL ||
	    *in->id_doc == '\0'))
		return errset(e, EX_DATAERR, _("--by: %s is not the addressee "
		    "(%s): a collector shows a document (--id-doc)"), in->name,
		    it->to);
	return 0;
}

/* ---- writing ------------------------------------------------------------------------ */

static void
row_of(const struct desk_in *in, const char **v)
{
	int i;

	for (i = 0; i < D_NCOLS; i++)
		v[i] = "";
	v[D_EVENT] = in->event;
	v[D_REF] = in->ref ? in->ref : "";
#define SET(c, f) if (in->f) v[c] = in->f
	SET(D_NAME, name); SET(D_ORG, org); SET(D_UNIT, unit); SET(D_TO, to);
	SET(D_ID_DOC, id_doc); SET(D_CARRIER, carrier);
	SET(D_TRACKING, tracking); SET(D_HOW, how); SET(D_NUMBER, number);
	SET(D_TEXT, text); SET(D_ITEMS, items);
	SET(D_CONFIRMED, confirmed_by); SET(D_AUTH, authorisation);
	SET(D_APPROVED, approved_by); SET(D_GUARD, guard);
#undef SET
	v[D_URGENT] = in->urgent ? "yes" : "";
	v[D_MOVE_OUT] = in->move_out ? "yes" : "";
}

int
desk_record(struct pm_ctx *ctx, const struct desk_in *in, char *id,
    struct pm_err *e)
{
	const struct desk_register *reg = register_named(in->reg);
	const struct desk_step *s = reg ? step_of(in->reg, in->event) : NULL;
	const char *v[D_NCOLS + 1];
	struct desk_book b;
	struct ledger_tx *tx;
	struct ledger *l;
	int rc;

	if (s == NULL)
		return errset(e, EX_USAGE, _("%s %s: no such step"), in->reg,
		    in->event);
	if (check_fields(ctx, s, in, e) != 0 || (strcmp(in->reg, "release") ==
	    0 && s->from == NULL && check_release(ctx, in, e) != 0))
		return -1;
	if (s->from && desk_register_of(in->ref) != reg)
		return errset(e, EX_NOINPUT, _("%s: not a %s ID (%c000001)"),
		    in->ref, words_say(NULL, in->reg), reg->letter);
	l = ledger_open(def_of(reg), ctx->data);
	/* the register read under its lock: concurrent clerks see each other */
	if (s->from && !ledger_exists(l)) {
		ledger_close(l);
		return errset(e, EX_NOINPUT, _("%s: no %s with this ID"),
		    in->ref, words_say(NULL, in->reg));
	}
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	read_book(l, reg, &b);
	rc = s->from ? check_state(s, &b, in, e) : 0;
	desk_book_free(&b);
	if (rc != 0) {
		ledger_rollback(tx);
		ledger_close(l);
		return rc;
	}
	row_of(in, v);
	snprintf(id, DESK_ID_MAX, "%c%06ld", reg->letter, ledger_add(tx,
	    ctx->now, ctx->user, ctx->now, v));
	ledger_commit(tx);
	ledger_close(l);
	if (s->from)
		snprintf(id, DESK_ID_MAX, "%s", in->ref);
	return 0;
}

/* ---- deadlines (SPEC 2.7, 2.10) ------------------------------------------------------ */

/*
 * An urgent item's addressee is told within the hour; a call is signed
 * for by the end of its day.
 */
static void
register_breaches(struct pm_ctx *ctx, const struct desk_book *b, breach_fn fn,
    void *arg)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct desk_item *it = &b->v[i];
		struct pm_breach br = { "desk", it->id, it->unit, NULL, 0,
			"supervisor", ctx->conf.nsupervisors ?
			ctx->conf.supervisors[0] : "", NULL };

		if (it->reg->letter == 'P' && it->urgent && !it->notified &&
		    !it->out && ctx->now > it->t + HOUR_SECONDS) {
			br.deadline = "notify-urgent";
			br.due = it->t + HOUR_SECONDS;
			br.what = N_("an urgent item's addressee told within 1 hour");
			fn(&br, arg);
		} else if (it->reg->letter == 'T' && !it->confirmed &&
		    !it->done && ctx->now >= clock_add_days(clock_day_start(it->t),
		    1)) {
			br.deadline = "confirm";
			br.due = clock_add_days(clock_day_start(it->t), 1) - 1;
			br.escalate_name = it->to;
			br.escalate_to = "recipient";
			br.what = N_("an important call signed for by the end of its "
			    "day");
			fn(&br, arg);
		}
	}
}

int
desk_breaches(struct pm_ctx *ctx, breach_fn fn, void *arg, struct pm_err *e)
{
	struct desk_book b;
	size_t i;

	for (i = 0; i < desk_nregisters; i++) {
		if (desk_registers[i].letter != 'P' &&
		    desk_registers[i].letter != 'T')
			continue;
		if (desk_read(ctx, desk_registers[i].name, &b, e) != 0)
			return -1;
		register_breaches(ctx, &b, fn, arg);
		desk_book_free(&b);
	}
	return 0;
}

/* ---- the 放行条 ------------------------------------------------------------------------ */

void
desk_form(const struct desk_item *it, FILE *out)
{
	static const char rule[] = "────────────────────────────────────────"
	    "────────────────────────────────────────";
	struct buf b = { 0 };

	buf_addf(&b, "%38s放行条\n%s\n", "", rule);
	out_form_line(&b, "放行条号", it->id);
	out_form_line(&b, "开具时间", it->at);
	out_form_line(&b, "房号", it->unit);
	out_form_line(&b, "物品", it->items);
	out_form_line(&b, "搬运人", it->carrier);
	out_form_line(&b, "业主确认", it->confirmed_by);
	if (*it->authorisation)
		out_form_line(&b, "书面授权", it->authorisation);
	if (it->move_out) {
		out_form_line(&b, "迁出", "是");
		out_form_line(&b, "批准人", it->approved_by);
	}
	out_form_line(&b, "开具人", it->by);
	buf_addf(&b, "%s\n", rule);
	out_form_line(&b, "放行时间", it->out ? it->out_at : "");
	out_form_line(&b, "保安", it->out ? it->guard : "");
	buf_addf(&b, "%s\n", rule);
	buf_adds(&b, "客服中心: __________  业主: __________  "
	    "大堂保安: __________\n");
	fwrite(b.s, 1, b.len, out);
	buf_free(&b);
}

/* ---- verify, import, archive -------------------------------------------------------- */

int
desk_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e)
{
	const struct ledger_def *const defs[] = { &visitors_def, &parcels_def,
		&calls_def, &releases_def, NULL };

	return ledger_verify_books(ctx->data, defs, out, e);
}

/*
 * Import (SPEC 2.7): the csv of a register's listing, the register named
 * by --register or by a register column.  Each row is a matter as it was
 * registered; a row already in the book (same register, time and text)
 * is not added again.
 */
static const char *const import_names[] = { "register", "at", "name", "org",
	"unit", "to|visiting", "id_doc", "carrier", "tracking", "urgent",
	"number", "text", "items", "confirmed_by", "authorisation", NULL };
enum { I_REG, I_AT, I_NAME, I_ORG, I_UNIT, I_TO, I_ID_DOC, I_CARRIER,
	I_TRACKING, I_URGENT, I_NUMBER, I_TEXT, I_ITEMS, I_CONFIRMED, I_AUTH,
	I_N };

struct import_run {
	struct ledger *l[4];
	struct ledger_tx *tx[4];
	struct import_seen seen;
	long errors, added, present;
};

/* One row: checked as the command would check it, then kept for the commit. */
static void
import_row(struct pm_ctx *ctx, struct import_run *ir, const char *dflt,
    const struct row *r, const int *col)
{
	const char *x[I_N], *v[D_NCOLS + 1];
	const struct desk_register *reg;
	const struct desk_step *s;
	struct desk_in in;
	struct pm_err fe;
	struct buf key = { 0 };
	char when[20];
	time_t t;
	int i, k;

	for (i = 0; i < I_N; i++)
		x[i] = col[i] >= 0 && col[i] < r->n ? r->f[col[i]] : "";
	reg = register_named(*x[I_REG] ? x[I_REG] : dflt ? dflt : "");
	memset(&in, 0, sizeof in);
	if (reg != NULL) {
		in.reg = reg->name;
		in.event = reg->letter == 'V' ? "in" : reg->letter == 'P' ?
		    "in" : reg->name;
	}
	/* an empty cell is a field not given, as an option left out */
	for (i = 0; i < I_N; i++)
		if (*x[i] == '\0')
			x[i] = NULL;
	in.name = x[I_NAME]; in.org = x[I_ORG]; in.unit = x[I_UNIT];
	in.to = x[I_TO]; in.carrier = x[I_CARRIER]; in.tracking = x[I_TRACKING];
	in.number = x[I_NUMBER]; in.text = x[I_TEXT];
	in.items = x[I_ITEMS]; in.confirmed_by = x[I_CONFIRMED];
	in.authorisation = x[I_AUTH];
	/* a masked document in an export is unknown, not an error */
	in.id_doc = x[I_ID_DOC] && !field_masked(x[I_ID_DOC]) ? x[I_ID_DOC] :
	    NULL;
	in.urgent = x[I_URGENT] && strcmp(x[I_URGENT], "yes") == 0;
	s = reg ? step_of(in.reg, in.event) : NULL;
	if (reg == NULL)
		errset(&fe, EX_DATAERR, _("register: expected visitor, parcel, "
		    "call or release (or --register)"));
	if (reg == NULL || field_date(&fe, "at", x[I_AT] ? x[I_AT] : "", &t) != 0 ||
	    field_not_future(&fe, "at", t, ctx->now) != 0 ||
	    check_fields(ctx, s, &in, &fe) != 0) {
		if (++ir->errors <= IMPORT_ERRORS_SHOWN)
			warnmsg(_("line %ld: %s"), r->line, fe.msg);
		return;
	}
	k = (int)(reg - desk_registers);
	clock_format(t, when);	/* as the book writes it */
	buf_addf(&key, "%s|%s|%s|%s|%s|%s", reg->name, when,
	    in.name ? in.name : "", in.to ? in.to : "", in.text ? in.text : "",
	    in.items ? in.items : "");
	if (!import_seen_add(&ir->seen, key.s, key.len)) {
		ir->present++;
		buf_free(&key);
		return;
	}
	buf_free(&key);
	if (ir->tx[k] == NULL) {
		ir->l[k] = ledger_open(def_of(reg), ctx->data);
		ir->tx[k] = ledger_begin(ir->l[k], ctx->conf.lock_timeout);
	}
	row_of(&in, v);
	ledger_add(ir->tx[k], t, ctx->user, ctx->now, v);
	ir->added++;
}

struct seen_fold {
	const struct ledger *l;
	const struct desk_register *reg;
	struct import_seen *seen;
};

/* What each book already holds, so that a second import adds nothing. */
static int
seen_row(const struct row *r, void *arg)
{
	struct seen_fold *f = arg;
	const struct ledger *l = f->l;
	struct buf key = { 0 };

	if (*row_get(l, r, "ref") == '\0') {
		buf_addf(&key, "%s|%s|%s|%s|%s|%s", f->reg->name,
		    row_get(l, r, "at"), row_get(l, r, "name"),
		    row_get(l, r, "to_name"), row_get(l, r, "text"),
		    row_get(l, r, "items"));
		import_seen_add(f->seen, key.s, key.len);
		buf_free(&key);
	}
	return 0;
}

static void
import_end(struct import_run *ir, int keep)
{
	struct ledger_tx *txs[4];
	int i, n = 0;

	for (i = 0; i < 4; i++)
		if (ir->tx[i] != NULL) {
			if (keep)
				txs[n++] = ir->tx[i];
			else
				ledger_rollback(ir->tx[i]);
		}
	/* several registers: all of them or none (a group commit) */
	if (n == 1)
		ledger_commit(txs[0]);
	else if (n > 1)
		ledger_commit_group(txs, n);
	for (i = 0; i < 4; i++)
		ledger_close(ir->l[i]);
	import_seen_free(&ir->seen);
}

int
desk_import(struct pm_ctx *ctx, const char *file, const char *reg,
    const char *encoding, int dry_run, FILE *out, struct pm_err *e)
{
	struct import_src *src;
	struct import_run ir;
	struct row r;
	int col[I_N], rc;
	size_t i;

	if (reg && register_named(reg) == NULL)
		return errset(e, EX_USAGE, _("--register: expected visitor, "
		    "parcel, call or release, got \"%.20s\""), reg);
	if ((src = import_start(file, encoding, import_names, NULL, col, e)) ==
	    NULL)
		return -1;
	memset(&ir, 0, sizeof ir);
	for (i = 0; i < desk_nregisters; i++) {
		struct ledger *l = ledger_open(register_defs[i], ctx->data);
		struct seen_fold f = { l, &desk_registers[i], &ir.seen };

		if (ledger_exists(l))
			ledger_scan(l, seen_row, &f);
		ledger_close(l);
	}
	while ((rc = import_next(src, &r, e)) == 1)
		import_row(ctx, &ir, reg, &r, col);
	import_close(src);
	import_end(&ir, rc == 0 && !ir.errors && !dry_run);
	return import_finish(out, file, rc, ir.errors, dry_run, ir.added,
	    ir.present, e);
}

struct closing {
	struct desk_book b;
};

/* A matter closes when it is done: the visitor left, the item collected... */
static long
closed_month(const struct ledger *l, const struct row *r, void *arg)
{
	struct closing *c = arg;
	const char *ref = row_get(l, r, "ref");
	char id[DESK_ID_MAX];
	const struct desk_item *it;
	time_t t;

	if (*ref == '\0') {
		snprintf(id, sizeof id, "%c%06ld", c->b.reg->letter, row_seq(r));
		ref = id;
	}
	it = desk_find(&c->b, ref);
	if (it == NULL)
		return -1;
	t = it->reg->letter == 'T' ? it->done : it->out;
	return t ? clock_month_key(t) : -1;
}

long
desk_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg)
{
	long moved = 0;
	size_t i;

	for (i = 0; i < desk_nregisters; i++) {
		struct ledger *l = ledger_open(register_defs[i], ctx->data);
		struct ledger_tx *tx;
		struct closing c;

		if (!ledger_exists(l)) {
			ledger_close(l);
			continue;
		}
		tx = ledger_begin(l, ctx->conf.lock_timeout);
		read_book(l, &desk_registers[i], &c.b);
		moved += ledger_archive(tx, before, closed_month, &c, dry_run,
		    report, rarg, ctx->now, ctx->user);
		desk_book_free(&c.b);
		ledger_close(l);
	}
	return moved;
}
