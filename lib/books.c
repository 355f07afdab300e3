/*
 * books.c - the office's books as a whole (SPEC 3): every form's matters
 * archived by month, the retention of each book and the purge of expired
 * volumes, and the heads of every book for a witness to keep.  The
 * pm-report subcommands archive, purge, heads and verify --witness; the
 * declarations are in report.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "complaint.h"
#include "desk.h"
#include "duty.h"
#include "key.h"
#include "owner.h"
#include "reno.h"
#include "report.h"
#include "visit.h"

/* ---- archival and retention (SPEC 3) -------------------------------------------- */

/*
 * Each book is archived whole or not at all (its journal); a run that
 * fails at one book (a full disk) has archived the books before it.  So
 * that the admin knows exactly which, the run keeps count and, if it
 * dies, says so after the failure's own line.
 */
static struct archive_run {
	archive_report_fn report;
	void *rarg;
	int running;
	const char *book;	/* the book counted last */
	long volumes, rows;
	struct buf done;	/* the books before it */
} run;

static void
run_book_end(void)
{
	if (run.book == NULL)
		return;
	buf_addf(&run.done, _("%s%s (volumes: %ld, rows: %ld)"),
	    run.done.len ? ", " : "", run.book, run.volumes, run.rows);
	run.book = NULL;
	run.volumes = run.rows = 0;
}

static void
run_counted(const char *ledger, const char *volume, long rows, void *arg)
{
	(void)arg;
	if (run.book != NULL && strcmp(run.book, ledger) != 0)
		run_book_end();
	run.book = ledger;
	run.volumes++;
	run.rows += rows;
	if (run.report)
		run.report(ledger, volume, rows, run.rarg);
}

static void
run_said(void)
{
	if (!run.running)
		return;
	run_book_end();
	if (run.done.len)
		warnmsg(_("archived before this failure, whole and verified: "
		    "%s; every other book is as it was"), run.done.s);
	else
		warnmsg(_("no book was archived: every book is as it was"));
}

long
report_archive(struct pm_ctx *ctx, long before, int dry_run,
    archive_report_fn report, void *rarg)
{
	static int registered;
	long moved = 0;

	if (!registered && atexit(run_said) == 0)
		registered = 1;
	run.report = report;
	run.rarg = rarg;
	run.running = !dry_run;
	/* each form knows which of its matters are closed, and when */
	moved += duty_archive(ctx, before, dry_run, run_counted, NULL);
	moved += key_archive(ctx, before, dry_run, run_counted, NULL);
	moved += complaint_archive(ctx, before, dry_run, run_counted, NULL);
	moved += visit_archive(ctx, before, dry_run, run_counted, NULL);
	moved += owner_archive(ctx, before, dry_run, run_counted, NULL);
	moved += desk_archive(ctx, before, dry_run, run_counted, NULL);
	moved += reno_archive(ctx, before, dry_run, run_counted, NULL);
	run.running = 0;
	run.book = NULL;
	buf_free(&run.done);
	return moved;
}

/*
 * Every form's books, each with its retention beside its definition
 * (struct ledger_def): what purge may remove, and nothing else.
 */
static const struct ledger_def *const duty_books[] = { &duty_log_def,
	&duty_roster_def, NULL };
static const struct ledger_def *const key_books[] = { &key_def, NULL };
static const struct ledger_def *const visit_books[] = { &visit_def, NULL };
static const struct ledger_def *const *const form_books[] = { duty_books,
	key_books, complaint_book_defs, visit_books, owner_book_defs,
	register_defs, reno_book_defs, NULL };

/* The book named, of any form; NULL when none is. */
static const struct ledger_def *
book_named(const char *name)
{
	size_t f, k;

	for (f = 0; form_books[f]; f++)
		for (k = 0; form_books[f][k]; k++)
			if (strcmp(form_books[f][k]->name, name) == 0)
				return form_books[f][k];
	return NULL;
}

/* The volumes of one book past its retention, added to *out. */
static void
book_expired(struct pm_ctx *ctx, const struct ledger_def *r,
    struct report_expired **out, size_t *n, size_t *cap)
{
	char **vols;
	int nv, i;

	nv = archive_volumes(ctx->data, r->name, &vols);
	for (i = 0; i < nv; i++) {
		long m = archive_volume_month(vols[i]);
		time_t until;
		struct report_expired *x;

		if (m < 0)
			continue;
		/* kept to the end of its month, N years on */
		until = clock_month_end((int)(m / 12) + r->retention,
		    (int)(m % 12) + 1);
		if (ctx->now < until)
			continue;
		GROW(*out, *n + 1, *cap);
		x = &(*out)[(*n)++];
		x->ledger = r->name;
		x->volume = xstrdup(vols[i]);
		snprintf(x->month, sizeof x->month, "%04d-%02d",
		    (int)(m / 12) % 10000, (int)(m % 12) + 1);
		clock_format_date(until, x->until);
	}
	archive_volumes_free(vols, nv);
}

size_t
report_expired(struct pm_ctx *ctx, struct report_expired **out)
{
	size_t f, k, n = 0, cap = 0;

	*out = NULL;
	for (f = 0; form_books[f]; f++)
		for (k = 0; form_books[f][k]; k++)
			if (form_books[f][k]->retention > 0)	/* 0: for good */
				book_expired(ctx, form_books[f][k], out, &n,
				    &cap);
	return n;
}

void
report_expired_free(struct report_expired *v, size_t n)
{
	while (n > 0)
		free(v[--n].volume);
	free(v);
}

int
report_purge(struct pm_ctx *ctx, const struct report_expired *x,
    struct pm_err *e)
{
	/* only books with a retention can be purged */
	const struct ledger_def *def = book_named(x->ledger);
	struct buf reason = { 0 };
	struct ledger *l;
	int rc;

	if (def == NULL || def->retention == 0)
		return errset(e, EX_SOFTWARE, "%s: no such book", x->ledger);
	buf_addf(&reason, "retention ended %s", x->until);
	l = ledger_open(def, ctx->data);
	rc = ledger_purge(l, x->volume, reason.s, ctx->conf.lock_timeout,
	    ctx->now, ctx->user, e);
	ledger_close(l);
	buf_free(&reason);
	return rc;
}

/* ---- witnessed heads ------------------------------------------------------ */

static int
is_book_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && strcmp(d->d_name + n - 4, ".csv") == 0;
}

size_t
report_heads(struct pm_ctx *ctx, struct report_head **out, struct pm_err *e)
{
	struct dirent **names;
	struct report_head *h;
	size_t n = 0, cap = 0;
	int k, nn = scandir(ctx->data, &names, is_book_file, alphasort);

	*out = NULL;
	for (k = 0; k < nn; k++) {
		char name[64];
		struct ledger *l;

		snprintf(name, sizeof name, "%.*s",
		    (int)strlen(names[k]->d_name) - 4, names[k]->d_name);
		free(names[k]);
		if ((l = ledger_open_book(ctx->data, name)) == NULL)
			continue;	/* not a book: an export left here */
		GROW(*out, n + 1, cap);
		h = &(*out)[n];
		snprintf(h->book, sizeof h->book, "%s", name);
		if (ledger_last(l, &h->seq, h->head) != 0) {
			errset(e, EX_DATAERR, _("%s: no whole last row to take the "
			    "head of (run verify)"), ledger_path(l));
			ledger_close(l);
			while (++k < nn)
				free(names[k]);
			free(names);
			return (size_t)-1;
		}
		h->head[16] = '\0';	/* the first 16 hex digits */
		n++;
		ledger_close(l);
	}
	if (nn > 0)
		free(names);
	return n;
}

/* A witness line: book, seq, head (commas, tabs or spaces between). */
