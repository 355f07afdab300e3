/*
 * compform.c - the paper of a complaint (SPEC 2.1): 投诉登记表 /
 * 投诉处理记录表, and 接待业主情况记录 for a request, within 80 columns,
 * Chinese counted double (SPEC 6), in every locale.  complaint.c folds
 * the books; this prints one complaint as it stands.
 */
#include <string.h>

#include "complaint.h"

/* ---- the printed form ------------------------------------------------------------------ */

/* The paper form is Chinese in every locale: the book's values in words. */
static const char *
form_label(const char *col, const char *value)
{
	const char *zh = words_value(col, value);

	return zh ? zh : value;
}

static void
form_line(FILE *out, const char *label, const char *value)
{
	struct buf b = { 0 };

	/* SPEC 6: within 80 columns whatever the text; long text wraps */
	out_pad(&b, label, 14);
	if (value && *value)
		out_wrap(&b, value, 14, 14, 80);
	else
		buf_adds(&b, "\n");
	fwrite(b.s, 1, b.len, out);
	buf_free(&b);
}

void
complaint_form(struct pm_ctx *ctx, const struct complaint *c, FILE *out)
{
	static const char rule[] = "────────────────────────────────────────"
	    "────────────────────────────────────────";
	struct complaint_deadline d[COMPLAINT_DEADLINES_MAX];
	char phone[64], buf[64], when[20];
	size_t i, n;
	int request = strcmp(c->kind, "request") == 0;

	n = strlen(c->phone);
	if (n >= 8)
		snprintf(phone, sizeof phone, "%.3s****%s", c->phone,
		    c->phone + n - 4);
	else
		snprintf(phone, sizeof phone, "%s", n ? "****" : "");
	fprintf(out, "%s\n", request ? "                              "
	    "接待业主情况记录" : "                          "
	    "投诉登记表 / 投诉处理记录表");
	fprintf(out, "%s\n", rule);
	form_line(out, request ? "编号" : "投诉编码", c->code);
	form_line(out, "登记时间", c->registered_at);
	form_line(out, "房号", c->unit);
	form_line(out, "业主姓名", c->name);
	form_line(out, "联系电话", phone);
	form_line(out, "来访方式", form_label("channel", c->channel));
	if (!request) {
		snprintf(buf, sizeof buf, "%s (%s)", c->importance,
		    c->importance[0] == 'A' ? "重大" : c->importance[0] == 'B' ?
		    "一般" : "轻微");
		form_line(out, "重要程度", buf);
		form_line(out, "问题类别", c->category);
		snprintf(buf, sizeof buf, "%ld", c->cosigners);
		form_line(out, "联名人数", buf);
	}
	form_line(out, "事由", c->text);
	fprintf(out, "%s\n", rule);
	form_line(out, "处理人", c->handler);
	form_line(out, "处理结果", c->result);
	if (c->cost_fen) {
		snprintf(buf, sizeof buf, "%ld.%02ld 元", c->cost_fen / 100,
		    c->cost_fen % 100);
		form_line(out, "补偿金额", buf);
	}
	form_line(out, "投诉评审", *c->valid ? (strcmp(c->valid, "yes") == 0 ?
	    "有效" : "无效") : "未评审");
	form_line(out, "状态", form_label("status", complaint_status(c)));
	fprintf(out, "%s\n", rule);
	fprintf(out, "时限:\n");
	n = complaint_deadlines(c, ctx->now, d);
	for (i = 0; i < n; i++) {
		struct buf b = { 0 };

		clock_format(d[i].due, when);
		buf_adds(&b, "  ");
		out_pad(&b, form_label("deadline", d[i].rule->deadline), 12);
		out_pad(&b, when, 21);
		out_pad(&b, form_label("status", d[i].state), 9);
		buf_addf(&b, "上报%s\n", form_label(NULL, d[i].rule->escalate_to));
		fwrite(b.s, 1, b.len, out);
		buf_free(&b);
	}
	fprintf(out, "%s\n", rule);
	fprintf(out, "登记人: ____________   处理人: ____________   "
	    "客服主管: ____________\n\n");
	fprintf(out, "业主确认: ____________   回访人: ____________   "
	    "日期: ____________\n");
}

