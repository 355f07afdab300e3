/*
 * out.c - the one output formatter: aligned tables that measure Chinese
 * (double-width) text with wcwidth, RFC 4180 CSV (optionally safe for
 * spreadsheets, SPEC 5), and JSON arrays of objects.
 *
 * A column named "name:n" is a number: bare in JSON, "name" in headers.
 */
#include <stdlib.h>
#include <string.h>
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
		o->numeric[i] = colon && colon[1] == 'n';
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
		for (i = 0; i < o->ncols; i++) {
			char *c = xstrdup(vals[i] ? vals[i] : ""), *p;

			/* A table row is one line. */
			for (p = c; *p; p++)
				if (*p == '\n' || *p == '\r' || *p == '\t')
					*p = ' ';
			o->cells[o->ncells++] = c;
		}
		break;
	}
	o->nrows++;
}

static void
table_line(struct out *o, char *const *cells, const int *width)
{
	int i, pad;

	for (i = 0; i < o->ncols; i++) {
		fputs(cells[i], o->fp);
		if (i + 1 == o->ncols)
			break;
		pad = width[i] - out_width(cells[i]) + 2;
		while (pad-- > 0)
			fputc(' ', o->fp);
	}
	fputc('\n', o->fp);
}

void
out_close(struct out *o)
{
	int width[LEDGER_COLS_MAX] = { 0 }, i;
	size_t r;

	if (o->format == OUT_JSON)
		fputs(o->nrows > 0 ? "\n]\n" : "]\n", o->fp);
	if (o->format == OUT_TABLE) {
		for (i = 0; i < o->ncols; i++)
			width[i] = out_width(o->names[i]);
		for (r = 0; o->ncols > 0 && r < o->ncells; r++) {
			int w = out_width(o->cells[r]);

			if (w > width[r % o->ncols])
				width[r % o->ncols] = w;
		}
		table_line(o, o->names, width);
		for (r = 0; r < o->ncells; r += o->ncols)
			table_line(o, o->cells + r, width);
		for (r = 0; r < o->ncells; r++)
			free(o->cells[r]);
		free(o->cells);
	}
	for (i = 0; i < o->ncols; i++)
		free(o->names[i]);
	fflush(o->fp);
	free(o);
}
