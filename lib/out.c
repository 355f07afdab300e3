/*
 * out.c - the one output formatter: aligned tables that measure Chinese
 * (double-width) text with wcwidth, RFC 4180 CSV (optionally safe for
 * spreadsheets, SPEC 5), and JSON arrays of objects.
 *
 * A column is named "name" or "name:FLAGS", FLAGS letters saying what its
 * cells are (the header says "name"):
 *   n  a number: bare in JSON
 *   t  free text: cut with "…" to fit a terminal (never a code, unit,
 *      date or number)
 *   w  a word of the contract (a status, kind, role, deadline): said in
 *      Chinese in a table in a zh locale
 *   r  a rate from 0 to 1: "80.0%" in a table, "—" without data
 *   m  a message of a rules table: translated by the catalogue in a table
 *   d  a date or time
 *   o  optional: left out of a table that does not fit (rightmost first)
 * Tables fit the terminal they are printed on (its width, else COLUMNS,
 * else 80; --wide: never cut); output to a pipe or file is never cut.
 * A table that does not fit leaves out its empty columns, then its
 * optional ones, then cuts its free text.  A one-row table that does not
 * fit is printed as a record instead, a "title  value" line a column,
 * long values wrapped.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <csv.h>
#include <xlsxwriter.h>

#include "pm.h"

struct out {
	FILE *fp;
	enum out_format format;
	int excel;
	int ncols;
	char *names[LEDGER_COLS_MAX];
	int numeric[LEDGER_COLS_MAX];
	char flags[LEDGER_COLS_MAX][8];
	long nrows;
	/*
	 * table: rows are kept until close to measure the columns, the
	 * first TABLE_KEPT in memory, any more in a temporary file
	 */
	char **cells;
	size_t ncells, capcells;
	FILE *spool;
	int cellw[LEDGER_COLS_MAX];	/* the widest cell of each column */
	char filled[LEDGER_COLS_MAX];	/* a cell not empty in it */
	/* xlsx: this table's worksheet, its next row, its columns' widths */
	lxw_worksheet *ws;
	int xwidth[LEDGER_COLS_MAX];
	struct buf line;	/* csv: a line being written */
};

int
out_parse_format(const char *s, enum out_format *f)
{
	if (strcmp(s, "table") == 0)
		*f = OUT_TABLE;
	else if (strcmp(s, "csv") == 0)
		*f = OUT_CSV;
	else if (strcmp(s, "json") == 0)
		*f = OUT_JSON;
	else if (strcmp(s, "xlsx") == 0)
		*f = OUT_XLSX;
	else
		return -1;
	return 0;
}

int
out_width(const char *s)
{
	mbstate_t st;
	size_t n, len = strlen(s);
	wchar_t wc;
	int w = 0, cw;

	memset(&st, 0, sizeof st);
	while (len > 0) {
		n = mbrtowc(&wc, s, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&st, 0, sizeof st);
			n = 1;
			cw = 1;
		} else {
			if (n == 0)
				n = 1;
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 0;
		}
		w += cw;
		s += n;
		len -= n;
	}
	return w;
}

void
out_pad(struct buf *b, const char *s, int width)
{
	int pad = width - out_width(s);

	buf_adds(b, s);
	while (pad-- > 0)
		buf_add(b, " ", 1);
}

#ifdef __SSE2__
/* Any of a comma, quote, line end or NUL in the 16 bytes at s. */
static int
special16(const char *s)
{
	__m128i v = _mm_loadu_si128((const __m128i *)s);
	__m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));

	m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_setzero_si128()));
	return _mm_movemask_epi8(m) != 0;
}
#endif

/*
 * Must a field be quoted: a comma, quote, line end or NUL in it, or a
 * space or tab at either end, which a reader would take away.  Sixteen
 * bytes compared at once where the processor can (strcspn's set-up
 * costs more than a short field), the rest looked up a byte at a time.
 */
static int
csv_needs_quotes(const char *s, size_t len)
{
	static const unsigned char special[256] = { [','] = 1, ['"'] = 1,
	    ['\r'] = 1, ['\n'] = 1, ['\0'] = 1 };
	size_t i = 0;

	if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' ||
	    s[len - 1] == '\t')
		return 1;
#ifdef __SSE2__
	if (len >= 16) {	/* the last 16 overlap the ones before */
		for (; i + 16 <= len; i += 16)
			if (special16(s + i))
				return 1;
		return i < len && special16(s + len - 16);
	}
#endif
	for (; i < len; i++)
		if (special[(unsigned char)s[i]])
			return 1;
	return 0;
}

size_t
csv_put(char *dst, const char *s, size_t len)
{
	if (len == 0)
		return 0;
	if (!csv_needs_quotes(s, len)) {
		memcpy(dst, s, len);
		return len;
	}
	if (memchr(s, '"', len) == NULL) {	/* quoted, nothing doubled */
		dst[0] = '"';
		memcpy(dst + 1, s, len);
		dst[len + 1] = '"';
		return len + 2;
	}
	return csv_write(dst, CSV_PUT_MAX(len), s, len);
}

void
csv_field(struct buf *b, const char *s, size_t len)
{
	b->len += csv_put(buf_room(b, CSV_PUT_MAX(len)), s, len);
	b->s[b->len] = '\0';
}

void
json_string(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	buf_add(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '"': buf_add(b, "\\\"", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		case '\b': buf_add(b, "\\b", 2); break;
		case '\f': buf_add(b, "\\f", 2); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char u[6] = { '\\', 'u', '0', '0', hex[c >> 4],
				    hex[c & 15] };
				buf_add(b, u, 6);
			} else
				buf_add(b, s, 1);
		}
	}
	buf_add(b, "\"", 1);
}

/* SPEC 5: a cell a spreadsheet would execute as a formula stays text. */
int
out_formula_like(const char *s)
{
	return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	    s[0] == '\t' || s[0] == '\r';
}

static void
csv_line(struct out *o, const char *const *vals)
{
	struct buf *b = &o->line;
	int i;

	for (i = 0; i < o->ncols; i++) {
		const char *v = vals[i] ? vals[i] : "";

		if (i > 0)
			buf_add(b, ",", 1);
		if (o->excel && out_formula_like(v)) {
			struct buf t = { 0 };

			buf_add(&t, "'", 1);
			buf_adds(&t, v);
			csv_field(b, t.s, t.len);
			buf_free(&t);
		} else
			csv_field(b, v, strlen(v));
	}
	buf_adds(b, o->excel ? "\r\n" : "\n");
	fwrite(b->s, 1, b->len, o->fp);
	buf_reset(b);
}

/* ---- xlsx: a real spreadsheet (SPEC 5) ----------------------------------- */

/*
 * libxlsxwriter is opened at the first spreadsheet, not linked: it needs
 * the shared libcrypto and libminizip, and loading the three was a third
 * of the time of every add.  The calls made of it, each through a
 * pointer of the type its header gives.
 */
#ifndef XLSX_SONAME
#define XLSX_SONAME "libxlsxwriter.so"
#endif
#define LXW_CALLS(X) X(workbook_new_opt) X(workbook_add_format) \
	X(workbook_add_worksheet) X(workbook_close) X(format_set_bold) \
	X(format_set_bg_color) X(format_set_num_format) \
	X(worksheet_write_string) X(worksheet_write_number) \
	X(worksheet_write_datetime) X(worksheet_freeze_panes) \
	X(worksheet_set_column) X(lxw_strerror)
#define LXW_POINTER(f) __typeof__(f) *f;
static struct {
	LXW_CALLS(LXW_POINTER)
} lxw;

static void
xlsx_load(void)
{
	void *lib = dlopen(XLSX_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;

#define LXW_FIND(f) if (lib != NULL && missing == NULL && \
	(*(void **)&lxw.f = dlsym(lib, #f)) == NULL) missing = #f;
	LXW_CALLS(LXW_FIND)
#undef LXW_FIND
	if (lib == NULL || missing != NULL)
		die(EX_CANTCREAT, _("--format xlsx: cannot load %s: %s"),
		    XLSX_SONAME, lib == NULL ? dlerror() : missing);
}

static void copy_to_stdout(const char *path);

static struct {
	lxw_workbook *wb;
	char *path;		/* --out FILE, or a temporary for stdout */
	int to_stdout, finished, nsheets;
	int made;		/* path did not exist: ours to remove */
	char sheet[32];
	lxw_format *head, *text, *date, *datetime, *pct;
} xl;
static char *redirected;	/* --out FILE of csv, json or a table */
static int redirect_made;	/* and it did not exist before */

/*
 * A command that fails leaves no --out file behind (SPEC 4, 5): the file
 * it made.  What was there before -- a device, a file of the user's --
 * is never removed.
 */
static void
out_abandon(void)
{
	if (xl.finished)
		return;
	if (xl.path && xl.made)
		unlink(xl.path);
	if (redirected && redirect_made)
		unlink(redirected);
}

/* Nothing at path yet: what is made there is the command's own. */
static int
nothing_at(const char *path)
{
	struct stat st;

	return lstat(path, &st) != 0 && errno == ENOENT;
}

void
out_xlsx_to(const char *path)
{
	if (xl.path != NULL)
		return;
	if (path == NULL) {
		char tmp[] = "/tmp/pm-xlsx-XXXXXX";
		int fd = mkstemp(tmp);

		if (fd < 0)
			die(EX_CANTCREAT, _("cannot create a temporary file: %s"),
			    strerror(errno));
		close(fd);
		xl.to_stdout = 1;
		xl.made = 1;
		xl.path = xstrdup(tmp);
	} else {
		int made = nothing_at(path);
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);

		/* an unwritable --out is refused before anything is done */
		if (fd < 0)
			die(EX_CANTCREAT, _("--out: cannot create %s: %s"), path,
			    strerror(errno));
		close(fd);
		xl.made = made;
		xl.path = xstrdup(path);
	}
	atexit(out_abandon);
}

void
out_redirect(const char *path)
{
	if (redirected != NULL)
		return;
	redirect_made = nothing_at(path);
	if (freopen(path, "w", stdout) == NULL)
		die(EX_CANTCREAT, _("--out: cannot create %s: %s"), path,
		    strerror(errno));
	redirected = xstrdup(path);
	atexit(out_abandon);
}

void
out_sheet_name(const char *name)
{
	size_t i, n = 0;

	/* Excel: at most 31 characters, none of []:*?/\ */
	for (i = 0; name[i] && n + 4 < sizeof xl.sheet; i++)
		xl.sheet[n++] = strchr("[]:*?/\\", name[i]) ? '_' : name[i];
	xl.sheet[n] = '\0';
}

static void
xlsx_formats(void)
{
	xl.head = lxw.workbook_add_format(xl.wb);
	lxw.format_set_bold(xl.head);
	lxw.format_set_bg_color(xl.head, 0xEEEEEE);
	xl.text = lxw.workbook_add_format(xl.wb);
	lxw.format_set_num_format(xl.text, "@");	/* 0011020304 stays text */
	xl.date = lxw.workbook_add_format(xl.wb);
	lxw.format_set_num_format(xl.date, "yyyy-mm-dd");
	xl.datetime = lxw.workbook_add_format(xl.wb);
	lxw.format_set_num_format(xl.datetime, "yyyy-mm-dd hh:mm");
	xl.pct = lxw.workbook_add_format(xl.wb);
	lxw.format_set_num_format(xl.pct, "0.0%");
}

static void
xlsx_open(struct out *o)
{
	int i;

	if (xl.wb == NULL) {
		if (xl.path == NULL)
			die(EX_USAGE, _("--format xlsx needs --out FILE"));
		/* rows go to a temporary file as written: a sheet of any
		 * length in little memory (they are written in order) */
		lxw_workbook_options opt = { .constant_memory = LXW_TRUE };

		xlsx_load();
		xl.wb = lxw.workbook_new_opt(xl.path, &opt);
		if (xl.wb == NULL)
			die(EX_CANTCREAT, _("--out: cannot create %s"), xl.path);
		xlsx_formats();
	}
	xl.nsheets++;
	o->ws = lxw.workbook_add_worksheet(xl.wb, xl.sheet[0] ? xl.sheet : NULL);
	xl.sheet[0] = '\0';
	if (o->ws == NULL)
		die(EX_SOFTWARE, "xlsx: cannot add worksheet %d", xl.nsheets);
	for (i = 0; i < o->ncols; i++) {
		const char *zh = words_chinese() ? words_title(o->names[i]) :
		    NULL;

		lxw.worksheet_write_string(o->ws, 0, i, zh ? zh : o->names[i],
		    xl.head);
		o->xwidth[i] = out_width(zh ? zh : o->names[i]);
	}
	lxw.worksheet_freeze_panes(o->ws, 1, 0);
}

/* "YYYY-MM-DD[ HH:MM[:SS]]" as a spreadsheet date; 0 when it is not one. */
static int
xlsx_date(const char *v, lxw_datetime *dt, int *timed)
{
	int n = 0;

	memset(dt, 0, sizeof *dt);
	if (sscanf(v, "%4d-%2d-%2d%n", &dt->year, &dt->month, &dt->day, &n) != 3
	    || n != 10)
		return 0;
	*timed = v[10] == ' ';
	if (*timed && sscanf(v + 11, "%2d:%2d", &dt->hour, &dt->min) != 2)
		return 0;
	if (*timed && strlen(v) >= 19)
		dt->sec = atoi(v + 17);
	return v[10] == '\0' || *timed;
}

static void
xlsx_row(struct out *o, const char *const *vals)
{
	lxw_row_t r = (lxw_row_t)o->nrows + 1;
	int i;

	for (i = 0; i < o->ncols; i++) {
		const char *v = vals[i] ? vals[i] : "", *f = o->flags[i];
		lxw_datetime dt;
		char *end;
		double d = strtod(v, &end);
		int timed, w = out_width(v);

		if (*v && *end == '\0' && (strchr(f, 'n') || strchr(f, 'r')))
			lxw.worksheet_write_number(o->ws, r, i, d, strchr(f, 'r') ?
			    xl.pct : NULL);
		else if (*v && strchr(f, 'd') && xlsx_date(v, &dt, &timed))
			lxw.worksheet_write_datetime(o->ws, r, i, &dt, timed ?
			    xl.datetime : xl.date);
		else if (*v)
			lxw.worksheet_write_string(o->ws, r, i, v, xl.text);
		if (w > o->xwidth[i])
			o->xwidth[i] = w;
	}
}

static void
xlsx_close(struct out *o)
{
	int i;

	/* wide enough to read, never wider than a screen */
	for (i = 0; i < o->ncols; i++)
		lxw.worksheet_set_column(o->ws, i, i, (o->xwidth[i] > 60 ? 60 :
		    o->xwidth[i]) + 2, NULL);
}

/* The spreadsheet made for a pipe: its bytes to stdout, then gone. */
static void
copy_to_stdout(const char *path)
{
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die(EX_IOERR, "%s: %s", path, strerror(errno));
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		if (fwrite(chunk, 1, (size_t)n, stdout) != (size_t)n)
			break;
	close(fd);
	unlink(path);
	if (n != 0 || fflush(stdout) != 0)
		die(EX_IOERR, _("%s: write error"), "stdout");
}

void
out_finish(void)
{
	lxw_error err;

	/* as GNU's close_stdout: an error of any earlier write counts too */
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EX_IOERR, _("%s: write error"), redirected ? redirected :
		    "stdout");
	if (xl.path == NULL || xl.finished) {
		xl.finished = 1;
		return;
	}
	if (xl.wb == NULL)
		die(EX_USAGE, _("--format xlsx: this command writes no table"));
	err = lxw.workbook_close(xl.wb);
	xl.wb = NULL;
	if (err != LXW_NO_ERROR)
		die(EX_IOERR, _("%s: cannot write the spreadsheet: %s"),
		    xl.to_stdout ? "stdout" : xl.path, lxw.lxw_strerror(err));
	if (xl.to_stdout)
		copy_to_stdout(xl.path);
	xl.finished = 1;
}

struct out *
out_open(FILE *fp, enum out_format f, int excel, const char *const *cols)
{
	struct out *o = xcalloc(1, sizeof *o);
	int i;

	o->fp = fp;
	o->format = f;
	o->excel = excel && f == OUT_CSV;
	for (i = 0; i < LEDGER_COLS_MAX && cols[i]; i++) {
		const char *colon = strchr(cols[i], ':');

		o->names[i] = colon ? strndup(cols[i], colon - cols[i]) :
		    xstrdup(cols[i]);
		snprintf(o->flags[i], sizeof o->flags[i], "%s", colon ?
		    colon + 1 : "");
		o->numeric[i] = strchr(o->flags[i], 'n') != NULL ||
		    strchr(o->flags[i], 'r') != NULL;
	}
	o->ncols = i;
	if (f == OUT_XLSX)
		xlsx_open(o);
	else if (f == OUT_CSV) {
		if (o->excel)
			fputs("\xef\xbb\xbf", fp);
		csv_line(o, (const char *const *)o->names);
	} else if (f == OUT_JSON)
		fputs("[", fp);
	return o;
}

static void
json_row(struct out *o, const char *const *vals)
{
	struct buf b = { 0 };
	int i;

	buf_adds(&b, o->nrows > 0 ? ",\n{" : "\n{");
	for (i = 0; i < o->ncols; i++) {
		const char *v = vals[i] ? vals[i] : "";

		if (i > 0)
			buf_add(&b, ",", 1);
		json_string(&b, o->names[i]);
		buf_add(&b, ":", 1);
		if (o->numeric[i])
			buf_adds(&b, *v ? v : "null");
		else
			json_string(&b, v);
	}
	buf_add(&b, "}", 1);
	fwrite(b.s, 1, b.len, o->fp);
	buf_free(&b);
}

/* What a person reads in a table cell: words in Chinese, rates as %. */
static char *
table_cell(const struct out *o, int i, const char *v)
{
	struct buf b = { 0 };
	char *p;

	if (strchr(o->flags[i], 'r')) {
		if (*v == '\0' || strcmp(v, "null") == 0)
			buf_adds(&b, "—");	/* no denominator */
		else
			buf_addf(&b, "%.1f%%", atof(v) * 100);
	} else if (strchr(o->flags[i], 'w')) {
		/* a list of words ("management,water") said word by word */
		const char *w = v;

		do {
			size_t n = strcspn(w, ",");
			char word[64];

			snprintf(word, sizeof word, "%.*s", (int)n, w);
			buf_adds(&b, words_say(o->names[i], word));
			w += n;
			if (*w == ',')
				buf_adds(&b, words_chinese() ? "、" : ","), w++;
		} while (*w);
	}
	else if (strchr(o->flags[i], 'm') && *v)
		buf_adds(&b, _(v));
	else
		buf_adds(&b, v);
	if (b.s == NULL)
		return xstrdup("");
	/* A table row is one line. */
	for (p = b.s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return b.s;
}

#define TABLE_KEPT 2048	/* rows of a table kept in memory */

/* Rows past TABLE_KEPT wait in a temporary file, NUL after each cell. */
static void
table_spool(struct out *o, char *cell)
{
	if (o->spool == NULL) {
		size_t r;

		if ((o->spool = tmpfile()) == NULL)
			die(EX_CANTCREAT, _("cannot create a temporary file: "
			    "%s"), strerror(errno));
		for (r = 0; r < o->ncells; r++) {
			fwrite(o->cells[r], 1, strlen(o->cells[r]) + 1,
			    o->spool);
			free(o->cells[r]);
		}
		o->ncells = 0;
	}
	fwrite(cell, 1, strlen(cell) + 1, o->spool);
	free(cell);
}

static void
table_keep(struct out *o, const char *const *vals)
{
	int i, w;

	for (i = 0; i < o->ncols; i++) {
		char *cell = table_cell(o, i, vals[i] ? vals[i] : "");

		if ((w = out_width(cell)) > o->cellw[i])
			o->cellw[i] = w;
		o->filled[i] |= *cell != '\0';
		if (o->spool != NULL || o->nrows >= TABLE_KEPT)
			table_spool(o, cell);
		else {
			GROW(o->cells, o->ncells + 1, o->capcells);
			o->cells[o->ncells++] = cell;
		}
	}
}

void
out_row(struct out *o, const char *const *vals)
{
	switch (o->format) {
	case OUT_CSV:
		csv_line(o, vals);
		break;
	case OUT_JSON:
		json_row(o, vals);
		break;
	case OUT_XLSX:
		xlsx_row(o, vals);
		break;
	case OUT_TABLE:
		table_keep(o, vals);
		break;
	}
	o->nrows++;
}

/* ---- tables that fit ------------------------------------------------------ */

static int wide;

void
out_set_wide(int on)
{
	wide = on;
}

/* SPEC 6: the terminal's width, COLUMNS, or 80; 0 (never cut) off a tty. */
int
out_columns(FILE *fp)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	int fd = fileno(fp);

	if (wide || fd < 0 || !isatty(fd))
		return 0;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (c != NULL && atoi(c) > 0)
		return atoi(c);
	return 80;
}

/* The first bytes of s that fit in width columns. */
static size_t
fit_bytes(const char *s, int width)
{
	mbstate_t st;
	size_t n, off = 0, len = strlen(s);
	wchar_t wc;
	int w = 0, cw;

	memset(&st, 0, sizeof st);
	while (off < len) {
		n = mbrtowc(&wc, s + off, len - off, &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&st, 0, sizeof st);
			n = 1, cw = 1;
		} else {
			if (n == 0)
				n = 1;
			cw = wcwidth(wc) < 0 ? 0 : wcwidth(wc);
		}
		if (w + cw > width)
			break;
		w += cw;
		off += n;
	}
	return off;
}

void
out_wrap(struct buf *b, const char *text, int at, int indent, int width)
{
	const char *s = text;

	for (;;) {
		int room = width - at > 8 ? width - at : 8;
		size_t n = fit_bytes(s, room), k;

		if (s[n] != '\0') {
			/* break at the last space, or after a , or ; */
			for (k = n; k > n / 2 && s[k] != ' ' && s[k - 1] != ';' &&
			    s[k - 1] != ','; k--)
				;
			if (k > n / 2)
				n = k;
		}
		if (n == 0 && *s)
			n = fit_bytes(s, 4) ? fit_bytes(s, 4) : 1;
		buf_add(b, s, n);
		buf_adds(b, "\n");
		s += n;
		while (*s == ' ')
			s++;
		if (*s == '\0')
			return;
		out_pad(b, "", indent);
		at = indent;
	}
}

/* s cut to width display columns, "…" marking the cut. */
void
out_cut(struct buf *b, const char *s, int width)
{
	int ell = out_width("…");

	if (out_width(s) <= width) {
		buf_adds(b, s);
		return;
	}
	buf_add(b, s, fit_bytes(s, width > ell ? width - ell : 0));
	buf_adds(b, "…");
}

/* The width of a line of the shown columns (width 0: left out). */
static int
line_width(const struct out *o, const int *width)
{
	int i, total = 0, n = 0;

	for (i = 0; i < o->ncols; i++)
		if (width[i] > 0)
			total += width[i], n++;
	return total + (n > 1 ? 2 * (n - 1) : 0);
}

/* Leave out the columns empty in every row, then the optional ones. */
static void
leave_out(const struct out *o, int *width, int limit)
{
	int i;

	for (i = 0; i < o->ncols && line_width(o, width) > limit; i++)
		if (!o->filled[i])
			width[i] = 0;
	for (i = o->ncols - 1; i >= 0 && line_width(o, width) > limit; i--)
		if (strchr(o->flags[i], 'o'))
			width[i] = 0;
}

/*
 * Narrow the free-text columns, widest first, until the line fits in
 * limit (never below their title, nor below 8 columns).
 */
static void
fit_widths(const struct out *o, int *width, int limit)
{
	while (line_width(o, width) > limit) {
		int i, widest = -1;

		for (i = 0; i < o->ncols; i++) {
			int floor = out_width(o->names[i]) > 8 ?
			    out_width(o->names[i]) : 8;

			if (strchr(o->flags[i], 't') && width[i] > floor &&
			    (widest < 0 || width[i] > width[widest]))
				widest = i;
		}
		if (widest < 0)
			return;		/* codes, dates and numbers stay whole */
		width[widest]--;
	}
}

static void
table_line(struct out *o, char *const *cells, const int *width)
{
	struct buf b = { 0 };
	int i, pad;

	for (i = 0; i < o->ncols; i++) {
		size_t at = b.len;
		int last = i;

		if (width[i] == 0)
			continue;	/* left out */
		out_cut(&b, cells[i], width[i]);
		while (++last < o->ncols && width[last] == 0)
			;
		if (last == o->ncols)
			break;
		pad = width[i] - out_width(b.s + at) + 2;
		while (pad-- > 0)
			buf_add(&b, " ", 1);
	}
	buf_adds(&b, "\n");
	fwrite(b.s, 1, b.len, o->fp);
	buf_free(&b);
}

/* One record that does not fit a line: a line a column, values wrapped. */
static void
record_lines(struct out *o, char *const *titles, int limit)
{
	int i, tw = 0;

	for (i = 0; i < o->ncols; i++)
		if (out_width(titles[i]) > tw)
			tw = out_width(titles[i]);
	for (i = 0; i < o->ncols; i++) {
		struct buf b = { 0 };
		const char *v = o->cells[i];

		if (*v == '\0')
			continue;
		out_pad(&b, titles[i], tw);
		buf_adds(&b, "  ");
		do {
			size_t n = fit_bytes(v, limit - tw - 2 > 8 ?
			    limit - tw - 2 : 8);

			if (n == 0 && *v)
				n = 1;
			buf_add(&b, v, n);
			buf_adds(&b, "\n");
			v += n;
			if (*v)
				out_pad(&b, "", tw + 2);
		} while (*v);
		fwrite(b.s, 1, b.len, o->fp);
		buf_free(&b);
	}
}

/* The rows that waited in the temporary file, in turn. */
static void
table_unspool(struct out *o, const int *width)
{
	char *cells[LEDGER_COLS_MAX] = { 0 };
	size_t cap[LEDGER_COLS_MAX] = { 0 };
	int i = 0;

	if (fflush(o->spool) != 0 || ferror(o->spool) ||
	    fseek(o->spool, 0, SEEK_SET) != 0)
		die(EX_IOERR, _("cannot write a temporary file: %s"),
		    strerror(errno));
	while (getdelim(&cells[i], &cap[i], '\0', o->spool) > 0)
		if (++i == o->ncols) {
			table_line(o, cells, width);
			i = 0;
		}
	for (i = 0; i < o->ncols; i++)
		free(cells[i]);
	fclose(o->spool);
}

static void
table_close(struct out *o)
{
	int width[LEDGER_COLS_MAX] = { 0 }, i, limit = out_columns(o->fp);
	char *titles[LEDGER_COLS_MAX];
	size_t r;

	for (i = 0; i < o->ncols; i++) {
		const char *zh = words_chinese() ? words_title(o->names[i]) :
		    NULL;

		titles[i] = zh ? (char *)zh : o->names[i];
		width[i] = out_width(titles[i]);
	}
	for (i = 0; i < o->ncols; i++)
		if (o->cellw[i] > width[i])
			width[i] = o->cellw[i];
	if (limit > 0 && line_width(o, width) > limit && o->nrows == 1) {
		record_lines(o, titles, limit);
		return;
	}
	if (limit > 0) {
		leave_out(o, width, limit);
		fit_widths(o, width, limit);
	}
	table_line(o, titles, width);
	for (r = 0; r < o->ncells; r += o->ncols)
		table_line(o, o->cells + r, width);
	if (o->spool != NULL)
		table_unspool(o, width);
}

void
out_close(struct out *o)
{
	size_t r;
	int i;

	if (o->format == OUT_JSON)
		fputs(o->nrows > 0 ? "\n]\n" : "]\n", o->fp);
	if (o->format == OUT_XLSX)
		xlsx_close(o);
	if (o->format == OUT_TABLE) {
		table_close(o);
		for (r = 0; r < o->ncells; r++)
			free(o->cells[r]);
		free(o->cells);
	}
	for (i = 0; i < o->ncols; i++)
		free(o->names[i]);
	fflush(o->fp);
	buf_free(&o->line);
	free(o);
}

void
out_form_line(struct buf *b, const char *label, const char *value)
{
	out_pad(b, label, 12);
	if (value && *value)
		out_wrap(b, value, 12, 12, 80);
	else
		buf_adds(b, "\n");
}
