#!/bin/sh
# A request's type and its service standard (SPEC 2.1, seed 002 2.5-2.7):
# an inquiry answered at once or by the agreed time, a suggestion within
# 3 days (adopted or not, the reason when not), help at once, a repair
# told the same day it is done; each type's reply and timely rates.
. "$(dirname "$0")/lib.sh"

office "$PM_DATA" XDZA 200
U=0010102030
export PM_USER=孙丽
rq() { # TYPE [more]
	t=$1; shift
	PM_NOW="2026-11-02 09:00" pm-complaint add --kind request --type "$t" \
	    --unit $U --name 甲 --text 事由 "$@"
}

test_expect_success 'a request is registered with its type; a complaint has none' '
	expect_status 0 rq inquiry && out_is XDZA-R-000001 &&
	expect_status 0 rq inquiry --reply-by "2026-11-04 12:00" &&
	expect_status 0 rq suggestion && expect_status 0 rq suggestion &&
	expect_status 0 rq help && expect_status 0 rq repair &&
	expect_status 0 rq inquiry && out_is XDZA-R-000007 &&
	expect_status 0 pm-complaint show XDZA-R-000003 --format csv &&
	head -1 "$T/out" | grep -q ",request_type$" && out_has ",suggestion$" &&
	cut -d, -f10 "$PM_DATA/requests.csv" | sed 1d | tr "\n" " " |
	    grep -q "^inquiry inquiry suggestion suggestion help repair inquiry $"
'

test_expect_success 'wrong input: exit status, one line, nothing written' '
	sum=$(book_sum "$PM_DATA/requests.csv") &&
	expect_status 64 pm-complaint add --type help --unit $U --name 乙 --text x &&
	err_has "^pm-complaint: --type: a complaint has no type" &&
	expect_status 65 rq chat && err_has "^pm-complaint: --type: expected inquiry, suggestion, help or repair, got \"chat\"$" &&
	expect_status 64 rq inquiry --requested-by "2026-11-03 09:00" &&
	err_has "a request.s agreed time is --reply-by" &&
	expect_status 65 rq inquiry --reply-by "2026-11-01 09:00" &&
	err_has "^pm-complaint: --reply-by: 2026-11-01 09:00 is not after the registration$" &&
	test "$(wc -l <"$T/err")" = 1 &&
	test "$(book_sum "$PM_DATA/requests.csv")" = "$sum" &&
	test ! -e "$PM_DATA/complaints.csv"
'

test_expect_success 'each type'"'"'s deadline, at its boundary' '
	PM_NOW="2026-11-02 10:00" expect_status 0 pm-complaint reply XDZA-R-000001 --text 已答复 &&
	expect_status 0 pm-complaint show XDZA-R-000002 --format json &&
	PM_NOW="2026-11-02 23:59" expect_status 0 pm-complaint overdue --format csv &&
	! grep -q "XDZA-R-00000[57],\(answer\|help\)," "$T/out" &&
	PM_NOW="2026-11-03 00:01" expect_status 0 pm-complaint overdue --format csv &&
	out_has "^XDZA-R-000005,help,2026-11-03 00:00:00,supervisor," &&
	out_has "^XDZA-R-000007,answer,2026-11-03 00:00:00,supervisor," &&
	! grep -q "^XDZA-R-000001,answer," "$T/out" &&
	! grep -q "^XDZA-R-000002,answer," "$T/out" &&
	PM_NOW="2026-11-04 12:01" expect_status 0 pm-complaint overdue --format csv &&
	out_has "^XDZA-R-000002,answer,2026-11-04 12:00:00," &&
	! grep -q "^XDZA-R-000003,answer," "$T/out" &&
	PM_NOW="2026-11-05 09:01" expect_status 0 pm-complaint overdue --format csv &&
	out_has "^XDZA-R-000003,answer,2026-11-05 09:00:00,"
'

test_expect_success 'a suggestion'"'"'s reply: adopted or not, the reason when not' '
	sum=$(book_sum "$PM_DATA/complaint_events.csv") &&
	PM_NOW="2026-11-03 09:00" expect_status 65 pm-complaint reply XDZA-R-000003 --text 谢谢 &&
	err_has "^pm-complaint: --adopted yes|no is required" &&
	PM_NOW="2026-11-03 09:00" expect_status 65 pm-complaint reply XDZA-R-000003 --text 谢谢 --adopted no &&
	err_has "^pm-complaint: --reason is required: why the suggestion is not adopted" &&
	PM_NOW="2026-11-03 09:00" expect_status 65 pm-complaint reply XDZA-R-000003 --text 谢谢 --adopted maybe &&
	PM_NOW="2026-11-03 09:00" expect_status 64 pm-complaint reply XDZA-R-000007 --text 好 --adopted yes &&
	err_has "only a suggestion is adopted or not" &&
	test "$(book_sum "$PM_DATA/complaint_events.csv")" = "$sum"
'

# the month played through, in time order
PM_NOW="2026-11-03 09:00" pm-complaint resolve XDZA-R-000005 --result 已帮忙 >/dev/null
PM_NOW="2026-11-04 09:00" pm-complaint reply XDZA-R-000003 --text 谢谢 --adopted yes >/dev/null
PM_NOW="2026-11-04 11:00" pm-complaint reply XDZA-R-000002 --text 已答复 >/dev/null
PM_NOW="2026-11-05 10:00" pm-complaint resolve XDZA-R-000006 --result 已修好 >/dev/null
PM_NOW="2026-11-05 16:00" pm-complaint notify XDZA-R-000006 >/dev/null
PM_NOW="2026-11-06 09:00" pm-complaint reply XDZA-R-000004 --text 谢谢 --adopted no --reason 预算不足 >/dev/null

# By hand: inquiry 3 registered, R1 and R2 answered in time, R7 never:
# 2/3 answered, 2/3 in time.  suggestion: R3 in time, R4 late (11-06 >
# 11-05 09:00): 2/2, 1/2.  help: R5 late (11-03 09:00 > 11-03 00:00):
# 1/1, 0/1.  repair: told 16:00 the day it was done: 1/1, 1/1.
test_expect_success 'the month: each type'"'"'s reply rate and timely rate, by hand' '
	PM_NOW="2026-11-30 09:00" expect_status 0 pm-report complaints --month 2026-11 --format csv &&
	r() { out_has "^XDZA,request_types,$1,$2$"; } &&
	r inquiry.registered 3 && r inquiry.answered 2 && r inquiry.reply_rate 0.6667 &&
	r inquiry.on_time 2 && r inquiry.timely_rate 0.6667 &&
	r suggestion.registered 2 && r suggestion.answered 2 &&
	r suggestion.reply_rate 1.0000 && r suggestion.timely_rate 0.5000 &&
	r help.answered 1 && r help.timely_rate 0.0000 &&
	r repair.registered 1 && r repair.timely_rate 1.0000 &&
	out_has "^XDZA,summary,requests,7$" &&
	PM_NOW="2026-11-30 09:00" expect_status 0 pm-report complaints --month 2026-11 &&
	out_has "^非投诉类服务标准$" && out_has "^  建议  2 *2 *100.0% *1 *50.0%$"
'

test_expect_success 'show: the type and its standard, the reply adopted or not' '
	PM_NOW="2026-11-30 09:00" expect_status 0 pm-complaint show XDZA-R-000004 &&
	out_has "suggestion" && out_has "answer .*late" &&
	grep -q "^[0-9]*,2026-11-06 09:00:00,XDZA-R-000004,reply,,,谢谢,no,,,,,,预算不足," \
	    "$PM_DATA/complaint_events.csv"
'

test_expect_success 'in a zh locale the types read in Chinese' '
	mkdir -p "$T/loc" &&
	localedef -i zh_CN -f UTF-8 "$T/loc/zh_CN.UTF-8" >/dev/null 2>&1 &&
	PM_NOW="2026-11-30 09:00" LOCPATH=$T/loc LC_ALL=zh_CN.UTF-8 \
	    TEXTDOMAINDIR=$TOP/po/locale expect_status 0 pm-complaint list &&
	out_has "建议" && out_has "报修" && out_has "求助"
'
