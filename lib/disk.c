/*
 * disk.c - the bytes of the office's files, beneath the books: hashed,
 * written whole, copied, handed to the disk, renamed by a journal.
 * Nothing here knows a book's rows; a failure is returned (an errno) or,
 * where no caller could go on, dies.
 *
 * Sections:
 *   hashing      SHA-256 fetched once; a row's chain hash; a file's
 *   writing      a write whole; a file copied in the kernel, else by hand;
 *                a long write's data flushed while it goes on
 *   directories  made with their parents; a rename made durable
 *   journals     the one replay of a committed journal (group, archive)
 */
#include <aio.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger_priv.h"

/* ---- hashing ----------------------------------------------------------- */

/*
 * SHA-256 fetched once (OpenSSL 3): EVP_sha256() in every init looks the
 * algorithm up again, behind a lock, on every row.
 */
const EVP_MD *
sha256_md(void)
{
	static EVP_MD *md;

	/*
	 * The default provider is all it takes: reading openssl.cnf (and
	 * what it includes), or naming every legacy cipher and digest for
	 * lookups by name that pm-tools never makes, would cost each
	 * command more than its write.
	 */
	if (md == NULL && (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG |
	    OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS,
	    NULL) != 1 || (md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL))
		die(EX_SOFTWARE, "SHA-256 is not available");
	return md;
}

/* Each byte's two hex digits, a row of sixteen for each high nibble. */
#define HEX_ROW(h) { h, '0' }, { h, '1' }, { h, '2' }, { h, '3' }, \
	{ h, '4' }, { h, '5' }, { h, '6' }, { h, '7' }, { h, '8' }, \
	{ h, '9' }, { h, 'a' }, { h, 'b' }, { h, 'c' }, { h, 'd' }, \
	{ h, 'e' }, { h, 'f' }
static const char hex_pairs[256][2] = {
	HEX_ROW('0'), HEX_ROW('1'), HEX_ROW('2'), HEX_ROW('3'),
	HEX_ROW('4'), HEX_ROW('5'), HEX_ROW('6'), HEX_ROW('7'),
	HEX_ROW('8'), HEX_ROW('9'), HEX_ROW('a'), HEX_ROW('b'),
	HEX_ROW('c'), HEX_ROW('d'), HEX_ROW('e'), HEX_ROW('f')
};

void
sha256_hex(EVP_MD_CTX *md, const char *a, size_t alen, const char *b,
    size_t blen, char out[HASH_HEX + 1])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	/* the context keeps its digest: no fetch, no new state per row */
	if (EVP_DigestInit_ex2(md, EVP_MD_CTX_get0_md(md) == sha256_md() ?
	    NULL : sha256_md(), NULL) != 1 ||
	    EVP_DigestUpdate(md, a, alen) != 1 ||
	    (b != NULL && (EVP_DigestUpdate(md, "\n", 1) != 1 ||
	    EVP_DigestUpdate(md, b, blen) != 1)) ||
	    EVP_DigestFinal_ex(md, d, &n) != 1)
		die(EX_SOFTWARE, "SHA-256 failed");
	for (i = 0; i < n; i++)
		memcpy(out + 2 * i, hex_pairs[d[i]], 2);
	out[2 * n] = '\0';
}

int
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

/* A file's SHA-256 in hex; "" when it cannot be read. */
void
file_sha256(const char *path, char out[HASH_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	char *chunk = xmalloc(READ_CHUNK);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	out[0] = '\0';
	if (fd < 0 || md == NULL || EVP_DigestInit_ex2(md, sha256_md(), NULL)
	    != 1)
		goto out;
	while ((r = read(fd, chunk, READ_CHUNK)) > 0)
		EVP_DigestUpdate(md, chunk, r);
	if (r == 0 && EVP_DigestFinal_ex(md, d, &n) == 1) {
		for (i = 0; i < n; i++) {
			out[2 * i] = hex[d[i] >> 4];
			out[2 * i + 1] = hex[d[i] & 15];
		}
		out[2 * n] = '\0';
	}
out:
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(md);
	free(chunk);
}

/* ---- writing ----------------------------------------------------------- */

/* 0, or the errno of the write that failed */
int
write_full(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : ENOSPC;
		s += w;
		n -= w;
	}
	return 0;
}

/*
 * [from, end) of src onto dst's offset from, inside the kernel where it
 * can (copy_file_range: no pass through this process), the rest read
 * and written by hand (by_hand: all of it).  0, or the errno.
 */
int
copy_whole(int src, int dst, off_t end, int by_hand)
{
	off_t off = 0;
	ssize_t n;
	char *chunk;
	int err = 0;

	while (!by_hand && off < end && copy_file_range(src, &off, dst, NULL,
	    (size_t)(end - off), 0) > 0)
		;
	if (off >= end)
		return 0;
	if (lseek(dst, off, SEEK_SET) != off)
		return errno;
	chunk = xmalloc(READ_CHUNK);
	while (err == 0 && off < end) {
		n = pread(src, chunk, end - off > READ_CHUNK ? READ_CHUNK :
		    (size_t)(end - off), off);
		if (n <= 0)
			err = n < 0 ? errno : EIO;
		else if ((err = write_full(dst, chunk, n)) == 0)
			off += n;
	}
	free(chunk);
	return err;
}

/*
 * A file written for long (an import's copy of its book) is flushed as
 * it goes, every SYNC_AHEAD bytes, by an fdatasync on libc's AIO thread:
 * the disk's cache is emptied while the rows are still being made, and
 * the commit's fsync, the promise, waits for the last stretch instead
 * of for hundreds of megabytes at once (0.16-0.21 s of a 1M-row import
 * measured on a virtual disk; 0.01 s so).  A flush that fails is the
 * commit's failure: its error is not reported to a second fsync.
 */
/* 0 when none is under way or it succeeded, else its errno; wait: for it */
static int
ahead_done(struct sync_ahead *sa, int wait)
{
	const struct aiocb *list[1] = { &sa->cb };
	int err;

	if (!sa->pending)
		return 0;
	while ((err = aio_error(&sa->cb)) == EINPROGRESS) {
		if (!wait)
			return EINPROGRESS;
		aio_suspend(list, 1, NULL);
	}
	sa->pending = 0;
	if (aio_return(&sa->cb) == 0)
		return 0;
	return err != 0 ? err : EIO;
}

int
sync_ahead(struct sync_ahead *sa, int fd, off_t at, size_t len)
{
	int err;

#ifdef SYNC_FILE_RANGE_WRITE
	sync_file_range(fd, at, (off_t)len, SYNC_FILE_RANGE_WRITE);
#endif
	sa->unsynced += len;
	if (sa->unsynced < SYNC_AHEAD)
		return 0;
	if ((err = ahead_done(sa, 0)) != 0)
		return err == EINPROGRESS ? 0 : err;
	memset(&sa->cb, 0, sizeof sa->cb);
	sa->cb.aio_fildes = fd;
	sa->cb.aio_sigevent.sigev_notify = SIGEV_NONE;
	if (aio_fsync(O_DSYNC, &sa->cb) == 0) {
		sa->pending = 1;
		sa->unsynced = 0;
	}
	return 0;	/* not started: the commit's fsync does it all */
}

int
sync_ahead_end(struct sync_ahead *sa)
{
	return ahead_done(sa, 1);
}

/* ---- directories ------------------------------------------------------- */

void
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

void
mkdir_p(const char *dir, const char *sub, mode_t mode)
{
	struct buf b = { 0 };
	const char *p = sub;

	for (;;) {
		const char *slash = strchr(p, '/');

		buf_reset(&b);
		buf_addf(&b, "%s/%.*s", dir, (int)(slash ? slash - sub :
		    (long)strlen(sub)), sub);
		if (files_mkdir(b.s, mode) != 0)
			die(EX_CANTCREAT, _("cannot create %s: %s"), b.s,
			    strerror(errno));
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	buf_free(&b);
}

void
parent_sync(const char *path)
{
	char *d = xstrdup(path), *slash = strrchr(d, '/');

	if (slash != NULL) {
		*slash = '\0';
		fsync_dir(d);
	}
	free(d);
}

/* ---- journals ---------------------------------------------------------- */

/*
 * A line of a journal: "from<TAB>to", or a group commit's older
 * "BOOK.csv" (meaning BOOK.csv.group -> BOOK.csv).
 */
static int
journal_line(char *line, struct buf *from, const char **to)
{
	char *tab = strchr(line, '\t');

	buf_reset(from);
	if (tab != NULL) {
		*tab = '\0';
		buf_adds(from, line);
		*to = tab + 1;
	} else {
		buf_addf(from, "%s.group", line);
		*to = line;
	}
	/* names inside dir: a journal never moves a file elsewhere */
	return *line != '\0' && **to != '\0' && strstr(from->s, "..") ==
	    NULL && strstr(*to, "..") == NULL && *from->s != '/' && **to != '/';
}

int
journal_replay(const char *dir, const char *journal, const char *only,
    int crash_after)
{
	struct buf from = { 0 }, src = { 0 }, dst = { 0 };
	char *line = NULL;
	const char *to;
	size_t cap = 0;
	ssize_t n;
	int waiting = 0, done = 0;
	FILE *fp = fopen(journal, "r");

	if (fp == NULL)
		return 0;
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (!journal_line(line, &from, &to))
			continue;
		buf_reset(&src);
		buf_reset(&dst);
		buf_addf(&src, "%s/%s", dir, from.s);
		buf_addf(&dst, "%s/%s", dir, to);
		if (access(src.s, F_OK) != 0)
			continue;	/* done before a crash */
		if (only != NULL && strcmp(to, only) != 0) {
			waiting++;
			continue;
		}
		if (rename(src.s, dst.s) != 0)
			die(EX_IOERR, _("cannot finish writing %s: rename %s: %s"),
			    dst.s, src.s, strerror(errno));
		parent_sync(dst.s);
		if (crash_after && ++done == crash_after)
			raise(SIGKILL);
	}
	fclose(fp);
	free(line);
	buf_free(&from);
	buf_free(&src);
	buf_free(&dst);
	if (waiting == 0) {
		if (unlink(journal) != 0 && errno != ENOENT)
			die(EX_IOERR, "%s: %s", journal, strerror(errno));
		parent_sync(journal);
	}
	return waiting;
}
