#!/bin/sh
# pm-report archive and purge (SPEC 3): closed matters of past months
# bound into gzip volumes, open ones live, every read unchanged, verify
# clean, atomic under kill -9, safe beside clerks; retention by purge.
. "$(dirname "$0")/lib.sh"

cat >"$PM_DATA/pm.conf" <<'CONF'
office = GD
households = 100
manager = 刘经理
supervisors = 张主管
CONF
export PM_USER=孙丽

# ---- two years of a small desk --------------------------------------------------------
# Each month of 2024: a complaint handled, visited and closed; a unit's
# keys received and handed over; a night's log.  Left open: March's
# complaint, unit 0010100007's keys, an incident of May.
build() {
	for m in 01 02 03 04 05 06 07 08; do
		n=${m#0}
		unit=00101000$(printf %02d "$n")
		export PM_NOW="2024-$m-03 09:00"
		code=$(pm-complaint add --unit "$unit" --name 业主$n --text "第${n}月的事" --importance B --category GC) || return 1
		pm-duty log --kind inquiry --text "第${n}月咨询" >/dev/null || return 1
		pm-key receive --unit "$unit" --count 2 --from 李工 >/dev/null || return 1
		[ "$m" = 05 ] && { pm-duty log --kind incident --text "五月的火警, 未结" >/dev/null || return 1; }
		[ "$m" = 03 ] && continue
		PM_NOW="2024-$m-04 09:00" pm-complaint resolve "$code" --result 已处理 >/dev/null &&
		PM_NOW="2024-$m-05 09:00" pm-complaint notify "$code" --how phone >/dev/null &&
		PM_NOW="2024-$m-06 09:00" pm-visit checkout "$code" --visitor 张主管 >/dev/null &&
		PM_NOW="2024-$m-06 10:00" pm-visit record "$code" --visitor 张主管 --quality 5 --attitude 5 --satisfaction satisfied >/dev/null &&
		PM_NOW="2024-$m-07 09:00" pm-complaint close "$code" >/dev/null || return 1
		[ "$m" = 07 ] && continue
		PM_NOW="2024-$m-08 09:00" pm-key issue --unit "$unit" --count 2 --to 业主$n --id-doc 身份证 >/dev/null || return 1
	done
	export PM_NOW="2026-11-02 09:00"
	pm-complaint add --unit 0010100099 --name 新业主 --text 本月的事 --importance C --category QT >/dev/null
}

# Everything a clerk or the supervisor can read, to compare before and after.
reads() {
	pm-complaint list --format csv &&
	pm-complaint list --open --format csv &&
	pm-complaint list --month 2024-02 --format csv &&
	pm-complaint overdue --format csv &&
	pm-complaint show GD-B-GC-000002 | grep -v '^$' &&
	pm-complaint show GD-B-GC-000003 &&
	pm-key list --format csv &&
	pm-key show --unit 0010100002 &&
	pm-duty show --date 2024-02-03 &&
	pm-duty pending &&
	pm-visit list --format csv &&
	# a report's heads (链头) are of the books as they are: not a figure
	pm-report complaints --month 2024-02 --format csv | grep -v "^[^,]*,heads," &&
	pm-report keys --month 2024-04 --format csv | grep -v "^[^,]*,heads,"
}

export PM_NOW="2026-11-23 09:00"
test_expect_success 'a desk of 2024: complaints, keys, visits and the log' '
	build && PM_NOW="2026-11-23 09:00" reads >"$T/before" &&
	grep -q GD-B-GC-000008 "$T/before"
'
export PM_NOW="2026-11-23 09:00"
cp -a "$PM_DATA" "$T/pristine"

test_expect_success 'archive --dry-run lists the volumes and writes nothing' '
	before=$(find "$PM_DATA" -type f ! -name "*.lock" | sort | xargs cksum) &&
	expect_status 0 pm-report archive --dry-run &&
	out_has "complaints *archive/complaints/2024/complaints-2024-01.csv.gz *1$" &&
	err_has "dry run: 62 rows would move" &&
	test "$(find "$PM_DATA" -type f ! -name "*.lock" | sort | xargs cksum)" = "$before"
'

test_expect_success 'archive --before binds only the months before it' '
	rm -rf "$T/b" && cp -a "$T/pristine" "$T/b" &&
	PM_DATA=$T/b expect_status 0 pm-report archive --before 2024-03 --format csv &&
	out_has "^complaints,archive/complaints/2024/complaints-2024-02.csv.gz,1$" &&
	! out_has "2024-03" && ! out_has "2024-04" &&
	grep -q GD-B-GC-000004 "$T/b/complaints.csv" &&
	! grep -q GD-B-GC-000002 "$T/b/complaints.csv" &&
	PM_DATA=$T/b reads >"$T/b.out" && cmp "$T/before" "$T/b.out"
'

test_expect_success 'archive: closed matters move into gzip volumes with manifests' '
	expect_status 0 pm-report archive &&
	out_has "complaint_events" && out_has "keys" && out_has "duty_log" &&
	test -f "$PM_DATA/archive/complaints/2024/complaints-2024-01.csv.gz" &&
	test -f "$PM_DATA/archive/complaints/2024/complaints-2024-01.manifest" &&
	zcat "$PM_DATA/archive/complaints/2024/complaints-2024-01.csv.gz" | head -1 | grep -q "^seq,at,code," &&
	zcat "$PM_DATA/archive/complaints/2024/complaints-2024-01.csv.gz" | grep -q GD-B-GC-000001 &&
	grep -q "^sha256	[0-9a-f]\{64\}$" "$PM_DATA/archive/complaints/2024/complaints-2024-01.manifest" &&
	grep -q "^book_head	" "$PM_DATA/archive/complaints/2024/complaints-2024-01.manifest" &&
	grep -q "^rows	1$" "$PM_DATA/archive/complaints/2024/complaints-2024-01.manifest"
'

test_expect_success 'archive: open matters stay in the live books' '
	grep -q GD-B-GC-000003 "$PM_DATA/complaints.csv" &&
	grep -q GD-C-QT-000009 "$PM_DATA/complaints.csv" &&
	! grep -q GD-B-GC-000001 "$PM_DATA/complaints.csv" &&
	grep -q 0010100007 "$PM_DATA/keys.csv" &&
	! grep -q 0010100001 "$PM_DATA/keys.csv" &&
	grep -q 五月的火警 "$PM_DATA/duty_log.csv" &&
	! grep -q 第1月咨询 "$PM_DATA/duty_log.csv"
'

test_expect_success 'archive: every read gives what it gave before' '
	reads >"$T/after" && cmp "$T/before" "$T/after"
'

test_expect_success 'archive: verify of every book is clean across volumes' '
	pm-complaint verify && pm-key verify && pm-duty verify &&
	pm-visit verify && pm-owner verify
'

test_expect_success 'archive: the books go on after it (codes, seqs, chain)' '
	code=$(pm-complaint add --unit 0010100098 --name 又一位 --text 又一件 --importance C --category QT) &&
	test "$code" = GD-C-QT-000010 &&
	pm-key receive --unit 0010100098 --count 1 --from 李工 >/dev/null &&
	pm-duty log --kind inquiry --text 归档之后 >/dev/null &&
	pm-complaint verify && pm-key verify && pm-duty verify
'

test_expect_success 'keys: a clerk'"'"'s lend and return read the live book, refusals word the same' '
	lend="pm-key lend --unit 0010100001 --count 1 --to 张工 --dept 工程部 --work-id G1" &&
	PM_DATA=$T/pristine expect_status 65 $lend && cp "$T/err" "$T/err.before" &&
	expect_status 65 $lend && cmp "$T/err.before" "$T/err" &&
	PM_DATA=$T/pristine expect_status 66 pm-key return K000002 --count 1 --received-by 孙丽 &&
	cp "$T/err" "$T/err.before" &&
	expect_status 66 pm-key return K000002 --count 1 --received-by 孙丽 && cmp "$T/err.before" "$T/err" &&
	expect_status 0 pm-key lend --unit 0010100007 --count 1 --to 张工 --dept 工程部 --work-id G1 &&
	loan=$(cat "$T/out") &&
	expect_status 65 pm-key lend --unit 0010100007 --count 2 --to 张工 --dept 工程部 --work-id G1 &&
	err_has "0010100007" &&
	expect_status 0 pm-key return "$loan" --count 1 --received-by 孙丽 &&
	pm-key show --unit 0010100007 | grep -q "in the cabinet: 2" && pm-key verify
'

test_expect_success 'archive twice: nothing more to move, volumes unchanged' '
	sum=$(cksum "$PM_DATA"/archive/*/2024/*.csv.gz) &&
	expect_status 0 pm-report archive --format csv &&
	out_is "ledger,volume,rows" &&
	test "$(cksum "$PM_DATA"/archive/*/2024/*.csv.gz)" = "$sum"
'

test_expect_success 'archive: an edited volume or a removed one is found by verify' '
	v="$PM_DATA/archive/complaints/2024/complaints-2024-02.csv.gz" &&
	cp "$v" "$T/v.keep" &&
	zcat "$T/v.keep" | sed "s/第2月的事/第2月的好事/" | gzip >"$v" &&
	expect_status 65 pm-complaint verify && err_has "complaints-2024-02.csv.gz" &&
	rm "$v" &&
	expect_status 65 pm-complaint verify && err_has "missing" &&
	cp "$T/v.keep" "$v" && pm-complaint verify
'

test_expect_success 'archive: a closed complaint reopened by a failed visit is still overdue-listed' '
	PM_NOW="2026-11-23 10:00" pm-visit review GD-B-GC-000006 --by 张主管 --verdict fail --comment 仍漏水 >/dev/null &&
	PM_NOW="2026-12-30 10:00" pm-complaint overdue --format csv >"$T/od" &&
	grep -q GD-B-GC-000006 "$T/od"
'

test_expect_success 'archive refuses a damaged book: exit 65, nothing moved' '
	rm -rf "$T/x" && cp -a "$T/pristine" "$T/x" &&
	sed -i "s/第2月咨询/第2月咨询(改)/" "$T/x/duty_log.csv" &&
	sum=$(book_sum "$T/x/duty_log.csv") &&
	PM_DATA=$T/x expect_status 65 pm-report archive &&
	err_has "duty_log.csv line 3: row 2 does not match the hash chain" && err_has "nothing of this book was archived" &&
	test "$(book_sum "$T/x/duty_log.csv")" = "$sum" && test ! -d "$T/x/archive/duty_log"
'

test_expect_success 'archive: bad --before is refused, nothing written' '
	expect_status 65 pm-report archive --before 2026-13 && err_has "before" &&
	expect_status 65 pm-report archive --before 2027-01 && err_has "after this month" &&
	expect_status 64 pm-report archive --confirm && err_has "does not apply"
'

# ---- kill -9 at every point of an archive ------------------------------------------------
for point in archive-before-commit archive-mid-rename; do
test_expect_success "archive killed at $point: the old state or the new, reads unchanged" "
	rm -rf \"\$T/k\" && cp -a \"\$T/pristine\" \"\$T/k\" &&
	PM_DATA=\$T/k PM_TEST_CRASH=$point pm-report archive >/dev/null 2>&1; test \$? = 137 &&
	PM_DATA=\$T/k reads >\"\$T/k.out\" && cmp \"\$T/before\" \"\$T/k.out\" &&
	PM_DATA=\$T/k pm-complaint verify >/dev/null && PM_DATA=\$T/k pm-key verify >/dev/null &&
	PM_DATA=\$T/k pm-duty verify >/dev/null &&
	PM_DATA=\$T/k pm-report archive >/dev/null &&
	PM_DATA=\$T/k reads >\"\$T/k.out\" && cmp \"\$T/before\" \"\$T/k.out\" &&
	PM_DATA=\$T/k pm-complaint verify >/dev/null && PM_DATA=\$T/k pm-visit verify >/dev/null &&
	test -z \"\$(find \"\$T/k\" -name \"*.new\" -o -name \"*.part\" -o -name journal)\"
"
done

test_expect_success 'archive killed at random moments: always old or new, never lost' '
	i=0
	while [ $i -lt 25 ]; do
		rm -rf "$T/r" && cp -a "$T/pristine" "$T/r" &&
		(PM_DATA=$T/r pm-report archive >/dev/null 2>&1 & pid=$!;
		 sleep 0.0$((i * 4 % 100 / 10))$((i % 10)); kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null); 
		PM_DATA=$T/r reads >"$T/r.out" 2>"$T/r.err" && cmp -s "$T/before" "$T/r.out" || { echo "run $i: reads differ"; cat "$T/r.err"; exit 1; }
		PM_DATA=$T/r pm-complaint verify >/dev/null && PM_DATA=$T/r pm-duty verify >/dev/null &&
		PM_DATA=$T/r pm-key verify >/dev/null || { echo "run $i: verify"; exit 1; }
		i=$((i + 1))
	done
'

test_expect_success 'archive beside eight clerks: every row they were told of is there' '
	rm -rf "$T/c" && cp -a "$T/pristine" "$T/c" && : >"$T/c.ids" &&
	for k in 1 2 3 4 5 6 7 8; do
		(for j in 1 2 3 4 5; do
			PM_DATA=$T/c pm-duty log --kind inquiry --text "并发$k-$j" 2>/dev/null >>"$T/c.ids"
		done) &
	done
	PM_DATA=$T/c pm-report archive >/dev/null; wait
	PM_DATA=$T/c pm-duty verify >/dev/null &&
	test "$(wc -l <"$T/c.ids")" -ge 30 &&
	for id in $(cat "$T/c.ids"); do
		PM_DATA=$T/c pm-duty show --date 2026-11-23 | grep -q "$id" || { echo "$id lost"; exit 1; }
	done
'

# ---- retention --------------------------------------------------------------------------
export PM_NOW="2027-03-01 09:00"
test_expect_success 'purge needs --expired; lists, removes nothing without --confirm' '
	expect_status 64 pm-report purge && err_has "expired" &&
	before=$(find "$PM_DATA/archive" -type f | sort | xargs cksum) &&
	expect_status 0 pm-report purge --expired --format csv &&
	out_has "^keys,archive/keys/2024/keys-2024-01.csv.gz,2024-01,2026-02-01,expired" &&
	out_has "^visits,archive/visits/2024/" &&
	out_has "^duty_log,archive/duty_log/2024/duty_log-2024-02.csv.gz,2024-02,2027-03-01,expired" &&
	! out_has "duty_log-2024-03" && ! out_has "complaint" &&
	err_has "nothing removed" &&
	test "$(find "$PM_DATA/archive" -type f | sort | xargs cksum)" = "$before"
'

test_expect_success 'purge --confirm removes expired volumes, records them, verify stays clean' '
	expect_status 0 pm-report purge --expired --confirm --format csv &&
	out_has ",removed$" &&
	test ! -f "$PM_DATA/archive/keys/2024/keys-2024-01.csv.gz" &&
	test -f "$PM_DATA/archive/keys/2024/keys-2024-01.manifest" &&
	grep -q "keys-2024-01.csv.gz" "$PM_DATA/purges.csv" &&
	pm-key verify && pm-visit verify && pm-complaint verify &&
	pm-key show --unit 0010100007 | grep -q "in the cabinet: 2"
'

test_expect_success 'purge never touches complaints, requests or the owner archive' '
	export PM_NOW="2040-01-01 09:00" &&
	pm-report purge --expired --confirm --format csv >"$T/p" &&
	grep -q "^duty_log," "$T/p" &&
	! grep -q "^complaint\|^requests\|^owner" "$T/p" &&
	test -f "$PM_DATA/archive/complaints/2024/complaints-2024-01.csv.gz" &&
	test -f "$PM_DATA/archive/complaint_events/2024/complaint_events-2024-01.csv.gz" &&
	pm-complaint verify && pm-duty verify &&
	pm-complaint show GD-B-GC-000001 | grep -q 第1月的事
'

# ---- the desk's holder, read from recent months -----------------------------------------------
# A handover reads the log from last month on; an older handover may be
# live only for its open pending matter, and must not pass for the last.
export PM_DATA=$T/h PM_NOW="2024-02-01 09:00"
mkdir -p "$PM_DATA" && printf 'office = GD\n' >"$PM_DATA/pm.conf"
test_expect_success 'the last handover is found though it lies in an archived month' '
	pm-duty handover --from 甲 --to 乙 --items 对讲机=2 --pending 二月的待办 >/dev/null &&
	prev=乙 && for m in 03 04 05 06 07 08; do
		PM_NOW="2024-$m-01 09:00" pm-duty handover --from $prev --to 员$m --items 对讲机=2 \
		    >/dev/null || exit 1
		prev=员$m
	done &&
	export PM_NOW="2026-11-23 09:00" &&
	expect_status 65 pm-duty handover --from 乙 --to 甲 --items 对讲机=2 &&
	err_has "乙 does not hold the desk: 员08 took it over at L000007" &&
	expect_status 0 pm-report archive && grep -q 二月的待办 "$PM_DATA/duty_log.csv" &&
	! grep -q 员08 "$PM_DATA/duty_log.csv" &&
	expect_status 65 pm-duty handover --from 乙 --to 甲 --items 对讲机=2 &&
	err_has "乙 does not hold the desk: 员08 took it over at L000007" &&
	expect_status 0 pm-duty handover --from 员08 --to 甲 --items 对讲机=2 &&
	expect_status 65 pm-duty handover --from 员08 --to 乙 --items 对讲机=2 &&
	err_has "员08 does not hold the desk: 甲 took it over at L000008" &&
	pm-duty pending | grep -q 二月的待办 && pm-duty verify >/dev/null
'
test_expect_success 'a day of an archived month shows its entries and later corrections' '
	PM_NOW="2024-05-01 10:00" pm-duty log --text 五月一日的记录 >/dev/null &&
	PM_NOW="2024-06-02 10:00" pm-duty log --text 更正 --corrects L000009 --at "2024-06-02 10:00" >/dev/null &&
	pm-duty show --date 2024-05-01 >"$T/day.before" &&
	grep -q "corrected by L000010" "$T/day.before" &&
	PM_NOW="2026-12-01 09:00" pm-report archive --before 2026-12 >/dev/null &&
	! grep -q 五月一日的记录 "$PM_DATA/duty_log.csv" &&
	pm-duty show --date 2024-05-01 >"$T/day.after" && cmp "$T/day.before" "$T/day.after"
'

# ---- a full disk at the second book --------------------------------------------------
export PM_DATA=$T/full PM_NOW="2026-08-03 10:00"
mkdir -p "$PM_DATA" && printf 'office = GD\n' >"$PM_DATA/pm.conf"
test_expect_success 'a full disk at the keys: the duty log archived and named, keys as they were' '
	pm-duty log --text 八月的事 >/dev/null && pm-duty log --text 八月的又一事 >/dev/null &&
	{ echo "event,unit,count,from,to,id_doc,at"; i=100; while [ $i -lt 400 ]; do
		echo "receive,0010102$i,1,李工,,,2026-08-02 09:00"
		echo "issue,0010102$i,1,,业主$i,身份证,2026-08-02 10:00"; i=$((i + 1)); done
	} >"$T/keys.csv" && pm-key import "$T/keys.csv" >/dev/null &&
	keys=$(book_sum "$PM_DATA/keys.csv") &&
	# the duty log (2 rows) fits in 40 KiB, the keys book (600 rows) does not
	test "$(stat -c %s "$PM_DATA/keys.csv")" -gt 81920 &&
	PM_NOW="2026-11-03 10:00" bash -c "ulimit -f 40; exec pm-report archive" >"$T/out" 2>"$T/err";
	test $? = 74 && err_has "keys-2026-08.part; nothing of this book was archived" &&
	err_has "archived before this failure, whole and verified: duty_log (volumes: 1, rows: 2); every other book is as it was" &&
	test "$(wc -l <"$T/err")" = 2 &&
	test -f "$PM_DATA/archive/duty_log/2026/duty_log-2026-08.csv.gz" &&
	test "$(book_sum "$PM_DATA/keys.csv")" = "$keys" &&
	test -z "$(find "$PM_DATA" -name "*.part" -o -name "*.arch" -o -name "*.new" -o -name "*.tmp*")" &&
	test ! -e "$PM_DATA/archive/keys/journal" &&
	PM_NOW="2026-11-03 10:00" expect_status 0 pm-report verify &&
	PM_NOW="2026-11-03 10:00" expect_status 0 pm-report archive --format csv &&
	out_is "ledger,volume,rows
keys,archive/keys/2026/keys-2026-08.csv.gz,600"
'

# A matter closed long ago and never archived, reopened now: the archive
# reads the history letting the closed go (only the month each closed is
# kept), and a step long after one names it open again.
R=$T/reopened
mkdir -p "$R" && cp "$PM_DATA/pm.conf" "$R/"
test_expect_success 'archive: a matter reopened half a year after it closed stays live, all of it' '
	(PM_DATA=$R && export PM_DATA &&
	export PM_NOW="2025-01-03 09:00" &&
	c=$(pm-complaint add --unit 0010100001 --name 业主 --text 屋顶漏水 --importance B --category GC) &&
	PM_NOW="2025-01-04 09:00" pm-complaint resolve "$c" --result 已处理 >/dev/null &&
	PM_NOW="2025-01-05 09:00" pm-complaint notify "$c" --how phone >/dev/null &&
	PM_NOW="2025-01-06 09:00" pm-visit checkout "$c" --visitor 张主管 >/dev/null &&
	PM_NOW="2025-01-06 10:00" pm-visit record "$c" --visitor 张主管 --quality 5 --attitude 5 --satisfaction satisfied >/dev/null &&
	PM_NOW="2025-01-07 09:00" pm-complaint close "$c" >/dev/null &&
	# a backlog of 4,200 of March, imported in May: a reader lets the
	# long closed go every 4,096 rows, and C is long closed by then
	awk "BEGIN { print \"kind,unit,name,text,importance,category,registered_at\"
		for (i = 1; i <= 4200; i++)
			printf \"complaint,0010100002,业主,积压第%d件,C,QT,2025-03-%02d 09:00\\n\", i, 1 + i % 28 }" >"$T/backlog.csv" &&
	PM_NOW="2025-05-01 09:00" pm-complaint import "$T/backlog.csv" >/dev/null &&
	PM_NOW="2025-06-10 09:00" pm-visit review "$c" --by 张主管 --verdict fail --comment 又漏了 >/dev/null &&
	# the whole list keeps the long closed as rows; one stepped on after
	# that is read again in full: open, once
	PM_NOW="2025-06-11 09:00" pm-complaint list --format csv >"$T/ro.list" &&
	test "$(grep -c "^$c,complaint,0010100001,B,GC,open," "$T/ro.list")" = 1 &&
	test "$(wc -l <"$T/ro.list")" = 4202 &&
	PM_NOW="2025-06-11 09:00" pm-report archive >/dev/null &&
	grep -q ",$c," "$R/complaints.csv" &&
	PM_NOW="2025-06-11 09:00" pm-complaint list --open --format csv >"$T/ro.open" &&
	grep -q "^$c," "$T/ro.open" &&
	# the month it first closed is not where it went: nothing of it bound
	! zcat "$R"/archive/complaint*/2025/*.gz 2>/dev/null | grep -q ",$c,")
'

# The volumes of a year before the reader's months are not even listed;
# January's report still reads December's from the year before.
test_expect_success 'archive: January'"'"'s report has December'"'"'s figures from the year before' '
	Y=$T/years && mkdir -p "$Y" &&
	# 14 months of 10 complaints each, 2025-09 to 2026-10, all archived
	PM_NOW="2026-11-22 09:00" "$TOP/tests/histgen" "$Y" PM 14 10 0 &&
	PM_NOW="2026-11-22 09:00" PM_DATA=$Y pm-report archive >/dev/null &&
	test -s "$Y/archive/complaints/2025/complaints-2025-12.csv.gz" &&
	PM_NOW="2026-11-22 09:00" PM_DATA=$Y pm-report complaints --month 2026-01 --format csv >"$T/jan" &&
	grep -q "^PM,summary,total,10$" "$T/jan" &&
	grep -q "^PM,summary,previous.month,2025-12$" "$T/jan" &&
	grep -q "^PM,summary,previous.total,10$" "$T/jan"
'
