/*
 * compimport.c - a backlog of complaints and requests from a spreadsheet
 * (SPEC 5): every row checked as pm-complaint add checks it, one already
 * registered (the same kind, unit, name, text and minute) passed over,
 * then all rows or none, each under a new code.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "complaint_priv.h"
#include "owner.h"

static void
reg_key(struct buf *k, const char *kind, const char *unit, const char *name,
    const char *text, const char *at)
{
	const char *s[] = { kind, unit, name, text, at };
	size_t len[] = { strlen(kind), strlen(unit), strlen(name),
	    strlen(text), strnlen(at, 16) };

	buf_join(k, '\x1f', 5, s, len);
}

struct seen_fold {
	struct ledger *l;
	struct import_seen *seen;
};

static int
fold_seen(const struct row *r, void *arg)
{
	struct seen_fold *f = arg;
	struct buf k = { 0 };

	reg_key(&k, row_get(f->l, r, "kind"), row_get(f->l, r, "unit"),
	    row_get(f->l, r, "name"), row_get(f->l, r, "text"),
	    row_get(f->l, r, "at"));
	import_seen_add(f->seen, k.s, k.len);
	buf_free(&k);
	return 0;
}

/*
 * Import registrations (the backlog of paper forms, or list --format csv):
 * columns kind, unit, name, text and any of phone, channel, importance,
 * category, cosigners, requested_by, registered_at.  New codes are issued;
 * all rows or none.
 */
static const char *const import_names[] = { "kind", "unit", "name", "phone",
	"channel", "text", "importance", "category", "cosigners",
	"requested_by", "registered_at", NULL };
enum { I_KIND, I_UNIT, I_NAME, I_PHONE, I_CHANNEL, I_TEXT, I_IMPORTANCE,
	I_CATEGORY, I_COSIGNERS, I_REQUESTED, I_AT, I_N };

struct import_run {
	/* read by the parser's thread, as it checks */
	struct pm_ctx *ctx;
	int col[I_N];
	/* written by the writer on every row: a cache line apart (duty.c) */
	_Alignas(64) struct import_seen seen;
	struct ledger_tx *tx[2];	/* complaints, requests */
	long errors, added, dups;
};

/* The file's values of a row, by I_, with what pm-complaint add fills in. */
static void
import_values(const struct import_run *ir, const struct row *r,
    const char **v)
{
	int i;

	for (i = 0; i < I_N; i++)
		v[i] = ir->col[i] >= 0 && ir->col[i] < r->n &&
		    *r->f[ir->col[i]] ? r->f[ir->col[i]] : NULL;
	/* what a row leaves empty, as pm-complaint add leaves it */
	v[I_KIND] = v[I_KIND] ? v[I_KIND] : "complaint";
	v[I_IMPORTANCE] = v[I_IMPORTANCE] ? v[I_IMPORTANCE] : "B";
	v[I_CATEGORY] = v[I_CATEGORY] ? v[I_CATEGORY] : "QT";
	v[I_CHANNEL] = v[I_CHANNEL] ? v[I_CHANNEL] : "visit";
	/* an export masks the phone: it comes back unknown (SPEC 5) */
	if (v[I_PHONE] && field_masked(v[I_PHONE]))
		v[I_PHONE] = NULL;
}

/* A registration of the file, checked as pm-complaint add checks one. */
static int
import_check(struct pm_ctx *ctx, const char **v, long *cosigners, time_t *t,
    time_t *rq, struct pm_err *fe)
{
	const char *kind = v[I_KIND];

	if (v[I_UNIT] == NULL)
		return errset(fe, EX_DATAERR, _("unit: must not be empty"));
	if (field_enum(fe, "kind", kind, complaint_kinds) != 0 ||
	    owner_unit_check(ctx, "unit", v[I_UNIT], fe) != 0 ||
	    field_name(fe, "name", v[I_NAME] ? v[I_NAME] : "") != 0 ||
	    (v[I_PHONE] && field_phone(fe, "phone", v[I_PHONE]) != 0) ||
	    field_text(fe, "text", v[I_TEXT] ? v[I_TEXT] : "",
	    v[I_TEXT] ? strlen(v[I_TEXT]) : 0, FIELD_TEXT_MAX) != 0 ||
	    (strcmp(kind, "complaint") == 0 && field_enum(fe, "importance",
	    v[I_IMPORTANCE], complaint_importances) != 0) ||
	    field_enum(fe, "category", v[I_CATEGORY],
	    complaint_categories) != 0 ||
	    field_enum(fe, "channel", v[I_CHANNEL], complaint_channels) != 0 ||
	    (v[I_COSIGNERS] && field_count(fe, "cosigners", v[I_COSIGNERS], 0,
	    9999, cosigners) != 0) ||
	    field_event_time(fe, "registered_at", v[I_AT], ctx->now, t) != 0 ||
	    (v[I_REQUESTED] && field_date(fe, "requested_by", v[I_REQUESTED],
	    rq) != 0))
		return -1;
	return 0;
}

/* What the check of a registration leaves for its writing. */
struct reg_note {
	time_t t, rq;
	long cosigners;
	unsigned char key[16];
};

/*
 * One registration of the file, checked on the parser's thread as its
 * chunk is parsed (the owner archive's units read before): its times,
 * its cosigners and the sum of its key for import_row.
 */
static int
import_check_row(const struct row *r, void *note, struct seen_key *k,
    void *arg, struct pm_err *fe)
{
	const struct import_run *ir = arg;
	struct reg_note *n = note;
	const char *v[I_N];
	char at[20];

	import_values(ir, r, v);
	if (import_check(ir->ctx, v, &n->cosigners, &n->t, &n->rq, fe) != 0)
		return -1;
	clock_format(n->t, at);
	reg_key(&k->b, v[I_KIND], v[I_UNIT], v[I_NAME], v[I_TEXT], at);
	seen_key_sum(k, n->key);
	return 0;
}

static void
import_row(struct import_run *ir, struct import_src *src, const struct row *r)
{
	const char *v[I_N], *vals[R_NCOLS + 1];
	char code[COMPLAINT_CODE_MAX], cos[16], req[20] = "";
	struct pm_ctx *ctx = ir->ctx;
	const struct reg_note *n;
	int req_k;

	if ((n = import_take(src, &ir->seen, offsetof(struct reg_note, key),
	    &ir->errors, &ir->dups)) == NULL)
		return;
	import_values(ir, r, v);
	req_k = strcmp(v[I_KIND], "request") == 0;
	if (!req_k && n->cosigners >= COSIGNED_MAJOR)
		v[I_IMPORTANCE] = "A";
	if (v[I_REQUESTED])
		clock_format(n->rq, req);
	snprintf(cos, sizeof cos, "%ld", n->cosigners);
	if (req_k)
		snprintf(code, sizeof code, "%s-R-%06ld", ctx->conf.office,
		    ledger_tx_next_seq(ir->tx[1]));
	else
		snprintf(code, sizeof code, "%s-%s-%s-%06ld", ctx->conf.office,
		    v[I_IMPORTANCE], v[I_CATEGORY],
		    ledger_tx_next_seq(ir->tx[0]));
	vals[R_CODE] = code;
	vals[R_KIND] = v[I_KIND];
	vals[R_UNIT] = v[I_UNIT];
	vals[R_NAME] = v[I_NAME];
	vals[R_PHONE] = v[I_PHONE] ? v[I_PHONE] : "";
	vals[R_CHANNEL] = v[I_CHANNEL];
	vals[R_TEXT] = v[I_TEXT];
	vals[R_IMPORTANCE] = req_k ? "" : v[I_IMPORTANCE];
	vals[R_CATEGORY] = v[I_CATEGORY];
	vals[R_COSIGNERS] = cos;
	vals[R_REQUESTED] = req;
	vals[R_NCOLS] = NULL;
	ledger_add(ir->tx[req_k], n->t, ctx->user, ctx->now, vals);
	ir->added++;
}

int
complaint_import(struct pm_ctx *ctx, const char *file, const char *encoding,
    int dry_run, FILE *out, struct pm_err *e)
{
	static const char *const required[] = { "unit", "name", "text", NULL };
	const struct ledger_def *defs[2] = { complaint_book_defs[0],
		complaint_book_defs[1] };
	struct ledger *l[2];
	struct import_run ir;
	struct import_src *src;
	struct row r;
	int k, rc;

	memset(&ir, 0, sizeof ir);
	if ((src = import_start(file, encoding, import_names, required, ir.col,
	    e)) == NULL)
		return -1;
	ir.ctx = ctx;
	/* the rest of the file is checked as it is parsed */
	owner_units_ready(ctx);
	import_set_check(src, import_check_row, sizeof(struct reg_note), &ir);
	/* Both registration books are locked, complaints first, always. */
	for (k = 0; k < 2; k++) {
		struct seen_fold f;

		l[k] = ledger_open(defs[k], ctx->data);
		ir.tx[k] = ledger_begin(l[k], ctx->conf.lock_timeout);
		import_seen_reserve(&ir.seen, ir.seen.n + (size_t)
		    ledger_tx_last_seq(ir.tx[k]) + import_rows_hint(src));
		f.l = l[k];
		f.seen = &ir.seen;
		ledger_scan(l[k], fold_seen, &f);
	}
	while ((rc = import_next(src, &r, e)) == 1)
		import_row(&ir, src, &r);
	import_close(src);
	import_seen_free(&ir.seen);
	/* both books or neither (SPEC 6) */
	if (rc < 0 || ir.errors || dry_run)
		for (k = 0; k < 2; k++)
			ledger_rollback(ir.tx[k]);
	else
		ledger_commit_group(ir.tx, 2);
	for (k = 0; k < 2; k++)
		ledger_close(l[k]);
	return import_finish(out, file, rc, ir.errors, dry_run, ir.added,
	    ir.dups, e);
}
