/*
 * spill.c - records kept in order in little memory, whatever their
 * number: a listing of the whole history keeps one for each matter long
 * closed, and must give them back in code order.
 *
 * Records are held in blocks; once they hold more than the limit, the
 * records held are sorted (by their first string) and written out to a
 * temporary file as one run, and the blocks are freed.  Read back, the
 * runs are merged, a small buffer each: memory holds the limit and a
 * buffer a run, never the records.  A record is its length, then its
 * bytes (NUL-ended strings, its key first).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pm.h"

#define SPILL_LIMIT (4 * 1024 * 1024)	/* bytes held before a run */
#define SPILL_BLOCK (256 * 1024)
#define RUN_READ (64 * 1024)		/* a run's read buffer */

struct spill_run {
	off_t at, end;		/* what of the run is still in the file */
	char *buf;
	size_t cap, len, pos;	/* buf[pos, len): read, not yet given */
	int done;
};

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t
held_len(const char *rec)
{
	size_t n;

	memcpy(&n, rec - sizeof n, sizeof n);
	return n;
}

static void
blocks_free(struct spill *s)
{
	size_t i;

	for (i = 0; i < s->nblocks; i++)
		free(s->blocks[i]);
	s->nblocks = s->used = s->held = s->n = 0;
}

/* The records held, sorted, to the temporary file as a run. */
static void
spill_run(struct spill *s)
{
	struct spill_run *r;
	size_t i, n;

	if (s->spool == NULL && (s->spool = tmpfile()) == NULL)
		die(EX_CANTCREAT, _("cannot create a temporary file: %s"),
		    strerror(errno));
	qsort(s->v, s->n, sizeof *s->v, key_cmp);
	GROW(s->runs, s->nruns + 1, s->capruns);
	r = &s->runs[s->nruns++];
	memset(r, 0, sizeof *r);
	r->at = ftello(s->spool);
	for (i = 0; i < s->n; i++) {
		n = held_len(s->v[i]);
		if (fwrite(&n, sizeof n, 1, s->spool) != 1 ||
		    fwrite(s->v[i], 1, n, s->spool) != n)
			die(EX_IOERR, _("cannot write a temporary file: %s"),
			    strerror(errno));
	}
	if (fflush(s->spool) != 0)
		die(EX_IOERR, _("cannot write a temporary file: %s"),
		    strerror(errno));
	r->end = ftello(s->spool);
	blocks_free(s);
}

void
spill_add(struct spill *s, const void *rec, size_t len)
{
	size_t need = len + sizeof len;
	char *at;

	if (s->nblocks == 0 || s->used + need > SPILL_BLOCK) {
		GROW(s->blocks, s->nblocks + 1, s->capblocks);
		s->blocks[s->nblocks++] = xmalloc(need > SPILL_BLOCK ? need :
		    SPILL_BLOCK);
		s->used = 0;
	}
	at = s->blocks[s->nblocks - 1] + s->used;
	memcpy(at, &len, sizeof len);
	memcpy(at + sizeof len, rec, len);
	s->used += need;
	s->held += need;
	GROW(s->v, s->n + 1, s->cap);
	s->v[s->n++] = at + sizeof len;
	if (s->held > (s->limit ? s->limit : SPILL_LIMIT))
		spill_run(s);
}

void
spill_sort(struct spill *s)
{
	if (s->spool != NULL && s->n > 0)
		spill_run(s);
	else if (s->n > 0)
		qsort(s->v, s->n, sizeof *s->v, key_cmp);
	s->next = 0;
	s->cur = -1;
}

/* Room for need bytes at buf[pos] of run r; 0 at the run's end. */
static int
run_fill(struct spill *s, struct spill_run *r, size_t need)
{
	ssize_t got;

	if (r->len - r->pos >= need)
		return 1;
	if (r->pos > 0) {	/* the bytes not yet given to the front */
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->cap < need || r->cap < RUN_READ) {
		r->cap = need > RUN_READ ? need : RUN_READ;
		r->buf = xrealloc(r->buf, r->cap);
	}
	while (r->len < need && r->at < r->end) {
		size_t want = r->cap - r->len;

		if ((off_t)want > r->end - r->at)
			want = (size_t)(r->end - r->at);
		got = pread(fileno(s->spool), r->buf + r->len, want, r->at);
		if (got <= 0)
			die(EX_IOERR, _("cannot read a temporary file: %s"),
			    got < 0 ? strerror(errno) : _("cut short"));
		r->len += (size_t)got;
		r->at += got;
	}
	return r->len - r->pos >= need;
}

/* The record at the head of run r, or NULL when it is done. */
static const char *
run_head(struct spill *s, struct spill_run *r)
{
	size_t n;

	if (r->done || !run_fill(s, r, sizeof n)) {
		r->done = 1;
		return NULL;
	}
	memcpy(&n, r->buf + r->pos, sizeof n);
	if (!run_fill(s, r, sizeof n + n))
		die(EX_IOERR, _("cannot read a temporary file: %s"),
		    _("cut short"));
	return r->buf + r->pos + sizeof n;
}

const char *
spill_peek(struct spill *s)
{
	const char *best = NULL, *h;
	size_t i;

	if (s->spool == NULL)
		return s->next < s->n ? s->v[s->next] : NULL;
	if (s->cur >= 0)
		return run_head(s, &s->runs[s->cur]);
	for (i = 0; i < s->nruns; i++)
		if ((h = run_head(s, &s->runs[i])) != NULL &&
		    (best == NULL || strcmp(h, best) < 0)) {
			best = h;
			s->cur = (int)i;
		}
	return best;
}

void
spill_pop(struct spill *s)
{
	struct spill_run *r;
	size_t n;

	if (s->spool == NULL) {
		if (s->next < s->n)
			s->next++;
		return;
	}
	if (spill_peek(s) == NULL)
		return;
	r = &s->runs[s->cur];
	memcpy(&n, r->buf + r->pos, sizeof n);
	r->pos += sizeof n + n;
	s->cur = -1;
}

void
spill_free(struct spill *s)
{
	size_t i;

	blocks_free(s);
	free(s->blocks);
	free(s->v);
	for (i = 0; i < s->nruns; i++)
		free(s->runs[i].buf);
	free(s->runs);
	if (s->spool != NULL)
		fclose(s->spool);
	memset(s, 0, sizeof *s);
}
