/*
 * words.c - the desk's words in Chinese (SPEC 6: Chinese first).
 *
 * csv, json and xlsx keep the contract's ASCII names and values in every
 * locale; what a person reads -- table column titles, statuses, kinds,
 * roles, deadline names, in a zh locale, and the paper forms and reports
 * in every locale -- says them in Chinese.  Two tables, one place: the
 * title of each column name, and the word for each value (a value may
 * read differently in one column, e.g. "visit" as a channel is 来访 and
 * as a deadline 回访).
 */
#include <locale.h>
#include <string.h>

#include "pm.h"

static const struct { const char *name, *zh; } titles[] = {
	{ "added_at", "建档时间" }, { "alerted_at", "提醒时间" },
	{ "approved_by", "批准人" }, { "area", "面积" }, { "at", "时间" },
	{ "attitude", "态度" }, { "book", "账簿" }, { "borrower", "借用人" },
	{ "by", "记录人" }, { "category", "问题类别" },
	{ "changed_at", "变更时间" }, { "channel", "渠道" },
	{ "checked_out_by", "领表人" }, { "code", "编号" },
	{ "complaint", "投诉编号" }, { "correct_rate", "合格率" },
	{ "count", "数量" }, { "counted", "盘点数" }, { "date", "日期" },
	{ "days_out", "借出天数" }, { "deadline", "期限" },
	{ "dept", "部门" }, { "detail", "详情" }, { "diff", "差异" },
	{ "due", "应访" }, { "due_at", "到期时间" }, { "due_by", "截止时间" },
	{ "escalate_name", "负责人" }, { "escalate_to", "上报对象" },
	{ "event", "事项" }, { "finding", "发现" }, { "handler", "处理人" },
	{ "handover", "交房日期" }, { "hours_over", "超时小时" },
	{ "id", "编号" }, { "id_no", "身份证号" }, { "importance", "等级" },
	{ "issued", "已交业主" }, { "item", "项目" },
	{ "kept_until", "保存至" }, { "keys", "钥匙" }, { "kind", "类别" },
	{ "last_month", "上月" }, { "ledger", "账簿" },
	{ "lent_at", "借出时间" }, { "lent_out", "借出" }, { "loan", "借条" },
	{ "lost", "遗失" }, { "members", "家庭成员" }, { "met", "达标" },
	{ "month", "月份" }, { "name", "姓名" }, { "note", "备注" },
	{ "on_hand", "在柜" }, { "opens_at", "开始时间" },
	{ "owner_signed", "业主签字" }, { "period", "期间" },
	{ "phone", "电话" }, { "quality", "质量" }, { "rate", "回访率" },
	{ "reason", "事由" }, { "received", "接收" }, { "ref", "编号" },
	{ "refs", "编号" }, { "registered_at", "登记时间" },
	{ "report", "报表" }, { "resolved_at", "处理时间" },
	{ "rows", "行数" }, { "satisfaction", "满意度" },
	{ "satisfaction_rate", "满意率" }, { "section", "部分" },
	{ "seq", "行号" }, { "head", "链头" },
	{ "staff", "值班人员" }, { "step", "步骤" }, { "status", "状态" }, { "swapped", "调班" },
	{ "target", "目标" }, { "text", "内容" }, { "this_month", "本月" },
	{ "type", "类型" }, { "unit", "单元" }, { "valid", "有效" },
	{ "value", "数值" }, { "vehicles", "车辆" }, { "verdict", "审核" },
	{ "via", "代借人" }, { "visited", "已访" }, { "visitor", "回访人" },
	{ "visitor_role", "回访人员" }, { "volume", "卷" },
	{ "what", "说明" }, { "window", "回访期" }, { "work_id", "工号" },
	{ "amount", "金额" }, { "months_owed", "欠费月数" },
	{ "contacts", "联系次数" }, { "notices", "通知次数" },
	{ "letters", "律师函" }, { "sued", "已起诉" }, { "large", "大客户" },
	{ "fee", "费用" }, { "office", "中心" }, { "figure", "指标" },
	{ "label", "名称" }, { "ratio", "比率" }, { "answered", "已答复" },
	{ "reply_rate", "答复率" }, { "on_time", "按时" }, { "request_type", "类型" },
	{ "timely_rate", "及时率" }, { "registered", "登记" },
	/* the front hall (SPEC 2.7) */
	{ "org", "单位" }, { "visiting", "被访人" }, { "id_doc", "证件" },
	{ "out_at", "离开/放行时间" }, { "to_name", "收件/接听人" },
	{ "carrier", "承运/搬运人" }, { "tracking", "单号" },
	{ "urgent", "急件" }, { "second_notice", "再次通知" },
	{ "notified_at", "通知时间" }, { "collected_by", "领取人" },
	{ "number", "电话" }, { "confirmed_by", "确认人" },
	{ "result", "跟进结果" }, { "items", "物品" }, { "guard", "保安" },
	/* renovation (SPEC 2.8) */
	{ "applicant", "申请人" }, { "contractor", "施工单位" },
	{ "from", "开工日期" }, { "until", "完工日期" }, { "works", "装修项目" },
};

/* column NULL: the word in any column without its own. */
static const struct { const char *col, *value, *zh; } values[] = {
	/* statuses */
	{ NULL, "open", "处理中" }, { NULL, "handled", "已处理" },
	{ NULL, "closed", "已结案" },
	{ NULL, "unresolvable", "无法解决 (经理结案)" },
	{ NULL, "due", "待办" }, { NULL, "overdue", "逾期" },
	{ NULL, "upcoming", "未到期" }, { NULL, "visited", "已访" },
	{ NULL, "met", "按时" }, { NULL, "late", "超时" },
	{ NULL, "pending", "未到期" }, { NULL, "missed", "未办" },
	{ NULL, "new", "新" }, { NULL, "done", "已完成" },
	{ NULL, "expired", "已过期" }, { NULL, "removed", "已删除" },
	{ NULL, "yes", "是" }, { NULL, "no", "否" },
	{ NULL, "inside", "在场" }, { NULL, "left", "已离开" },
	{ NULL, "waiting", "待领取" }, { NULL, "notified", "已通知" },
	{ NULL, "collected", "已领取" }, { NULL, "confirmed", "已签收" },
	{ NULL, "unconfirmed", "待签收" }, { NULL, "missing", "未普查" },
	{ NULL, "issued", "已开具" }, { "status", "out", "已放行" },
	/* kinds of matter and of log entry */
	{ NULL, "complaint", "投诉" }, { NULL, "request", "其他来访" },
	{ NULL, "inquiry", "咨询" }, { NULL, "help", "求助" },
	{ NULL, "suggestion", "建议" }, { "request_type", "repair", "报修" },
	{ NULL, "incident", "事故" }, { "kind", "report", "上报" },
	{ NULL, "other", "其他" }, { "kind", "handover", "交接班" },
	{ "kind", "review", "审阅" },
	/* roles (SPEC 3) */
	{ NULL, "manager", "经理" }, { NULL, "supervisor", "主管" },
	{ NULL, "quality_supervisor", "品质主管" }, { NULL, "clerk", "客服助理" },
	{ NULL, "supervisor+clerk", "主管+客服" },	/* B, C complaints' visits */
	{ NULL, "recipient", "接听人" },
	/* deadlines (SPEC 2.1, 2.2, 2.4) */
	{ "deadline", "forward", "转交" }, { "deadline", "ack", "书面确认" },
	{ "deadline", "company", "报公司" }, { "deadline", "answer", "答复" },
	{ "deadline", "handle", "处理" }, { "deadline", "notify", "告知结果" },
	{ "deadline", "supervisor", "主管接手" },
	{ "deadline", "manager", "经理接手" }, { "deadline", "return", "归还" },
	{ "deadline", "visit", "回访" }, { "deadline", "visit-mid", "中期回访" },
	{ "deadline", "visit-end", "完工回访" },
	{ "deadline", "confirm", "签收确认" },
	{ "deadline", "notify-urgent", "急件通知" },
	/* channels */
	{ NULL, "visit", "来访" }, { NULL, "phone", "电话" },
	{ NULL, "web", "网站" }, { NULL, "email", "电子邮件" },
	{ NULL, "letter", "信函" },
	/* services visited (SPEC 2.4) */
	{ NULL, "repair", "维修" }, { NULL, "special", "特约工程" },
	{ NULL, "emergency", "急救" }, { NULL, "activity", "社区活动" },
	{ "window", "mid", "中期" }, { "window", "end", "完工后" },
	{ NULL, "satisfied", "满意" }, { NULL, "basic", "基本满意" },
	{ NULL, "unsatisfied", "不满意" },
	{ NULL, "pass", "合格" }, { NULL, "fail", "不合格" },
	/* a complaint's steps (SPEC 2.1) */
	{ "step", "register", "登记" }, { "step", "forward", "转交" },
	{ "step", "ack", "书面回执" }, { "step", "reply", "答复" },
	{ "step", "report", "报告公司" }, { "step", "review", "审核" },
	{ "step", "extend", "延期" }, { "step", "resolve", "处理" },
	{ "step", "notify", "告知结果" }, { "step", "close", "结案" },
	{ "step", "reopen", "重新处理" },
	/* key events (SPEC 2.2) */
	{ "event", "receive", "接收" }, { "event", "issue", "交业主" },
	{ "event", "lend", "借出" }, { "event", "return", "归还" },
	{ "event", "count", "盘点" },
	{ "event", "lost", "遗失" }, { "event", "remedy", "补救" },
	{ "item", "total", "合计" }, { "office", "total", "合计" },
	/* the month's comparison (SPEC 2.1): its rows */
	{ "item", "A", "A 类 (重大)" }, { "item", "B", "B 类 (一般)" },
	{ "item", "C", "C 类 (轻微)" }, { "item", "KF", "客服 KF" },
	{ "item", "ZX", "秩序 ZX" }, { "item", "GC", "工程 GC" },
	{ "item", "BJ", "保洁 BJ" }, { "item", "YY", "绿化 YY" },
	{ "item", "QT", "其他 QT" }, { "item", "timely_rate", "处理及时率" },
	{ "item", "callback_rate", "回访率" },
	{ "item", "satisfaction_rate", "满意率" },
	{ "item", "complaint_rate", "客户投诉率" },
	/* fees and the dunning ladder (SPEC 2.9) */
	{ "fee", "management", "管理费" }, { "fee", "water", "水费" },
	{ "fee", "electricity", "电费" }, { "fee", "parking", "停车费" },
	{ "fee", "other", "其他" }, { "step", "contact", "联系" },
	{ "step", "notice", "催缴通知" }, { "step", "letter", "律师函" },
	{ "step", "sue", "起诉" }, { "deadline", "contact", "联系" },
	{ "deadline", "notice", "催缴通知" }, { "deadline", "letter", "律师函" },
	{ "deadline", "sue", "起诉" }, { NULL, "fees", "欠费" },
	/* books */
	{ NULL, "complaints", "投诉" }, { NULL, "requests", "其他来访" },
	{ NULL, "keys", "钥匙" }, { NULL, "visits", "回访" },
	{ NULL, "duty_log", "值班记录" }, { NULL, "owners", "业主档案" },
	{ NULL, "desk", "前台" }, { NULL, "visitor", "访客" },
	{ NULL, "parcel", "邮件包裹" }, { NULL, "call", "重要电话" },
	{ NULL, "release", "放行条" }, { NULL, "renovations", "装修" },
	/* renovation (SPEC 2.8): a file's statuses, steps and deadlines */
	{ "status", "applied", "待审核" }, { "status", "approved", "已批准" },
	{ "status", "refused", "不予登记" }, { "status", "permitted", "施工中" },
	{ "status", "requested", "待验收" },
	{ "status", "failed", "验收不合格" }, { "status", "passed", "验收合格" },
	{ "status", "refunded", "已退押金" }, { "status", "unchecked", "未审核" },
	{ "event", "apply", "申请" }, { "event", "review", "审核" },
	{ "event", "permit", "发证" }, { "event", "pass", "出入证" },
	{ "event", "patrol", "巡查" }, { "event", "rectified", "整改完成" },
	{ "event", "request", "申请验收" }, { "event", "accept", "验收" },
	{ "event", "refund", "退押金" },
	{ "deadline", "review", "审核" }, { "deadline", "patrol", "巡查" },
	{ "deadline", "rectify", "整改" }, { "deadline", "accept", "验收" },
	{ "deadline", "refund", "退押金" },
	{ "decision", "approve", "同意" }, { "decision", "refuse", "不予登记" },
	{ "result", "ok", "正常" }, { "result", "violation", "违规" },
};

const char *
words_title(const char *col)
{
	size_t i;

	for (i = 0; i < sizeof titles / sizeof titles[0]; i++)
		if (strcmp(titles[i].name, col) == 0)
			return titles[i].zh;
	return NULL;
}

const char *
words_value(const char *col, const char *value)
{
	const char *any = NULL;
	size_t i;

	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		if (strcmp(values[i].value, value) != 0)
			continue;
		if (values[i].col == NULL)
			any = values[i].zh;
		else if (col != NULL && strcmp(values[i].col, col) == 0)
			return values[i].zh;
	}
	return any;
}

int
words_chinese(void)
{
	const char *lc = setlocale(LC_MESSAGES, NULL);

	return lc != NULL && strncmp(lc, "zh", 2) == 0;
}

const char *
words_say(const char *col, const char *value)
{
	const char *zh = words_chinese() ? words_value(col, value) : NULL;

	return zh ? zh : value;
}
