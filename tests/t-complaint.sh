#!/bin/sh
# pm-complaint as the desk, the supervisor and the manager use it
# (SPEC 2.1, SPEC 4).
. "$(dirname "$0")/lib.sh"

cat >"$PM_DATA/pm.conf" <<'CONF'
office = XDZA
households = 1000
manager = 刘经理
quality_supervisor = 陈品质
supervisors = 张主管
lock_timeout = 30
CONF
U=0010102030
export PM_USER=孙丽 PM_NOW="2026-11-02 09:00"
at() { PM_NOW="$1"; export PM_NOW; }
overdue_has() { pm-complaint overdue --format csv | grep -q "^$1,$2," ; }

# ---- registration and codes -------------------------------------------------------
test_expect_success 'a complaint is registered and its code printed' '
	expect_status 0 pm-complaint add --unit $U --name 陈大文 --phone 13812345678 \
	    --text "楼上漏水" --importance B --category GC --channel phone &&
	out_is XDZA-B-GC-000001
'
test_expect_success 'the serial runs across importances and problem codes' '
	expect_status 0 pm-complaint add --unit $U --name 陈大文 --text "保洁不到位" \
	    --importance C --category BJ && out_is XDZA-C-BJ-000002
'
test_expect_success 'requests have their own sequence' '
	expect_status 0 pm-complaint add --unit $U --name 陈大文 --text "咨询物业费" \
	    --kind request && out_is XDZA-R-000001 &&
	expect_status 0 pm-complaint add --unit $U --name 林小红 --text "借梯子" \
	    --kind request && out_is XDZA-R-000002
'
test_expect_success '3 or more co-signers make it major, whatever was asked' '
	expect_status 0 pm-complaint add --unit $U --name 业主代表 --text "电梯长期故障" \
	    --importance C --category GC --cosigners 5 --channel letter &&
	out_is XDZA-A-GC-000003 && err_has "5 co-signers: registered as major (A)"
'
test_expect_success 'show demands the same-day written report to the company' '
	expect_status 0 pm-complaint show XDZA-A-GC-000003 &&
	out_has "report it in writing to the company today" &&
	out_has "^company  *2026-11-03 00:00:00  pending "
'

# ---- bad input -------------------------------------------------------------------------
test_expect_success 'unknown importance or problem code, bad channel' '
	sum=$(book_sum "$PM_DATA/complaints.csv") &&
	expect_status 65 pm-complaint add --unit $U --name x --text y --importance D &&
	err_has "^pm-complaint: --importance: expected A, B or C, got \"D\"$" &&
	expect_status 65 pm-complaint add --unit $U --name x --text y --category XX &&
	err_has "--category: expected KF, ZX, GC, BJ, YY or QT" &&
	expect_status 65 pm-complaint add --unit $U --name x --text y --channel fax &&
	test "$(book_sum "$PM_DATA/complaints.csv")" = "$sum"
'
test_expect_success 'a unit that is not 10 digits, an empty text, an impossible date' '
	expect_status 65 pm-complaint add --unit 12345 --name x --text y &&
	err_has "--unit: expected a unit code of 10 digits" &&
	expect_status 65 pm-complaint add --unit $U --name x --text "" &&
	err_has "--text: must not be empty" &&
	expect_status 65 pm-complaint add --unit $U --name x --text y --at 2026-02-30 &&
	expect_status 65 pm-complaint add --unit $U --name x --text y --requested-by 2026-11-01
'
test_expect_success 'a unit not in the owner archive, once it has records' '
	PM_USER=孙丽 pm-owner add --unit $U --name 陈大文 >/dev/null &&
	expect_status 65 pm-complaint add --unit 0010109999 --name x --text y &&
	err_has "not in the owner archive"
'
test_expect_success 'missing options are usage errors' '
	expect_status 64 pm-complaint add --unit $U --name x &&
	expect_status 64 pm-complaint forward XDZA-B-GC-000001 &&
	expect_status 64 pm-complaint forward --to 王工
'
test_expect_success 'an unknown code is exit 66' '
	expect_status 66 pm-complaint forward XDZA-B-GC-999999 --to 王工 &&
	err_has "no complaint or request XDZA-B-GC-999999" &&
	expect_status 66 pm-complaint show NOPE && expect_status 66 pm-complaint form NOPE
'

# ---- B: general ---------------------------------------------------------------------------
B=XDZA-B-GC-000001
test_expect_success 'B: not passed on within 1 hour is overdue, to the supervisor' '
	at "2026-11-02 09:59" && ! overdue_has $B forward &&
	at "2026-11-02 10:01" && pm-complaint overdue --format csv >"$T/out" &&
	out_has "^$B,forward,2026-11-02 10:00:00,supervisor,张主管,"
'
test_expect_success 'B: forwarded late; the deadline shows late' '
	at "2026-11-02 10:30" &&
	expect_status 0 pm-complaint forward $B --to 王工程 --dept 工程部 && out_is E000001 &&
	! overdue_has $B forward &&
	expect_status 0 pm-complaint show $B && out_has "^forward  *2026-11-02 10:00:00  late "
'
test_expect_success 'B: forwarding to a department outside pm.conf is refused' '
	expect_status 65 pm-complaint forward $B --to 某 --dept 财务部
'
test_expect_success 'B: handled within 3 days, or overdue to the manager' '
	at "2026-11-05 08:59" && ! overdue_has $B handle &&
	at "2026-11-05 09:01" && pm-complaint overdue --format csv >"$T/out" &&
	out_has "^$B,handle,2026-11-05 09:00:00,manager,刘经理,complaint,B,$U,0,"
'
test_expect_success 'B: a new date needs the manager'"'"'s approval' '
	at "2026-11-05 10:00" &&
	expect_status 64 pm-complaint extend $B --approved-by 刘经理 &&
	expect_status 65 pm-complaint extend $B --until "2026-11-08 18:00" &&
	err_has "--approved-by is required" &&
	expect_status 65 pm-complaint extend $B --until "2026-11-08 18:00" --approved-by 张主管 &&
	err_has "张主管 is not the manager" &&
	expect_status 65 pm-complaint extend $B --until "2026-11-04 18:00" --approved-by 刘经理 &&
	err_has "not in the future" &&
	expect_status 0 pm-complaint extend $B --until "2026-11-08 18:00" --approved-by 刘经理 &&
	! overdue_has $B handle
'
test_expect_success 'B: past the extended date it is overdue again' '
	at "2026-11-08 18:01" && overdue_has $B handle
'
test_expect_success 'notify before resolve and close before resolve are refused' '
	expect_status 65 pm-complaint notify $B && err_has "not handled yet" &&
	expect_status 65 pm-complaint close $B && err_has "resolve it first"
'
test_expect_success 'compensation: the approver for the amount' '
	expect_status 65 pm-complaint resolve $B --result x --cost 1500 &&
	err_has "1500.00 yuan is beyond the department supervisor" &&
	expect_status 65 pm-complaint resolve $B --result x --cost 1500 --approved-by 张主管 &&
	expect_status 65 pm-complaint resolve $B --result x --cost 2500 --approved-by 陈品质 &&
	err_has "needs the manager" &&
	for c in -5 abc 1.234 ""; do
		expect_status 65 pm-complaint resolve $B --result x --cost "$c" || exit 1
		grep -q -- "--cost: expected a non-negative amount" "$T/err" || exit 1
	done
'
test_expect_success 'resolved with the quality supervisor'"'"'s approval' '
	at "2026-11-08 10:00" &&
	expect_status 0 pm-complaint resolve $B --result "已修复防水层" --cost 1500 \
	    --approved-by 陈品质 &&
	expect_status 65 pm-complaint resolve $B --result again && err_has "already handled"
'
test_expect_success 'the result is told within 2 days of handling' '
	at "2026-11-10 10:01" && overdue_has $B notify &&
	expect_status 0 pm-complaint notify $B --how visit && ! overdue_has $B notify &&
	expect_status 65 pm-complaint notify $B && err_has "already notified"
'
test_expect_success 'review: valid, and a re-classification keeps the code' '
	expect_status 0 pm-complaint review $B --valid yes --importance C &&
	expect_status 0 pm-complaint list --format csv &&
	out_has "^$B,complaint,$U,C,GC,handled," &&
	expect_status 65 pm-complaint review $B --valid maybe
'
test_expect_success 'closed, and then no more steps' '
	expect_status 0 pm-complaint close $B &&
	expect_status 65 pm-complaint reply $B --text x && err_has "is closed" &&
	expect_status 0 pm-complaint list --open --format csv && ! out_has "^$B,"
'

# ---- C: minor, with a requested time ------------------------------------------------------
test_expect_success 'C: the complainant'"'"'s requested time replaces 2 days' '
	at "2026-11-12 09:00" &&
	C=$(pm-complaint add --unit $U --name 陈大文 --text "草坪未修剪" --importance C \
	    --category YY --requested-by "2026-11-20 17:00") &&
	at "2026-11-15 09:00" && ! overdue_has $C handle &&
	at "2026-11-20 17:01" && overdue_has $C handle
'
test_expect_success 'C: without one, 2 days' '
	at "2026-11-12 09:00" &&
	C=$(pm-complaint add --unit $U --name 陈大文 --text "垃圾未清" --importance C --category BJ) &&
	at "2026-11-14 08:59" && ! overdue_has $C handle &&
	at "2026-11-14 09:01" && overdue_has $C handle
'

# ---- A: major -----------------------------------------------------------------------------------
A=XDZA-A-GC-000003
test_expect_success 'A: forward, answer, company report, acknowledgment, handling' '
	at "2026-11-02 10:01" && pm-complaint overdue --format csv >"$T/out" &&
	out_has "^$A,forward,2026-11-02 10:00:00,manager,刘经理," &&
	at "2026-11-03 00:01" && overdue_has $A company &&
	at "2026-11-04 09:01" && overdue_has $A answer && overdue_has $A ack &&
	at "2026-11-12 08:59" && ! overdue_has $A handle &&
	at "2026-11-12 09:01" && overdue_has $A handle
'
test_expect_success 'A: each step meets its deadline' '
	at "2026-11-02 09:20" &&
	pm-complaint forward $A --to 刘经理 >/dev/null &&
	pm-complaint report $A --to 公司品质部 >/dev/null &&
	pm-complaint ack $A >/dev/null &&
	pm-complaint reply $A --text "已安排电梯公司全面检修" >/dev/null &&
	at "2026-11-12 09:01" && pm-complaint overdue --format csv >"$T/out" &&
	out_has "^$A,handle," && ! out_has "^$A,forward," && ! out_has "^$A,company," &&
	! out_has "^$A,ack," && ! out_has "^$A,answer,"
'
test_expect_success 'ack is for written complaints only, and once' '
	expect_status 65 pm-complaint ack $A && err_has "already acknowledged" &&
	C=$(pm-complaint add --unit $U --name x --text "电话投诉" --channel phone) &&
	expect_status 65 pm-complaint ack $C && err_has "came by phone"
'
test_expect_success 'report twice is refused' '
	expect_status 65 pm-complaint report $A && err_has "already reported"
'

# ---- requests: the escalation ladder ---------------------------------------------------------------
R=XDZA-R-000001
test_expect_success 'a request not done in 2 days belongs to the supervisor' '
	at "2026-11-04 08:59" && ! overdue_has $R supervisor &&
	at "2026-11-04 09:01" && pm-complaint overdue --format csv >"$T/out" &&
	out_has "^$R,supervisor,2026-11-04 09:00:00,supervisor,张主管,request,"
'
test_expect_success 'in 7 days, to the manager' '
	at "2026-11-09 09:01" && overdue_has $R supervisor && overdue_has $R manager
'
test_expect_success 'a request is not extended' '
	expect_status 65 pm-complaint extend $R --until "2026-12-01" --approved-by 刘经理 &&
	err_has "escalates"
'
test_expect_success 'only the manager closes a request as unresolvable, with a reason' '
	expect_status 65 pm-complaint close $R --unresolvable --reason "超出物业职责" &&
	err_has "only the manager" &&
	expect_status 65 pm-complaint --as 刘经理 close $R --unresolvable &&
	err_has "--reason is required" &&
	expect_status 64 pm-complaint close $R --reason x &&
	expect_status 0 pm-complaint --as 刘经理 close $R --unresolvable --reason "超出物业职责" &&
	expect_status 0 pm-complaint list --format csv && out_has "^$R,request,.*,unresolvable," &&
	! overdue_has $R manager
'
test_expect_success 'a complaint cannot be closed as unresolvable' '
	expect_status 65 pm-complaint --as 刘经理 close $A --unresolvable --reason x
'

# ---- queries --------------------------------------------------------------------------------------
test_expect_success 'list: the contract columns, phone masked' '
	expect_status 0 pm-complaint list --format csv &&
	head -1 "$T/out" | grep -q "^code,kind,unit,importance,category,status,registered_at," &&
	out_has "138\*\*\*\*5678" && ! grep -q 13812345678 "$T/out"
'
test_expect_success 'list filters' '
	pm-complaint list --format csv --importance A | sed 1d >"$T/a" &&
	test "$(wc -l <"$T/a")" = 1 && grep -q "^$A," "$T/a" &&
	test "$(pm-complaint list --format csv --category BJ | sed 1d | wc -l)" = 2 &&
	test "$(pm-complaint list --format csv --month 2026-12 | sed 1d | wc -l)" = 0 &&
	test "$(pm-complaint list --format csv --unit 0010102031 | sed 1d | wc -l)" = 0 &&
	# one unit read alone: its matters as the whole list has them, steps
	# and all (a reader that keeps no other unit'"'"'s)
	pm-complaint list --format csv | awk -F, -v u=$U "NR > 1 && \$3 == u" >"$T/all.u" &&
	test -s "$T/all.u" && pm-complaint list --format csv --unit $U | sed 1d | cmp - "$T/all.u" &&
	grep -q ",closed," "$T/all.u" && grep -q ",open," "$T/all.u" &&
	expect_status 65 pm-complaint list --importance Z &&
	expect_status 65 pm-complaint list --month 2026-13
'
test_expect_success 'list --open' '
	pm-complaint list --open --format csv >"$T/out" && ! out_has "^$B," && out_has "^$A,"
'
test_expect_success 'json: one array of objects with the contract keys' '
	expect_status 0 pm-complaint show $A --format json &&
	out_has "\"code\":\"$A\",\"kind\":\"complaint\",\"unit\":\"$U\",\"importance\":\"A\",\"category\":\"GC\",\"status\":\"open\",\"registered_at\":"
'
test_expect_success 'show: the history and every deadline, met, late or pending' '
	at "2026-11-12 10:00" && expect_status 0 pm-complaint show $A &&
	out_has "  register  *电梯长期故障" && out_has "  report  *→ 公司品质部" &&
	out_has "^forward  *2026-11-02 10:00:00  met " &&
	out_has "^handle  *2026-11-12 09:00:00  overdue "
'
test_expect_success 'form: the printed form fits 80 columns, in Chinese' '
	expect_status 0 pm-complaint form $A &&
	out_has "投诉登记表 / 投诉处理记录表" && out_has "^投诉编码      $A$" &&
	out_has "^重要程度      A (重大)$" && out_has "^来访方式      信函$" &&
	out_has "^联名人数      5$" && out_has "客服主管: ____________" &&
	test "$(wc -L <"$T/out")" -le 80
'
test_expect_success 'overdue: the contract columns' '
	expect_status 0 pm-complaint overdue --format csv &&
	head -1 "$T/out" | grep -q "^code,deadline,due_at,escalate_to,"
'

# ---- concurrent clerks ------------------------------------------------------------------------------
test_expect_success '8 clerks registering at once: every serial unique, none skipped' '
	mkdir -p "$T/race" && printf "office = RACE\nlock_timeout = 60\n" >"$T/race/pm.conf" &&
	for k in 1 2 3 4 5 6 7 8; do
		( i=1; while [ $i -le 25 ]; do
			PM_DATA=$T/race pm-complaint --as 文员$k add --unit $U --name 业主$k \
			    --text "第$i件" --importance B --category KF || echo FAIL
			i=$((i + 1)); done ) >"$T/codes.$k" 2>&1 &
	done; wait
	! grep -q FAIL "$T"/codes.* &&
	cat "$T"/codes.* | sed "s/.*-//" | sort -n >"$T/serials" &&
	test "$(wc -l <"$T/serials")" = 200 && test -z "$(uniq -d "$T/serials")" &&
	test "$(head -1 "$T/serials")" = 000001 && test "$(tail -1 "$T/serials")" = 000200
'

# ---- import and verify --------------------------------------------------------------------------------
printf '\357\273\277kind,unit,name,phone,channel,text,importance,category,registered_at\r\ncomplaint,%s,陈大文,13812345678,phone,"噪音, 夜间施工",B,ZX,2026-10-30 20:00\r\nrequest,%s,陈大文,,visit,咨询停车,,,2026-10-30 21:00\r\n' $U $U >"$T/backlog.csv"
test_expect_success 'import a backlog of paper registrations' '
	at "2026-11-12 10:00" &&
	expect_status 0 pm-complaint import "$T/backlog.csv" &&
	out_is "2 rows imported, 0 already present" &&
	expect_status 0 pm-complaint list --month 2026-10 --format csv &&
	out_has ",B,ZX,open,2026-10-30 20:00:00,陈大文," && out_has "^XDZA-R-000003,request,"
'
test_expect_success 'the same backlog twice adds nothing' '
	expect_status 0 pm-complaint import "$T/backlog.csv" && out_is "0 rows imported, 2 already present"
'
test_expect_success 'import errors per line and field, nothing written' '
	printf "unit,name,text,importance\n%s,x,y,D\n%s,x,,B\n" $U $U >"$T/bad.csv" &&
	sum=$(book_sum "$PM_DATA/complaints.csv") &&
	expect_status 65 pm-complaint import "$T/bad.csv" &&
	err_has "line 2: importance: expected A, B or C, got \"D\"" &&
	err_has "line 3: text: must not be empty" &&
	test "$(book_sum "$PM_DATA/complaints.csv")" = "$sum"
'
# 6,000 registrations (half a megabyte) over an owner archive of 300
# units: most are checked on the parser's thread, the archive read once.
B=$T/bulk
mkdir -p "$B" && cp "$PM_DATA/pm.conf" "$B/"
awk 'BEGIN { print "unit,name"; for (i = 0; i < 300; i++) printf "0020100%03d,业主%d\n", i, i }' >"$T/owners.csv"
awk 'BEGIN { print "unit,name,text,importance,category,registered_at"
	for (i = 1; i <= 6000; i++)
		printf "0020100%03d,业主%d,\"第%d件: 楼道灯坏了, 请尽快修\",C,GC,2026-10-%02d %02d:%02d\n",
		    i % 300, i % 300, i, 1 + i % 28, i % 24, i % 60 }' >"$T/bulk.csv"
test_expect_success 'a large backlog: a unit not in the archive and a bad importance deep in it, nothing written' '
	PM_DATA=$B pm-owner import "$T/owners.csv" >/dev/null &&
	sed -e "5000s/^0020100[0-9]*,/0020199999,/" -e "5500s/,C,GC,/,Z,GC,/" \
	    "$T/bulk.csv" >"$T/bulkbad.csv" &&
	PM_DATA=$B expect_status 65 pm-complaint import "$T/bulkbad.csv" &&
	err_has "^pm-complaint: line 5000: unit: unit 0020199999 is not in the owner archive" &&
	err_has "^pm-complaint: line 5500: importance: expected A, B or C, got \"Z\"" &&
	test "$(grep -c "^pm-complaint: line" "$T/err")" = 2 && test ! -e "$B/complaints.csv"
'
test_expect_success 'a large backlog imported: each registration under its unit, text and time' '
	PM_DATA=$B expect_status 0 pm-complaint import "$T/bulk.csv" &&
	out_is "6000 rows imported, 0 already present" &&
	awk -F, "NR > 1 { print \$1, \$NF \":00\" }" "$T/bulk.csv" | sort >"$T/want" &&
	PM_DATA=$B pm-complaint list --format csv | awk -F, "NR > 1 { print \$3, \$7 }" | sort >"$T/got" &&
	cmp "$T/want" "$T/got"
'
test_expect_success 'verify every complaint book' '
	expect_status 0 pm-complaint verify &&
	out_has "complaints.csv: [0-9]* rows, chain intact" &&
	out_has "complaint_events.csv: [0-9]* rows, chain intact"
'

# ---- the supervisor's daily check of the registers (SPEC 2.1) ----------------------------
C=$T/check
mkdir -p "$C" && cp "$PM_DATA/pm.conf" "$C/"
ck() { PM_DATA=$C "$@"; }
test_expect_success 'the daily check: only a supervisor or the manager, a day once, when it is over' '
	ck env PM_NOW="2026-11-20 09:00" pm-complaint add --unit $U --name 陈大文 --text 漏水 \
	    --importance C --category GC >/dev/null &&
	ck env PM_NOW="2026-11-20 10:00" pm-complaint add --unit $U --name 陈大文 --text 咨询 \
	    --kind request >/dev/null &&
	at "2026-11-21 08:30" &&
	ck expect_status 65 pm-complaint check --by 孙丽 &&
	err_has "^pm-complaint: --by: 孙丽 is not a supervisor" && test ! -e "$C/anchors.csv" &&
	ck expect_status 64 pm-complaint check && err_has "--by" &&
	ck expect_status 65 pm-complaint check --by 张主管 --date 2026-11-21 && err_has "not closed" &&
	ck expect_status 0 pm-complaint check --by 张主管 && out_is A000001 &&
	test "$(cut -d, -f3,4,6,7,8 "$C/anchors.csv" | sed 1d)" = "$(printf "%s\n" \
	    "complaints,1,check,2026-11-20,张主管" "requests,1,check,2026-11-20,张主管" \
	    "complaint_events,0,check,2026-11-20,张主管")" &&
	ck expect_status 65 pm-complaint check --by 刘经理 --date 2026-11-20 &&
	err_has "already checked by 张主管 at 2026-11-21 08:30:00" &&
	at "2026-11-22 08:30" && ck expect_status 0 pm-complaint check --by 刘经理 && out_is A000004
'
test_expect_success 'the duty report lists the days of the week before not checked' '
	at "2026-11-23 07:30" && ck expect_status 0 pm-report duty --date 2026-11-22 --format csv &&
	# the seven days 11-15 .. 11-21; 11-20 and 11-21 checked: five left
	out_has "^[^,]*,summary,registers_unchecked,5$" &&
	test "$(grep "^[^,]*,unchecked," "$T/out" | cut -d, -f3 | cut -d. -f1 | tr "\n" " ")" = \
	    "2026-11-15 2026-11-16 2026-11-17 2026-11-18 2026-11-19 "
'
test_expect_success 'a check signed with the supervisor'"'"'s key; a change after it is caught' '
	ssh-keygen -q -t ed25519 -N "" -C 张主管 -f "$T/zkey" &&
	echo "张主管 $(cat "$T/zkey.pub")" >"$C/allowed_signers" &&
	at "2026-11-23 08:30" &&
	ck expect_status 0 pm-complaint check --by 张主管 --date 2026-11-19 --sign --key "$T/zkey" &&
	test -f "$C/signatures/complaints-check-2026-11-19.sig" &&
	ck expect_status 0 pm-complaint verify && out_has "3 signed reviews and checks, each good" &&
	sed -i "s/,漏水,/,渗水,/" "$C/complaints.csv" &&
	ck expect_status 65 pm-complaint verify && err_has "complaints"
'
