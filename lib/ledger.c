/*
 * ledger.c - one paper book as an append-only, tamper-evident CSV file.
 *
 * Writing follows git's lockfile habit: take the book's lock, look at
 * its last row, write, fsync, let go.  A row is one write(); several
 * rows (an import) go to a new file that is renamed over the old one,
 * so that a crash leaves all of them or none (SPEC 6).
 *
 * Reading streams every archived volume and then the live file through
 * libcsv in constant memory.  A torn last row (a writer killed half-way)
 * is never returned as data; the next writer sets it aside.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "pm.h"

#define READ_CHUNK (64 * 1024)
#define TAIL_MAX (2 * LEDGER_ROW_MAX)
#define BATCH_FLUSH (1024 * 1024)

static const char *const common_head[] = { "seq", "at", NULL };
static const char *const common_tail[] = { "by", "written_at", "hash", NULL };

struct ledger {
	const struct ledger_def *def;
	char *dir, *path, *lockpath;
	const char *cols[LEDGER_COLS_MAX];
	int ncols;
	char *header;		/* the header line, without its newline */
};

struct ledger_tx {
	struct ledger *l;
	int lockfd, fd, tmpfd;
	off_t good_end;		/* where the last whole row ends */
	long last_seq;
	char head[HASH_HEX + 1];
	struct buf rows;	/* rows not yet written */
	long nrows;
	EVP_MD_CTX *md;
};

/* ---- small helpers ----------------------------------------------------- */

/*
 * Crash tests (tests/t-durability.sh) kill a writer at a named point:
 * PM_TEST_CRASH=mid-row|before-fsync|before-rename.  Like SQLite's test
 * controls, this costs one getenv() per write and nothing else.
 */
static int
crash_point(const char *point)
{
	const char *want = getenv("PM_TEST_CRASH");

	return want != NULL && strcmp(want, point) == 0;
}

static void
sha256_hex(EVP_MD_CTX *md, const char *a, size_t alen, const char *b,
    size_t blen, char out[HASH_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(md, a, alen) != 1 ||
	    (b != NULL && (EVP_DigestUpdate(md, "\n", 1) != 1 ||
	    EVP_DigestUpdate(md, b, blen) != 1)) ||
	    EVP_DigestFinal_ex(md, d, &n) != 1)
		die(EX_SOFTWARE, "SHA-256 failed");
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
is_hash(const char *s, size_t len)
{
	size_t i;

	if (len != HASH_HEX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* The content of a row before its hash, CSV-encoded, as it is hashed. */
static void
row_content(struct buf *b, char *const *f, const size_t *len, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_add(b, ",", 1);
		csv_field(b, f[i], len[i]);
	}
}

/* ---- opening ----------------------------------------------------------- */

struct ledger *
ledger_open(const struct ledger_def *def, const char *dir)
{
	struct ledger *l = xcalloc(1, sizeof *l);
	struct buf b = { 0 };
	int i, n = 0;

	l->def = def;
	l->dir = xstrdup(dir);
	for (i = 0; common_head[i]; i++)
		l->cols[n++] = common_head[i];
	for (i = 0; def->cols[i]; i++)
		l->cols[n++] = def->cols[i];
	for (i = 0; common_tail[i]; i++)
		l->cols[n++] = common_tail[i];
	l->ncols = n;
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_add(&b, ",", 1);
		buf_adds(&b, l->cols[i]);
	}
	l->header = b.s;
	memset(&b, 0, sizeof b);
	buf_addf(&b, "%s/%s.csv", dir, def->name);
	l->path = b.s;
	memset(&b, 0, sizeof b);
	buf_addf(&b, "%s/%s.lock", dir, def->name);
	l->lockpath = b.s;
	return l;
}

void
ledger_close(struct ledger *l)
{
	if (l == NULL)
		return;
	free(l->dir);
	free(l->path);
	free(l->lockpath);
	free(l->header);
	free(l);
}

const char *
ledger_path(const struct ledger *l)
{
	return l->path;
}

int
ledger_ncols(const struct ledger *l)
{
	return l->ncols;
}

int
ledger_col(const struct ledger *l, const char *name)
{
	int i;

	for (i = 0; i < l->ncols; i++)
		if (strcmp(l->cols[i], name) == 0)
			return i;
	return -1;
}

const char *
row_get(const struct ledger *l, const struct row *r, const char *col)
{
	int i = ledger_col(l, col);

	if (i < 0 || i >= r->n)
		die(EX_SOFTWARE, "%s: no column %s", l->def->name, col);
	return r->f[i];
}

long
row_seq(const struct row *r)
{
	return r->n > 0 ? atol(r->f[0]) : 0;
}

/* ---- reading ----------------------------------------------------------- */

struct scan {
	struct ledger *l;
	row_fn fn;
	void *arg;
	const char *file;
	struct buf store;	/* the current row's fields, NUL-separated */
	size_t off[LEDGER_COLS_MAX];
	size_t len[LEDGER_COLS_MAX];
	int nf;
	long line, rowline;
	int header_done, stop, at_eof, torn, damaged;
	long torn_bytes;
	struct pm_err *err;
	int foreign;		/* an import file: no fixed columns */
};

static void
scan_field(void *s, size_t len, void *data)
{
	struct scan *sc = data;

	if (sc->stop)
		return;
	if (sc->nf < LEDGER_COLS_MAX) {
		sc->off[sc->nf] = sc->store.len;
		sc->len[sc->nf] = len;
	}
	buf_add(&sc->store, s ? s : "", s ? len : 0);
	buf_add(&sc->store, "", 1);
	sc->nf++;
}

static void
scan_row(int c, void *data)
{
	struct scan *sc = data;
	struct row r;
	long lines = 1;
	int i;

	(void)c;
	if (sc->stop) {
		sc->nf = 0;
		buf_reset(&sc->store);
		return;
	}
	if (sc->at_eof) {
		/* The file ended inside this row: a writer died half-way. */
		sc->torn = 1;
		goto done;
	}
	for (i = 0; i < (int)sc->store.len; i++)
		if (sc->store.s[i] == '\n')
			lines++;
	sc->rowline = sc->line + 1;
	sc->line += lines;
	if (!sc->header_done) {
		sc->header_done = 1;
		if (sc->foreign)
			goto deliver;
		for (i = 0; i < sc->nf && i < sc->l->ncols; i++)
			if (strcmp(sc->store.s + sc->off[i], sc->l->cols[i]) != 0)
				break;
		if (i != sc->l->ncols || sc->nf != sc->l->ncols) {
			struct buf found = { 0 };

			for (i = 0; i < sc->nf && i < LEDGER_COLS_MAX; i++) {
				if (i > 0)
					buf_add(&found, ",", 1);
				buf_adds(&found, sc->store.s + sc->off[i]);
			}
			errset(sc->err, EX_DATAERR, _("%s: the header does not "
			    "match: expected \"%s\", found \"%s\""), sc->file,
			    sc->l->header, found.s ? found.s : "");
			buf_free(&found);
			sc->stop = sc->damaged = 1;
		}
		goto done;
	}
	if (!sc->foreign && sc->nf != sc->l->ncols) {
		errset(sc->err, EX_DATAERR, _("%s line %ld: expected %d fields, "
		    "found %d"), sc->file, sc->rowline, sc->l->ncols, sc->nf);
		sc->stop = sc->damaged = 1;
		goto done;
	}
deliver:
	memset(&r, 0, sizeof r);
	r.n = sc->nf < LEDGER_COLS_MAX ? sc->nf : LEDGER_COLS_MAX;
	for (i = 0; i < r.n; i++) {
		r.f[i] = sc->store.s + sc->off[i];
		r.len[i] = sc->len[i];
	}
	r.line = sc->rowline;
	r.file = sc->file;
	if (sc->fn(&r, sc->arg) != 0)
		sc->stop = 1;
done:
	sc->nf = 0;
	buf_reset(&sc->store);
}

/* Feed one file (plain or gzip) through libcsv. */
static int
scan_file(struct scan *sc, const char *path, int gz)
{
	struct csv_parser p;
	char *chunk = xmalloc(READ_CHUNK);
	gzFile gzf = NULL;
	int fd = -1, rc = 0;
	ssize_t n;

	if (gz) {
		gzf = gzopen(path, "rb");
		if (gzf == NULL) {
			free(chunk);
			return errset(sc->err, EX_IOERR, "%s: %s", path,
			    strerror(errno));
		}
	} else {
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			free(chunk);
			if (errno == ENOENT)
				return 0;	/* a book not yet begun is empty */
			return errset(sc->err, EX_IOERR, "%s: %s", path,
			    strerror(errno));
		}
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		die(EX_OSERR, "csv_init failed");
	csv_set_space_func(&p, no_space);
	sc->file = path;
	sc->header_done = sc->at_eof = sc->torn = 0;
	sc->line = 0;
	sc->nf = 0;
	buf_reset(&sc->store);
	for (;;) {
		n = gz ? gzread(gzf, chunk, READ_CHUNK) :
		    read(fd, chunk, READ_CHUNK);
		if (n < 0) {
			if (!gz && errno == EINTR)
				continue;
			rc = errset(sc->err, EX_IOERR, "%s: %s", path,
			    gz ? "gzip read error" : strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (csv_parse(&p, chunk, n, scan_field, scan_row, sc) !=
		    (size_t)n) {
			rc = errset(sc->err, EX_DATAERR, _("%s line %ld: not "
			    "valid CSV (%s)"), path, sc->line + 1,
			    csv_strerror(csv_error(&p)));
			sc->damaged = 1;
			break;
		}
		if (sc->stop)
			break;
	}
	if (rc == 0 && !sc->stop) {
		sc->at_eof = 1;
		if (csv_fini(&p, scan_field, scan_row, sc) != 0)
			sc->torn = 1;	/* ended inside a quoted field */
	}
	if (rc == 0 && sc->damaged)
		rc = -1;
	csv_free(&p);
	free(chunk);
	if (gz)
		gzclose(gzf);
	else
		close(fd);
	return rc;
}

static int
scan_all(struct ledger *l, row_fn fn, void *arg, struct pm_err *e, int *torn)
{
	struct scan sc;
	char **vols = NULL;
	int nvols, i, rc = 0;

	memset(&sc, 0, sizeof sc);
	sc.l = l;
	sc.fn = fn;
	sc.arg = arg;
	sc.err = e;
	nvols = archive_volumes(l->dir, l->def->name, &vols);
	for (i = 0; i < nvols && rc == 0 && !sc.stop; i++)
		rc = scan_file(&sc, vols[i], 1);
	if (rc == 0 && !sc.stop)
		rc = scan_file(&sc, l->path, 0);
	if (torn)
		*torn = sc.torn;
	archive_volumes_free(vols, nvols);
	buf_free(&sc.store);
	return rc;
}

int
ledger_scan(struct ledger *l, row_fn fn, void *arg)
{
	struct pm_err e;

	if (scan_all(l, fn, arg, &e, NULL) != 0) {
		if (e.status == EX_DATAERR)
			die(EX_DATAERR, _("%s (run verify)"), e.msg);
		errdie(&e);
	}
	return 0;
}

/* ---- archive volumes (read path) -------------------------------------- */

static int
is_year(const struct dirent *d)
{
	return strlen(d->d_name) == 4 && strspn(d->d_name, "0123456789") == 4;
}

static int
is_volume(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 7 && strcmp(d->d_name + n - 7, ".csv.gz") == 0;
}

int
archive_volumes(const char *dir, const char *ledger, char ***paths)
{
	struct dirent **years = NULL, **vols;
	struct buf b = { 0 };
	int ny, nv, i, j, n = 0;

	*paths = NULL;
	buf_addf(&b, "%s/archive/%s", dir, ledger);
	ny = scandir(b.s, &years, is_year, alphasort);
	for (i = 0; i < ny; i++) {
		buf_reset(&b);
		buf_addf(&b, "%s/archive/%s/%s", dir, ledger, years[i]->d_name);
		nv = scandir(b.s, &vols, is_volume, alphasort);
		for (j = 0; j < nv; j++) {
			size_t pl = strlen(ledger);

			/* archive/<ledger>/<YYYY>/<ledger>-<YYYY-MM>.csv.gz */
			if (strncmp(vols[j]->d_name, ledger, pl) == 0 &&
			    vols[j]->d_name[pl] == '-') {
				*paths = xrealloc(*paths, (n + 1) * sizeof **paths);
				(*paths)[n] = xmalloc(b.len + 2 +
				    strlen(vols[j]->d_name));
				sprintf((*paths)[n++], "%s/%s", b.s,
				    vols[j]->d_name);
			}
			free(vols[j]);
		}
		if (nv > 0)
			free(vols);
		free(years[i]);
	}
	if (ny > 0)
		free(years);
	buf_free(&b);
	return n;
}

void
archive_volumes_free(char **paths, int n)
{
	while (n > 0)
		free(paths[--n]);
	free(paths);
}

/* ---- the tail: where the last whole row ends -------------------------- */

struct tailrow {
	int n;
	long seq;
	char hash[HASH_HEX + 1];
};

static void
tail_field(void *s, size_t len, void *data)
{
	struct tailrow *t = data;

	if (t->n == 0) {
		char num[24];

		if (len < sizeof num) {
			memcpy(num, s, len);
			num[len] = '\0';
			t->seq = strtol(num, NULL, 10);
		}
	}
	if (len == HASH_HEX && is_hash(s, len))
		memcpy(t->hash, s, HASH_HEX), t->hash[HASH_HEX] = '\0';
	else
		t->hash[0] = '\0';
	t->n++;
}

static void
tail_row(int c, void *data)
{
	(void)c;
	(void)data;
}

/* Does bytes [from, to) parse as exactly one whole row of ncols fields? */
static int
tail_parse(const struct ledger *l, const char *s, size_t len,
    struct tailrow *t)
{
	struct csv_parser p;
	int ok;

	memset(t, 0, sizeof *t);
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		die(EX_OSERR, "csv_init failed");
	csv_set_space_func(&p, no_space);
	ok = csv_parse(&p, s, len, tail_field, tail_row, t) == len &&
	    csv_fini(&p, tail_field, tail_row, t) == 0;
	csv_free(&p);
	return ok && t->n == l->ncols && t->seq > 0 && t->hash[0] != '\0';
}

/* Does a whole row end at s[end-1] (",<64 hex>\n")? */
static int
row_end_at(const char *s, size_t end)
{
	return end >= HASH_HEX + 2 && s[end - 1] == '\n' &&
	    s[end - HASH_HEX - 2] == ',' &&
	    is_hash(s + end - HASH_HEX - 1, HASH_HEX);
}

static void
set_aside(struct ledger_tx *tx, const char *torn, size_t len)
{
	struct ledger *l = tx->l;
	struct buf path = { 0 }, note = { 0 };
	char when[20];
	int fd;

	buf_addf(&path, "%s/%s.torn", l->dir, l->def->name);
	clock_format(time(NULL), when);
	buf_addf(&note, "# %s: %zu bytes set aside from the end of %s.csv\n",
	    when, len, l->def->name);
	buf_add(&note, torn, len);
	buf_adds(&note, "\n");
	fd = open(path.s, O_WRONLY | O_APPEND | O_CREAT, l->def->mode);
	if (fd < 0 || write(fd, note.s, note.len) != (ssize_t)note.len ||
	    fsync(fd) != 0)
		die(EX_IOERR, _("%s: cannot set a torn row aside: %s"), path.s,
		    strerror(errno));
	close(fd);
	if (ftruncate(tx->fd, tx->good_end) != 0 || fsync(tx->fd) != 0)
		die(EX_IOERR, "%s: %s", l->path, strerror(errno));
	warnmsg(_("%s: the last row was torn (a write was interrupted); "
	    "%zu bytes set aside in %s"), l->path, len, path.s);
	buf_free(&path);
	buf_free(&note);
}

/*
 * Find the end of the last whole row and learn its seq and hash.  Our
 * writer ends every row with ",<hash>\n", so the search runs backwards
 * over candidates, each confirmed by parsing the row before it.
 */
/*
 * In the last bytes s[0..want) of the book (which begin at file offset
 * base), find the end of the last whole row and learn its seq and hash.
 */
static int
find_last_row(struct ledger_tx *tx, const char *s, size_t want, off_t base,
    size_t hdr)
{
	struct tailrow t;
	size_t end, start;

	for (end = want; end > 0; end--) {
		if (base + (off_t)end <= (off_t)hdr)
			break;
		if (!row_end_at(s, end))
			continue;
		/*
		 * A candidate end.  The row starts at the header's end or
		 * after an earlier row end; text may contain look-alikes, so
		 * every candidate start is tried until one parses whole.
		 */
		for (start = end - HASH_HEX - 2; ; start--) {
			if (base + (off_t)start < (off_t)hdr)
				break;
			if ((base + (off_t)start == (off_t)hdr ||
			    row_end_at(s, start)) &&
			    tail_parse(tx->l, s + start, end - start, &t)) {
				tx->good_end = base + end;
				tx->last_seq = t.seq;
				memcpy(tx->head, t.hash, HASH_HEX + 1);
				return 1;
			}
			if (start == 0)
				break;
		}
	}
	return 0;
}

/*
 * Our writer ends every row with ",<hash>\n", so the search runs
 * backwards over candidates, each confirmed by parsing the row.  Most
 * rows are short: look at the last 64 KiB first, and further only when
 * the last row is longer.
 */
static void
read_tail(struct ledger_tx *tx, off_t size)
{
	static const size_t windows[] = { 64 * 1024, TAIL_MAX };
	struct ledger *l = tx->l;
	size_t hdr = strlen(l->header) + 1, want = 0, w;
	off_t base = 0;
	char *s = NULL;
	int found = 0;

	tx->good_end = hdr;
	tx->last_seq = 0;
	if ((size_t)size <= hdr) {
		if ((size_t)size < hdr)
			die(EX_DATAERR, _("%s: shorter than its header (run "
			    "verify)"), l->path);
		return;
	}
	for (w = 0; w < sizeof windows / sizeof windows[0] && !found; w++) {
		want = size > (off_t)windows[w] ? windows[w] : (size_t)size;
		base = size - want;
		free(s);
		s = xmalloc(want);
		if (pread(tx->fd, s, want, base) != (ssize_t)want)
			die(EX_IOERR, "%s: %s", l->path, strerror(errno));
		found = find_last_row(tx, s, want, base, hdr);
		if (base == 0)
			break;
	}
	if (!found && base > 0) {
		free(s);
		die(EX_DATAERR, _("%s: no whole row in its last %zu bytes "
		    "(run verify)"), l->path, want);
	}
	if (tx->good_end < size)
		set_aside(tx, s + (tx->good_end - base), size - tx->good_end);
	free(s);
}

/* SPEC 3: archiving may leave the live book short; seqs never go back. */
static long
archived_seq(const struct ledger *l)
{
	struct buf p = { 0 };
	FILE *fp;
	long seq = 0;

	buf_addf(&p, "%s/archive/%s/seq", l->dir, l->def->name);
	fp = fopen(p.s, "r");
	if (fp != NULL) {
		if (fscanf(fp, "%ld", &seq) != 1)
			seq = 0;
		fclose(fp);
	}
	buf_free(&p);
	return seq;
}

static int
lock_wait(int fd, long timeout)
{
	struct timespec pause = { 0, 5 * 1000 * 1000 };
	long waited_ms = 0;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (waited_ms >= timeout * 1000)
			return -1;
		nanosleep(&pause, NULL);
		waited_ms += 5;
	}
}

static void
create_book(struct ledger *l)
{
	struct buf tmp = { 0 }, hdr = { 0 };
	int fd;

	buf_addf(&tmp, "%s.new", l->path);
	buf_addf(&hdr, "%s\n", l->header);
	fd = open(tmp.s, O_WRONLY | O_CREAT | O_TRUNC, l->def->mode);
	if (fd < 0)
		die(EX_CANTCREAT, _("cannot create %s: %s"), l->path,
		    strerror(errno));
	if (write(fd, hdr.s, hdr.len) != (ssize_t)hdr.len || fsync(fd) != 0) {
		int saved = errno;

		close(fd);
		unlink(tmp.s);
		die(EX_IOERR, _("cannot create %s: %s"), l->path,
		    strerror(saved));
	}
	close(fd);
	if (rename(tmp.s, l->path) != 0)
		die(EX_CANTCREAT, _("cannot create %s: %s"), l->path,
		    strerror(errno));
	fsync_dir(l->dir);
	buf_free(&tmp);
	buf_free(&hdr);
}

struct ledger_tx *
ledger_begin(struct ledger *l, long lock_timeout)
{
	struct ledger_tx *tx = xcalloc(1, sizeof *tx);
	struct stat st;
	char first[LEDGER_COLS_MAX * 40];
	size_t hl = strlen(l->header);
	long floor;

	/* A full disk must fail cleanly, not kill us (SPEC 6). */
	signal(SIGXFSZ, SIG_IGN);
	tx->l = l;
	tx->tmpfd = -1;
	tx->md = EVP_MD_CTX_new();
	if (tx->md == NULL)
		die(EX_OSERR, "EVP_MD_CTX_new failed");
	tx->lockfd = open(l->lockpath, O_RDWR | O_CREAT | O_CLOEXEC,
	    l->def->mode);
	if (tx->lockfd < 0)
		die(EX_CANTCREAT, _("cannot create %s: %s"), l->lockpath,
		    strerror(errno));
	if (lock_wait(tx->lockfd, lock_timeout) != 0)
		die(EX_TEMPFAIL, _("%s is busy: another clerk or job holds its "
		    "lock (waited %ld s); try again"), l->path, lock_timeout);
	tx->fd = open(l->path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (tx->fd < 0 && errno == ENOENT) {
		create_book(l);
		tx->fd = open(l->path, O_RDWR | O_APPEND | O_CLOEXEC);
	}
	if (tx->fd < 0)
		die(EX_IOERR, "%s: %s", l->path, strerror(errno));
	if (fstat(tx->fd, &st) != 0)
		die(EX_IOERR, "%s: %s", l->path, strerror(errno));
	if (hl + 1 > sizeof first || pread(tx->fd, first, hl + 1, 0) !=
	    (ssize_t)(hl + 1) || memcmp(first, l->header, hl) != 0 ||
	    first[hl] != '\n') {
		ssize_t n = pread(tx->fd, first, sizeof first - 1, 0);

		first[n > 0 ? n : 0] = '\0';
		first[strcspn(first, "\r\n")] = '\0';
		die(EX_DATAERR, _("%s: the header does not match: expected "
		    "\"%s\", found \"%.200s\""), l->path, l->header, first);
	}
	sha256_hex(tx->md, l->header, hl, NULL, 0, tx->head);
	read_tail(tx, st.st_size);
	floor = archived_seq(l);
	if (floor > tx->last_seq)
		tx->last_seq = floor;
	return tx;
}

long
ledger_tx_last_seq(const struct ledger_tx *tx)
{
	return tx->last_seq;
}

long
ledger_tx_next_seq(const struct ledger_tx *tx)
{
	return tx->last_seq + 1;
}

const char *
ledger_tx_head(const struct ledger_tx *tx)
{
	return tx->head;
}

static void
write_all(struct ledger_tx *tx, int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int saved = w < 0 ? errno : ENOSPC;
			struct ledger *l = tx->l;

			ledger_rollback(tx);
			die(EX_IOERR, _("cannot write %s: %s; nothing was "
			    "recorded"), l->path, strerror(saved));
		}
		s += w;
		n -= w;
	}
}

/* Several rows: copy the book to a new file that will replace it. */
static void
begin_batch(struct ledger_tx *tx)
{
	struct buf tmp = { 0 };
	char *chunk;
	off_t off = 0;
	ssize_t n;

	buf_addf(&tmp, "%s.tmp", tx->l->path);
	tx->tmpfd = open(tmp.s, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    tx->l->def->mode);
	buf_free(&tmp);
	if (tx->tmpfd < 0)
		die(EX_CANTCREAT, _("cannot create %s.tmp: %s"), tx->l->path,
		    strerror(errno));
	chunk = xmalloc(READ_CHUNK);
	while (off < tx->good_end) {
		size_t want = tx->good_end - off > READ_CHUNK ? READ_CHUNK :
		    (size_t)(tx->good_end - off);

		n = pread(tx->fd, chunk, want, off);
		if (n <= 0) {
			struct ledger *l = tx->l;
			int saved = n < 0 ? errno : EIO;

			free(chunk);
			ledger_rollback(tx);
			die(EX_IOERR, "%s: %s", l->path, strerror(saved));
		}
		write_all(tx, tx->tmpfd, chunk, n);
		off += n;
	}
	free(chunk);
}

long
ledger_add(struct ledger_tx *tx, time_t at, const char *by,
    time_t written_at, const char *const *vals)
{
	struct ledger *l = tx->l;
	char *f[LEDGER_COLS_MAX];
	size_t len[LEDGER_COLS_MAX];
	char seq[24], ats[20], wts[20], hash[HASH_HEX + 1];
	struct buf content = { 0 };
	int i, n = 0;

	snprintf(seq, sizeof seq, "%ld", tx->last_seq + 1);
	clock_format(at, ats);
	clock_format(written_at, wts);
	f[n++] = seq;
	f[n++] = ats;
	for (i = 0; l->def->cols[i]; i++)
		f[n++] = (char *)(vals[i] ? vals[i] : "");
	f[n++] = (char *)by;
	f[n++] = wts;
	for (i = 0; i < n; i++)
		len[i] = strlen(f[i]);
	row_content(&content, f, len, n);
	if (content.len > LEDGER_ROW_MAX - HASH_HEX - 2) {
		buf_free(&content);
		ledger_rollback(tx);
		die(EX_DATAERR, _("a row of %s would be longer than %d bytes"),
		    l->def->name, LEDGER_ROW_MAX);
	}
	sha256_hex(tx->md, tx->head, HASH_HEX, content.s, content.len, hash);
	buf_addf(&content, ",%s\n", hash);
	if (tx->nrows == 1 && tx->tmpfd < 0)
		begin_batch(tx);
	buf_add(&tx->rows, content.s, content.len);
	buf_free(&content);
	if (tx->tmpfd >= 0 && tx->rows.len >= BATCH_FLUSH) {
		write_all(tx, tx->tmpfd, tx->rows.s, tx->rows.len);
		buf_reset(&tx->rows);
	}
	memcpy(tx->head, hash, sizeof hash);
	tx->nrows++;
	return ++tx->last_seq;
}

static void
tx_free(struct ledger_tx *tx)
{
	if (tx->fd >= 0)
		close(tx->fd);
	if (tx->tmpfd >= 0)
		close(tx->tmpfd);
	if (tx->lockfd >= 0)
		close(tx->lockfd);	/* releases the lock */
	EVP_MD_CTX_free(tx->md);
	buf_free(&tx->rows);
	free(tx);
}

void
ledger_commit(struct ledger_tx *tx)
{
	struct ledger *l = tx->l;

	if (tx->tmpfd >= 0) {
		struct buf tmp = { 0 };

		write_all(tx, tx->tmpfd, tx->rows.s, tx->rows.len);
		if (fsync(tx->tmpfd) != 0) {
			int saved = errno;

			ledger_rollback(tx);
			die(EX_IOERR, _("cannot write %s: %s; nothing was "
			    "recorded"), l->path, strerror(saved));
		}
		buf_addf(&tmp, "%s.tmp", l->path);
		if (crash_point("before-rename"))
			raise(SIGKILL);
		if (rename(tmp.s, l->path) != 0) {
			int saved = errno;

			buf_free(&tmp);
			ledger_rollback(tx);
			die(EX_IOERR, _("cannot replace %s: %s; nothing was "
			    "recorded"), l->path, strerror(saved));
		}
		buf_free(&tmp);
		fsync_dir(l->dir);
	} else if (tx->rows.len > 0) {
		if (crash_point("mid-row")) {
			write_all(tx, tx->fd, tx->rows.s, tx->rows.len / 2);
			raise(SIGKILL);
		}
		write_all(tx, tx->fd, tx->rows.s, tx->rows.len);
		if (crash_point("before-fsync"))
			raise(SIGKILL);
		if (fsync(tx->fd) != 0) {
			int saved = errno;

			ledger_rollback(tx);
			die(EX_IOERR, _("cannot write %s: %s; nothing was "
			    "recorded"), l->path, strerror(saved));
		}
	}
	tx_free(tx);
}

void
ledger_rollback(struct ledger_tx *tx)
{
	if (tx->tmpfd >= 0) {
		struct buf tmp = { 0 };

		buf_addf(&tmp, "%s.tmp", tx->l->path);
		unlink(tmp.s);
		buf_free(&tmp);
	} else if (tx->fd >= 0) {
		/* Take back whatever part of a row reached the file. */
		if (ftruncate(tx->fd, tx->good_end) == 0)
			fsync(tx->fd);
	}
	tx_free(tx);
}

/* ---- anchors ----------------------------------------------------------- */

static const char *const anchor_cols[] = { "ledger", "anchored_seq", "head",
	"reason", "subject", NULL };
const struct ledger_def ledger_anchors = { "anchors", anchor_cols, 0640 };
#define anchor_def ledger_anchors

long
ledger_anchor(struct ledger_tx *tx, const char *dir, const char *reason,
    const char *subject, time_t now, const char *by)
{
	struct ledger *al = ledger_open(&anchor_def, dir);
	struct ledger_tx *atx = ledger_begin(al, 10);
	char seq[24];
	const char *vals[6];
	long id;

	snprintf(seq, sizeof seq, "%ld", tx->last_seq);
	vals[0] = tx->l->def->name;
	vals[1] = seq;
	vals[2] = tx->head;
	vals[3] = reason;
	vals[4] = subject;
	vals[5] = NULL;
	id = ledger_add(atx, now, by, now, vals);
	ledger_commit(atx);
	ledger_close(al);
	return id;
}

struct anchor_scan {
	struct ledger *al;
	anchor_fn fn;
	void *arg;
};

static int
anchor_row(const struct row *r, void *arg)
{
	struct anchor_scan *as = arg;
	struct anchor a;

	memset(&a, 0, sizeof a);
	snprintf(a.ledger, sizeof a.ledger, "%s", row_get(as->al, r, "ledger"));
	a.seq = atol(row_get(as->al, r, "anchored_seq"));
	snprintf(a.head, sizeof a.head, "%s", row_get(as->al, r, "head"));
	snprintf(a.reason, sizeof a.reason, "%s", row_get(as->al, r, "reason"));
	snprintf(a.subject, sizeof a.subject, "%s", row_get(as->al, r,
	    "subject"));
	snprintf(a.at, sizeof a.at, "%s", row_get(as->al, r, "at"));
	snprintf(a.by, sizeof a.by, "%s", row_get(as->al, r, "by"));
	return as->fn(&a, as->arg);
}

int
anchors_scan(const char *dir, anchor_fn fn, void *arg)
{
	struct anchor_scan as;
	int rc;

	as.al = ledger_open(&anchor_def, dir);
	as.fn = fn;
	as.arg = arg;
	rc = ledger_scan(as.al, anchor_row, &as);
	ledger_close(as.al);
	return rc;
}

/* ---- verify ------------------------------------------------------------ */

struct verify {
	struct ledger *l;
	EVP_MD_CTX *md;
	char prev[HASH_HEX + 1];
	long prev_seq, rows;
	const char *file;
	struct pm_err *err;
	struct anchor *anchors;
	int nanchors;
	int bad;
	struct buf content;
};

static int
collect_anchor(const struct anchor *a, void *arg)
{
	struct verify *v = arg;

	if (strcmp(a->ledger, v->l->def->name) != 0)
		return 0;
	v->anchors = xrealloc(v->anchors, (v->nanchors + 1) * sizeof *v->anchors);
	v->anchors[v->nanchors++] = *a;
	return 0;
}

static int
verify_row(const struct row *r, void *arg)
{
	struct verify *v = arg;
	char hash[HASH_HEX + 1], *end;
	long seq;
	int i;

	if (r->file != v->file) {
		/* Each file chains from its own header. */
		v->file = r->file;
		sha256_hex(v->md, v->l->header, strlen(v->l->header), NULL, 0,
		    v->prev);
	}
	seq = strtol(r->f[0], &end, 10);
	if (*r->f[0] == '\0' || *end != '\0' || seq <= 0) {
		errset(v->err, EX_DATAERR, _("%s line %ld: seq \"%s\" is not a "
		    "row number"), r->file, r->line, r->f[0]);
		return v->bad = 1;
	}
	buf_reset(&v->content);
	row_content(&v->content, r->f, r->len, r->n - 1);
	sha256_hex(v->md, v->prev, HASH_HEX, v->content.s, v->content.len, hash);
	if (strcmp(hash, r->f[r->n - 1]) != 0) {
		if (seq <= v->prev_seq)
			errset(v->err, EX_DATAERR, _("%s line %ld: row %ld is "
			    "out of order or repeated (it follows row %ld)"),
			    r->file, r->line, seq, v->prev_seq);
		else if (seq > v->prev_seq + 1 && v->prev_seq > 0)
			errset(v->err, EX_DATAERR, _("%s line %ld: row %ld "
			    "follows row %ld: rows were removed"), r->file,
			    r->line, seq, v->prev_seq);
		else
			errset(v->err, EX_DATAERR, _("%s line %ld: row %ld does "
			    "not match the hash chain: it was changed, or a row "
			    "was inserted or removed before it"), r->file,
			    r->line, seq);
		return v->bad = 1;
	}
	for (i = 0; i < v->nanchors; i++)
		if (v->anchors[i].seq == seq &&
		    strcmp(v->anchors[i].head, hash) != 0) {
			errset(v->err, EX_DATAERR, _("%s line %ld: row %ld "
			    "differs from the %s of %s (%s by %s)"), r->file,
			    r->line, seq, v->anchors[i].reason,
			    v->anchors[i].subject, v->anchors[i].at,
			    v->anchors[i].by);
			return v->bad = 1;
		}
	memcpy(v->prev, hash, sizeof hash);
	v->prev_seq = seq;
	v->rows++;
	return 0;
}

int
ledger_verify(struct ledger *l, struct pm_err *e, long *rows)
{
	struct verify v;
	int i, rc, torn = 0;

	memset(&v, 0, sizeof v);
	v.l = l;
	v.err = e;
	v.md = EVP_MD_CTX_new();
	if (v.md == NULL)
		die(EX_OSERR, "EVP_MD_CTX_new failed");
	if (strcmp(l->def->name, anchor_def.name) != 0)
		anchors_scan(l->dir, collect_anchor, &v);
	rc = scan_all(l, verify_row, &v, e, &torn);
	if (rc == 0 && !v.bad && torn)
		warnmsg(_("%s: the last row is torn (an interrupted write); "
		    "it is not data, and the next write sets it aside"), l->path);
	if (rc == 0 && !v.bad) {
		/* Rows cut off the end are missed by the chain, not the anchors. */
		for (i = 0; i < v.nanchors; i++)
			if (v.anchors[i].seq > v.prev_seq) {
				rc = errset(e, EX_DATAERR, _("%s: rows after row "
				    "%ld are missing: the %s of %s (%s by %s) saw "
				    "row %ld"), l->path, v.prev_seq,
				    v.anchors[i].reason, v.anchors[i].subject,
				    v.anchors[i].at, v.anchors[i].by,
				    v.anchors[i].seq);
				break;
			}
	}
	if (v.bad)
		rc = -1;
	if (rows)
		*rows = v.rows;
	free(v.anchors);
	buf_free(&v.content);
	EVP_MD_CTX_free(v.md);
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
			return 0;
	}
}
