/*
 * pm-duty - the duty roster, the duty log that may not be altered, the
 * shift handover and the supervisor's daily signature (SPEC 2.3).
 *
 * This file is the command line only: options, the form's call, output.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "duty.h"

static struct pm_ctx ctx;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;
	int i;

	if (status) {
		fputs(_("Try 'pm-duty --help' for more information.\n"), fp);
		exit(status);
	}
	fputs(_(
"Usage: pm-duty [OPTION]... COMMAND [ARG]...\n"
"The duty roster, the duty log (值班记录), handovers and the daily review.\n"
"\n"
"Commands:\n"
"  roster set --month YYYY-MM FILE   set a month's roster (CSV: date,staff)\n"
"  roster show [--month YYYY-MM]     the roster with approved swaps\n"
"  swap --date D --from NAME --to NAME --approved-by NAME\n"
"                                    an approved swap, before the duty\n"
"  who [--at DATE]                   who is on duty now (or at DATE)\n"
"  log --text TEXT [--kind KIND] [--corrects ID] [--done ID] [--at DATE]\n"
"                                    record an entry; prints its ID\n"
"  handover --from NAME --to NAME --items \"对讲机=2,灭火器=1\"\n"
"           [--pending TEXT]... [--note TEXT] [--refuse --reason TEXT]\n"
"                                    hand the desk over (or refuse it)\n"
"  review --by NAME [--date D]       the supervisor signs a day's log\n"
"         [--sign [--key FILE]]      with her SSH key (ssh-keygen -Y)\n"
"  show [--date D]                   a day's log (default today)\n"
"  pending                           open incidents and pending matters\n"
"  verify                            check the books' hash chains\n"
"  import FILE|- [--dry-run] [--encoding E]\n"
"                                    add log entries (columns at,kind,text[,by])\n"
"\n"
), fp);
	cli_usage_options(fp);
	fputs(_("Log kinds:"), fp);
	for (i = 0; duty_entry_kinds[i]; i++)
		fprintf(fp, " %s", duty_entry_kinds[i]);
	fputs(_("\n(an incident stays open until an entry with --done\n"
"finishes it, and blocks the handover meanwhile)\n"
"\n"
"Exit status: 0 done, 64 usage, 65 bad data or a rule refused, 66 no such\n"
"record, 73 cannot create, 74 I/O error, 75 busy, 78 bad configuration.\n"
"See pm-duty(1) and pm-files(5).\n"), fp);
	exit(0);
}

static void
print_entries(const struct duty_entries *es, int footer)
{
	static const char *const cols[] = { "id", "at:d", "kind:w", "text:t", "by",
		"note:to", NULL };
	struct out *o = out_open(stdout, ctx.format, ctx.excel, cols);
	size_t i;

	for (i = 0; i < es->n; i++) {
		const struct duty_entry *d = &es->v[i];
		const char *vals[] = { d->id, d->at, d->kind, d->text, d->by,
			DUTY_NOTE(d) };

		out_row(o, vals);
	}
	out_close(o);
	if (footer && ctx.format == OUT_TABLE) {
		if (es->signed_by[0])
			printf(_("signed by %s at %s\n"), es->signed_by,
			    es->signed_at);
		else
			fputs(_("not signed\n"), stdout);
	}
}

enum {
	OPT_TEXT = OPT_COMMON_LAST, OPT_KIND, OPT_CORRECTS, OPT_DONE, OPT_AT,
	OPT_FROM, OPT_TO, OPT_ITEMS, OPT_PENDING, OPT_NOTE, OPT_REFUSE,
	OPT_REASON, OPT_BY, OPT_DATE, OPT_MONTH, OPT_APPROVED, OPT_SIGN,
	OPT_KEY
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "text", required_argument, NULL, OPT_TEXT },
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "corrects", required_argument, NULL, OPT_CORRECTS },
	{ "done", required_argument, NULL, OPT_DONE },
	{ "at", required_argument, NULL, OPT_AT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "items", required_argument, NULL, OPT_ITEMS },
	{ "pending", required_argument, NULL, OPT_PENDING },
	{ "note", required_argument, NULL, OPT_NOTE },
	{ "refuse", no_argument, NULL, OPT_REFUSE },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "by", required_argument, NULL, OPT_BY },
	{ "date", required_argument, NULL, OPT_DATE },
	{ "sign", no_argument, NULL, OPT_SIGN },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "month", required_argument, NULL, OPT_MONTH },
	{ "approved-by", required_argument, NULL, OPT_APPROVED },
	{ NULL, 0, NULL, 0 }
};

/* The options one command takes, by their codes. */
struct opts {
	const char *text, *kind, *corrects, *done, *at, *from, *to, *items,
	    *note, *reason, *by, *date, *month, *approved, *encoding, *key;
	const char *pending[DUTY_PENDING_MAX + 1];
	int npending, refuse, dry_run, sign;
	struct buf keybuf;
};

static void
parse(int argc, char **argv, const int *allowed, struct opts *o)
{
	int c;

	memset(o, 0, sizeof *o);
	cli_rescan();
	while ((c = getopt_long(argc, argv, ":D:hV", longopts, NULL)) != -1) {
		if (cli_common(&ctx, c, optarg, usage))
			continue;
		cli_allowed(c, allowed, argv, usage);
		switch (c) {
		case OPT_TEXT: o->text = optarg; break;
		case OPT_KIND: o->kind = optarg; break;
		case OPT_CORRECTS: o->corrects = optarg; break;
		case OPT_DONE: o->done = optarg; break;
		case OPT_AT: o->at = optarg; break;
		case OPT_FROM: o->from = optarg; break;
		case OPT_TO: o->to = optarg; break;
		case OPT_ITEMS: o->items = optarg; break;
		case OPT_NOTE: o->note = optarg; break;
		case OPT_REFUSE: o->refuse = 1; break;
		case OPT_REASON: o->reason = optarg; break;
		case OPT_BY: o->by = optarg; break;
		case OPT_DATE: o->date = optarg; break;
		case OPT_SIGN: o->sign = 1; break;
		case OPT_KEY: o->key = optarg; break;
		case OPT_MONTH: o->month = optarg; break;
		case OPT_APPROVED: o->approved = optarg; break;
		case OPT_DRYRUN: o->dry_run = 1; break;
		case OPT_ENCODING: o->encoding = optarg; break;
		case OPT_PENDING:
			if (o->npending == DUTY_PENDING_MAX)
				die(EX_USAGE, _("--pending: at most %d matters"),
				    DUTY_PENDING_MAX);
			o->pending[o->npending++] = optarg;
			break;
		}
	}
	cli_ready(&ctx);
}

static int
cmd_log(int argc, char **argv)
{
	static const int allowed[] = { OPT_TEXT, OPT_KIND, OPT_CORRECTS,
		OPT_DONE, OPT_AT, 0 };
	struct pm_err e;
	struct opts o;
	char id[DUTY_ID_MAX];

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	cli_need(o.text, "--text");
	if (duty_log_add(&ctx, o.kind, o.text, o.corrects, o.done, o.at, id,
	    &e) != 0)
		errdie(&e);
	cli_print_id(id);
	return 0;
}

static int
cmd_handover(int argc, char **argv)
{
	static const int allowed[] = { OPT_FROM, OPT_TO, OPT_ITEMS,
		OPT_PENDING, OPT_NOTE, OPT_REFUSE, OPT_REASON, 0 };
	struct pm_err e;
	struct opts o;
	char id[DUTY_ID_MAX];

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	cli_need(o.from, "--from");
	cli_need(o.to, "--to");
	cli_need(o.items, "--items");
	if (o.refuse && o.reason == NULL)
		die(EX_USAGE, _("--refuse needs --reason: the refusal and its "
		    "reason are recorded"));
	if (o.reason && !o.refuse)
		die(EX_USAGE, _("--reason goes with --refuse"));
	if (duty_handover(&ctx, o.from, o.to, o.items, o.pending, o.npending,
	    o.note, o.refuse ? o.reason : NULL, id, &e) != 0)
		errdie(&e);
	cli_print_id(id);
	return 0;
}

static int
cmd_review(int argc, char **argv)
{
	static const int allowed[] = { OPT_BY, OPT_DATE, OPT_SIGN, OPT_KEY, 0 };
	struct pm_err e;
	struct opts o;
	char id[DUTY_ID_MAX];

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	cli_need(o.by, "--by");
	if (o.key && !o.sign)
		die(EX_USAGE, _("--key goes with --sign"));
	if (duty_review(&ctx, o.by, o.date, o.sign ? sign_key(o.key, &o.keybuf) :
	    NULL, id, &e) != 0)
		errdie(&e);
	cli_print_id(id);
	return 0;
}

static int
cmd_show(int argc, char **argv)
{
	static const int allowed[] = { OPT_DATE, 0 };
	struct duty_entries es;
	struct pm_err e;
	struct opts o;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	if (duty_show(&ctx, o.date, &es, &e) != 0)
		errdie(&e);
	print_entries(&es, 1);
	if (es.broken[0]) {
		/* the rows as they are now, and why they are not vouched for */
		fflush(stdout);
		die(EX_DATAERR, "%s", es.broken);
	}
	duty_entries_free(&es);
	return 0;
}

static int
cmd_pending(int argc, char **argv)
{
	static const int allowed[] = { 0 };
	struct duty_entries es;
	struct pm_err e;
	struct opts o;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	if (duty_pending(&ctx, &es, &e) != 0)
		errdie(&e);
	print_entries(&es, 0);
	duty_entries_free(&es);
	return 0;
}

static int
cmd_who(int argc, char **argv)
{
	static const int allowed[] = { OPT_AT, 0 };
	static const char *const cols[] = { "date:d", "staff", "swapped:w", NULL };
	struct duty_roster_day day;
	struct pm_err e;
	struct opts o;
	struct out *out;
	char date[11];
	int rc;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	rc = duty_who(&ctx, o.at, date, &day, &e);
	if (rc < 0)
		errdie(&e);
	out = out_open(stdout, ctx.format, ctx.excel, cols);
	if (rc == 1) {
		struct buf staff = { 0 };
		const char *vals[3];
		int i;

		for (i = 0; i < day.nstaff; i++)
			buf_addf(&staff, "%s%s", i ? "、" : "", day.staff[i]);
		vals[0] = date;
		vals[1] = staff.s ? staff.s : "";
		vals[2] = day.swapped ? "yes" : "";
		out_row(out, vals);
		buf_free(&staff);
	}
	out_close(out);
	if (rc == 0)
		warnmsg(_("no duty shift at that time (duty hours %02d:%02d-"
		    "%02d:%02d; holidays around the clock)"),
		    ctx.conf.duty_start / 60, ctx.conf.duty_start % 60,
		    ctx.conf.duty_end / 60, ctx.conf.duty_end % 60);
	return 0;
}

static int
cmd_swap(int argc, char **argv)
{
	static const int allowed[] = { OPT_DATE, OPT_FROM, OPT_TO,
		OPT_APPROVED, 0 };
	struct pm_err e;
	struct opts o;
	char id[DUTY_ID_MAX];

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	cli_need(o.date, "--date");
	cli_need(o.from, "--from");
	cli_need(o.to, "--to");
	cli_need(o.approved, "--approved-by");
	if (duty_swap(&ctx, o.date, o.from, o.to, o.approved, id, &e) != 0)
		errdie(&e);
	cli_print_id(id);
	return 0;
}

static int
cmd_roster(int argc, char **argv)
{
	static const int allowed[] = { OPT_MONTH, OPT_ENCODING, 0 };
	static const char *const cols[] = { "date:d", "staff", "swapped:w", NULL };
	struct duty_roster r;
	struct pm_err e;
	struct opts o;
	const char *verb;
	char id[DUTY_ID_MAX];

	if (argc < 2 || (strcmp(argv[1], "set") != 0 &&
	    strcmp(argv[1], "show") != 0))
		die(EX_USAGE, _("roster: expected \"roster set\" or \"roster "
		    "show\""));
	verb = argv[1];
	parse(argc - 1, argv + 1, allowed, &o);
	argc--, argv++;
	if (strcmp(verb, "set") == 0) {
		cli_need(o.month, "--month");
		if (optind + 1 != argc)
			die(EX_USAGE, _("roster set: expected one FILE (CSV: "
			    "date,staff), or - for standard input"));
		if (duty_roster_set(&ctx, o.month, argv[optind], o.encoding, id,
		    &e) != 0)
			errdie(&e);
		cli_print_id(id);
	} else {
		struct out *out;
		int d;

		cli_no_args(argc, argv);
		if (duty_roster_get(&ctx, o.month, &r, &e) != 0)
			errdie(&e);
		out = out_open(stdout, ctx.format, ctx.excel, cols);
		for (d = 0; d < r.ndays; d++) {
			struct buf staff = { 0 };
			const char *vals[3];
			int i;

			for (i = 0; i < r.day[d].nstaff; i++)
				buf_addf(&staff, "%s%s", i ? "、" : "",
				    r.day[d].staff[i]);
			vals[0] = r.day[d].date;
			vals[1] = staff.s ? staff.s : "";
			vals[2] = r.day[d].swapped ? "yes" : "";
			out_row(out, vals);
			buf_free(&staff);
		}
		out_close(out);
	}
	return 0;
}

static int
cmd_verify(int argc, char **argv)
{
	return cli_verify(&ctx, argc, argv, longopts, usage, duty_verify);
}

static int
cmd_import(int argc, char **argv)
{
	return cli_import(&ctx, argc, argv, longopts, usage, duty_import);
}

static const struct cli_command commands[] = {
	{ "log", cmd_log },
	{ "handover", cmd_handover },
	{ "review", cmd_review },
	{ "show", cmd_show },
	{ "pending", cmd_pending },
	{ "who", cmd_who },
	{ "swap", cmd_swap },
	{ "roster", cmd_roster },
	{ "verify", cmd_verify },
	{ "import", cmd_import },
};

int
main(int argc, char **argv)
{
	return cli_main(&ctx, argc, argv, longopts, commands,
	    sizeof commands / sizeof commands[0], usage);
}
