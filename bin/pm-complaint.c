/*
 * pm-complaint - owner complaints and requests, coded, on deadlines,
 * escalating by themselves (SPEC 2.1).
 *
 * This file is the command line only: options, the form's call, output.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "complaint.h"

static struct pm_ctx ctx;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;
	size_t i;

	if (status) {
		fputs(_("Try 'pm-complaint --help' for more "
		    "information.\n"), fp);
		exit(status);
	}
	fputs(_(
"Usage: pm-complaint [OPTION]... COMMAND [ARG]...\n"
"Owner complaints (投诉) and requests (非投诉类), coded and on deadlines.\n"
"\n"
"Commands:\n"
"  add --unit U --name NAME [--phone P] --text TEXT [--kind complaint|request]\n"
"      [--importance A|B|C] [--category KF|ZX|GC|BJ|YY|QT]\n"
"      [--channel visit|phone|web|email|letter] [--cosigners N]\n"
"      [--requested-by DATE] [--at DATE]\n"
"      a request: [--type inquiry|suggestion|help|repair] [--reply-by DATE]\n"
"                          register; prints the code\n"
"  forward CODE --to NAME [--dept DEPT]   passed to its handler\n"
"  ack CODE                written acknowledgment (letter, email, web)\n"
"  reply CODE --text TEXT [--adopted yes|no [--reason TEXT]]\n"
"                          the clear answer; a suggestion's says whether\n"
"                          it is adopted, and why not\n"
"  report CODE [--to NAME] the written report to the company (co-signed)\n"
"  review CODE --valid yes|no [--importance A|B|C]\n"
"                          valid or invalid; a new importance keeps the code\n"
"  extend CODE --until DATE --approved-by NAME\n"
"                          a new handling date, approved by the manager\n"
"  resolve CODE --result TEXT [--cost YUAN] [--approved-by NAME]\n"
"                          handled; over 1000 yuan names the approver\n"
"  notify CODE [--how phone|visit|letter]  the result told\n"
"  close CODE [--unresolvable --reason TEXT]\n"
"                          closed (after the return visit); a request the\n"
"                          manager cannot solve, with the reason\n"
"  show CODE               the record, its history and its deadlines\n"
"  list [--open] [--month M] [--importance X] [--category C] [--unit U]\n"
"  overdue                 every deadline passed, and to whom it escalates\n"
"  form CODE               the printed 投诉登记表 / 投诉处理记录表\n"
"  check --by NAME [--date D] [--sign [--key FILE]]\n"
"                          the supervisor checks a day's registers\n"
"  verify                  check the books' hash chains\n"
"  import FILE|- [--dry-run] [--encoding E]\n"
"                          registrations (columns unit,name,text[,kind,...])\n"
"\n"
), fp);
	cli_usage_options(fp);
	fputs(_("Deadlines (SPEC 2.1):\n"), fp);
	for (i = 0; i < complaint_nrules; i++) {
		const struct complaint_rule *r = &complaint_rules[i];
		struct buf b = { 0 }, what = { 0 };

		buf_addf(&b, "  %-10s %-9s %-3s ", r->deadline, r->kind,
		    r->importance);
		if (r->type)	/* a request's type: its service standard */
			buf_addf(&what, "%s: ", words_say(NULL, r->type));
		buf_addf(&what, _("%s; escalates to the %s"), _(r->what),
		    words_say(NULL, r->escalate_to));
		out_wrap(&b, what.s, 27, 27, 79);
		fputs(b.s, fp);
		buf_free(&b);
		buf_free(&what);
	}
	fputs(_(
"\n"
"Exit status: 0 done, 64 usage, 65 bad data or a rule refused, 66 no such\n"
"record, 73 cannot create, 74 I/O error, 75 busy, 78 bad configuration.\n"
"See pm-complaint(1) and pm-files(5).\n"), fp);
	exit(0);
}

enum {
	OPT_UNIT = OPT_COMMON_LAST, OPT_NAME, OPT_PHONE, OPT_TEXT, OPT_KIND,
	OPT_IMPORTANCE, OPT_CATEGORY, OPT_CHANNEL, OPT_COSIGNERS,
	OPT_REQUESTED, OPT_AT, OPT_TO, OPT_DEPT, OPT_VALID, OPT_UNTIL,
	OPT_APPROVED, OPT_RESULT, OPT_COST, OPT_HOW, OPT_UNRESOLVABLE,
	OPT_REASON, OPT_OPEN, OPT_MONTH, OPT_BY, OPT_DATE, OPT_SIGN, OPT_KEY,
	OPT_TYPE, OPT_REPLY_BY, OPT_ADOPTED
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "phone", required_argument, NULL, OPT_PHONE },
	{ "text", required_argument, NULL, OPT_TEXT },
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "importance", required_argument, NULL, OPT_IMPORTANCE },
	{ "category", required_argument, NULL, OPT_CATEGORY },
	{ "channel", required_argument, NULL, OPT_CHANNEL },
	{ "cosigners", required_argument, NULL, OPT_COSIGNERS },
	{ "requested-by", required_argument, NULL, OPT_REQUESTED },
	{ "at", required_argument, NULL, OPT_AT },
	{ "to", required_argument, NULL, OPT_TO },
	{ "dept", required_argument, NULL, OPT_DEPT },
	{ "valid", required_argument, NULL, OPT_VALID },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "approved-by", required_argument, NULL, OPT_APPROVED },
	{ "result", required_argument, NULL, OPT_RESULT },
	{ "cost", required_argument, NULL, OPT_COST },
	{ "how", required_argument, NULL, OPT_HOW },
	{ "unresolvable", no_argument, NULL, OPT_UNRESOLVABLE },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "open", no_argument, NULL, OPT_OPEN },
	{ "month", required_argument, NULL, OPT_MONTH },
	{ "by", required_argument, NULL, OPT_BY },
	{ "date", required_argument, NULL, OPT_DATE },
	{ "sign", no_argument, NULL, OPT_SIGN },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "reply-by", required_argument, NULL, OPT_REPLY_BY },
	{ "adopted", required_argument, NULL, OPT_ADOPTED },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	struct complaint_in in;
	struct complaint_step step;
	const char *month, *encoding, *by, *date, *key;
	int open, dry_run, sign;
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
		case OPT_UNIT: o->in.unit = optarg; break;
		case OPT_NAME: o->in.name = optarg; break;
		case OPT_PHONE: o->in.phone = optarg; break;
		case OPT_TEXT: o->in.text = o->step.text = optarg; break;
		case OPT_RESULT: o->step.text = optarg; break;
		case OPT_KIND: o->in.kind = optarg; break;
		case OPT_IMPORTANCE:
			o->in.importance = o->step.importance = optarg;
			break;
		case OPT_CATEGORY: o->in.category = optarg; break;
		case OPT_CHANNEL: o->in.channel = optarg; break;
		case OPT_COSIGNERS: o->in.cosigners = optarg; break;
		case OPT_REQUESTED: o->in.requested_by = optarg; break;
		case OPT_AT: o->in.at = o->step.at = optarg; break;
		case OPT_TO: o->step.to = optarg; break;
		case OPT_DEPT: o->step.dept = optarg; break;
		case OPT_VALID: o->step.valid = optarg; break;
		case OPT_UNTIL: o->step.until = optarg; break;
		case OPT_APPROVED: o->step.approved_by = optarg; break;
		case OPT_COST: o->step.cost = optarg; break;
		case OPT_HOW: o->step.how = optarg; break;
		case OPT_UNRESOLVABLE: o->step.unresolvable = 1; break;
		case OPT_REASON: o->step.reason = optarg; break;
		case OPT_OPEN: o->open = 1; break;
		case OPT_MONTH: o->month = optarg; break;
		case OPT_BY: o->by = optarg; break;
		case OPT_DATE: o->date = optarg; break;
		case OPT_SIGN: o->sign = 1; break;
		case OPT_KEY: o->key = optarg; break;
		case OPT_TYPE: o->in.type = optarg; break;
		case OPT_REPLY_BY: o->in.reply_by = optarg; break;
		case OPT_ADOPTED: o->step.adopted = optarg; break;
		case OPT_DRYRUN: o->dry_run = 1; break;
		case OPT_ENCODING: o->encoding = optarg; break;
		}
	}
	cli_ready(&ctx);
}

static const char *
one_code(int argc, char **argv)
{
	if (optind + 1 != argc)
		die(EX_USAGE, _("%s: expected one CODE"), argv[0]);
	return argv[optind];
}

static int
cmd_add(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNIT, OPT_NAME, OPT_PHONE, OPT_TEXT,
		OPT_KIND, OPT_IMPORTANCE, OPT_CATEGORY, OPT_CHANNEL,
		OPT_COSIGNERS, OPT_REQUESTED, OPT_AT, OPT_TYPE, OPT_REPLY_BY, 0 };
	struct pm_err e;
	struct opts o;
	char code[COMPLAINT_CODE_MAX];

	parse(argc, argv, allowed, &o);
	if (optind < argc)
		die(EX_USAGE, _("unexpected argument \"%s\""), argv[optind]);
	cli_need(o.in.unit, "--unit");
	cli_need(o.in.name, "--name");
	cli_need(o.in.text, "--text");
	if (complaint_add(&ctx, &o.in, code, &e) != 0)
		errdie(&e);
	cli_print_id(code);
	return 0;
}

/* Every step after registration: CODE, the step's options, an event ID. */
static int
step(int argc, char **argv, const char *name, const int *allowed,
    const char *required)
{
	struct pm_err e;
	struct opts o;
	char id[16];

	parse(argc, argv, allowed, &o);
	o.step.step = name;
	o.step.code = one_code(argc, argv);
	if (required && strcmp(required, "--to") == 0)
		cli_need(o.step.to, required);
	if (required && (strcmp(required, "--text") == 0 ||
	    strcmp(required, "--result") == 0))
		cli_need(o.step.text, required);
	if (required && strcmp(required, "--valid") == 0)
		cli_need(o.step.valid, required);
	if (required && strcmp(required, "--until") == 0)
		cli_need(o.step.until, required);
	if (o.step.unresolvable == 0 && o.step.reason &&
	    strcmp(name, "close") == 0)
		die(EX_USAGE, _("--reason goes with --unresolvable"));
	if (complaint_record(&ctx, &o.step, id, &e) != 0)
		errdie(&e);
	cli_print_id(id);
	return 0;
}

static int
cmd_forward(int argc, char **argv)
{
	static const int allowed[] = { OPT_TO, OPT_DEPT, OPT_AT, 0 };

	return step(argc, argv, "forward", allowed, "--to");
}

static int
cmd_ack(int argc, char **argv)
{
	static const int allowed[] = { OPT_AT, 0 };

	return step(argc, argv, "ack", allowed, NULL);
}

static int
cmd_reply(int argc, char **argv)
{
	static const int allowed[] = { OPT_TEXT, OPT_ADOPTED, OPT_REASON, OPT_AT,
		0 };

	return step(argc, argv, "reply", allowed, "--text");
}

static int
cmd_report(int argc, char **argv)
{
	static const int allowed[] = { OPT_TO, OPT_TEXT, OPT_AT, 0 };

	return step(argc, argv, "report", allowed, NULL);
}

static int
cmd_review(int argc, char **argv)
{
	static const int allowed[] = { OPT_VALID, OPT_IMPORTANCE, OPT_TEXT,
		OPT_AT, 0 };

	return step(argc, argv, "review", allowed, "--valid");
}

static int
cmd_extend(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNTIL, OPT_APPROVED, 0 };

	return step(argc, argv, "extend", allowed, "--until");
}

static int
cmd_resolve(int argc, char **argv)
{
	static const int allowed[] = { OPT_RESULT, OPT_COST, OPT_APPROVED,
		OPT_AT, 0 };

	return step(argc, argv, "resolve", allowed, "--result");
}

static int
cmd_notify(int argc, char **argv)
{
	static const int allowed[] = { OPT_HOW, OPT_AT, 0 };

	return step(argc, argv, "notify", allowed, NULL);
}

static int
cmd_close(int argc, char **argv)
{
	static const int allowed[] = { OPT_UNRESOLVABLE, OPT_REASON, OPT_AT,
		0 };

	return step(argc, argv, "close", allowed, NULL);
}

static const char *const list_cols[] = { "code", "kind:wo", "unit",
	"importance:o", "category:o", "status:w", "registered_at:d", "name:o", "phone:o",
	"channel:wo", "handler:o", "valid:wo", "resolved_at:do", "text:t",
	"request_type:wo", NULL };

/* What list --importance, --category, --unit and --month leave out. */
static int
list_skips(const struct opts *o, const struct complaint_row *r)
{
	return (o->month && strncmp(r->v[6], o->month, 7) != 0) ||
	    (o->in.importance && strcmp(r->v[3], o->in.importance) != 0) ||
	    (o->in.category && strcmp(r->v[4], o->in.category) != 0) ||
	    (o->in.unit && strcmp(r->v[2], o->in.unit) != 0);
}

/* The matters of b and its briefs, merged in code order. */
static void
list_rows(struct out *out, struct complaint_book *b, const struct opts *o)
{
	struct complaint_row r;
	const char *brief;
	size_t i = 0;

	for (;;) {
		brief = spill_peek(&b->briefs);
		if (i < b->n && (brief == NULL || strcmp(b->v[i].code,
		    brief) < 0)) {
			if (o->open && b->v[i].closed) {
				i++;
				continue;
			}
			complaint_list_row(&b->v[i++], &r);
			brief = NULL;
		} else if (brief == NULL)
			break;
		else if (o->open) {
			spill_pop(&b->briefs);	/* a brief: a matter closed */
			continue;
		} else
			complaint_brief_row(brief, &r);
		if (!list_skips(o, &r))
			out_row(out, r.v);
		if (brief != NULL)
			spill_pop(&b->briefs);	/* r was read from it */
	}
}

static int
cmd_list(int argc, char **argv)
{
	static const int allowed[] = { OPT_OPEN, OPT_MONTH, OPT_IMPORTANCE,
		OPT_CATEGORY, OPT_UNIT, 0 };
	struct complaint_book b;
	struct pm_err e;
	struct opts o;
	struct out *out;
	int y, m;

	parse(argc, argv, allowed, &o);
	if (optind < argc)
		die(EX_USAGE, _("unexpected argument \"%s\""), argv[optind]);
	if (o.month && clock_parse_month(o.month, &y, &m) != 0)
		die(EX_DATAERR, _("--month: expected YYYY-MM, got \"%.20s\""),
		    o.month);
	if (o.in.importance && field_enum(&e, "--importance", o.in.importance,
	    complaint_importances) != 0)
		errdie(&e);
	if (o.in.category && field_enum(&e, "--category", o.in.category,
	    complaint_categories) != 0)
		errdie(&e);
	if (o.in.unit && field_unit(&e, "--unit", o.in.unit) != 0)
		errdie(&e);
	/* open matters are all live; a month's are in its volumes and later */
	if (o.in.unit && !o.open && !o.month)
		complaint_read_unit(&ctx, o.in.unit, &b, &e);
	else if (!o.open && !o.month)
		complaint_read_listing(&ctx, &b, &e);
	else
		complaint_read_since(&ctx, 0, o.open ? LONG_MAX : o.month ?
		    (long)y * 12 + m - 1 : 0, &b, &e);
	out = out_open(stdout, ctx.format, ctx.excel, list_cols);
	list_rows(out, &b, &o);
	out_close(out);
	complaint_book_free(&b);
	return 0;
}

static struct complaint *
find_or_die(struct complaint_book *b, const char *code)
{
	struct complaint *c = complaint_find(b, code);

	if (c == NULL) {
		complaint_book_free(b);
		die(EX_NOINPUT, _("no complaint or request %.40s"), code);
	}
	return c;
}

static int
cmd_show(int argc, char **argv)
{
	static const int allowed[] = { 0 };
	struct complaint_deadline d[COMPLAINT_DEADLINES_MAX];
	struct complaint_book b;
	struct complaint *c;
	struct complaint_row row;
	struct pm_err e;
	struct opts o;
	struct out *out;
	size_t i, n;
	time_t since;

	parse(argc, argv, allowed, &o);
	complaint_read_one(&ctx, 1, one_code(argc, argv), &b, &e);
	c = find_or_die(&b, one_code(argc, argv));
	since = c->registered;
	out = out_open(stdout, ctx.format, ctx.excel, list_cols);
	complaint_list_row(c, &row);
	out_row(out, row.v);
	out_close(out);
	if (ctx.format == OUT_TABLE) {
		static const char *const hcols[] = { "id", "at:d", "step:w",
			"detail:t", "by", NULL };
		static const char *const dcols[] = { "deadline:w", "due_at:d",
			"status:w", "escalate_to:w", "what:tm", NULL };

		fputs(_("\nhistory:\n"), stdout);
		out = out_open(stdout, OUT_TABLE, 0, hcols);
		for (i = 0; i < c->nevents; i++) {
			const struct complaint_event *ev = &c->events[i];
			const char *v[] = { ev->id, ev->at, ev->step, ev->detail,
				ev->by };

			out_row(out, v);
		}
		out_close(out);
		fputs(_("\ndeadlines:\n"), stdout);
		out = out_open(stdout, OUT_TABLE, 0, dcols);
		n = complaint_deadlines(c, ctx.now, d);
		for (i = 0; i < n; i++) {
			char due[20];
			const char *v[5];

			clock_format(d[i].due, due);
			v[0] = d[i].rule->deadline;
			v[1] = due;
			v[2] = d[i].state;
			v[3] = d[i].rule->escalate_to;
			v[4] = d[i].rule->what;
			out_row(out, v);
		}
		/* the rounds before a reopening: each handling, met or late */
		n = complaint_past_rounds(c, d);
		for (i = 0; i < n; i++) {
			char due[20], what[160];
			const char *v[5];

			clock_format(d[i].due, due);
			snprintf(what, sizeof what, _("before reopening %zu: %s"),
			    i + 1, _(d[i].rule->what));
			v[0] = d[i].rule->deadline;
			v[1] = due;
			v[2] = d[i].state;
			v[3] = d[i].rule->escalate_to;
			v[4] = what;
			out_row(out, v);
		}
		out_close(out);
		if (c->cosigners >= 3 && !c->reported)
			printf(_("\n%ld co-signers: report it in writing to the "
			    "company today (pm-complaint report %s)\n"),
			    c->cosigners, c->code);
	}
	complaint_book_free(&b);
	/* SPEC 3: the record shown vouches for its rows, all since then */
	if (ledger_vouch(ctx.data, complaint_book_names, since, &e) != 0)
		cli_unvouched(&e);
	return 0;
}

static int
cmd_overdue(int argc, char **argv)
{
	static const char *const cols[] = { "code", "deadline:w", "due_at:d",
		"escalate_to:w", "escalate_name:o", "kind:wo", "importance:o", "unit:o",
		"hours_over:no", "what:tm", NULL };
	struct complaint_book b;
	struct pm_err e;
	struct opts o;
	struct out *out;
	size_t i, k, n;
	static const int allowed[] = { 0 };

	parse(argc, argv, allowed, &o);
	if (optind < argc)
		die(EX_USAGE, _("unexpected argument \"%s\""), argv[optind]);
	/* SPEC 2.1: every open matter is live; closed ones are not overdue */
	complaint_read_since(&ctx, 0, LONG_MAX, &b, &e);
	out = out_open(stdout, ctx.format, ctx.excel, cols);
	for (i = 0; i < b.n; i++) {
		struct complaint_deadline d[COMPLAINT_DEADLINES_MAX];
		struct complaint *c = &b.v[i];

		if (c->closed)
			continue;
		n = complaint_deadlines(c, ctx.now, d);
		for (k = 0; k < n; k++) {
			char due[20], hours[24];
			const char *name, *vals[10];

			if (strcmp(d[k].state, "overdue") != 0)
				continue;
			clock_format(d[k].due, due);
			snprintf(hours, sizeof hours, "%ld", (long)((ctx.now -
			    d[k].due) / HOUR_SECONDS));
			name = complaint_escalate_name(&ctx.conf, d[k].rule);
			vals[0] = c->code;
			vals[1] = d[k].rule->deadline;
			vals[2] = due;
			vals[3] = d[k].rule->escalate_to;
			vals[4] = name ? name : "";
			vals[5] = c->kind;
			vals[6] = c->importance;
			vals[7] = c->unit;
			vals[8] = hours;
			vals[9] = d[k].rule->what;
			out_row(out, vals);
		}
	}
	out_close(out);
	complaint_book_free(&b);
	return 0;
}

static int
cmd_form(int argc, char **argv)
{
	static const int allowed[] = { 0 };
	struct complaint_book b;
	struct complaint *c;
	struct pm_err e;
	struct opts o;

	parse(argc, argv, allowed, &o);
	complaint_read_one(&ctx, 0, one_code(argc, argv), &b, &e);
	c = find_or_die(&b, one_code(argc, argv));
	complaint_form(&ctx, c, stdout);
	if (ledger_heads_footer(ctx.data, complaint_book_names, c->registered,
	    stdout, &e) != 0)
		cli_unvouched(&e);
	complaint_book_free(&b);
	return 0;
}

static int
cmd_verify(int argc, char **argv)
{
	return cli_verify(&ctx, argc, argv, longopts, usage, complaint_verify);
}

static int
cmd_import(int argc, char **argv)
{
	return cli_import(&ctx, argc, argv, longopts, usage, complaint_import);
}

/* SPEC 2.1: the supervisor's daily check of the registers. */
static int
cmd_check(int argc, char **argv)
{
	static const int allowed[] = { OPT_BY, OPT_DATE, OPT_SIGN, OPT_KEY, 0 };
	char id[CHECK_ID_MAX];
	struct pm_err e;
	struct opts o;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	cli_need(o.by, "--by");
	if (o.key && !o.sign)
		die(EX_USAGE, _("--key goes with --sign"));
	if (check_registers(&ctx, o.by, o.date, o.sign ? sign_key(o.key,
	    &o.keybuf) : NULL, id, &e) != 0)
		errdie(&e);
	cli_print_id(id);
	return 0;
}

static const struct cli_command commands[] = {
	{ "add", cmd_add },
	{ "forward", cmd_forward },
	{ "ack", cmd_ack },
	{ "reply", cmd_reply },
	{ "report", cmd_report },
	{ "review", cmd_review },
	{ "extend", cmd_extend },
	{ "resolve", cmd_resolve },
	{ "notify", cmd_notify },
	{ "close", cmd_close },
	{ "show", cmd_show },
	{ "list", cmd_list },
	{ "overdue", cmd_overdue },
	{ "form", cmd_form },
	{ "check", cmd_check },
	{ "verify", cmd_verify },
	{ "import", cmd_import },
};

int
main(int argc, char **argv)
{
	return cli_main(&ctx, argc, argv, longopts, commands,
	    sizeof commands / sizeof commands[0], usage);
}
