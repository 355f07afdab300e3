/*
 * visitlist.c - every visit item of the history, without holding them
 * (pm-visit list).
 *
 * The visits book is read first and each of its rows kept as the few
 * values an item takes from it (packed, its ref first), sorted by ref;
 * then the complaints are walked in code order, those long closed as
 * briefs of their handlings, each handling made an item, given its rows
 * and handed on; then the services, in book order.  A row goes to the
 * item the fold of visit.c would give it (item_at): the latest service
 * of its ref before it in the book and done by then, else its
 * complaint's latest handling by then.
 */
#include <stdlib.h>
#include <string.h>

#include "complaint.h"
#include "visit_priv.h"

/*
 * What of a row an item takes, by its event (its ref and event first;
 * V_NCOLS stands for its by): no more is kept.
 */
#define BY V_NCOLS
static const struct packing {
	const char *event;
	int cols[7];
} packings[] = {
	{ "service", { V_TYPE, V_UNIT, V_DONE, V_END, -1 } },
	{ "checkout", { V_WINDOW, V_VISITOR, -1 } },
	{ "record", { V_WINDOW, V_VISITOR, V_QUALITY, V_ATTITUDE,
	    V_SATISFACTION, V_SIGNED, -1 } },
	{ "review", { V_WINDOW, V_VERDICT, V_COMPLAINT, BY, -1 } },
};

/* A row kept: at vals in the arena, its packing's number (one byte), its
 * ref and the values of its packing, each ended by a NUL. */
struct vrec {
	size_t vals;		/* in book order */
	time_t at;		/* a sheet row's at, a service's done */
};
#define VREC_SERVICE(vr, x) ((vr)->arena.s[(x)->vals] == 0)
#define VREC_REF(vr, x) ((vr)->arena.s + (x)->vals + 1)

struct vrows {
	struct ledger *l;
	int col[V_NCOLS];
	struct buf arena;
	struct vrec *v;
	size_t n, cap;
	size_t *services, nservices;	/* in book order */
};

static const struct packing *
packing_of(const char *event)
{
	size_t i;

	for (i = 0; i < sizeof packings / sizeof packings[0]; i++)
		if (strcmp(packings[i].event, event) == 0)
			return &packings[i];
	return NULL;
}

static int
keep_row(const struct row *r, void *arg)
{
	struct vrows *vr = arg;
	const struct packing *p = packing_of(r->f[vr->col[V_EVENT]]);
	struct vrec *x;
	char n;
	int k;

	if (p == NULL)
		return 0;	/* no item takes anything from it */
	GROW(vr->v, vr->n + 1, vr->cap);
	x = &vr->v[vr->n++];
	x->vals = vr->arena.len;
	n = (char)(p - packings);
	buf_add(&vr->arena, &n, 1);
	buf_adds(&vr->arena, r->f[vr->col[V_REF]]);
	buf_add(&vr->arena, "", 1);
	for (k = 0; p->cols[k] >= 0; k++) {
		buf_adds(&vr->arena, p->cols[k] == BY ? row_get(vr->l, r, "by") :
		    r->f[vr->col[p->cols[k]]]);
		buf_add(&vr->arena, "", 1);
	}
	clock_parse(p == &packings[0] ? r->f[vr->col[V_DONE]] :
	    row_get(vr->l, r, "at"), &x->at, NULL);
	return 0;
}

/* A kept row's values back as a row's (the others empty); its by. */
static const char *
unpack(const struct vrows *vr, const struct vrec *x, const char **v)
{
	const struct packing *pk = &packings[(int)vr->arena.s[x->vals]];
	const char *p = VREC_REF(vr, x), *by = "";
	int k;

	for (k = 0; k < V_NCOLS; k++)
		v[k] = "";
	v[V_REF] = p;
	v[V_EVENT] = pk->event;
	p += strlen(p) + 1;
	for (k = 0; pk->cols[k] >= 0; k++) {
		if (pk->cols[k] == BY)
			by = p;
		else
			v[pk->cols[k]] = p;
		p += strlen(p) + 1;
	}
	return by;
}

/* By ref, then in book order (where its values lie: they were kept so). */
static int
vrec_cmp(const void *a, const void *b, void *arena)
{
	const struct vrec *x = a, *y = b;
	int c = strcmp((const char *)arena + x->vals + 1,
	    (const char *)arena + y->vals + 1);

	return c != 0 ? c : (x->vals > y->vals) - (x->vals < y->vals);
}

static int
order_cmp(const void *a, const void *b, void *rows)
{
	const struct vrec *v = rows;
	size_t x = v[*(const size_t *)a].vals, y = v[*(const size_t *)b].vals;

	return (x > y) - (x < y);
}

static void
vrows_read(struct pm_ctx *ctx, struct vrows *vr)
{
	size_t i;

	memset(vr, 0, sizeof *vr);
	vr->l = ledger_open(&visit_def, ctx->data);
	for (i = 0; i < V_NCOLS; i++)
		vr->col[i] = ledger_col(vr->l, visit_cols[i]);
	ledger_scan(vr->l, keep_row, vr);
	ledger_close(vr->l);
	if (vr->n > 0)
		qsort_r(vr->v, vr->n, sizeof *vr->v, vrec_cmp, vr->arena.s);
	vr->services = xcalloc(vr->n + 1, sizeof *vr->services);
	for (i = 0; i < vr->n; i++)
		if (VREC_SERVICE(vr, &vr->v[i]))
			vr->services[vr->nservices++] = i;
	if (vr->nservices > 0)
		qsort_r(vr->services, vr->nservices, sizeof *vr->services,
		    order_cmp, vr->v);
}

/* The kept rows of a ref: [*lo, *hi), in book order. */
static void
vrows_of(const struct vrows *vr, const char *ref, size_t *lo, size_t *hi)
{
	size_t a = 0, b = vr->n, m;

	while (a < b) {
		m = a + (b - a) / 2;
		if (strcmp(VREC_REF(vr, &vr->v[m]), ref) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < vr->n && strcmp(VREC_REF(vr, &vr->v[a]), ref) == 0)
		a++;
	*hi = a;
}

/* The service a sheet row of [lo, hi) goes to, or NULL: a handling's. */
static const struct vrec *
row_service(const struct vrows *vr, size_t lo, size_t hi,
    const struct vrec *r)
{
	const struct vrec *own = NULL;
	size_t i;

	for (i = lo; i < hi && vr->v[i].vals < r->vals; i++)
		if (VREC_SERVICE(vr, &vr->v[i]) && vr->v[i].at <= r->at)
			own = &vr->v[i];
	return own;
}

static void
item_clear(struct visit_item *it)
{
	int k;

	for (k = 0; k < 2; k++) {
		free(it->sheet[k].suggestion);
		free(it->sheet[k].comment);
	}
}

/*
 * A matter as a brief of its handlings: code, unit, importance,
 * category, then each handling's time (a request's: its code only).
 */
static void
handlings_brief(const struct complaint *c, struct buf *b)
{
	int h, visited = strcmp(c->kind, "complaint") == 0;

	buf_add(b, c->code, strlen(c->code) + 1);
	if (!visited) {
		buf_add(b, "\0\0\0", 4);
		return;
	}
	buf_add(b, c->unit, strlen(c->unit) + 1);
	buf_add(b, c->importance, strlen(c->importance) + 1);
	buf_add(b, c->category, strlen(c->category) + 1);
	for (h = 0; h < c->nhandled; h++)
		buf_addf(b, "%s%lld", h ? " " : "", (long long)c->handled[h]);
	buf_add(b, "", 1);
}

struct handlings {
	const char *code, *unit, *importance, *category;
	time_t at[8];
	int n;
};

static void
handlings_of_matter(const struct complaint *c, struct handlings *hs)
{
	hs->code = c->code, hs->unit = c->unit;
	hs->importance = c->importance, hs->category = c->category;
	hs->n = 0;
	if (strcmp(c->kind, "complaint") == 0)	/* a request: none */
		for (; hs->n < c->nhandled; hs->n++)
			hs->at[hs->n] = c->handled[hs->n];
}

static void
handlings_of_brief(const char *brief, struct handlings *hs)
{
	const char **v[4] = { &hs->code, &hs->unit, &hs->importance,
		&hs->category };
	char *end;
	int k;

	for (k = 0; k < 4; k++) {
		*v[k] = brief;
		brief += strlen(brief) + 1;
	}
	for (hs->n = 0; *brief != '\0' && hs->n < 8; hs->n++, brief = end)
		hs->at[hs->n] = (time_t)strtoll(brief, &end, 10);
}

/* A complaint's items, each handling with the rows that go to it. */
static void
list_handlings(const struct vrows *vr, const struct handlings *hs,
    visit_item_fn *fn, void *arg)
{
	struct visit_item it;
	const char *v[V_NCOLS], *by;
	size_t lo, hi, i;
	int h, last;

	if (hs->n == 0)
		return;
	vrows_of(vr, hs->code, &lo, &hi);
	for (h = 0; h < hs->n; h++) {
		handling_item(&it, hs->code, hs->unit, hs->importance,
		    hs->category, hs->at[h]);
		for (i = lo; i < hi; i++) {
			const struct vrec *r = &vr->v[i];

			if (VREC_SERVICE(vr, r) || row_service(vr, lo, hi, r) !=
			    NULL)
				continue;
			for (last = hs->n - 1; last >= 0 && hs->at[last] >
			    r->at; last--)
				;
			if (last != h)
				continue;
			by = unpack(vr, r, v);
			sheet_apply(NULL, &it, v, by, r->at);
		}
		fn(&it, arg);
		item_clear(&it);
	}
}

static void
list_services(const struct vrows *vr, visit_item_fn *fn, void *arg)
{
	struct visit_item it;
	const char *v[V_NCOLS], *by;
	size_t s, lo, hi, i;

	for (s = 0; s < vr->nservices; s++) {
		const struct vrec *x = &vr->v[vr->services[s]];

		unpack(vr, x, v);
		service_item(&it, v);
		vrows_of(vr, v[V_REF], &lo, &hi);
		for (i = lo; i < hi; i++)
			if (!VREC_SERVICE(vr, &vr->v[i]) && row_service(vr, lo,
			    hi, &vr->v[i]) == x) {
				by = unpack(vr, &vr->v[i], v);
				sheet_apply(NULL, &it, v, by, vr->v[i].at);
			}
		fn(&it, arg);
		item_clear(&it);
	}
}

int
visit_list(struct pm_ctx *ctx, visit_item_fn *fn, void *arg,
    struct pm_err *e)
{
	struct complaint_book cb;
	struct handlings hs;
	struct vrows vr;
	const char *brief;
	size_t i = 0;

	vrows_read(ctx, &vr);
	complaint_read_briefs(ctx, handlings_brief, &cb, e);
	for (;;) {
		brief = spill_peek(&cb.briefs);
		if (i < cb.n && (brief == NULL || strcmp(cb.v[i].code,
		    brief) < 0))
			brief = NULL, handlings_of_matter(&cb.v[i++], &hs);
		else if (brief != NULL)
			handlings_of_brief(brief, &hs);
		else
			break;
		list_handlings(&vr, &hs, fn, arg);
		if (brief != NULL)
			spill_pop(&cb.briefs);	/* hs was read from it */
	}
	complaint_book_free(&cb);
	list_services(&vr, fn, arg);
	buf_free(&vr.arena);
	free(vr.v);
	free(vr.services);
	return 0;
}

