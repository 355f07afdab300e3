#!/bin/sh
# pm-report alert (SPEC 2.10): each deadline that passes is told once, in
# the first run after it passes, to whom it escalates; nothing at all when
# nothing is new; never twice or lost under overlapping runs and kill -9.
. "$(dirname "$0")/lib.sh"

cat >"$PM_DATA/pm.conf" <<'CONF'
office = XDZA
manager = 刘经理
supervisors = 张主管
loan_days = 7
lock_timeout = 30
CONF
U=0010102030
export PM_USER=孙丽
at() { PM_NOW="$1"; export PM_NOW; }
ALERTS=$PM_DATA/alerts.csv
# how many times "book id deadline" was told in the files given
told() { cat "$@" 2>/dev/null | grep -c "^  $T_BOOK $T_ID  $T_DL  " ; }
rnd() { awk -v n="$1" -v s="$2" 'BEGIN { srand(s); printf "%.4f\n", rand() * n }'; }

test_expect_success 'nothing due: no output at all, exit 0, no book created' '
	at "2026-11-02 08:00" &&
	expect_status 0 pm-report alert && test ! -s "$T/out" && test ! -s "$T/err" &&
	test ! -e "$ALERTS"
'

# ---- the clock walked past each kind of deadline -------------------------------
test_expect_success 'a B complaint: forward passes after 1 hour, not at the minute' '
	at "2026-11-02 09:00" &&
	expect_status 0 pm-complaint add --unit $U --name 陈大文 --text 楼上漏水 \
	    --importance B --category GC && out_is XDZA-B-GC-000001 &&
	at "2026-11-02 10:00" && expect_status 0 pm-report alert && test ! -s "$T/out" &&
	test ! -e "$ALERTS"
'
test_expect_success 'the first run after it passes tells the supervisor, once' '
	at "2026-11-02 10:01" && expect_status 0 pm-report alert &&
	out_has "^期限提醒 2026-11-02 10:01:00 新逾期 1 项$" &&
	out_has "^致 主管 张主管:$" &&
	out_has "^  投诉 XDZA-B-GC-000001  转交  逾期自 2026-11-02 10:00:00  单元 $U$" &&
	test "$(grep -c XDZA "$T/out")" = 1 &&
	at "2026-11-02 10:11" && expect_status 0 pm-report alert && test ! -s "$T/out"
'
test_expect_success 'handling deadline (3 days) goes to the manager, in csv with the contract columns' '
	at "2026-11-05 09:00" && expect_status 0 pm-report alert && test ! -s "$T/out" &&
	at "2026-11-05 09:01" && expect_status 0 pm-report alert --format csv &&
	test "$(head -1 "$T/out")" = "book,id,deadline,due_at,escalate_to,escalate_name,unit,what,alerted_at,status" &&
	out_has "^complaints,XDZA-B-GC-000001,handle,2026-11-05 09:00:00,manager,刘经理,$U," &&
	test "$(wc -l <"$T/out")" = 2
'
test_expect_success 'a key loan out longer than loan_days: to the borrowing department' '
	at "2026-11-05 10:00" &&
	pm-key receive --unit $U --count 3 --from 李工 >/dev/null &&
	expect_status 0 pm-key lend --unit $U --count 2 --to 王师傅 --dept 工程部 \
	    --work-id G01 && out_is K000002 &&
	at "2026-11-12 10:00" && expect_status 0 pm-report alert && test ! -s "$T/out" &&
	at "2026-11-12 10:01" && expect_status 0 pm-report alert &&
	out_has "^致 工程部 王师傅:$" &&
	out_has "^  钥匙 K000002  归还  逾期自 2026-11-12 10:00:00  单元 $U$" &&
	at "2026-11-12 10:02" && expect_status 0 pm-report alert && test ! -s "$T/out"
'
test_expect_success 'a repair not visited within 2 months: to the supervisor' '
	at "2026-11-12 11:00" &&
	pm-visit service --type repair --ref WX-1 --unit $U --done "2026-11-12 11:00" >/dev/null &&
	at "2027-01-12 11:00" && expect_status 0 pm-report alert && test ! -s "$T/out" &&
	at "2027-01-12 11:01" && expect_status 0 pm-report alert &&
	out_has "^  回访 WX-1  回访  逾期自 2027-01-12 11:00:00  单元 $U$" &&
	test "$(grep -c "^  回访 " "$T/out")" = 1
'
test_expect_success 'the alerts are a chained book: verify clean, an edit found' '
	expect_status 0 pm-report verify && out_has "alerts.csv: 8 rows, chain intact" &&
	cp "$ALERTS" "$T/alerts.keep" &&
	sed -i "s/王师傅/李师傅/" "$ALERTS" &&
	expect_status 65 pm-report verify &&
	cp "$T/alerts.keep" "$ALERTS"
'

# ---- reading back ----------------------------------------------------------------
test_expect_success '--since re-prints a period without recording anything' '
	sum=$(book_sum "$ALERTS") && at "2027-01-12 11:02" &&
	expect_status 0 pm-report alert --since 2026-11-05 --format csv &&
	test "$(sed 1d "$T/out" | wc -l)" = 3 &&
	out_has "^complaints,XDZA-B-GC-000001,handle,.*,open$" &&
	out_has "^keys,K000002,return,.*,open$" &&
	! grep -q ",forward," "$T/out" &&
	test "$(book_sum "$ALERTS")" = "$sum"
'
test_expect_success 'the daily duty report lists the day'"'"'s alerts and which are still open' '
	pm-key return K000002 --count 2 --received-by 孙丽 >/dev/null &&
	at "2027-01-13 08:00" &&
	expect_status 0 pm-report duty --date 2026-11-12 --format csv &&
	out_has "^[^,]*,summary,alerts,1$" && out_has "^[^,]*,summary,alerts_open,0$" &&
	out_has "^[^,]*,alert_list,keys.status,done$" &&
	expect_status 0 pm-report duty --date 2026-11-05 --format csv &&
	out_has "^[^,]*,summary,alerts,1$" && out_has "^[^,]*,summary,alerts_open,1$" &&
	expect_status 0 pm-report duty --date 2026-11-05 && out_has "当日期限提醒"
'
test_expect_success 'wrong options: html, a bad --since, --since elsewhere' '
	sum=$(book_sum "$ALERTS") &&
	expect_status 64 pm-report alert --format html &&
	err_has "^pm-report: alert: --format html is not offered" &&
	expect_status 65 pm-report alert --since 2026-02-30 &&
	err_has "^pm-report: --since: expected a date" &&
	expect_status 64 pm-report due --since 2026-11-01 &&
	test "$(book_sum "$ALERTS")" = "$sum"
'

# ---- never lost, never twice -------------------------------------------------
# n complaints registered at $1, all forward deadlines passed at $2
register() {
	at "$1"
	i=0; while [ $i -lt "$3" ]; do
		pm-complaint add --unit $U --name 业主$i --text "问题$i" --importance C \
		    --category BJ >>"$T/codes" || return 1
		i=$((i + 1)); done
	at "$2"
}
test_expect_success 'output that cannot be written: exit 74, told again by the next run' '
	: >"$T/codes" && register "2027-02-01 09:00" "2027-02-01 10:01" 2 &&
	{ pm-report alert >/dev/full 2>"$T/err"; test $? = 74; } &&
	err_has "^pm-report: alert: the output could not be written" &&
	expect_status 0 pm-report alert &&
	for c in $(cat "$T/codes"); do grep -q " $c  转交 " "$T/out" || exit 1; done &&
	expect_status 0 pm-report alert && test ! -s "$T/out"
'
test_expect_success 'two runs at once: each breach told exactly once' '
	day=3; while [ $day -le 7 ]; do
		: >"$T/codes"
		register "2027-02-0$day 09:00" "2027-02-0$day 10:01" 6 || exit 1
		pm-report alert >"$T/a.$day" 2>&1 &
		pm-report alert >"$T/b.$day" 2>&1 &
		wait
		for c in $(cat "$T/codes"); do
			n=$(cat "$T/a.$day" "$T/b.$day" | grep -c " $c  转交 ")
			test "$n" = 1 || { echo "$c told $n times"; exit 1; }
		done
		day=$((day + 1))
	done
'
test_expect_success 'killed after recording, before telling: the rerun tells them, once' '
	: >"$T/codes" && register "2027-02-10 09:00" "2027-02-10 10:01" 3 &&
	PM_TEST_CRASH=alert-before-output pm-report alert >"$T/killed"
	test $? = 137 && ! grep -q XDZA "$T/killed" &&
	test "$(grep -c ",alert," "$ALERTS")" -gt 0 &&
	expect_status 0 pm-report alert &&
	for c in $(cat "$T/codes"); do
		test "$(grep -c " $c  转交 " "$T/out")" = 1 || exit 1; done &&
	expect_status 0 pm-report alert && test ! -s "$T/out" &&
	expect_status 0 pm-report verify
'
test_expect_success 'killed inside the ledger'"'"'s commit of the alert rows: told once' '
	for point in before-rename before-fsync; do
		: >"$T/codes"
		n=3; [ $point = before-fsync ] && n=1
		register "2027-02-2$n 09:00" "2027-02-2$n 10:01" $n || exit 1
		PM_TEST_CRASH=$point pm-report alert >"$T/killed"
		test $? = 137 || exit 1
		pm-report alert >"$T/out" || exit 1
		for c in $(cat "$T/codes"); do
			m=$(cat "$T/killed" "$T/out" | grep -c " $c  转交 ")
			test "$m" = 1 || { echo "$point: $c told $m times"; exit 1; }
		done
	done &&
	expect_status 0 pm-report verify
'
# A run takes a few milliseconds: the kills land from its start to its end.
# Exactly once is what a run can promise up to the instant between its
# output and its sent row: a kill there tells a breach twice (never
# loses one), so the only double allowed is one the killed run printed.
test_expect_success 'kill -9 at 16 random instants of a run, then a rerun: none lost, none doubled but in that instant' '
	k=1; while [ $k -le 16 ]; do
		: >"$T/codes"
		register "2027-03-$((k + 10)) 09:00" "2027-03-$((k + 10)) 10:01" 8 || exit 1
		pm-report alert >"$T/k.$k" 2>&1 &
		pid=$!
		sleep "$(rnd 0.008 $k)"; kill -9 $pid 2>/dev/null; wait $pid
		pm-report alert >"$T/r.$k" 2>&1 || exit 1
		for c in $(cat "$T/codes"); do
			n=$(cat "$T/k.$k" "$T/r.$k" | grep -c " $c  转交 ")
			killed=$(grep -c " $c  转交 " "$T/k.$k")
			test "$n" = 1 || { test "$n" = 2 && test "$killed" = 1; } ||
				{ echo "run $k: $c told $n times"; exit 1; }
		done
		k=$((k + 1))
	done &&
	expect_status 0 pm-report alert && test ! -s "$T/out" &&
	expect_status 0 pm-report verify &&
	# the book: each breach in one alert row, each run sent exactly once
	grep ",alert," "$ALERTS" | cut -d, -f5-9 | sort | uniq -d >"$T/dup" &&
	test ! -s "$T/dup" &&
	grep ",alert," "$ALERTS" | cut -d, -f4 | sort -u >"$T/runs" &&
	grep ",sent," "$ALERTS" | cut -d, -f4 | sort >"$T/sent" &&
	cmp "$T/runs" "$T/sent"
'
test_expect_success 'a complaint handled months before the run, never visited: its visit still told' '
	# no run from June to October: what is due reaches back past last
	# month to every complaint still open (it closes after its visit)
	at "2027-06-01 09:00" &&
	c=$(pm-complaint add --unit $U --name 老王 --text 门锁坏了 --importance C --category GC) &&
	at "2027-06-01 10:00" && pm-complaint forward "$c" --to 李工 >/dev/null &&
	at "2027-06-02 10:00" && pm-complaint resolve "$c" --result 已更换 >/dev/null &&
	at "2027-10-08 09:00" && expect_status 0 pm-report alert &&
	out_has "^  回访 $c  回访  逾期自 2027-06-05 10:00:00  单元 $U$"
'
