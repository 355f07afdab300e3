/*
 * cli.c - what every command's command line shares (SPEC 4): -D/--data,
 * --as, --format, --excel, -h, -V, and the environment PM_DATA,
 * PM_USER and PM_NOW.
 */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pm.h"

void
cli_init(struct pm_ctx *ctx, const char *argv0)
{
	static char obuf[64 * 1024];

	memset(ctx, 0, sizeof *ctx);
	msg_init(argv0);
	clock_zone_once();
	/* a pipe or a file takes whole 64 KiB writes, not stdio's 4 KiB */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	opterr = 0;	/* getopt's messages name the subcommand: ours, below */
	ctx->format = OUT_TABLE;
}

static int many_offices;

/* pm-report: -D more than once is a report across those offices. */
void
cli_many_offices(void)
{
	many_offices = 1;
}

/* -D DIR: one office, or (pm-report) each office once, in order. */
static void
cli_data(struct pm_ctx *ctx, const char *arg)
{
	int i;

	for (i = 0; i < ctx->ndata; i++)
		if (ctx->datas[i] == arg)
			return;		/* the same argument, read again */
	if (ctx->ndata > 0 && !many_offices)
		die(EX_USAGE, _("-D/--data: given twice (%s, then %s); %s "
		    "works on one office's books"), ctx->data, arg, progname);
	GROW(ctx->datas, (size_t)ctx->ndata + 1, ctx->capdata);
	ctx->datas[ctx->ndata++] = arg;
	if (ctx->ndata == 1)
		ctx->data = arg;
}

int
cli_common(struct pm_ctx *ctx, int c, const char *arg, void (*usage)(int))
{
	switch (c) {
	case 'D':
		cli_data(ctx, arg);
		return 1;
	case OPT_AS:
		ctx->user = arg;
		return 1;
	case OPT_FORMAT:
		if (out_parse_format(arg, &ctx->format) != 0)
			die(EX_USAGE, _("--format: expected table, csv, json or "
			    "xlsx, got \"%s\""), arg);
		return 1;
	case OPT_EXCEL:
		ctx->excel = 1;
		return 1;
	case OPT_WIDE:
		out_set_wide(1);
		return 1;
	case OPT_OUT:
		ctx->out = arg;
		return 1;
	case OPT_DRYRUN:
	case OPT_ENCODING:
	case OPT_WITNESS:
		return 0;	/* import's and verify's own */
	case 'h':
		usage(0);
		return 1;
	case 'V':
		printf("%s (pm-tools) %s\n", progname, PM_VERSION);
		exit(0);
	}
	return 0;
}

const char *
cli_user(struct pm_ctx *ctx)
{
	struct pm_err e;
	const char *u = ctx->user;

	if (u == NULL)
		u = getenv("PM_USER");
	if (u == NULL || *u == '\0') {
		struct passwd *pw = getpwuid(getuid());

		u = pw ? pw->pw_name : "unknown";
	}
	if (field_name(&e, "--as", u) != 0)
		errdie(&e);
	ctx->user = u;
	return u;
}

/* Where the output goes: --out FILE, and a spreadsheet never to a tty. */
static void
cli_output(struct pm_ctx *ctx)
{
	if (ctx->format == OUT_XLSX) {
		if (ctx->out == NULL && isatty(STDOUT_FILENO))
			die(EX_USAGE, _("--format xlsx: a spreadsheet is not for "
			    "the terminal; give --out FILE (or a pipe)"));
		out_xlsx_to(ctx->out);
	} else if (ctx->out != NULL)
		out_redirect(ctx->out);
}

void
cli_ready(struct pm_ctx *ctx)
{
	struct pm_err e;
	struct stat st;

	if (ctx->data == NULL)
		ctx->data = getenv("PM_DATA");
	if (ctx->data == NULL || *ctx->data == '\0') {
		if (access("pm.conf", F_OK) != 0)
			die(EX_USAGE, _("no data directory: set PM_DATA or give "
			    "-D DIR"));
		ctx->data = ".";
	}
	if (stat(ctx->data, &st) != 0)
		die(EX_NOINPUT, _("data directory %s: %s"), ctx->data,
		    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		die(EX_NOINPUT, _("data directory %s: not a directory"),
		    ctx->data);
	/*
	 * A directory anyone may write is one anyone may plant files in:
	 * refused, unless sticky and ours (as /tmp), or the office says it
	 * is shared by a group (pm.conf shared = group).
	 */
	if (conf_load(&ctx->conf, ctx->data, &e) != 0)
		errdie(&e);
	if ((st.st_mode & S_IWOTH) && !ctx->conf.shared &&
	    !((st.st_mode & S_ISVTX) && st.st_uid == geteuid()))
		die(EX_CANTCREAT, _("data directory %s is writable by everyone: "
		    "anyone could plant files in it (chmod o-w %s)"), ctx->data,
		    ctx->data);
	ctx->conf_loaded = 1;
	files_share(ctx->data, ctx->conf.shared);
	sign_require(ctx->conf.require_signed);
	cli_output(ctx);
	ctx->now = clock_now();
	cli_user(ctx);
}

void
cli_rescan(void)
{
	optind = 0;	/* glibc: start a fresh scan */
}

int
cli_getopt(struct pm_ctx *ctx, int argc, char **argv,
    const struct option *longopts, const int *allowed, void (*usage)(int))
{
	int c;

	while ((c = getopt_long(argc, argv, ":D:hV", longopts, NULL)) != -1) {
		if (cli_common(ctx, c, optarg, usage))
			continue;
		cli_allowed(c, allowed, argv, usage);
		return c;
	}
	return -1;
}

FILE *
cli_usage_fp(int status)
{
	if (status) {
		fprintf(stderr, _("Try '%s --help' for more information.\n"),
		    progname);
		exit(status);
	}
	return stdout;
}

void
cli_usage_options(FILE *fp)
{
	fputs(_(
"Options:\n"
"  -D, --data DIR     the office's data directory (default $PM_DATA)\n"
"      --as NAME      record as NAME (default $PM_USER, else login name)\n"
"      --format F     table, csv, json or xlsx (default table)\n"
"      --out FILE     write to FILE (xlsx: needed for a terminal)\n"
"      --excel        with --format csv: BOM, CRLF, formulas neutralised\n"
"      --wide         tables in full, never cut to the terminal\n"
"  -h, --help         show this help and exit\n"
"  -V, --version      show the version and exit\n"
"      --witness F    with verify: the heads a witness kept (pm-report heads)\n"
"\n"), fp);
}

/* An option getopt refused: one line naming it, as the command. */
void
cli_bad_option(int c, char **argv, void (*usage)(int))
{
	const char *opt = argv[optind - 1], *slash = strrchr(argv[0], '/');
	struct buf b = { 0 };

	/* before the command (argv[0] is the program), no command named */
	if (strcmp(slash ? slash + 1 : argv[0], progname) != 0)
		buf_addf(&b, "%s: ", argv[0]);
	if (c == ':')
		buf_addf(&b, _("option %s needs a value"), opt);
	else if (optopt != 0 && strncmp(opt, "--", 2) != 0)
		buf_addf(&b, _("unknown option -%c"), optopt);
	else
		buf_addf(&b, _("unknown option %s"), opt);
	warnmsg("%s", b.s);
	buf_free(&b);
	usage(EX_USAGE);
}

void
cli_allowed(int c, const int *allowed, char **argv, void (*usage)(int))
{
	int i;

	if (c == '?' || c == ':')
		cli_bad_option(c, argv, usage);
	for (i = 0; allowed[i] && allowed[i] != c; i++)
		;
	if (allowed[i] == 0) {
		/* "--opt value": the option is the word before its value */
		const char *opt = argv[optind - 1][0] != '-' && optind >= 2 ?
		    argv[optind - 2] : argv[optind - 1];

		warnmsg(_("%s: option %s does not apply here"), argv[0], opt);
		usage(EX_USAGE);
	}
}

int
cli_main(struct pm_ctx *ctx, int argc, char **argv,
    const struct option *longopts, const struct cli_command *cmds,
    size_t ncmds, void (*usage)(int))
{
	size_t i;
	int c;

	cli_init(ctx, argv[0]);
	/* Options before the command apply to it. */
	while ((c = getopt_long(argc, argv, "+:D:hV", longopts, NULL)) != -1)
		if (!cli_common(ctx, c, optarg, usage)) {
			if (c == '?' || c == ':')
				cli_bad_option(c, argv, usage);
			usage(EX_USAGE);
		}
	if (optind >= argc) {
		warnmsg(_("a command is required"));
		usage(EX_USAGE);
	}
	for (i = 0; i < ncmds; i++)
		if (strcmp(argv[optind], cmds[i].name) == 0) {
			int rc = cmds[i].run(argc - optind, argv + optind);

			if (rc == 0)
				out_finish();
			return rc;
		}
	die(EX_USAGE, _("unknown command \"%s\" (try '%s --help')"),
	    argv[optind], progname);
}

void
cli_need(const char *value, const char *option)
{
	if (value == NULL)
		die(EX_USAGE, _("%s is required (try '%s --help')"), option,
		    progname);
}

void
cli_no_args(int argc, char **argv)
{
	if (optind < argc)
		die(EX_USAGE, _("unexpected argument \"%s\" (try '%s --help')"),
		    argv[optind], progname);
}

void
cli_print_id(const char *id)
{
	printf("%s\n", id);
	if (fflush(stdout) != 0)
		die(EX_IOERR, "stdout: write error");
}

void
cli_unvouched(const struct pm_err *e)
{
	fflush(stdout);
	die(EX_DATAERR, _("%s; what is printed above may have been changed "
	    "since it was written (verify)"), e->msg);
}

/* Parse a subcommand that takes only the common options (and import's). */
/* import's options (dry_run, encoding), or verify's (witness, NULL). */
static void
parse_plain(struct pm_ctx *ctx, int argc, char **argv,
    const struct option *longopts, void (*usage)(int), int *dry_run,
    const char **encoding)
{
	int c;

	cli_rescan();
	while ((c = getopt_long(argc, argv, ":D:hV", longopts, NULL)) != -1) {
		if (cli_common(ctx, c, optarg, usage))
			continue;
		if (dry_run && c == OPT_DRYRUN)
			*dry_run = 1;
		else if (dry_run && c == OPT_ENCODING)
			*encoding = optarg;
		else if (!dry_run && c == OPT_WITNESS)
			*encoding = optarg;
		else
			cli_allowed(c, (const int[]){ 0 }, argv, usage);
	}
	cli_ready(ctx);
}

int
cli_verify(struct pm_ctx *ctx, int argc, char **argv,
    const struct option *longopts, void (*usage)(int),
    int (*verify)(struct pm_ctx *, FILE *, struct pm_err *))
{
	const char *witness = NULL;
	struct pm_err e;

	parse_plain(ctx, argc, argv, longopts, usage, NULL, &witness);
	cli_no_args(argc, argv);
	/* SPEC 3: the chain, then the heads a witness kept of it */
	if (verify(ctx, stdout, &e) != 0 || (witness != NULL &&
	    ledger_witness_file(ctx->data, witness, stdout, &e) != 0))
		errdie(&e);
	return 0;
}

int
cli_import(struct pm_ctx *ctx, int argc, char **argv,
    const struct option *longopts, void (*usage)(int),
    int (*import)(struct pm_ctx *, const char *, const char *, int, FILE *,
    struct pm_err *))
{
	const char *encoding = NULL;
	struct pm_err e;
	int dry_run = 0;

	parse_plain(ctx, argc, argv, longopts, usage, &dry_run, &encoding);
	if (optind + 1 != argc)
		die(EX_USAGE, _("import: expected one FILE, or - for standard "
		    "input"));
	if (import(ctx, argv[optind], encoding, dry_run, stdout, &e) != 0)
		errdie(&e);
	return 0;
}
