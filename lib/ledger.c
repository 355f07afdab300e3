/*
 * ledger.c - one paper book as an append-only, tamper-evident CSV file.
 *
 * Writing follows git's lockfile habit: take the book's lock, look at
 * its last row, write, fsync, let go.  A row is one write(); several
 * rows (an import) go to a new file that is renamed over the old one,
 * so that a crash leaves all of them or none (SPEC 6).
 *
 * Sections:
 *   helpers        crash points, a row's content as it is hashed
 *   opening        a book's columns and header
 *   the tail       where the last whole row ends; a torn row set aside
 *   appending      lock, begin, add, commit, rollback
 *   several books  a group commit through a journal
 *   anchors        a book's head recorded outside it
 *   journals       an archive cut off, finished
 *
 * Reading is scan.c's, checking verify.c's, binding volumes archive.c's,
 * hashing, copying and the journals' replay disk.c's (ledger_priv.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ledger_priv.h"

#define TAIL_MAX (2 * LEDGER_ROW_MAX)
#define BATCH_FLUSH (1024 * 1024)

static void archive_recover(struct ledger *l);
static void group_recover(struct ledger *l);

static const char *const common_head[] = { "seq", "at", NULL };
/*
 * SPEC 3: by is --as (or PM_USER), login the Unix account that wrote the
 * row, so that a typed name never hides who was at the keyboard.  A book
 * begun before login existed keeps its header (the chain starts from
 * it) and goes on without it.
 */
static const char *const common_tail[] = { "by", "login", "written_at",
	"hash", NULL };
static const char *const legacy_tail[] = { "by", "written_at", "hash",
	NULL };

/* ---- small helpers ----------------------------------------------------- */

/*
 * Crash tests (tests/t-durability.sh) kill a writer at a named point:
 * PM_TEST_CRASH=mid-row|before-fsync|before-rename.  Like SQLite's test
 * controls, this costs one getenv() per write and nothing else.
 */
int
ledger_crash_point(const char *point)
{
	const char *want = getenv("PM_TEST_CRASH");

	return want != NULL && strcmp(want, point) == 0;
}

/* The content of a row before its hash, CSV-encoded, as it is hashed. */
static void
row_content(struct buf *b, char *const *f, const size_t *len, int n)
{
	size_t room = 0;
	char *p;
	int i;

	for (i = 0; i < n; i++)
		room += CSV_PUT_MAX(len[i]) + 1;
	p = buf_room(b, room);	/* once for the row, not field by field */
	for (i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		p += csv_put(p, f[i], len[i]);
	}
	*p = '\0';
	b->len = p - b->s;
}

/* ---- opening ----------------------------------------------------------- */

/* The full column list and header line, with the given common tail. */
static void
set_columns(struct ledger *l, const char *const *tail)
{
	struct buf b = { 0 };
	int i, n = 0;

	for (i = 0; common_head[i]; i++)
		l->cols[n++] = common_head[i];
	for (i = 0; l->def->cols[i]; i++)
		l->cols[n++] = l->def->cols[i];
	for (i = 0; tail[i]; i++)
		l->cols[n++] = tail[i];
	l->ncols = n;
	l->has_login = tail == common_tail;
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_add(&b, ",", 1);
		buf_adds(&b, l->cols[i]);
	}
	free(l->header);
	l->header = b.s;
}

/* Is the book's first line the header of a book begun without login? */
static int
legacy_book(struct ledger *l)
{
	char first[LEDGER_COLS_MAX * 40];
	struct ledger old = *l;
	size_t hl;
	ssize_t n;
	int fd = open(l->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), legacy = 0;

	if (fd < 0)
		return 0;
	n = read(fd, first, sizeof first - 1);
	close(fd);
	if (n <= 0)
		return 0;
	old.header = NULL;
	set_columns(&old, legacy_tail);
	hl = strlen(old.header);
	legacy = (size_t)n > hl && memcmp(first, old.header, hl) == 0 &&
	    (first[hl] == '\n' || first[hl] == '\r');
	free(old.header);
	return legacy;
}

struct ledger *
ledger_open(const struct ledger_def *def, const char *dir)
{
	struct ledger *l = xcalloc(1, sizeof *l);
	struct buf b = { 0 };

	l->def = def;
	l->dir = xstrdup(dir);
	buf_addf(&b, "%s/%s.csv", dir, def->name);
	l->path = b.s;
	set_columns(l, legacy_book(l) ? legacy_tail : common_tail);
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
	if (l->own != NULL) {
		char **cols = (char **)l->own->cols;

		while (*cols)
			free(*cols++);
		free((char **)l->own->cols);
		free((char *)l->own->name);
		free(l->own);
	}
	free(l);
}

int
ledger_exists(const struct ledger *l)
{
	return access(l->path, F_OK) == 0;
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

void
ledger_want(struct ledger *l, raw_want_fn want, void *arg)
{
	l->want = want;
	l->want_arg = arg;
}

const char *
row_get(const struct ledger *l, const struct row *r, const char *col)
{
	int i = ledger_col(l, col);

	if (i < 0 || i >= r->n)
		die(EX_SOFTWARE, "%s: no column %s", l->def->name, col);
	return r->f[i];
}

void
row_copy(const struct ledger *l, const struct row *r, const char *col,
    char *out, size_t size)
{
	snprintf(out, size, "%s", row_get(l, r, col));
}

char *
row_strdup(const struct ledger *l, const struct row *r, const char *col)
{
	return xstrdup(row_get(l, r, col));
}

/* Do cols[n - k, n) name the common tail tail[0..k)? */
static int
tail_is(char **cols, int n, const char *const *tail)
{
	int k, i;

	for (k = 0; tail[k]; k++)
		;
	if (n < 2 + k)
		return 0;
	for (i = 0; i < k; i++)
		if (strcmp(cols[n - k + i], tail[i]) != 0)
			return 0;
	return k;
}

/*
 * Any book of the office, its columns read from its header (a head
 * office, or pm-report heads, need not know the forms): NULL when
 * DIR/NAME.csv is not a book.
 */
struct ledger *
ledger_open_book(const char *dir, const char *name)
{
	struct ledger_def *def;
	struct ledger *l;
	struct buf p = { 0 };
	char *line = NULL, *f, *save;
	char **cols = xcalloc(LEDGER_COLS_MAX + 1, sizeof *cols);
	size_t cap = 0;
	int n = 0, k = 0, i;
	FILE *fp;

	buf_addf(&p, "%s/%s.csv", dir, name);
	fp = fopen(p.s, "r");
	buf_free(&p);
	if (fp != NULL && getline(&line, &cap, fp) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		for (f = strtok_r(line, ",", &save); f && n < LEDGER_COLS_MAX;
		    f = strtok_r(NULL, ",", &save))
			cols[n++] = xstrdup(f);
	}
	if (fp != NULL)
		fclose(fp);
	free(line);
	if (n >= 2 && strcmp(cols[0], "seq") == 0 && strcmp(cols[1], "at") == 0)
		k = tail_is(cols, n, common_tail) ? 4 :
		    tail_is(cols, n, legacy_tail) ? 3 : 0;
	if (k == 0 || n < 2 + k) {	/* seq, at and the tail at least */
		while (n > 0)
			free(cols[--n]);
		free(cols);
		return NULL;
	}
	/* the form's own columns: between seq, at and the common tail */
	for (i = 0; i < 2; i++)
		free(cols[i]);
	for (i = n - k; i < n; i++)
		free(cols[i]);
	memmove(cols, cols + 2, (n - k - 2) * sizeof *cols);
	cols[n - k - 2] = NULL;
	def = xcalloc(1, sizeof *def);
	def->name = xstrdup(name);
	def->cols = (const char *const *)cols;
	def->mode = 0640;
	l = ledger_open(def, dir);
	l->own = def;
	return l;
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
	csv_set_space_func(&p, libcsv_no_space);
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
	struct pm_err e;
	char when[20];
	int fd;

	buf_addf(&path, "%s/%s.torn", l->dir, l->def->name);
	clock_format(time(NULL), when);
	buf_addf(&note, "# %s: %zu bytes set aside from the end of %s.csv\n",
	    when, len, l->def->name);
	buf_add(&note, torn, len);
	buf_adds(&note, "\n");
	fd = files_open(path.s, O_WRONLY | O_APPEND, l->def->mode);
	if (files_refused(fd, path.s, &e) != 0)
		errdie(&e);
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
static int
read_tail(struct ledger_tx *tx, off_t size, int repair)
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
		return 0;
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
		if (!repair)
			return -1;
		die(EX_DATAERR, _("%s: no whole row in its last %zu bytes "
		    "(run verify)"), l->path, want);
	}
	if (repair && tx->good_end < size)
		set_aside(tx, s + (tx->good_end - base), size - tx->good_end);
	free(s);
	return 0;
}

/*
 * The book's head as its tail says, read only: no lock taken, a torn
 * last row passed over (the next writer sets it aside).
 */
int
ledger_last(struct ledger *l, long *seq, char hash[HASH_HEX + 1])
{
	struct ledger_tx tx;
	struct stat st;
	long aseq;
	char ahash[HASH_HEX + 1];
	int rc = -1;

	memset(&tx, 0, sizeof tx);
	tx.l = l;
	if ((tx.fd = open(l->path, O_RDONLY | O_NOFOLLOW)) < 0)
		return -1;
	if (fstat(tx.fd, &st) == 0 && (size_t)st.st_size >=
	    strlen(l->header) + 1 && read_tail(&tx, st.st_size, 0) == 0) {
		if (tx.last_seq == 0) {
			EVP_MD_CTX *md = EVP_MD_CTX_new();

			if (md == NULL)
				die(EX_OSERR, "EVP_MD_CTX_new failed");
			sha256_hex(md, l->header, strlen(l->header), NULL, 0,
			    tx.head);
			EVP_MD_CTX_free(md);
		}
		/* rows archived past the live book: the archive keeps the head */
		if (archived_head(l, &aseq, ahash) && aseq > tx.last_seq) {
			tx.last_seq = aseq;
			memcpy(tx.head, ahash, sizeof ahash);
		}
		*seq = tx.last_seq;
		memcpy(hash, tx.head, HASH_HEX + 1);
		rc = 0;
	}
	close(tx.fd);
	return rc;
}

/*
 * SPEC 3: archiving may leave the live book short of its last rows;
 * archive/<ledger>/head keeps the book's head (seq and hash), so that
 * seqs never go back and the chain goes on.
 */
int
archived_head(const struct ledger *l, long *seq, char hash[HASH_HEX + 1])
{
	struct buf p = { 0 };
	char h[HASH_HEX + 2];
	FILE *fp;
	int ok = 0;

	buf_addf(&p, "%s/archive/%s/head", l->dir, l->def->name);
	fp = fopen(p.s, "r");
	if (fp != NULL) {
		if (fscanf(fp, "%ld %65s", seq, h) == 2 &&
		    is_hash(h, strlen(h))) {
			memcpy(hash, h, HASH_HEX + 1);
			ok = 1;
		}
		fclose(fp);
	}
	buf_free(&p);
	return ok;
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

void
ledger_lock_job(const char *dir, const char *name, long lock_timeout)
{
	struct buf p = { 0 };
	int fd;

	buf_addf(&p, "%s/%s.lock", dir, name);
	fd = files_open(p.s, O_RDWR | O_CLOEXEC, 0640);
	if (fd < 0)
		die(EX_CANTCREAT, _("cannot create %s: %s"), p.s,
		    strerror(errno));
	/* held by the open descriptor until exit */
	if (lock_wait(fd, lock_timeout) != 0)
		die(EX_TEMPFAIL, _("%s is busy: another run holds it (waited "
		    "%ld s); try again"), p.s, lock_timeout);
	buf_free(&p);
}

static void
create_book(struct ledger *l)
{
	struct buf tmp = { 0 }, hdr = { 0 };
	int fd;

	buf_addf(&hdr, "%s\n", l->header);
	fd = files_temp(l->path, &tmp, l->def->mode);
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

/*
 * A command that dies (die() calls exit) with a transaction open takes it
 * back: its new copy and staged copy are removed, a partly written row
 * is cut off.  A crash leaves them to the next writer's sweep.
 */
static struct ledger_tx *open_txs;

static void
rollback_open(void)
{
	while (open_txs != NULL)
		ledger_rollback(open_txs);
}

/*
 * What a writer killed mid-import left: its copy of the book, stale now
 * that we hold the lock.  (A link planted there goes, not what it names.)
 */
static void
sweep_stale(struct ledger *l)
{
	struct buf idx = { 0 };

	files_sweep(l->path, 0);
	/* a reader's copy of the month index, if it was killed writing it */
	buf_addf(&idx, "%s/%s.idx", l->dir, l->def->name);
	files_sweep(idx.s, 60);
	buf_free(&idx);
}

/* verify sweeps too, when no writer holds the book (it never waits). */
void
ledger_sweep_idle(struct ledger *l)
{
	int fd = open(l->lockpath, O_RDWR | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		sweep_stale(l);
	close(fd);		/* releases it */
}

/* The book's header checked, its last row found. */
static void
open_tail(struct ledger_tx *tx)
{
	struct ledger *l = tx->l;
	char first[LEDGER_COLS_MAX * 40];
	size_t hl = strlen(l->header);
	struct stat st;

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
	read_tail(tx, st.st_size, 1);
}

struct ledger_tx *
ledger_begin(struct ledger *l, long lock_timeout)
{
	struct ledger_tx *tx = xcalloc(1, sizeof *tx);
	size_t hl = strlen(l->header);
	char hash[HASH_HEX + 1];
	struct pm_err e;
	long floor;

	/* A full disk must fail cleanly, not kill us (SPEC 6). */
	signal(SIGXFSZ, SIG_IGN);
	static int registered;

	if (!registered && atexit(rollback_open) == 0)
		registered = 1;
	tx->l = l;
	tx->tmpfd = -1;
	tx->md = EVP_MD_CTX_new();
	if (tx->md == NULL)
		die(EX_OSERR, "EVP_MD_CTX_new failed");
	tx->lockfd = files_open(l->lockpath, O_RDWR | O_CLOEXEC, l->def->mode);
	if (tx->lockfd < 0)
		die(EX_CANTCREAT, _("cannot create %s: %s"), l->lockpath,
		    strerror(errno));
	if (lock_wait(tx->lockfd, lock_timeout) != 0)
		die(EX_TEMPFAIL, _("%s is busy: another clerk or job holds its "
		    "lock (waited %ld s); try again"), l->path, lock_timeout);
	archive_recover(l);
	group_recover(l);
	sweep_stale(l);
	sha256_hex(tx->md, l->header, hl, NULL, 0, tx->head);
	tx->good_end = hl + 1;
	tx->fd = open(l->path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (files_refused(tx->fd, l->path, &e) != 0)
		errdie(&e);
	if (tx->fd < 0 && errno != ENOENT)
		die(EX_IOERR, "%s: %s", l->path, strerror(errno));
	if (tx->fd >= 0)
		open_tail(tx);	/* a book not begun is begun by its first row */
	if (archived_head(l, &floor, hash) && floor > tx->last_seq) {
		tx->last_seq = floor;
		memcpy(tx->head, hash, sizeof hash);
	}
	/* only now is good_end known: a rollback may cut back to it */
	tx->next = open_txs;
	open_txs = tx;
	return tx;
}

const char *
ledger_tx_book(const struct ledger_tx *tx)
{
	return tx->l->def->name;
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

/* saved: 0, or the errno of a write into the transaction's files */
static void
written_or_die(struct ledger_tx *tx, int saved)
{
	if (saved != 0) {
		struct ledger *l = tx->l;

		ledger_rollback(tx);
		die(EX_IOERR, _("cannot write %s: %s; nothing was "
		    "recorded"), l->path, strerror(saved));
	}
}

static void
write_all(struct ledger_tx *tx, int fd, const char *s, size_t n)
{
	written_or_die(tx, write_full(fd, s, n));
}

/*
 * A batch's rows so far into its copy of the book, and the disk set to
 * work on them now (disk.c's sync_ahead): the commit's fsync then waits
 * for the last few, not for a whole import's hundreds of megabytes.
 */
static void
flush_batch(struct ledger_tx *tx)
{
	off_t at = lseek(tx->tmpfd, 0, SEEK_CUR);

	write_all(tx, tx->tmpfd, tx->rows.s, tx->rows.len);
	if (at >= 0)
		written_or_die(tx, sync_ahead(&tx->ahead, tx->tmpfd, at,
		    tx->rows.len));
	buf_reset(&tx->rows);
}

/* The book's whole rows into its copy (disk.c's copy_whole). */
static void
copy_book(struct ledger_tx *tx)
{
	written_or_die(tx, copy_whole(tx->fd, tx->tmpfd, tx->good_end,
	    ledger_crash_point("copy-by-hand")));
	written_or_die(tx, sync_ahead(&tx->ahead, tx->tmpfd, 0,
	    (size_t)tx->good_end));
}

/* Several rows: copy the book to a new file that will replace it. */
static void
begin_batch(struct ledger_tx *tx)
{
	tx->tmpfd = files_temp(tx->l->path, &tx->tmppath, tx->l->def->mode);
	if (tx->tmpfd < 0)
		die(EX_CANTCREAT, _("cannot create %s: %s"), tx->tmppath.s,
		    strerror(errno));
	copy_book(tx);
}

/* The account at the keyboard: the real uid's name, whatever --as says. */
static const char *
unix_login(void)
{
	static char name[64];

	if (name[0] == '\0') {
		struct passwd *pw = getpwuid(getuid());

		if (pw != NULL && strlen(pw->pw_name) < sizeof name)
			snprintf(name, sizeof name, "%s", pw->pw_name);
		else
			snprintf(name, sizeof name, "uid%ld", (long)getuid());
	}
	return name;
}

long
ledger_add(struct ledger_tx *tx, time_t at, const char *by,
    time_t written_at, const char *const *vals)
{
	struct ledger *l = tx->l;
	char *f[LEDGER_COLS_MAX];
	size_t len[LEDGER_COLS_MAX];
	char seq[24], ats[20], hash[HASH_HEX + 1];
	struct buf *rows = &tx->rows;
	size_t from = rows->len;
	int i, n = 0;

	clock_format(at, ats);
	if (tx->wts[0] == '\0' || written_at != tx->wt) {	/* an import's: one */
		clock_format(written_at, tx->wts);
		tx->wt = written_at;
	}
	f[n] = seq;
	len[n++] = num_format(tx->last_seq + 1, 1, seq);
	f[n] = ats;
	len[n++] = 19;
	for (i = 0; l->def->cols[i]; i++) {
		f[n] = (char *)(vals[i] ? vals[i] : "");
		len[n++] = vals[i] ? strlen(vals[i]) : 0;
	}
	f[n] = (char *)by;
	len[n++] = strlen(by);
	if (l->has_login) {
		f[n] = (char *)unix_login();
		len[n] = strlen(f[n]);
		n++;
	}
	f[n] = tx->wts;
	len[n++] = 19;
	/* the row goes straight to the batch; hashed where it lies */
	row_content(rows, f, len, n);
	if (rows->len - from > LEDGER_ROW_MAX - HASH_HEX - 2) {
		rows->len = from;
		ledger_rollback(tx);
		die(EX_DATAERR, _("a row of %s would be longer than %d bytes"),
		    l->def->name, LEDGER_ROW_MAX);
	}
	/*
	 * The row before it in the batch ends in the head and a newline:
	 * the two are hashed in one piece, as they lie.
	 */
	if (from > HASH_HEX)
		sha256_hex(tx->md, rows->s + from - HASH_HEX - 1,
		    rows->len - from + HASH_HEX + 1, NULL, 0, hash);
	else
		sha256_hex(tx->md, tx->head, HASH_HEX, rows->s + from,
		    rows->len - from, hash);
	buf_add(rows, ",", 1);
	buf_add(rows, hash, HASH_HEX);
	buf_add(rows, "\n", 1);
	if (tx->fd < 0) {
		/* the first row of a new book: only now is there a book */
		create_book(l);
		tx->created = 1;
		tx->fd = open(l->path, O_RDWR | O_APPEND | O_CLOEXEC |
		    O_NOFOLLOW);
		if (tx->fd < 0)
			die(EX_IOERR, "%s: %s", l->path, strerror(errno));
	}
	if (tx->nrows == 1 && tx->tmpfd < 0)
		begin_batch(tx);
	if (tx->tmpfd >= 0 && tx->rows.len >= BATCH_FLUSH)
		flush_batch(tx);
	memcpy(tx->head, hash, sizeof hash);
	tx->nrows++;
	return ++tx->last_seq;
}

void
tx_free(struct ledger_tx *tx)
{
	struct ledger_tx **p;

	for (p = &open_txs; *p != NULL; p = &(*p)->next)
		if (*p == tx) {
			*p = tx->next;
			break;
		}
	if (tx->fd >= 0)
		close(tx->fd);
	if (tx->tmpfd >= 0) {
		sync_ahead_end(&tx->ahead);	/* its fd must outlive it */
		close(tx->tmpfd);
	}
	buf_free(&tx->tmppath);
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
		write_all(tx, tx->tmpfd, tx->rows.s, tx->rows.len);
		written_or_die(tx, sync_ahead_end(&tx->ahead));
		if (fsync(tx->tmpfd) != 0) {
			int saved = errno;

			ledger_rollback(tx);
			die(EX_IOERR, _("cannot write %s: %s; nothing was "
			    "recorded"), l->path, strerror(saved));
		}
		if (ledger_crash_point("before-rename"))
			raise(SIGKILL);
		if (rename(tx->tmppath.s, l->path) != 0) {
			int saved = errno;

			ledger_rollback(tx);
			die(EX_IOERR, _("cannot replace %s: %s; nothing was "
			    "recorded"), l->path, strerror(saved));
		}
		fsync_dir(l->dir);
	} else if (tx->rows.len > 0) {
		if (ledger_crash_point("mid-row")) {
			write_all(tx, tx->fd, tx->rows.s, tx->rows.len / 2);
			raise(SIGKILL);
		}
		write_all(tx, tx->fd, tx->rows.s, tx->rows.len);
		if (ledger_crash_point("before-fsync"))
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
	if (tx->staged) {
		struct buf staged = { 0 };

		buf_addf(&staged, "%s.group", tx->l->path);
		unlink(staged.s);
		buf_free(&staged);
	}
	if (tx->tmpfd >= 0)
		unlink(tx->tmppath.s);
	if (tx->created) {
		unlink(tx->l->path);	/* begun here: nothing was written */
	} else if (tx->fd >= 0 && tx->tmpfd < 0) {
		/* Take back whatever part of a row reached the file. */
		if (ftruncate(tx->fd, tx->good_end) == 0)
			fsync(tx->fd);
	}
	tx_free(tx);
}

/* ---- several books at once ------------------------------------------- */

/*
 * A command that writes to two books (an import of complaints and
 * requests) must leave both changed or neither.  Each book's new contents
 * are written and synced beside it as BOOK.csv.group; the journal
 * commit.journal, naming those books, is renamed into place: that is the
 * commit point.  Then each staged copy replaces its book and the journal
 * goes.  Whoever next takes a named book's lock (or verifies it) finishes
 * what a crash cut off; a staged copy without a journal is swept away.
 * The journal has a lock of its own, so that checking whether it is
 * finished and removing it is one step.
 */

void
group_paths(const char *dir, struct buf *journal, struct buf *lock)
{
	buf_reset(journal);
	buf_addf(journal, "%s/commit.journal", dir);
	if (lock != NULL) {
		buf_reset(lock);
		buf_addf(lock, "%s/commit.journal.lock", dir);
	}
}

const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

static int
group_lock(const char *path)
{
	int fd = files_open(path, O_RDWR | O_CLOEXEC, 0640);

	if (fd < 0)
		die(EX_CANTCREAT, _("cannot create %s: %s"), path,
		    strerror(errno));
	while (flock(fd, LOCK_EX) != 0)
		if (errno != EINTR)
			die(EX_IOERR, "%s: %s", path, strerror(errno));
	return fd;
}

/* Called with the book's lock held. */
static void
group_recover(struct ledger *l)
{
	struct buf j = { 0 }, lk = { 0 }, staged = { 0 };

	group_paths(l->dir, &j, &lk);
	if (access(j.s, F_OK) == 0) {
		int fd = group_lock(lk.s);

		journal_replay(l->dir, j.s, base_name(l->path), 0);
		close(fd);
	} else {
		/* a group commit that died before its commit point */
		buf_addf(&staged, "%s.group", l->path);
		unlink(staged.s);
	}
	buf_free(&j);
	buf_free(&lk);
	buf_free(&staged);
}

static void
group_abort(struct ledger_tx **tx, int n, const char *path, int err)
{
	int i;

	for (i = 0; i < n; i++)
		ledger_rollback(tx[i]);
	die(EX_IOERR, _("cannot write %s: %s; nothing was recorded"), path,
	    strerror(err));
}

void
ledger_commit_group(struct ledger_tx **tx, int n)
{
	struct buf tmp = { 0 }, staged = { 0 }, names = { 0 }, j = { 0 },
	    lk = { 0 }, jn = { 0 };
	int i, fd, err, books = 0, lockfd;

	for (i = 0; i < n; i++)
		books += tx[i]->nrows > 0;
	if (books < 2) {
		/* one book or none: an ordinary commit is already atomic */
		for (i = 0; i < n; i++)
			ledger_commit(tx[i]);
		return;
	}
	/* 1. every book's new contents, written and synced beside it */
	for (i = 0; i < n; i++) {
		struct ledger_tx *t = tx[i];

		if (t->nrows == 0)
			continue;
		if (t->tmpfd < 0)
			begin_batch(t);
		err = write_full(t->tmpfd, t->rows.s, t->rows.len);
		if (err == 0)
			err = sync_ahead_end(&t->ahead);
		if (err == 0 && fsync(t->tmpfd) != 0)
			err = errno;
		buf_reset(&t->rows);
		buf_reset(&staged);
		buf_addf(&staged, "%s.group", t->l->path);
		if (err == 0 && rename(t->tmppath.s, staged.s) != 0)
			err = errno;
		t->staged = err == 0;
		if (err != 0)
			group_abort(tx, n, t->l->path, err);
		buf_addf(&names, "%s.group\t%s\n", base_name(t->l->path),
		    base_name(t->l->path));
	}
	/* 2. the commit point: the journal naming them */
	group_paths(tx[0]->l->dir, &j, &lk);
	buf_addf(&jn, "%s.new", j.s);
	lockfd = group_lock(lk.s);
	if (access(j.s, F_OK) == 0 &&
	    journal_replay(tx[0]->l->dir, j.s, "", 0) != 0) {
		close(lockfd);
		group_abort(tx, n, j.s, EBUSY);
	}
	unlink(jn.s);	/* a dead commit's, or a link planted there */
	fd = files_open(jn.s, O_WRONLY | O_EXCL | O_CLOEXEC, 0640);
	err = fd < 0 ? errno : write_full(fd, names.s, names.len);
	if (err == 0 && fsync(fd) != 0)
		err = errno;
	if (fd >= 0)
		close(fd);
	if (err == 0 && ledger_crash_point("group-before-commit"))
		raise(SIGKILL);
	if (err == 0 && rename(jn.s, j.s) != 0)
		err = errno;
	if (err != 0) {
		unlink(jn.s);
		close(lockfd);
		group_abort(tx, n, j.s, err);
	}
	fsync_dir(tx[0]->l->dir);
	/* committed: from here on a staged copy belongs to the journal */
	for (i = 0; i < n; i++)
		tx[i]->staged = 0;
	/* 3. each staged copy replaces its book; then the journal goes */
	journal_replay(tx[0]->l->dir, j.s, NULL,
	    ledger_crash_point("group-mid-rename") ? 1 : 0);
	close(lockfd);
	for (i = 0; i < n; i++)
		tx_free(tx[i]);
	buf_free(&tmp);
	buf_free(&staged);
	buf_free(&names);
	buf_free(&j);
	buf_free(&lk);
	buf_free(&jn);
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

/* ---- journals ---------------------------------------------------------- */

void
archive_journal_path(struct buf *b, const struct ledger *l)
{
	buf_reset(b);
	buf_addf(b, "%s/archive/%s/journal", l->dir, l->def->name);
}

/* Called with the book's lock held: finish an archive that was cut off. */
static void
archive_recover(struct ledger *l)
{
	struct buf j = { 0 };

	archive_journal_path(&j, l);
	if (access(j.s, F_OK) == 0)
		journal_replay(l->dir, j.s, NULL, 0);
	buf_free(&j);
}
