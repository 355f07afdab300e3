/*
 * pm.h - the plumbing of pm-tools: messages, clock, fields, output,
 * configuration, ledgers with their hash chain, archives and import.
 *
 * This header is the complete vocabulary of the lower layer (STYLE.md).
 * It knows rows, dates and formats; it never knows keys or complaints.
 * The forms (duty.h, ...) sit on top of it.
 */
#ifndef PM_H
#define PM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <sysexits.h>
#include <time.h>
#include <getopt.h>

#define PM_VERSION "0.1.0"

/* ---- msg: messages and exit statuses (SPEC 4) ------------------------- */

/*
 * The exit statuses of SPEC 4 are those of <sysexits.h>:
 * EX_USAGE 64, EX_DATAERR 65, EX_NOINPUT 66, EX_CANTCREAT 73,
 * EX_IOERR 74, EX_TEMPFAIL 75, EX_CONFIG 78.
 */
#define _(s) msg_gettext(s)
/* A message in a table of rules: translated where it is printed. */
#define N_(s) (s)

extern const char *progname;

void msg_init(const char *argv0);
/* format_arg: a translated literal is still checked as that literal's format. */
const char *msg_gettext(const char *s) __attribute__((format_arg(1)));
void die(int status, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));
void warnmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/*
 * The house's one growable array: p holds *cap elements of size; make
 * room for need of them, doubling.  GROW(a, need, cap) is the way to call
 * it: GROW(b->v, b->n + 1, b->cap) before b->v[b->n++].
 */
void *xgrow(void *p, size_t need, size_t *cap, size_t size);
#define GROW(p, need, cap) ((p) = xgrow((p), (need), &(cap), sizeof *(p)))
char *xstrdup(const char *s);
/* src into dst[size], cut short to fit and always ended: snprintf's "%s"
 * without its formatting (memccpy). */
void str_set(char *dst, size_t size, const char *src);
/* A string's hash, for the tables that find codes and units (djb2). */
size_t str_hash(const char *s);
/* v in decimal, at least min digits (zeros before), as "%0*ld" writes
 * it without printf (a row's seq, an ID's number): its length. */
size_t num_format(long v, int min, char out[24]);

/*
 * An error that a caller may report or collect (import lists them per
 * line).  The message names the field and the rule.
 */
struct pm_err {
	int status;		/* an EX_* code */
	char msg[512];
};
int errset(struct pm_err *e, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void errdie(const struct pm_err *e) __attribute__((noreturn));

/* A growing byte string. */
struct buf {
	char *s;
	size_t len, cap;
};
char *buf_room(struct buf *b, size_t n);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* b becomes the n strings s[i], each of len[i] bytes, sep between them. */
void buf_join(struct buf *b, char sep, int n, const char *const *s,
    const size_t *len);

/*
 * Records given back in order (of their first string) in little memory:
 * held in blocks up to a limit, then sorted and written to a temporary
 * file as a run; the runs merged as they are read.  spill_add them all,
 * spill_sort, then spill_peek / spill_pop each in turn.
 */
struct spill_run;
struct spill {
	size_t limit;		/* bytes held before a run (0: 4 MiB) */
	char **blocks, **v;
	size_t nblocks, capblocks, used, held, n, cap;
	FILE *spool;
	struct spill_run *runs;
	size_t nruns, capruns, next;
	int cur;
};
void spill_add(struct spill *s, const void *rec, size_t len);
void spill_sort(struct spill *s);
const char *spill_peek(struct spill *s);	/* NULL: no more */
void spill_pop(struct spill *s);
void spill_free(struct spill *s);

/* ---- clock: PM_NOW, dates, months, quarters, durations --------------- */

#define DAY_SECONDS 86400L
#define HOUR_SECONDS 3600L

time_t clock_now(void);
/* The local zone read once for the command (TZ, else /etc/localtime). */
void clock_zone_once(void);
/* "YYYY-MM-DD" or "YYYY-MM-DD HH:MM[:SS]" local time; -1 if not a real date. */
int clock_parse(const char *s, time_t *t, int *has_time);
int clock_parse_month(const char *s, int *year, int *month);
int clock_parse_quarter(const char *s, int *year, int *quarter);
/* "HH:MM", minutes after midnight. */
int clock_parse_hm(const char *s, int *minutes);
void clock_format(time_t t, char out[20]);	/* YYYY-MM-DD HH:MM:SS */
void clock_format_date(time_t t, char out[11]);	/* YYYY-MM-DD */
time_t clock_day_start(time_t t);
int clock_weekday(time_t t);		/* 1 Monday .. 7 Sunday */
time_t clock_week_start(time_t t);	/* its Monday, 00:00 */
time_t clock_add_days(time_t t, int days);	/* calendar days, same clock time */
time_t clock_month_start(int year, int month);
/* year * 12 + month - 1 of a time: months as one number. */
long clock_month_key(time_t t);
time_t clock_month_end(int year, int month);	/* first instant of next month */
int clock_days_in_month(int year, int month);
int clock_same_day(time_t a, time_t b);
int clock_minutes_of_day(time_t t);

/* ---- field: parse and validate one value, naming the field ----------- */

#define FIELD_NAME_MAX 40	/* characters */
#define FIELD_TEXT_MAX 2000	/* characters */

int utf8_valid(const char *s, size_t len);
int field_all_digits(const char *s, size_t n);	/* n digits, nothing else */
size_t utf8_chars(const char *s);
int field_unit(struct pm_err *e, const char *field, const char *v);
int field_enum(struct pm_err *e, const char *field, const char *v,
    const char *const *allowed);
int field_count(struct pm_err *e, const char *field, const char *v,
    long min, long max, long *out);
int field_name(struct pm_err *e, const char *field, const char *v);
int field_text(struct pm_err *e, const char *field, const char *v,
    size_t len, size_t maxchars);
int field_date(struct pm_err *e, const char *field, const char *v,
    time_t *t);
int field_not_future(struct pm_err *e, const char *field, time_t t,
    time_t now);
int field_phone(struct pm_err *e, const char *field, const char *v);
/*
 * The day a supervisor signs for (--date D, default yesterday): 0 when
 * it is over by now, 1 when not yet, -1 with e for a bad date.
 */
int field_day_over(struct pm_err *e, const char *date, time_t now, time_t *t);
/* An option a step cannot do without: 64 when it is missing or empty. */
int field_required(struct pm_err *e, const char *option, const char *v);
/* An amount in yuan (350, 1200.50) as fen; -1 if not one up to 10 million. */
int field_fen(const char *v, long *fen);
int field_yuan(struct pm_err *e, const char *field, const char *v,
    long *fen);
/* A number as listings mask it (138****8000): unknown, not an error. */
int field_masked(const char *v);
void field_mask_numbers(const char *s, struct buf *out);
/* When an event happened: v (a date, not in the future) or now if NULL. */
int field_event_time(struct pm_err *e, const char *field, const char *v,
    time_t now, time_t *t);

/* ---- out: table (CJK widths), csv (RFC 4180), json -------------------- */

enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON, OUT_XLSX };

struct out;
int out_parse_format(const char *s, enum out_format *f);
struct out *out_open(FILE *fp, enum out_format f, int excel,
    const char *const *cols);
void out_row(struct out *o, const char *const *vals);
void out_close(struct out *o);
/* Display width of UTF-8 text in terminal columns (wcwidth). */
int out_width(const char *s);
/*
 * text wrapped to width display columns (CJK counted double), breaking
 * at spaces where it can: the first line goes on from column at, the
 * next ones start indent columns in; every line ends with a newline.
 */
void out_wrap(struct buf *b, const char *text, int at, int indent,
    int width);
/* s cut to width display columns, "…" marking the cut. */
void out_cut(struct buf *b, const char *s, int width);
/*
 * xlsx (SPEC 5): a real spreadsheet, written with libxlsxwriter to path
 * (NULL: to stdout, which must not be a terminal) when out_finish runs.
 * Each out_open adds a worksheet, named by out_sheet_name if given.
 * Until out_finish succeeds, an exit removes path: a command that fails
 * leaves no half-written --out file.
 */
void out_xlsx_to(const char *path);
void out_sheet_name(const char *name);
/* --out FILE for csv, json and tables: stdout goes there. */
void out_redirect(const char *path);
/* Ends the output: writes the spreadsheet; dies on an I/O error. */
void out_finish(void);
/* --wide: tables are never cut. */
void out_set_wide(int on);
/* The width to fit a table or text to on fp, or 0: do not cut (SPEC 6). */
int out_columns(FILE *fp);
/* words.c: the desk's words in Chinese; NULL when there is none. */
const char *words_title(const char *col);
const char *words_value(const char *col, const char *value);
int words_chinese(void);	/* LC_MESSAGES is a zh locale */
/* value as a person reads it here: Chinese in a zh locale. */
const char *words_say(const char *col, const char *value);
/* Text padded with spaces to a display width (printed forms). */
void out_pad(struct buf *b, const char *s, int width);
/* A line of a printed form: the label in 12 columns, the value wrapped to 80. */
void out_form_line(struct buf *b, const char *label, const char *value);
/*
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR);
 * --excel writes it after an apostrophe, the spreadsheets' text mark,
 * and import takes that apostrophe away again.
 */
int out_formula_like(const char *s);
/* One CSV field, quoted when needed (libcsv). */
void csv_field(struct buf *b, const char *s, size_t len);
/* The same at dst, which has room for CSV_PUT_MAX(len): its length. */
#define CSV_PUT_MAX(len) (2 * (len) + 2)
size_t csv_put(char *dst, const char *s, size_t len);
/* libcsv's space test, answering no: a space is part of a field */
int libcsv_no_space(unsigned char c);
void json_string(struct buf *b, const char *s);

/* ---- conf: pm.conf (SPEC 3) ------------------------------------------ */

#define CONF_LIST_MAX 32
#define CONF_HOLIDAYS_MAX 64

struct conf {
	char office[9];
	long households;
	int duty_start, duty_end;	/* minutes after midnight */
	struct { time_t from, to; } holidays[CONF_HOLIDAYS_MAX];	/* days */
	int nholidays;
	long loan_days;
	long parcel_days;	/* SPEC 2.7: before an item's second notice */
	long large_client_fen;	/* SPEC 2.9: a large client owes this much */
	char *departments[CONF_LIST_MAX];
	int ndepartments;
	char *manager;
	char *quality_supervisor;
	char *supervisors[CONF_LIST_MAX];
	int nsupervisors;
	char *responsible[CONF_LIST_MAX];	/* SPEC 2.8: 治理处责任人 */
	int nresponsible;
	long reno_refund_days;	/* SPEC 2.8: the deposit refunded within */
	long lock_timeout;	/* seconds */
	long activity_visit_target;	/* percent (SPEC 2.4, default 10) */
	int shared;		/* shared = group: several Unix accounts */
	int require_signed;	/* require_signed_reviews = yes */
};

int conf_load(struct conf *c, const char *dir, struct pm_err *e);
void conf_free(struct conf *c);
int conf_is_holiday(const struct conf *c, time_t day);
/* SPEC 3: when approvers are configured, anyone else is refused. */
int conf_is_manager(const struct conf *c, const char *name);
int conf_is_department(const struct conf *c, const char *dept);
int conf_is_supervisor(const struct conf *c, const char *name);
int conf_is_responsible(const struct conf *c, const char *name);

/* ---- cli: what every command shares (SPEC 4) ------------------------- */

struct pm_ctx {
	const char *data;	/* the data directory */
	const char **datas;	/* pm-report: every -D, in order */
	int ndata;
	size_t capdata;
	const char *user;	/* --as, PM_USER, login name */
	const char *out;	/* --out FILE */
	enum out_format format;
	int excel;
	time_t now;
	struct conf conf;
	int conf_loaded;
};

enum {
	OPT_AS = 0x100, OPT_FORMAT, OPT_EXCEL, OPT_DRYRUN, OPT_ENCODING,
	OPT_WIDE, OPT_OUT, OPT_WITNESS, OPT_COMMON_LAST
};
#define CLI_COMMON_LONGOPTS \
	{ "data", required_argument, NULL, 'D' }, \
	{ "as", required_argument, NULL, OPT_AS }, \
	{ "format", required_argument, NULL, OPT_FORMAT }, \
	{ "excel", no_argument, NULL, OPT_EXCEL }, \
	{ "wide", no_argument, NULL, OPT_WIDE }, \
	{ "out", required_argument, NULL, OPT_OUT }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }, \
	{ "dry-run", no_argument, NULL, OPT_DRYRUN }, \
	{ "encoding", required_argument, NULL, OPT_ENCODING }, \
	{ "witness", required_argument, NULL, OPT_WITNESS }

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
};

void cli_init(struct pm_ctx *ctx, const char *argv0);
void cli_many_offices(void);	/* pm-report: -D again is another office */
/*
 * main() of every command: options before the command word, then the
 * command's own run(argc, argv) with argv[0] the command word.
 */
int cli_main(struct pm_ctx *ctx, int argc, char **argv,
    const struct option *longopts, const struct cli_command *cmds,
    size_t ncmds, void (*usage)(int));
/* A subcommand's getopt code c must be among allowed (0-terminated). */
void cli_allowed(int c, const int *allowed, char **argv, void (*usage)(int));
void cli_bad_option(int c, char **argv, void (*usage)(int));
/* Fresh getopt_long scan of a subcommand's argv. */
void cli_rescan(void);
/*
 * The next of a subcommand's own options (one of allowed), the common
 * ones handled on the way; -1 at the end.
 */
int cli_getopt(struct pm_ctx *ctx, int argc, char **argv,
    const struct option *longopts, const int *allowed, void (*usage)(int));
/* usage(status): stdout for --help, or "Try ... --help" and exit status. */
FILE *cli_usage_fp(int status);
/* --help: the options every command takes, and a blank line. */
void cli_usage_options(FILE *fp);
/* The small things every command says the same way. */
void cli_need(const char *value, const char *option);
void cli_no_args(int argc, char **argv);
void cli_print_id(const char *id);
/* After a record or form printed from books that do not verify: exit 65. */
void cli_unvouched(const struct pm_err *e);
/* verify and import FILE, the same for every ledger-owning command. */
int cli_verify(struct pm_ctx *ctx, int argc, char **argv,
    const struct option *longopts, void (*usage)(int),
    int (*verify)(struct pm_ctx *, FILE *, struct pm_err *));
int cli_import(struct pm_ctx *ctx, int argc, char **argv,
    const struct option *longopts, void (*usage)(int),
    int (*import)(struct pm_ctx *, const char *, const char *, int, FILE *,
    struct pm_err *));
/* Handle a common option; returns 1 if it was one. */
int cli_common(struct pm_ctx *ctx, int c, const char *arg,
    void (*usage)(int));
/* Resolve data directory, user and configuration; dies on error. */
void cli_ready(struct pm_ctx *ctx);
const char *cli_user(struct pm_ctx *ctx);

/* ---- files: what the commands create, with the office's modes -------- */

/*
 * SPEC 3: 0640/0750 (a private book 0600/0700), or with shared = group
 * 0660/2770 in the data directory's group, whatever the umask.
 * cli_ready sets the policy from pm.conf; files_open adds O_CREAT.
 */
void files_share(const char *dir, int shared);
int files_shared(void);
int files_open(const char *path, int flags, mode_t mode);
/* path.tmp.XXXXXX, random; files_sweep: the stale ones (age 0: all). */
int files_temp(const char *path, struct buf *tmp, mode_t mode);
void files_sweep(const char *path, time_t age);
/* fd (or -1, errno) opened on path: a link or not a regular file is 73. */
int files_refused(int fd, const char *path, struct pm_err *e);
/* 0, or -1 with errno; a directory that exists already is fine. */
int files_mkdir(const char *path, mode_t mode);

/* ---- deadlines: what every form tells when one has passed (SPEC 2.10) - */

/*
 * One deadline passed: the shape in which every form module gives its
 * breaches (the columns of pm-complaint overdue: which matter, which
 * deadline, since when, to whom it escalates), so that pm-report alert
 * reads a new form's deadlines without knowing the form.
 */
struct pm_breach {
	const char *book;	/* complaints, keys, visits, ... */
	const char *id;		/* the matter: code, loan, ref */
	const char *unit;
	const char *deadline;	/* the rule's name */
	time_t due;		/* it passed after this instant */
	const char *escalate_to;	/* a role (manager, supervisor) or a dept */
	const char *escalate_name;	/* the person pm.conf names, or "" */
	const char *what;	/* the rule in words */
};
typedef void (*breach_fn)(const struct pm_breach *b, void *arg);

/* ---- ledger: append-only, locked, durable, hash-chained CSV ----------- */

/*
 * Every ledger row is
 *   seq, at, <form columns>, by, written_at, hash
 * seq counts the rows of the ledger's whole history (1, 2, ...); at is
 * when the event happened; hash is the SHA-256 (hex) of the previous
 * row's hash, a newline, and this row's fields before hash, CSV-encoded.
 * The first row chains to the SHA-256 of the header line.
 */
#define LEDGER_COLS_MAX 32
#define LEDGER_ROW_MAX (256 * 1024)	/* bytes; a longer row is damage */
#define HASH_HEX 64

struct ledger_def {
	const char *name;		/* file stem, e.g. "duty_log" */
	const char *const *cols;	/* the form's columns, NULL-terminated */
	mode_t mode;			/* 0640, or 0600 for the owner archive */
	int retention;			/* SPEC 3: years a volume is kept; 0: for good */
};

/* A parsed row: fields by index of the full column list. */
struct row {
	int n;
	char *f[LEDGER_COLS_MAX];
	size_t len[LEDGER_COLS_MAX];
	long line;		/* line number where the row starts */
	const char *file;	/* the file it came from */
	const char *raw;	/* its bytes as written, when the reader */
	size_t rawlen;		/* asked for them (verify, archive) */
	off_t off;		/* where it begins in its file */
};

struct ledger;
struct ledger *ledger_open(const struct ledger_def *def, const char *dir);
void ledger_close(struct ledger *l);
const char *ledger_path(const struct ledger *l);
int ledger_exists(const struct ledger *l);	/* begun, or not yet */
int ledger_ncols(const struct ledger *l);
/* Index of a column by name in the full row, or -1. */
int ledger_col(const struct ledger *l, const char *name);
const char *row_get(const struct ledger *l, const struct row *r,
    const char *col);
/* row_get, copied into out (cut to size). */
void row_copy(const struct ledger *l, const struct row *r, const char *col,
    char *out, size_t size);
/* row_get, in a string of its own. */
char *row_strdup(const struct ledger *l, const struct row *r,
    const char *col);
long row_seq(const struct row *r);

/*
 * Read the whole book, archived volumes and the live file merged in row
 * order, in memory bounded by the number of volumes.
 */
typedef int (*row_fn)(const struct row *r, void *arg);
int ledger_scan(struct ledger *l, row_fn fn, void *arg);
/*
 * Read only the volumes of matters closed in or after year-month, and
 * the live file: every open matter and every matter closed since.
 */
int ledger_scan_since(struct ledger *l, int year, int month, row_fn fn,
    void *arg);
/* Read the live file only: every open matter (and some closed ones). */
int ledger_scan_live(struct ledger *l, row_fn fn, void *arg);
/*
 * A reader that wants few of the rows says so on their bytes, before
 * they are split: want(raw, len, arg) 0 passes a row over.  It sees a
 * row written on one line (one with a line break inside is split and
 * given to fn as always), so it may only answer 0 for a row it is sure
 * of; every scan of l until ledger_want(l, NULL, NULL).
 */
typedef int (*raw_want_fn)(const char *raw, size_t len, void *arg);
void ledger_want(struct ledger *l, raw_want_fn want, void *arg);
/* Every row split, whatever a reader wants: the tests hold both alike. */
void ledger_want_ignore(int on);
/*
 * Mark rows with the given code whatever the processor has better: 0 the
 * portable (SSE2, or byte by byte), 1 AVX2, 2 AVX-512; -1 the best again.
 * -1 when the processor has not that one.  The tests hold every one to
 * the same reading.
 */
int ledger_scan_level(int level);
/* A want: the rows whose bytes hold text (a NUL-ended string) somewhere. */
int ledger_row_holds(const char *raw, size_t len, void *text);
/*
 * Several books (since as ledger_scan_since's month key; 0: all) as one
 * stream in the order the rows were written; fn learns which book.
 */
struct ledger_mark;
typedef int (*book_row_fn)(int book, const struct row *r, void *arg);
int ledger_scan_books(struct ledger **l, int n, long since,
    const struct ledger_mark *marks, book_row_fn fn, void *arg);

/*
 * The month index (BOOK.idx beside the live book): for a month, the row
 * of the live file from which a reader of that month on must read; the
 * rows before it belong to matters closed before the month (a form's
 * fold, which knows its matters, finds the row and keeps it here).  An
 * entry is a hint checked on use: it names the row's seq and the start
 * of its hash, so an entry that no longer fits the book (archived since)
 * is passed over and the book read from its start.
 */
struct ledger_mark {
	long month;		/* year * 12 + month - 1; 0: none */
	long seq, line;
	off_t off;
	char hash[17];		/* the first 16 hex digits of the row's hash */
	int past;		/* 1: from the row after it */
};
/*
 * The entries of the newest months are kept: a month's report reads
 * from two months before it (its visits are due from the handlings of
 * the month before), so six cover the reports of the last four months.
 */
#define LEDGER_MARKS_KEPT 6
/* The entry for the latest month <= month; 0, or -1 when there is none. */
int ledger_mark_get(struct ledger *l, long month, struct ledger_mark *m);
/* Keep m (with the newest months' entries); quietly a cache. */
void ledger_mark_put(struct ledger *l, const struct ledger_mark *m);
/* The row r of l as a mark for month. */
void ledger_mark_of(struct ledger *l, const struct row *r, long month,
    struct ledger_mark *m);
int ledger_mark_marks_live(struct ledger *l, const struct row *r);
void ledger_mark_drop(struct ledger *l);
/* The entries kept, oldest month first (at most max); how many. */
int ledger_marks(struct ledger *l, struct ledger_mark *m, int max);

/*
 * Appending.  ledger_begin takes the lock (waiting conf lock_timeout
 * seconds, then exit 75), sets a torn last row aside, and learns the
 * last seq and hash from the tail.  Rows added are hashed in order;
 * ledger_commit writes them: one row with one write() and fsync();
 * several rows by writing a new file and renaming it over the old one,
 * so that a crash leaves all or none of them.
 */
struct ledger_tx;
struct ledger_tx *ledger_begin(struct ledger *l, long lock_timeout);
long ledger_tx_next_seq(const struct ledger_tx *tx);
long ledger_tx_last_seq(const struct ledger_tx *tx);
const char *ledger_tx_book(const struct ledger_tx *tx);	/* its name */
const char *ledger_tx_head(const struct ledger_tx *tx);
/* vals: the form columns in order; returns the new row's seq. */
long ledger_add(struct ledger_tx *tx, time_t at, const char *by,
    time_t written_at, const char *const *vals);
void ledger_commit(struct ledger_tx *tx);
void ledger_rollback(struct ledger_tx *tx);
/*
 * Commit several books (locked in a fixed order) all or none: their new
 * contents are staged beside them and a journal makes them one commit.
 */
void ledger_commit_group(struct ledger_tx **tx, int n);

/*
 * A job's lock, not a book's: DIR/NAME.lock held until the process exits
 * (pm-report alert runs one at a time), waiting lock_timeout seconds,
 * then exit 75.
 */
void ledger_lock_job(const char *dir, const char *name, long lock_timeout);
/* PM_TEST_CRASH names this point (crash tests kill a command there). */
int ledger_crash_point(const char *point);

/* Anchors: a ledger's chain head recorded outside it (reviews, archives). */
long ledger_anchor(struct ledger_tx *tx, const char *dir, const char *reason,
    const char *subject, time_t now, const char *by);
struct anchor {
	char ledger[64];
	long seq;
	char head[HASH_HEX + 1];
	char reason[64];
	char subject[64];
	char at[20];
	char by[128];
};
typedef int (*anchor_fn)(const struct anchor *a, void *arg);
int anchors_scan(const char *dir, anchor_fn fn, void *arg);

/*
 * verify: walk every volume and the live file, recompute the chain,
 * check every anchor.  Returns 0 when clean; otherwise fills e with the
 * first damage found (file, line, row and what is wrong).
 */
int ledger_verify(struct ledger *l, struct pm_err *e, long *rows);
/*
 * Witnessed heads (SPEC 3): any book opened from its header alone; its
 * head (last seq and hash, 0 and the header's hash when empty); and the
 * hashes of the rows at the seqs a witness kept (got[i] "" when the row
 * is not there to read).
 */
struct ledger *ledger_open_book(const char *dir, const char *name);
/* The head as the book's tail says, read only (no lock, no repair). */
int ledger_last(struct ledger *l, long *seq, char hash[HASH_HEX + 1]);
/*
 * The foot of a printed form: the heads of the books it read (SPEC 3);
 * and, as ledger_vouch, the rows written since `since` vouched for.
 */
int ledger_heads_footer(const char *dir, const char *const *books,
    time_t since, FILE *out, struct pm_err *e);
/* The chains of the rows since `since` (0: all) hold, from the nearest head. */
int ledger_vouch(const char *dir, const char *const *books, time_t since,
    struct pm_err *e);
int ledger_vouch_book(struct ledger *l, time_t since, struct pm_err *e);
int ledger_head(struct ledger *l, long *seq, char hash[HASH_HEX + 1],
    struct pm_err *e);
int ledger_witness(struct ledger *l, const long *want, size_t n,
    char (*got)[HASH_HEX + 1], struct pm_err *e);
/*
 * Heads kept elsewhere (the lines of `pm-report heads`, csv or text; "-"
 * standard input): do the books of dir still hold those rows?  A line
 * on out for each; -1 with e (exit 65) at the first that does not.
 */
int ledger_witness_file(const char *dir, const char *file, FILE *out,
    struct pm_err *e);
/*
 * sign.c: SSH signatures of anchored heads (SPEC 3), by ssh-keygen -Y in
 * the namespace pm-tools.  sign_text is what is signed, sign_path where
 * the signature is kept; sign_key the private key (given, else
 * $PM_SIGNING_KEY, else ~/.ssh/id_ed25519; b holds the last); sign_make
 * signs; sign_store keeps it (synced); sign_verify checks every signed
 * anchor against DIR/allowed_signers, and with sign_require(1) (pm.conf
 * require_signed_reviews) an unsigned review after a signed one.
 */
struct anchor;
void sign_text(const struct anchor *a, struct buf *b);
void sign_path(const char *dir, const struct anchor *a, struct buf *b);
const char *sign_key(const char *given, struct buf *b);
int sign_make(const char *key, const char *text, struct buf *sig,
    struct pm_err *e);
int sign_store(const char *path, const struct buf *sig, struct pm_err *e);
struct ledger_tx;
int sign_head(const char *dir, struct ledger_tx *tx, const char *reason,
    const char *subject, time_t now, const char *by, const char *key,
    struct pm_err *e);
/* One signed anchor: its signature kept, good, by an allowed signer. */
int sign_check(const char *dir, const struct anchor *a, struct pm_err *e);
void sign_require(int on);
int sign_verify(const char *dir, FILE *out, struct pm_err *e);
/* The anchors book, which every form's verify checks too. */
extern const struct ledger_def ledger_anchors;
/*
 * verify for a command: each of its books, then the anchors; one line a
 * book on out; the first damage in e.
 */
int ledger_verify_books(const char *dir, const struct ledger_def *const *defs,
    FILE *out, struct pm_err *e);

/* Archive volumes of a ledger (read path), sorted oldest first. */
int archive_volumes(const char *dir, const char *ledger, char ***paths);
void archive_volumes_free(char **paths, int n);
/* The month of a volume (year * 12 + month - 1) from its name, or -1. */
long archive_volume_month(const char *path);

/*
 * Archiving (SPEC 3).  The form says, for each live row, the month its
 * matter was closed (year * 12 + month - 1), or -1 while it is open.
 * Rows of matters closed before the month `before` move, bytes unchanged,
 * into archive/<ledger>/<YYYY>/<ledger>-<YYYY-MM>.csv.gz with a
 * .manifest (rows, SHA-256 of the volume, the book's head, the runs of
 * rows it holds); the live book keeps the rest.  Crash-atomic through a
 * journal; the chain head is anchored.  Ends tx.  Returns rows moved.
 */
typedef long (*archive_fn)(const struct ledger *l, const struct row *r,
    void *arg);
typedef void (*archive_report_fn)(const char *ledger, const char *volume,
    long rows, void *arg);
long ledger_archive(struct ledger_tx *tx, long before, archive_fn fn,
    void *arg, int dry_run, archive_report_fn report, void *rarg,
    time_t now, const char *by);
/*
 * Retention: remove one volume (its manifest stays, so verify can carry
 * the chain over the rows), recorded first in purges.csv.
 */
extern const struct ledger_def ledger_purges;
int ledger_purge(struct ledger *l, const char *volume, const char *reason,
    long lock_timeout, time_t now, const char *by, struct pm_err *e);

/* ---- import: read a foreign CSV, validate all, write all or nothing --- */

struct import_src;
/* encoding: NULL to detect (UTF-8 with or without BOM, else GB18030). */
struct import_src *import_open(const char *path, const char *encoding,
    struct pm_err *e);
/* Next record: header names columns; returns 1, 0 at end, -1 on error. */
int import_next(struct import_src *s, struct row *r, struct pm_err *e);
/*
 * Read the header row and find each name's column (-1 when absent);
 * a name may list aliases, "from|from_staff".  -1 on an empty file.
 */
int import_header(struct import_src *s, const char *const *names, int *col,
    const char *file, struct pm_err *e);
void import_close(struct import_src *s);
/* Lines split without libcsv where it would read them alike (1, the
 * default); 0 for tests to compare. */
void import_split_plain(int on);
struct seen_key;
/*
 * A form's check of one record, run on the parser's thread as a chunk
 * is parsed (on the reader's for the rows parsed before it was given):
 * it reads r, fills note (note_size bytes, zeroed, aligned) and may sum
 * a key with k; -1 with e refuses the record.  It reads nothing that
 * changes while the file is read, and writes only note, k and e.
 */
typedef int import_check_fn(const struct row *r, void *note,
    struct seen_key *k, void *arg, struct pm_err *e);
void import_set_check(struct import_src *s, import_check_fn *fn,
    size_t note_size, void *arg);
/*
 * import_open and import_header: the file ready at its first record,
 * with every column of need (NULL-ended, or NULL: none) in its header.
 */
struct import_src *import_start(const char *file, const char *encoding,
    const char *const *names, const char *const *need, int *col,
    struct pm_err *e);
/*
 * The end of an import read to rc (import_next's last): -1 with e when
 * it failed or rows had errors (exit 65, nothing written), else the
 * summary line on out.
 */
int import_finish(FILE *out, const char *file, int rc, long errors,
    int dry_run, long added, long present, struct pm_err *e);

/*
 * Which records a book already holds, so that importing the same file
 * twice adds nothing (SPEC 5): a set of SHA-256 digests of record keys.
 */
#define IMPORT_ERRORS_SHOWN 50	/* bad rows told, one line each */

struct evp_md_st;
struct evp_md_ctx_st;
/* SHA-256, every hash of pm-tools: fetched once, the first time. */
const struct evp_md_st *sha256_md(void);

/* A record's key being made, and its hasher: one a thread. */
struct seen_key {
	struct buf b;
	struct evp_md_ctx_st *md;
};
/* The 16 bytes the set keeps of the key in k->b. */
void seen_key_sum(struct seen_key *k, unsigned char d[16]);

struct import_seen {
	unsigned char (*v)[16];
	size_t n, cap;
	struct seen_key key;	/* for import_seen_add */
};
/* Returns 1 when key is new (and adds it), 0 when already seen. */
int import_seen_add(struct import_seen *s, const char *key, size_t len);
/* The same for a key summed already (seen_key_sum). */
int import_seen_put(struct import_seen *s, const unsigned char d[16]);
/* Room for n keys at once (the book's rows and the file's, estimated). */
void import_seen_reserve(struct import_seen *s, size_t n);
/* The rows of the file, estimated from its size and its first chunk. */
size_t import_rows_hint(const struct import_src *s);
/* The one line an import ends with on stdout. */
void import_summary(FILE *out, int dry_run, long added, long present);
void import_seen_free(struct import_seen *s);
/*
 * The record import_next gave, through the form's check: its note when
 * it is to be written, its key (at key_at in the note) new to seen.
 * NULL when the check refused it (told on stderr, counted in *errors),
 * when rows before it were refused, or when seen has it (*dups).
 */
const void *import_take(struct import_src *s, struct import_seen *seen,
    size_t key_at, long *errors, long *dups);

#endif
