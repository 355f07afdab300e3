/*
 * renoform.c - the paper of a renovation (SPEC 2.8): 装修申请登记表,
 * 装修施工许可证, 施工人员出入证, 业主装修温馨提示 and 装修整改通知书,
 * each within 80 columns, Chinese counted double (SPEC 6), in every
 * locale.  reno.c reads the file; this prints it.
 */
#include <stdlib.h>
#include <string.h>

#include "owner.h"
#include "reno.h"

/* ---- the printed forms (80 columns, SPEC 6) ------------------------------------------ */

static const char form_rule[] = "────────────────────────────────────────"
    "────────────────────────────────────────";

static void
form_title(struct buf *b, const char *title)
{
	int w = out_width(title);

	buf_addf(b, "%*s%s\n%s\n", (80 - w) / 2, "", title, form_rule);
}

/* Label and value pairs, NULL-terminated: a line of the form each. */
static void
fields(struct buf *b, const char *const *kv)
{
	for (; kv[0] != NULL; kv += 2)
		out_form_line(b, kv[0], kv[1]);
}

/* The foot of a form: what it asks, then who signs. */
static void
form_foot(struct buf *b, const char *text, const char *signs)
{
	buf_addf(b, "%s\n", form_rule);
	if (text != NULL) {
		out_wrap(b, text, 0, 0, 80);
		buf_addf(b, "%s\n", form_rule);
	}
	buf_addf(b, "%s\n", signs);
}

static void
yuan(char out[32], long fen)
{
	snprintf(out, 32, "%ld.%02ld 元", fen / 100, fen % 100);
}

/* The works as the form names them: the clerk's words, then each kind. */
static void
works_named(struct buf *b, const struct reno *r)
{
	char *codes = xstrdup(r->work), *save = NULL, *c;

	buf_adds(b, r->works);
	for (c = strtok_r(codes, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
		const struct reno_work *w = reno_work_of(c);

		buf_addf(b, "%s%s", c == codes ? " (" : "、", w ? w->zh : c);
	}
	if (*r->work)
		buf_adds(b, ")");
	free(codes);
}

static void
form_application(struct buf *b, const struct reno *r)
{
	struct buf works = { 0 }, opinion = { 0 };
	char who[160], period[32];
	const char *result = !r->accepted ? "" :
	    strcmp(r->status, "failed") == 0 ? "不合格" : "合格";

	snprintf(who, sizeof who, "%s (%s)", r->applicant, r->tenant ?
	    "物业使用人" : "业主");
	snprintf(period, sizeof period, "%s 至 %s", r->from, r->until);
	works_named(&works, r);
	if (r->reviewed)
		buf_addf(&opinion, "%s%s%s", strcmp(r->status, "refused") == 0 ?
		    "不予登记" : "同意", *r->reason ? ": " : "", r->reason);
	form_title(b, "装修申请登记表");
	fields(b, (const char *const[]){ "编号", r->id, "申请时间", r->at,
	    "房号", r->unit, "申请人", who, NULL });
	if (r->tenant)
		out_form_line(b, "业主书面同意", r->owner_consent);
	fields(b, (const char *const[]){ "施工单位", r->contractor,
	    "装修期间", period, "装修项目", works.s, "已验资料", r->documents,
	    "登记人", r->by, NULL });
	buf_addf(b, "%s\n", form_rule);
	fields(b, (const char *const[]){ "审核意见", opinion.s, "审核人",
	    r->reviewer, "审核时间", r->reviewed_at, NULL });
	buf_addf(b, "%s\n", form_rule);
	out_form_line(b, "验收结果", result);
	if (r->points && *r->points)
		out_form_line(b, "整改意见", r->points);
	fields(b, (const char *const[]){ "验收人", r->acceptor, "验收时间",
	    r->accepted_at, "押金退还", r->refunded_at, NULL });
	form_foot(b, NULL, "申请人: __________  施工单位: __________  "
	    "管理处责任人: __________");
	buf_free(&works);
	buf_free(&opinion);
}

static void
form_permit(struct buf *b, const struct reno *r)
{
	char period[32], deposit[32], fee[32];

	snprintf(period, sizeof period, "%s 至 %s", r->from, r->until);
	yuan(deposit, r->deposit_fen);
	yuan(fee, r->fee_fen);
	form_title(b, "装修施工许可证");
	fields(b, (const char *const[]){ "许可证号", r->id, "房号", r->unit,
	    "业主/申请人", r->applicant, "施工单位", r->contractor,
	    "施工期间", period, "装修押金", deposit, "装修管理费", fee,
	    "发证时间", r->permitted_at, NULL });
	form_foot(b, "请将本证张贴于施工现场门口；进场前备齐灭火器等消防器材；"
	    "施工人员凭出入证出入；验收合格后交回本证。",
	    "客服中心 (盖章): __________          发证人: __________");
}

static void
form_pass(struct buf *b, const struct reno *r, size_t i)
{
	const struct reno_pass *p = &r->pass[i];
	char no[48], idd[64];

	snprintf(no, sizeof no, "%s-%zu", r->id, i + 1);
	owner_mask_id(p->id_doc, idd, sizeof idd);
	form_title(b, "施工人员出入证");
	fields(b, (const char *const[]){ "证号", no, "姓名", p->name,
	    "证件", idd, "施工房号", r->unit, "施工单位", r->contractor,
	    "有效期至", p->until, "发证时间", p->at, NULL });
	form_foot(b, NULL, "照片: [      ]        客服中心 (盖章): __________");
}

/* 业主装修温馨提示: the building and floor from the unit code (SPEC 3). */
static void
form_notice(struct buf *b, const struct reno *r)
{
	struct buf t = { 0 };

	form_title(b, "业主装修温馨提示");
	buf_adds(b, "尊敬的各位业主/住户：\n\n");
	buf_addf(&t, "    %.2s栋%.2s层（%s）将于%s至%s进行装修施工。"
	    "装修业主已承诺遵守装修管理的有关规定，施工期间造成的不便，"
	    "敬请各位业主/住户谅解。如发现违规装修，请致电客服中心。",
	    r->unit + 4, r->unit + 6, r->unit, r->from, r->until);
	out_wrap(b, t.s, 0, 0, 80);
	buf_free(&t);
	buf_addf(b, "\n%56s客服中心\n%56s%.10s\n", "", "", r->permitted_at);
}

static void
form_rectify(struct buf *b, const struct reno *r, size_t i)
{
	const struct reno_violation *v = &r->viol[i];
	char no[48];

	snprintf(no, sizeof no, "%s-Z%zu", r->id, i + 1);
	form_title(b, "装修整改通知书");
	fields(b, (const char *const[]){ "通知书编号", no, "房号", r->unit,
	    "业主/申请人", r->applicant, "施工单位", r->contractor,
	    "巡查时间", v->at, "巡查人", v->by, "违规事项", v->text,
	    "限期整改至", v->rectify_by, "整改完成", v->rectified_at, NULL });
	form_foot(b, "请于限期内整改完毕。逾期未整改的，将报管理处经理，"
	    "并报请政府有关主管部门处理。",
	    "业主/施工单位签收: __________        巡查人: __________");
}

static int
form_n(size_t have, int n, const char *what, const struct reno *r,
    struct pm_err *e)
{
	if (n < 1 || (size_t)n > have)
		return errset(e, EX_NOINPUT, _("%s: no %s %d (it has %zu)"), r->id,
		    what, n, have);
	return 0;
}

/* Pages after the first begin with a form feed: one form a sheet. */
static struct buf *
page(struct buf *b)
{
	if (b->len)
		buf_adds(b, "\f");
	return b;
}

int
reno_form(const struct reno *r, enum reno_form which, int n, FILE *out,
    struct pm_err *e)
{
	int all = which == RENO_FORM_ALL, issued = r->permitted != 0;
	struct buf b = { 0 };
	size_t i;

	if ((which == RENO_FORM_PERMIT || which == RENO_FORM_NOTICE) && !issued)
		return errset(e, EX_DATAERR, _("%s: no permit yet (it is %s)"),
		    r->id, words_say("status", r->status));
	if ((which == RENO_FORM_PASS && form_n(r->npass, n, _("pass"), r, e)) ||
	    (which == RENO_FORM_RECTIFY && form_n(r->nviol, n,
	    _("rectification notice"), r, e)))
		return -1;
	if (all || which == RENO_FORM_APPLICATION)
		form_application(page(&b), r);
	if (which == RENO_FORM_PERMIT || (all && issued))
		form_permit(page(&b), r);
	for (i = 0; i < r->npass; i++)
		if ((all || (which == RENO_FORM_PASS && (size_t)n == i + 1)))
			form_pass(page(&b), r, i);
	if (which == RENO_FORM_NOTICE || (all && issued))
		form_notice(page(&b), r);
	for (i = 0; i < r->nviol; i++)
		if (all || (which == RENO_FORM_RECTIFY && (size_t)n == i + 1))
			form_rectify(page(&b), r, i);
	fwrite(b.s, 1, b.len, out);
	buf_free(&b);
	return 0;
}
