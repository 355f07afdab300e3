/*
 * pm-reno - renovation (SPEC 2.8): from the application to the deposit
 * refunded, on its deadlines.
 *
 * This file is the command line only: options, the module's call, output.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "reno.h"

static struct pm_ctx ctx;

static void
usage(int status)
{
	FILE *fp = cli_usage_fp(status);
	size_t i;

	fputs(_(
"Usage: pm-reno [OPTION]... COMMAND [ARG]...\n"
"Renovation, from the application to the deposit refunded (装修管理).\n"
"\n"
"Commands:\n"
"  apply --unit U --applicant NAME [--tenant --owner-consent TEXT]\n"
"        --contractor NAME --from DATE --until DATE --works TEXT\n"
"        [--work CODE]... [--documents TEXT]\n"
"                                 register an application; prints the ID\n"
"  review ID --by NAME --decision approve|refuse [--reason TEXT]\n"
"                                 the responsible person decides\n"
"  permit ID --deposit YUAN [--fee YUAN]\n"
"                                 the permit, with the deposit paid\n"
"  pass ID --name NAME --id-doc TEXT --until DATE\n"
"                                 a worker's pass, within the permit\n"
"  patrol ID --by NAME (--ok | --violation TEXT --rectify-by DATE)\n"
"                                 the day's patrol of the unit\n"
"  rectified ID --by NAME         the violations put right\n"
"  accept ID --requested          the owner asks for acceptance\n"
"  accept ID --by NAME --result pass|fail [--points TEXT]\n"
"                                 the acceptance (fail: the points to fix)\n"
"  refund ID --by NAME            the deposit refunded\n"
"  due                            every deadline come or passed\n"
"  list [--active]                the files (--active: not finished)\n"
"  show ID                        one file's whole history\n"
"  form ID [--permit | --pass N | --notice | --rectify N]\n"
"                                 the printed forms (default: all)\n"
"  verify                         check the book's hash chain\n"
"  import FILE|- [--dry-run] [--encoding E]\n"
"                                 an office's renovation register (csv)\n"
"\n"), fp);
	fputs(_("Kinds of work (--work; * forbidden: the application is "
	    "refused):\n"), fp);
	for (i = 0; i < reno_nworks; i++)
		fprintf(fp, "  %c %-14s%s\n", reno_works[i].forbidden ? '*' : ' ',
		    reno_works[i].code, reno_works[i].zh);
	fputs(_("\nDeadlines (escalated to, once passed):\n"), fp);
	for (i = 0; i < reno_ndeadlines; i++)
		fprintf(fp, "  %-10s %s (%s)\n", reno_deadlines[i].name,
		    _(reno_deadlines[i].what),
		    words_say(NULL, reno_deadlines[i].escalate_to));
	fputs("\n", fp);
	cli_usage_options(fp);
	fputs(_(
"Exit status: 0 done, 64 usage, 65 bad data or a rule refused, 66 no such\n"
"record, 73 cannot create, 74 I/O error, 75 busy, 78 bad configuration.\n"
"See pm-reno(1) and pm-files(5).\n"), fp);
	exit(0);
}

enum {
	OPT_UNIT = OPT_COMMON_LAST, OPT_APPLICANT, OPT_TENANT, OPT_CONSENT,
	OPT_CONTRACTOR, OPT_FROM, OPT_UNTIL, OPT_WORKS, OPT_WORK, OPT_DOCUMENTS,
	OPT_BY, OPT_DECISION, OPT_REASON, OPT_DEPOSIT, OPT_FEE, OPT_NAME,
	OPT_IDDOC, OPT_OK, OPT_VIOLATION, OPT_RECTIFY_BY, OPT_REQUESTED,
	OPT_RESULT, OPT_POINTS, OPT_ACTIVE, OPT_PERMIT, OPT_PASS, OPT_NOTICE,
	OPT_RECTIFY
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "applicant", required_argument, NULL, OPT_APPLICANT },
	{ "tenant", no_argument, NULL, OPT_TENANT },
	{ "owner-consent", required_argument, NULL, OPT_CONSENT },
	{ "contractor", required_argument, NULL, OPT_CONTRACTOR },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "works", required_argument, NULL, OPT_WORKS },
	{ "work", required_argument, NULL, OPT_WORK },
	{ "documents", required_argument, NULL, OPT_DOCUMENTS },
	{ "by", required_argument, NULL, OPT_BY },
	{ "decision", required_argument, NULL, OPT_DECISION },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "deposit", required_argument, NULL, OPT_DEPOSIT },
	{ "fee", required_argument, NULL, OPT_FEE },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "id-doc", required_argument, NULL, OPT_IDDOC },
	{ "ok", no_argument, NULL, OPT_OK },
	{ "violation", required_argument, NULL, OPT_VIOLATION },
	{ "rectify-by", required_argument, NULL, OPT_RECTIFY_BY },
	{ "requested", no_argument, NULL, OPT_REQUESTED },
	{ "result", required_argument, NULL, OPT_RESULT },
	{ "points", required_argument, NULL, OPT_POINTS },
	{ "active", no_argument, NULL, OPT_ACTIVE },
	{ "permit", no_argument, NULL, OPT_PERMIT },
	{ "pass", required_argument, NULL, OPT_PASS },
	{ "notice", no_argument, NULL, OPT_NOTICE },
	{ "rectify", required_argument, NULL, OPT_RECTIFY },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	struct reno_in in;
	const char *n;
	int requested, active;
	enum reno_form form;
};

static void
set_form(struct opts *o, enum reno_form f, const char *n)
{
	if (o->form != RENO_FORM_ALL)
		die(EX_USAGE, _("form: one of --permit, --pass N, --notice and "
		    "--rectify N"));
	o->form = f;
	o->n = n;
}

static void
parse(int argc, char **argv, const int *allowed, struct opts *o)
{
	int c;

	memset(o, 0, sizeof *o);
	cli_rescan();
	while ((c = cli_getopt(&ctx, argc, argv, longopts, allowed, usage)) != -1)
		switch (c) {
		case OPT_UNIT: o->in.unit = optarg; break;
		case OPT_APPLICANT: o->in.applicant = optarg; break;
		case OPT_TENANT: o->in.tenant = 1; break;
		case OPT_CONSENT: o->in.owner_consent = optarg; break;
		case OPT_CONTRACTOR: o->in.contractor = optarg; break;
		case OPT_FROM: o->in.from = optarg; break;
		case OPT_UNTIL: o->in.until = optarg; break;
		case OPT_WORKS: o->in.works = optarg; break;
		case OPT_WORK:
			if (o->in.nwork == RENO_WORKS_MAX)
				die(EX_USAGE, _("--work: at most %d"), RENO_WORKS_MAX);
			o->in.work[o->in.nwork++] = optarg;
			break;
		case OPT_DOCUMENTS: o->in.documents = optarg; break;
		case OPT_BY: o->in.by = optarg; break;
		case OPT_DECISION: o->in.decision = optarg; break;
		case OPT_REASON: o->in.reason = optarg; break;
		case OPT_DEPOSIT: o->in.deposit = optarg; break;
		case OPT_FEE: o->in.fee = optarg; break;
		case OPT_NAME: o->in.name = optarg; break;
		case OPT_IDDOC: o->in.id_doc = optarg; break;
		case OPT_OK: o->in.ok = 1; break;
		case OPT_VIOLATION: o->in.violation = optarg; break;
		case OPT_RECTIFY_BY: o->in.rectify_by = optarg; break;
		case OPT_REQUESTED: o->requested = 1; break;
		case OPT_RESULT: o->in.result = optarg; break;
		case OPT_POINTS: o->in.points = optarg; break;
		case OPT_ACTIVE: o->active = 1; break;
		case OPT_PERMIT: set_form(o, RENO_FORM_PERMIT, NULL); break;
		case OPT_PASS: set_form(o, RENO_FORM_PASS, optarg); break;
		case OPT_NOTICE: set_form(o, RENO_FORM_NOTICE, NULL); break;
		case OPT_RECTIFY: set_form(o, RENO_FORM_RECTIFY, optarg); break;
		}
	cli_ready(&ctx);
}

/* The ID a step names: the one argument after the verb. */
static const char *
one_id(int argc, char **argv)
{
	if (optind >= argc)
		die(EX_USAGE, _("an ID is required (try 'pm-reno --help')"));
	if (optind + 1 < argc)
		die(EX_USAGE, _("unexpected argument \"%s\""), argv[optind + 1]);
	return argv[optind];
}

static int
record(struct opts *o, const char *event, const char *ref)
{
	char id[RENO_ID_MAX];
	struct pm_err e;

	o->in.event = event;
	o->in.ref = ref;
	if (reno_record(&ctx, &o->in, id, &e) != 0)
		errdie(&e);
	cli_print_id(id);
	return 0;
}

static int
cmd_apply(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_APPLICANT, OPT_TENANT,
		OPT_CONSENT, OPT_CONTRACTOR, OPT_FROM, OPT_UNTIL, OPT_WORKS,
		OPT_WORK, OPT_DOCUMENTS, 0 };
	struct opts o;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	return record(&o, "apply", NULL);
}

/* "VERB ID ...": the verb's options. */
static const struct verb {
	const char *verb;
	int allowed[6];
} verbs[] = {
	{ "review", { OPT_BY, OPT_DECISION, OPT_REASON, 0 } },
	{ "permit", { OPT_DEPOSIT, OPT_FEE, 0 } },
	{ "pass", { OPT_NAME, OPT_IDDOC, OPT_UNTIL, 0 } },
	{ "patrol", { OPT_BY, OPT_OK, OPT_VIOLATION, OPT_RECTIFY_BY, 0 } },
	{ "rectified", { OPT_BY, 0 } },
	{ "accept", { OPT_REQUESTED, OPT_BY, OPT_RESULT, OPT_POINTS, 0 } },
	{ "refund", { OPT_BY, 0 } },
};

static int
cmd_step(int argc, char **argv)
{
	const char *event = argv[0];
	struct opts o;
	size_t i;

	for (i = 0; strcmp(verbs[i].verb, argv[0]) != 0; i++)
		;
	parse(argc, argv, verbs[i].allowed, &o);
	if (strcmp(event, "accept") == 0) {
		if (o.requested && (o.in.by || o.in.result || o.in.points))
			die(EX_USAGE, _("accept: --requested records the owner's "
			    "request alone"));
		if (o.requested)
			event = "request";
	}
	return record(&o, event, one_id(argc, argv));
}

/* ---- listings ------------------------------------------------------------------------ */

static const char *const due_cols[] = { "id", "unit", "status:w",
	"due_by:d", "what:tm", "deadline:w", "escalate_to:w", NULL };

/* The files (all: the archived ones too) and their deadlines come. */
static struct reno_due *
read_due(struct reno_book *b, int all, size_t *n)
{
	struct pm_err e;

	if (reno_read(&ctx, all, b, &e) != 0)
		errdie(&e);
	return reno_due(&ctx, b, n);
}

static int
cmd_due(int argc, char **argv)
{
	static const int allowed[] = { 0 };
	struct reno_book b = { 0 };
	struct reno_due *d;
	struct out *out;
	struct opts o;
	size_t i, n;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	d = read_due(&b, 0, &n);
	out = out_open(stdout, ctx.format, ctx.excel, due_cols);
	for (i = 0; i < n; i++) {
		char due[20];
		const char *v[] = { d[i].r->id, d[i].r->unit, d[i].overdue ?
			"overdue" : "due", due, d[i].what, d[i].deadline,
			d[i].escalate_to };

		clock_format(d[i].due, due);
		out_row(out, v);
	}
	out_close(out);
	free(d);
	reno_book_free(&b);
	return 0;
}

static const char *const list_cols[] = { "id", "at:d", "unit", "status:w",
	"due_by:do", "what:tom", "applicant", "contractor:o", "from:d",
	"until:d", "works:t", NULL };

static void
list_row(struct out *out, const struct reno *r, const struct reno_due *d,
    size_t nd)
{
	char due[20] = "";
	const char *what = "";
	size_t i;

	for (i = 0; i < nd; i++)
		if (d[i].r == r) {	/* the soonest, as reno_due sorts */
			clock_format(d[i].due, due);
			what = d[i].what;
			break;
		}
	{
		const char *v[] = { r->id, r->at, r->unit, r->status, due, what,
			r->applicant, r->contractor, r->from, r->until, r->works };

		out_row(out, v);
	}
}

static int
cmd_list(int argc, char **argv)
{
	static const int allowed[] = { OPT_ACTIVE, 0 };
	struct reno_book b = { 0 };
	struct reno_due *d;
	struct out *out;
	size_t i, n;
	struct opts o;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	d = read_due(&b, !o.active, &n);
	out = out_open(stdout, ctx.format, ctx.excel, list_cols);
	for (i = 0; i < b.n; i++)
		if (!o.active || reno_open(&b.v[i]))
			list_row(out, &b.v[i], d, n);
	out_close(out);
	free(d);
	reno_book_free(&b);
	return 0;
}

static struct reno *
find_or_die(struct reno_book *b, const char *id)
{
	struct reno *r = reno_read_one(&ctx, id, b);

	if (r == NULL)
		die(EX_NOINPUT, _("%s: no renovation with this ID"), id);
	return r;
}

static int
cmd_show(int argc, char **argv)
{
	static const int allowed[] = { 0 };
	static const char *const cols[] = { "id", "unit", "at:d", "event:w",
		"by", "detail:t", NULL };
	struct reno_book b = { 0 };
	struct reno *r;
	struct out *out;
	struct pm_err e;
	struct opts o;
	size_t i;
	time_t since;

	parse(argc, argv, allowed, &o);
	r = find_or_die(&b, one_id(argc, argv));
	out = out_open(stdout, ctx.format, ctx.excel, cols);
	for (i = 0; i < r->nev; i++) {
		const char *v[] = { r->id, r->unit, r->ev[i].at, r->ev[i].event,
			r->ev[i].by, r->ev[i].detail };

		out_row(out, v);
	}
	out_close(out);
	since = r->t;
	reno_book_free(&b);
	/* SPEC 3: the file shown vouches for its rows, all since it began */
	if (ledger_vouch(ctx.data, (const char *const[]){ "renovations", NULL },
	    since, &e) != 0)
		cli_unvouched(&e);
	return 0;
}

static int
cmd_form(int argc, char **argv)
{
	static const int allowed[] = { OPT_PERMIT, OPT_PASS, OPT_NOTICE,
		OPT_RECTIFY, 0 };
	struct reno_book b = { 0 };
	struct pm_err e;
	struct reno *r;
	struct opts o;
	long n = 0;

	parse(argc, argv, allowed, &o);
	if (o.n && field_count(&e, o.form == RENO_FORM_PASS ? "--pass" :
	    "--rectify", o.n, 1, 999, &n) != 0)
		errdie(&e);
	r = find_or_die(&b, one_id(argc, argv));
	if (reno_form(r, o.form, (int)n, stdout, &e) != 0)
		errdie(&e);
	if (ledger_heads_footer(ctx.data, (const char *const[]){
	    "renovations", NULL }, r->t, stdout, &e) != 0)
		cli_unvouched(&e);
	reno_book_free(&b);
	return 0;
}

/* The book itself: verify its chain, or import a register into it. */
static int
cmd_book(int argc, char **argv)
{
	if (strcmp(argv[0], "verify") == 0)
		return cli_verify(&ctx, argc, argv, longopts, usage, reno_verify);
	return cli_import(&ctx, argc, argv, longopts, usage, reno_import);
}

static const struct cli_command commands[] = {
	{ "apply", cmd_apply },
	{ "review", cmd_step },
	{ "permit", cmd_step },
	{ "pass", cmd_step },
	{ "patrol", cmd_step },
	{ "rectified", cmd_step },
	{ "accept", cmd_step },
	{ "refund", cmd_step },
	{ "due", cmd_due },
	{ "list", cmd_list },
	{ "show", cmd_show },
	{ "form", cmd_form },
	{ "verify", cmd_book },
	{ "import", cmd_book },
};

int
main(int argc, char **argv)
{
	return cli_main(&ctx, argc, argv, longopts, commands,
	    sizeof commands / sizeof commands[0], usage);
}
