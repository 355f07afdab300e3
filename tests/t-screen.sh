#!/bin/sh
# A screen that fits (SPEC 6): tables fit the terminal with Chinese
# counted double, free text cut with "…", codes, units and dates never;
# --wide and a pipe uncut; one record wrapped; --help within 80 columns;
# in a zh_CN locale the titles and words a person reads are Chinese.
. "$(dirname "$0")/lib.sh"

cat >"$PM_DATA/pm.conf" <<'CONF'
office = XDZA
manager = 刘经理
supervisors = 张主管
CONF
U=0010102030
W=$TOP/tests/width
export PM_NOW="2026-11-02 09:00"
long=$(i=0; while [ $i -lt 75 ]; do printf '楼上漏水'; i=$((i + 1)); done)	# 300 characters
# run "$@" on a terminal COLUMNS wide (a pty of script(1)); output in $T/tty
tty() {
	cols=$1; shift
	COLUMNS=$cols script -qec "$*" /dev/null </dev/null | tr -d '\r' >"$T/tty"
}
if ! command -v script >/dev/null; then
	echo "not ok - script(1) from util-linux is needed for a terminal"
	exit 1
fi

test_expect_success 'a desk with long Chinese texts in every book' '
	pm-complaint add --unit $U --name 陈大文 --text "$long" --importance B \
	    --category GC >/dev/null &&
	pm-complaint add --unit $U --name 林小红 --text 咨询物业费 --kind request >/dev/null &&
	pm-duty log --kind incident --text "$long" >/dev/null &&
	pm-key receive --unit $U --count 3 --from 李工 --note "$long" >/dev/null &&
	pm-key lend --unit $U --count 1 --to 王师傅 --dept 工程部 --work-id G01 >/dev/null &&
	pm-owner add --unit $U --name 陈大文 --member "林小红:妻子" >/dev/null &&
	pm-visit service --type repair --ref WX-1 --unit $U --done "2026-11-01 09:00" >/dev/null &&
	pm-desk visitor in --name 李四 --org 幸福家园物业服务有限公司第一分公司维修部 --visiting 陈大文 >/dev/null &&
	pm-desk parcel in --to 陈大文 --unit $U --carrier 顺丰速运 --tracking SF0123456789 --urgent >/dev/null &&
	pm-desk call --from 业主陈 --number 13812345678 --text "$long" --to 工程部 >/dev/null &&
	pm-desk release --unit $U --items "$long" --carrier 搬家公司 --confirmed-by 陈大文 >/dev/null &&
	printf "unit,fee,amount,since\n$U,管理费,300,2026-09\n$U,water,20,2026-10\n" >"$T/fees.csv" &&
	pm-fee import "$T/fees.csv" >/dev/null &&
	pm-reno apply --unit $U --applicant 陈大文 --contractor 幸福家园装饰工程有限公司第三施工队 \
	    --from 2026-11-10 --until 2026-12-31 --works "$long" --work floor >/dev/null
'
LISTINGS="pm-complaint list|pm-complaint list --open|pm-complaint overdue|pm-complaint show XDZA-B-GC-000001|pm-duty show|pm-duty pending|pm-key show --unit $U|pm-key overdue --days 0|pm-key inventory|pm-owner list|pm-visit due|pm-visit list|pm-visit rates --month 2026-11|pm-report due|pm-desk visitor list|pm-desk parcel list|pm-desk call list|pm-desk release list|pm-fee due|pm-fee list|pm-reno due|pm-reno list|pm-reno show R000001"
for cols in 80 120; do
	test_expect_success "every listing fits a $cols-column terminal" "
		at='2026-11-12 10:00' &&
		echo '$LISTINGS' | tr '|' '\\n' | while read -r cmd; do
			PM_NOW=\$at tty $cols \"\$cmd\" &&
			w=\$($W <'$T/tty') &&
			test \"\$w\" -le $cols || { echo \"\$cmd: \$w columns\"; cat '$T/tty'; exit 1; }
		done
	"
done
test_expect_success 'cut text ends in …; the code, unit and date stay whole' '
	tty 80 pm-complaint list &&
	grep -q "^XDZA-B-GC-000001  $U  open  *2026-11-02 09:00:00  楼上漏水.*…$" "$T/tty" &&
	grep -q "^XDZA-R-000001  " "$T/tty"
'
test_expect_success 'one record that does not fit is wrapped, all of it kept' '
	tty 80 pm-complaint show XDZA-B-GC-000001 &&
	test "$($W <"$T/tty")" -le 80 &&
	sed -n "/^text /,/^\$/p" "$T/tty" | sed "s/^text //; s/^ *//" | tr -d "\n" >"$T/text" &&
	test "$(cat "$T/text")" = "$long"
'
test_expect_success '--wide on a terminal, and any pipe, are never cut' '
	tty 80 pm-complaint --wide list && grep -q "$long" "$T/tty" &&
	test "$($W <"$T/tty")" -gt 300 &&
	COLUMNS=80 pm-complaint list | grep -q "$long" &&
	COLUMNS=80 pm-duty show | grep -q "$long"
'
test_expect_success 'every --help fits 80 columns' '
	for c in $(cd "$TOP/bin" && ls pm-*.c | sed "s/\.c$//"); do
		w=$($c --help | $W) && test "$w" -le 80 || { echo "$c --help: $w"; exit 1; }
	done
'

# ---- Chinese first ---------------------------------------------------------------
TEXTDOMAINDIR=$TOP/po/locale
export TEXTDOMAINDIR
mkdir -p "$T/locale"
if ! localedef -i zh_CN -f UTF-8 "$T/locale/zh_CN.UTF-8" >/dev/null 2>&1; then
	echo "not ok - zh_CN: localedef cannot make zh_CN.UTF-8 (apt-get install locales)"
	exit 1
fi
zh() { LOCPATH=$T/locale LC_ALL=zh_CN.UTF-8 "$@"; }
test_expect_success 'zh_CN: every --help fits 80 columns too' '
	for c in $(cd "$TOP/bin" && ls pm-*.c | sed "s/\.c$//"); do
		w=$(zh $c --help | $W) && test "$w" -le 80 || { echo "$c --help: $w"; exit 1; }
	done
'
test_expect_success 'zh_CN: no title, status, kind or role in a table is ASCII' '
	at="2026-11-12 10:00" &&
	echo "$LISTINGS" | tr "|" "\n" | while read -r cmd; do
		PM_NOW=$at zh $cmd --wide >"$T/out" || exit 1
		head -1 "$T/out" | grep -q "[a-z]" && { echo "$cmd: $(head -1 "$T/out")"; exit 1; }
		! grep -Eq "(^| )(open|handled|closed|due|overdue|complaint|request|manager|supervisor|incident|repair|clerk|receive|lend|forward|handle|register|step|deadline|status|management|water|contact|notice)( |$)" "$T/out" ||
			{ echo "$cmd:"; cat "$T/out"; exit 1; }
	done
'
test_expect_success 'zh_CN: a B complaint'"'"'s visit, by the supervisor with the clerk: Chinese, 80 columns' '
	V=$T/visits && mkdir -p "$V" && cp "$PM_DATA/pm.conf" "$V/" &&
	for i in 1 2; do	# two: a table, not one record
		c=$(PM_DATA=$V pm-complaint add --unit $U --name 陈大文 --text 漏水 \
		    --importance B --category GC) &&
		PM_DATA=$V pm-complaint resolve "$c" --result 已修 >/dev/null || exit 1
	done &&
	for cmd in "pm-visit list" "pm-visit due"; do
		(export PM_DATA=$V LOCPATH=$T/locale LC_ALL=zh_CN.UTF-8 &&
		    tty 80 "$cmd") &&
		grep -q "^$c  *投诉  *$U  .*  主管+客服  *待办" "$T/tty" &&
		test "$($W <"$T/tty")" -le 80 || { echo "$cmd:"; cat "$T/tty"; exit 1; }
	done
'
test_expect_success 'zh_CN: the words are the desk'"'"'s: 处理中, 投诉, 主管, 转交' '
	PM_NOW="2026-11-12 10:00" zh pm-complaint overdue >"$T/out" &&
	head -1 "$T/out" | grep -q "^编号  *期限  *到期时间  *上报对象" &&
	grep -q "转交  *2026-11-02 10:00:00  主管" "$T/out" &&
	zh pm-complaint list >"$T/out" && grep -q "投诉  *$U  *B  *GC  *处理中" "$T/out" &&
	PM_NOW="2026-11-12 10:00" zh pm-visit rates --month 2026-11 >"$T/out" &&
	grep -q "^维修  *1  *0  *0.0%  *95.0%  *否" "$T/out" && ! grep -q null "$T/out"
'
test_expect_success 'zh_CN: csv and json keep the contract'"'"'s names and values' '
	zh pm-complaint list --format csv >"$T/out" &&
	head -1 "$T/out" | grep -q "^code,kind,unit,importance,category,status,registered_at," &&
	grep -q ",complaint,$U,B,GC,open," "$T/out" &&
	zh pm-visit rates --month 2026-11 --format json | grep -q "\"type\":\"repair\",\"due\":1"
'

# ---- paper that fits ---------------------------------------------------------------
test_expect_success 'the complaint form with a 300-character 事由 fits 80 columns, all of it there' '
	for loc in C.UTF-8 zh_CN.UTF-8; do
		PM_NOW="2026-11-12 10:00" LOCPATH=$T/locale LC_ALL=$loc \
		    pm-complaint form XDZA-B-GC-000001 >"$T/out" &&
		test "$($W <"$T/out")" -le 80 || { echo "$loc: $($W <"$T/out")"; exit 1; }
	done &&
	sed -n "/^事由/,/^──/p" "$T/out" | sed "\$d; s/^事由//; s/^ *//" | tr -d "\n" >"$T/text" &&
	test "$(cat "$T/text")" = "$long" &&
	grep -q "^  转交  *2026-11-02 10:00:00  逾期  *上报主管$" "$T/out"
'
test_expect_success 'the 借匙催还单 fits 80 columns with long names, the names kept whole below' '
	pm-key lend --unit $U --count 1 --to 欧阳长长长长长长长名字 --dept 工程部 \
	    --work-id GONGCHENG-000123456 >/dev/null &&
	PM_NOW="2026-12-20 09:00" pm-key overdue --slip >"$T/out" &&
	test "$($W <"$T/out")" -le 80 &&
	grep -q "借用人 欧阳长长长长长长长名字, 工作证号 GONGCHENG-000123456" "$T/out" &&
	grep -q "^客服中心签发: __*  借用部门签收: __*  签收日期: __*$" "$T/out"
'
test_expect_success 'the quarterly analysis fits 80 columns however many repeats' '
	mkdir -p "$T/q" && cp "$PM_DATA/pm.conf" "$T/q/" &&
	i=1; while [ $i -le 14 ]; do
		PM_DATA=$T/q PM_NOW="2026-08-0$((i % 9 + 1)) 12:00" pm-complaint add --unit $U \
		    --name 陈大文 --text "漏水$i" --importance C --category GC >/dev/null || exit 1
		i=$((i + 1))
	done &&
	PM_DATA=$T/q PM_NOW="2026-10-02 09:00" pm-visit analysis --quarter 2026Q3 >"$T/out" &&
	grep -q "^二、" "$T/out" && grep -q "XDZA-C-GC-000014" "$T/out" &&
	test "$($W <"$T/out")" -le 80
'

# ---- a spreadsheet is not for the terminal ---------------------------------------------
test_expect_success '--format xlsx to a terminal without --out is refused, exit 64' '
	tty 80 "pm-complaint list --format xlsx; echo rc=\$?" &&
	grep -q "^pm-complaint: --format xlsx: a spreadsheet is not for the terminal; give --out FILE (or a pipe)$" "$T/tty" &&
	grep -q "^rc=64$" "$T/tty" && ! grep -q PK "$T/tty"
'
test_expect_success 'to a pipe it is the spreadsheet itself; an unwritable --out is exit 73' '
	test "$(pm-complaint list --format xlsx | head -c 2)" = PK &&
	expect_status 73 pm-complaint list --format xlsx --out /nonexistent/dir/l.xlsx &&
	err_has "^pm-complaint: --out: cannot create /nonexistent/dir/l.xlsx: " &&
	expect_status 73 pm-report complaints --month 2026-11 --format xlsx --out /nonexistent/x.xlsx
'
test_expect_success 'a refused command leaves no --out file behind' '
	expect_status 65 pm-report complaints --month 2026-13 --format xlsx --out "$T/bad.xlsx" &&
	test ! -e "$T/bad.xlsx" &&
	expect_status 65 pm-report complaints --month 2026-13 --out "$T/bad.txt" &&
	test ! -e "$T/bad.txt" &&
	expect_status 64 pm-report run --format xlsx && test ! -d "$PM_DATA/reports"
'
test_expect_success 'what --out named before is never removed: a file of the user'"'"'s, a device' '
	echo mine >"$T/mine.txt" &&
	expect_status 65 pm-report complaints --month 2026-13 --out "$T/mine.txt" &&
	test -f "$T/mine.txt" &&
	expect_status 65 pm-report complaints --month 2026-13 --format xlsx --out "$T/mine.txt" &&
	test -f "$T/mine.txt" &&
	if [ "$(id -u)" = 0 ]; then
		# a full device of our own, as /dev/full is (a refusal once removed that one)
		mknod "$T/full" c 1 7 &&
		{ pm-report heads --out "$T/full" 2>/dev/null; test $? = 74; } &&
		test -c "$T/full" &&
		# and written to a full stdout, as GNU tools say it
		{ pm-report heads >"$T/full" 2>"$T/err"; test $? = 74; } &&
		err_has "^pm-report: stdout: write error" &&
		expect_status 65 pm-report complaints --month 2026-13 --out "$T/full" && test -c "$T/full"
	fi
'
