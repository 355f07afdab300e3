/*
 * layout.c - a report's document (doc.h) laid out: text for mail and
 * print with Chinese headings, csv and json with the contract's keys,
 * xlsx, and a self-contained html page with SVG bars that prints on A4.
 */
#include <stdlib.h>
#include <string.h>

#include "doc.h"


/* A report is a Chinese document in every locale: its column titles. */
static const char *
col_title(const struct doc_table *t, int c)
{
	const char *zh = words_title(t->cols[c]);

	return zh ? zh : t->cols[c];
}

/* A cell as the page shows it: words in Chinese, rates as percentages. */
static void
cell_text(struct buf *b, const struct doc_table *t, size_t r, int c)
{
	const char *v = t->cells[r * t->ncols + c], *zh;

	if (strchr(t->flags[c], 'r')) {
		if (*v == '\0' || strcmp(v, "null") == 0)
			buf_adds(b, "—");
		else
			buf_addf(b, "%.1f%%", atof(v) * 100);
	} else if (strchr(t->flags[c], 'w') && (zh = words_value(t->cols[c],
	    v)) != NULL)
		buf_adds(b, zh);
	else
		buf_adds(b, v);
}

/*
 * The widths of a table's columns, the widest narrowed until a line
 * fits the page's 80 columns (SPEC 6); csv, json and html keep it all.
 */
static void
text_widths(const struct doc_table *t, int *w)
{
	int c, total, widest, cut;
	size_t r;

	for (c = 0; c < t->ncols; c++) {
		w[c] = out_width(col_title(t, c));
		for (r = 0; r < t->nrows; r++) {
			struct buf cell = { 0 };
			int x;

			cell_text(&cell, t, r, c);
			x = cell.s ? out_width(cell.s) : 0;
			if (x > w[c])
				w[c] = x;
			buf_free(&cell);
		}
	}
	for (;;) {
		for (total = 2, widest = 0, c = 0; c < t->ncols; c++) {
			total += w[c] + (c + 1 < t->ncols ? 2 : 0);
			if (w[c] > w[widest])
				widest = c;
		}
		cut = total - 80;
		if (cut <= 0 || w[widest] <= 8)
			break;
		w[widest] -= cut < w[widest] - 8 ? cut : w[widest] - 8;
	}
}

static void
text_table(struct buf *b, const struct doc_table *t)
{
	int c, w[16];
	size_t r;

	buf_addf(b, "\n%s\n", t->title);
	text_widths(t, w);
	buf_adds(b, "  ");
	for (c = 0; c < t->ncols; c++) {
		struct buf cut = { 0 };

		out_cut(&cut, col_title(t, c), w[c]);
		out_pad(b, cut.s, c + 1 < t->ncols ? w[c] + 2 : 0);
		buf_free(&cut);
	}
	buf_adds(b, "\n");
	for (r = 0; r < t->nrows; r++) {
		buf_adds(b, "  ");
		for (c = 0; c < t->ncols; c++) {
			struct buf cell = { 0 }, cut = { 0 };
			char *p;

			cell_text(&cell, t, r, c);
			for (p = cell.s; p && *p; p++)
				if (*p == '\n')
					*p = ' ';
			out_cut(&cut, cell.s ? cell.s : "", w[c]);
			out_pad(b, cut.s ? cut.s : "", c + 1 < t->ncols ?
			    w[c] + 2 : 0);
			buf_free(&cell);
			buf_free(&cut);
		}
		buf_adds(b, "\n");
	}
	if (t->nrows == 0)
		buf_adds(b, "  无\n");
}

static void
render_text(const struct doc *d, FILE *out)
{
	struct buf b = { 0 };
	int i;

	buf_addf(&b, "%s  %s\n", d->title, d->period);
	buf_adds(&b, "========================================\n");
	for (i = 0; i < d->nv; i++) {
		if (d->v[i].kind == 2)
			continue;	/* breakdowns: the tables show them */
		out_pad(&b, d->v[i].label, 16);
		if (d->v[i].kind == 0 && words_value(d->v[i].key,
		    d->v[i].value))	/* 合计, 是, 否 */
			buf_addf(&b, "%s\n", words_value(d->v[i].key,
			    d->v[i].value));
		else if (d->v[i].chart && strcmp(d->v[i].value, "null") != 0)
			buf_addf(&b, "%.1f%%\n", atof(d->v[i].value) * 100);
		else if (strcmp(d->v[i].value, "null") == 0)
			buf_adds(&b, "—\n");	/* a rate without a denominator */
		else
			buf_addf(&b, "%s\n", d->v[i].value);
	}
	for (i = 0; i < d->nt; i++)
		text_table(&b, &d->t[i]);
	fwrite(b.s, 1, b.len, out);
	buf_free(&b);
}

static void
render_json(const struct doc *d, FILE *out)
{
	struct buf b = { 0 };
	int i, c;
	size_t r;

	buf_adds(&b, "{\"report\":");
	json_string(&b, d->report);
	buf_adds(&b, ",\"period\":");
	json_string(&b, d->period);
	for (i = 0; i < d->nv; i++) {
		buf_adds(&b, ",");
		json_string(&b, d->v[i].key);
		buf_adds(&b, ":");
		if (d->v[i].kind == 0)
			json_string(&b, d->v[i].value);
		else
			buf_adds(&b, d->v[i].value);
	}
	for (i = 0; i < d->nt; i++) {
		const struct doc_table *t = &d->t[i];

		buf_adds(&b, ",");
		json_string(&b, t->key);
		buf_adds(&b, ":[");
		for (r = 0; r < t->nrows; r++) {
			buf_adds(&b, r ? ",{" : "{");
			for (c = 0; c < t->ncols; c++) {
				if (c)
					buf_adds(&b, ",");
				json_string(&b, t->cols[c]);
				buf_adds(&b, ":");
				json_string(&b, t->cells[r * t->ncols + c]);
			}
			buf_adds(&b, "}");
		}
		buf_adds(&b, "]");
	}
	buf_adds(&b, "}\n");
	fwrite(b.s, 1, b.len, out);
	buf_free(&b);
}

/* CSV: one row per number and per table cell: section,name,value. */
/*
 * The leaves of one JSON value of ours (an object of numbers, null,
 * strings and objects) with dotted keys: "by_importance.A" = "1".
 * Returns past the value.
 */
static const char *
leaves(const char *key, const char *p, doc_leaf_fn fn, void *arg)
{
	struct buf k = { 0 }, v = { 0 };
	const char *q;

	if (*p != '{') {	/* a number, null, or a string of ours */
		if (*p == '"') {
			for (q = ++p; *q && *q != '"'; q++)
				if (*q == '\\' && q[1])
					q++;
			buf_add(&v, p, q - p);
			q += *q == '"';
		} else {
			q = p + strcspn(p, ",}");
			buf_add(&v, p, q - p);
		}
		fn(key, v.s ? v.s : "", arg);
		buf_free(&v);
		return q;
	}
	for (p++; *p == '"'; ) {
		q = strchr(p + 1, '"');
		if (q == NULL)
			break;
		buf_reset(&k);
		buf_addf(&k, "%s.%.*s", key, (int)(q - p - 1), p + 1);
		p = leaves(k.s, q + 2, fn, arg);	/* past ": */
		p += *p == ',';
	}
	buf_free(&k);
	return p + (*p == '}');
}

void
doc_leaves(const struct doc_value *v, doc_leaf_fn fn, void *arg)
{
	leaves(v->key, v->value, fn, arg);
}

struct csv_leaf {
	struct out *o;
	const char *office;
};

static void
csv_leaf(const char *key, const char *value, void *arg)
{
	const struct csv_leaf *c = arg;
	const char *row[] = { c->office, "summary", key, value };

	out_row(c->o, row);
}

/*
 * The report as flat rows, one a figure: office, section, key, value;
 * a table's cell keyed by its row's first cell and its column.
 */
void
doc_csv_rows(struct out *o, const struct doc *d)
{
	const char *office = d->nv > 0 && strcmp(d->v[0].key, "office") == 0 ?
	    d->v[0].value : "";
	int i, c;
	size_t r;

	for (i = 0; i < d->nv; i++) {
		const char *v[] = { office, "summary", d->v[i].key,
		    d->v[i].value };

		struct csv_leaf leaf = { o, office };

		if (d->v[i].kind == 2)
			doc_leaves(&d->v[i], csv_leaf, &leaf);
		else
			out_row(o, v);
	}
	for (i = 0; i < d->nt; i++)
		for (r = 0; r < d->t[i].nrows; r++)
			for (c = 1; c < d->t[i].ncols; c++) {
				char name[256];
				const char *v[4];

				snprintf(name, sizeof name, "%s.%s",
				    d->t[i].cells[r * d->t[i].ncols],
				    d->t[i].cols[c]);
				v[0] = office;
				v[1] = d->t[i].key;
				v[2] = name;
				v[3] = d->t[i].cells[r * d->t[i].ncols + c];
				out_row(o, v);
			}
}

const char *const doc_csv_cols[] = { "office", "section", "key", "value",
	NULL };

static void
render_csv(const struct doc *d, FILE *out)
{
	struct out *o = out_open(out, OUT_CSV, 0, doc_csv_cols);

	doc_csv_rows(o, d);
	out_close(o);
}

static void
html_text(struct buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '&': buf_adds(b, "&amp;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		default: buf_add(b, s, 1);
		}
}

/*
 * Charts fit an A4 page (180 mm between the margins, about 680 px) and
 * their labels are never covered: the bars start after the longest
 * label, at about 7.5 px a display column of 13 px text.
 */
#define CHART_PX 680

static int
label_px(const char *s)
{
	return out_width(s) * 15 / 2 + 12;
}

/* The bars' length for labels lx px wide: the rest of the page. */
static int
bars_px(int lx)
{
	return CHART_PX - lx - 70 < 400 ? CHART_PX - lx - 70 : 400;
}

/*
 * A table as grouped horizontal bars: one group a row, one bar a series
 * (this month, and last month paler), scaled to the largest value, or
 * to 1 with a red line at each row's target for rates.
 */
static void
table_svg(struct buf *b, const struct doc_table *t)
{
	double max = 0, v;
	size_t r;
	int k, y = 0, group = 6 + 18 * t->nseries, lx = 120, px;

	for (r = 0; r < t->nrows; r++) {
		struct buf cell = { 0 };

		cell_text(&cell, t, r, 0);
		if (cell.s && label_px(cell.s) > lx)
			lx = label_px(cell.s);
		buf_free(&cell);
	}
	px = bars_px(lx);
	for (r = 0; r < t->nrows; r++)
		for (k = 0; k < t->nseries; k++) {
			v = atof(t->cells[r * t->ncols + t->series[k]]);
			if (v > max)
				max = v;
		}
	if (t->target >= 0 || max <= 0)
		max = t->target >= 0 ? 1 : 1;
	buf_addf(b, "<svg class=\"chart\" width=\"%d\" height=\"%d\" "
	    "xmlns=\"http://www.w3.org/2000/svg\">", lx + px + 70,
	    (int)t->nrows * group + 22);
	for (k = 0; k < t->nseries; k++) {
		buf_addf(b, "<rect class=\"%s\" x=\"%d\" y=\"2\" width=\"12\" "
		    "height=\"12\"/><text x=\"%d\" y=\"13\" font-size=\"12\">",
		    k ? "bar2" : "bar", lx + 160 * k, lx + 16 + 160 * k);
		html_text(b, col_title(t, t->series[k]));
		buf_adds(b, "</text>");
	}
	y = 22;
	for (r = 0; r < t->nrows; r++) {
		buf_addf(b, "<text x=\"0\" y=\"%d\" font-size=\"13\">", y + 14);
		{
			struct buf cell = { 0 };

			cell_text(&cell, t, r, 0);
			html_text(b, cell.s ? cell.s : "");
			buf_free(&cell);
		}
		buf_adds(b, "</text>");
		for (k = 0; k < t->nseries; k++) {
			const char *cell = t->cells[r * t->ncols + t->series[k]];

			v = atof(cell);
			buf_addf(b, "<rect class=\"%s\" x=\"%d\" y=\"%d\" "
			    "width=\"%.0f\" height=\"16\"/><text x=\"%.0f\" "
			    "y=\"%d\" font-size=\"11\">", k ? "bar2" : "bar", lx,
			    y + 18 * k, v / max * px, lx + 6 + v / max * px,
			    y + 18 * k + 13);
			if (t->target >= 0 && *cell)
				buf_addf(b, "%.1f%%", v * 100);
			else
				html_text(b, cell);
			buf_adds(b, "</text>");
		}
		if (t->target >= 0) {
			v = atof(t->cells[r * t->ncols + t->target]);
			buf_addf(b, "<line class=\"target\" x1=\"%.0f\" y1=\"%d\" "
			    "x2=\"%.0f\" y2=\"%d\"/>", lx + v * px, y - 2,
			    lx + v * px, y + 18 * t->nseries);
		}
		y += group;
	}
	buf_adds(b, "</svg>\n");
}

/*
 * A spreadsheet (SPEC 5): the figures on a first sheet, rates as
 * percentages, then a sheet a table, each with its Chinese title.
 */
static void
render_xlsx(const struct doc *d)
{
	/* the figures: counts and words under value, rates under rate */
	static const char *const vcols[] = { "name", "item", "value:n",
		"rate:r", NULL };
	const char *cols[17];
	struct out *o;
	int i, c;
	size_t r;

	out_sheet_name(d->title);
	o = out_open(stdout, OUT_XLSX, 0, vcols);
	for (i = 0; i < d->nv; i++) {
		const char *rate = d->v[i].chart ? d->v[i].value : "";
		const char *v[] = { d->v[i].key, d->v[i].label, d->v[i].chart ?
			"" : d->v[i].value, strcmp(rate, "null") ? rate : "" };

		if (d->v[i].kind != 2)
			out_row(o, v);
	}
	out_close(o);
	for (i = 0; i < d->nt; i++) {
		const struct doc_table *t = &d->t[i];
		char spec[16][48];

		for (c = 0; c < t->ncols; c++) {
			snprintf(spec[c], sizeof spec[c], "%s:%s", t->cols[c],
			    t->flags[c]);
			cols[c] = spec[c];
		}
		cols[c] = NULL;
		out_sheet_name(t->title);
		o = out_open(stdout, OUT_XLSX, 0, cols);
		for (r = 0; r < t->nrows; r++)
			out_row(o, (const char *const *)t->cells + r * t->ncols);
		out_close(o);
	}
}

/*
 * SPEC 6: printed on A4 by a manager on Windows, macOS or Linux: a CJK
 * font stack, a table or chart kept on one page where it fits, a
 * heading kept with what follows it.
 */
static void
html_head(struct buf *b, const struct doc *d)
{
	buf_adds(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head>"
	    "<meta charset=\"utf-8\"><title>");
	html_text(b, d->title);
	buf_adds(b, " ");
	html_text(b, d->period);
	buf_adds(b, "</title><style>@page{size:A4;margin:15mm}"
	    "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\","
	    "\"Microsoft YaHei\",\"PingFang SC\",SimSun,sans-serif;"
	    "margin:2em;max-width:180mm}"
	    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid "
	    "#999;padding:.2em .6em}th{background:#eee}.bar{fill:#3a7}"
	    ".bar2{fill:#9cd}svg{display:block;margin:1em 0}"
	    "table,svg,tr{break-inside:avoid;page-break-inside:avoid}"
	    "h1,h2{break-after:avoid;page-break-after:avoid}"
	    "svg text{font-family:inherit}"
	    ".target{stroke:#c33;stroke-width:2}@media print{body{margin:0}}"
	    "</style></head><body>\n<h1>");
	html_text(b, d->title);
	buf_adds(b, " ");
	html_text(b, d->period);
	buf_adds(b, "</h1>\n");
}

/* The figures as a table; returns how many are rates to draw. */
static int
html_figures(struct buf *b, const struct doc *d)
{
	int i, bars = 0;

	buf_adds(b, "<table>");
	for (i = 0; i < d->nv; i++) {
		if (d->v[i].kind == 2)
			continue;
		buf_adds(b, "<tr><th>");
		html_text(b, d->v[i].label);
		buf_adds(b, "</th><td>");
		if (d->v[i].chart && strcmp(d->v[i].value, "null") != 0) {
			buf_addf(b, "%.1f%%", atof(d->v[i].value) * 100);
			bars++;
		} else if (strcmp(d->v[i].value, "null") == 0)
			buf_adds(b, "—");	/* a rate without a denominator */
		else
			html_text(b, d->v[i].value);
		buf_adds(b, "</td></tr>");
	}
	buf_adds(b, "</table>\n");
	return bars;
}

/* The rates as bars, their labels before them. */
static void
html_rate_bars(struct buf *b, const struct doc *d, int bars)
{
	int i, y = 0, lx = 120, px;

	for (i = 0; i < d->nv; i++)
		if (d->v[i].chart && label_px(d->v[i].label) > lx)
			lx = label_px(d->v[i].label);
	px = bars_px(lx);
	buf_addf(b, "<svg class=\"chart\" width=\"%d\" height=\"%d\" "
	    "xmlns=\"http://www.w3.org/2000/svg\">", lx + px + 70,
	    bars * 26 + 4);
	for (i = 0; i < d->nv; i++) {
		double v;

		if (!d->v[i].chart || strcmp(d->v[i].value, "null") == 0)
			continue;
		v = atof(d->v[i].value);
		buf_addf(b, "<text x=\"0\" y=\"%d\" font-size=\"13\">", y + 16);
		html_text(b, d->v[i].label);
		buf_addf(b, "</text><rect class=\"bar\" x=\"%d\" y=\"%d\" "
		    "width=\"%.0f\" height=\"20\"/><text x=\"%.0f\" y=\"%d\" "
		    "font-size=\"12\">%.1f%%</text>", lx, y + 2, v * px,
		    lx + 6 + v * px, y + 16, v * 100);
		y += 26;
	}
	buf_adds(b, "</svg>\n");
}

static void
html_table(struct buf *b, const struct doc_table *t)
{
	size_t r;
	int c;

	buf_adds(b, "<h2>");
	html_text(b, t->title);
	buf_adds(b, "</h2>\n<table><tr>");
	for (c = 0; c < t->ncols; c++) {
		buf_adds(b, "<th>");
		html_text(b, col_title(t, c));
		buf_adds(b, "</th>");
	}
	buf_adds(b, "</tr>\n");
	for (r = 0; r < t->nrows; r++) {
		buf_adds(b, "<tr>");
		for (c = 0; c < t->ncols; c++) {
			struct buf cell = { 0 };

			cell_text(&cell, t, r, c);
			buf_adds(b, "<td>");
			html_text(b, cell.s ? cell.s : "");
			buf_adds(b, "</td>");
			buf_free(&cell);
		}
		buf_adds(b, "</tr>\n");
	}
	buf_adds(b, "</table>\n");
	if (t->nseries > 0)
		table_svg(b, t);
}

/* A self-contained page: no network, inline CSS, SVG bars for rates. */
static void
render_html(const struct doc *d, FILE *out)
{
	struct buf b = { 0 };
	int i, bars;

	html_head(&b, d);
	if ((bars = html_figures(&b, d)) > 0)
		html_rate_bars(&b, d, bars);
	for (i = 0; i < d->nt; i++)
		html_table(&b, &d->t[i]);
	buf_adds(&b, "</body></html>\n");
	fwrite(b.s, 1, b.len, out);
	buf_free(&b);
}

void
doc_render(const struct doc *d, enum report_format f, FILE *out)
{
	switch (f) {
	case REPORT_TEXT: render_text(d, out); break;
	case REPORT_CSV: render_csv(d, out); break;
	case REPORT_JSON: render_json(d, out); break;
	case REPORT_HTML: render_html(d, out); break;
	case REPORT_XLSX: render_xlsx(d); break;
	}
}
