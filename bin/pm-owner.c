/*
 * pm-owner - the confidential owner archive (业主档案): records by unit,
 * approved changes with history, masked listings, registered access
 * (SPEC 2.5).
 *
 * This file is the command line only: options, the form's call, output.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "fee.h"
#include "owner.h"

static struct pm_ctx ctx;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	if (status) {
		fputs(_("Try 'pm-owner --help' for more information.\n"), fp);
		exit(status);
	}
	fputs(_(
"Usage: pm-owner [OPTION]... COMMAND [ARG]...\n"
"The owner archive (业主档案, 绝密): one record per unit, never deleted.\n"
"\n"
"Commands:\n"
"  add --unit U --name NAME [--phone P] [--id-no ID] [--member NAME:RELATION]...\n"
"      [--vehicle PLATE]... [--area M2] [--handover DATE]\n"
"                          a new record; prints the unit code\n"
"  change --unit U --field FIELD --value V --approved-by NAME\n"
"                          a change approved by the manager, kept as history\n"
"  show --unit U [--reveal --reason TEXT --approved-by NAME]\n"
"                          a record, masked unless revealed; a reveal is\n"
"                          registered before it is shown\n"
"  list                    every record, masked\n"
"  audit [--month YYYY-MM] who saw which full record, when, why\n"
"  census --unit U --by NAME [--note TEXT]\n"
"                          the quarter's household census of a unit\n"
"  census --quarter Q      each unit: confirmed this quarter, or not yet\n"
"  verify                  check the books' hash chains\n"
"  import FILE|- [--dry-run] [--encoding E]\n"
"                          an owner list (columns unit,name[,phone,id_no,\n"
"                          area,handover,members,vehicles])\n"
"\n"
"Fields: name phone id_no members vehicles area handover.\n"
"Unit codes: 10 digits = 3 project + 1 group + 2 building + 4 room.\n"
"\n"
), fp);
	cli_usage_options(fp);
	fputs(_("Exit status: 0 done, 64 usage, 65 bad data or a rule refused, 66 no such\n"
"record, 73 cannot create, 74 I/O error, 75 busy, 78 bad configuration.\n"
"See pm-owner(1) and pm-files(5).\n"), fp);
	exit(0);
}

enum {
	OPT_UNIT = OPT_COMMON_LAST, OPT_NAME, OPT_PHONE, OPT_IDNO, OPT_MEMBER,
	OPT_VEHICLE, OPT_AREA, OPT_HANDOVER, OPT_FIELD, OPT_VALUE,
	OPT_APPROVED, OPT_REVEAL, OPT_REASON, OPT_MONTH, OPT_AT, OPT_BY,
	OPT_NOTE, OPT_QUARTER
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "phone", required_argument, NULL, OPT_PHONE },
	{ "id-no", required_argument, NULL, OPT_IDNO },
	{ "member", required_argument, NULL, OPT_MEMBER },
	{ "vehicle", required_argument, NULL, OPT_VEHICLE },
	{ "area", required_argument, NULL, OPT_AREA },
	{ "handover", required_argument, NULL, OPT_HANDOVER },
	{ "field", required_argument, NULL, OPT_FIELD },
	{ "value", required_argument, NULL, OPT_VALUE },
	{ "approved-by", required_argument, NULL, OPT_APPROVED },
	{ "reveal", no_argument, NULL, OPT_REVEAL },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "month", required_argument, NULL, OPT_MONTH },
	{ "at", required_argument, NULL, OPT_AT },
	{ "by", required_argument, NULL, OPT_BY },
	{ "note", required_argument, NULL, OPT_NOTE },
	{ "quarter", required_argument, NULL, OPT_QUARTER },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	struct owner_in in;
	const char *field, *value, *approved, *reason, *month, *encoding,
	    *by, *note, *quarter;
	int reveal, dry_run;
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
		case OPT_UNIT: o->in.unit = optarg; break;
		case OPT_NAME: o->in.name = optarg; break;
		case OPT_PHONE: o->in.phone = optarg; break;
		case OPT_IDNO: o->in.id_no = optarg; break;
		case OPT_AREA: o->in.area = optarg; break;
		case OPT_HANDOVER: o->in.handover = optarg; break;
		case OPT_AT: o->in.at = optarg; break;
		case OPT_FIELD: o->field = optarg; break;
		case OPT_VALUE: o->value = optarg; break;
		case OPT_APPROVED: o->approved = optarg; break;
		case OPT_REVEAL: o->reveal = 1; break;
		case OPT_REASON: o->reason = optarg; break;
		case OPT_MONTH: o->month = optarg; break;
		case OPT_BY: o->by = optarg; break;
		case OPT_NOTE: o->note = optarg; break;
		case OPT_QUARTER: o->quarter = optarg; break;
		case OPT_DRYRUN: o->dry_run = 1; break;
		case OPT_ENCODING: o->encoding = optarg; break;
		case OPT_MEMBER:
			if (o->in.nmembers == 16)
				die(EX_USAGE, _("--member: at most 16"));
			o->in.members[o->in.nmembers++] = optarg;
			break;
		case OPT_VEHICLE:
			if (o->in.nvehicles == 8)
				die(EX_USAGE, _("--vehicle: at most 8"));
			o->in.vehicles[o->in.nvehicles++] = optarg;
			break;
		}
	}
	cli_ready(&ctx);
}

static const char *const record_cols[] = { "unit", "name", "phone", "id_no",
	"members:to", "vehicles:o", "area:o", "handover:do", "added_at:do", "changed_at:do",
	NULL };

/* SPEC 2.5: phone and ID numbers masked unless revealed. */
static void
record_row(struct out *out, const struct owner *o, int reveal)
{
	char phone[64], id[64];
	const char *vals[10];

	if (reveal) {
		snprintf(phone, sizeof phone, "%s", o->phone);
		snprintf(id, sizeof id, "%s", o->id_no);
	} else {
		owner_mask_phone(o->phone, phone, sizeof phone);
		owner_mask_id(o->id_no, id, sizeof id);
	}
	vals[0] = o->unit;
	vals[1] = o->name;
	vals[2] = phone;
	vals[3] = id;
	vals[4] = o->members;
	vals[5] = o->vehicles;
	vals[6] = o->area;
	vals[7] = o->handover;
	vals[8] = o->added_at;
	vals[9] = o->changed_at;
	out_row(out, vals);
}

static int
cmd_add(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_NAME, OPT_PHONE, OPT_IDNO,
		OPT_MEMBER, OPT_VEHICLE, OPT_AREA, OPT_HANDOVER, OPT_AT, 0 };
	struct pm_err e;
	struct opts o;
	char id[24];

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	cli_need(o.in.unit, "--unit");
	cli_need(o.in.name, "--name");
	if (owner_add(&ctx, &o.in, id, &e) != 0)
		errdie(&e);
	cli_print_id(id);
	return 0;
}

static int
cmd_change(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_FIELD, OPT_VALUE,
		OPT_APPROVED, 0 };
	struct pm_err e;
	struct opts o;
	char id[24];

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	cli_need(o.in.unit, "--unit");
	cli_need(o.field, "--field");
	cli_need(o.value, "--value");
	if (owner_change(&ctx, o.in.unit, o.field, o.value, o.approved, id,
	    &e) != 0)
		errdie(&e);
	/* SPEC 2.9: a unit owing over 3 months is watched for a sale */
	if (o.field != NULL && strcmp(o.field, "name") == 0)	/* (cli_need) */
		fee_watch_owner_change(&ctx, o.in.unit);
	cli_print_id(id);
	return 0;
}

/* SPEC 2.9: each household confirmed once a quarter. */
static int
cmd_census(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_BY, OPT_NOTE, OPT_QUARTER,
		0 };
	static const char *const cols[] = { "unit", "status:w", "at:d", "by",
		NULL };
	struct owner_census *c;
	struct pm_err e;
	struct opts o;
	struct out *out;
	char id[24];
	size_t i, n;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	if (o.quarter == NULL) {
		cli_need(o.in.unit, "--unit");
		cli_need(o.by, "--by");
		if (owner_census(&ctx, o.in.unit, o.by, o.note, id, &e) != 0)
			errdie(&e);
		cli_print_id(id);
		return 0;
	}
	if (o.in.unit || o.by)
		die(EX_USAGE, _("census --quarter lists a quarter; --unit and --by "
		    "record one unit"));
	if (owner_census_quarter(&ctx, o.quarter, &c, &n, &e) != 0)
		errdie(&e);
	out = out_open(stdout, ctx.format, ctx.excel, cols);
	for (i = 0; i < n; i++) {
		const char *v[] = { c[i].unit, *c[i].at ? "done" : "missing",
			c[i].at, c[i].by };

		out_row(out, v);
	}
	out_close(out);
	free(c);
	return 0;
}

static int
cmd_show(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_REVEAL, OPT_REASON,
		OPT_APPROVED, 0 };
	const struct owner *rec;
	struct owner_book b;
	struct pm_err e;
	struct opts o;
	struct out *out;
	size_t i;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	cli_need(o.in.unit, "--unit");
	if (!o.reveal && (o.reason || o.approved))
		die(EX_USAGE, _("--reason and --approved-by go with --reveal"));
	if (owner_read(&ctx, o.in.unit, &b, &e) != 0)
		errdie(&e);
	rec = owner_find(&b, o.in.unit);
	if (rec == NULL) {
		owner_book_free(&b);
		die(EX_NOINPUT, _("--unit: %s is not in the owner archive"),
		    o.in.unit);
	}
	if (o.reveal && owner_reveal(&ctx, o.in.unit, o.reason, o.approved,
	    &e) != 0) {
		owner_book_free(&b);
		errdie(&e);
	}
	out = out_open(stdout, ctx.format, ctx.excel, record_cols);
	record_row(out, rec, o.reveal);
	out_close(out);
	if (ctx.format == OUT_TABLE && b.nchanges > 0) {
		fputs(_("\nchanges (approved):\n"), stdout);
		for (i = 0; i < b.nchanges; i++) {
			const struct owner_change *c = &b.changes[i];
			char m1[64], m2[64];

			/* SPEC 2.5: kept as history, before -> after */
			printf("  %s  %s  %s: %s → %s  (%s, %s)\n", c->id, c->at,
			    words_chinese() && words_title(c->field) ?
			    words_title(c->field) : c->field,
			    owner_shown(c->field, c->before, o.reveal,
			    m1, sizeof m1), owner_shown(c->field, c->value,
			    o.reveal, m2, sizeof m2), c->approved_by, c->by);
		}
	}
	owner_book_free(&b);
	return 0;
}

static int
cmd_list(int argc, char **argv)
{
	static const int allowed[] = { 0 };
	struct owner_book b;
	struct pm_err e;
	struct opts o;
	struct out *out;
	size_t i;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	if (owner_read(&ctx, NULL, &b, &e) != 0)
		errdie(&e);
	out = out_open(stdout, ctx.format, ctx.excel, record_cols);
	for (i = 0; i < b.n; i++)
		record_row(out, &b.v[i], 0);
	out_close(out);
	owner_book_free(&b);
	return 0;
}

static int
audit_row(const char *at, const char *by, const char *unit,
    const char *reason, const char *approved_by, void *arg)
{
	const char *vals[] = { at, by, unit, reason, approved_by };

	out_row(arg, vals);
	return 0;
}

static int
cmd_audit(int argc, char **argv)
{
	static const int allowed[] = { OPT_MONTH, 0 };
	static const char *const cols[] = { "at:d", "by", "unit", "reason:t",
		"approved_by", NULL };
	struct pm_err e;
	struct opts o;
	struct out *out;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	out = out_open(stdout, ctx.format, ctx.excel, cols);
	if (owner_audit(&ctx, o.month, audit_row, out, &e) != 0)
		errdie(&e);
	out_close(out);
	return 0;
}

static int
cmd_verify(int argc, char **argv)
{
	return cli_verify(&ctx, argc, argv, longopts, usage, owner_verify);
}

static int
cmd_import(int argc, char **argv)
{
	return cli_import(&ctx, argc, argv, longopts, usage, owner_import);
}

static const struct cli_command commands[] = {
	{ "add", cmd_add },
	{ "change", cmd_change },
	{ "census", cmd_census },
	{ "show", cmd_show },
	{ "list", cmd_list },
	{ "audit", cmd_audit },
	{ "verify", cmd_verify },
	{ "import", cmd_import },
};

int
main(int argc, char **argv)
{
	return cli_main(&ctx, argc, argv, longopts, commands,
	    sizeof commands / sizeof commands[0], usage);
}
