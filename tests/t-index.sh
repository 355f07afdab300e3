#!/bin/sh
# t-index.sh - the month index (BOOK.idx): a month's reader starts each
# live complaint book where the month's matters begin; the answers are
# those of a read from the start, whatever happened to the index.
. "$(dirname "$0")/lib.sh"

cat >"$PM_DATA/pm.conf" <<'CONF'
office = XDZA
households = 100
CONF
U=0010102030
at() { PM_NOW="$1"; export PM_NOW; }
life() { # CODE DAY: handled, told and closed on that day
	at "$2 10:00"; pm-complaint forward "$1" --to 李工 >/dev/null &&
	at "$2 11:00"; pm-complaint resolve "$1" --result 已处理 >/dev/null &&
	at "$2 12:00"; pm-complaint notify "$1" >/dev/null &&
	at "$2 13:00"; pm-complaint close "$1" >/dev/null
}

# January: one complaint left open for the whole year.
at "2026-01-05 09:00"
OLD=$(pm-complaint add --unit $U --name 老业主 --text 一直没修好 --category GC)
# February to August: three a month, each closed in its month.
for m in 02 03 04 05 06 07 08; do
	for i in 1 2 3; do
		at "2026-$m-1$i 09:00"
		c=$(pm-complaint add --unit $U --name 业主$i --text 第$m月第$i件 --category GC)
		life "$c" "2026-$m-1$i"
	done
done
# September: three, closed; a fourth handled only in October.
for i in 1 2 3; do
	at "2026-09-1$i 09:00"
	c=$(pm-complaint add --unit $U --name 业主$i --text 九月第$i件 --category GC)
	life "$c" "2026-09-1$i"
done
at "2026-09-28 09:00"
X=$(pm-complaint add --unit $U --name 跨月 --text 九月登记十月处理 --category GC)
# October: three registered, two handled and closed, one still open.
for i in 1 2; do
	at "2026-10-1$i 09:00"
	c=$(pm-complaint add --unit $U --name 业主$i --text 十月第$i件 --category GC)
	life "$c" "2026-10-1$i"
done
at "2026-10-20 09:00"
pm-complaint add --unit $U --name 业主3 --text 十月第3件 --category GC >/dev/null
life "$X" "2026-10-21"
at "2026-11-22 09:00"

# By hand, October: registered 3; handled in it 2 + X = 3; carried into
# November open: the October one not handled, and January's.  (The
# report reads from August on, once: the figures of October and
# September, and the visits due from September's handlings; the October
# list reads from October: each keeps its month's entry.)
figures() {
	pm-complaint list --month 2026-10 --format csv >/dev/null &&
	pm-report complaints --month 2026-10 --format csv >"$T/fig" &&
	grep -q "^[^,]*,summary,total,3$" "$T/fig" &&
	grep -q "^[^,]*,summary,handled,3$" "$T/fig" &&
	grep -q "^[^,]*,summary,open_carried,2$" "$T/fig" || { cat "$T/fig"; return 1; }
}

test_expect_success 'the month read from the start: the figures by hand, and the index kept' '
	test ! -e "$PM_DATA/complaints.idx" && figures &&
	test -s "$PM_DATA/complaints.idx" && test -s "$PM_DATA/complaint_events.idx" &&
	cp "$T/fig" "$T/first"
'
test_expect_success 'the index starts at the complaint left open in January' '
	seq=$(awk -F, -v c="$OLD" "\$3 == c { print \$1 }" "$PM_DATA/complaints.csv") &&
	test "$(cut -f2 "$PM_DATA/complaints.idx" | tail -1)" = "$seq"
'
test_expect_success 'read again through the index: the same figures' '
	figures && cmp "$T/first" "$T/fig" &&
	expect_status 0 pm-complaint list --month 2026-10 --format csv &&
	test "$(grep -c "^XDZA-" "$T/out")" = 3 &&
	expect_status 0 pm-complaint list --open --format csv && out_has "^$OLD,"
'
test_expect_success 'the index deleted, cut short or garbage: the same figures' '
	rm "$PM_DATA/complaints.idx" && figures && cmp "$T/first" "$T/fig" &&
	head -c 7 "$PM_DATA/complaint_events.idx" >"$T/x" &&
	mv "$T/x" "$PM_DATA/complaint_events.idx" && figures && cmp "$T/first" "$T/fig" &&
	printf "24321\t5\t999999\t6\tffffffffffffffff\nnonsense\n" >"$PM_DATA/complaints.idx" &&
	figures && cmp "$T/first" "$T/fig"
'
test_expect_success 'stale after an archive (rows moved): dropped, the same figures' '
	figures && cp -r "$PM_DATA" "$T/arch" &&
	PM_DATA=$T/arch pm-report archive >/dev/null &&
	test ! -e "$T/arch/complaints.idx" &&
	PM_DATA=$T/arch pm-report complaints --month 2026-10 --format csv |
	    grep -v "^[^,]*,heads," >"$T/a" &&
	grep -v "^[^,]*,heads," "$T/first" | cmp - "$T/a"
'
test_expect_success 'verify checks the index: clean as kept' '
	figures && expect_status 0 pm-complaint verify && out_has "month index checked against the books ("
'
tamper() { # BOOK DAY: point BOOK's index for August at its first row of DAY
	row=$(grep -n "^[0-9]*,$2" "$PM_DATA/$1.csv" | head -1) &&
	n=${row%%:*} && line=${row#*:} && seq=${line%%,*} &&
	off=$(head -n $((n - 1)) "$PM_DATA/$1.csv" | wc -c) &&
	hash=$(echo "$line" | awk -F, "{ print substr(\$NF, 1, 16) }") &&
	printf "%s\t%s\t%s\t%s\t%s\n" 24319 "$seq" "$off" "$n" "$hash" >"$PM_DATA/$1.idx"
}
test_expect_success 'an index moved past the January complaint is caught by verify (exit 65)' '
	# both books past January and before 28 September, whose steps in
	# October would send a reader back to the start (the October report
	# reads from August)
	tamper complaints 2026-09-11 && tamper complaint_events 2026-09-11 &&
	pm-report complaints --month 2026-10 --format csv >"$T/hidden" &&
	grep -q "^[^,]*,summary,open_carried,1$" "$T/hidden" &&
	expect_status 65 pm-complaint verify &&
	err_has "complaints.idx: the month index of 2026-08 starts at row"
'

# An office whose old matters are all closed: February to September, one
# complaint a month, each closed in its month; October, three, the
# second left open.  By hand, October: registered 3, handled 2, carried
# open 1.
Q=$T/closed
mkdir -p "$Q" && cp "$PM_DATA/pm.conf" "$Q/" && echo "supervisors = 张主管" >>"$Q/pm.conf"
test_expect_success 'all closed before August: the index entries start at August' '
	(PM_DATA=$Q && export PM_DATA &&
	for m in 02 03 04 05 06 07 08 09; do
		at "2026-$m-10 09:00"
		c=$(pm-complaint add --unit $U --name 业主 --text 第$m月 --category GC) &&
		life "$c" "2026-$m-10" || exit 1
		echo "$c" >>"$T/q.codes"
	done &&
	# the supervisor'"'"'s daily check: a head of the books, kept
	at "2026-10-10 08:00" && pm-complaint check --by 张主管 --date 2026-10-09 >/dev/null &&
	at "2026-10-10 09:00" &&
	c=$(pm-complaint add --unit $U --name 业主 --text 十月一 --category GC) &&
	life "$c" 2026-10-10 && at "2026-10-12 09:00" &&
	pm-complaint add --unit $U --name 业主 --text 十月二 --category GC >"$T/q.open" &&
	at "2026-10-14 09:00" &&
	c=$(pm-complaint add --unit $U --name 业主 --text 十月三 --category GC) &&
	life "$c" 2026-10-14 && echo "$c" >"$T/q.late" &&
	at "2026-11-22 09:00" &&
	pm-report complaints --month 2026-10 --format csv >"$T/q1" &&
	# and the desk as every day: the months'"'"' lists, the open matters
	pm-complaint list --month 2026-10 >/dev/null &&
	pm-complaint list --month 2026-09 >/dev/null &&
	pm-complaint list --open >/dev/null) &&
	grep -q "^[^,]*,summary,total,3$" "$T/q1" &&
	grep -q "^[^,]*,summary,handled,2$" "$T/q1" &&
	grep -q "^[^,]*,summary,open_carried,1$" "$T/q1" &&
	# the report read from August, the lists from September, October
	# and November (the open matters): four months kept
	test "$(cut -f1 "$Q/complaints.idx" | tr "\n" " ")" = "24319 24320 24321 24322 "
'
test_expect_success 'the report again reads from the index only: rows before August damaged, the same figures' '
	# row 2 of each book (February) given a field too many: a read from
	# the start stops there, a read through the index never meets it
	sed -i "2s/,/,,/" "$Q/complaints.csv" "$Q/complaint_events.csv" &&
	PM_DATA=$Q expect_status 0 pm-report complaints --month 2026-10 --format csv &&
	cmp "$T/q1" "$T/out" &&
	PM_DATA=$Q expect_status 65 pm-complaint verify
'
test_expect_success 'a matter registered since the index: shown from it (and vouched from the check), one older from the start' '
	PM_DATA=$Q expect_status 0 pm-complaint show "$(cat "$T/q.open")" &&
	out_has "十月二" &&
	# closed, registered after the open one where the index starts; the
	# damaged row given its code (as long as its own), so that a read
	# from the start splits it
	late=$(cat "$T/q.late") && sed -i "2s/$(head -1 "$T/q.codes")/$late/" "$Q/complaints.csv" &&
	PM_DATA=$Q expect_status 0 pm-complaint show "$late" && out_has "十月三" &&
	PM_DATA=$Q expect_status 65 pm-complaint show "$(head -1 "$T/q.codes")" &&
	err_has "line 2: expected"
'
