#!/bin/sh
# pm-visit as the clerk and the supervisor use it (SPEC 2.4, SPEC 4).
. "$(dirname "$0")/lib.sh"

cat >"$PM_DATA/pm.conf" <<'CONF'
office = XDZA
manager = 刘经理
supervisors = 张主管
CONF
U=0010102030
export PM_USER=孙丽 PM_NOW="2026-10-02 09:00"
at() { PM_NOW="$1"; export PM_NOW; }
due_line() { pm-visit due --format csv | grep "^$1,"; }

# An office with no complaint yet (UBSan once caught a NULL array here).
mkdir -p "$T/empty"
test_expect_success 'a new office: nothing due, services work, unknown refs are 66' '
	PM_DATA=$T/empty expect_status 0 pm-visit due --format csv &&
	out_is "ref,type,unit,window,due_by,visitor_role,status,opens_at,checked_out_by,visitor,quality,attitude,satisfaction,owner_signed,verdict,complaint" &&
	PM_DATA=$T/empty expect_status 66 pm-visit record WX-1 --visitor a --quality 1 \
	    --attitude 1 --satisfaction basic &&
	PM_DATA=$T/empty expect_status 0 pm-complaint overdue --format csv &&
	PM_DATA=$T/empty expect_status 66 pm-complaint show XDZA-B-GC-000001 &&
	PM_DATA=$T/empty expect_status 0 pm-report complaints --month 2026-10 --format json
'

B=$(pm-complaint add --unit $U --name 陈大文 --text "楼上漏水" --importance B --category GC)
A=$(pm-complaint add --unit $U --name 业主们 --text "电梯故障" --importance A --category GC)

# ---- complaints are due with no extra step ------------------------------------------------
test_expect_success 'an open complaint is not due for a visit' '
	expect_status 0 pm-visit due --format csv && ! out_has "^$B,"
'
at "2026-10-03 10:00"; pm-complaint resolve $B --result 已修复 >/dev/null
at "2026-10-04 10:00"
test_expect_success 'handled, it is due within 3 days, by the supervisor with the clerk' '
	expect_status 0 pm-visit due --format csv &&
	head -1 "$T/out" | grep -q "^ref,type,unit,window,due_by,visitor_role,status" &&
	out_has "^$B,complaint,$U,,2026-10-06 10:00:00,supervisor+clerk,due,"
'
test_expect_success 'an A complaint is visited by the manager' '
	pm-complaint resolve $A --result 已检修 >/dev/null &&
	due_line $A | grep -q ",manager,due,"
'
at "2026-10-06 10:01"
test_expect_success 'after 3 days the visit is overdue' '
	due_line $B | grep -q ",overdue,"
'

# ---- the sheet's life ----------------------------------------------------------------------
test_expect_success 'recording without signing the sheet out is refused' '
	expect_status 65 pm-visit record $B --visitor 张主管 --quality 4 --attitude 5 \
	    --satisfaction satisfied && err_has "not signed out"
'
test_expect_success 'the sheet is signed out to a visitor, once' '
	expect_status 0 pm-visit checkout $B --visitor 张主管 && out_has "^V0" &&
	expect_status 65 pm-visit checkout $B --visitor 孙丽 && err_has "already signed out to 张主管"
'
test_expect_success 'scores outside 1-5 and unknown satisfaction words' '
	for q in 0 6 x; do
		expect_status 65 pm-visit record $B --visitor 张主管 --quality $q \
		    --attitude 5 --satisfaction satisfied || exit 1
	done &&
	expect_status 65 pm-visit record $B --visitor 张主管 --quality 4 --attitude 5 \
	    --satisfaction happy && err_has "--satisfaction: expected satisfied, basic or unsatisfied"
'
test_expect_success 'only the visitor who signed it out records it' '
	expect_status 65 pm-visit record $B --visitor 孙丽 --quality 4 --attitude 5 \
	    --satisfaction satisfied && err_has "signed out to 张主管"
'
test_expect_success 'the visit is recorded and signed back in' '
	expect_status 0 pm-visit record $B --visitor 张主管 --quality 4 --attitude 5 \
	    --satisfaction unsatisfied --suggestion "仍有渗水" --owner-signed &&
	! due_line $B && expect_status 0 pm-visit show $B --format csv &&
	out_has "^$B,complaint,$U,,.*,visited,.*,张主管,张主管,4,5,unsatisfied,yes,,$"
'
test_expect_success 'a second visit for one window is refused' '
	expect_status 65 pm-visit record $B --visitor 张主管 --quality 4 --attitude 5 \
	    --satisfaction satisfied && err_has "already visited"
'
test_expect_success 'only a supervisor reviews' '
	expect_status 65 pm-visit review $B --by 孙丽 --verdict pass && err_has "not a supervisor"
'
test_expect_success 'reviewing an unrecorded sheet is refused' '
	expect_status 65 pm-visit review $A --by 张主管 --verdict pass &&
	err_has "no recorded sheet"
'
at "2026-10-06 12:00"
test_expect_success 'a failed review reopens the complaint with fresh deadlines' '
	expect_status 0 pm-visit review $B --by 张主管 --verdict fail --comment "业主仍不满意" &&
	err_has "back in the complaint procedure: $B" &&
	test "$(wc -l <"$T/out")" = 1 &&
	expect_status 0 pm-complaint list --open --format csv && out_has "^$B,complaint,$U,B,GC,open," &&
	at "2026-10-09 12:01" && pm-complaint overdue --format csv | grep -q "^$B,handle,2026-10-09 12:00:00,"
'
at "2026-10-08 09:00"
test_expect_success 'handled again, a new visit is due' '
	pm-complaint resolve $B --result 重新做防水 >/dev/null &&
	due_line $B | grep -q ",2026-10-11 09:00:00,supervisor+clerk,due,"
'
test_expect_success 'a reopened complaint: the first handling kept, no new passing, the reopening by the reviewer' '
	expect_status 0 pm-complaint show $B &&
	out_has "reopen .*张主管$" &&
	out_has "^handle  *2026-10-05 09:00:00  *met  *manager  *before reopening 1: " &&
	out_has "^handle  *2026-10-09 12:00:00  *met " &&
	! grep -q "^forward" "$T/out"
'
test_expect_success 'an unknown reference is exit 66' '
	expect_status 66 pm-visit checkout WX-999 --visitor 孙丽 &&
	expect_status 66 pm-visit show WX-999
'

# ---- services ----------------------------------------------------------------------------------
at "2026-10-10 09:00"
test_expect_success 'a repair is visited from 24 hours to 2 months after completion' '
	expect_status 0 pm-visit service --type repair --ref WX-0001 --unit $U --done "2026-10-10 08:00" &&
	expect_status 0 pm-visit due --format csv && ! out_has "^WX-0001," &&
	expect_status 0 pm-visit due --within 1 --format csv &&
	out_has "^WX-0001,repair,$U,,2026-12-10 08:00:00,clerk,due,2026-10-11 08:00:00," &&
	at "2026-10-11 08:01" && due_line WX-0001 | grep -q ",due," &&
	at "2026-12-10 08:01" && due_line WX-0001 | grep -q ",overdue,"
'
test_expect_success 'before its window opens, a visit is refused' '
	at "2026-10-10 10:00" && expect_status 65 pm-visit checkout WX-0001 --visitor 孙丽 &&
	err_has "window opens at 2026-10-11 08:00:00"
'
at "2026-10-20 09:00"
test_expect_success 'a special project has a mid-term and an end visit' '
	expect_status 0 pm-visit service --type special --ref TY-01 --unit $U \
	    --done 2026-10-01 --end 2026-11-30 &&
	pm-visit show TY-01 --format csv >"$T/out" &&
	out_has "^TY-01,special,$U,mid,2026-11-30 00:00:00,clerk,due,2026-10-31 00:00:00," &&
	out_has "^TY-01,special,$U,end,2026-12-07 00:00:00,clerk,due,2026-11-30 00:00:00,"
'
test_expect_success 'the mid-term visit, then the end visit' '
	PM_NOW="2026-11-02 09:00" && pm-visit checkout TY-01 --visitor 孙丽 >/dev/null &&
	pm-visit record TY-01 --visitor 孙丽 --quality 5 --attitude 5 --satisfaction satisfied >/dev/null &&
	expect_status 65 pm-visit checkout TY-01 --visitor 孙丽 && err_has "window opens at 2026-11-30" &&
	at "2026-12-01 09:00" && pm-visit checkout TY-01 --visitor 孙丽 >/dev/null &&
	expect_status 0 pm-visit record TY-01 --visitor 孙丽 --quality 4 --attitude 4 --satisfaction basic &&
	pm-visit show TY-01 --format csv | grep -c ",visited," | grep -q 2
'
test_expect_success 'a special project needs its end date' '
	expect_status 65 pm-visit service --type special --ref TY-02 --unit $U --done 2026-10-01 &&
	err_has "--end is required"
'
test_expect_success 'a service whose completion lies in the future is refused' '
	expect_status 65 pm-visit service --type repair --ref WX-0002 --unit $U --done 2026-12-25 &&
	err_has "lies in the future"
'
test_expect_success 'bad types, references and duplicates' '
	expect_status 65 pm-visit service --type party --ref X1 --unit $U --done 2026-10-01 &&
	expect_status 65 pm-visit service --type repair --ref "../x" --unit $U --done 2026-10-01 &&
	expect_status 65 pm-visit service --type repair --ref WX-0001 --unit $U --done 2026-10-01 &&
	err_has "already registered"
'
at "2026-12-02 09:00"
test_expect_success 'a failed visit of a repair becomes a new complaint naming the visit' '
	pm-visit checkout WX-0001 --visitor 孙丽 >/dev/null &&
	pm-visit record WX-0001 --visitor 孙丽 --quality 2 --attitude 3 --satisfaction unsatisfied >/dev/null &&
	expect_status 0 pm-visit review WX-0001 --by 张主管 --verdict fail --comment "维修质量差" &&
	err_has "back in the complaint procedure: XDZA-B-GC-0000" &&
	code=$(sed -n "s/.*procedure: //p" "$T/err") &&
	# the review, then the complaint it registered, each ID on a line of its own
	test "$(wc -l <"$T/out")" = 2 && test "$(sed -n 2p "$T/out")" = "$code" &&
	pm-complaint list --format csv | grep "^$code," | grep -q "回访不合格 (repair WX-0001): 维修质量差" &&
	pm-visit show WX-0001 --format csv | grep -q ",fail,$code$"
'
test_expect_success 'the whole history listed: a sheet for each handling, with its own rows; complaints by code, then services as registered' '
	expect_status 0 pm-visit list --format csv && test "$(wc -l <"$T/out")" = 7 &&
	sed -n 2p "$T/out" | grep -q "^$A,complaint,$U,,2026-10-07 10:00:00,manager,overdue," &&
	# the first handling visited and failed, the second (after the
	# reopening) not visited: the sheet of 10-06 is the first'"'"'s
	sed -n 3p "$T/out" | grep -q "^$B,complaint,$U,,2026-10-06 10:00:00,supervisor+clerk,visited,2026-10-03 10:00:00,张主管,张主管,4,5,unsatisfied,yes,fail,$B$" &&
	sed -n 4p "$T/out" | grep -q "^$B,complaint,$U,,2026-10-11 09:00:00,supervisor+clerk,overdue,2026-10-08 09:00:00,,,,,,,,$" &&
	sed -n 5p "$T/out" | grep -q "^WX-0001,repair,$U,,2026-12-10 08:00:00,clerk,visited,.*,孙丽,孙丽,2,3,unsatisfied,no,fail,XDZA-B-GC-" &&
	sed -n 6p "$T/out" | grep -q "^TY-01,special,$U,mid,.*,visited,.*,孙丽,孙丽,5,5,satisfied,no,,$" &&
	sed -n 7p "$T/out" | grep -q "^TY-01,special,$U,end,.*,visited,.*,孙丽,孙丽,4,4,basic,no,,$"
'

# ---- rates and the quarterly analysis ----------------------------------------------------------
test_expect_success 'rates per type, against a hand count (October)' '
	expect_status 0 pm-visit rates --month 2026-10 --format csv &&
	head -1 "$T/out" | grep -q "^type,due,visited,rate,target" &&
	# complaints A and B handled in October (B twice, after its failed visit):
	# 2 due, 1 visited (B, before it was reopened) - complaints, not sheets
	out_has "^complaint,2,1,0.5000,1.00,no," &&
	out_has "^repair,1,1,1.0000,0.95,yes," &&
	out_has "^special,1,1,1.0000,0.95,yes,1.0000,"
'
test_expect_success 'rates in a table are percentages' '
	expect_status 0 pm-visit rates --month 2026-10 && out_has "^complaint  *2  *1  *50.0%  *100.0%" &&
	out_has "^emergency  *0  *0  *—  *95.0%" && ! grep -q "null\|0\.[0-9][0-9][0-9][0-9]" "$T/out"
'
test_expect_success 'a bad period is refused' '
	expect_status 65 pm-visit rates --quarter 2026Q5 && expect_status 65 pm-visit rates --month 2026-13 &&
	expect_status 64 pm-visit rates --month 2026-10 --quarter 2026Q4
'
test_expect_success 'the quarterly analysis finds the planted repeats, and no false ones' '
	mkdir -p "$T/q" && cp "$PM_DATA/pm.conf" "$T/q/" && export PM_DATA=$T/q &&
	PM_NOW="2026-07-10 09:00" &&
	pm-complaint add --unit 0010100001 --name 甲 --text 噪音 --category ZX >/dev/null &&
	pm-complaint add --unit 0010100001 --name 甲 --text 又是噪音 --category ZX >/dev/null &&
	pm-complaint add --unit 0010100001 --name 甲 --text 保洁 --category BJ >/dev/null &&
	pm-complaint add --unit 0010100002 --name 乙 --text 噪音 --category ZX >/dev/null &&
	for i in 1 2 3; do pm-visit service --type repair --ref R1-$i --unit 0010100003 --done 2026-07-0$i >/dev/null; done &&
	for i in 1 2; do pm-visit service --type repair --ref R2-$i --unit 0010100004 --done 2026-07-0$i >/dev/null; done &&
	pm-visit service --type repair --ref R1-4 --unit 0010100003 --done 2026-06-30 >/dev/null &&
	expect_status 0 pm-visit analysis --quarter 2026Q3 --format csv &&
	test "$(sed 1d "$T/out" | wc -l)" = 2 &&
	out_has "^repeat-complaint,0010100001,ZX,2,XDZA-B-ZX-000001;XDZA-B-ZX-000002$" &&
	out_has "^repeat-repair,0010100003,,3,R1-1;R1-2;R1-3$"
'
test_expect_success 'the analysis as a report, in Chinese' '
	PM_DATA=$T/q expect_status 0 pm-visit analysis --quarter 2026Q3 && out_has "回访季度分析报告 2026Q3" &&
	out_has "一、不合格回访" && out_has "  无"
'

# ---- import and verify -----------------------------------------------------------------------------
test_expect_success 'import repair orders; twice adds nothing' '
	export PM_DATA=$T/q && printf "type,ref,unit,done\nrepair,WX-1001,0010100005,2026-07-01 10:00\nemergency,JJ-01,0010100005,2026-07-02\n" >"$T/svc.csv" &&
	expect_status 0 pm-visit import "$T/svc.csv" && out_is "2 rows imported, 0 already present" &&
	expect_status 0 pm-visit import "$T/svc.csv" && out_is "0 rows imported, 2 already present"
'
test_expect_success 'import errors name the line; nothing written' '
	export PM_DATA=$T/q && printf "type,ref,unit,done\nrepair,WX-2001,0010100005,2026-02-30\nspecial,TY-9,0010100005,2026-07-01\n" >"$T/bad.csv" &&
	expect_status 65 pm-visit import "$T/bad.csv" && err_has "line 2: done: expected a real date" &&
	err_has "line 3: end: required" &&
	# a header without a column the form needs: named, and the rest
	sum=$(book_sum "$PM_DATA/visits.csv") &&
	printf "type,unit,done\nrepair,0010100005,2026-07-01 10:00\n" >"$T/noref.csv" &&
	expect_status 65 pm-visit import "$T/noref.csv" &&
	test "$(cat "$T/err")" = "pm-visit: line 1: missing column \"ref\" (expected at least type,ref,unit,done)" &&
	test "$(book_sum "$PM_DATA/visits.csv")" = "$sum"
'
test_expect_success 'verify the visit book' '
	expect_status 0 pm-visit verify && out_has "visits.csv: [0-9]* rows, chain intact"
'

# ---- the callback rate counts complaints, not sheets (SPEC 2.4) ---------------------------
R=$T/rate
mkdir -p "$R" && cp "$PM_DATA/pm.conf" "$R/"
rv() { PM_DATA=$R PM_NOW="$1" "$@"; }
test_expect_success 'a complaint visited twice after a reopening counts once: visited / handled' '
	(
	export PM_DATA=$R
	for t in 漏水 堵塞 异响; do
		PM_NOW="2027-03-02 09:00" pm-complaint add --unit $U --name 陈大文 --text $t \
		    --importance C --category GC || exit 1
	done >"$T/codes" &&
	c1=$(sed -n 1p "$T/codes") && c2=$(sed -n 2p "$T/codes") &&
	for c in $(cat "$T/codes"); do
		PM_NOW="2027-03-03 10:00" pm-complaint resolve $c --result 已修复 >/dev/null || exit 1
	done &&
	visit() { PM_NOW="$1" pm-visit checkout $2 --visitor 张主管 >/dev/null &&
		PM_NOW="$1" pm-visit record $2 --visitor 张主管 --quality 4 --attitude 4 \
		    --satisfaction $3 >/dev/null; } &&
	visit "2027-03-04 10:00" $c1 satisfied &&
	visit "2027-03-04 11:00" $c2 unsatisfied &&
	PM_NOW="2027-03-04 12:00" pm-visit review $c2 --by 张主管 --verdict fail >/dev/null 2>&1 &&
	PM_NOW="2027-03-08 10:00" pm-complaint resolve $c2 --result 重新修复 >/dev/null &&
	visit "2027-03-09 10:00" $c2 satisfied &&
	# three complaints handled in March, two visited (one of them twice), one not:
	# 2 / 3, not the 3 sheets of 4; satisfied: both visited ones, by their last sheet
	PM_NOW="2027-04-01 09:00" pm-report complaints --month 2027-03 --format json >"$T/m.json" &&
	grep -q "\"callback_rate\": *0\.6667" "$T/m.json" &&
	grep -q "\"satisfaction_rate\": *1\.0000" "$T/m.json" &&
	PM_NOW="2027-04-01 09:00" pm-visit rates --month 2027-03 --format csv >"$T/r.csv" &&
	grep -q "^complaint,3,2,0.6667," "$T/r.csv"
	) || exit 1
'
