#!/bin/sh
# t-memory.sh - memory is a behaviour: ten years of books, never archived,
# and every everyday and report command stays within 32 MiB (SPEC 6), with
# the same answers as on the same books archived.
. "$(dirname "$0")/lib.sh"

# Peak memory from wait4(2) (tests/maxrss).  Under AddressSanitizer the
# shadow memory and the quarantine are ASan's, not ours: a larger bound.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4
export ASAN_OPTIONS
BOUND=32768
if nm "$TOP/bin/pm-complaint" 2>/dev/null | grep -q __asan_init; then
	BOUND=98304
fi
peak() { sed -n 's/^maxrss //p' "$T/err"; }

# 120 months of 600 complaints, each registered, handled, told and
# closed in its month; 200 left open this month.  300 handovers a month,
# 100 units' keys a month.
export PM_NOW="2026-11-22 09:00"
test -x "$TOP/tests/histgen" || echo "not ok - tests/histgen is built (make check builds it)"
Y=$T/y10 D=$T/d10 K=$T/k10 V=$T/v10
mkdir -p "$Y" "$D" "$K" "$V"
"$TOP/tests/histgen" "$Y" PM 120 600 200
# the same, each complaint visited: signed out, recorded, passed
"$TOP/tests/histgen" --visits "$V" PM 120 600 200
"$TOP/tests/histgen" --duty "$D" 120 300
"$TOP/tests/histgen" --keys "$K" 120 100

small() { # DIR CMD...: run under maxrss; fail when over the bound
	_dir=$1; shift
	PM_DATA=$_dir "$TOP/tests/maxrss" "$@" >"$T/out" 2>"$T/err" || {
		echo "exit $? from: $*"; cat "$T/err"; return 1; }
	_kb=$(peak)
	echo "$_kb KiB: $*" >>"$T/peaks"
	test "$_kb" -le "$BOUND" || { echo "$_kb KiB > $BOUND KiB: $*"; return 1; }
}

test_expect_success 'ten years unarchived: the complaint commands stay within the bound' '
	small "$Y" pm-complaint list --month 2026-10 --format csv &&
	test "$(grep -c "^PM-" "$T/out")" = 600 &&
	small "$Y" pm-complaint list --open --format csv &&
	test "$(grep -c "^PM-" "$T/out")" = 200 &&
	small "$Y" pm-complaint overdue --format csv &&
	# one unit'"'"'s whole history: a complaint of its place in every one
	# of the 120 months, closed, and one of this month, open
	small "$Y" pm-complaint list --unit 0010100003 --format csv &&
	test "$(grep -c "^PM-.*,0010100003,.*,closed," "$T/out")" = 120 &&
	test "$(grep -c "^PM-.*,0010100003,.*,open," "$T/out")" = 1 &&
	test "$(grep -c "^PM-" "$T/out")" = 121 &&
	# the whole history listed, 120 x 600 + 200, as a table and a sheet:
	# the long closed kept as their rows, the table'"'"'s rows in a file
	small "$Y" pm-complaint list &&
	test "$(grep -c "^PM-" "$T/out")" = 72200 &&
	small "$Y" pm-complaint list --format xlsx --out "$T/all.xlsx" &&
	test -s "$T/all.xlsx" && rm "$T/all.xlsx" &&
	small "$Y" pm-complaint show PM-A-KF-000001 &&
	small "$Y" pm-complaint form PM-A-KF-000001
'
test_expect_success 'ten years unarchived: the month report and the visits stay within the bound' '
	small "$Y" pm-report complaints --month 2026-10 --format csv &&
	grep -q "^[^,]*,summary,total,600$" "$T/out" &&
	grep -q "^[^,]*,summary,handled,600$" "$T/out" &&
	small "$Y" pm-visit due --format csv &&
	small "$Y" pm-visit rates --month 2026-10 &&
	# one ref'"'"'s sheets: its complaint and its rows, not the history
	small "$Y" pm-visit show PM-A-KF-000001 --format csv &&
	test "$(grep -c "^PM-A-KF-000001," "$T/out")" = 1 &&
	small "$Y" pm-visit analysis --quarter 2026Q3
'
test_expect_success 'ten years unarchived: every sheet of the history listed within the bound' '
	small "$Y" pm-visit list --format csv &&
	test "$(grep -c "^PM-" "$T/out")" = 72000 &&
	test "$(grep -c "^PM-.*,complaint,.*,overdue," "$T/out")" = 72000 &&
	# 216,000 rows of the visits book kept for their items, not the items
	small "$V" pm-visit list --format csv &&
	test "$(grep -c "^PM-" "$T/out")" = 72000 &&
	test "$(grep -c "^PM-.*,visited,.*,张主管,张主管,4,5,satisfied,yes,pass,$" "$T/out")" = 72000
'
test_expect_success 'ten years unarchived: the duty log and the keys stay within the bound' '
	small "$D" pm-duty show --date 2026-10-15 --format csv &&
	small "$D" pm-duty handover --from 乙 --to 甲 --items 对讲机=2 --refuse --reason 未到岗 &&
	small "$D" pm-report duty --date 2026-10-15 &&
	small "$K" pm-key list --format csv &&
	small "$K" pm-report keys --month 2026-10 --format csv
'
test_expect_success 'the first archive of ten years stays within the bound; the same answers after it' '
	# the history read letting the closed go: only the month each closed
	cp -r "$Y" "$T/arch" && small "$T/arch" pm-report archive &&
	test "$(grep -c "complaints-20" "$T/out")" = 120 &&
	for c in "pm-complaint list --month 2026-10 --format csv" \
	    "pm-complaint list --open --format csv" \
	    "pm-complaint overdue --format csv" \
	    "pm-complaint list --unit 0010100003 --format csv" \
	    "pm-complaint list --format csv" \
	    "pm-report complaints --month 2026-10 --format csv" \
	    "pm-visit due --format csv" "pm-visit rates --month 2026-10"; do
		# the heads (链头) are of the books as they are: not an answer
		PM_DATA=$Y $c | grep -v "^[^,]*,heads," >"$T/a" &&
		PM_DATA=$T/arch $c | grep -v "^[^,]*,heads," >"$T/b" &&
		cmp "$T/a" "$T/b" || { echo "differs: $c"; diff "$T/a" "$T/b" | head; exit 1; }
	done
'
sed 's/^/# /' "$T/peaks" 2>/dev/null
rm -rf "$Y" "$D" "$K" "$T/arch"
