/*
 * pm-report - the reports due on the 5th, 25th and 30th, the daily duty
 * review, the Monday review and the quarter's visit analysis (SPEC 2.6);
 * run by cron.
 *
 * This file is the command line only: options, the report's call, output.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "report.h"

static struct pm_ctx ctx;
static enum report_format format = REPORT_TEXT;
static int format_given;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	if (status) {
		fputs(_("Try 'pm-report --help' for more information.\n"), fp);
		exit(status);
	}
	fputs(_(
"Usage: pm-report [OPTION]... COMMAND [ARG]...\n"
"The desk's reports, due on fixed days (SPEC 2.6).\n"
"\n"
"Commands:\n"
"  due [--date D]          the reports due that day (default today)\n"
"  run [--date D]          produce and store every report due that day;\n"
"                          one a period, so running twice is harmless\n"
"  duty [--date D]         the duty review of a day (default yesterday)\n"
"  weekly [--week D]       the reception records of D's week (default last)\n"
"  owners --month M        the owner archive summary\n"
"  keys --month M          the key inventory\n"
"  complaints --month M    the complaint statistics, last month beside\n"
"  visits --quarter Q      visit rates and the quarter's analysis\n"
"  archive [--before M] [--dry-run]\n"
"                          bind matters closed before month M (default:\n"
"                          this month) into gzip volumes; open ones stay\n"
"  purge --expired [--confirm]\n"
"                          list volumes past retention; --confirm removes\n"
"                          them (keys, visits 2 years; duty 3; complaints,\n"
"                          requests and owners never)\n"
"  alert [--since D]       every deadline passed since the last alert, once,\n"
"                          grouped by whom to tell; silent when nothing is\n"
"                          new (cron mails only news); --since re-prints\n"
"                          the alerts from D on without recording\n"
"  verify [--witness FILE] check the alerts book's chain; with FILE, that\n"
"                          every book still holds the rows of the heads\n"
"                          kept in FILE (- for standard input)\n"
"  heads                   every book's head: book, seq, the first 16 hex\n"
"                          digits of its last row's hash, to keep elsewhere\n"
"\n"
"Schedule: duty daily; weekly on Mondays; owners on the 5th; keys on the\n"
"25th; complaints on the 30th (the last day of February); visits on the\n"
"10th of January, April, July and October.\n"
"\n"
"Options:\n"
"  -D, --data DIR     the office's data directory (default $PM_DATA); given\n"
"                     again, a report covers each office and their total\n"
"      --as NAME      act as NAME (default $PM_USER, else login name)\n"
"      --format F     text, csv, json, html or xlsx (default text)\n"
"      --out FILE     write the report to FILE (xlsx: needed for a tty)\n"
"      --wide         tables in full, never cut to the terminal\n"
"  -h, --help         show this help and exit\n"
"  -V, --version      show the version and exit\n"
"\n"
"Stored reports: $PM_DATA/reports/REPORT/PERIOD.EXT.\n"
"Exit status: 0 done, 64 usage, 65 bad data, 73 cannot create, 74 I/O\n"
"error, 75 busy, 78 bad configuration.  See pm-report(1).\n"), fp);
	exit(0);
}

enum {
	OPT_DATE = OPT_COMMON_LAST, OPT_WEEK, OPT_MONTH, OPT_QUARTER,
	OPT_BEFORE, OPT_EXPIRED, OPT_CONFIRM, OPT_SINCE
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "date", required_argument, NULL, OPT_DATE },
	{ "week", required_argument, NULL, OPT_WEEK },
	{ "month", required_argument, NULL, OPT_MONTH },
	{ "quarter", required_argument, NULL, OPT_QUARTER },
	{ "before", required_argument, NULL, OPT_BEFORE },
	{ "expired", no_argument, NULL, OPT_EXPIRED },
	{ "confirm", no_argument, NULL, OPT_CONFIRM },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	const char *date, *week, *month, *quarter, *before, *since, *witness;
	int dry_run, expired, confirm;
};

static void
parse(int argc, char **argv, const int *allowed, struct opts *o)
{
	int c;

	memset(o, 0, sizeof *o);
	cli_rescan();
	while ((c = getopt_long(argc, argv, ":D:hV", longopts, NULL)) != -1) {
		if (c == OPT_FORMAT) {
			/* reports: text, csv, json, html */
			if (report_parse_format(optarg, &format) != 0)
				die(EX_USAGE, _("--format: expected text, csv, json, "
				    "html or xlsx, got \"%s\""), optarg);
			/* the plumbing writes the spreadsheet, and refuses a tty */
			ctx.format = format == REPORT_XLSX ? OUT_XLSX : OUT_TABLE;
			format_given = 1;
			continue;
		}
		if (cli_common(&ctx, c, optarg, usage))
			continue;
		cli_allowed(c, allowed, argv, usage);
		switch (c) {
		case OPT_DATE: o->date = optarg; break;
		case OPT_WEEK: o->week = optarg; break;
		case OPT_MONTH: o->month = optarg; break;
		case OPT_QUARTER: o->quarter = optarg; break;
		case OPT_BEFORE: o->before = optarg; break;
		case OPT_DRYRUN: o->dry_run = 1; break;
		case OPT_EXPIRED: o->expired = 1; break;
		case OPT_CONFIRM: o->confirm = 1; break;
		case OPT_SINCE: o->since = optarg; break;
		case OPT_WITNESS: o->witness = optarg; break;
		}
	}
	if (optind < argc)
		die(EX_USAGE, _("unexpected argument \"%s\" (try 'pm-report "
		    "--help')"), argv[optind]);
	cli_ready(&ctx);
}

/* Only a report covers several offices; the rest work on one office. */
static void
one_office(const char *command)
{
	if (ctx.ndata > 1)
		die(EX_USAGE, _("-D/--data: given %d times; %s works on one "
		    "office's books (a report covers several)"), ctx.ndata,
		    command);
}

/* A report's format as a listing's (due, archive, purge). */
static enum out_format
listing_format(void)
{
	static const enum out_format of[] = { OUT_TABLE, OUT_CSV, OUT_JSON,
		OUT_TABLE, OUT_XLSX };

	return of[format];
}

static time_t
day_of(const char *date)
{
	time_t t;
	int timed = 0;

	if (date == NULL)
		return ctx.now;
	if (clock_parse(date, &t, &timed) != 0 || timed)
		die(EX_DATAERR, _("--date: expected a real date YYYY-MM-DD, got "
		    "\"%.20s\""), date);
	return t;
}

static int
cmd_due(int argc, char **argv)
{
	static const int allowed[] = { OPT_DATE, 0 };
	static const char *const cols[] = { "report", "period", NULL };
	struct report_due due[8];
	struct opts o;
	struct out *out;
	size_t i, n;

	parse(argc, argv, allowed, &o);
	one_office("due");
	n = report_due_on(day_of(o.date), due);
	out = out_open(stdout, listing_format(), 0, cols);
	for (i = 0; i < n; i++) {
		const char *v[] = { due[i].report, due[i].period };

		out_row(out, v);
	}
	out_close(out);
	return 0;
}

static int
cmd_run(int argc, char **argv)
{
	static const int allowed[] = { OPT_DATE, 0 };
	struct report_due due[8];
	struct pm_err e;
	struct opts o;
	char path[1024];
	size_t i, n;
	int made, failed = 0;

	parse(argc, argv, allowed, &o);
	one_office("run");
	if (format == REPORT_XLSX || ctx.out)
		die(EX_USAGE, _("run stores each report under reports/ as text, "
		    "csv, json or html (no --format xlsx or --out)"));
	n = report_due_on(day_of(o.date), due);
	for (i = 0; i < n; i++) {
		if (report_store(&ctx, due[i].report, due[i].period, format,
		    &made, path, sizeof path, &e) != 0) {
			warnmsg("%s %s: %s", due[i].report, due[i].period, e.msg);
			failed = e.status;
			continue;
		}
		if (made)
			printf("%s\n", path);
		else
			warnmsg(_("%s %s: already produced (%s)"), due[i].report,
			    due[i].period, path);
	}
	return failed;
}

/* One report to stdout, or --out FILE (cli_ready sends stdout there). */
static int
one(int argc, char **argv, const char *report, const int *allowed)
{
	struct pm_err e;
	struct opts o;
	char period[16];
	const char *p;

	parse(argc, argv, allowed, &o);
	p = o.month ? o.month : o.quarter ? o.quarter : o.week ? o.week :
	    o.date;
	if (p == NULL) {
		if (strcmp(report, "duty") != 0 && strcmp(report, "weekly") != 0)
			die(EX_USAGE, _("%s: --%s is required"), report,
			    strcmp(report, "visits") == 0 ? "quarter" : "month");
		report_period(report, ctx.now, period);
		p = period;
	}
	if ((ctx.ndata > 1 ? report_write_offices(&ctx, report, p, format,
	    stdout, &e) : report_write(&ctx, report, p, format, stdout, &e)) != 0)
		errdie(&e);	/* and a half-written --out FILE is removed */
	if (fflush(stdout) != 0)
		die(EX_IOERR, _("%s: write error"), ctx.out ? ctx.out : "stdout");
	return 0;
}

static int
cmd_duty(int argc, char **argv)
{
	static const int allowed[] = { OPT_DATE, 0 };

	return one(argc, argv, "duty", allowed);
}

static int
cmd_weekly(int argc, char **argv)
{
	static const int allowed[] = { OPT_WEEK, 0 };

	return one(argc, argv, "weekly", allowed);
}

static int
cmd_owners(int argc, char **argv)
{
	static const int allowed[] = { OPT_MONTH, 0 };

	return one(argc, argv, "owners", allowed);
}

static int
cmd_keys(int argc, char **argv)
{
	static const int allowed[] = { OPT_MONTH, 0 };

	return one(argc, argv, "keys", allowed);
}

static int
cmd_complaints(int argc, char **argv)
{
	static const int allowed[] = { OPT_MONTH, 0 };

	return one(argc, argv, "complaints", allowed);
}

static int
cmd_visits(int argc, char **argv)
{
	static const int allowed[] = { OPT_QUARTER, 0 };

	return one(argc, argv, "visits", allowed);
}

static void
archived(const char *ledger, const char *volume, long rows, void *arg)
{
	struct buf name = { 0 };
	char n[24];
	const char *v[3];

	buf_addf(&name, "%s.csv.gz", volume);
	v[0] = ledger;
	v[1] = name.s;
	v[2] = n;
	snprintf(n, sizeof n, "%ld", rows);
	out_row(arg, v);
	buf_free(&name);
}

static int
cmd_archive(int argc, char **argv)
{
	static const int allowed[] = { OPT_BEFORE, OPT_DRYRUN, 0 };
	static const char *const cols[] = { "ledger:w", "volume", "rows:n",
		NULL };
	struct opts o;
	struct out *out;
	long before, moved;
	int y, m;

	parse(argc, argv, allowed, &o);
	one_office("archive");
	if (o.before != NULL) {
		if (clock_parse_month(o.before, &y, &m) != 0)
			die(EX_DATAERR, _("--before: expected a month YYYY-MM, "
			    "got \"%.20s\""), o.before);
		before = (long)y * 12 + m - 1;
		if (before > clock_month_key(ctx.now))
			die(EX_DATAERR, _("--before: %s is after this month: "
			    "only past months are archived"), o.before);
	} else
		before = clock_month_key(ctx.now);	/* every past month */
	out = out_open(stdout, listing_format(), 0, cols);
	moved = report_archive(&ctx, before, o.dry_run, archived, out);
	out_close(out);
	if (o.dry_run)
		warnmsg(_("dry run: %ld rows would move; nothing was written"),
		    moved);
	return 0;
}

static int
cmd_purge(int argc, char **argv)
{
	static const int allowed[] = { OPT_EXPIRED, OPT_CONFIRM, 0 };
	static const char *const cols[] = { "ledger:w", "volume", "month",
		"kept_until:d", "status:w", NULL };
	struct report_expired *x;
	struct pm_err e;
	struct opts o;
	struct out *out;
	size_t i, n;
	int rc = 0;

	parse(argc, argv, allowed, &o);
	one_office("purge");
	if (!o.expired)
		die(EX_USAGE, _("purge: --expired is required (only volumes past "
		    "their retention are ever removed)"));
	n = report_expired(&ctx, &x);
	out = out_open(stdout, listing_format(), 0, cols);
	for (i = 0; i < n && rc == 0; i++) {
		const char *status = "expired";
		const char *v[5];

		if (o.confirm) {
			if (report_purge(&ctx, &x[i], &e) != 0) {
				out_close(out);
				report_expired_free(x, n);
				errdie(&e);
			}
			status = "removed";
		}
		v[0] = x[i].ledger;
		v[1] = x[i].volume + strlen(ctx.data) + (ctx.data[0] ? 1 : 0);
		v[2] = x[i].month;
		v[3] = x[i].until;
		v[4] = status;
		out_row(out, v);
	}
	out_close(out);
	if (!o.confirm && n > 0)
		warnmsg(_("%zu volumes past retention; nothing removed without "
		    "--confirm"), n);
	report_expired_free(x, n);
	return rc;
}

/* A value in Chinese, in every locale: the alerts are mailed as reports. */
static const char *
zh(const char *col, const char *value)
{
	const char *w = words_value(col, value);

	return w ? w : value;
}

/*
 * The alerts for people: grouped by whom to tell (SPEC 2.10).  Chinese
 * in every locale, as the reports: cron mails it to the desk.
 */
static void
alert_text(FILE *fp, const struct alert_list *l, int period)
{
	char now[20];
	size_t i;

	clock_format(ctx.now, now);
	fprintf(fp, period ? "期限提醒(重印)%s 共 %zu 项\n\n" :
	    "期限提醒 %s 新逾期 %zu 项\n\n", now, l->n);
	for (i = 0; i < l->n; i++) {
		const struct alert *a = &l->v[i];

		if (i == 0 || strcmp(a->escalate_to, l->v[i - 1].escalate_to) ||
		    strcmp(a->escalate_name, l->v[i - 1].escalate_name))
			fprintf(fp, "%s致 %s%s%s:\n", i ? "\n" : "",
			    zh(NULL, a->escalate_to),
			    *a->escalate_name ? " " : "", a->escalate_name);
		fprintf(fp, "  %s %s  %s  逾期自 %s", zh(NULL, a->book), a->id,
		    zh("deadline", a->deadline), a->due_at);
		if (*a->unit)
			fprintf(fp, "  单元 %s", a->unit);
		if (period)
			fprintf(fp, "  %s", a->open ? "未完成" : "已完成");
		fprintf(fp, "\n      %s\n", _(a->what));
	}
}

static void
alert_lay_out(FILE *fp, const struct alert_list *l, int period)
{
	static const char *const cols[] = { "book:w", "id", "deadline:w", "due_at:d",
		"escalate_to:w", "escalate_name", "unit", "what:t", "alerted_at:d",
		"status:w", NULL };
	struct out *out;
	size_t i;

	if (format == REPORT_TEXT) {
		alert_text(fp, l, period);
		return;
	}
	out = out_open(fp, format == REPORT_CSV ? OUT_CSV : OUT_JSON, ctx.excel,
	    cols);
	for (i = 0; i < l->n; i++) {
		const struct alert *a = &l->v[i];
		const char *v[] = { a->book, a->id, a->deadline, a->due_at,
			a->escalate_to, a->escalate_name, a->unit, a->what,
			a->alerted_at, period ? (a->open ? "open" : "done") :
			"new" };

		out_row(out, v);
	}
	out_close(out);
}

/* The whole output in one write(), so a kill cuts none of it in two. */
static int
alert_out(const struct alert_list *l, void *arg)
{
	char *s = NULL;
	size_t len = 0, off = 0;
	FILE *mem = open_memstream(&s, &len);

	(void)arg;
	if (mem == NULL)
		return -1;
	alert_lay_out(mem, l, 0);
	if (fclose(mem) != 0)
		return -1;
	while (off < len) {
		ssize_t w = write(STDOUT_FILENO, s + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			free(s);
			return -1;
		}
		off += (size_t)w;
	}
	free(s);
	return 0;
}

static int
cmd_alert(int argc, char **argv)
{
	static const int allowed[] = { OPT_SINCE, 0 };
	struct alert_list l;
	struct pm_err e;
	struct opts o;
	time_t since;

	parse(argc, argv, allowed, &o);
	one_office("alert");
	if (format == REPORT_HTML || format == REPORT_XLSX)
		die(EX_USAGE, _("alert: --format %s is not offered (text, csv "
		    "or json)"), format == REPORT_HTML ? "html" : "xlsx");
	if (o.since == NULL) {
		fflush(stdout);
		if (alert_run(&ctx, alert_out, NULL, &e) < 0)
			errdie(&e);
		return 0;
	}
	if (clock_parse(o.since, &since, NULL) != 0)
		die(EX_DATAERR, _("--since: expected a date YYYY-MM-DD [HH:MM], "
		    "got \"%.20s\""), o.since);
	if (alert_read(&ctx, since, ctx.now + 1, &l, &e) != 0)
		errdie(&e);
	if (l.n > 0)
		alert_lay_out(stdout, &l, 1);
	alert_list_free(&l);
	if (fflush(stdout) != 0)
		die(EX_IOERR, _("%s: write error"), "stdout");
	return 0;
}

static int
cmd_verify(int argc, char **argv)
{
	static const int allowed[] = { OPT_WITNESS, 0 };
	struct pm_err e;
	struct opts o;

	parse(argc, argv, allowed, &o);
	one_office("verify");
	if (alert_verify(&ctx, stdout, &e) != 0 || (o.witness != NULL &&
	    ledger_witness_file(ctx.data, o.witness, stdout, &e) != 0))
		errdie(&e);
	return 0;
}

/* Every book's head, to keep outside the office (SPEC 3 Witnessed). */
static int
cmd_heads(int argc, char **argv)
{
	static const int allowed[] = { 0 };
	static const char *const cols[] = { "book", "seq:n", "head", NULL };
	struct report_head *h;
	struct pm_err e;
	struct opts o;
	struct out *out;
	char seq[24];
	size_t i, n;

	parse(argc, argv, allowed, &o);
	one_office("heads");
	n = report_heads(&ctx, &h, &e);
	if (n == (size_t)-1)
		errdie(&e);
	out = out_open(stdout, listing_format(), 0, cols);
	for (i = 0; i < n; i++) {
		const char *v[3] = { h[i].book, seq, h[i].head };

		snprintf(seq, sizeof seq, "%ld", h[i].seq);
		out_row(out, v);
	}
	out_close(out);
	free(h);
	return 0;
}

static const struct cli_command commands[] = {
	{ "alert", cmd_alert },
	{ "verify", cmd_verify },
	{ "heads", cmd_heads },
	{ "archive", cmd_archive },
	{ "purge", cmd_purge },
	{ "due", cmd_due },
	{ "run", cmd_run },
	{ "duty", cmd_duty },
	{ "weekly", cmd_weekly },
	{ "owners", cmd_owners },
	{ "keys", cmd_keys },
	{ "complaints", cmd_complaints },
	{ "visits", cmd_visits },
};

int
main(int argc, char **argv)
{
	(void)format_given;
	cli_many_offices();
	return cli_main(&ctx, argc, argv, longopts, commands,
	    sizeof commands / sizeof commands[0], usage);
}
