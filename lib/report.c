/*
 * report.c - the reports due on fixed days (SPEC 2.6): the schedule, and
 * the layout of each report from the numbers of the form modules.
 *
 * A report is first gathered into a small document (summary numbers and
 * tables, doc.h), then laid out by layout.c as text (for mail and print,
 * Chinese headings), CSV, JSON, xlsx or a self-contained HTML page with
 * SVG bars.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert.h"
#include "check.h"
#include "complaint.h"
#include "desk.h"
#include "doc.h"
#include "reno.h"
#include "fee.h"
#include "duty.h"
#include "key.h"
#include "owner.h"
#include "report.h"
#include "visit.h"

const char *const report_names[] = { "duty", "weekly", "owners", "keys",
	"complaints", "visits", NULL };

static void
ymd(time_t t, int *y, int *m, int *d)
{
	struct tm tm;

	localtime_r(&t, &tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
}

int
report_parse_format(const char *s, enum report_format *f)
{
	static const char *const names[] = { "text", "csv", "json", "html",
		"xlsx" };
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0) {
			*f = i;
			return 0;
		}
	return -1;
}

const char *
report_extension(enum report_format f)
{
	static const char *const ext[] = { "txt", "csv", "json", "html",
		"xlsx" };

	return ext[f];
}

/* ---- the document ---------------------------------------------------------------- */

struct doc_value *
doc_put(struct doc *d, const char *key, const char *label, int kind)
{
	struct doc_value *v = &d->v[d->nv++];

	memset(v, 0, sizeof *v);
	v->key = key;
	v->label = label;
	v->kind = kind;
	return v;
}

static void
put_num(struct doc *d, const char *key, const char *label, long n)
{
	snprintf(doc_put(d, key, label, 1)->value, 512, "%ld", n);
}

/*
 * A rate from 0 to 1, num / den, or null without data (SPEC 4); its
 * counts are kept, so that a group's rate is the sums' (group.c).
 */
static void
put_ratio(struct doc *d, const char *key, const char *label, long num,
    long den)
{
	struct doc_value *v = doc_put(d, key, label, 1);

	if (den == 0)
		snprintf(v->value, sizeof v->value, "null");
	else
		snprintf(v->value, sizeof v->value, "%.4f", (double)num / den);
	v->chart = 1;
	v->num = num;
	v->den = den;
	v->ratio = 1;
}

static double
ratio(long a, long b)
{
	return b ? (double)a / b : -1;
}

struct doc_table *
doc_table(struct doc *d, const char *key, const char *title,
    const char *const *cols)
{
	struct doc_table *t = &d->t[d->nt++];

	memset(t, 0, sizeof *t);
	t->key = key;
	t->title = title;
	for (t->ncols = 0; cols[t->ncols]; t->ncols++) {
		const char *c = cols[t->ncols], *colon = strchr(c, ':');

		snprintf(t->names[t->ncols], sizeof t->names[0], "%.*s",
		    (int)(colon ? colon - c : (long)strlen(c)), c);
		snprintf(t->flags[t->ncols], sizeof t->flags[0], "%s",
		    colon ? colon + 1 : "");
		t->cols[t->ncols] = t->names[t->ncols];
	}
	t->target = -1;
	return t;
}

/* Draw columns a (and b, when >= 0) of the table as bars in html. */
static void
table_chart(struct doc_table *t, int a, int b, int target)
{
	t->series[0] = a;
	t->series[1] = b;
	t->nseries = b >= 0 ? 2 : 1;
	t->target = target;
}

/*
 * A row of n cells (the caller's array: table_row passes its length), one
 * for each of the table's columns.
 */
void
doc_row(struct doc_table *t, const char *const *vals, size_t n)
{
	size_t i;

	assert(n == (size_t)t->ncols);
	GROW(t->cells, (t->nrows + 1) * t->ncols, t->cap);
	for (i = 0; i < n; i++)
		t->cells[t->nrows * t->ncols + i] = xstrdup(vals[i] ? vals[i] :
		    "");
	t->nrows++;
}

void
doc_free(struct doc *d)
{
	int i;
	size_t k;

	for (i = 0; i < d->nt; i++) {
		for (k = 0; k < d->t[i].nrows * d->t[i].ncols; k++)
			free(d->t[i].cells[k]);
		free(d->t[i].cells);
	}
}

/* ---- gathering each report ---------------------------------------------------------- */

/*
 * SPEC 2.7: what the front hall leaves open at the end of the day:
 * parcels not collected, calls not signed for, visitors still inside.
 */
static int
gather_day_desk(struct pm_ctx *ctx, struct doc *d, struct pm_err *e)
{
	static const char *const cols[] = { "id", "at", "status:w", "unit",
		"name", NULL };
	static const char *const regs[] = { "parcel", "call", "visitor" };
	static const char *const keys[] = { "parcels_waiting",
		"calls_unconfirmed", "visitors_inside" };
	static const char *const labels[] = { "包裹待领取", "电话未签收",
		"访客过夜未离" };
	struct doc_table *t;
	time_t day, end;
	size_t i, k;

	if (clock_parse(d->period, &day, NULL) != 0)
		return errset(e, EX_DATAERR, _("--date: expected a date"));
	end = clock_add_days(day, 1);
	t = doc_table(d, "desk", "前台未结事项", cols);
	for (k = 0; k < 3; k++) {
		struct desk_book b;
		long n = 0;

		if (desk_read(ctx, regs[k], &b, e) != 0)
			return -1;
		for (i = 0; i < b.n; i++) {
			const struct desk_item *it = &b.v[i];
			time_t closed = k == 1 ? it->confirmed : it->out;
			const char *v[] = { it->id, it->at, desk_status(it),
				it->unit, k == 2 ? it->name : k == 0 ? it->to :
				it->to };

			if (it->t >= end || (closed && closed < end))
				continue;
			table_row(t, v);
			n++;
		}
		put_num(d, keys[k], labels[k], n);
		desk_book_free(&b);
	}
	return 0;
}

/*
 * SPEC 2.8: the renovations' deadlines of the day: reviews, patrols,
 * rectifications, acceptances and refunds come or passed by its end.
 */
static int
gather_day_reno(struct pm_ctx *ctx, struct doc *d, struct pm_err *e)
{
	static const char *const cols[] = { "id", "unit", "status:w",
		"due_by", "what:tm", "deadline:w", NULL };
	struct pm_ctx day = *ctx;
	struct reno_book b = { 0 };
	struct reno_due *due;
	struct doc_table *t;
	time_t start;
	size_t i, n;

	if (clock_parse(d->period, &start, NULL) != 0)
		return errset(e, EX_DATAERR, _("--date: expected a date"));
	if (day.now >= clock_add_days(start, 1))
		day.now = clock_add_days(start, 1) - 1;
	if (reno_read(&day, 0, &b, e) != 0)
		return -1;
	due = reno_due(&day, &b, &n);
	t = doc_table(d, "renovations", "装修事项", cols);
	for (i = 0; i < n; i++) {
		char by[20];
		const char *v[] = { due[i].r->id, due[i].r->unit, due[i].overdue ?
			"overdue" : "due", by, due[i].what, due[i].deadline };

		clock_format(due[i].due, by);
		table_row(t, v);
	}
	put_num(d, "renovations_due", "装修待办", (long)n);
	free(due);
	reno_book_free(&b);
	return 0;
}

/* SPEC 2.8: the month's renovations, beside the complaints on the 30th. */
static int
gather_month_reno(struct pm_ctx *ctx, struct doc *d, int y, int m,
    struct pm_err *e)
{
	static const char *const cols[] = { "reason", "count", NULL };
	struct reno_stats st = { 0 };
	struct doc_table *t;
	int i;

	if (reno_month(ctx, y, m, &st, e) != 0)
		return -1;
	put_num(d, "reno_applications", "装修申请", st.applications);
	put_num(d, "reno_approved", "装修批准", st.approved);
	put_num(d, "reno_refused", "不予登记", st.refused);
	put_num(d, "reno_violations", "装修违规", st.violations);
	put_num(d, "reno_acceptances", "装修验收", st.acceptances);
	put_num(d, "reno_passed", "验收合格", st.passed);
	put_num(d, "reno_refunds", "押金退还", st.refunds);
	put_ratio(d, "reno_refund_rate", "押金按时退还率", st.refunds_on_time,
	    st.refunds);
	t = doc_table(d, "reno_refusals", "不予登记原因", cols);
	for (i = 0; i < st.nreasons; i++) {
		char n[24];
		const char *v[] = { st.reasons[i].reason, n };

		snprintf(n, sizeof n, "%ld", st.reasons[i].n);
		table_row(t, v);
	}
	reno_stats_free(&st);
	return 0;
}

/*
 * SPEC 2.1: the days of the week before that the supervisor has not yet
 * checked the complaint and request registers.
 */
static int
gather_day_unchecked(struct pm_ctx *ctx, struct doc *d, struct pm_err *e)
{
	static const char *const cols[] = { "date", "status:w", NULL };
	char days[7][11];
	struct doc_table *t;
	time_t day;
	int i, n;

	if (clock_parse(d->period, &day, NULL) != 0)
		return errset(e, EX_DATAERR, _("--date: expected a date"));
	/* the report's own day is checked tomorrow: the seven before it */
	n = check_missing(ctx, day, 7, days);
	t = doc_table(d, "unchecked", "登记簿未审核日", cols);
	for (i = 0; i < n; i++) {
		const char *v[] = { days[i], "unchecked" };

		table_row(t, v);
	}
	put_num(d, "registers_unchecked", "登记簿未审核天数", n);
	return 0;
}

/* SPEC 2.10: the day's alerts, and which of them are still open now. */
static int
gather_day_alerts(struct pm_ctx *ctx, struct doc *d, struct pm_err *e)
{
	static const char *const cols[] = { "book:w", "id", "deadline:w",
		"due_at", "escalate_to:w", "status:w", NULL };
	struct alert_list al;
	struct doc_table *t;
	time_t day;
	long open = 0;
	size_t i;

	if (clock_parse(d->period, &day, NULL) != 0)
		return errset(e, EX_DATAERR, _("--date: expected a date"));
	if (alert_read(ctx, day, clock_add_days(day, 1), &al, e) != 0)
		return -1;
	t = doc_table(d, "alert_list", "当日期限提醒", cols);
	for (i = 0; i < al.n; i++) {
		const struct alert *a = &al.v[i];
		const char *v[] = { a->book, a->id, a->deadline, a->due_at,
			a->escalate_to, a->open ? "open" : "done" };

		table_row(t, v);
		open += a->open;
	}
	put_num(d, "alerts", "当日提醒", (long)al.n);
	put_num(d, "alerts_open", "提醒仍未完成", open);
	alert_list_free(&al);
	return 0;
}

static int
gather_duty(struct pm_ctx *ctx, struct doc *d, struct pm_err *e)
{
	static const char *const cols[] = { "id", "at", "kind:w", "text", "by",
		"note", NULL };
	struct duty_entries es, pend;
	struct doc_table *t;
	long handovers = 0, refused = 0;
	size_t i;

	if (duty_show(ctx, d->period, &es, e) != 0)
		return -1;
	if (es.broken[0]) {
		errset(e, EX_DATAERR, "%s", es.broken);
		duty_entries_free(&es);
		return -1;
	}
	t = doc_table(d, "log", "值班记录", cols);
	for (i = 0; i < es.n; i++) {
		const char *v[] = { es.v[i].id, es.v[i].at, es.v[i].kind,
			es.v[i].text, es.v[i].by, DUTY_NOTE(&es.v[i]) };

		table_row(t, v);
		if (strcmp(es.v[i].kind, "handover") == 0) {
			handovers++;
			if (strstr(es.v[i].text, " REFUSED: "))
				refused++;
		}
	}
	put_num(d, "entries", "记录条数", (long)es.n);
	put_num(d, "handovers", "交接班次数", handovers);
	put_num(d, "refused", "拒绝接班", refused);
	snprintf(doc_put(d, "signed_by", "主管签名", 0)->value, 512, "%s",
	    es.signed_by[0] ? es.signed_by : "未签名");
	duty_entries_free(&es);
	duty_pending(ctx, &pend, e);
	t = doc_table(d, "pending", "未完成事项", cols);
	for (i = 0; i < pend.n; i++) {
		const char *v[] = { pend.v[i].id, pend.v[i].at, pend.v[i].kind,
			pend.v[i].text, pend.v[i].by, "" };

		table_row(t, v);
	}
	put_num(d, "open_pending", "未完成事项", (long)pend.n);
	duty_entries_free(&pend);
	if (gather_day_desk(ctx, d, e) != 0 || gather_day_reno(ctx, d, e) != 0 ||
	    gather_day_unchecked(ctx, d, e) != 0)
		return -1;
	return gather_day_alerts(ctx, d, e);
}

/* SPEC 2.7: the week's important calls are bound into the weekly review. */
static int
gather_week_calls(struct pm_ctx *ctx, struct doc *d, time_t from, time_t to,
    struct pm_err *e)
{
	static const char *const cols[] = { "id", "at", "name", "text",
		"to_name", "status:w", NULL };
	struct desk_book b;
	struct doc_table *t;
	long n = 0;
	size_t i;

	if (desk_read(ctx, "call", &b, e) != 0)
		return -1;
	t = doc_table(d, "call_list", "重要电话记录 (本周)", cols);
	for (i = 0; i < b.n; i++) {
		const struct desk_item *it = &b.v[i];
		const char *v[] = { it->id, it->at, it->name, it->text, it->to,
			desk_status(it) };

		if (it->t < from || it->t >= to)
			continue;
		table_row(t, v);
		n++;
	}
	put_num(d, "calls", "重要电话", n);
	desk_book_free(&b);
	return 0;
}

static int
gather_weekly(struct pm_ctx *ctx, struct doc *d, struct pm_err *e)
{
	static const char *const cols[] = { "code", "kind:w", "unit",
		"importance", "status:w", "registered_at", "text", NULL };
	struct complaint_book b;
	struct doc_table *t;
	time_t from, to;
	long total = 0, complaints = 0, open = 0, handled = 0, closed = 0;
	size_t i;

	if (clock_parse(d->period, &from, NULL) != 0)
		return errset(e, EX_DATAERR, _("--week: expected a date"));
	to = clock_add_days(from, 7);
	/* the week's registrations closed in its month or later, or open */
	complaint_read_since(ctx, 0, clock_month_key(from), &b, e);
	t = doc_table(d, "reception", "接待记录", cols);
	for (i = 0; i < b.n; i++) {
		const struct complaint *c = &b.v[i];
		const char *st = complaint_status(c);
		const char *v[] = { c->code, c->kind, c->unit, c->importance, st,
			c->registered_at, c->text };

		if (c->registered < from || c->registered >= to)
			continue;
		table_row(t, v);
		total++;
		complaints += strcmp(c->kind, "complaint") == 0;
		open += strcmp(st, "open") == 0;
		handled += strcmp(st, "handled") == 0;
		closed += strcmp(st, "closed") == 0 ||
		    strcmp(st, "unresolvable") == 0;
	}
	complaint_book_free(&b);
	put_num(d, "registered", "登记", total);
	put_num(d, "complaints", "投诉", complaints);
	put_num(d, "requests", "其他来访", total - complaints);
	put_num(d, "open", "处理中", open);
	put_num(d, "handled", "已处理", handled);
	put_num(d, "closed", "已结案", closed);
	return gather_week_calls(ctx, d, from, to, e);
}

/*
 * SPEC 2.9: the 5th's summary adds the arrears by months owed, the
 * ladder's steps on time, and the quarter's household census.
 */
static int
gather_owner_followups(struct pm_ctx *ctx, struct doc *d, struct pm_err *e)
{
	static const char *const keys[] = { "arrears_1_6", "arrears_6_18",
		"arrears_18" };
	static const char *const labels[] = { "欠费 1-6 个月 (户)",
		"欠费 6-18 个月 (户)", "欠费 18 个月以上 (户)" };
	struct owner_census *c;
	struct fee_summary fs;
	struct doc_value *v;
	char quarter[24];
	long done = 0;
	size_t i, n;
	int y, m;

	if (fee_summarize(ctx, &fs, e) != 0)
		return -1;
	for (i = 0; i < 3; i++)
		put_num(d, keys[i], labels[i], fs.units[i]);
	v = doc_put(d, "arrears_yuan", "欠费金额 (元)", 1);
	snprintf(v->value, sizeof v->value, "%ld.%02ld", fs.fen[3] / 100,
	    fs.fen[3] % 100);
	put_num(d, "steps_due", "催缴应办步骤", fs.steps);
	put_ratio(d, "steps_on_time", "催缴按时率", fs.on_time, fs.steps);
	if (clock_parse_month(d->period, &y, &m) != 0)
		return errset(e, EX_DATAERR, _("--month: expected YYYY-MM"));
	snprintf(quarter, sizeof quarter, "%04dQ%d", y % 10000, (m + 2) / 3);
	if (owner_census_quarter(ctx, quarter, &c, &n, e) != 0)
		return -1;
	for (i = 0; i < n; i++)
		done += *c[i].at != '\0';
	free(c);
	put_num(d, "census_done", "本季度已普查 (户)", done);
	put_num(d, "census_missing", "本季度未普查 (户)", (long)n - done);
	return 0;
}

static int
gather_owners(struct pm_ctx *ctx, struct doc *d, struct pm_err *e)
{
	struct owner_summary s;
	struct key_book kb;

	if (key_read(ctx, NULL, &kb, e) != 0)
		return -1;
	if (owner_summarize(ctx, d->period, key_unit_issued, &kb, &s, e) != 0) {
		key_book_free(&kb);
		return -1;
	}
	key_book_free(&kb);
	put_num(d, "records", "档案总数", s.records);
	put_num(d, "added", "本月新增", s.added);
	put_num(d, "changed", "本月变更", s.changed);
	put_num(d, "incomplete", "资料不全", s.incomplete);
	put_num(d, "no_keys", "未领钥匙", s.no_keys);
	return gather_owner_followups(ctx, d, e);
}

static int
gather_keys(struct pm_ctx *ctx, struct doc *d, struct pm_err *e)
{
	static const char *const ucols[] = { "unit", "on_hand", "lent_out",
		"issued", "lost", "counted", "diff", NULL };
	static const char *const lcols[] = { "loan", "unit", "count",
		"borrower", "dept", "lent_at", "days_out", NULL };
	struct key_loan **loans;
	struct key_book b;
	struct doc_table *t;
	static const char *const mcols[] = { "keys", "count", NULL };
	long on_hand = 0, lent = 0, lost = 0, issued = 0, counted = 0;
	size_t i, n;

	if (key_read(ctx, NULL, &b, e) != 0)
		return -1;
	/* not "units": that key is the count (a JSON object has each key once) */
	t = doc_table(d, "unit_keys", "各房号钥匙 (应在柜数)", ucols);
	for (i = 0; i < b.nunits; i++) {
		const struct key_unit *u = &b.units[i];
		char n1[24], n2[24], n3[24], n4[24], n5[24] = "", n6[24] = "";
		const char *v[] = { u->unit, n1, n2, n3, n4, n5, n6 };

		snprintf(n1, sizeof n1, "%ld", u->on_hand);
		snprintf(n2, sizeof n2, "%ld", u->lent_out);
		snprintf(n3, sizeof n3, "%ld", u->issued);
		snprintf(n4, sizeof n4, "%ld", u->lost);
		/* the month's count (pm-key inventory --counted), as recorded */
		if (strncmp(u->counted_at, d->period, 7) == 0) {
			snprintf(n5, sizeof n5, "%ld", u->last_count);
			snprintf(n6, sizeof n6, "%ld", u->last_count - u->last_book);
			counted++;
		}
		table_row(t, v);
		on_hand += b.units[i].on_hand;
		lent += b.units[i].lent_out;
		lost += b.units[i].lost;
		issued += b.units[i].issued;
	}
	n = key_overdue(ctx, &b, ctx->conf.loan_days, &loans);
	t = doc_table(d, "overdue", "逾期未还", lcols);
	for (i = 0; i < n; i++) {
		char c1[24], c2[24];
		const char *v[] = { loans[i]->id, loans[i]->unit, c1,
			loans[i]->borrower, loans[i]->dept, loans[i]->lent_at, c2 };

		snprintf(c1, sizeof c1, "%ld", loans[i]->count -
		    loans[i]->returned);
		snprintf(c2, sizeof c2, "%ld", loans[i]->days_out);
		table_row(t, v);
	}
	free(loans);
	/* where the keys are: a picture of the cabinet's movements */
	t = doc_table(d, "movements", "钥匙去向", mcols);
	table_chart(t, 1, -1, -1);
	{
		const char *const label[] = { "在柜", "借出未还", "逾期借出",
			"已交业主", "遗失" };
		long count[] = { on_hand, lent, (long)n, issued, lost };
		char c[24];

		for (i = 0; i < 5; i++) {
			const char *v[2];

			snprintf(c, sizeof c, "%ld", count[i]);
			v[0] = label[i];
			v[1] = c;
			table_row(t, v);
		}
	}
	put_num(d, "units", "房号数", (long)b.nunits);
	put_num(d, "on_hand", "在柜钥匙", on_hand);
	put_num(d, "lent_out", "借出未还", lent);
	put_num(d, "overdue_loans", "逾期借出", (long)n);
	put_num(d, "lost", "遗失", lost);
	put_num(d, "units_counted", "本月盘点房号", counted);
	key_book_free(&b);
	return 0;
}

static void
rate_json(char *out, size_t size, double r)
{
	if (r < 0)
		snprintf(out, size, "null");
	else
		snprintf(out, size, "%.4f", r);
}

/* The previous month, beside this one (SPEC 2.6). */
static void
stats_json(char *out, size_t size, const struct complaint_stats *st,
    const struct visit_rate *cr)
{
	char timely[16], callback[16], sat[16], rate[16];

	rate_json(timely, sizeof timely, st->timely_rate);
	rate_json(callback, sizeof callback, ratio(cr->visited, cr->due));
	rate_json(sat, sizeof sat, ratio(cr->satisfied, cr->visited));
	rate_json(rate, sizeof rate, st->complaint_rate);
	snprintf(out, size, "{\"month\":\"%04d-%02d\",\"total\":%ld,"
	    "\"by_importance\":{\"A\":%ld,\"B\":%ld,\"C\":%ld},"
	    "\"timely_rate\":%s,\"callback_rate\":%s,"
	    "\"satisfaction_rate\":%s,\"complaint_rate\":%s,"
	    "\"open_carried\":%ld}", st->year, st->month, st->total,
	    st->by_importance[0], st->by_importance[1], st->by_importance[2],
	    timely, callback, sat, rate, st->open_carried);
}

static void
complaint_rates(struct pm_ctx *ctx, struct visit_book *vb, int y, int m,
    struct visit_rate *cr)
{
	struct visit_rate r[16];
	size_t i, n;

	memset(cr, 0, sizeof *cr);
	n = visit_rates(ctx, vb, clock_month_start(y, m), clock_month_end(y,
	    m), r);
	for (i = 0; i < n; i++)
		if (strcmp(r[i].type, "complaint") == 0)
			*cr = r[i];
}

/* The month's counts beside the month before's, rows in the desk's words. */
static void
comparison(struct doc *d, const struct complaint_stats *st,
    const struct complaint_stats *prev)
{
	static const char *const cols[] = { "item:w", "this_month",
		"last_month", NULL };
	struct doc_table *t = doc_table(d, "comparison", "与上月对比", cols);
	char a[32], b[32];
	const char *row[3] = { NULL, a, b };
	size_t i;

	table_chart(t, 1, 2, -1);
	for (i = 0; i < 3 + 6 + 1; i++) {
		row[0] = i < 3 ? complaint_importances[i] : i < 9 ?
		    complaint_categories[i - 3] : "total";
		snprintf(a, sizeof a, "%ld", i < 3 ? st->by_importance[i] : i < 9 ?
		    st->by_category[i - 3] : st->total);
		snprintf(b, sizeof b, "%ld", i < 3 ? prev->by_importance[i] :
		    i < 9 ? prev->by_category[i - 3] : prev->total);
		table_row(t, row);
	}
}

/* The rates of SPEC 2.1, this month beside the month before. */
static void
rate_comparison(struct doc *d, const struct complaint_stats *st,
    const struct visit_rate *cr, const struct complaint_stats *prev,
    const struct visit_rate *pr)
{
	static const char *const cols[] = { "item:w", "this_month:r",
		"last_month:r", NULL };
	struct doc_table *t = doc_table(d, "rate_comparison", "比率与上月对比",
	    cols);
	const double now[] = { st->timely_rate, ratio(cr->visited, cr->due),
		ratio(cr->satisfied, cr->visited), st->complaint_rate };
	const double before[] = { prev->timely_rate, ratio(pr->visited, pr->due),
		ratio(pr->satisfied, pr->visited), prev->complaint_rate };
	static const char *const items[] = { "timely_rate", "callback_rate",
		"satisfaction_rate", "complaint_rate" };
	char a[32], b[32];
	const char *row[3] = { NULL, a, b };
	size_t i;

	for (i = 0; i < sizeof items / sizeof items[0]; i++) {
		row[0] = items[i];
		rate_json(a, sizeof a, now[i]);
		rate_json(b, sizeof b, before[i]);
		table_row(t, row);
	}
}

/* SPEC 2.1: each request type's reply rate and timely rate. */
static void
request_types(struct doc *d, const struct complaint_stats *st)
{
	static const char *const cols[] = { "request_type:w", "registered",
		"answered", "reply_rate:r", "on_time", "timely_rate:r", NULL };
	struct doc_table *t = doc_table(d, "request_types", "非投诉类服务标准",
	    cols);
	char a[24], b[24], c[24], r1[16], r2[16];
	const char *row[] = { NULL, a, b, r1, c, r2 };
	size_t i;

	for (i = 0; complaint_request_types[i]; i++) {
		row[0] = complaint_request_types[i];
		snprintf(a, sizeof a, "%ld", st->rq_registered[i]);
		snprintf(b, sizeof b, "%ld", st->rq_answered[i]);
		snprintf(c, sizeof c, "%ld", st->rq_on_time[i]);
		rate_json(r1, sizeof r1, ratio(st->rq_answered[i],
		    st->rq_registered[i]));
		rate_json(r2, sizeof r2, ratio(st->rq_on_time[i],
		    st->rq_registered[i]));
		table_row(t, row);
	}
}

static int
gather_complaints(struct pm_ctx *ctx, struct doc *d, struct pm_err *e)
{
	struct complaint_stats st, prev;
	struct complaint_book b;
	struct visit_rate cr, pr;
	struct visit_book vb;
	struct doc_value *v;
	int y, mo, py, pmo;

	if (clock_parse_month(d->period, &y, &mo) != 0)
		return errset(e, EX_DATAERR, _("--month: expected YYYY-MM, got "
		    "\"%.20s\""), d->period);
	py = mo == 1 ? y - 1 : y;
	pmo = mo == 1 ? 12 : mo - 1;
	/*
	 * this month and the one before from one read of each book: the
	 * complaints from the month before that, whose handlings the visits
	 * of the month before are due from
	 */
	complaint_read_since(ctx, 0, (long)py * 12 + pmo - 2, &b, e);
	complaint_stats_in(ctx, &b, y, mo, &st);
	complaint_stats_in(ctx, &b, py, pmo, &prev);
	visit_read_since_with(ctx, py, pmo, &b, &vb, e);
	complaint_book_free(&b);
	complaint_rates(ctx, &vb, y, mo, &cr);
	complaint_rates(ctx, &vb, py, pmo, &pr);
	visit_book_free(&vb);
	snprintf(doc_put(d, "month", "月份", 0)->value, 512, "%s", d->period);
	put_num(d, "total", "投诉总数", st.total);
	v = doc_put(d, "by_importance", "按重要程度", 2);
	snprintf(v->value, sizeof v->value, "{\"A\":%ld,\"B\":%ld,\"C\":%ld}",
	    st.by_importance[0], st.by_importance[1], st.by_importance[2]);
	v = doc_put(d, "by_category", "按问题类别", 2);
	snprintf(v->value, sizeof v->value, "{\"KF\":%ld,\"ZX\":%ld,\"GC\":%ld,"
	    "\"BJ\":%ld,\"YY\":%ld,\"QT\":%ld}", st.by_category[0],
	    st.by_category[1], st.by_category[2], st.by_category[3],
	    st.by_category[4], st.by_category[5]);
	put_num(d, "handled", "本月处理", st.handled);
	put_ratio(d, "timely_rate", "处理及时率", st.timely, st.handled);
	put_ratio(d, "callback_rate", "回访率", cr.visited, cr.due);
	put_ratio(d, "satisfaction_rate", "满意率", cr.satisfied, cr.visited);
	put_ratio(d, "correct_rate", "处理正确率", cr.passed, cr.reviewed);
	put_ratio(d, "complaint_rate", "客户投诉率", st.total,
	    ctx->conf.households);
	put_ratio(d, "valid_rate", "有效投诉率", st.valid, st.reviewed);
	put_num(d, "open_carried", "转下月未处理", st.open_carried);
	put_num(d, "requests", "其他来访", st.requests);
	v = doc_put(d, "previous", "上月", 2);
	stats_json(v->value, sizeof v->value, &prev, &pr);
	/* the previous month beside this one: counts, then rates */
	comparison(d, &st, &prev);
	rate_comparison(d, &st, &cr, &prev, &pr);
	request_types(d, &st);
	return 0;
}

/* The 30th: the month's complaints, and its renovations beside them. */
static int
gather_month(struct pm_ctx *ctx, struct doc *d, struct pm_err *e)
{
	int y, m;

	if (gather_complaints(ctx, d, e) != 0 ||
	    clock_parse_month(d->period, &y, &m) != 0)
		return -1;
	return gather_month_reno(ctx, d, y, m, e);
}

static int
gather_visits(struct pm_ctx *ctx, struct doc *d, struct pm_err *e)
{
	static const char *const rcols[] = { "type:w", "due", "visited",
		"rate:r", "target:r", "met:w", NULL };
	static const char *const fcols[] = { "finding:w", "unit", "category",
		"count", "refs", NULL };
	struct visit_finding *f;
	struct visit_rate r[16];
	struct visit_book b;
	struct doc_table *t;
	time_t from, to;
	size_t i, n;
	int y, q;

	if (clock_parse_quarter(d->period, &y, &q) != 0)
		return errset(e, EX_DATAERR, _("--quarter: expected YYYYQn, got "
		    "\"%.20s\""), d->period);
	from = clock_month_start(y, 3 * q - 2);
	to = clock_month_end(y, 3 * q);
	/* as pm-visit rates and analysis read the quarter */
	visit_read_since(ctx, y, 3 * q - 2, &b, e);
	n = visit_rates(ctx, &b, from, to, r);
	t = doc_table(d, "rates", "回访率", rcols);
	table_chart(t, 3, -1, 4);
	for (i = 0; i < n; i++) {
		char c1[24], c2[24], c3[24], c4[24];
		const char *v[] = { r[i].type, c1, c2, c3, c4, visit_target_met(&r[i]) };

		snprintf(c1, sizeof c1, "%ld", r[i].due);
		snprintf(c2, sizeof c2, "%ld", r[i].visited);
		if (r[i].rate < 0)
			c3[0] = '\0';
		else
			snprintf(c3, sizeof c3, "%.4f", r[i].rate);
		snprintf(c4, sizeof c4, "%.2f", r[i].target);
		table_row(t, v);
		if (r[i].due)
			put_ratio(d, r[i].type, words_value(NULL, r[i].type) ?
			    words_value(NULL, r[i].type) : r[i].type,
			    r[i].visited, r[i].due);
	}
	n = visit_analysis(ctx, &b, from, to, &f);
	t = doc_table(d, "finding_list", "分析 (不合格回访, 重复投诉, 重复维修)", fcols);
	for (i = 0; i < n; i++) {
		char c[24];
		const char *v[] = { f[i].kind, f[i].unit, f[i].category, c,
			f[i].refs };

		snprintf(c, sizeof c, "%ld", f[i].count);
		table_row(t, v);
	}
	put_num(d, "findings", "分析项", (long)n);
	visit_findings_free(f, n);
	visit_book_free(&b);
	return 0;
}

/*
 * SPEC 3: every report ends with the heads of the books, so that the
 * mail cron sends and the paper filed are witnesses (verify --witness
 * reads these lines back).
 */
static int
gather_heads(struct pm_ctx *ctx, struct doc *d, struct pm_err *e)
{
	static const char *const cols[] = { "book", "seq", "head", NULL };
	struct report_head *h;
	struct doc_table *t;
	size_t i, n = report_heads(ctx, &h, e);

	if (n == (size_t)-1)
		return -1;
	t = doc_table(d, "heads", "链头", cols);
	for (i = 0; i < n; i++) {
		char seq[24];
		const char *v[] = { h[i].book, seq, h[i].head };

		snprintf(seq, sizeof seq, "%ld", h[i].seq);
		table_row(t, v);
	}
	free(h);
	return 0;
}

/* ---- the schedule ------------------------------------------------------------------- */

/* SPEC 2.6: the day each report is due... */
static int
due_daily(int y, int m, int d, time_t day)
{
	(void)y, (void)m, (void)d, (void)day;
	return 1;
}

static int
due_monday(int y, int m, int d, time_t day)
{
	(void)y, (void)m, (void)d;
	return clock_weekday(day) == 1;
}

static int
due_5th(int y, int m, int d, time_t day)
{
	(void)y, (void)m, (void)day;
	return d == 5;
}

static int
due_25th(int y, int m, int d, time_t day)
{
	(void)y, (void)m, (void)day;
	return d == 25;
}

/* the 30th; in February its last day */
static int
due_30th(int y, int m, int d, time_t day)
{
	(void)day;
	return m == 2 ? d == clock_days_in_month(y, 2) : d == 30;
}

/* the 10th of a quarter's first month */
static int
due_quarter(int y, int m, int d, time_t day)
{
	(void)y, (void)day;
	return d == 10 && (m - 1) % 3 == 0;
}

/* ... and the period it covers when produced that day */
static void
period_yesterday(int y, int m, time_t day, char *period)
{
	(void)y, (void)m;
	clock_format_date(clock_add_days(day, -1), period);
}

/* the week before: its Monday */
static void
period_last_week(int y, int m, time_t day, char *period)
{
	(void)y, (void)m;
	clock_format_date(clock_add_days(day, -(clock_weekday(day) - 1) - 7),
	    period);
}

/* before the 5th: the month that ended */
static void
period_last_month(int y, int m, time_t day, char *period)
{
	(void)day;
	if (--m == 0)
		m = 12, y--;
	sprintf(period, "%04d-%02d", y, m);
}

static void
period_this_month(int y, int m, time_t day, char *period)
{
	(void)day;
	sprintf(period, "%04d-%02d", y, m);
}

/* the quarter before this one */
static void
period_last_quarter(int y, int m, time_t day, char *period)
{
	int q = (m - 1) / 3;

	(void)day;
	if (q == 0)
		q = 4, y--;
	sprintf(period, "%04dQ%d", y, q);
}

/* SPEC 2.6, the schedule: one row a report, read by due, run and --help */
static const struct schedule {
	const char *report;
	int (*due)(int y, int m, int d, time_t day);
	void (*period)(int y, int m, time_t day, char *period);
	int (*gather)(struct pm_ctx *ctx, struct doc *d, struct pm_err *e);
	const char *title;
	char unit;		/* its period: a d(ay), w(eek), m(onth), q(uarter) */
} schedule[] = {
	{ "duty", due_daily, period_yesterday, gather_duty, "值班记录审阅",
	    'd' },
	{ "weekly", due_monday, period_last_week, gather_weekly,
	    "接待记录周报", 'w' },
	{ "owners", due_5th, period_last_month, gather_owners, "业主档案月报",
	    'm' },
	{ "keys", due_25th, period_this_month, gather_keys, "钥匙盘点", 'm' },
	{ "complaints", due_30th, period_this_month, gather_month, "投诉统计",
	    'm' },
	{ "visits", due_quarter, period_last_quarter, gather_visits,
	    "回访季度分析", 'q' },
};
#define NSCHEDULE (sizeof schedule / sizeof schedule[0])

static const struct schedule *
scheduled(const char *report)
{
	size_t i;

	for (i = 0; i < NSCHEDULE; i++)
		if (strcmp(schedule[i].report, report) == 0)
			return &schedule[i];
	return NULL;
}

int
report_period(const char *report, time_t day, char *period)
{
	const struct schedule *s = scheduled(report);
	int y, m, d;

	if (s == NULL)
		return -1;
	day = clock_day_start(day);
	ymd(day, &y, &m, &d);
	s->period(y, m, day, period);
	return 0;
}

size_t
report_due_on(time_t day, struct report_due *out)
{
	int y, m, d;
	size_t i, n = 0;

	ymd(day, &y, &m, &d);
	for (i = 0; i < NSCHEDULE; i++) {
		if (!schedule[i].due(y, m, d, day))
			continue;
		out[n].report = schedule[i].report;
		report_period(schedule[i].report, day, out[n].period);
		n++;
	}
	return n;
}

static int
check_period(const struct schedule *s, const char *period, struct pm_err *e)
{
	time_t t;
	int y, m, timed = 0;

	if (s->unit == 'd' || s->unit == 'w') {
		if (clock_parse(period, &t, &timed) != 0 || timed)
			return errset(e, EX_DATAERR, _("%s: expected a date "
			    "YYYY-MM-DD, got \"%.20s\""), s->report, period);
		return 0;
	}
	if (s->unit == 'q')
		return clock_parse_quarter(period, &y, &m) == 0 ? 0 :
		    errset(e, EX_DATAERR, _("--quarter: expected YYYYQn, got "
		    "\"%.20s\""), period);
	return clock_parse_month(period, &y, &m) == 0 ? 0 : errset(e,
	    EX_DATAERR, _("--month: expected YYYY-MM, got \"%.20s\""), period);
}

/*
 * SPEC 2.6: a report states the instant its figures are cut off at, and
 * whether its period is over (the 30th's statistics are the month so
 * far; run after the month, the same report is the complete month).
 */
static void
cut_off(const struct pm_ctx *ctx, const struct schedule *s, struct doc *d)
{
	time_t from, end;
	int y, m;

	if (s->unit == 'q') {
		clock_parse_quarter(d->period, &y, &m);
		end = clock_month_end(y, 3 * m);
	} else if (s->unit == 'm') {
		clock_parse_month(d->period, &y, &m);
		end = clock_month_end(y, m);
	} else {
		clock_parse(d->period, &from, NULL);
		end = clock_add_days(from, s->unit == 'w' ? 7 : 1);
	}
	clock_format(ctx->now < end ? ctx->now : end - 1,
	    doc_put(d, "cut_off", "数据截至", 0)->value);
	snprintf(doc_put(d, "complete", "本期已完", 0)->value, 512, "%s",
	    ctx->now < end ? "no" : "yes");
}

/*
 * One office's report for its period into d (doc_free it, whatever the
 * result): the office named first, the books' heads last.
 */
int
report_gather(struct pm_ctx *ctx, const char *report, const char *period,
    struct doc *d, struct pm_err *e)
{
	const struct schedule *s;
	int rc;

	memset(d, 0, sizeof *d);
	if ((s = scheduled(report)) == NULL)
		return errset(e, EX_USAGE, _("no report \"%s\""), report);
	if (check_period(s, period, e) != 0)
		return -1;
	d->report = report;
	d->title = s->title;
	snprintf(d->period, sizeof d->period, "%s", period);
	if (strcmp(report, "weekly") == 0) {
		time_t t;

		/* any day names its week: from its Monday */
		clock_parse(period, &t, NULL);
		clock_format_date(clock_week_start(t), d->period);
	}
	/* every report names its office (issue 18) */
	snprintf(doc_put(d, "office", "物业中心", 0)->value, 512, "%s",
	    ctx->conf.office);
	rc = s->gather(ctx, d, e);
	if (rc == 0)
		cut_off(ctx, s, d);
	if (rc == 0)
		rc = gather_heads(ctx, d, e);
	return rc;
}

int
report_write(struct pm_ctx *ctx, const char *report, const char *period,
    enum report_format f, FILE *out, struct pm_err *e)
{
	struct doc d;
	int rc = report_gather(ctx, report, period, &d, e);

	if (rc == 0)
		doc_render(&d, f, out);
	doc_free(&d);
	return rc;
}

int
report_store(struct pm_ctx *ctx, const char *report, const char *period,
    enum report_format f, int *made, char *path, size_t pathsize,
    struct pm_err *e)
{
	struct buf dir = { 0 }, tmp = { 0 };
	FILE *fp;
	int rc, fd;

	*made = 0;
	buf_addf(&dir, "%s/reports", ctx->data);
	if (files_mkdir(dir.s, 0750) != 0)
		goto cantcreate;
	buf_addf(&dir, "/%s", report);
	if (files_mkdir(dir.s, 0750) != 0)
		goto cantcreate;
	snprintf(path, pathsize, "%s/%s.%s", dir.s, period,
	    report_extension(f));
	/* SPEC 2.6: a report run twice for its period is stored once */
	if (access(path, F_OK) == 0) {
		buf_free(&dir);
		return 0;
	}
	/* a run killed an hour ago left its copy; two runs write their own */
	files_sweep(path, 3600);
	/* SPEC 3: reports have the books' modes, whatever the umask */
	fd = files_temp(path, &tmp, 0640);
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL)
		goto cantcreate;
	rc = report_write(ctx, report, period, f, fp, e);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0 || ferror(fp)) {
		fclose(fp);
		unlink(tmp.s);
		buf_free(&dir);
		buf_free(&tmp);
		return errset(e, EX_IOERR, "%s: %s", path, strerror(errno));
	}
	fclose(fp);
	if (rc != 0 || rename(tmp.s, path) != 0) {
		unlink(tmp.s);
		buf_free(&dir);
		buf_free(&tmp);
		return rc != 0 ? rc : errset(e, EX_IOERR, "%s: %s", path,
		    strerror(errno));
	}
	*made = 1;
	buf_free(&dir);
	buf_free(&tmp);
	return 0;
cantcreate:
	errset(e, EX_CANTCREAT, _("cannot create %s: %s"), dir.s,
	    strerror(errno));
	buf_free(&dir);
	buf_free(&tmp);
	return -1;
}
