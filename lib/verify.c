/*
 * verify.c - checking the books: the chain over volumes and the live
 * file, each volume against its manifest, every anchor, and heads kept
 * outside the office (witnesses).
 *
 * Sections:
 *   purges      the record of volumes removed past retention
 *   verify      ledger_verify: manifests, the chain, anchors, the tail
 *   heads       a book's head; the rows a witness kept, read again
 *
 * It reads through scan.c and finishes interrupted commits through
 * ledger.c (ledger_priv.h); nothing here writes a book.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger_priv.h"

/* ---- purges ------------------------------------------------------------- */

static const char *const purge_cols[] = { "ledger", "volume", "month",
	"rows", "sha256", "reason", NULL };
const struct ledger_def ledger_purges = { "purges", purge_cols, 0640 };

struct purged {
	const char *ledger;
	char **volumes;
	size_t n, cap;
};

static int
purged_row(const struct row *r, void *arg)
{
	struct purged *p = arg;

	/* ledger, volume are the form's first two columns (after seq, at) */
	if (r->n > 3 && strcmp(r->f[2], p->ledger) == 0) {
		GROW(p->volumes, p->n + 1, p->cap);
		p->volumes[p->n++] = xstrdup(r->f[3]);
	}
	return 0;
}

/* ---- verify ------------------------------------------------------------ */

/* A volume as its manifest describes it, and as its rows are read. */
struct volcheck {
	char *path, *manifest;
	long rows, seen;
	struct run *runs, *got;
	size_t nruns, ngot, capgot;
};

/*
 * One archive run as its manifests tell it: the book's last seq then,
 * and the live book's rows before and after.  Between two runs the live
 * book only grows, so each run's counts follow from the one before, and
 * the newest run's live_after is the live rows up to its seq now.
 */
struct archrun {
	long seq, before, after;
	const char *manifest;
	long live;		/* live rows now with seq in (previous, seq] */
};

struct verify {
	struct ledger *l;
	struct archrun *runs;
	size_t nruns, capruns, runpos;
	struct volcheck *vc;
	size_t nvc, capvc, lastvc;
	struct run *gaps;	/* rows of purged volumes */
	size_t ngaps, capgaps;
	EVP_MD_CTX *md;
	char prev[HASH_HEX + 1];
	long prev_seq, rows;
	const char *file;
	struct pm_err *err;
	struct anchor *anchors;
	size_t nanchors, capanchors;
	int bad;
	long from;		/* vouching: the anchored row it starts after */
	int started;
	size_t apos;		/* the first anchor not behind the row */
	const char *seen_file;	/* row_seen: the last row's file, */
	int seen_live;		/* and whether it is the live book */
};

static int
collect_anchor(const struct anchor *a, void *arg)
{
	struct verify *v = arg;

	if (strcmp(a->ledger, v->l->def->name) != 0)
		return 0;
	GROW(v->anchors, v->nanchors + 1, v->capanchors);
	v->anchors[v->nanchors++] = *a;
	return 0;
}

/* A row read from a volume: its count and its runs of seqs. */
static void
volume_seen(struct verify *v, const struct row *r, long seq)
{
	struct volcheck *c;
	struct run *g;
	size_t i;

	if (v->lastvc >= v->nvc || strcmp(v->vc[v->lastvc].path, r->file) != 0) {
		for (i = 0; i < v->nvc && strcmp(v->vc[i].path, r->file) != 0; i++)
			;
		if (i == v->nvc)
			return;
		v->lastvc = i;
	}
	c = &v->vc[v->lastvc];
	c->seen++;
	g = c->ngot > 0 ? &c->got[c->ngot - 1] : NULL;
	if (g == NULL || seq != g->to + 1) {
		GROW(c->got, c->ngot + 1, c->capgot);
		g = &c->got[c->ngot++];
		g->from = seq;
	}
	g->to = seq;
	snprintf(g->hash, sizeof g->hash, "%s", r->f[r->n - 1]);
}

/* Each volume read holds the rows and runs its manifest says. */
static int
volumes_as_listed(struct verify *v)
{
	struct volcheck *c;
	size_t i, k;

	for (i = 0; i < v->nvc; i++) {
		c = &v->vc[i];
		if (c->seen != c->rows)
			return errset(v->err, EX_DATAERR, _("%s: lists %ld rows, "
			    "but its volume holds %ld"), c->manifest, c->rows,
			    c->seen);
		for (k = 0; k < c->nruns && k < c->ngot; k++)
			if (c->runs[k].from != c->got[k].from ||
			    c->runs[k].to != c->got[k].to ||
			    strcmp(c->runs[k].hash, c->got[k].hash) != 0)
				break;
		if (k != c->nruns || k != c->ngot)
			return errset(v->err, EX_DATAERR, _("%s: its runs of rows "
			    "are not the volume's (rows %ld to %ld)"),
			    c->manifest, k < c->ngot ? c->got[k].from : 0,
			    k < c->ngot ? c->got[k].to : 0);
	}
	return 0;
}

static void
volchecks_free(struct verify *v)
{
	size_t i;

	for (i = 0; i < v->nvc; i++) {
		free(v->vc[i].path);
		free(v->vc[i].manifest);
		free(v->vc[i].runs);
		free(v->vc[i].got);
	}
	free(v->vc);
}

/*
 * A manifest's own fields against what they name: its ledger, volume
 * and month are its file's; the book head it records is a row of the
 * chain (checked as an anchor); the archive that wrote it is in the
 * anchors, by whom and when (the newest may lack it: a crash between
 * the commit and the anchor).
 */
static int
manifest_fields(struct verify *v, const char *path, const struct manifest *m,
    const char *vol)
{
	const char *base = strrchr(vol, '/') + 1;
	long month = archive_volume_month(vol);
	char want[48];
	struct anchor h;
	size_t i;
	int later = 0, at = 0, same = 0;

	snprintf(want, sizeof want, "%04ld-%02ld", month / 12, month % 12 + 1);
	if (strcmp(m->ledger, v->l->def->name) != 0 ||
	    strcmp(m->volume, base) != 0 || strcmp(m->month, want) != 0 ||
	    m->book_seq <= 0 || !is_hash(m->book_head, strlen(m->book_head)))
		return errset(v->err, EX_DATAERR, _("%s: its ledger, volume, "
		    "month or book head is not its own (changed by hand?)"), path);
	for (i = 0; i < v->nanchors; i++) {
		const struct anchor *a = &v->anchors[i];

		if (strcmp(a->reason, "archive") != 0 || a->subject[0] == 'a')
			continue;
		later += strcmp(a->at, m->archived_at) > 0;
		if (strcmp(a->at, m->archived_at) != 0)
			continue;
		at++;	/* two archives may share a second */
		same += strcmp(a->by, m->archived_by) == 0 &&
		    a->seq == m->book_seq && strcmp(a->head, m->book_head) == 0;
	}
	if (at > 0 && same == 0)
		return errset(v->err, EX_DATAERR, _("%s: it is not the archive "
		    "of %s by %s that the anchors recorded"), path,
		    m->archived_at, m->archived_by);
	if (at == 0 && later > 0)
		return errset(v->err, EX_DATAERR, _("%s: no archive at %s is "
		    "in the anchors (changed by hand?)"), path, m->archived_at);
	memset(&h, 0, sizeof h);
	h.seq = m->book_seq;
	snprintf(h.head, sizeof h.head, "%s", m->book_head);
	snprintf(h.reason, sizeof h.reason, "manifest");
	snprintf(h.subject, sizeof h.subject, "%.60s", base);
	snprintf(h.at, sizeof h.at, "%s", m->archived_at);
	snprintf(h.by, sizeof h.by, "%s", m->archived_by);
	GROW(v->anchors, v->nanchors + 1, v->capanchors);
	v->anchors[v->nanchors++] = h;
	return 0;
}

/* A live row: counted in the first run at or after its seq. */
static void
live_counted(struct verify *v, long seq)
{
	while (v->runpos < v->nruns && seq > v->runs[v->runpos].seq)
		v->runpos++;
	if (v->runpos < v->nruns)
		v->runs[v->runpos].live++;
}

static int
archrun_cmp(const void *x, const void *y)
{
	const struct archrun *a = x, *b = y;

	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* An archive recorded in the anchors after row from and before row to. */
static int
archive_between(const struct verify *v, long from, long to)
{
	size_t i;

	for (i = 0; i < v->nanchors; i++)
		if (strcmp(v->anchors[i].reason, "archive") == 0 &&
		    v->anchors[i].subject[0] != 'a' &&
		    v->anchors[i].seq > from && v->anchors[i].seq < to)
			return 1;
	return 0;
}

/* The manifests of one run (runs[i..k)) agree; where the run ends. */
static size_t
run_group(struct verify *v, size_t i, long *live)
{
	const struct archrun *r = &v->runs[i];
	size_t k;

	for (k = i; k < v->nruns && v->runs[k].seq == r->seq; k++) {
		*live += v->runs[k].live;
		if (v->runs[k].before != r->before ||
		    v->runs[k].after != r->after) {
			errset(v->err, EX_DATAERR, _("%s: live_before %ld and "
			    "live_after %ld are not those of %s (%ld and %ld), "
			    "written by the same archive"), v->runs[k].manifest,
			    v->runs[k].before, v->runs[k].after, r->manifest,
			    r->before, r->after);
			return 0;
		}
	}
	return k;
}

/*
 * live_before and live_after of every run: possible; equal to the last
 * run's live_after plus the rows added since (no archive between); the
 * live rows up to the run's seq now no more than its live_after, and,
 * after the newest run, exactly that.
 */
static int
runs_as_counted(struct verify *v)
{
	long live = 0, pseq = 0, pafter = 0;
	size_t i, k;

	for (i = 0; i < v->nruns; i = k) {
		const struct archrun *r = &v->runs[i];

		if ((k = run_group(v, i, &live)) == 0)
			return -1;
		if (r->after < 0 || r->after > r->before || r->before > r->seq)
			return errset(v->err, EX_DATAERR, _("%s: live_before "
			    "%ld and live_after %ld cannot be: the book had %ld "
			    "rows"), r->manifest, r->before, r->after, r->seq);
		if (!archive_between(v, pseq, r->seq) &&
		    r->before != pafter + (r->seq - pseq))
			return errset(v->err, EX_DATAERR, _("%s: live_before is "
			    "%ld, but the live book then held %ld rows (%ld "
			    "left by the archive before, %ld added since)"),
			    r->manifest, r->before, pafter + r->seq - pseq,
			    pafter, r->seq - pseq);
		if (live > r->after || (k == v->nruns && live != r->after &&
		    !archive_between(v, r->seq, LONG_MAX)))
			return errset(v->err, EX_DATAERR, _("%s: live_after is "
			    "%ld, but the live book holds %ld rows up to row "
			    "%ld"), r->manifest, r->after, live, r->seq);
		pseq = r->seq;
		pafter = r->after;
	}
	return 0;
}

static int
anchor_cmp(const void *x, const void *y)
{
	const struct anchor *a = x, *b = y;

	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Before a scan: the anchors in seq order, as the rows come. */
static void
anchors_sort(struct verify *v)
{
	if (v->nanchors > 1)
		qsort(v->anchors, v->nanchors, sizeof *v->anchors, anchor_cmp);
	v->apos = 0;
}

/*
 * A row's hash worked out ahead of the chain, after the hash the row
 * before it stores: the chain takes it when it comes to the row with
 * that same hash (always, but where the book is damaged or purged rows
 * lie between).
 */
struct ahead {
	const char *after;
	char hash[HASH_HEX + 1];
};

/*
 * One row on the chain: seq (0: not a number, raw its text), the bytes
 * as written up to the comma before the hash, the hash stored.  The
 * rows of purged volumes are stepped over by their manifests; the
 * anchors at this seq must hold its hash; a, when not NULL, its hash
 * worked out ahead.  0, or 1 with v->err.
 */
static int
chain_step(struct verify *v, long seq, const char *raw, size_t len,
    const char *stored, const char *file, long line, const struct ahead *a)
{
	char hash[HASH_HEX + 1];
	size_t g, i;

	if (seq <= 0) {
		errset(v->err, EX_DATAERR, _("%s line %ld: seq \"%.*s\" is not "
		    "a row number"), file, line, (int)len, raw);
		return v->bad = 1;
	}
	for (g = 0; g < v->ngaps && seq > v->prev_seq + 1; g++)
		if (v->gaps[g].from == v->prev_seq + 1) {
			memcpy(v->prev, v->gaps[g].hash, sizeof v->prev);
			v->prev_seq = v->gaps[g].to;
			g = (size_t)-1;	/* look again from the start */
		}
	/* both are HASH_HEX + 1 bytes: one compare, not one byte at a time */
	if (a != NULL && memcmp(a->after, v->prev, sizeof v->prev) == 0)
		memcpy(hash, a->hash, sizeof hash);	/* the same sum */
	else
		sha256_hex(v->md, v->prev, HASH_HEX, raw, len, hash);
	if (strcmp(hash, stored) != 0) {
		if (seq <= v->prev_seq)
			errset(v->err, EX_DATAERR, _("%s line %ld: row %ld is "
			    "out of order or repeated (it follows row %ld)"),
			    file, line, seq, v->prev_seq);
		else if (seq > v->prev_seq + 1 && v->prev_seq > 0)
			errset(v->err, EX_DATAERR, _("%s line %ld: row %ld "
			    "follows row %ld: rows were removed"), file, line,
			    seq, v->prev_seq);
		else
			errset(v->err, EX_DATAERR, _("%s line %ld: row %ld does "
			    "not match the hash chain: it was changed, or a row "
			    "was inserted or removed before it"), file, line,
			    seq);
		return v->bad = 1;
	}
	while (v->apos < v->nanchors && v->anchors[v->apos].seq < seq)
		v->apos++;
	for (i = v->apos; i < v->nanchors && v->anchors[i].seq == seq; i++)
		if (strcmp(v->anchors[i].head, hash) != 0) {
			errset(v->err, EX_DATAERR, _("%s line %ld: row %ld "
			    "differs from the %s of %s (%s by %s)"), file, line,
			    seq, v->anchors[i].reason, v->anchors[i].subject,
			    v->anchors[i].at, v->anchors[i].by);
			return v->bad = 1;
		}
	memcpy(v->prev, hash, sizeof hash);
	v->prev_seq = seq;
	v->rows++;
	return 0;
}

/* Its bytes as written, up to the comma before the hash. */
static size_t
chained_len(const struct row *r)
{
	const char *comma = memrchr(r->raw, ',', r->rawlen);

	return comma ? (size_t)(comma - r->raw) : 0;
}

/* What the volumes and the live counts learn from a row read. */
static void
row_seen(struct verify *v, const struct row *r, long seq)
{
	if (v->nruns == 0 && v->nvc == 0)
		return;
	if (r->file != v->seen_file) {	/* a file's rows come in runs */
		v->seen_live = r->file == NULL ||
		    strcmp(r->file, v->l->path) == 0;
		v->seen_file = r->file;
	}
	if (v->seen_live) {
		if (v->nruns > 0)
			live_counted(v, seq);
	} else if (v->nvc > 0)
		volume_seen(v, r, seq);
}

static int
verify_row(const struct row *r, void *arg)
{
	struct verify *v = arg;
	long seq = seq_of(r->f[0], r->len[0]);

	if (seq == 0)
		return chain_step(v, 0, r->f[0], r->len[0], "", r->file,
		    r->line, NULL);
	if (chain_step(v, seq, r->raw, chained_len(r), r->f[r->n - 1],
	    r->file, r->line, NULL) != 0)
		return 1;
	row_seen(v, r, seq);
	return 0;
}

static void
archrun_add(struct verify *v, const struct manifest *m, const char *path)
{
	struct archrun *r;

	GROW(v->runs, v->nruns + 1, v->capruns);
	r = &v->runs[v->nruns++];
	memset(r, 0, sizeof *r);
	r->seq = m->book_seq;
	r->before = m->live_before;
	r->after = m->live_after;
	r->manifest = xstrdup(path);
}

static void
volcheck_add(struct verify *v, const char *vol, const char *man,
    struct manifest *m)
{
	struct volcheck *c;

	GROW(v->vc, v->nvc + 1, v->capvc);
	c = &v->vc[v->nvc++];
	memset(c, 0, sizeof *c);
	c->path = xstrdup(vol);
	c->manifest = xstrdup(man);
	c->rows = m->rows;
	c->runs = m->runs;	/* the check owns them now */
	c->nruns = m->nruns;
	m->runs = NULL;
	m->nruns = 0;
}

/*
 * The volumes against their manifests: each volume is the file its
 * manifest hashed, each manifest has its volume or a purge record.
 */
static int
verify_volumes(struct verify *v)
{
	struct ledger *l = v->l;
	struct purged pu;
	struct ledger *pl;
	char **mans, **vols, sha[HASH_HEX + 1];
	int nm, nv, i, rc = 0;
	size_t k;
	struct buf vol = { 0 };

	memset(&pu, 0, sizeof pu);
	pu.ledger = l->def->name;
	nm = archive_list(l->dir, l->def->name, ".manifest", 0, &mans);
	nv = archive_volumes(l->dir, l->def->name, &vols);
	if (nm > 0) {
		pl = ledger_open(&ledger_purges, l->dir);
		ledger_scan(pl, purged_row, &pu);
		ledger_close(pl);
	}
	for (i = 0; i < nm && rc == 0; i++) {
		struct manifest m;

		buf_reset(&vol);
		buf_addf(&vol, "%.*s.csv.gz", (int)(strlen(mans[i]) - 9),
		    mans[i]);
		if (manifest_read(mans[i], &m) != 0) {
			rc = errset(v->err, EX_DATAERR, _("%s: not a manifest "
			    "(no sha256 line)"), mans[i]);
			break;
		}
		rc = manifest_fields(v, mans[i], &m, vol.s);
		if (rc == 0 && m.live_before >= 0)
			archrun_add(v, &m, mans[i]);
		if (rc == 0 && access(vol.s, F_OK) == 0) {
			file_sha256(vol.s, sha);
			if (strcmp(sha, m.sha256) != 0)
				rc = errset(v->err, EX_DATAERR, _("%s: changed "
				    "since it was archived (its SHA-256 is not "
				    "the one in %s)"), vol.s, mans[i]);
			volcheck_add(v, vol.s, mans[i], &m);
		} else if (rc == 0) {
			const char *base = strrchr(vol.s, '/') + 1;

			for (k = 0; k < pu.n; k++)
				if (strcmp(pu.volumes[k], base) == 0)
					break;
			if (k == pu.n)
				rc = errset(v->err, EX_DATAERR, _("%s is missing: "
				    "its manifest lists %ld rows and no purge "
				    "recorded it"), vol.s, m.rows);
			else if (m.nruns > 0) {
				GROW(v->gaps, v->ngaps + m.nruns, v->capgaps);
				memcpy(v->gaps + v->ngaps, m.runs, m.nruns *
				    sizeof *m.runs);
				v->ngaps += m.nruns;
			}
		}
		free(m.runs);
	}
	for (i = 0; i < nv && rc == 0; i++) {
		buf_reset(&vol);
		buf_addf(&vol, "%.*s.manifest", (int)(strlen(vols[i]) - 7),
		    vols[i]);
		if (access(vol.s, F_OK) != 0)
			rc = errset(v->err, EX_DATAERR, _("%s has no manifest: "
			    "it was not made by archive"), vols[i]);
	}
	for (k = 0; k < pu.n; k++)
		free(pu.volumes[k]);
	free(pu.volumes);
	archive_volumes_free(mans, nm);
	archive_volumes_free(vols, nv);
	buf_free(&vol);
	return rc;
}

/* ---- the chain hashed beside the scan ------------------------------------ */

/*
 * A book is read on one core and hashed on the others: the reader hands
 * over batches of rows (their bytes, seq, stored hash, where they are),
 * two buffers in turn.  Every row's hash is worked out ahead, after the
 * hash the row before it stores, half the batch on the hasher's thread
 * and half on a helper's, at once; then the hasher walks the batch in
 * order on the chain, so the first damage it meets is the one a single
 * pass would name.
 */
#define HASH_BATCH (1 << 20)

struct hrow {
	long seq, line;
	size_t off, len, file;
	char stored[HASH_HEX + 1];
	struct ahead a;
};

struct hbatch {
	struct buf raw;
	struct hrow *r;
	size_t n, cap;
	char after[HASH_HEX + 1];	/* stored by the row before r[0] */
};

/* The second thread that works hashes out ahead: r[from, to) of b. */
struct helper {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct hbatch *b;
	size_t from, to;
	int posted, quit, running;
	EVP_MD_CTX *md;
};

struct hasher {
	struct verify *v;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct hbatch b[2];
	int full[2], cur, quit, bad;
	char **files;		/* the files the rows came from */
	size_t nfiles, capfiles;
	const char *last;	/* the reader's r->file of the last row */
	size_t lastfile;	/* and its index in files */
	EVP_MD_CTX *md;		/* the hasher's own, for the hashes ahead */
	struct helper help;
};

static void
hash_ahead(EVP_MD_CTX *md, struct hbatch *b, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		struct hrow *r = &b->r[i];

		r->a.after = i > 0 ? b->r[i - 1].stored : b->after;
		sha256_hex(md, r->a.after, HASH_HEX, b->raw.s + r->off, r->len,
		    r->a.hash);
	}
}

static void *
helper_main(void *arg)
{
	struct helper *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->posted && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		if (!p->posted)
			break;
		pthread_mutex_unlock(&p->mu);
		hash_ahead(p->md, p->b, p->from, p->to);
		pthread_mutex_lock(&p->mu);
		p->posted = 0;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Every row's hash ahead: the second half on the helper, when there is. */
static void
batch_ahead(struct hasher *h, struct hbatch *b)
{
	struct helper *p = &h->help;
	size_t half = p->running ? b->n / 2 : b->n;

	if (half < b->n) {
		pthread_mutex_lock(&p->mu);
		p->b = b;
		p->from = half;
		p->to = b->n;
		p->posted = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	hash_ahead(h->md, b, 0, half);
	if (half < b->n) {
		pthread_mutex_lock(&p->mu);
		while (p->posted)
			pthread_cond_wait(&p->cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
	}
}

static void
batch_hash(struct hasher *h, struct hbatch *b)
{
	size_t i;

	batch_ahead(h, b);
	for (i = 0; i < b->n && !h->v->bad; i++) {
		const struct hrow *r = &b->r[i];

		chain_step(h->v, r->seq, b->raw.s + r->off, r->len, r->stored,
		    h->files[r->file], r->line, &r->a);
	}
}

static void *
hasher_main(void *arg)
{
	struct hasher *h = arg;
	int k = 0;

	for (;;) {
		pthread_mutex_lock(&h->mu);
		while (!h->full[k] && !h->quit)
			pthread_cond_wait(&h->cv, &h->mu);
		if (!h->full[k]) {
			pthread_mutex_unlock(&h->mu);
			return NULL;
		}
		pthread_mutex_unlock(&h->mu);
		batch_hash(h, &h->b[k]);
		pthread_mutex_lock(&h->mu);
		h->full[k] = 0;
		h->bad = h->v->bad;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
		k ^= 1;
	}
}

/* The batch filled goes to the hasher; 1 when it has found damage. */
static int
hand_over(struct hasher *h)
{
	struct hbatch *b, *done = &h->b[h->cur];
	int bad;

	pthread_mutex_lock(&h->mu);
	h->full[h->cur] = 1;
	pthread_cond_broadcast(&h->cv);
	h->cur ^= 1;
	while (h->full[h->cur])
		pthread_cond_wait(&h->cv, &h->mu);
	bad = h->bad;
	pthread_mutex_unlock(&h->mu);
	b = &h->b[h->cur];
	memcpy(b->after, done->n > 0 ? done->r[done->n - 1].stored : "",
	    done->n > 0 ? sizeof b->after : 1);
	buf_reset(&b->raw);
	b->n = 0;
	return bad;
}

static size_t
file_index(struct hasher *h, const char *file)
{
	size_t i;

	for (i = h->nfiles; i > 0; i--)
		if (strcmp(h->files[i - 1], file) == 0)
			return i - 1;
	GROW(h->files, h->nfiles + 1, h->capfiles);
	h->files[h->nfiles] = xstrdup(file);
	return h->nfiles++;
}

static int
reader_row(const struct row *r, void *arg)
{
	struct hasher *h = arg;
	struct hbatch *b = &h->b[h->cur];
	long seq = seq_of(r->f[0], r->len[0]);
	struct hrow *x;
	size_t k;

	GROW(b->r, b->n + 1, b->cap);
	x = &b->r[b->n++];
	x->seq = seq;
	x->line = r->line;
	x->off = b->raw.len;
	x->len = seq ? chained_len(r) : r->len[0];
	buf_add(&b->raw, seq ? r->raw : r->f[0], x->len);
	k = seq && r->len[r->n - 1] <= HASH_HEX ? r->len[r->n - 1] : 0;
	memcpy(x->stored, r->f[r->n - 1], k);	/* longer: a mismatch */
	x->stored[k] = '\0';
	if (r->file != h->last || h->nfiles == 0)
		h->lastfile = file_index(h, r->file ? r->file : "?");
	h->last = r->file;
	x->file = h->lastfile;
	if (seq > 0)
		row_seen(h->v, r, seq);
	return b->raw.len >= HASH_BATCH ? hand_over(h) : 0;
}

static void
helper_start(struct hasher *h)
{
	struct helper *p = &h->help;

	h->md = EVP_MD_CTX_new();
	p->md = EVP_MD_CTX_new();
	if (h->md == NULL || p->md == NULL)
		die(EX_OSERR, "EVP_MD_CTX_new failed");
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->running = pthread_create(&p->th, NULL, helper_main, p) == 0;
}

static void
helper_stop(struct hasher *h)
{
	struct helper *p = &h->help;

	if (p->running) {
		pthread_mutex_lock(&p->mu);
		p->quit = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	EVP_MD_CTX_free(p->md);
	EVP_MD_CTX_free(h->md);
}

/*
 * Every row of the book on the chain, read here and hashed on a thread
 * of its own; 0, or -1 with v->err (the hasher's damage, else the
 * reader's error).
 */
static int
chain_beside(struct verify *v, int *torn)
{
	struct hasher h;
	struct pm_err scan;
	pthread_t th;
	size_t i;
	int rc;

	memset(&h, 0, sizeof h);
	h.v = v;
	pthread_mutex_init(&h.mu, NULL);
	pthread_cond_init(&h.cv, NULL);
	if (pthread_create(&th, NULL, hasher_main, &h) != 0)
		return scan_books(v->l, 0, CURSOR_RAW, verify_row, v, v->err,
		    torn);
	helper_start(&h);
	rc = scan_books(v->l, 0, CURSOR_RAW, reader_row, &h, &scan, torn);
	if (h.b[h.cur].n > 0)
		hand_over(&h);
	pthread_mutex_lock(&h.mu);
	h.quit = 1;
	pthread_cond_broadcast(&h.cv);
	pthread_mutex_unlock(&h.mu);
	pthread_join(th, NULL);
	helper_stop(&h);
	if (rc != 0 && !v->bad)
		*v->err = scan;
	for (i = 0; i < 2; i++) {
		buf_free(&h.b[i].raw);
		free(h.b[i].r);
	}
	for (i = 0; i < h.nfiles; i++)
		free(h.files[i]);
	free(h.files);
	pthread_mutex_destroy(&h.mu);
	pthread_cond_destroy(&h.cv);
	return v->bad ? -1 : rc;
}

static void
verify_init(struct verify *v, struct ledger *l, struct pm_err *e)
{
	memset(v, 0, sizeof *v);
	v->l = l;
	v->err = e;
	v->md = EVP_MD_CTX_new();
	if (v->md == NULL)
		die(EX_OSERR, "EVP_MD_CTX_new failed");
	sha256_hex(v->md, l->header, strlen(l->header), NULL, 0, v->prev);
	if (strcmp(l->def->name, ledger_anchors.name) != 0)
		anchors_scan(l->dir, collect_anchor, v);
}

static void
verify_free(struct verify *v)
{
	size_t i;

	free(v->anchors);
	free(v->gaps);
	for (i = 0; i < v->nruns; i++)
		free((char *)v->runs[i].manifest);
	free(v->runs);
	volchecks_free(v);
	EVP_MD_CTX_free(v->md);
}

/* Rows cut off the end are missed by the chain, not by the anchors. */
static int
anchors_reached(struct verify *v)
{
	const struct anchor *a;
	size_t i;

	for (i = 0; i < v->nanchors; i++) {
		a = &v->anchors[i];
		if (a->seq > v->prev_seq)
			return errset(v->err, EX_DATAERR, _("%s: rows after "
			    "row %ld are missing: the %s of %s (%s by %s) saw "
			    "row %ld"), v->l->path, v->prev_seq, a->reason,
			    a->subject, a->at, a->by, a->seq);
	}
	return 0;
}

int
ledger_verify(struct ledger *l, struct pm_err *e, long *rows)
{
	struct verify v;
	struct anchor head;
	struct buf j = { 0 };
	int rc, torn = 0;

	/* an archive cut off by a crash is finished first, under the lock */
	archive_journal_path(&j, l);
	if (access(j.s, F_OK) == 0)
		tx_free(ledger_begin(l, 10));
	/* and so is a commit of several books */
	group_paths(l->dir, &j, NULL);
	if (access(j.s, F_OK) == 0 && ledger_exists(l))
		tx_free(ledger_begin(l, 10));
	buf_free(&j);
	ledger_sweep_idle(l);
	verify_init(&v, l, e);
	memset(&head, 0, sizeof head);
	if (archived_head(l, &head.seq, head.head)) {
		snprintf(head.reason, sizeof head.reason, "archive");
		snprintf(head.subject, sizeof head.subject, "archive/%.40s/head",
		    l->def->name);
		snprintf(head.at, sizeof head.at, "-");
		snprintf(head.by, sizeof head.by, "-");
		GROW(v.anchors, v.nanchors + 1, v.capanchors);
		v.anchors[v.nanchors++] = head;
	}
	rc = verify_volumes(&v);
	if (v.nruns > 1)
		qsort(v.runs, v.nruns, sizeof *v.runs, archrun_cmp);
	anchors_sort(&v);
	if (rc == 0)
		rc = chain_beside(&v, &torn);
	if (rc == 0 && !v.bad)
		rc = volumes_as_listed(&v);
	if (rc == 0 && !v.bad)
		rc = runs_as_counted(&v);
	if (rc == 0 && !v.bad && torn)
		warnmsg(_("%s: the last row is torn (an interrupted write); "
		    "it is not data, and the next write sets it aside"), l->path);
	if (rc == 0 && !v.bad)
		rc = anchors_reached(&v);
	if (v.bad)
		rc = -1;
	if (rows)
		*rows = v.rows;
	verify_free(&v);
	return rc;
}

int
ledger_verify_books(const char *dir, const struct ledger_def *const *defs,
    FILE *out, struct pm_err *e)
{
	size_t i;
	long rows;

	for (i = 0; ; i++) {
		const struct ledger_def *def = defs[i] ? defs[i] : &ledger_anchors;
		struct ledger *l = ledger_open(def, dir);
		int rc = ledger_verify(l, e, &rows);

		if (rc == 0)
			fprintf(out, _("%s: %ld rows, chain intact\n"),
			    ledger_path(l), rows);
		ledger_close(l);
		if (rc != 0)
			return -1;
		if (defs[i] == NULL)
			break;
	}
	/* the anchors hold: each signed one by its signer's key (SPEC 3) */
	if (sign_verify(dir, out, e) != 0)
		return -1;
	/* the record of purged volumes, once there is one */
	{
		struct ledger *l = ledger_open(&ledger_purges, dir);
		int rc = 0;

		if (access(ledger_path(l), F_OK) == 0) {
			rc = ledger_verify(l, e, &rows);
			if (rc == 0)
				fprintf(out, _("%s: %ld rows, chain intact\n"),
				    ledger_path(l), rows);
		}
		ledger_close(l);
		return rc == 0 ? 0 : -1;
	}
}

/* ---- heads -------------------------------------------------------------- */

struct head_scan {
	long seq;
	char hash[HASH_HEX + 1];
	const long *want;	/* witnessed seqs, ascending */
	char (*got)[HASH_HEX + 1];
	size_t nwant, next;
};

static int
head_row(const struct row *r, void *arg)
{
	struct head_scan *h = arg;
	long seq = row_seq(r);

	h->seq = seq;
	snprintf(h->hash, sizeof h->hash, "%s", r->f[r->n - 1]);
	while (h->next < h->nwant && h->want[h->next] < seq)
		h->next++;
	if (h->next < h->nwant && h->want[h->next] == seq)
		snprintf(h->got[h->next], HASH_HEX + 1, "%s", h->hash);
	return 0;
}

int
ledger_head(struct ledger *l, long *seq, char hash[HASH_HEX + 1],
    struct pm_err *e)
{
	struct head_scan h;
	long floor;
	char fh[HASH_HEX + 1];

	EVP_MD_CTX *md = EVP_MD_CTX_new();

	if (md == NULL)
		die(EX_OSERR, "EVP_MD_CTX_new failed");
	memset(&h, 0, sizeof h);
	/* a book with no row yet: its head is its header's hash */
	sha256_hex(md, l->header, strlen(l->header), NULL, 0, h.hash);
	EVP_MD_CTX_free(md);
	if (scan_books(l, 0, 0, head_row, &h, e, NULL) != 0)
		return -1;
	if (archived_head(l, &floor, fh) && floor > h.seq) {
		h.seq = floor;
		memcpy(h.hash, fh, sizeof fh);
	}
	*seq = h.seq;
	memcpy(hash, h.hash, HASH_HEX + 1);
	return 0;
}

/*
 * Do the rows at seqs want[] (ascending) still have hashes beginning
 * with prefix[]?  got[i] is filled with each row's hash as read ("" when
 * the book has no such row: cut off, or in a purged volume).
 */
int
ledger_witness(struct ledger *l, const long *want, size_t n,
    char (*got)[HASH_HEX + 1], struct pm_err *e)
{
	struct head_scan h;
	size_t i;

	memset(&h, 0, sizeof h);
	h.want = want;
	h.nwant = n;
	h.got = got;
	for (i = 0; i < n; i++)
		got[i][0] = '\0';
	return scan_books(l, 0, 0, head_row, &h, e, NULL);
}

/*
 * SPEC 3: a printed form ends with the heads of the books it read, so
 * that the paper the desk keeps is a witness; the lines are those of
 * pm-report heads, for verify --witness.  And it vouches for them: -1,
 * with e, when one does not verify.
 */
int
ledger_heads_footer(const char *dir, const char *const *books,
    time_t since, FILE *out, struct pm_err *e)
{
	char hash[HASH_HEX + 1];
	long seq;
	size_t i;

	fputs("链头（账簿 行号 哈希，可供 verify --witness 核对）\n", out);
	for (i = 0; books[i]; i++) {
		struct ledger *l = ledger_open_book(dir, books[i]);

		if (l == NULL)
			continue;	/* not begun yet */
		if (ledger_last(l, &seq, hash) == 0)
			fprintf(out, "  %s %ld %.16s\n", books[i], seq, hash);
		ledger_close(l);
	}
	return ledger_vouch(dir, books, since, e);
}

/* A row read on from an anchor: the anchored row, then the chain. */
static int
vouch_row(const struct row *r, void *arg)
{
	struct verify *v = arg;
	long seq = row_seq(r);

	if (seq < v->from)
		return 0;
	if (seq == v->from) {
		v->started = strcmp(r->f[r->n - 1], v->prev) == 0;
		return v->started ? 0 : (v->bad = 1);
	}
	return v->started ? verify_row(r, arg) : (v->bad = 1);
}

/* The newest anchor of the book made before since ("YYYY-MM-DD ..."). */
static int
anchor_before(const struct verify *v, const char *since, struct anchor *a)
{
	size_t i;
	int found = 0;

	for (i = 0; i < v->nanchors; i++)
		if (strcmp(v->anchors[i].at, since) < 0 &&
		    isdigit((unsigned char)v->anchors[i].at[0]) &&
		    (!found || v->anchors[i].seq > a->seq)) {
			*a = v->anchors[i];
			found = 1;
		}
	return found;
}

/*
 * The rows written since `since` vouched for from the nearest head
 * before them: the newest anchor made before since (its signature
 * checked when it is signed), and the chain from its row to the end,
 * later anchors included.  Where that cannot be read (the anchored row
 * archived, no anchor, since 0), or does not hold, the whole book is
 * verified, and says where.
 */
int
ledger_vouch_book(struct ledger *l, time_t since, struct pm_err *e)
{
	struct verify v;
	struct anchor a;
	char at[20];
	int rc = -1;

	if (since <= 0 || strcmp(l->def->name, ledger_anchors.name) == 0)
		return ledger_verify(l, e, NULL);
	clock_format(since, at);
	verify_init(&v, l, e);
	if (anchor_before(&v, at, &a)) {
		if (strstr(a.reason, "+ssh") != NULL &&
		    sign_check(l->dir, &a, e) != 0) {
			verify_free(&v);
			return -1;	/* the head to start from is forged */
		}
		memcpy(v.prev, a.head, sizeof v.prev);
		v.prev_seq = v.from = a.seq;
		anchors_sort(&v);
		rc = scan_live_from(l, a.seq, vouch_row, &v, e);
		if (rc == 0 && (v.bad || !v.started || anchors_reached(&v)))
			rc = -1;
	}
	verify_free(&v);
	return rc == 0 ? 0 : ledger_verify(l, e, NULL);
}

/*
 * SPEC 3: what a form or a record prints vouches for its books: each
 * book's chain holds from the nearest head before the rows printed
 * (written since `since`; 0: the whole book), and the anchors that
 * hold those heads; or e says where it does not.
 */
int
ledger_vouch(const char *dir, const char *const *books, time_t since,
    struct pm_err *e)
{
	const char *const anchors[] = { "anchors", NULL };
	size_t i;

	for (i = 0; books[i]; i++) {
		struct ledger *l = ledger_open_book(dir, books[i]);
		int rc;

		if (l == NULL)
			continue;
		rc = ledger_vouch_book(l, since, e);
		ledger_close(l);
		if (rc != 0)
			return -1;
	}
	/* and the anchors that hold the heads it started from */
	return since > 0 && books[0] != NULL ?
	    ledger_vouch(dir, anchors, 0, e) : 0;
}

/* ---- heads kept elsewhere (SPEC 3) ------------------------------------------- */

/* A line of pm-report heads, as a witness kept it. */
struct witnessed {
	char book[64];
	long seq;
	char head[HASH_HEX + 1];
};

static int
witness_line(char *line, struct witnessed *h)
{
	char *p;

	for (p = line; *p; p++)
		if (*p == ',' || *p == '\t')
			*p = ' ';
	memset(h, 0, sizeof h[0]);
	return sscanf(line, "%63s %ld %64s", h->book, &h->seq, h->head) == 3 &&
	    h->seq > 0 && strlen(h->head) >= 16 &&
	    strspn(h->head, "0123456789abcdef") == strlen(h->head);
}

static int
witness_one(const char *dir, const struct witnessed *w, FILE *out,
    struct pm_err *e)
{
	struct ledger *l = ledger_open_book(dir, w->book);
	char got[1][HASH_HEX + 1];
	size_t k = strlen(w->head);
	int rc;

	if (l == NULL)
		return errset(e, EX_DATAERR, _("%s: the witness saw row %ld, "
		    "and the book is gone"), w->book, w->seq);
	rc = ledger_witness(l, &w->seq, 1, got, e);
	ledger_close(l);
	if (rc != 0)
		return -1;
	if (got[0][0] == '\0')
		return errset(e, EX_DATAERR, _("%s: the witness saw row %ld "
		    "(%.16s), and the book no longer holds it"), w->book,
		    w->seq, w->head);
	if (strncmp(got[0], w->head, k) != 0)
		return errset(e, EX_DATAERR, _("%s: row %ld is not the row the "
		    "witness kept (%.16s, now %.16s): the book was rewritten"),
		    w->book, w->seq, w->head, got[0]);
	fprintf(out, _("%s: row %ld as witnessed (%.16s)\n"), w->book, w->seq,
	    w->head);
	return 0;
}

int
ledger_witness_file(const char *dir, const char *file, FILE *out,
    struct pm_err *e)
{
	FILE *fp = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	struct witnessed w;
	char *line = NULL;
	size_t cap = 0;
	int rc = 0, n = 0;

	if (fp == NULL)
		return errset(e, EX_NOINPUT, "--witness: %s: %s", file,
		    strerror(errno));
	while (rc == 0 && getline(&line, &cap, fp) > 0)
		if (witness_line(line, &w)) {
			rc = witness_one(dir, &w, out, e);
			n++;
		}
	free(line);
	if (fp != stdin)
		fclose(fp);
	if (rc == 0 && n == 0)
		rc = errset(e, EX_DATAERR, _("--witness: %s holds no heads (book, "
		    "seq, head)"), file);
	return rc;
}
