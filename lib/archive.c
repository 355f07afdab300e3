/*
 * archive.c - binding closed matters into volumes (SPEC 3), and purge.
 *
 * Archiving binds the closed matters of past months into volumes,
 *   archive/<ledger>/<YYYY>/<ledger>-<YYYY-MM>.csv.gz  and  .manifest,
 * and replaces the live book by the rows left in it.  Rows keep their
 * bytes, seq and hash: the book is the same chain, only spread over
 * files.  Every new file is written and synced under a ".new" name; then
 * a journal listing the renames is put in place (the commit point), the
 * renames are done and the journal removed (journal_replay, disk.c).
 * Whoever next takes the book's lock finishes a journal it finds, so
 * that a crash leaves the old state or the new one, never a mixture.
 *
 * Sections:
 *   leftovers   what an archive that died before its commit point left
 *   parts       each month's rows, then its volume and manifest
 *   archive     ledger_archive: the whole step, verify before
 *   purge       a volume past retention removed, recorded first
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger_priv.h"

/* ---- leftovers ----------------------------------------------------------- */

/* Leftovers of an archive that died before its commit point. */
static void
archive_sweep(struct ledger *l)
{
	static const char *const leftovers[] = { ".csv.gz.new", ".manifest.new",
		".part", NULL };
	struct buf b = { 0 };
	char **paths;
	int i, k, n;

	for (k = 0; leftovers[k]; k++) {
		n = archive_list(l->dir, l->def->name, leftovers[k], 0, &paths);
		for (i = 0; i < n; i++)
			unlink(paths[i]);
		archive_volumes_free(paths, n);
	}
	buf_addf(&b, "%s.arch", l->path);
	unlink(b.s);
	buf_reset(&b);
	buf_addf(&b, "%s/archive/%s/head.new", l->dir, l->def->name);
	unlink(b.s);
	buf_reset(&b);
	buf_addf(&b, "%s/archive/%s/journal.new", l->dir, l->def->name);
	unlink(b.s);
	buf_free(&b);
}

/*
 * A command that dies before an archive's commit point (a full disk, a
 * kill is the next writer's to sweep) takes its leftovers with it.
 */
static struct ledger *arch_busy;

static void
arch_leftovers(void)
{
	if (arch_busy != NULL)
		archive_sweep(arch_busy);
	arch_busy = NULL;
}

/* ---- parts ------------------------------------------------------------ */


/* Write a small file and sync it; die naming it on failure. */
static void
write_synced(const char *path, const char *s, size_t n, mode_t mode)
{
	int fd = files_open(path, O_WRONLY | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 || write(fd, s, n) != (ssize_t)n || fsync(fd) != 0) {
		int saved = errno;

		if (fd >= 0)
			close(fd);
		unlink(path);
		die(EX_IOERR, _("cannot write %s: %s; nothing of this book "
		    "was archived"),
		    path, strerror(saved));
	}
	close(fd);
}

struct part {
	long month;
	char *rel;		/* archive/<l>/<YYYY>/<l>-<YYYY-MM> */
	FILE *fp;		/* its rows, in <rel>.part */
	long rows;
};

struct arch {
	struct ledger *l;
	long before;
	archive_fn fn;
	void *arg;
	int dry_run;
	struct part *parts;
	size_t nparts, capparts;
	FILE *live;
	long kept, moved;
	struct buf line;
};

/* A row as it was written: its bytes move, never re-encoded. */
static void
row_line(struct buf *b, const struct row *r)
{
	buf_reset(b);
	buf_add(b, r->raw, r->rawlen);
	buf_add(b, "\n", 1);
}

static struct part *
part_get(struct arch *a, long month)
{
	struct buf full = { 0 }, sub = { 0 };
	struct part *p;
	size_t i;
	int fd;

	for (i = 0; i < a->nparts; i++)
		if (a->parts[i].month == month)
			return &a->parts[i];
	GROW(a->parts, a->nparts + 1, a->capparts);
	p = &a->parts[a->nparts++];
	memset(p, 0, sizeof *p);
	p->month = month;
	buf_addf(&sub, "archive/%s/%04ld/%s-%04ld-%02ld", a->l->def->name,
	    month / 12, a->l->def->name, month / 12, month % 12 + 1);
	p->rel = xstrdup(sub.s);
	if (!a->dry_run) {
		buf_reset(&sub);
		buf_addf(&sub, "archive/%s/%04ld", a->l->def->name, month / 12);
		mkdir_p(a->l->dir, sub.s, a->l->def->mode & 0040 ? 0750 : 0700);
		buf_addf(&full, "%s/%s.part", a->l->dir, p->rel);
		fd = files_open(full.s, O_WRONLY | O_TRUNC | O_CLOEXEC,
		    a->l->def->mode);
		if (fd < 0 || (p->fp = fdopen(fd, "w")) == NULL)
			die(EX_CANTCREAT, _("cannot create %s: %s"), full.s,
			    strerror(errno));
		fprintf(p->fp, "%s\n", a->l->header);
	}
	buf_free(&full);
	buf_free(&sub);
	return p;
}

static int
arch_row(const struct row *r, void *arg)
{
	struct arch *a = arg;
	long month = a->fn(a->l, r, a->arg);

	if (!a->dry_run)
		row_line(&a->line, r);
	if (month >= 0 && month < a->before) {
		struct part *p = part_get(a, month);

		if (!a->dry_run)
			fwrite(a->line.s, 1, a->line.len, p->fp);
		p->rows++;
		a->moved++;
	} else {
		if (!a->dry_run)
			fwrite(a->line.s, 1, a->line.len, a->live);
		a->kept++;
	}
	return 0;
}

/* Writing one volume: the rows it had, and the new ones, in row order. */
struct volw {
	gzFile gz;
	struct buf line, runs;
	long rows, run_from, run_to;
	char run_hash[HASH_HEX + 1];
	int ncols, failed;
};

static void
run_end(struct volw *w)
{
	if (w->run_from > 0)
		buf_addf(&w->runs, "run\t%ld\t%ld\t%s\n", w->run_from,
		    w->run_to, w->run_hash);
}

static int
vol_row(const struct row *r, void *arg)
{
	struct volw *w = arg;
	long seq = atol(r->f[0]);

	row_line(&w->line, r);
	if (gzwrite(w->gz, w->line.s, w->line.len) != (int)w->line.len)
		w->failed = 1;
	if (w->run_from == 0 || seq != w->run_to + 1) {
		run_end(w);
		w->run_from = seq;
	}
	w->run_to = seq;
	snprintf(w->run_hash, sizeof w->run_hash, "%s", r->f[r->n - 1]);
	w->rows++;
	return 0;
}

static void
build_volume(struct arch *a, struct part *p, struct ledger_tx *tx,
    time_t now, const char *by, long live_before)
{
	struct ledger *l = a->l;
	struct buf vol = { 0 }, tmp = { 0 }, partp = { 0 }, man = { 0 };
	struct cursor c[2];
	struct pm_err e;
	struct volw w;
	char sha[HASH_HEX + 1], ats[20];
	int nc = 0, fd;
	const char *base;

	memset(&w, 0, sizeof w);
	buf_addf(&vol, "%s/%s.csv.gz", l->dir, p->rel);
	buf_addf(&tmp, "%s.new", vol.s);
	buf_addf(&partp, "%s/%s.part", l->dir, p->rel);
	if (access(vol.s, F_OK) == 0 &&
	    cursor_open(&c[nc++], l, vol.s, 1, -1, CURSOR_RAW, &e) != 0)
		errdie(&e);
	if (cursor_open(&c[nc++], l, partp.s, 0, -1, CURSOR_RAW,
	    &e) != 0)
		errdie(&e);
	fd = files_open(tmp.s, O_WRONLY | O_TRUNC | O_CLOEXEC, l->def->mode);
	if (fd < 0 || (w.gz = gzdopen(fd, "wb")) == NULL)
		die(EX_CANTCREAT, _("cannot create %s: %s"), tmp.s,
		    strerror(errno));
	buf_addf(&w.line, "%s\n", l->header);
	if (gzwrite(w.gz, w.line.s, w.line.len) != (int)w.line.len)
		w.failed = 1;
	if (scan_merge(l, c, nc, vol_row, &w) != 0)
		errdie(&e);
	run_end(&w);
	if (gzclose(w.gz) != Z_OK || w.failed)
		die(EX_IOERR, _("cannot write %s; nothing of this book was "
		    "archived"),
		    tmp.s);
	while (nc > 0)
		cursor_close(&c[--nc]);
	fd = open(tmp.s, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		die(EX_IOERR, _("cannot write %s: %s; nothing of this book "
		    "was archived"),
		    tmp.s, strerror(errno));
	close(fd);
	file_sha256(tmp.s, sha);
	clock_format(now, ats);
	base = strrchr(vol.s, '/') + 1;
	buf_addf(&man, "# pm-tools archive manifest (pm-files(5))\n"
	    "ledger\t%s\nvolume\t%s\nmonth\t%04ld-%02ld\nrows\t%ld\n"
	    "sha256\t%s\nbook_seq\t%ld\nbook_head\t%s\nlive_before\t%ld\n"
	    "live_after\t%ld\narchived_at\t%s\narchived_by\t%s\n%s",
	    l->def->name, base, p->month / 12, p->month % 12 + 1, w.rows, sha,
	    tx->last_seq, tx->head, live_before, a->kept, ats, by,
	    w.runs.s ? w.runs.s : "");
	buf_reset(&tmp);
	buf_addf(&tmp, "%s/%s.manifest.new", l->dir, p->rel);
	write_synced(tmp.s, man.s, man.len, l->def->mode);
	unlink(partp.s);
	p->rows = w.rows;	/* now: the rows the volume holds */
	buf_free(&vol);
	buf_free(&tmp);
	buf_free(&partp);
	buf_free(&man);
	buf_free(&w.line);
	buf_free(&w.runs);
}

static int
part_cmp(const void *x, const void *y)
{
	const struct part *a = x, *b = y;

	return (a->month > b->month) - (a->month < b->month);
}

/*
 * The parts written: each synced, each month's volume and manifest
 * built, the new head, then the journal whose rename is the commit point.
 */
static void
arch_commit(struct arch *a, struct ledger_tx *tx, const char *livetmp,
    time_t now, const char *by)
{
	struct ledger *l = a->l;
	struct buf p = { 0 }, j = { 0 }, jn = { 0 };
	size_t i;

	for (i = 0; i < a->nparts; i++)
		if (fflush(a->parts[i].fp) != 0 || ferror(a->parts[i].fp) ||
		    fclose(a->parts[i].fp) != 0)
			die(EX_IOERR, _("cannot write %s.part; nothing of "
			    "this book was archived"), a->parts[i].rel);
	if (fflush(a->live) != 0 || ferror(a->live) || fsync(fileno(a->live))
	    != 0 || fclose(a->live) != 0)
		die(EX_IOERR, _("cannot write %s; nothing of this book was "
		    "archived"),
		    livetmp);
	for (i = 0; i < a->nparts; i++) {
		long new_rows = a->parts[i].rows;

		build_volume(a, &a->parts[i], tx, now, by, a->kept + a->moved);
		a->parts[i].rows = new_rows;
	}
	buf_addf(&p, "%s/archive/%s/head.new", l->dir, l->def->name);
	buf_addf(&j, "%ld %s\n", tx->last_seq, tx->head);
	write_synced(p.s, j.s, j.len, l->def->mode);
	buf_reset(&j);
	for (i = 0; i < a->nparts; i++)
		buf_addf(&j, "%s.csv.gz.new\t%s.csv.gz\n"
		    "%s.manifest.new\t%s.manifest\n", a->parts[i].rel,
		    a->parts[i].rel, a->parts[i].rel, a->parts[i].rel);
	buf_addf(&j, "archive/%s/head.new\tarchive/%s/head\n", l->def->name,
	    l->def->name);
	buf_addf(&j, "%s.csv.arch\t%s.csv\n", l->def->name, l->def->name);
	archive_journal_path(&p, l);
	buf_addf(&jn, "%s.new", p.s);
	write_synced(jn.s, j.s, j.len, l->def->mode);
	if (ledger_crash_point("archive-before-commit"))
		raise(SIGKILL);
	if (rename(jn.s, p.s) != 0)
		die(EX_IOERR, _("cannot write %s: %s; nothing of this book was "
		    "archived"), p.s, strerror(errno));
	arch_busy = NULL;	/* committed: what is left is the journal's */
	parent_sync(p.s);
	journal_replay(l->dir, p.s, NULL,
	    ledger_crash_point("archive-mid-rename") ? 1 : 0);
	/* the live book's rows moved: its month index no longer fits */
	ledger_mark_drop(l);
	buf_free(&p);
	buf_free(&j);
	buf_free(&jn);
}

/* The archive's own directories, and the live book's next copy (p). */
static void
arch_prepare(struct arch *a, struct buf *p)
{
	struct ledger *l = a->l;
	static int registered;
	int fd;

	if (!registered && atexit(arch_leftovers) == 0)
		registered = 1;
	archive_sweep(l);
	arch_busy = l;
	mkdir_p(l->dir, "archive", 0750);
	buf_addf(p, "archive/%s", l->def->name);
	mkdir_p(l->dir, p->s, 0750);
	buf_reset(p);
	buf_addf(p, "%s.arch", l->path);
	fd = files_open(p->s, O_WRONLY | O_TRUNC | O_CLOEXEC, l->def->mode);
	if (fd < 0 || (a->live = fdopen(fd, "w")) == NULL)
		die(EX_CANTCREAT, _("cannot create %s: %s"), p->s,
		    strerror(errno));
	fprintf(a->live, "%s\n", l->header);
}

long
ledger_archive(struct ledger_tx *tx, long before, archive_fn fn, void *arg,
    int dry_run, archive_report_fn report, void *rarg, time_t now,
    const char *by)
{
	struct ledger *l = tx->l;
	struct arch a;
	struct cursor live;
	struct pm_err e;
	struct buf p = { 0 };
	long moved;
	size_t i;

	/* bind only a sound book: a damaged one is shown by verify first */
	if (ledger_verify(l, &e, NULL) != 0) {
		tx_free(tx);
		die(EX_DATAERR, _("%s; nothing of this book was archived (SPEC "
		    "3: verify must be clean before and after)"), e.msg);
	}
	memset(&a, 0, sizeof a);
	a.l = l;
	a.before = before;
	a.fn = fn;
	a.arg = arg;
	a.dry_run = dry_run;
	if (!dry_run)
		arch_prepare(&a, &p);
	/* the live file alone: its rows are the ones that may move */
	if (cursor_open(&live, l, l->path, 0, -1, CURSOR_RAW, &e) != 0 ||
	    scan_merge(l, &live, 1, arch_row, &a) != 0) {
		if (e.status == EX_DATAERR)
			die(EX_DATAERR, _("%s (run verify)"), e.msg);
		errdie(&e);
	}
	cursor_close(&live);
	buf_free(&a.line);
	moved = a.moved;
	if (a.nparts > 1)
		qsort(a.parts, a.nparts, sizeof *a.parts, part_cmp);
	if (dry_run || moved == 0) {
		for (i = 0; i < a.nparts; i++) {
			if (report)
				report(l->def->name, a.parts[i].rel,
				    a.parts[i].rows, rarg);	/* stem */
			if (a.parts[i].fp)
				fclose(a.parts[i].fp);
			free(a.parts[i].rel);
		}
		free(a.parts);
		if (a.live) {
			fclose(a.live);
			if (p.s != NULL)	/* a.live is opened once p names it */
				unlink(p.s);
		}
		buf_free(&p);
		tx_free(tx);
		arch_busy = NULL;
		return moved;
	}
	arch_commit(&a, tx, p.s, now, by);
	for (i = 0; i < a.nparts; i++) {
		if (report)
			report(l->def->name, a.parts[i].rel, a.parts[i].rows,
			    rarg);
		free(a.parts[i].rel);
	}
	free(a.parts);
	buf_reset(&p);
	buf_addf(&p, "before %04ld-%02ld", before / 12, before % 12 + 1);
	ledger_anchor(tx, l->dir, "archive", p.s, now, by);
	buf_free(&p);
	tx_free(tx);
	arch_busy = NULL;
	return moved;
}


int
ledger_purge(struct ledger *l, const char *volume, const char *reason,
    long lock_timeout, time_t now, const char *by, struct pm_err *e)
{
	struct ledger_tx *tx, *ptx;
	struct ledger *pl;
	struct manifest m;
	struct buf man = { 0 };
	char rows[24], month[48];
	const char *base = base_name(volume);
	const char *vals[7];
	long mk = archive_volume_month(volume);

	tx = ledger_begin(l, lock_timeout);
	buf_addf(&man, "%.*s.manifest", (int)(strlen(volume) - 7), volume);
	if (manifest_read(man.s, &m) != 0) {
		buf_free(&man);
		ledger_rollback(tx);
		return errset(e, EX_DATAERR, _("%s: no manifest, so the rows "
		    "it holds cannot be recorded; not removed"), volume);
	}
	snprintf(rows, sizeof rows, "%ld", m.rows);
	snprintf(month, sizeof month, "%04ld-%02ld", mk / 12, mk % 12 + 1);
	vals[0] = l->def->name;
	vals[1] = base;
	vals[2] = month;
	vals[3] = rows;
	vals[4] = m.sha256;
	vals[5] = reason;
	vals[6] = NULL;
	/* the record first: a crash then leaves a recorded volume in place */
	pl = ledger_open(&ledger_purges, l->dir);
	ptx = ledger_begin(pl, lock_timeout);
	ledger_add(ptx, now, by, now, vals);
	ledger_commit(ptx);
	ledger_close(pl);
	if (unlink(volume) != 0 && errno != ENOENT) {
		int saved = errno;

		free(m.runs);
		buf_free(&man);
		ledger_rollback(tx);
		return errset(e, EX_IOERR, "%s: %s", volume, strerror(saved));
	}
	parent_sync(volume);
	free(m.runs);
	buf_free(&man);
	tx_free(tx);
	return 0;
}

