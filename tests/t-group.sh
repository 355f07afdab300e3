#!/bin/sh
# A head office's reports (issue 18): pm-report given -D more than once
# covers those offices, each as it is alone, with a total made from the
# sums; every other command refuses a second -D.
. "$(dirname "$0")/lib.sh"

A=$T/a B=$T/b C=$T/c
U=0010102030
export PM_USER=孙丽
add() { # DIR IMPORTANCE CATEGORY
	PM_NOW="2026-11-02 09:00" pm-complaint -D "$1" add --unit $U --name 甲 \
	    --text 事由 --importance "$2" --category "$3" >/dev/null 2>&1
}
resolve() { # DIR CODE WHEN
	PM_NOW="$3" pm-complaint -D "$1" resolve "$2" --result 已处理 >/dev/null
}

# ---- three hand-built Novembers ---------------------------------------------------------
# A: 2 complaints (B GC, B BJ), one handled on time (B: 3 days)
# B: 3 complaints (A GC, B GC, C YY), the B one handled late, the C on time
# C: 1 complaint (B KF), open
office "$A" XDZA 200
office "$B" XDZB 100
office "$C" XDZC 50
add "$A" B GC; add "$A" B BJ
resolve "$A" XDZA-B-GC-000001 "2026-11-03 09:00"
add "$B" A GC; add "$B" B GC; add "$B" C YY
resolve "$B" XDZB-B-GC-000002 "2026-11-09 09:00"
resolve "$B" XDZB-C-YY-000003 "2026-11-03 09:00"
add "$C" B KF
export PM_NOW="2026-11-30 09:00"
unset PM_DATA

test_expect_success 'each office alone: the figures by hand, the office named' '
	expect_status 0 pm-report -D "$A" complaints --month 2026-11 --format csv &&
	out_has "^XDZA,summary,total,2$" && out_has "^XDZA,summary,handled,1$" &&
	out_has "^XDZA,summary,timely_rate,1.0000$" &&
	expect_status 0 pm-report -D "$B" complaints --month 2026-11 --format csv &&
	out_has "^XDZB,summary,total,3$" && out_has "^XDZB,summary,timely_rate,0.5000$" &&
	expect_status 0 pm-report -D "$C" complaints --month 2026-11 --format json &&
	out_has "\"office\":\"XDZC\"" && out_has "\"total\":1," &&
	expect_status 0 pm-report -D "$C" complaints --month 2026-11 &&
	out_has "^物业中心  *XDZC$"
'

test_expect_success 'the group csv: each office exactly as alone, then the total' '
	expect_status 0 pm-report -D "$A" -D "$B" -D "$C" complaints --month 2026-11 \
	    --format csv && cp "$T/out" "$T/group.csv" &&
	test "$(head -1 "$T/group.csv")" = "office,section,key,value" &&
	for o in A B C; do
		eval dir=\$$o
		pm-report -D "$dir" complaints --month 2026-11 --format csv | sed 1d >"$T/alone" &&
		grep "^XDZ$o," "$T/group.csv" | cmp - "$T/alone" || exit 1
	done &&
	test "$(sed 1d "$T/group.csv" | cut -d, -f1 | uniq | tr "\n" " ")" = "XDZA XDZB XDZC total "
'

test_expect_success 'the total from the sums: counts added, rates as sum over sum' '
	g() { grep -q "^total,summary,$1,$2$" "$T/group.csv" || { echo "no $1=$2"; grep "^total,summary,$1," "$T/group.csv"; return 1; }; } &&
	g total 6 && g handled 3 && g open_carried 3 &&
	g by_importance.A 1 && g by_importance.B 4 && g by_importance.C 1 &&
	g by_category.GC 3 && g by_category.KF 1 && g by_category.BJ 1 && g by_category.YY 1 &&
	g timely_rate 0.6667 &&
	g complaint_rate 0.0171 &&
	g valid_rate null
'

test_expect_success 'the group json: totals, every office figure by figure' '
	expect_status 0 pm-report -D "$A" -D "$B" -D "$C" complaints --month 2026-11 \
	    --format json &&
	python3 - "$T/out" <<-PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["office"] == "total" and d["offices"] == "XDZA, XDZB, XDZC", d["offices"]
	assert d["total"] == 6 and d["timely_rate"] == 0.6667, d
	f = {(r["office"], r["figure"]): r for r in d["figures"]}
	assert f[("XDZB", "total")]["value"] == "3"
	assert f[("XDZB", "timely_rate")]["ratio"] == "0.5000"
	assert f[("XDZC", "timely_rate")]["ratio"] == "null"
	assert f[("total", "handled")]["value"] == "3"
	assert {r["office"] for r in d["comparison"]} == {"XDZA", "XDZB", "XDZC"}
	PY
'

test_expect_success 'no JSON inside a csv cell, one office or three' '
	for r in "duty" "weekly" "owners --month 2026-11" "keys --month 2026-11" \
	    "complaints --month 2026-11" "visits --quarter 2026Q4"; do
		pm-report -D "$A" $r --format csv >"$T/one" &&
		pm-report -D "$A" -D "$B" -D "$C" $r --format csv >"$T/three" &&
		! grep -q "[{}]" "$T/one" "$T/three" &&
		test "$(head -1 "$T/three")" = "office,section,key,value" || { echo "$r"; exit 1; }
	done
'

test_expect_success 'every group report as text: Chinese, the total, within 80 columns' '
	for r in "duty" "weekly" "owners --month 2026-11" "keys --month 2026-11" \
	    "complaints --month 2026-11" "visits --quarter 2026Q4"; do
		pm-report -D "$A" -D "$B" -D "$C" $r >"$T/text" &&
		grep -q "^物业中心  *合计$" "$T/text" &&
		grep -q "^各中心  *XDZA, XDZB, XDZC$" "$T/text" &&
		test "$("$TOP/tests/width" <"$T/text")" -le 80 || { echo "$r"; exit 1; }
	done &&
	pm-report -D "$A" -D "$B" complaints --month 2026-11 >"$T/text" &&
	grep -q "^  合计  total  *投诉总数  *5" "$T/text" &&
	grep -q "^按重要程度 B  *3$" "$T/text"
'

test_expect_success 'html and xlsx of a group report' '
	expect_status 0 pm-report -D "$A" -D "$B" complaints --month 2026-11 --format html &&
	out_has "各中心对比" && out_has "XDZB" &&
	expect_status 0 pm-report -D "$A" -D "$B" complaints --month 2026-11 \
	    --format xlsx --out "$T/g.xlsx" && test -s "$T/g.xlsx"
'

test_expect_success 'one office code twice is refused, naming both directories' '
	cp -r "$A" "$T/a2" &&
	expect_status 65 pm-report -D "$A" -D "$T/a2" complaints --month 2026-11 &&
	err_has "office XDZA again" && err_has "$T/a2" &&
	expect_status 66 pm-report -D "$A" -D "$T/none" complaints --month 2026-11 &&
	err_has "$T/none"
'

test_expect_success 'a second -D is refused where one office is meant, nothing written' '
	before=$(book_sum "$A/complaints.csv") &&
	expect_status 64 pm-complaint -D "$A" -D "$B" add --unit $U --name 乙 --text 又一件 &&
	err_has "^pm-complaint: -D/--data: given twice" &&
	test "$(book_sum "$A/complaints.csv")" = "$before" &&
	test "$(book_sum "$B/complaints.csv")" = "$(book_sum "$B/complaints.csv")" &&
	expect_status 64 pm-duty -D "$A" show -D "$B" && err_has "pm-duty works on one office" &&
	expect_status 64 pm-key -D "$A" -D "$B" overdue &&
	for c in "archive" "heads" "verify" "alert" "due" "run"; do
		expect_status 64 pm-report -D "$A" -D "$B" $c && err_has "given 2 times" || exit 1
	done &&
	test ! -e "$A/archive" && test ! -e "$A/alerts.csv"
'
