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
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include <csv.h>

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
	/* table: rows are kept until close to measure the columns */
	char **cells;
	size_t ncells, capcells;
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

void
csv_field(struct buf *b, const char *s, size_t len)
{
	size_t need;
	char *q;

	if (len > 0 && strcspn(s, ",\"\r\n") >= len && s[0] != ' ' &&
	    s[0] != '\t' && s[len - 1] != ' ' && s[len - 1] != '\t') {
		buf_add(b, s, len);
		return;
	}
	if (len == 0)
		return;
	need = 2 * len + 2;
	q = xmalloc(need);
	need = csv_write(q, need, s, len);
	buf_add(b, q, need);
	free(q);
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
	struct buf b = { 0 };
	int i;

	for (i = 0; i < o->ncols; i++) {
		const char *v = vals[i] ? vals[i] : "";

		if (i > 0)
			buf_add(&b, ",", 1);
		if (o->excel && out_formula_like(v)) {
			struct buf t = { 0 };

			buf_add(&t, "'", 1);
			buf_adds(&t, v);
			csv_field(&b, t.s, t.len);
			buf_free(&t);
		} else
			csv_field(&b, v, strlen(v));
	}
	buf_adds(&b, o->excel ? "\r\n" : "\n");
	fwrite(b.s, 1, b.len, o->fp);
	buf_free(&b);
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
	if (f == OUT_CSV) {
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
	} else if (strchr(o->flags[i], 'w'))
		buf_adds(&b, words_say(o->names[i], v));
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

void
out_row(struct out *o, const char *const *vals)
{
	int i;

	switch (o->format) {
	case OUT_CSV:
		csv_line(o, vals);
		break;
	case OUT_JSON:
		json_row(o, vals);
		break;
	case OUT_TABLE:
		if (o->ncells + o->ncols > o->capcells) {
			o->capcells = (o->ncells + o->ncols) * 2;
			o->cells = xrealloc(o->cells, o->capcells * sizeof
			    *o->cells);
		}
		for (i = 0; i < o->ncols; i++)
			o->cells[o->ncells++] = table_cell(o, i, vals[i] ?
			    vals[i] : "");
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
	size_t r;
	int i;

	for (i = 0; i < o->ncols && line_width(o, width) > limit; i++) {
		for (r = i; r < o->ncells && !*o->cells[r]; r += o->ncols)
			;
		if (r >= o->ncells)
			width[i] = 0;
	}
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
	for (r = 0; o->ncols > 0 && r < o->ncells; r++) {
		int w = out_width(o->cells[r]);

		if (w > width[r % o->ncols])
			width[r % o->ncols] = w;
	}
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
}

void
out_close(struct out *o)
{
	size_t r;
	int i;

	if (o->format == OUT_JSON)
		fputs(o->nrows > 0 ? "\n]\n" : "]\n", o->fp);
	if (o->format == OUT_TABLE) {
		table_close(o);
		for (r = 0; r < o->ncells; r++)
			free(o->cells[r]);
		free(o->cells);
	}
	for (i = 0; i < o->ncols; i++)
		free(o->names[i]);
	fflush(o->fp);
	free(o);
}
