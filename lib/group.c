/*
 * group.c - one report across many offices (issue 18): pm-report -D A
 * -D B complaints.  Each office's report is gathered exactly as it is
 * alone, with its own pm.conf (office code, households, targets); the
 * group report sets them side by side and adds a total made from the
 * sums: counts added, a rate as the sum of its numerators over the sum
 * of its denominators, never an average of rates.
 *
 * Sections:
 *   offices    each -D opened and checked as cli_ready checks one
 *   totals     the group's figures from the offices' counts
 *   the doc    figures side by side, each table with its office
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doc.h"

/* ---- offices ------------------------------------------------------------------ */

/* The office of dir, as cli_ready opens the first: its pm.conf read. */
static int
office_open(const struct pm_ctx *first, const char *dir, struct pm_ctx *oc,
    struct pm_err *e)
{
	struct stat st;

	*oc = *first;
	oc->data = dir;
	memset(&oc->conf, 0, sizeof oc->conf);
	if (stat(dir, &st) != 0)
		return errset(e, EX_NOINPUT, _("data directory %s: %s"), dir,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return errset(e, EX_NOINPUT, _("data directory %s: not a "
		    "directory"), dir);
	return conf_load(&oc->conf, dir, e);
}

/* Each office's report; offices named twice (one code) are refused. */
static int
gather_all(struct pm_ctx *ctx, const char *report, const char *period,
    struct doc *docs, struct pm_ctx *octx, struct pm_err *e)
{
	int i, j;

	for (i = 0; i < ctx->ndata; i++) {
		if (i == 0)
			octx[0] = *ctx;
		else if (office_open(ctx, ctx->datas[i], &octx[i], e) != 0)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(octx[j].conf.office, octx[i].conf.office) == 0)
				return errset(e, EX_DATAERR, _("-D %s: office %s "
				    "again (also -D %s); each office's pm.conf "
				    "names it once"), ctx->datas[i],
				    octx[i].conf.office, ctx->datas[j]);
		if (report_gather(&octx[i], report, period, &docs[i], e) != 0) {
			char msg[sizeof e->msg];

			snprintf(msg, sizeof msg, "%s", e->msg);
			return errset(e, e->status, "%s (%s): %s",
			    octx[i].conf.office, ctx->datas[i], msg);
		}
	}
	return 0;
}

/* ---- totals ------------------------------------------------------------------- */

static const struct doc_value *
value_of(const struct doc *d, const char *key)
{
	int i;

	for (i = 0; i < d->nv; i++)
		if (strcmp(d->v[i].key, key) == 0)
			return &d->v[i];
	return NULL;
}

/*
 * A count as the book writes it: digits, or yuan with two decimals
 * (in fen); -1 when it is not one (null, a month, a rate).
 */
static int
count_of(const char *s, long *v)
{
	char *end;

	*v = strtol(s, &end, 10);
	if (end == s || *s == '-')
		return -1;
	if (*end == '\0')
		return 0;
	if (end[0] == '.' && end[1] >= '0' && end[1] <= '9' && end[2] >= '0' &&
	    end[2] <= '9' && end[3] == '\0') {
		*v = *v * 100 + (end[1] - '0') * 10 + (end[2] - '0');
		return 2;
	}
	return -1;
}

/* The sum of one figure over the offices, into t; 0 when it has none. */
static int
total_of(struct doc *t, const struct doc *docs, int n, const struct doc_value *v)
{
	struct doc_value *out;
	long sum = 0, num = 0, den = 0, x;
	int i, places = -1, p;

	for (i = 0; i < n; i++) {
		const struct doc_value *o = value_of(&docs[i], v->key);

		if (o == NULL)
			return 0;
		num += o->num;
		den += o->den;
		p = count_of(o->value, &x);
		if (v->ratio || v->kind != 1 || p < 0 ||
		    (places >= 0 && p != places))
			places = -2;	/* not a count */
		else {
			places = p;
			sum += x;
		}
	}
	if (v->ratio) {
		out = doc_put(t, v->key, v->label, 1);
		if (den == 0)
			snprintf(out->value, sizeof out->value, "null");
		else
			snprintf(out->value, sizeof out->value, "%.4f",
			    (double)num / den);
		out->ratio = out->chart = 1;
		out->num = num;
		out->den = den;
		return 1;
	}
	if (places < 0)
		return 0;
	out = doc_put(t, v->key, v->label, 1);
	if (places == 2)
		snprintf(out->value, sizeof out->value, "%ld.%02ld", sum / 100,
		    sum % 100);
	else
		snprintf(out->value, sizeof out->value, "%ld", sum);
	return 1;
}

/* A text figure the offices share (the month), once. */
static void
shared_text(struct doc *t, const struct doc *docs, int n,
    const struct doc_value *v)
{
	int i;

	for (i = 1; i < n; i++) {
		const struct doc_value *o = value_of(&docs[i], v->key);

		if (o == NULL || strcmp(o->value, v->value) != 0)
			return;
	}
	snprintf(doc_put(t, v->key, v->label, 0)->value, 512, "%s", v->value);
}

/* A breakdown's leaves, "by_importance.A" = "1", as counted so far. */
struct leaf_sum {
	char key[64][48];
	long sum[64];
	int n, ok;		/* ok: every leaf a count */
};

static void
add_leaf(const char *key, const char *value, void *arg)
{
	struct leaf_sum *ls = arg;
	long x;
	int i;

	if (count_of(value, &x) != 0) {
		ls->ok = 0;
		return;
	}
	for (i = 0; i < ls->n && strcmp(ls->key[i], key) != 0; i++)
		;
	if (i == ls->n) {
		if (ls->n == 64) {
			ls->ok = 0;
			return;
		}
		snprintf(ls->key[ls->n++], sizeof ls->key[0], "%s", key);
	}
	ls->sum[i] += x;
}

/*
 * A breakdown (by_importance) summed leaf by leaf, its leaves as the
 * group's figures; one holding anything but counts (the month before's
 * rates) is left to each office's own tables.
 */
static void
total_breakdown(struct doc *t, const struct doc *docs, int n,
    const struct doc_value *v)
{
	static struct leaf_sum ls;
	int i;

	memset(&ls, 0, sizeof ls);
	ls.ok = 1;
	for (i = 0; i < n && ls.ok; i++) {
		const struct doc_value *o = value_of(&docs[i], v->key);

		if (o == NULL || o->kind != 2)
			return;
		doc_leaves(o, add_leaf, &ls);
	}
	for (i = 0; ls.ok && i < ls.n && t->nv < DOC_MAX; i++) {
		struct doc_value *out = doc_put(t, NULL, v->label, 1);

		snprintf(out->value, sizeof out->value, "%ld", ls.sum[i]);
		snprintf(out->name, sizeof out->name, "%s", ls.key[i]);
		snprintf(out->title, sizeof out->title, "%s %s", v->label,
		    strrchr(ls.key[i], '.') + 1);
		out->key = out->name;
		out->label = out->title;
	}
}

/* The group's figures: office "total", the offices, then the sums. */
static void
totals(struct doc *t, const struct doc *docs, int n)
{
	struct doc_value *v;
	int i;

	memset(t, 0, sizeof *t);
	t->report = docs[0].report;
	t->title = docs[0].title;
	snprintf(t->period, sizeof t->period, "%s", docs[0].period);
	snprintf(doc_put(t, "office", "物业中心", 0)->value, 512, "total");
	v = doc_put(t, "offices", "各中心", 0);
	for (i = 0; i < n; i++)
		snprintf(v->value + strlen(v->value), sizeof v->value -
		    strlen(v->value), "%s%s", i ? ", " : "", docs[i].v[0].value);
	for (i = 1; i < docs[0].nv && t->nv < DOC_MAX; i++) {
		const struct doc_value *f = &docs[0].v[i];

		if (f->kind == 0)
			shared_text(t, docs, n, f);
		else if (f->kind == 1)
			total_of(t, docs, n, f);
		else
			total_breakdown(t, docs, n, f);
	}
}

/* ---- the doc ------------------------------------------------------------------- */

/* Every office's figures, then the total's: one row a figure. */
static void
figures(struct doc *g, const struct doc *docs, int n, const struct doc *t)
{
	static const char *const cols[] = { "office:w", "figure", "label",
		"value", "ratio:r", NULL };
	struct doc_table *tab = doc_table(g, "figures", "各中心对比", cols);
	int i, k;

	for (i = 0; i <= n; i++) {
		const struct doc *d = i < n ? &docs[i] : t;

		for (k = 0; k < d->nv; k++) {
			const struct doc_value *v = &d->v[k];
			const char *row[] = { d->v[0].value, v->key, v->label,
			    v->ratio ? "" : v->value, v->ratio ? v->value : "" };

			if (v->kind == 1)
				table_row(tab, row);
		}
	}
}

/* Each table of the report, its rows from every office, office first. */
static void
tables(struct doc *g, const struct doc *docs, int n)
{
	int j, i, c;
	size_t r;

	for (j = 0; j < docs[0].nt && g->nt < 12; j++) {
		const struct doc_table *s = &docs[0].t[j];
		const char *cols[17];
		char spec[16][48];
		struct doc_table *t;

		if (s->ncols >= 16)
			continue;
		cols[0] = "office";
		for (c = 0; c < s->ncols; c++) {
			snprintf(spec[c], sizeof spec[c], "%s%s%s", s->names[c],
			    *s->flags[c] ? ":" : "", s->flags[c]);
			cols[c + 1] = spec[c];
		}
		cols[s->ncols + 1] = NULL;
		t = doc_table(g, s->key, s->title, cols);
		for (i = 0; i < n; i++) {
			const struct doc_table *o = &docs[i].t[j];
			const char *row[17];

			for (r = 0; j < docs[i].nt && r < o->nrows; r++) {
				row[0] = docs[i].v[0].value;
				for (c = 0; c < o->ncols && c < s->ncols; c++)
					row[c + 1] = o->cells[r * o->ncols + c];
				doc_row(t, row, s->ncols + 1);
			}
		}
	}
}

int
report_write_offices(struct pm_ctx *ctx, const char *report,
    const char *period, enum report_format f, FILE *out, struct pm_err *e)
{
	int n = ctx->ndata, i, rc;
	struct doc *docs = xcalloc(n, sizeof *docs), t, g;
	struct pm_ctx *octx = xcalloc(n, sizeof *octx);

	memset(&t, 0, sizeof t);
	memset(&g, 0, sizeof g);
	rc = gather_all(ctx, report, period, docs, octx, e);
	if (rc == 0) {
		totals(&t, docs, n);
		if (f == REPORT_CSV) {
			struct out *o = out_open(out, OUT_CSV, 0, doc_csv_cols);

			for (i = 0; i < n; i++)
				doc_csv_rows(o, &docs[i]);
			doc_csv_rows(o, &t);
			out_close(o);
		} else {
			g = t;	/* the totals, and tables of every office */
			g.nt = 0;
			figures(&g, docs, n, &t);
			tables(&g, docs, n);
			doc_render(&g, f, out);
		}
	}
	for (i = 0; i < n; i++) {
		doc_free(&docs[i]);
		if (i > 0)
			conf_free(&octx[i].conf);
	}
	doc_free(&g);
	free(docs);
	free(octx);
	return rc;
}
