/*
 * owner.c - the owner archive procedure (SPEC 2.5), read top to bottom:
 *
 *   one record per property, by its 10-digit unit code, never deleted;
 *   the archive is confidential (绝密): listings mask phone and ID
 *   numbers, and seeing a full record needs the manager's approval and
 *   is registered (who, when, why, approved by whom);
 *   a change (new phone, new owner) needs the manager's approval and is
 *   kept as history.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "owner.h"

static const char *const owner_cols[] = { "event", "unit", "name", "phone",
	"id_no", "members", "vehicles", "area", "handover", "field", "value",
	"approved_by", NULL };
/* SPEC 3: the owner archive is created 0600. */
static const struct ledger_def owner_def = { "owners", owner_cols, 0600 };

static const char *const access_cols[] = { "unit", "reason", "approved_by",
	NULL };
static const struct ledger_def access_def = { "owner_access", access_cols,
	0600 };
/* SPEC 3: the owner archive and its access register are kept for good */
const struct ledger_def *const owner_book_defs[] = { &owner_def, &access_def,
	NULL };

enum { O_EVENT, O_UNIT, O_NAME, O_PHONE, O_ID_NO, O_MEMBERS, O_VEHICLES,
	O_AREA, O_HANDOVER, O_FIELD, O_VALUE, O_APPROVED, O_NCOLS };

/* The fields of a record, in the book's column order from O_NAME. */
const char *const owner_fields[] = { "name", "phone", "id_no", "members",
	"vehicles", "area", "handover", NULL };

#define REASON_MAX 200

/* ---- the rules of a value ------------------------------------------------------ */

/* GB 11643: 17 digits, the birth date, and the check digit. */
int
owner_id_valid(const char *id)
{
	static const int weight[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9,
		10, 5, 8, 4, 2 };
	static const char check[] = "10X98765432";
	int i, sum = 0, y, m, d;

	if (strlen(id) != 18 || !field_all_digits(id, 17))
		return 0;
	/* digits 7-14 are the birth date YYYYMMDD */
	y = (id[6] - '0') * 1000 + (id[7] - '0') * 100 + (id[8] - '0') * 10 +
	    (id[9] - '0');
	m = (id[10] - '0') * 10 + (id[11] - '0');
	d = (id[12] - '0') * 10 + (id[13] - '0');
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 ||
	    d > clock_days_in_month(y, m))
		return 0;
	for (i = 0; i < 17; i++)
		sum += (id[i] - '0') * weight[i];
	return toupper((unsigned char)id[17]) == check[sum % 11];
}

static int
check_id(struct pm_err *e, const char *field, const char *v)
{
	if (!owner_id_valid(v))
		return errset(e, EX_DATAERR, _("%s: not a valid ID number (18 "
		    "characters, the GB 11643 check digit must match)"), field);
	return 0;
}

static int
check_area(struct pm_err *e, const char *field, const char *v)
{
	char *end;
	double a = strtod(v, &end);
	const char *dot = strchr(v, '.');

	if (*v == '\0' || *end != '\0' || !isdigit((unsigned char)*v) ||
	    a <= 0 || a > 100000 || (dot && strlen(dot + 1) > 2))
		return errset(e, EX_DATAERR, _("%s: expected square metres like "
		    "89.5 (at most 2 decimals), got \"%.20s\""), field, v);
	return 0;
}

/* "王芳:配偶" - a household member and relation (:, or ：). */
static int
check_member(struct pm_err *e, const char *field, const char *v,
    struct buf *out)
{
	const char *colon = strchr(v, ':');
	size_t skip = 1;
	char name[256];

	if (colon == NULL && (colon = strstr(v, "：")) != NULL)
		skip = 3;
	if (colon == NULL || (size_t)(colon - v) >= sizeof name)
		return errset(e, EX_DATAERR, _("%s: expected NAME:RELATION, got "
		    "\"%.40s\""), field, v);
	memcpy(name, v, colon - v);
	name[colon - v] = '\0';
	if (field_name(e, field, name) != 0 ||
	    field_name(e, field, colon + skip) != 0)
		return -1;
	buf_addf(out, "%s%s:%s", out->len ? ";" : "", name, colon + skip);
	return 0;
}

static int
check_vehicle(struct pm_err *e, const char *field, const char *v,
    struct buf *out)
{
	size_t n = utf8_chars(v);

	if (field_text(e, field, v, strlen(v), 10) != 0)
		return -1;
	if (n < 5 || strpbrk(v, " ;,\n") != NULL)
		return errset(e, EX_DATAERR, _("%s: expected a plate like "
		    "粤B12345, got \"%.20s\""), field, v);
	buf_addf(out, "%s%s", out->len ? ";" : "", v);
	return 0;
}

/* Check a list "a;b" with one of the item checks, normalising it. */
static int
check_list(struct pm_err *e, const char *field, const char *v,
    int (*item)(struct pm_err *, const char *, const char *, struct buf *),
    struct buf *out)
{
	char *copy = xstrdup(v), *save = NULL, *tok;
	int rc = 0;

	for (tok = strtok_r(copy, ";", &save); tok && rc == 0;
	    tok = strtok_r(NULL, ";", &save))
		if (*tok)
			rc = item(e, field, tok, out);
	free(copy);
	return rc;
}

/* Validate one field's value; out receives the value as stored. */
static int
check_field(struct pm_err *e, const char *label, const char *field,
    const char *v, struct buf *out)
{
	time_t t;

	if (*v == '\0' && strcmp(field, "name") != 0)
		return 0;	/* an optional field cleared */
	if (strcmp(field, "name") == 0) {
		if (field_name(e, label, v) != 0)
			return -1;
	} else if (strcmp(field, "phone") == 0) {
		if (field_phone(e, label, v) != 0)
			return -1;
	} else if (strcmp(field, "id_no") == 0) {
		if (check_id(e, label, v) != 0)
			return -1;
	} else if (strcmp(field, "area") == 0) {
		if (check_area(e, label, v) != 0)
			return -1;
	} else if (strcmp(field, "handover") == 0) {
		if (field_date(e, label, v, &t) != 0)
			return -1;
	} else if (strcmp(field, "members") == 0)
		return check_list(e, label, v, check_member, out);
	else if (strcmp(field, "vehicles") == 0)
		return check_list(e, label, v, check_vehicle, out);
	buf_adds(out, v);
	return 0;
}

void
owner_mask_phone(const char *phone, char *out, size_t size)
{
	size_t n = strlen(phone);

	if (n < 8)
		snprintf(out, size, "%s", n ? "****" : "");
	else
		snprintf(out, size, "%.3s****%s", phone, phone + n - 4);
}

void
owner_mask_id(const char *id, char *out, size_t size)
{
	size_t n = strlen(id);

	if (n < 11)
		snprintf(out, size, "%s", n ? "********" : "");
	else
		snprintf(out, size, "%.6s********%s", id, id + n - 4);
}

static int
check_manager(struct pm_ctx *ctx, const char *approved_by, const char *what,
    struct pm_err *e)
{
	if (approved_by == NULL || *approved_by == '\0')
		return errset(e, EX_DATAERR, _("--approved-by is required: %s "
		    "needs the manager's approval (SPEC 2.5)"), what);
	if (field_name(e, "--approved-by", approved_by) != 0)
		return -1;
	if (!conf_is_manager(&ctx->conf, approved_by))
		return errset(e, EX_DATAERR, _("--approved-by: %s is not the "
		    "manager (pm.conf: manager); %s needs the manager's approval "
		    "(SPEC 2.5)"), approved_by, what);
	return 0;
}

/* ---- the book, folded ------------------------------------------------------------ */

void
owner_book_free(struct owner_book *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct owner *o = &b->v[i];

		free(o->name);
		free(o->phone);
		free(o->id_no);
		free(o->members);
		free(o->vehicles);
		free(o->area);
		free(o->handover);
	}
	for (i = 0; i < b->nchanges; i++) {
		free(b->changes[i].value);
		free(b->changes[i].before);
	}
	free(b->changes);
	free(b->v);
	memset(b, 0, sizeof *b);
}

static struct owner *
owner_slot(struct owner_book *b, const char *unit, int create)
{
	size_t lo = 0, hi = b->n, mid;
	struct owner *o;

	while (lo < hi) {
		int c;

		mid = (lo + hi) / 2;
		c = strcmp(unit, b->v[mid].unit);
		if (c == 0)
			return &b->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (!create)
		return NULL;
	GROW(b->v, b->n + 1, b->cap);
	memmove(&b->v[lo + 1], &b->v[lo], (b->n - lo) * sizeof *b->v);
	o = &b->v[lo];
	memset(o, 0, sizeof *o);
	snprintf(o->unit, sizeof o->unit, "%s", unit);
	b->n++;
	return o;
}

const struct owner *
owner_find(const struct owner_book *b, const char *unit)
{
	return owner_slot((struct owner_book *)b, unit, 0);
}

static char **
field_slot(struct owner *o, const char *field)
{
	char **slots[] = { &o->name, &o->phone, &o->id_no, &o->members,
		&o->vehicles, &o->area, &o->handover };
	int i;

	for (i = 0; owner_fields[i]; i++)
		if (strcmp(owner_fields[i], field) == 0)
			return slots[i];
	return NULL;
}

/* A field's value as a screen may show it: masked unless revealed. */
const char *
owner_shown(const char *field, const char *v, int reveal, char *buf,
    size_t size)
{
	if (reveal)
		return v;
	if (strcmp(field, "phone") == 0)
		owner_mask_phone(v, buf, size);
	else if (strcmp(field, "id_no") == 0)
		owner_mask_id(v, buf, size);
	else
		return v;
	return buf;
}

static void
set_field(struct owner *o, const char *field, const char *v)
{
	char **slot = field_slot(o, field);

	if (slot) {
		free(*slot);
		*slot = xstrdup(v);
	}
}

struct fold {
	struct ledger *l;
	struct owner_book *b;
	int col[O_NCOLS];
};

static int
fold_row(const struct row *r, void *arg)
{
	struct fold *f = arg;
	const char *event = r->f[f->col[O_EVENT]];
	const char *unit = r->f[f->col[O_UNIT]];
	const char *at = row_get(f->l, r, "at");
	struct owner *o;
	int i;

	if (strcmp(event, "add") == 0) {
		o = owner_slot(f->b, unit, 1);
		for (i = 0; owner_fields[i]; i++)
			set_field(o, owner_fields[i], r->f[f->col[O_NAME + i]]);
		snprintf(o->added_at, sizeof o->added_at, "%s", at);
	} else if (strcmp(event, "change") == 0 &&
	    (o = owner_slot(f->b, unit, 0)) != NULL) {
		char **was = field_slot(o, r->f[f->col[O_FIELD]]);
		char *before = xstrdup(was && *was ? *was : "");

		set_field(o, r->f[f->col[O_FIELD]], r->f[f->col[O_VALUE]]);
		snprintf(o->changed_at, sizeof o->changed_at, "%s", at);
		o->changes++;
		if (f->b->history_unit && strcmp(unit, f->b->history_unit) == 0) {
			struct owner_change *c;

			GROW(f->b->changes, f->b->nchanges + 1,
			    f->b->capchanges);
			c = &f->b->changes[f->b->nchanges++];
			memset(c, 0, sizeof *c);
			snprintf(c->id, sizeof c->id, "O%06ld", row_seq(r));
			snprintf(c->at, sizeof c->at, "%s", at);
			snprintf(c->field, sizeof c->field, "%s",
			    r->f[f->col[O_FIELD]]);
			c->value = xstrdup(r->f[f->col[O_VALUE]]);
			c->before = before;	/* SPEC 2.5: before -> after */
			before = NULL;
			snprintf(c->approved_by, sizeof c->approved_by, "%s",
			    r->f[f->col[O_APPROVED]]);
			snprintf(c->by, sizeof c->by, "%s", row_get(f->l, r,
			    "by"));
		}
		free(before);
	}
	return 0;
}

static void
fold_book(struct ledger *l, struct owner_book *b)
{
	struct fold f;
	int i;

	f.l = l;
	f.b = b;
	for (i = 0; i < O_NCOLS; i++)
		f.col[i] = ledger_col(l, owner_cols[i]);
	ledger_scan(l, fold_row, &f);
}

int
owner_read(struct pm_ctx *ctx, const char *history_unit, struct owner_book *b,
    struct pm_err *e)
{
	struct ledger *l;

	memset(b, 0, sizeof *b);
	if (history_unit && field_unit(e, "--unit", history_unit) != 0)
		return -1;
	b->history_unit = history_unit;
	l = ledger_open(&owner_def, ctx->data);
	fold_book(l, b);
	ledger_close(l);
	return 0;
}

/* The unit check, one place for every form. */
/*
 * The units of the archive (each added once or more), read once and
 * kept sorted for the life of the command: an import checks every row
 * against them without reading the archive again for each.  Its first
 * use is on the main thread; after that it is only read.
 */
static struct {
	char *dir;		/* the data directory they were read from */
	char (*v)[11];
	size_t n, cap;
	long adds;		/* rows adding a unit, whatever its code */
} units;

static int
units_row(const struct row *r, void *arg)
{
	const int *col = arg;

	if (strcmp(r->f[col[0]], "add") != 0)
		return 0;
	units.adds++;
	if (r->len[col[1]] == 10) {
		GROW(units.v, units.n + 1, units.cap);
		memcpy(units.v[units.n++], r->f[col[1]], 11);
	}
	return 0;
}

static int
unit_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 10);
}

static void
units_read(struct pm_ctx *ctx)
{
	struct ledger *l;
	int col[2];

	if (units.dir != NULL && strcmp(units.dir, ctx->data) == 0)
		return;
	free(units.dir);
	units.dir = xstrdup(ctx->data);
	units.n = 0;
	units.adds = 0;
	l = ledger_open(&owner_def, ctx->data);
	col[0] = ledger_col(l, "event");
	col[1] = ledger_col(l, "unit");
	ledger_scan(l, units_row, col);
	ledger_close(l);
	if (units.n > 0)
		qsort(units.v, units.n, sizeof units.v[0], unit_cmp);
}

/* Units added: the next check reads the archive again. */
static void
units_forget(void)
{
	free(units.dir);
	units.dir = NULL;
}

void
owner_units_ready(struct pm_ctx *ctx)
{
	units_read(ctx);
}

int
owner_unit_check(struct pm_ctx *ctx, const char *field, const char *unit,
    struct pm_err *e)
{
	if (field_unit(e, field, unit) != 0)
		return -1;
	units_read(ctx);
	if (units.adds > 0 && bsearch(unit, units.v, units.n,
	    sizeof units.v[0], unit_cmp) == NULL)
		return errset(e, EX_DATAERR, _("%s: unit %s is not in the owner "
		    "archive (add it with pm-owner add)"), field, unit);
	return 0;
}

/* ---- writes ---------------------------------------------------------------------- */

struct owner_row {
	const char *v[O_NCOLS + 1];
	struct buf val[O_NCOLS];
	time_t at;
};

static void
owner_row_free(struct owner_row *r)
{
	int i;

	for (i = 0; i < O_NCOLS; i++)
		buf_free(&r->val[i]);
}

/* Validate a new record into row; the book says whether the unit is taken. */
static int
check_add(struct pm_ctx *ctx, const struct owner_in *in, struct owner_row *r,
    struct pm_err *e)
{
	const char *given[7];
	int i;

	memset(r, 0, sizeof *r);
	for (i = 0; i < O_NCOLS; i++)
		r->v[i] = "";
	if (in->unit == NULL || field_unit(e, "--unit", in->unit) != 0)
		return in->unit ? -1 : errset(e, EX_DATAERR, _("--unit is "
		    "required"));
	if (in->name == NULL)
		return errset(e, EX_DATAERR, _("--name is required"));
	if (field_event_time(e, "--at", in->at, ctx->now, &r->at) != 0)
		return -1;
	given[0] = in->name;
	given[1] = in->phone;
	given[2] = in->id_no;
	given[3] = NULL;
	given[4] = NULL;
	given[5] = in->area;
	given[6] = in->handover;
	for (i = 0; owner_fields[i]; i++) {
		char opt[24];

		snprintf(opt, sizeof opt, "--%s", owner_fields[i]);
		if (strcmp(owner_fields[i], "id_no") == 0)
			strcpy(opt, "--id-no");
		if (given[i] && check_field(e, opt, owner_fields[i], given[i],
		    &r->val[O_NAME + i]) != 0)
			return -1;
	}
	for (i = 0; i < in->nmembers; i++)
		if (check_member(e, "--member", in->members[i],
		    &r->val[O_MEMBERS]) != 0)
			return -1;
	for (i = 0; i < in->nvehicles; i++)
		if (check_vehicle(e, "--vehicle", in->vehicles[i],
		    &r->val[O_VEHICLES]) != 0)
			return -1;
	r->v[O_EVENT] = "add";
	r->v[O_UNIT] = in->unit;
	for (i = O_NAME; i <= O_HANDOVER; i++)
		r->v[i] = r->val[i].s ? r->val[i].s : "";
	return 0;
}

int
owner_add(struct pm_ctx *ctx, const struct owner_in *in, char *id,
    struct pm_err *e)
{
	struct owner_book b;
	struct owner_row r;
	struct ledger_tx *tx;
	struct ledger *l;
	const struct owner *o;

	if (check_add(ctx, in, &r, e) != 0) {
		owner_row_free(&r);
		return -1;
	}
	memset(&b, 0, sizeof b);
	l = ledger_open(&owner_def, ctx->data);
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	fold_book(l, &b);
	if ((o = owner_find(&b, in->unit)) != NULL) {
		errset(e, EX_DATAERR, _("--unit: %s is already in the archive "
		    "(owner %s); a record is never replaced: use pm-owner change "
		    "--approved-by"), in->unit, o->name);
		ledger_rollback(tx);
		ledger_close(l);
		owner_book_free(&b);
		owner_row_free(&r);
		return -1;
	}
	ledger_add(tx, r.at, ctx->user, ctx->now, r.v);
	ledger_commit(tx);
	units_forget();
	snprintf(id, 11, "%s", in->unit);
	ledger_close(l);
	owner_book_free(&b);
	owner_row_free(&r);
	return 0;
}

int
owner_change(struct pm_ctx *ctx, const char *unit, const char *field,
    const char *value, const char *approved_by, char *id, struct pm_err *e)
{
	struct owner_book b;
	struct owner_row r;
	struct ledger_tx *tx;
	struct ledger *l;
	char label[24];
	int i, rc = 0;

	memset(&r, 0, sizeof r);
	for (i = 0; i < O_NCOLS; i++)
		r.v[i] = "";
	if (field_unit(e, "--unit", unit) != 0 ||
	    field_enum(e, "--field", field, owner_fields) != 0 ||
	    check_manager(ctx, approved_by, _("a change to the owner archive"),
	    e) != 0)
		return -1;
	snprintf(label, sizeof label, "--value (%s)", field);
	if (check_field(e, label, field, value, &r.val[O_VALUE]) != 0) {
		owner_row_free(&r);
		return -1;
	}
	memset(&b, 0, sizeof b);
	l = ledger_open(&owner_def, ctx->data);
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	fold_book(l, &b);
	if (owner_find(&b, unit) == NULL) {
		rc = errset(e, EX_NOINPUT, _("--unit: %s is not in the owner "
		    "archive"), unit);
		ledger_rollback(tx);
	} else {
		r.v[O_EVENT] = "change";
		r.v[O_UNIT] = unit;
		r.v[O_FIELD] = field;
		r.v[O_VALUE] = r.val[O_VALUE].s ? r.val[O_VALUE].s : "";
		r.v[O_APPROVED] = approved_by;
		snprintf(id, 24, "O%06ld", ledger_add(tx, ctx->now, ctx->user,
		    ctx->now, r.v));
		ledger_commit(tx);
	}
	ledger_close(l);
	owner_book_free(&b);
	owner_row_free(&r);
	return rc;
}

int
owner_reveal(struct pm_ctx *ctx, const char *unit, const char *reason,
    const char *approved_by, struct pm_err *e)
{
	struct owner_book b;
	struct ledger_tx *tx;
	struct ledger *l;
	const char *vals[4];
	int known;

	if (reason == NULL || *reason == '\0')
		return errset(e, EX_DATAERR, _("--reason is required: seeing a "
		    "full record is registered with its reason (SPEC 2.5)"));
	if (field_text(e, "--reason", reason, strlen(reason), REASON_MAX) != 0 ||
	    check_manager(ctx, approved_by, _("seeing a full record"), e) != 0)
		return -1;
	if (owner_read(ctx, NULL, &b, e) != 0)
		return -1;
	known = owner_find(&b, unit) != NULL;
	owner_book_free(&b);
	if (!known)
		return errset(e, EX_NOINPUT, _("--unit: %s is not in the owner "
		    "archive"), unit);
	/* Registered, and on disk, before anything is shown. */
	l = ledger_open(&access_def, ctx->data);
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	vals[0] = unit;
	vals[1] = reason;
	vals[2] = approved_by;
	vals[3] = NULL;
	ledger_add(tx, ctx->now, ctx->user, ctx->now, vals);
	ledger_commit(tx);
	ledger_close(l);
	return 0;
}

/* ---- the access register ------------------------------------------------------------ */

struct audit {
	struct ledger *l;
	const char *month;
	owner_access_fn fn;
	void *arg;
};

static int
audit_row(const struct row *r, void *arg)
{
	struct audit *a = arg;
	const char *at = row_get(a->l, r, "at");

	if (a->month && strncmp(at, a->month, 7) != 0)
		return 0;
	return a->fn(at, row_get(a->l, r, "by"), row_get(a->l, r, "unit"),
	    row_get(a->l, r, "reason"), row_get(a->l, r, "approved_by"),
	    a->arg);
}

int
owner_audit(struct pm_ctx *ctx, const char *month, owner_access_fn fn,
    void *arg, struct pm_err *e)
{
	struct audit a;
	int y, m;

	if (month && clock_parse_month(month, &y, &m) != 0)
		return errset(e, EX_DATAERR, _("--month: expected YYYY-MM, got "
		    "\"%.20s\""), month);
	a.l = ledger_open(&access_def, ctx->data);
	a.month = month;
	a.fn = fn;
	a.arg = arg;
	ledger_scan(a.l, audit_row, &a);
	ledger_close(a.l);
	return 0;
}

struct month_count {
	struct ledger *l;
	char month[8];
	time_t end;
	struct owner_summary *sum;
};

static int
count_month(const struct row *r, void *arg)
{
	struct month_count *m = arg;
	const char *at = row_get(m->l, r, "at");

	if (strncmp(at, m->month, 7) != 0)
		return 0;
	if (strcmp(row_get(m->l, r, "event"), "add") == 0)
		m->sum->added++;
	else
		m->sum->changed++;
	return 0;
}

int
owner_summarize(struct pm_ctx *ctx, const char *month,
    int (*keys_issued)(const char *unit, void *arg), void *arg,
    struct owner_summary *sum, struct pm_err *e)
{
	struct month_count m;
	struct owner_book b;
	size_t i;
	int y, mo;

	memset(sum, 0, sizeof *sum);
	if (month == NULL || clock_parse_month(month, &y, &mo) != 0)
		return errset(e, EX_DATAERR, _("--month: expected YYYY-MM, got "
		    "\"%.20s\""), month ? month : "");
	m.l = ledger_open(&owner_def, ctx->data);
	snprintf(m.month, sizeof m.month, "%04d-%02d", y, mo);
	m.sum = sum;
	ledger_scan(m.l, count_month, &m);
	ledger_close(m.l);
	if (owner_read(ctx, NULL, &b, e) != 0)
		return -1;
	for (i = 0; i < b.n; i++) {
		const struct owner *o = &b.v[i];
		char end[20];

		/* the archive as it stood at the end of the month */
		clock_format(clock_month_end(y, mo), end);
		if (strcmp(o->added_at, end) >= 0)
			continue;
		sum->records++;
		if (*o->phone == '\0' || *o->id_no == '\0' ||
		    *o->handover == '\0')
			sum->incomplete++;
		if (keys_issued && !keys_issued(o->unit, arg))
			sum->no_keys++;
	}
	owner_book_free(&b);
	return 0;
}

/* ---- archiving ------------------------------------------------------------------------ */

static long
access_month(const struct ledger *l, const struct row *r, void *arg)
{
	time_t t;

	(void)arg;
	if (clock_parse(row_get(l, r, "at"), &t, NULL) != 0)
		return -1;
	return clock_month_key(t);
}

long
owner_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg)
{
	struct ledger *l = ledger_open(&access_def, ctx->data);
	long moved = 0;

	if (ledger_exists(l))
		moved = ledger_archive(ledger_begin(l, ctx->conf.lock_timeout), before,
	    access_month, NULL, dry_run, report, rarg, ctx->now, ctx->user);
	ledger_close(l);
	return moved;
}

int
owner_verify(struct pm_ctx *ctx, FILE *out, struct pm_err *e)
{
	const struct ledger_def *const defs[] = { &owner_def, &access_def, NULL };

	return ledger_verify_books(ctx->data, defs, out, e);
}

/* ---- import: the owner list from the sales system ------------------------------------ */

static const char *const import_names[] = { "unit", "name", "phone",
	"id_no", "area", "handover", "members", "vehicles", "at", NULL };
enum { I_UNIT, I_NAME, I_PHONE, I_ID, I_AREA, I_HANDOVER, I_MEMBERS,
	I_VEHICLES, I_AT, I_N };

struct import_run {
	struct pm_ctx *ctx;
	struct ledger_tx *tx;
	struct owner_book b;
	int col[I_N];
	long errors, added, dups;
};

/* members and vehicles: "a;b" cells, as the command's repeats */
static void
import_lists(struct owner_in *in, const char *const *v, char **lists)
{
	int k;

	for (k = 0; k < 2; k++) {
		const char *cell = v[k ? I_VEHICLES : I_MEMBERS];
		char *save = NULL, *tok;

		if (cell == NULL)
			continue;
		lists[k] = xstrdup(cell);
		for (tok = strtok_r(lists[k], ";", &save); tok;
		    tok = strtok_r(NULL, ";", &save)) {
			if (k == 0 && in->nmembers < 16)
				in->members[in->nmembers++] = tok;
			else if (k == 1 && in->nvehicles < 8)
				in->vehicles[in->nvehicles++] = tok;
		}
	}
}

/* One owner of the file, checked as pm-owner add checks one. */
static void
import_row(struct import_run *ir, const struct row *row)
{
	const char *v[I_N];
	struct owner_in in;
	struct owner_row r;
	struct pm_err fe;
	const struct owner *o;
	char *lists[2] = { NULL, NULL };
	int i, rc;

	for (i = 0; i < I_N; i++)
		v[i] = ir->col[i] >= 0 && ir->col[i] < row->n &&
		    *row->f[ir->col[i]] ? row->f[ir->col[i]] : NULL;
	memset(&in, 0, sizeof in);
	in.unit = v[I_UNIT];
	in.name = v[I_NAME];
	in.phone = v[I_PHONE];
	in.id_no = v[I_ID];
	in.area = v[I_AREA];
	in.handover = v[I_HANDOVER];
	in.at = v[I_AT];
	import_lists(&in, v, lists);
	rc = check_add(ir->ctx, &in, &r, &fe);
	free(lists[0]);
	free(lists[1]);
	if (rc != 0) {
		if (++ir->errors <= IMPORT_ERRORS_SHOWN)
			warnmsg(_("line %ld: %s"), row->line, fe.msg);
	} else if ((o = owner_find(&ir->b, in.unit)) != NULL) {
		/* The same owner again is the same record. */
		if (strcmp(o->name, r.v[O_NAME]) == 0)
			ir->dups++;
		else if (++ir->errors <= IMPORT_ERRORS_SHOWN)
			warnmsg(_("line %ld: unit: %s is already in the "
			    "archive as %s; changes need pm-owner change "
			    "--approved-by"), row->line, in.unit, o->name);
	} else if (!ir->errors) {
		struct owner *n = owner_slot(&ir->b, in.unit, 1);

		for (i = 0; owner_fields[i]; i++)
			set_field(n, owner_fields[i], r.v[O_NAME + i]);
		ledger_add(ir->tx, r.at, ir->ctx->user, ir->ctx->now, r.v);
		ir->added++;
	}
	owner_row_free(&r);
}

int
owner_import(struct pm_ctx *ctx, const char *file, const char *encoding,
    int dry_run, FILE *out, struct pm_err *e)
{
	static const char *const required[] = { "unit", "name", NULL };
	struct import_run ir;
	struct import_src *src;
	struct ledger *l;
	struct row row;
	int rc;

	memset(&ir, 0, sizeof ir);
	if ((src = import_start(file, encoding, import_names, required, ir.col,
	    e)) == NULL)
		return -1;
	ir.ctx = ctx;
	l = ledger_open(&owner_def, ctx->data);
	ir.tx = ledger_begin(l, ctx->conf.lock_timeout);
	fold_book(l, &ir.b);
	while ((rc = import_next(src, &row, e)) == 1)
		import_row(&ir, &row);
	import_close(src);
	owner_book_free(&ir.b);
	if (rc == 0 && !ir.errors && !dry_run) {
		ledger_commit(ir.tx);
		units_forget();
	} else
		ledger_rollback(ir.tx);
	ledger_close(l);
	return import_finish(out, file, rc, ir.errors, dry_run, ir.added,
	    ir.dups, e);
}

/* ---- the quarterly census (SPEC 2.9, seed 000 每季度进行一次家庭情况的普查) ---------- */

int
owner_census(struct pm_ctx *ctx, const char *unit, const char *by,
    const char *note, char *id, struct pm_err *e)
{
	struct owner_book b;
	struct ledger_tx *tx;
	struct ledger *l;
	const char *v[O_NCOLS + 1];
	int i, rc = 0;

	if (field_unit(e, "--unit", unit) != 0 || field_name(e, "--by", by) != 0 ||
	    (note && field_text(e, "--note", note, strlen(note), REASON_MAX)))
		return -1;
	memset(&b, 0, sizeof b);
	l = ledger_open(&owner_def, ctx->data);
	if (!ledger_exists(l)) {
		ledger_close(l);
		return errset(e, EX_NOINPUT, _("--unit: %s is not in the owner "
		    "archive"), unit);
	}
	tx = ledger_begin(l, ctx->conf.lock_timeout);
	fold_book(l, &b);
	if (owner_find(&b, unit) == NULL) {
		rc = errset(e, EX_NOINPUT, _("--unit: %s is not in the owner "
		    "archive"), unit);
		ledger_rollback(tx);
	} else {
		for (i = 0; i < O_NCOLS; i++)
			v[i] = "";
		v[O_EVENT] = "census";
		v[O_UNIT] = unit;
		v[O_FIELD] = "census";
		v[O_VALUE] = note ? note : "";
		/* by: who confirmed the household, as the paper is signed */
		snprintf(id, 24, "O%06ld", ledger_add(tx, ctx->now, by, ctx->now,
		    v));
		ledger_commit(tx);
	}
	ledger_close(l);
	owner_book_free(&b);
	return rc;
}

struct census_scan {
	const struct ledger *l;
	time_t from, to;
	struct owner_census *v;
	size_t n;
};

static int
census_row(const struct row *r, void *arg)
{
	struct census_scan *c = arg;
	time_t t;
	size_t i;

	if (strcmp(row_get(c->l, r, "event"), "census") != 0 ||
	    clock_parse(row_get(c->l, r, "at"), &t, NULL) != 0 ||
	    t < c->from || t >= c->to)
		return 0;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].unit, row_get(c->l, r, "unit")) == 0) {
			snprintf(c->v[i].at, sizeof c->v[i].at, "%s",
			    row_get(c->l, r, "at"));
			snprintf(c->v[i].by, sizeof c->v[i].by, "%s",
			    row_get(c->l, r, "by"));
		}
	return 0;
}

int
owner_census_quarter(struct pm_ctx *ctx, const char *quarter,
    struct owner_census **out, size_t *n, struct pm_err *e)
{
	struct census_scan c;
	struct owner_book b;
	struct ledger *l;
	int y, q;
	size_t i;

	*out = NULL;
	*n = 0;
	if (quarter == NULL || clock_parse_quarter(quarter, &y, &q) != 0)
		return errset(e, EX_DATAERR, _("--quarter: expected YYYYQn, got "
		    "\"%.20s\""), quarter ? quarter : "");
	if (owner_read(ctx, NULL, &b, e) != 0)
		return -1;
	memset(&c, 0, sizeof c);
	c.from = clock_month_start(y, 3 * q - 2);
	c.to = clock_month_end(y, 3 * q);
	c.v = xcalloc(b.n + 1, sizeof *c.v);
	for (i = 0; i < b.n; i++)
		snprintf(c.v[i].unit, sizeof c.v[i].unit, "%s", b.v[i].unit);
	c.n = b.n;
	owner_book_free(&b);
	l = ledger_open(&owner_def, ctx->data);
	c.l = l;
	if (ledger_exists(l))
		ledger_scan(l, census_row, &c);
	ledger_close(l);
	*out = c.v;
	*n = c.n;
	return 0;
}
