/*
 * pm-visit - return visits (回访) after complaints, repairs and other
 * services: windows, sheets, reviews, rates, quarterly analysis (SPEC 2.4).
 *
 * This file is the command line only: options, the form's call, output.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "visit.h"

static struct pm_ctx ctx;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;
	size_t i;

	if (status) {
		fputs(_("Try 'pm-visit --help' for more information.\n"), fp);
		exit(status);
	}
	fputs(_(
"Usage: pm-visit [OPTION]... COMMAND [ARG]...\n"
"Return visits (回访): who must be visited, by whom, by when, and how it went.\n"
"\n"
"Commands:\n"
"  service --type repair|special|emergency|activity|other --ref REF --unit U\n"
"          --done DATE [--end DATE]\n"
"                          a completed service to visit (special: --end)\n"
"  due [--within DAYS] [--type T]\n"
"                          visits due or overdue (handled complaints too)\n"
"  checkout REF --visitor NAME\n"
"                          the visit sheet signed out (领取回访记录表)\n"
"  record REF --visitor NAME --quality 1-5 --attitude 1-5\n"
"         --satisfaction satisfied|basic|unsatisfied [--suggestion TEXT]\n"
"         [--owner-signed]\n"
"                          the visit, signed back in\n"
"  review REF --by NAME --verdict pass|fail [--comment TEXT]\n"
"                          the supervisor's review; a fail goes back to the\n"
"                          complaint procedure\n"
"  rates [--month M | --quarter Q]\n"
"                          due, visited, rate and target per type\n"
"  analysis --quarter Q    unqualified visits, repeated complaints, repairs\n"
"  show REF                an item's sheets\n"
"  list                    every item's sheets\n"
"  verify                  check the book's hash chain\n"
"  import FILE|- [--dry-run] [--encoding E]\n"
"                          services (columns type,ref,unit,done[,end])\n"
"\n"
), fp);
	cli_usage_options(fp);
	fputs(_("Windows and targets (SPEC 2.4):\n"), fp);
	for (i = 0; i < visit_nrules; i++) {
		struct buf b = { 0 }, what = { 0 };

		buf_addf(&b, "  %-10s %3.0f%%  ", visit_rules[i].type,
		    visit_rules[i].target * 100);
		buf_addf(&what, "%s; %s", visit_rules[i].window,
		    visit_rules[i].visitor_role);
		out_wrap(&b, what.s, 19, 19, 79);
		fputs(b.s, fp);
		buf_free(&b);
		buf_free(&what);
	}
	fputs(_(
"\n"
"Exit status: 0 done, 64 usage, 65 bad data or a rule refused, 66 no such\n"
"record, 73 cannot create, 74 I/O error, 75 busy, 78 bad configuration.\n"
"See pm-visit(1) and pm-files(5).\n"), fp);
	exit(0);
}

enum {
	OPT_TYPE = OPT_COMMON_LAST, OPT_REF, OPT_UNIT, OPT_DONE, OPT_END,
	OPT_WITHIN, OPT_VISITOR, OPT_QUALITY, OPT_ATTITUDE, OPT_SATISFACTION,
	OPT_SUGGESTION, OPT_SIGNED, OPT_BY, OPT_VERDICT, OPT_COMMENT,
	OPT_MONTH, OPT_QUARTER
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "ref", required_argument, NULL, OPT_REF },
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "done", required_argument, NULL, OPT_DONE },
	{ "end", required_argument, NULL, OPT_END },
	{ "within", required_argument, NULL, OPT_WITHIN },
	{ "visitor", required_argument, NULL, OPT_VISITOR },
	{ "quality", required_argument, NULL, OPT_QUALITY },
	{ "attitude", required_argument, NULL, OPT_ATTITUDE },
	{ "satisfaction", required_argument, NULL, OPT_SATISFACTION },
	{ "suggestion", required_argument, NULL, OPT_SUGGESTION },
	{ "owner-signed", no_argument, NULL, OPT_SIGNED },
	{ "by", required_argument, NULL, OPT_BY },
	{ "verdict", required_argument, NULL, OPT_VERDICT },
	{ "comment", required_argument, NULL, OPT_COMMENT },
	{ "month", required_argument, NULL, OPT_MONTH },
	{ "quarter", required_argument, NULL, OPT_QUARTER },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	const char *type, *ref, *unit, *done, *end, *within, *by, *verdict,
	    *comment, *month, *quarter, *encoding;
	struct visit_record rec;
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
		case OPT_TYPE: o->type = optarg; break;
		case OPT_REF: o->ref = optarg; break;
		case OPT_UNIT: o->unit = optarg; break;
		case OPT_DONE: o->done = optarg; break;
		case OPT_END: o->end = optarg; break;
		case OPT_WITHIN: o->within = optarg; break;
		case OPT_VISITOR: o->rec.visitor = optarg; break;
		case OPT_QUALITY: o->rec.quality = optarg; break;
		case OPT_ATTITUDE: o->rec.attitude = optarg; break;
		case OPT_SATISFACTION: o->rec.satisfaction = optarg; break;
		case OPT_SUGGESTION: o->rec.suggestion = optarg; break;
		case OPT_SIGNED: o->rec.owner_signed = 1; break;
		case OPT_BY: o->by = optarg; break;
		case OPT_VERDICT: o->verdict = optarg; break;
		case OPT_COMMENT: o->comment = optarg; break;
		case OPT_MONTH: o->month = optarg; break;
		case OPT_QUARTER: o->quarter = optarg; break;
		case OPT_DRYRUN: o->dry_run = 1; break;
		case OPT_ENCODING: o->encoding = optarg; break;
		}
	}
	cli_ready(&ctx);
}

static const char *
one_ref(int argc, char **argv)
{
	if (optind + 1 != argc)
		die(EX_USAGE, _("%s: expected one REF"), argv[0]);
	return argv[optind];
}

static int
cmd_service(int argc, char **argv)
{
	static const int allowed[] = { OPT_TYPE, OPT_REF, OPT_UNIT, OPT_DONE,
		OPT_END, 0 };
	struct pm_err e;
	struct opts o;
	char id[16];

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	cli_need(o.type, "--type");
	cli_need(o.ref, "--ref");
	cli_need(o.unit, "--unit");
	cli_need(o.done, "--done");
	if (visit_service(&ctx, o.type, o.ref, o.unit, o.done, o.end, id, &e))
		errdie(&e);
	cli_print_id(id);
	return 0;
}

static int
cmd_checkout(int argc, char **argv)
{
	static const int allowed[] = { OPT_VISITOR, 0 };
	struct pm_err e;
	struct opts o;
	char id[16];
	const char *ref;

	parse(argc, argv, allowed, &o);
	ref = one_ref(argc, argv);
	cli_need(o.rec.visitor, "--visitor");
	if (visit_checkout(&ctx, ref, o.rec.visitor, id, &e) != 0)
		errdie(&e);
	cli_print_id(id);
	return 0;
}

static int
cmd_record(int argc, char **argv)
{
	static const int allowed[] = { OPT_VISITOR, OPT_QUALITY, OPT_ATTITUDE,
		OPT_SATISFACTION, OPT_SUGGESTION, OPT_SIGNED, 0 };
	struct pm_err e;
	struct opts o;
	char id[16];

	parse(argc, argv, allowed, &o);
	o.rec.ref = one_ref(argc, argv);
	cli_need(o.rec.visitor, "--visitor");
	cli_need(o.rec.quality, "--quality");
	cli_need(o.rec.attitude, "--attitude");
	cli_need(o.rec.satisfaction, "--satisfaction");
	if (visit_record(&ctx, &o.rec, id, &e) != 0)
		errdie(&e);
	cli_print_id(id);
	return 0;
}

static int
cmd_review(int argc, char **argv)
{
	static const int allowed[] = { OPT_BY, OPT_VERDICT, OPT_COMMENT, 0 };
	struct pm_err e;
	struct opts o;
	char id[16], complaint[64];
	const char *ref;

	parse(argc, argv, allowed, &o);
	ref = one_ref(argc, argv);
	cli_need(o.by, "--by");
	cli_need(o.verdict, "--verdict");
	if (visit_review(&ctx, ref, o.by, o.verdict, o.comment, id, complaint,
	    &e) != 0)
		errdie(&e);
	cli_print_id(id);
	/* SPEC 4: a new complaint registered is a new record: its code too */
	if (*complaint && strcmp(complaint, ref) != 0)
		cli_print_id(complaint);
	if (*complaint)
		warnmsg(_("back in the complaint procedure: %s"), complaint);
	return 0;
}

static const char *const sheet_cols[] = { "ref", "type:w", "unit", "window:wo",
	"due_by:d", "visitor_role:w", "status:w", "opens_at:do", "checked_out_by:o",
	"visitor:o", "quality:no", "attitude:no", "satisfaction:wo", "owner_signed:wo",
	"verdict:wo", "complaint:o", NULL };

static void
sheet_row(struct out *out, const struct visit_item *it,
    const struct visit_sheet *s)
{
	char due[20], opens[20], q[8] = "", a[8] = "";
	const char *vals[16];
	const char *state = visit_state(s, ctx.now);

	clock_format(s->to, due);
	clock_format(s->from, opens);
	if (s->recorded) {
		snprintf(q, sizeof q, "%d", s->quality);
		snprintf(a, sizeof a, "%d", s->attitude);
	}
	vals[0] = it->ref;
	vals[1] = it->type;
	vals[2] = it->unit;
	vals[3] = s->label;
	vals[4] = due;
	vals[5] = it->visitor_role;
	vals[6] = strcmp(state, "upcoming") == 0 ? "due" : state;
	vals[7] = opens;
	vals[8] = s->checked_out_by;
	vals[9] = s->visitor;
	vals[10] = q;
	vals[11] = a;
	vals[12] = s->satisfaction;
	vals[13] = s->recorded ? (s->owner_signed ? "yes" : "no") : "";
	vals[14] = s->verdict;
	vals[15] = s->new_complaint;
	out_row(out, vals);
}

static int
cmd_due(int argc, char **argv)
{
	static const int allowed[] = { OPT_WITHIN, OPT_TYPE, 0 };
	struct visit_book b;
	struct pm_err e;
	struct opts o;
	struct out *out;
	long within = 0;
	size_t i;
	int k;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	if (o.within && field_count(&e, "--within", o.within, 0, 3650,
	    &within) != 0)
		errdie(&e);
	if (o.type && strcmp(o.type, "complaint") != 0 &&
	    field_enum(&e, "--type", o.type, visit_types) != 0)
		errdie(&e);
	visit_read_due(&ctx, &b, &e);
	out = out_open(stdout, ctx.format, ctx.excel, sheet_cols);
	for (i = 0; i < b.n; i++)
		for (k = 0; k < b.v[i].nsheets; k++) {
			const struct visit_sheet *s = &b.v[i].sheet[k];

			if (s->recorded || (o.type && strcmp(o.type,
			    b.v[i].type) != 0))
				continue;
			/* open now, or opening within the days asked */
			if (s->from > ctx.now + within * DAY_SECONDS)
				continue;
			sheet_row(out, &b.v[i], s);
		}
	out_close(out);
	visit_book_free(&b);
	return 0;
}

static void
list_item(const struct visit_item *it, void *out)
{
	int k;

	for (k = 0; k < it->nsheets; k++)
		sheet_row(out, it, &it->sheet[k]);
}

static int
cmd_list(int argc, char **argv)
{
	static const int allowed[] = { 0 };
	struct pm_err e;
	struct opts o;
	struct out *out;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	out = out_open(stdout, ctx.format, ctx.excel, sheet_cols);
	visit_list(&ctx, list_item, out, &e);
	out_close(out);
	return 0;
}

static int
cmd_show(int argc, char **argv)
{
	static const int allowed[] = { 0 };
	struct visit_item *it;
	struct visit_book b;
	struct pm_err e;
	struct opts o;
	struct out *out;
	const char *ref;
	int k;

	parse(argc, argv, allowed, &o);
	ref = one_ref(argc, argv);
	visit_read_ref(&ctx, ref, &b, &e);
	it = visit_find(&b, ref);
	if (it == NULL) {
		visit_book_free(&b);
		die(EX_NOINPUT, _("REF: nothing to visit under %.40s"), ref);
	}
	out = out_open(stdout, ctx.format, ctx.excel, sheet_cols);
	for (k = 0; k < it->nsheets; k++)
		sheet_row(out, it, &it->sheet[k]);
	out_close(out);
	if (ctx.format == OUT_TABLE)
		for (k = 0; k < it->nsheets; k++) {
			if (it->sheet[k].suggestion && *it->sheet[k].suggestion)
				printf(_("suggestion: %s\n"),
				    it->sheet[k].suggestion);
			if (it->sheet[k].comment && *it->sheet[k].comment)
				printf(_("review by %s: %s\n"),
				    it->sheet[k].reviewed_by, it->sheet[k].comment);
		}
	visit_book_free(&b);
	return 0;
}

/* A period from --month or --quarter (default: this month). */
static void
period(const struct opts *o, time_t *from, time_t *to, char *label)
{
	int y, m, q;

	if (o->month && o->quarter)
		die(EX_USAGE, _("--month or --quarter, not both"));
	if (o->quarter) {
		if (clock_parse_quarter(o->quarter, &y, &q) != 0)
			die(EX_DATAERR, _("--quarter: expected YYYYQn, got "
			    "\"%.20s\""), o->quarter);
		*from = clock_month_start(y, 3 * q - 2);
		*to = clock_month_end(y, 3 * q);
		sprintf(label, "%04dQ%d", y, q);
		return;
	}
	if (o->month) {
		if (clock_parse_month(o->month, &y, &m) != 0)
			die(EX_DATAERR, _("--month: expected YYYY-MM, got "
			    "\"%.20s\""), o->month);
	} else {
		char today[11];

		clock_format_date(ctx.now, today);
		y = atoi(today);
		m = atoi(today + 5);
	}
	*from = clock_month_start(y, m);
	*to = clock_month_end(y, m);
	sprintf(label, "%04d-%02d", y, m);
}

/* SPEC 4: from 0 to 1 (out shows a table's as a percentage), "" with no data */
static void
ratio(char *out, size_t n, long num, long den)
{
	if (den == 0)
		snprintf(out, n, "%s", "");
	else
		snprintf(out, n, "%.4f", (double)num / den);
}

static int
cmd_rates(int argc, char **argv)
{
	static const int allowed[] = { OPT_MONTH, OPT_QUARTER, 0 };
	static const char *const cols[] = { "type:w", "due:n", "visited:n",
		"rate:r", "target:r", "met:w", "satisfaction_rate:r",
		"correct_rate:ro", "period:o", NULL };
	struct visit_rate r[16];
	struct visit_book b;
	struct pm_err e;
	struct opts o;
	struct out *out;
	time_t from, to;
	char label[16];
	size_t i, n;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	period(&o, &from, &to, label);
	visit_read_since(&ctx, (int)(clock_month_key(from) / 12),
	    (int)(clock_month_key(from) % 12) + 1, &b, &e);
	n = visit_rates(&ctx, &b, from, to, r);
	out = out_open(stdout, ctx.format, ctx.excel, cols);
	for (i = 0; i < n; i++) {
		char due[16], vis[16], rate[16], target[16], sat[16], cor[16];
		const char *vals[9];

		snprintf(due, sizeof due, "%ld", r[i].due);
		snprintf(vis, sizeof vis, "%ld", r[i].visited);
		ratio(rate, sizeof rate, r[i].visited, r[i].due);
		snprintf(target, sizeof target, "%.2f", r[i].target);
		ratio(sat, sizeof sat, r[i].satisfied, r[i].visited);
		ratio(cor, sizeof cor, r[i].passed, r[i].reviewed);
		vals[0] = r[i].type;
		vals[1] = due;
		vals[2] = vis;
		vals[3] = rate;
		vals[4] = target;
		vals[5] = visit_target_met(&r[i]);
		vals[6] = sat;
		vals[7] = cor;
		vals[8] = label;
		out_row(out, vals);
	}
	out_close(out);
	visit_book_free(&b);
	return 0;
}

static int
cmd_analysis(int argc, char **argv)
{
	static const int allowed[] = { OPT_QUARTER, 0 };
	static const char *const cols[] = { "finding:w", "unit", "category",
		"count:n", "refs:t", NULL };
	struct visit_finding *f;
	struct visit_book b;
	struct pm_err e;
	struct opts o;
	struct out *out;
	time_t from, to;
	char label[16];
	size_t i, n;

	parse(argc, argv, allowed, &o);
	cli_no_args(argc, argv);
	cli_need(o.quarter, "--quarter");
	period(&o, &from, &to, label);
	visit_read_since(&ctx, (int)(clock_month_key(from) / 12),
	    (int)(clock_month_key(from) % 12) + 1, &b, &e);
	n = visit_analysis(&ctx, &b, from, to, &f);
	if (ctx.format == OUT_TABLE)
		visit_analysis_form(stdout, label, f, n);
	else {
		out = out_open(stdout, ctx.format, ctx.excel, cols);
		for (i = 0; i < n; i++) {
			char count[16];
			const char *vals[5];

			snprintf(count, sizeof count, "%ld", f[i].count);
			vals[0] = f[i].kind;
			vals[1] = f[i].unit;
			vals[2] = f[i].category;
			vals[3] = count;
			vals[4] = f[i].refs;
			out_row(out, vals);
		}
		out_close(out);
	}
	visit_findings_free(f, n);
	visit_book_free(&b);
	return 0;
}

static int
cmd_verify(int argc, char **argv)
{
	return cli_verify(&ctx, argc, argv, longopts, usage, visit_verify);
}

static int
cmd_import(int argc, char **argv)
{
	return cli_import(&ctx, argc, argv, longopts, usage, visit_import);
}

static const struct cli_command commands[] = {
	{ "service", cmd_service },
	{ "due", cmd_due },
	{ "checkout", cmd_checkout },
	{ "record", cmd_record },
	{ "review", cmd_review },
	{ "rates", cmd_rates },
	{ "analysis", cmd_analysis },
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
