/*
 * pm-fee - following up arrears (SPEC 2.9): the billing system's list,
 * imported as snapshots, and the dunning ladder on its deadlines.
 *
 * This file is the command line only: options, the book's call, output.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "fee.h"

static struct pm_ctx ctx;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;
	size_t i;

	if (status) {
		fputs(_("Try 'pm-fee --help' for more information.\n"), fp);
		exit(status);
	}
	fputs(_(
"Usage: pm-fee [OPTION]... COMMAND [ARG]...\n"
"Following up arrears (欠费催缴) on the billing system's list.\n"
"\n"
"Commands:\n"
"  import FILE|- [--as-of DATE] [--dry-run] [--encoding E]\n"
"                          the billing system's arrears (unit,fee,amount,\n"
"                          since): a snapshot; what it lacks is settled\n"
"  due [--within DAYS]     each unit's next steps and their deadlines\n"
"  list                    every unit owing, and the steps taken\n"
"  show --unit U           one unit's arrears and next steps\n"
"  contact --unit U --how phone|sms|visit --result TEXT\n"
"  notice --unit U [--signed-by NAME]   the written notice delivered\n"
"  letter --unit U --tracking NO        a lawyer's letter sent\n"
"  sue --unit U --adviser NAME          the legal adviser instructed\n"
"  paid --unit U [--fee TYPE]           paid (before the next list)\n"
"  form --unit U           the printed 费用催缴通知单\n"
"  verify                  check the book's hash chain\n"
"\n"
), fp);
	cli_usage_options(fp);
	fputs(_("The ladder (SPEC 2.9), by months owed:\n"), fp);
	for (i = 0; i < fee_nrules; i++) {
		struct buf b = { 0 };

		buf_addf(&b, "  %-8s %-6s ", fee_rules[i].step,
		    fee_rules[i].large > 0 ? _("large") : fee_rules[i].large == 0 ?
		    _("others") : _("all"));
		out_wrap(&b, _(fee_rules[i].what), 18, 18, 79);
		fputs(b.s, fp);
		buf_free(&b);
	}
	fputs(_(
"\n"
"Exit status: 0 done, 64 usage, 65 bad data or a rule refused, 66 no such\n"
"record, 73 cannot create, 74 I/O error, 75 busy, 78 bad configuration.\n"
"See pm-fee(1) and pm-files(5).\n"), fp);
	exit(0);
}

enum {
	OPT_ASOF = OPT_COMMON_LAST, OPT_WITHIN, OPT_UNIT, OPT_HOW, OPT_RESULT,
	OPT_SIGNED, OPT_TRACKING, OPT_ADVISER, OPT_FEE
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "as-of", required_argument, NULL, OPT_ASOF },
	{ "within", required_argument, NULL, OPT_WITHIN },
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "how", required_argument, NULL, OPT_HOW },
	{ "result", required_argument, NULL, OPT_RESULT },
	{ "signed-by", required_argument, NULL, OPT_SIGNED },
	{ "tracking", required_argument, NULL, OPT_TRACKING },
	{ "adviser", required_argument, NULL, OPT_ADVISER },
	{ "fee", required_argument, NULL, OPT_FEE },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	struct fee_step s;
	const char *as_of, *within, *encoding;
	int dry_run;
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
		case OPT_ASOF: o->as_of = optarg; break;
		case OPT_WITHIN: o->within = optarg; break;
		case OPT_UNIT: o->s.unit = optarg; break;
		case OPT_HOW: o->s.how = optarg; break;
		case OPT_RESULT: o->s.result = optarg; break;
		case OPT_SIGNED: o->s.signed_by = optarg; break;
		case OPT_TRACKING: o->s.tracking = optarg; break;
		case OPT_ADVISER: o->s.adviser = optarg; break;
		case OPT_FEE: o->s.fee = optarg; break;
		case OPT_DRYRUN: o->dry_run = 1; break;
		case OPT_ENCODING: o->encoding = optarg; break;
		}
	}
	cli_ready(&ctx);
}

/* The fees a unit owes, "management,water", and their total in yuan. */
static void
owed(const struct fee_unit *u, char *fees, size_t n, char *amount, size_t an)
{
	int i;

	fees[0] = '\0';
	for (i = 0; i < u->narrears; i++)
		snprintf(fees + strlen(fees), n - strlen(fees), "%s%s",
		    i ? "," : "", u->arrears[i].fee);
	snprintf(amount, an, "%ld.%02ld", fee_total_fen(u) / 100,
	    fee_total_fen(u) % 100);
}

static void
due_rows(struct out *out, const struct fee_unit *u, long within)
{
	struct fee_due d[8];
	char fees[128], amount[32], months[16], due[20];
	size_t k, n = fee_next(&ctx, u, d, 8);

	owed(u, fees, sizeof fees, amount, sizeof amount);
	snprintf(months, sizeof months, "%d", fee_months_owed(u, ctx.now));
	for (k = 0; k < n; k++) {
		const char *v[8];

		if (d[k].from > ctx.now + within * DAY_SECONDS)
			continue;
		clock_format(d[k].due, due);
		v[0] = u->unit; v[1] = fees; v[2] = amount; v[3] = months;
		v[4] = d[k].rule->step; v[5] = due; v[6] = d[k].status;
		v[7] = d[k].rule->what;
		out_row(out, v);
	}
}

static const char *const due_cols[] = { "unit", "fee:wo", "amount:n",
	"months_owed:n", "step:w", "due_by:d", "status:w", "what:tom", NULL };

static int
cmd_due(int argc, char **argv)
{
	static const int allowed[] = { OPT_WITHIN, 0 };
	struct fee_book b;
	struct pm_err e;
	struct opts o;
	struct out *out;
	long within = 0;
	size_t i;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	if (o.within && field_count(&e, "--within", o.within, 0, 3650,
	    &within) != 0)
		errdie(&e);
	fee_read(&ctx, &b, &e);
	out = out_open(stdout, ctx.format, ctx.excel, due_cols);
	for (i = 0; i < b.n; i++)
		due_rows(out, &b.v[i], within);
	out_close(out);
	fee_book_free(&b);
	return 0;
}

static void
list_row(struct out *out, const struct fee_unit *u)
{
	char fees[128], amount[32], months[16], c[16], n[16], l[16];
	const char *v[9];

	owed(u, fees, sizeof fees, amount, sizeof amount);
	snprintf(months, sizeof months, "%d", fee_months_owed(u, ctx.now));
	snprintf(c, sizeof c, "%d", u->contacts);
	snprintf(n, sizeof n, "%d", u->notices);
	snprintf(l, sizeof l, "%d", u->letters);
	v[0] = u->unit; v[1] = fees; v[2] = amount; v[3] = months;
	v[4] = c; v[5] = n; v[6] = l; v[7] = u->sued ? "yes" : "";
	v[8] = fee_is_large(&ctx, u) ? "yes" : "";
	out_row(out, v);
}

static const char *const list_cols[] = { "unit", "fee:w", "amount:n",
	"months_owed:n", "contacts:n", "notices:n", "letters:n", "sued:w",
	"large:wo", NULL };

static int
cmd_list(int argc, char **argv)
{
	static const int allowed[] = { 0 };
	struct fee_book b;
	struct pm_err e;
	struct opts o;
	struct out *out;
	size_t i;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	fee_read(&ctx, &b, &e);
	out = out_open(stdout, ctx.format, ctx.excel, list_cols);
	for (i = 0; i < b.n; i++)
		if (b.v[i].narrears > 0)
			list_row(out, &b.v[i]);
	out_close(out);
	fee_book_free(&b);
	return 0;
}

static struct fee_unit *
unit_or_die(struct fee_book *b, const char *unit)
{
	struct fee_unit *u;
	struct pm_err e;

	cli_need(unit, "--unit");
	if (field_unit(&e, "--unit", unit) != 0)
		errdie(&e);
	fee_read(&ctx, b, &e);
	if ((u = fee_find(b, unit)) == NULL || u->narrears == 0)
		die(EX_NOINPUT, _("--unit: %s owes nothing"), unit);
	return u;
}

static int
cmd_show(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, 0 };
	struct fee_book b;
	struct fee_unit *u;
	struct opts o;
	struct out *out;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	u = unit_or_die(&b, o.s.unit);
	out = out_open(stdout, ctx.format, ctx.excel, list_cols);
	list_row(out, u);
	out_close(out);
	if (ctx.format == OUT_TABLE) {
		fputs(_("\nnext steps:\n"), stdout);
		out = out_open(stdout, OUT_TABLE, 0, due_cols);
		due_rows(out, u, 3650);
		out_close(out);
	}
	fee_book_free(&b);
	return 0;
}

static int
cmd_form(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, 0 };
	struct fee_book b;
	struct pm_err e;
	struct opts o;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	fee_form(&ctx, unit_or_die(&b, o.s.unit), stdout);
	/* a unit's whole history is printed: the whole book vouches */
	if (ledger_heads_footer(ctx.data, (const char *const[]){ "fees",
	    NULL }, 0, stdout, &e) != 0)
		cli_unvouched(&e);
	fee_book_free(&b);
	return 0;
}

/* contact, notice, letter, sue, paid: a step of the ladder, checked. */
static int
step(const char *name, int argc, char **argv, const int *allowed)
{
	char id[FEE_ID_MAX];
	struct pm_err e;
	struct opts o;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	cli_need(o.s.unit, "--unit");
	if (strcmp(name, "contact") == 0) {
		cli_need(o.s.how, "--how");
		cli_need(o.s.result, "--result");
	} else if (strcmp(name, "letter") == 0)
		cli_need(o.s.tracking, "--tracking");
	else if (strcmp(name, "sue") == 0)
		cli_need(o.s.adviser, "--adviser");
	o.s.step = name;
	if (fee_record(&ctx, &o.s, id, &e) != 0)
		errdie(&e);
	cli_print_id(id);
	return 0;
}

static int
cmd_contact(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_HOW, OPT_RESULT, 0 };

	return step("contact", argc, argv, allowed);
}

static int
cmd_notice(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_SIGNED, 0 };

	return step("notice", argc, argv, allowed);
}

static int
cmd_letter(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_TRACKING, 0 };

	return step("letter", argc, argv, allowed);
}

static int
cmd_sue(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_ADVISER, 0 };

	return step("sue", argc, argv, allowed);
}

static int
cmd_paid(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_FEE, 0 };

	return step("paid", argc, argv, allowed);
}

static int
cmd_import(int argc, char **argv)
{
	static const int allowed[] = { OPT_ASOF, 0 };
	struct pm_err e;
	struct opts o;

	parse(argc, argv, allowed, &o);
	if (optind + 1 != argc)
		die(EX_USAGE, _("import: expected one FILE, or - for standard "
		    "input"));
	if (fee_import(&ctx, argv[optind], o.as_of, o.encoding, o.dry_run,
	    stdout, &e) != 0)
		errdie(&e);
	return 0;
}

static int
cmd_verify(int argc, char **argv)
{
	return cli_verify(&ctx, argc, argv, longopts, usage, fee_verify);
}

static const struct cli_command commands[] = {
	{ "import", cmd_import },
	{ "due", cmd_due },
	{ "list", cmd_list },
	{ "show", cmd_show },
	{ "contact", cmd_contact },
	{ "notice", cmd_notice },
	{ "letter", cmd_letter },
	{ "sue", cmd_sue },
	{ "paid", cmd_paid },
	{ "form", cmd_form },
	{ "verify", cmd_verify },
};

int
main(int argc, char **argv)
{
	return cli_main(&ctx, argc, argv, longopts, commands,
	    sizeof commands / sizeof commands[0], usage);
}
