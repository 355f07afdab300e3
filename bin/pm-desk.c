/*
 * pm-desk - the front hall (SPEC 2.7): visitors, mail and parcels,
 * important calls, the release of large items.
 *
 * This file is the command line only: options, the register's call, output.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "desk.h"
#include "owner.h"

static struct pm_ctx ctx;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	if (status) {
		fputs(_("Try 'pm-desk --help' for more information.\n"), fp);
		exit(status);
	}
	fputs(_(
"Usage: pm-desk [OPTION]... COMMAND [ARG]...\n"
"The front hall: visitors, mail and parcels, important calls, and the\n"
"release of large items (来访登记, 邮件包裹, 重要电话, 放行条).\n"
"\n"
"Commands:\n"
"  visitor in --name NAME [--org ORG] [--unit U] --visiting NAME\n"
"             [--id-doc TEXT]     a visitor comes in; prints the ID\n"
"  visitor out ID                 the visitor leaves\n"
"  visitor list [--inside] [--date D]\n"
"  parcel in --to NAME [--unit U] [--carrier C] [--tracking NO] [--urgent]\n"
"                                 an item received; prints the ID\n"
"  parcel notify ID [--how phone|sms|visit]\n"
"                                 the addressee told (urgent: within 1 hour)\n"
"  parcel out ID --by NAME [--id-doc TEXT]\n"
"                                 collected; not the addressee: a document\n"
"  parcel list [--waiting] [--days N]\n"
"                                 second notice after parcel_days\n"
"  call --from NAME [--number N] --text TEXT [--to NAME]\n"
"                                 an important call; prints the ID\n"
"  call confirm ID --by NAME      the recipient signs for it (by day's end)\n"
"  call done ID --text TEXT       followed up: the result\n"
"  call list [--open] [--week D]\n"
"  release --unit U --items TEXT --carrier NAME --confirmed-by NAME\n"
"          [--authorisation TEXT] [--move-out [--approved-by NAME]]\n"
"                                 a release slip, with the owner's word\n"
"  release out ID --guard NAME    the goods leave, checked by the guard\n"
"  release list [--date D]\n"
"  show ID                        one matter of any register\n"
"  form ID                        the printed 放行条 of a release\n"
"  verify                         check the registers' hash chains\n"
"  import FILE|- [--register R] [--dry-run] [--encoding E]\n"
"                                 a register's listing (csv)\n"
"\n"
), fp);
	cli_usage_options(fp);
	fputs(_("Exit status: 0 done, 64 usage, 65 bad data or a rule refused, 66 no such\n"
"record, 73 cannot create, 74 I/O error, 75 busy, 78 bad configuration.\n"
"See pm-desk(1) and pm-files(5).\n"), fp);
	exit(0);
}

enum {
	OPT_NAME = OPT_COMMON_LAST, OPT_ORG, OPT_UNIT, OPT_VISITING, OPT_IDDOC,
	OPT_INSIDE, OPT_DATE, OPT_TO, OPT_CARRIER, OPT_TRACKING, OPT_URGENT,
	OPT_HOW, OPT_BY, OPT_WAITING, OPT_DAYS, OPT_FROM, OPT_NUMBER, OPT_TEXT,
	OPT_OPEN, OPT_WEEK, OPT_ITEMS, OPT_CONFIRMED, OPT_AUTH, OPT_MOVEOUT,
	OPT_APPROVED, OPT_GUARD, OPT_REGISTER
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "name", required_argument, NULL, OPT_NAME },
	{ "org", required_argument, NULL, OPT_ORG },
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "visiting", required_argument, NULL, OPT_VISITING },
	{ "id-doc", required_argument, NULL, OPT_IDDOC },
	{ "inside", no_argument, NULL, OPT_INSIDE },
	{ "date", required_argument, NULL, OPT_DATE },
	{ "to", required_argument, NULL, OPT_TO },
	{ "carrier", required_argument, NULL, OPT_CARRIER },
	{ "tracking", required_argument, NULL, OPT_TRACKING },
	{ "urgent", no_argument, NULL, OPT_URGENT },
	{ "how", required_argument, NULL, OPT_HOW },
	{ "by", required_argument, NULL, OPT_BY },
	{ "waiting", no_argument, NULL, OPT_WAITING },
	{ "days", required_argument, NULL, OPT_DAYS },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "number", required_argument, NULL, OPT_NUMBER },
	{ "text", required_argument, NULL, OPT_TEXT },
	{ "open", no_argument, NULL, OPT_OPEN },
	{ "week", required_argument, NULL, OPT_WEEK },
	{ "items", required_argument, NULL, OPT_ITEMS },
	{ "confirmed-by", required_argument, NULL, OPT_CONFIRMED },
	{ "authorisation", required_argument, NULL, OPT_AUTH },
	{ "move-out", no_argument, NULL, OPT_MOVEOUT },
	{ "approved-by", required_argument, NULL, OPT_APPROVED },
	{ "guard", required_argument, NULL, OPT_GUARD },
	{ "register", required_argument, NULL, OPT_REGISTER },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	struct desk_in in;
	const char *date, *days, *week, *reg, *encoding;
	int inside, waiting, open, dry_run;
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
		case OPT_NAME: case OPT_BY: case OPT_FROM: o->in.name = optarg; break;
		case OPT_ORG: o->in.org = optarg; break;
		case OPT_UNIT: o->in.unit = optarg; break;
		case OPT_VISITING: case OPT_TO: o->in.to = optarg; break;
		case OPT_IDDOC: o->in.id_doc = optarg; break;
		case OPT_CARRIER: o->in.carrier = optarg; break;
		case OPT_TRACKING: o->in.tracking = optarg; break;
		case OPT_URGENT: o->in.urgent = 1; break;
		case OPT_HOW: o->in.how = optarg; break;
		case OPT_NUMBER: o->in.number = optarg; break;
		case OPT_TEXT: o->in.text = optarg; break;
		case OPT_ITEMS: o->in.items = optarg; break;
		case OPT_CONFIRMED: o->in.confirmed_by = optarg; break;
		case OPT_AUTH: o->in.authorisation = optarg; break;
		case OPT_MOVEOUT: o->in.move_out = 1; break;
		case OPT_APPROVED: o->in.approved_by = optarg; break;
		case OPT_GUARD: o->in.guard = optarg; break;
		case OPT_INSIDE: o->inside = 1; break;
		case OPT_WAITING: o->waiting = 1; break;
		case OPT_OPEN: o->open = 1; break;
		case OPT_DATE: o->date = optarg; break;
		case OPT_DAYS: o->days = optarg; break;
		case OPT_WEEK: o->week = optarg; break;
		case OPT_REGISTER: o->reg = optarg; break;
		case OPT_DRYRUN: o->dry_run = 1; break;
		case OPT_ENCODING: o->encoding = optarg; break;
		}
	}
	cli_ready(&ctx);
}

/* ---- listings ------------------------------------------------------------------------- */

/* The columns of each register's listing: id, at, status, unit first (SPEC 4). */
static const char *const *const list_cols[] = {
	(const char *const[]){ "id", "at:d", "status:w", "unit", "name",
		"org:to", "visiting", "id_doc:o", "out_at:do", NULL },
	(const char *const[]){ "id", "at:d", "status:w", "unit", "to_name",
		"carrier:o", "tracking:o", "urgent:w", "second_notice:w",
		"notified_at:do", "collected_by:o", "out_at:do", NULL },
	(const char *const[]){ "id", "at:d", "status:w", "unit", "name",
		"number:o", "text:t", "to_name", "confirmed_by:o",
		"result:to", NULL },
	(const char *const[]){ "id", "at:d", "status:w", "unit", "items:t",
		"carrier", "confirmed_by", "out_at:do", "guard:o", NULL },
};

static void
list_row(struct out *out, const struct desk_item *it)
{
	char idd[64] = "", notified[20] = "";
	const char *v[16];
	int n = 0;

	/* SPEC 2.7: a document shown is masked as owners' IDs are */
	if (*it->id_doc)
		owner_mask_id(it->id_doc, idd, sizeof idd);
	if (it->notified)
		clock_format(it->notified, notified);
	v[n++] = it->id;
	v[n++] = it->at;
	v[n++] = desk_status(it);
	v[n++] = it->unit;
	switch (it->reg->letter) {
	case 'V':
		v[n++] = it->name; v[n++] = it->org; v[n++] = it->to;
		v[n++] = idd; v[n++] = it->out_at;
		break;
	case 'P':
		v[n++] = it->to; v[n++] = it->carrier; v[n++] = it->tracking;
		v[n++] = it->urgent ? "yes" : "";
		v[n++] = desk_second_notice(&ctx, it) ? "yes" : "";
		v[n++] = notified; v[n++] = it->out_by ? it->out_by : "";
		v[n++] = it->out_at;
		break;
	case 'T':
		v[n++] = it->name; v[n++] = it->number; v[n++] = it->text;
		v[n++] = it->to; v[n++] = it->recipient ? it->recipient : "";
		v[n++] = it->result ? it->result : "";
		break;
	default:
		v[n++] = it->items; v[n++] = it->carrier; v[n++] = it->confirmed_by;
		v[n++] = it->out_at; v[n++] = it->guard ? it->guard : "";
	}
	out_row(out, v);
}

static time_t
day_or(const char *date, const char *option, time_t dflt)
{
	time_t t;
	int timed = 0;

	if (date == NULL)
		return dflt;
	if (clock_parse(date, &t, &timed) != 0 || timed)
		die(EX_DATAERR, _("%s: expected a date YYYY-MM-DD, got \"%.20s\""),
		    option, date);
	return t;
}

/* Does a matter belong in the listing the options ask for? */
static int
listed(const struct opts *o, const struct desk_item *it)
{
	time_t from;
	long days = 0;
	struct pm_err e;

	if (o->inside && it->out)
		return 0;
	if (o->waiting && it->out)
		return 0;
	if (o->open && it->done)
		return 0;
	if (o->days && (field_count(&e, "--days", o->days, 0, 3650, &days) != 0))
		errdie(&e);
	if (o->days && (it->out || ctx.now - it->t <= days * DAY_SECONDS))
		return 0;
	if (o->date) {
		from = day_or(o->date, "--date", 0);
		if (it->t < from || it->t >= clock_add_days(from, 1))
			return 0;
	}
	if (o->week) {
		from = clock_week_start(day_or(o->week, "--week", 0));
		if (it->t < from || it->t >= clock_add_days(from, 7))
			return 0;
	}
	return 1;
}

static void
list(const char *reg, const struct opts *o)
{
	struct desk_book b;
	struct pm_err e;
	struct out *out;
	size_t i;

	if (desk_read(&ctx, reg, &b, &e) != 0)
		errdie(&e);
	out = out_open(stdout, ctx.format, ctx.excel, list_cols[b.reg -
	    desk_registers]);
	for (i = 0; i < b.n; i++)
		if (listed(o, &b.v[i]))
			list_row(out, &b.v[i]);
	out_close(out);
	desk_book_free(&b);
}

/* ---- the registers -------------------------------------------------------------------- */

static int
record(struct opts *o, const char *reg, const char *event, const char *ref)
{
	char id[DESK_ID_MAX];
	struct pm_err e;

	o->in.reg = reg;
	o->in.event = event;
	o->in.ref = ref;
	if (desk_record(&ctx, &o->in, id, &e) != 0)
		errdie(&e);
	cli_print_id(id);
	return 0;
}

/* The ID a step names: the one argument after the verb. */
static const char *
one_id(int argc, char **argv)
{
	if (optind >= argc)
		die(EX_USAGE, _("an ID is required (try 'pm-desk --help')"));
	if (optind + 1 < argc)
		die(EX_USAGE, _("unexpected argument \"%s\""), argv[optind + 1]);
	return argv[optind];
}

/* "REGISTER VERB ...": the verb's options, and what it does. */
struct verb {
	const char *reg, *verb, *event;	/* event NULL: the listing */
	int takes_id;
	int allowed[8];
};
static const struct verb verbs[] = {
	{ "visitor", "in", "in", 0, { OPT_NAME, OPT_ORG, OPT_UNIT, OPT_VISITING,
		OPT_IDDOC, 0 } },
	{ "visitor", "out", "out", 1, { 0 } },
	{ "visitor", "list", NULL, 0, { OPT_INSIDE, OPT_DATE, 0 } },
	{ "parcel", "in", "in", 0, { OPT_TO, OPT_UNIT, OPT_CARRIER, OPT_TRACKING,
		OPT_URGENT, 0 } },
	{ "parcel", "notify", "notify", 1, { OPT_HOW, 0 } },
	{ "parcel", "out", "out", 1, { OPT_BY, OPT_IDDOC, 0 } },
	{ "parcel", "list", NULL, 0, { OPT_WAITING, OPT_DAYS, 0 } },
	{ "call", "", "call", 0, { OPT_FROM, OPT_NUMBER, OPT_TEXT, OPT_TO,
		OPT_UNIT, 0 } },
	{ "call", "confirm", "confirm", 1, { OPT_BY, 0 } },
	{ "call", "done", "done", 1, { OPT_TEXT, 0 } },
	{ "call", "list", NULL, 0, { OPT_OPEN, OPT_WEEK, 0 } },
	{ "release", "", "release", 0, { OPT_UNIT, OPT_ITEMS, OPT_CARRIER,
		OPT_CONFIRMED, OPT_AUTH, OPT_MOVEOUT, OPT_APPROVED, 0 } },
	{ "release", "out", "out", 1, { OPT_GUARD, 0 } },
	{ "release", "list", NULL, 0, { OPT_DATE, 0 } },
};

static int
run_register(const char *reg, int argc, char **argv)
{
	const char *word = argc > 1 && argv[1][0] != '-' ? argv[1] : "";
	static const char *const hows[] = { "phone", "sms", "visit", NULL };
	struct pm_err e;
	struct opts o;
	size_t i;

	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (strcmp(verbs[i].reg, reg) == 0 &&
		    strcmp(verbs[i].verb, word) == 0)
			break;
	if (i == sizeof verbs / sizeof verbs[0])
		die(EX_USAGE, _("%s: unknown step \"%s\" (try 'pm-desk --help')"),
		    reg, word);
	if (*word)
		argc--, argv++;
	parse(argc, argv, verbs[i].allowed, &o);
	if (o.in.how && field_enum(&e, "--how", o.in.how, hows) != 0)
		errdie(&e);
	if (verbs[i].event == NULL) {
		cli_no_args(argc, argv);
		list(reg, &o);
		return 0;
	}
	if (!verbs[i].takes_id)
		cli_no_args(argc, argv);
	return record(&o, reg, verbs[i].event, verbs[i].takes_id ?
	    one_id(argc, argv) : NULL);
}

static int cmd_visitor(int argc, char **argv) { return run_register("visitor", argc, argv); }
static int cmd_parcel(int argc, char **argv) { return run_register("parcel", argc, argv); }
static int cmd_call(int argc, char **argv) { return run_register("call", argc, argv); }
static int cmd_release(int argc, char **argv) { return run_register("release", argc, argv); }

/* A matter of any register, found by its letter. */
static struct desk_item *
find_or_die(struct desk_book *b, const char *id)
{
	const struct desk_register *r = desk_register_of(id);
	struct desk_item *it;
	struct pm_err e;

	if (r == NULL)
		die(EX_NOINPUT, _("%s: not a desk ID (V, P, T or F and 6 digits)"),
		    id);
	if (desk_read(&ctx, r->name, b, &e) != 0)
		errdie(&e);
	if ((it = desk_find(b, id)) == NULL)
		die(EX_NOINPUT, _("%s: no such %s"), id, words_say(NULL, r->name));
	return it;
}

static int
cmd_show(int argc, char **argv)
{
	static const int allowed[] = { 0 };
	struct desk_book b;
	struct desk_item *it;
	struct opts o;
	struct out *out;

	parse(argc, argv, allowed, &o);
	it = find_or_die(&b, one_id(argc, argv));
	out = out_open(stdout, ctx.format, ctx.excel, list_cols[it->reg -
	    desk_registers]);
	list_row(out, it);
	out_close(out);
	desk_book_free(&b);
	return 0;
}

static int
cmd_form(int argc, char **argv)
{
	static const int allowed[] = { 0 };
	struct desk_book b;
	struct desk_item *it;
	struct pm_err e;
	struct opts o;

	parse(argc, argv, allowed, &o);
	it = find_or_die(&b, one_id(argc, argv));
	if (it->reg->letter != 'F')
		die(EX_DATAERR, _("form: %s is a %s; only a release (F...) has a "
		    "printed slip"), it->id, words_say(NULL, it->reg->name));
	desk_form(it, stdout);
	if (ledger_heads_footer(ctx.data, (const char *const[]){
	    "desk_releases", NULL }, it->t, stdout, &e) != 0)
		cli_unvouched(&e);
	desk_book_free(&b);
	return 0;
}

static int
cmd_verify(int argc, char **argv)
{
	return cli_verify(&ctx, argc, argv, longopts, usage, desk_verify);
}

static int
cmd_import(int argc, char **argv)
{
	static const int allowed[] = { OPT_REGISTER, 0 };
	struct pm_err e;
	struct opts o;

	parse(argc, argv, allowed, &o);
	if (desk_import(&ctx, one_id(argc, argv), o.reg, o.encoding, o.dry_run,
	    stdout, &e) != 0)
		errdie(&e);
	return 0;
}

static const struct cli_command commands[] = {
	{ "visitor", cmd_visitor },
	{ "parcel", cmd_parcel },
	{ "call", cmd_call },
	{ "release", cmd_release },
	{ "show", cmd_show },
	{ "form", cmd_form },
	{ "verify", cmd_verify },
	{ "import", cmd_import },
};

int
main(int argc, char **argv)
{
	return cli_main(&ctx, argc, argv, longopts, commands,
	    sizeof commands / sizeof commands[0], usage);
}
