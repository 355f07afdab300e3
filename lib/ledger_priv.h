/*
 * ledger_priv.h - what the files of the ledger layer share and nothing
 * else sees: the book's open state, the reader's cursor, the journal,
 * and the small helpers of hashing and syncing.
 *
 *   disk.c     hashing, a write whole, a file copied, directories made
 *              and synced, the one journal replay      (uses none)
 *   scan.c     rows at disk speed; volumes and the live file merged;
 *              volume names, months and manifests as a reader sees them
 *                                                       (uses disk.c)
 *   ledger.c   open, lock, tail, append, chain, group commit, anchors
 *                                                (uses scan.c, disk.c)
 *   verify.c   the chain, manifests, anchors, heads and witnesses
 *                                                (uses all of the above)
 *   archive.c  volumes written, manifests, purge   (uses all of the above)
 *
 * pm.h stays the public vocabulary; forms never include this file.
 */
#ifndef PM_LEDGER_PRIV_H
#define PM_LEDGER_PRIV_H

#include <aio.h>
#include <stdint.h>

#include <csv.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "pm.h"

#define READ_CHUNK (256 * 1024)
/* A row longer than this is not read (an import's runaway field). */
#define ROW_READ_MAX (16 * 1024 * 1024)

struct ledger {
	const struct ledger_def *def;
	char *dir, *path, *lockpath;
	const char *cols[LEDGER_COLS_MAX];
	int ncols;
	int has_login;
	char *header;		/* the header line, without its newline */
	struct ledger_def *own;	/* a def read from the header (heads) */
	raw_want_fn want;	/* ledger_want: rows passed over unsplit */
	void *want_arg;
};

/* ---- disk.c ------------------------------------------------------------ */

void sha256_hex(EVP_MD_CTX *md, const char *a, size_t alen, const char *b,
    size_t blen, char out[HASH_HEX + 1]);
void file_sha256(const char *path, char out[HASH_HEX + 1]);
int is_hash(const char *s, size_t len);
/* 0, or the errno of the write that failed (ENOSPC for a short one) */
int write_full(int fd, const char *s, size_t n);
int copy_whole(int src, int dst, off_t end, int by_hand);
/* a long write flushed as it goes: len bytes at at just written to fd */
#define SYNC_AHEAD (16 * 1024 * 1024)
struct sync_ahead {
	struct aiocb cb;
	int pending;
	size_t unsynced;
};
int sync_ahead(struct sync_ahead *sa, int fd, off_t at, size_t len);
/* the flush under way waited for: 0, or the errno it failed with */
int sync_ahead_end(struct sync_ahead *sa);
void fsync_dir(const char *dir);
void parent_sync(const char *path);
void mkdir_p(const char *dir, const char *sub, mode_t mode);
/*
 * A journal: lines "from<TAB>to" of renames inside dir, put in place by
 * one rename (the commit point) and replayed by whoever comes next.
 * only: replay only the renames onto that name, counting the others as
 * still waiting (a group commit's books are finished each under its own
 * lock); NULL: all of them.  The journal goes once none waits.
 */
int journal_replay(const char *dir, const char *journal, const char *only,
    int crash_after);

/* ---- scan.c ------------------------------------------------------------ */

/*
 * A reader of one file, plain or gzip, pulled one row at a time.  Rows
 * without a quote are split in place in the read buffer; a row with one
 * goes through libcsv (RFC 4180, strict).  The row stays valid until the
 * next cursor_next.
 */
struct qrow {
	int n;
	long line;
	size_t off[LEDGER_COLS_MAX], len[LEDGER_COLS_MAX];
};

struct cursor {
	struct ledger *l;
	char *path;
	int fd;
	gzFile gz;
	char *buf;
	size_t cap, start, end;	/* unread bytes: buf[start, end) */
	uint64_t *nl, *qt;	/* the newlines and quotes of buf[0, end) */
	off_t base;		/* the file offset of buf[0] */
	long line;		/* lines consumed so far */
	int eof, done, failed, torn, header_done, want_raw;
	int at_mark;		/* the mark's row is read, whatever is wanted */
	struct row row;		/* the head: the next row this file gives */
	long seq;		/* its seq; -1 when the file is done */
	struct csv_parser p;	/* rows with quotes */
	int csv_ready, nf;
	struct buf store;	/* their fields, NUL-separated */
	struct qrow *q;
	size_t nq, qpos, capq;
	struct buf raw;		/* the row's bytes as written (want_raw) */
	struct pm_err *err;
};

#define CURSOR_RAW 1		/* keep each row's bytes (verify, archive) */

int cursor_open(struct cursor *c, struct ledger *l, const char *path,
    int gz, int fd, int flags, struct pm_err *e);
int cursor_next(struct cursor *c);
void cursor_close(struct cursor *c);
int scan_merge(struct ledger *l, struct cursor *c, int nc, row_fn fn,
    void *arg);
int scan_books(struct ledger *l, long since, int flags, row_fn fn,
    void *arg, struct pm_err *e, int *torn);
int scan_live_from(struct ledger *l, long seq, row_fn fn, void *arg,
    struct pm_err *e);
/* A seq field: digits only, at most 18; anything else 0. */
long seq_of(const char *s, size_t len);

/* The volumes (files ending in suffix) of a book, of since's year on. */
int archive_list(const char *dir, const char *ledger, const char *suffix,
    long since, char ***paths);

struct run {
	long from, to;
	char hash[HASH_HEX + 1];
};

struct manifest {
	char sha256[HASH_HEX + 1];
	long rows;
	struct run *runs;
	size_t nruns, capruns;
	char ledger[64], volume[96], month[8];
	long book_seq;
	char book_head[HASH_HEX + 1];
	long live_before, live_after;	/* -1: not in the manifest */
	char archived_at[20], archived_by[128];
};
int manifest_read(const char *path, struct manifest *m);

/* ---- ledger.c ---------------------------------------------------------- */

struct ledger_tx {
	struct ledger *l;
	int lockfd, fd, tmpfd;
	struct buf tmppath;	/* the copy that replaces the book: tmpfd's */
	struct sync_ahead ahead;	/* tmpfd flushed as it is written */
	off_t good_end;		/* where the last whole row ends */
	long last_seq;
	char head[HASH_HEX + 1];
	struct buf rows;	/* rows not yet written */
	long nrows;
	int staged;		/* BOOK.group written, not yet committed */
	int created;		/* the book was begun by this transaction */
	struct ledger_tx *next;	/* the transactions still open */
	EVP_MD_CTX *md;
	time_t wt;		/* written_at of the last row added, */
	char wts[20];		/* and as it is written ("" before any) */
};

const char *base_name(const char *path);
void tx_free(struct ledger_tx *tx);
void ledger_sweep_idle(struct ledger *l);
int archived_head(const struct ledger *l, long *seq, char hash[HASH_HEX + 1]);
void group_paths(const char *dir, struct buf *journal, struct buf *lock);

void archive_journal_path(struct buf *b, const struct ledger *l);

#endif
