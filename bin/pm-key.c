/*
 * pm-key - the key cabinet: receipt, owner handover, lending, returns,
 * overdue slips, losses and the inventory of the 25th (SPEC 2.2).
 *
 * This file is the command line only: options, the form's call, output.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "key.h"

static struct pm_ctx ctx;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	if (status) {
		fputs(_("Try 'pm-key --help' for more information.\n"), fp);
		exit(status);
	}
	fputs(_(
"Usage: pm-key [OPTION]... COMMAND [ARG]...\n"
"The key cabinet (钥匙管理): who has which keys of which unit.\n"
"\n"
"Commands:\n"
"  receive --unit U --count N [--expected N] --from NAME\n"
"          [--source contractor|developer] [--note TEXT]\n"
"                          keys into the cabinet (钥匙验收); a count that\n"
"                          differs from the handover sheet needs --note\n"
"  issue --unit U --count N --to NAME --id-doc TEXT\n"
"                          to the owner, against proof of identity\n"
"  lend --unit U --count N --to NAME --dept DEPT --work-id ID [--via NAME]\n"
"                          to staff; prints the loan ID\n"
"  return LOAN --count N --received-by NAME\n"
"                          keys back; a partial return leaves the rest out\n"
"  lost --unit U --count N --note TEXT\n"
"                          keys lost from the cabinet (钥匙管理备忘录)\n"
"  remedy --unit U --action rekey|recut --note TEXT\n"
"                          the lock changed or new keys cut\n"
"  overdue [--days N] [--slip]\n"
"                          loans out longer than loan_days; --slip prints\n"
"                          one 借匙催还单 per department\n"
"  inventory [--counted FILE]\n"
"                          the 25th's count; FILE is CSV unit,counted\n"
"  show --unit U           a unit's whole key history\n"
"  list                    every unit's keys\n"
"  verify                  check the book's hash chain\n"
"  import FILE|- [--dry-run] [--encoding E]\n"
"                          key events (columns event,unit,count,...)\n"
"\n"
"Common: --at DATE records an event after the fact (never in the future).\n"
"\n"
), fp);
	cli_usage_options(fp);
	fprintf(fp, _("Lending: 工程部, 绿化部, 营销部 and 售楼部 staff borrow against\n"
"their work ID; 施工单位 (contractors) only --via an 工程部 member,\n"
"业主 (owners not yet moved in) only --via a 售楼部 member.  Counts\n"
"are 1 to %d.\n"
"\n"
"Exit status: 0 done, 64 usage, 65 bad data or a rule refused, 66 no such\n"
"record, 73 cannot create, 74 I/O error, 75 busy, 78 bad configuration.\n"
"See pm-key(1) and pm-files(5).\n"), KEY_COUNT_MAX);
	exit(0);
}

enum {
	OPT_UNIT = OPT_COMMON_LAST, OPT_COUNT, OPT_EXPECTED, OPT_FROM,
	OPT_SOURCE, OPT_NOTE, OPT_TO, OPT_IDDOC, OPT_DEPT, OPT_WORKID,
	OPT_VIA, OPT_RECEIVED, OPT_ACTION, OPT_DAYS, OPT_SLIP, OPT_COUNTED,
	OPT_AT
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "expected", required_argument, NULL, OPT_EXPECTED },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "note", required_argument, NULL, OPT_NOTE },
	{ "to", required_argument, NULL, OPT_TO },
	{ "id-doc", required_argument, NULL, OPT_IDDOC },
	{ "dept", required_argument, NULL, OPT_DEPT },
	{ "work-id", required_argument, NULL, OPT_WORKID },
	{ "via", required_argument, NULL, OPT_VIA },
	{ "received-by", required_argument, NULL, OPT_RECEIVED },
	{ "action", required_argument, NULL, OPT_ACTION },
	{ "days", required_argument, NULL, OPT_DAYS },
	{ "slip", no_argument, NULL, OPT_SLIP },
	{ "counted", required_argument, NULL, OPT_COUNTED },
	{ "at", required_argument, NULL, OPT_AT },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	struct key_event ev;
	const char *days, *counted, *encoding;
	int slip, dry_run;
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
		case OPT_UNIT: o->ev.unit = optarg; break;
		case OPT_COUNT: o->ev.count = optarg; break;
		case OPT_EXPECTED: o->ev.expected = optarg; break;
		case OPT_FROM: o->ev.from = optarg; break;
		case OPT_SOURCE: o->ev.source = optarg; break;
		case OPT_NOTE: o->ev.note = optarg; break;
		case OPT_TO: o->ev.to = optarg; break;
		case OPT_RECEIVED: o->ev.to = optarg; break;
		case OPT_IDDOC: o->ev.id_doc = optarg; break;
		case OPT_DEPT: o->ev.dept = optarg; break;
		case OPT_WORKID: o->ev.work_id = optarg; break;
		case OPT_VIA: o->ev.via = optarg; break;
		case OPT_ACTION: o->ev.action = optarg; break;
		case OPT_AT: o->ev.at = optarg; break;
		case OPT_DAYS: o->days = optarg; break;
		case OPT_SLIP: o->slip = 1; break;
		case OPT_COUNTED: o->counted = optarg; break;
		case OPT_DRYRUN: o->dry_run = 1; break;
		case OPT_ENCODING: o->encoding = optarg; break;
		}
	}
	cli_ready(&ctx);
}

/* receive, issue, lend, lost, remedy, return: one event, one ID. */
static int
record(int argc, char **argv, const char *event, const int *allowed,
    const char *const *required)
{
	struct pm_err e;
	struct opts o;
	char id[KEY_ID_MAX];
	int i;

	parse(argc, argv, allowed, &o);
	o.ev.event = event;
	if (strcmp(event, "return") == 0) {
		if (optind + 1 != argc)
			die(EX_USAGE, _("return: expected one LOAN ID (see pm-key "
			    "overdue)"));
		o.ev.loan = argv[optind];
	} else
		cli_no_args(argc, argv);
	for (i = 0; required[i]; i++) {
		const struct option *opt;
		const char *const *slot = NULL;

		for (opt = longopts; opt->name; opt++)
			if (strcmp(opt->name, required[i]) == 0)
				break;
		switch (opt->val) {
		case OPT_UNIT: slot = &o.ev.unit; break;
		case OPT_COUNT: slot = &o.ev.count; break;
		case OPT_FROM: slot = &o.ev.from; break;
		case OPT_TO: case OPT_RECEIVED: slot = &o.ev.to; break;
		case OPT_IDDOC: slot = &o.ev.id_doc; break;
		case OPT_DEPT: slot = &o.ev.dept; break;
		case OPT_WORKID: slot = &o.ev.work_id; break;
		case OPT_ACTION: slot = &o.ev.action; break;
		case OPT_NOTE: slot = &o.ev.note; break;
		}
		if (slot) {
			char name[32];

			snprintf(name, sizeof name, "--%s", required[i]);
			cli_need(*slot, name);
		}
	}
	if (key_record(&ctx, &o.ev, id, &e) != 0)
		errdie(&e);
	cli_print_id(id);
	return 0;
}

static int
cmd_receive(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_COUNT, OPT_EXPECTED,
		OPT_FROM, OPT_SOURCE, OPT_NOTE, OPT_AT, 0 };
	static const char *const required[] = { "unit", "count", "from", NULL };

	return record(argc, argv, "receive", allowed, required);
}

static int
cmd_issue(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_COUNT, OPT_TO, OPT_IDDOC,
		OPT_NOTE, OPT_AT, 0 };
	static const char *const required[] = { "unit", "count", "to", NULL };

	/* --id-doc is checked by the rule, so that its refusal is exit 65. */
	return record(argc, argv, "issue", allowed, required);
}

static int
cmd_lend(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_COUNT, OPT_TO, OPT_DEPT,
		OPT_WORKID, OPT_VIA, OPT_NOTE, OPT_AT, 0 };
	static const char *const required[] = { "unit", "count", "to", "dept",
		NULL };

	return record(argc, argv, "lend", allowed, required);
}

static int
cmd_return(int argc, char **argv)
{
	static const int allowed[] = { OPT_COUNT, OPT_RECEIVED, OPT_NOTE,
		OPT_AT, 0 };
	static const char *const required[] = { "count", "received-by", NULL };

	return record(argc, argv, "return", allowed, required);
}

static int
cmd_lost(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_COUNT, OPT_NOTE, OPT_AT,
		0 };
	static const char *const required[] = { "unit", "count", "note", NULL };

	return record(argc, argv, "lost", allowed, required);
}

static int
cmd_remedy(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_ACTION, OPT_NOTE, OPT_AT,
		0 };
	static const char *const required[] = { "unit", "action", "note",
		NULL };

	return record(argc, argv, "remedy", allowed, required);
}

/* The slips print the loans out: the rows since the first of them. */
static time_t
loans_since(struct key_loan **loans, size_t n)
{
	time_t t = ctx.now;
	size_t i;

	for (i = 0; i < n; i++)
		if (loans[i]->lent < t)
			t = loans[i]->lent;
	return t;
}

static int
cmd_overdue(int argc, char **argv)
{
	static const int allowed[] = { OPT_DAYS, OPT_SLIP, 0 };
	static const char *const cols[] = { "loan", "unit", "count:n",
		"borrower", "dept", "lent_at:d", "days_out:n", "work_id:o", "via:o",
		NULL };
	struct key_loan **loans;
	struct key_book b;
	struct pm_err e;
	struct opts o;
	struct out *out;
	long days;
	size_t i, n;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	days = ctx.conf.loan_days;
	if (o.days && field_count(&e, "--days", o.days, 0, 3650, &days) != 0)
		errdie(&e);
	key_read_open(&ctx, &b);
	n = key_overdue(&ctx, &b, days, &loans);
	if (o.slip) {
		key_slips(&ctx, loans, n, days, stdout);
		if (ledger_heads_footer(ctx.data, (const char *const[]){
		    "keys", NULL }, loans_since(loans, n), stdout, &e) != 0)
			cli_unvouched(&e);
	} else {
		out = out_open(stdout, ctx.format, ctx.excel, cols);
		for (i = 0; i < n; i++) {
			char count[24], dd[24];
			const char *vals[9];

			snprintf(count, sizeof count, "%ld", loans[i]->count -
			    loans[i]->returned);
			snprintf(dd, sizeof dd, "%ld", loans[i]->days_out);
			vals[0] = loans[i]->id;
			vals[1] = loans[i]->unit;
			vals[2] = count;
			vals[3] = loans[i]->borrower;
			vals[4] = loans[i]->dept;
			vals[5] = loans[i]->lent_at;
			vals[6] = dd;
			vals[7] = loans[i]->work_id;
			vals[8] = loans[i]->via;
			out_row(out, vals);
		}
		out_close(out);
	}
	free(loans);
	key_book_free(&b);
	return 0;
}

static void
print_units(const struct key_book *b, int counted)
{
	static const char *const cols[] = { "unit", "on_hand:n", "lent_out:n",
		"issued:n", "lost:n", "received:n", "counted:n", "diff:n", NULL };
	const char *c2[9];
	struct out *out;
	size_t i;

	memcpy(c2, cols, sizeof c2);
	if (!counted)
		c2[6] = NULL;
	out = out_open(stdout, ctx.format, ctx.excel, c2);
	for (i = 0; i < b->nunits; i++) {
		const struct key_unit *u = &b->units[i];
		char n[6][24], cnt[24] = "", diff[24] = "";
		const char *vals[8];

		snprintf(n[0], 24, "%ld", u->on_hand);
		snprintf(n[1], 24, "%ld", u->lent_out);
		snprintf(n[2], 24, "%ld", u->issued);
		snprintf(n[3], 24, "%ld", u->lost);
		snprintf(n[4], 24, "%ld", u->received);
		if (u->counted >= 0) {
			snprintf(cnt, sizeof cnt, "%ld", u->counted);
			snprintf(diff, sizeof diff, "%ld", u->counted - u->on_hand);
		}
		vals[0] = u->unit;
		vals[1] = n[0];
		vals[2] = n[1];
		vals[3] = n[2];
		vals[4] = n[3];
		vals[5] = n[4];
		vals[6] = cnt;
		vals[7] = diff;
		out_row(out, vals);
	}
	out_close(out);
}

static int
cmd_inventory(int argc, char **argv)
{
	static const int allowed[] = { OPT_COUNTED, 0 };
	struct key_book b;
	struct pm_err e;
	struct opts o;
	long discrepancies = 0;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	if (key_read(&ctx, NULL, &b, &e) != 0)
		errdie(&e);
	if (o.counted && key_inventory_count(&ctx, &b, o.counted,
	    &discrepancies, &e) != 0)
		errdie(&e);
	print_units(&b, o.counted != NULL);
	if (o.counted)
		warnmsg(_("%ld unit(s) where the count differs from the book"),
		    discrepancies);
	key_book_free(&b);
	return 0;
}

static int
cmd_list(int argc, char **argv)
{
	static const int allowed[] = { 0 };
	struct key_book b;
	struct pm_err e;
	struct opts o;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	if (key_read(&ctx, NULL, &b, &e) != 0)
		errdie(&e);
	print_units(&b, 0);
	key_book_free(&b);
	return 0;
}

static int
cmd_show(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, 0 };
	static const char *const cols[] = { "id", "at:d", "event:w", "count:n",
		"detail:t", "by:o", NULL };
	const struct key_unit *u;
	struct key_book b;
	struct pm_err e;
	struct opts o;
	struct out *out;
	size_t i;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	cli_need(o.ev.unit, "--unit");
	if (key_read(&ctx, o.ev.unit, &b, &e) != 0)
		errdie(&e);
	u = key_find_unit(&b, o.ev.unit);
	if (u == NULL) {
		key_book_free(&b);
		die(EX_NOINPUT, _("--unit: no keys of unit %s were ever "
		    "received"), o.ev.unit);
	}
	out = out_open(stdout, ctx.format, ctx.excel, cols);
	for (i = 0; i < b.nhistory; i++) {
		char count[24];
		const char *vals[6];

		snprintf(count, sizeof count, "%ld", b.history[i].count);
		vals[0] = b.history[i].id;
		vals[1] = b.history[i].at;
		vals[2] = b.history[i].event;
		vals[3] = count;
		vals[4] = b.history[i].detail;
		vals[5] = b.history[i].by;
		out_row(out, vals);
	}
	out_close(out);
	if (ctx.format == OUT_TABLE)
		printf(_("in the cabinet: %ld, lent out: %ld, issued to the "
		    "owner: %ld, lost: %ld\n"), u->on_hand, u->lent_out,
		    u->issued, u->lost);
	key_book_free(&b);
	return 0;
}

static int
cmd_verify(int argc, char **argv)
{
	return cli_verify(&ctx, argc, argv, longopts, usage, key_verify);
}

static int
cmd_import(int argc, char **argv)
{
	return cli_import(&ctx, argc, argv, longopts, usage, key_import);
}

static const struct cli_command commands[] = {
	{ "receive", cmd_receive },
	{ "issue", cmd_issue },
	{ "lend", cmd_lend },
	{ "return", cmd_return },
	{ "lost", cmd_lost },
	{ "remedy", cmd_remedy },
	{ "overdue", cmd_overdue },
	{ "inventory", cmd_inventory },
	{ "show", cmd_show },
	{ "list", cmd_list },
	{ "verify", cmd_verify },
	{ "import", cmd_import },
};

int
main(int argc, char **argv)
{
	return cli_main(&ctx, argc, argv, longopts, commands,
	    sizeof commands / sizeof commands[0], usage);
}
