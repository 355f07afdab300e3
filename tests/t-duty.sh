#!/bin/sh
# pm-duty as the clerks and the supervisor type it (SPEC 2.3, SPEC 4).
. "$(dirname "$0")/lib.sh"

cat >"$PM_DATA/pm.conf" <<'CONF'
office = XDZA
supervisors = 张主管
manager = 刘经理
duty_hours = 17:30-08:30
holidays = 2026-12-25
lock_timeout = 1
CONF
LOG=$PM_DATA/duty_log.csv
export PM_NOW="2026-11-21 18:05"

# ---- the command line ---------------------------------------------------
test_expect_success 'help lists the commands, kinds and exit statuses' '
	expect_status 0 pm-duty --help && out_has "handover --from" &&
	out_has "incident" && out_has "75 busy"
'
test_expect_success 'version' '
	expect_status 0 pm-duty -V && out_has "pm-tools"
'
test_expect_success 'no command is a usage error' '
	expect_status 64 pm-duty && err_has "command is required"
'
test_expect_success 'an unknown command is a usage error' '
	expect_status 64 pm-duty frobnicate && err_has "unknown command"
'
test_expect_success 'an unknown option is a usage error' '
	expect_status 64 pm-duty log --text x --colour red
'
test_expect_success 'an option of another command is a usage error' '
	expect_status 64 pm-duty log --text x --items a=1 &&
	err_has "does not apply"
'
test_expect_success 'log without --text is a usage error' '
	expect_status 64 pm-duty log && err_has "--text is required"
'
test_expect_success 'a missing data directory is exit 66' '
	PM_DATA=$T/nowhere expect_status 66 pm-duty show && err_has "nowhere"
'
test_expect_success 'no data directory at all is a usage error' '
	(unset PM_DATA; cd "$T" && expect_status 64 pm-duty show) &&
	grep -q "PM_DATA" "$T/err"
'
test_expect_success '-D names the data directory' '
	mkdir -p "$T/other" &&
	PM_DATA= expect_status 0 pm-duty -D "$T/other" log --text "别处" &&
	out_is L000001 && test -f "$T/other/duty_log.csv"
'

# ---- the log --------------------------------------------------------------
test_expect_success 'a log entry prints its ID alone' '
	expect_status 0 pm-duty log --kind inquiry --text "3栋业主咨询停车位" &&
	out_is L000001
'
test_expect_success 'IDs run on' '
	expect_status 0 pm-duty log --kind help --text "老人求助开门" &&
	out_is L000002
'
test_expect_success 'the book is created 0640 with its header' '
	test "$(stat -c %a "$LOG")" = 640 &&
	head -1 "$LOG" | grep -q "^seq,at,kind,text,corrects,done,"
'
test_expect_success 'a wrong kind is refused, naming the field and choices' '
	sum=$(book_sum "$LOG") &&
	expect_status 65 pm-duty log --kind party --text x &&
	err_has "^pm-duty: --kind: expected inquiry, help, incident, report or other, got \"party\"$" &&
	test "$(book_sum "$LOG")" = "$sum"
'
test_expect_success 'empty text is refused' '
	expect_status 65 pm-duty log --text "  " && err_has "--text: must not be empty"
'
test_expect_success 'an impossible date is refused' '
	expect_status 65 pm-duty log --text x --at 2026-02-30 &&
	err_has "--at: expected a real date" && err_has "2026-02-30"
'
test_expect_success 'a time like 24:61 is refused' '
	expect_status 65 pm-duty log --text x --at "2026-11-21 24:61"
'
test_expect_success 'an entry in the future is refused' '
	expect_status 65 pm-duty log --text x --at "2026-11-22 09:00" &&
	err_has "in the future"
'
test_expect_success 'a path given as a name is refused' '
	expect_status 65 pm-duty --as ../../etc/passwd log --text x &&
	err_has "--as: expected a person"
'
test_expect_success 'invalid UTF-8 and control characters are refused' '
	expect_status 65 pm-duty log --text "$(printf "bad\377")" &&
	err_has "UTF-8" &&
	expect_status 65 pm-duty log --text "$(printf "esc\033[31m")" &&
	err_has "control character"
'
test_expect_success 'overlong text is refused' '
	long=$(head -c 2001 /dev/zero | tr "\\0" x) &&
	expect_status 65 pm-duty log --text "$long" && err_has "longer than 2000"
'
test_expect_success 'an entry after the fact keeps both times' '
	expect_status 0 pm-duty log --text "补记: 17:40 巡查" --at "2026-11-21 17:40" &&
	tail -1 "$LOG" | grep -q ",2026-11-21 17:40:00,.*,2026-11-21 18:05:00,"
'
test_expect_success 'nothing was written by the refusals' '
	test "$(grep -c "^[0-9]" "$LOG")" = 3
'

# ---- corrections, never edits -------------------------------------------------
test_expect_success 'a correction points at the entry it corrects' '
	expect_status 0 pm-duty log --text "更正: 应为5栋" --corrects L000001 &&
	out_is L000004 &&
	expect_status 0 pm-duty show --format csv &&
	out_has "^L000001,.*,corrected by L000004$" &&
	out_has "^L000004,.*,corrects L000001$"
'
test_expect_success 'correcting an entry that does not exist is exit 66' '
	expect_status 66 pm-duty log --text x --corrects L000099 &&
	err_has "no log entry L000099"
'
test_expect_success 'a malformed ID is exit 65' '
	expect_status 65 pm-duty log --text x --corrects banana
'

# ---- handover -----------------------------------------------------------------
test_expect_success 'an open incident blocks the handover' '
	expect_status 0 pm-duty log --kind incident --text "12栋302水管爆裂" &&
	out_is L000005 &&
	sum=$(book_sum "$LOG") &&
	expect_status 65 pm-duty handover --from 王五 --to 赵六 --items "对讲机=2,灭火器=1" &&
	err_has "incident L000005" && err_has "blocks the handover" &&
	test "$(book_sum "$LOG")" = "$sum"
'
test_expect_success 'pending lists the open incident' '
	expect_status 0 pm-duty pending --format csv && out_has "^L000005,.*,incident,"
'
test_expect_success 'finishing something that is not open is refused' '
	expect_status 65 pm-duty log --text x --done L000001 &&
	err_has "not an open incident" &&
	expect_status 66 pm-duty log --text x --done L000777
'
test_expect_success 'once finished, the handover goes through' '
	expect_status 0 pm-duty log --text "已关阀维修" --done L000005 &&
	expect_status 0 pm-duty handover --from 王五 --to 赵六 \
	    --items "对讲机=2,灭火器=1" --pending "回复12栋302业主" &&
	out_is L000007
'
test_expect_success 'the pending matter is carried over' '
	expect_status 0 pm-duty pending --format csv &&
	out_has "^L000007/1,.*,pending,回复12栋302业主,"
'
test_expect_success 'only the holder of the desk hands it over' '
	expect_status 65 pm-duty handover --from 王五 --to 钱七 --items "对讲机=2,灭火器=1" &&
	err_has "--from: 王五 does not hold the desk: 赵六 took it over at L000007"
'
test_expect_success 'a missing item needs an explanation' '
	expect_status 65 pm-duty handover --from 赵六 --to 王五 --items "对讲机=1,灭火器=1" &&
	err_has "对讲机 2 → 1" && err_has "--note"
'
test_expect_success 'an item left out entirely counts as missing' '
	expect_status 65 pm-duty handover --from 赵六 --to 王五 --items "对讲机=2" &&
	err_has "灭火器 1 → 0"
'
test_expect_success 'bad item lists are refused' '
	expect_status 65 pm-duty handover --from 赵六 --to 王五 --items "对讲机" &&
	expect_status 65 pm-duty handover --from 赵六 --to 王五 --items "对讲机=-1" &&
	expect_status 65 pm-duty handover --from 赵六 --to 王五 --items "对讲机=1,对讲机=1" &&
	expect_status 65 pm-duty handover --from 赵六 --to 赵六 --items "对讲机=2"
'
test_expect_success 'refusing needs a reason' '
	expect_status 64 pm-duty handover --from 赵六 --to 王五 --items "对讲机=2,灭火器=1" --refuse
'
test_expect_success 'the incoming clerk may refuse, and it is recorded' '
	expect_status 0 pm-duty handover --from 赵六 --to 王五 --items "对讲机=2,灭火器=1" \
	    --refuse --reason "12栋302的回复情况未说明" && out_is L000008 &&
	expect_status 0 pm-duty show --format csv && out_has "REFUSED: 12栋302"
'
test_expect_success 'after a refusal the desk stays with the outgoing clerk' '
	expect_status 0 pm-duty handover --from 赵六 --to 王五 \
	    --items "对讲机=1,灭火器=1" --note "一台对讲机送修" && out_is L000009
'
test_expect_success 'the pending matter is finished by a log entry' '
	expect_status 0 pm-duty log --text "已电话回复业主" --done L000007/1 &&
	expect_status 0 pm-duty pending --format csv && out_is "id,at,kind,text,by,note"
'

# ---- output formats -------------------------------------------------------------
test_expect_success 'show: csv has the contract columns' '
	expect_status 0 pm-duty show --format csv &&
	head -1 "$T/out" | grep -q "^id,at,kind,text,by"
'
test_expect_success 'show: json is an array of objects' '
	expect_status 0 pm-duty show --format json &&
	head -c 2 "$T/out" | grep -q "^\[" && out_has "\"text\":\"3栋业主咨询停车位\"" &&
	tail -1 "$T/out" | grep -q "^\]$"
'
test_expect_success 'show: table aligns Chinese text and says it is unsigned' '
	expect_status 0 pm-duty show && out_has "^not signed$" &&
	awk "/^L00000[12] /{print index(\$0, \"王五\")}" "$T/out" >"$T/cols" &&
	test "$(wc -l <"$T/cols")" = 2
'
test_expect_success 'show --date picks the day' '
	PM_NOW="2026-11-22 09:00" expect_status 0 pm-duty show --format csv &&
	out_is "id,at,kind,text,by,note" &&
	PM_NOW="2026-11-22 09:00" expect_status 0 pm-duty show --date 2026-11-21 --format csv &&
	out_has "^L000001,"
'
test_expect_success 'a bad format is a usage error' '
	expect_status 64 pm-duty show --format xml
'
test_expect_success 'excel export: BOM, CRLF, formulas stay text' '
	expect_status 0 pm-duty log --text "=HYPERLINK(\"http://x\")" &&
	expect_status 0 pm-duty show --format csv --excel &&
	head -c 3 "$T/out" | od -An -tx1 | grep -q "ef bb bf" &&
	grep -q "\"'"'"'=HYPERLINK" "$T/out" && grep -q "$(printf "\r")$" "$T/out"
'

# ---- the supervisor's signature ---------------------------------------------------
test_expect_success 'only a supervisor signs' '
	PM_NOW="2026-11-22 08:40" expect_status 65 pm-duty review --by 王五 &&
	err_has "not a supervisor"
'
test_expect_success 'a day is signed the next morning, not before' '
	expect_status 65 pm-duty review --by 张主管 --date 2026-11-21 &&
	err_has "not finished"
'
test_expect_success 'the supervisor signs yesterday'"'"'s log' '
	PM_NOW="2026-11-22 08:40" expect_status 0 pm-duty review --by 张主管 &&
	out_is A000001 &&
	PM_NOW="2026-11-22 08:40" expect_status 0 pm-duty show --date 2026-11-21 &&
	out_has "^signed by 张主管 at 2026-11-22 08:40:00$"
'
test_expect_success 'a day is signed once' '
	PM_NOW="2026-11-22 08:45" expect_status 65 pm-duty review --by 张主管 --date 2026-11-21 &&
	err_has "already signed by 张主管"
'

# ---- roster, swaps, who is on duty -------------------------------------------------
cat >"$T/roster.csv" <<'CSV'
date,staff
CSV
d=1
while [ $d -le 31 ]; do
	if [ $((d % 2)) = 1 ]; then s=王五; else s=赵六; fi
	printf '2026-12-%02d,%s\n' $d $s >>"$T/roster.csv"
	d=$((d + 1))
done
test_expect_success 'a roster with a day missing is refused, naming the day' '
	grep -v "^2026-12-14," "$T/roster.csv" >"$T/short.csv" &&
	expect_status 65 pm-duty roster set --month 2026-12 "$T/short.csv" &&
	err_has "2026-12-14: no one on duty"
'
test_expect_success 'a roster with a date of another month is refused' '
	{ cat "$T/roster.csv"; echo "2027-01-01,王五"; } >"$T/bad.csv" &&
	expect_status 65 pm-duty roster set --month 2026-12 "$T/bad.csv" &&
	err_has "line 33: date: expected a day of 2026-12"
'
test_expect_success 'next month'"'"'s roster is set before the month' '
	expect_status 0 pm-duty roster set --month 2026-12 "$T/roster.csv" &&
	out_is S000001 &&
	expect_status 0 pm-duty roster show --month 2026-12 --format csv &&
	out_has "^2026-12-05,王五,$" && test "$(wc -l <"$T/out")" = 32
'
test_expect_success 'who: the evening shift' '
	expect_status 0 pm-duty who --at "2026-12-05 19:00" --format csv &&
	out_is "date,staff,swapped
2026-12-05,王五,"
'
test_expect_success 'who: at 07:00 the night-before'"'"'s clerk is on duty' '
	expect_status 0 pm-duty who --at "2026-12-06 07:00" --format csv &&
	out_has "^2026-12-05,王五,"
'
test_expect_success 'who: office hours have no duty shift' '
	expect_status 0 pm-duty who --at "2026-12-06 12:00" --format csv &&
	out_is "date,staff,swapped" && err_has "no duty shift"
'
test_expect_success 'who: a holiday is on duty around the clock' '
	expect_status 0 pm-duty who --at "2026-12-25 12:00" --format csv &&
	out_has "^2026-12-25,王五," &&
	expect_status 0 pm-duty who --at "2026-12-26 08:00" --format csv &&
	out_has "^2026-12-25,王五,"
'
test_expect_success 'who: a month without a roster is exit 66' '
	expect_status 66 pm-duty who --at "2027-01-05 19:00" && err_has "no roster for 2027-01"
'
test_expect_success 'a swap needs a supervisor'"'"'s approval' '
	expect_status 64 pm-duty swap --date 2026-12-05 --from 王五 --to 钱七 &&
	expect_status 65 pm-duty swap --date 2026-12-05 --from 王五 --to 钱七 --approved-by 赵六 &&
	err_has "not a supervisor"
'
test_expect_success 'a swap names someone on duty that day' '
	expect_status 65 pm-duty swap --date 2026-12-05 --from 赵六 --to 钱七 --approved-by 张主管 &&
	err_has "赵六 is not on duty on 2026-12-05"
'
test_expect_success 'an approved swap changes who is on duty' '
	expect_status 0 pm-duty swap --date 2026-12-05 --from 王五 --to 钱七 --approved-by 张主管 &&
	out_is S000002 &&
	expect_status 0 pm-duty who --at "2026-12-05 20:00" --format csv &&
	out_has "^2026-12-05,钱七,yes$"
'
test_expect_success 'a swap after the duty began is refused' '
	PM_NOW="2026-12-05 18:00" expect_status 65 pm-duty swap --date 2026-12-05 \
	    --from 钱七 --to 王五 --approved-by 张主管 && err_has "has begun"
'
test_expect_success 'a roster in force is not replaced' '
	PM_NOW="2026-12-02 10:00" expect_status 65 pm-duty roster set --month 2026-12 "$T/roster.csv" &&
	err_has "in force"
'

# ---- verify and import ---------------------------------------------------------------
test_expect_success 'verify: every book intact' '
	expect_status 0 pm-duty verify && out_has "duty_log.csv: [0-9]* rows, chain intact" &&
	out_has "anchors.csv: 1 rows"
'
printf '\357\273\277at,kind,text,by\r\n2026-11-20 19:00,inquiry,"门禁卡, 补办"\r\n2026-11-20 21:30,report,"报告:\r\n电梯异响",孙八\r\n' >"$T/backlog.csv"
test_expect_success 'import: an Excel backlog (BOM, CRLF, quoted newline)' '
	expect_status 0 pm-duty import "$T/backlog.csv" &&
	out_is "2 rows imported, 0 already present" &&
	expect_status 0 pm-duty show --date 2026-11-20 --format csv &&
	out_has "^L[0-9]*,2026-11-20 21:30:00,report,\"报告:$" && out_has ",孙八,"
'
test_expect_success 'import: the same file twice adds nothing' '
	sum=$(book_sum "$LOG") &&
	expect_status 0 pm-duty import "$T/backlog.csv" &&
	out_is "0 rows imported, 2 already present" &&
	test "$(book_sum "$LOG")" = "$sum"
'
test_expect_success 'import: an error on the last line writes nothing' '
	{ printf "at,kind,text\n"; i=1; while [ $i -le 500 ]; do
	    printf "2026-11-19 10:%02d:%02d,other,第%d条\n" $((i / 60)) $((i % 60)) $i; i=$((i + 1)); done;
	  printf "2026-11-19 11:00,gossip,最后一条\n"; } >"$T/big.csv" &&
	sum=$(book_sum "$LOG") &&
	expect_status 65 pm-duty import "$T/big.csv" &&
	err_has "line 502: kind: expected inquiry" && err_has "nothing was imported" &&
	test "$(book_sum "$LOG")" = "$sum"
'
test_expect_success 'import: errors are listed per line and field' '
	printf "at,kind,text\n2026-02-30,other,x\n2026-11-19 10:00,other,\n" >"$T/bad.csv" &&
	expect_status 65 pm-duty import "$T/bad.csv" &&
	err_has "line 2: at: expected a real date" && err_has "line 3: text: must not be empty"
'
test_expect_success 'import: --dry-run validates only' '
	sed "\$d" "$T/big.csv" >"$T/good.csv" && sum=$(book_sum "$LOG") &&
	expect_status 0 pm-duty import --dry-run "$T/good.csv" &&
	out_is "500 rows would be imported, 0 already present" &&
	test "$(book_sum "$LOG")" = "$sum"
'
test_expect_success 'import: GBK from Excel on Chinese Windows is detected' '
	printf "at,kind,text\n2026-11-18 20:00,help,帮业主搬运家具\n" | iconv -f UTF-8 -t GBK >"$T/gbk.csv" &&
	expect_status 0 pm-duty import "$T/gbk.csv" && out_is "1 rows imported, 0 already present" &&
	expect_status 0 pm-duty show --date 2026-11-18 --format csv && out_has "帮业主搬运家具"
'
test_expect_success 'import: from standard input' '
	printf "at,kind,text\n2026-11-17 20:00,other,标准输入\n" | pm-duty import - >"$T/out" &&
	out_is "1 rows imported, 0 already present"
'
test_expect_success 'import: a file without the needed columns is refused' '
	printf "when,what\n1,2\n" >"$T/cols.csv" &&
	expect_status 65 pm-duty import "$T/cols.csv" && err_has "missing column \"at\""
'
test_expect_success 'import: refused at its header, it does not wait for the rest of a pipe' '
	# the writer holds the pipe open 30 s; the refusal comes at once
	# (timeout would make it 124 were it to wait)
	sum=$(book_sum "$PM_DATA/duty_log.csv") && rm -f "$T/fifo" && mkfifo "$T/fifo" &&
	{ (printf "at,kind\n"; exec sleep 30) >"$T/fifo" & } && writer=$! &&
	expect_status 65 timeout 10 pm-duty import - <"$T/fifo"; rc=$?
	kill $writer 2>/dev/null; wait $writer 2>/dev/null
	test $rc = 0 && err_has "missing column \"text\"" &&
	test "$(book_sum "$PM_DATA/duty_log.csv")" = "$sum"
'
# 12,000 entries over 27 hours, half a megabyte: most of them are parsed
# and checked on the parser's thread while the rows before are written.
awk 'BEGIN { print "at,kind,text"
	for (i = 1; i <= 12000; i++) {
		s = i * 8; d = 1 + int(s / 86400); h = int(s % 86400 / 3600)
		printf "2026-10-%02d %02d:%02d:%02d,inquiry,第%d条长一点的值班记录\n",
		    d, h, int(s % 3600 / 60), s % 60, (i == 9000 ? 7000 : i)
	} }' >"$T/many.csv"
# the same entry written at 7000 and 9000: the second is already present
sed '9001s/^.*$/'"$(sed -n 7001p "$T/many.csv")"'/' "$T/many.csv" >"$T/many1.csv"
test_expect_success 'import: errors deep in a large file are told by their line, nothing written' '
	awk -F, -v OFS=, "NR == 6000 { \$2 = \"gossip\" } NR == 11000 { \$1 = \"2030-01-01 10:00\" } 1" \
	    "$T/many1.csv" >"$T/manybad.csv" && sum=$(book_sum "$LOG") &&
	expect_status 65 pm-duty import "$T/manybad.csv" &&
	err_has "^pm-duty: line 6000: kind: expected inquiry" &&
	err_has "^pm-duty: line 11000: at: 2030-01-01 10:00:00 is in the future" &&
	test "$(grep -c "^pm-duty: line" "$T/err")" = 2 && test "$(book_sum "$LOG")" = "$sum"
'
test_expect_success 'import: refused or only tried, a new office is left without a book' '
	mkdir -p "$T/new" && PM_DATA=$T/new expect_status 65 pm-duty import "$T/manybad.csv" &&
	test ! -e "$T/new/duty_log.csv" &&
	PM_DATA=$T/new expect_status 0 pm-duty import --dry-run "$T/many1.csv" &&
	out_is "11999 rows would be imported, 1 already present" && test ! -e "$T/new/duty_log.csv"
'
test_expect_success 'import: a large file, each entry at its own time, the repeated one once' '
	before=$(wc -l <"$LOG") &&
	expect_status 0 pm-duty import "$T/many1.csv" &&
	out_is "11999 rows imported, 1 already present" &&
	tail -n 11999 "$LOG" | awk -F, "{ print \$2, \$4 }" >"$T/got" &&
	awk -F, "NR > 1 && NR != 9001 { print \$1, \$3 }" "$T/many1.csv" >"$T/want" &&
	cmp "$T/want" "$T/got" && test $(($(wc -l <"$LOG") - before)) = 11999
'
test_expect_success 'import: a missing file is exit 66' '
	expect_status 66 pm-duty import "$T/nope.csv"
'
test_expect_success 'verify after imports' '
	expect_status 0 pm-duty verify
'
# 40,000 rows, 7 MB: verify hands the hasher batches of 1 MiB and works
# each batch's hashes out on two threads; the damage named is the first,
# wherever it lies, as a single pass would name it.
awk 'BEGIN { print "at,kind,text"
	for (i = 1; i <= 40000; i++)
		printf "2026-10-%02d %02d:%02d:%02d,report,第%d条 巡查记录 一切正常\n",
		    1 + int(i / 2000), int(i % 2000 / 100), int(i % 100 / 2), i % 60, i
	}' >"$T/forty.csv"
V=$T/forty
test_expect_success 'verify of a large book: each changed row named, the first of two, a removed row' '
	mkdir -p "$V" && PM_DATA=$V expect_status 0 pm-duty import "$T/forty.csv" &&
	PM_DATA=$V expect_status 0 pm-duty verify && out_has "duty_log.csv: 40000 rows, chain intact" &&
	cp "$V/duty_log.csv" "$T/forty.keep" && ok=1 &&
	for row in 1 3000 10500 20000 33333 40000; do
		sed "$((row + 1))s/巡查/巡察/" "$T/forty.keep" >"$V/duty_log.csv" &&
		PM_DATA=$V expect_status 65 pm-duty verify &&
		err_has "line $((row + 1)): row $row does not match the hash chain" || ok=0
	done && test $ok = 1 &&
	sed "15001s/.\$/x/" "$T/forty.keep" >"$V/duty_log.csv" &&
	PM_DATA=$V expect_status 65 pm-duty verify &&
	err_has "line 15001: row 15000 does not match" &&
	sed "12346s/巡查/巡察/; 25001s/巡查/巡察/" "$T/forty.keep" >"$V/duty_log.csv" &&
	PM_DATA=$V expect_status 65 pm-duty verify &&
	err_has "line 12346: row 12345 does not match" && ! err_has "row 25000" &&
	sed "18001d" "$T/forty.keep" >"$V/duty_log.csv" &&
	PM_DATA=$V expect_status 65 pm-duty verify &&
	err_has "line 18001: row 18001 follows row 17999: rows were removed" &&
	cp "$T/forty.keep" "$V/duty_log.csv" && PM_DATA=$V expect_status 0 pm-duty verify
'

# ---- configuration and locking ------------------------------------------------------------
test_expect_success 'a bad pm.conf is exit 78 naming the line' '
	mkdir -p "$T/badconf" && printf "office = XDZA\nfavourite = tea\n" >"$T/badconf/pm.conf" &&
	PM_DATA=$T/badconf expect_status 78 pm-duty show && err_has "pm.conf:2: unknown key \"favourite\""
'
test_expect_success 'a book held by another writer is busy: exit 75' '
	( flock 9; sleep 3 ) 9>"$PM_DATA/duty_log.lock" &
	sleep 0.5 && sum=$(book_sum "$LOG") &&
	expect_status 75 pm-duty log --text "等锁" && err_has "busy" &&
	test "$(book_sum "$LOG")" = "$sum"; rc=$?; wait; exit $rc
'
test_expect_success 'a changed header is refused, naming both' '
	mkdir -p "$T/hdr" && printf "seq,at,kind,text\n" >"$T/hdr/duty_log.csv" &&
	PM_DATA=$T/hdr expect_status 65 pm-duty log --text x && err_has "header does not match" &&
	err_has "found \"seq,at,kind,text\"" && err_has "expected \"seq,at,kind,text,corrects," &&
	PM_DATA=$T/hdr expect_status 65 pm-duty show && err_has "found \"seq,at,kind,text\""
'

# ---- a day's reader passes rows over unsplit: never one it needs --------------------------
# Three days; the 2nd has a quoted text with a comma and doubled quotes,
# a text over two lines and an incident finished on the 3rd; a row of
# the 1st is corrected on the 3rd; texts elsewhere that look like the
# IDs the correcting columns hold (",L1").
D=$T/pass && mkdir -p "$D" && printf 'office = XDZA\n' >"$D/pm.conf"
test_expect_success 'show --date: the day'"'"'s rows and those that correct or finish them, nothing else' '
	PM_DATA=$D PM_NOW="2026-09-01 08:00" pm-duty log --text "一日,L1 不是编号" >/dev/null &&
	PM_DATA=$D PM_NOW="2026-09-01 09:00" pm-duty log --text 一日的记录 >/dev/null &&
	PM_DATA=$D PM_NOW="2026-09-02 08:00" pm-duty log --text "二日, 说\"\"好\"\"" >/dev/null &&
	PM_DATA=$D PM_NOW="2026-09-02 09:00" pm-duty log --text "二日第一行
二日第二行" >/dev/null &&
	PM_DATA=$D PM_NOW="2026-09-02 10:00" pm-duty log --kind incident --text 二日的事故 >/dev/null &&
	PM_DATA=$D PM_NOW="2026-09-03 08:00" pm-duty log --text "三日,L2" >/dev/null &&
	PM_DATA=$D PM_NOW="2026-09-03 09:00" pm-duty log --text 事故已处理 --done L000005 >/dev/null &&
	PM_DATA=$D PM_NOW="2026-09-03 10:00" pm-duty log --text 一日更正 --corrects L000002 >/dev/null &&
	PM_DATA=$D PM_NOW="2026-09-04 08:00" expect_status 0 pm-duty show --date 2026-09-02 --format csv &&
	test "$(cut -d, -f1 "$T/out" | grep "^L" | tr "\n" " ")" = "L000003 L000004 L000005 " &&
	out_has "二日第二行" && out_has "说\"\"\"\"好" &&
	PM_DATA=$D PM_NOW="2026-09-04 08:00" expect_status 0 pm-duty show --date 2026-09-01 --format csv &&
	test "$(cut -d, -f1 "$T/out" | grep "^L" | tr "\n" " ")" = "L000001 L000002 " &&
	out_has "corrected by L000008" &&
	PM_DATA=$D PM_NOW="2026-09-04 08:00" expect_status 0 pm-duty show --date 2026-09-03 --format csv &&
	test "$(cut -d, -f1 "$T/out" | grep "^L" | tr "\n" " ")" = "L000006 L000007 L000008 " &&
	out_has "finishes L000005" && out_has "corrects L000002"
'

# ---- the log's month index: a day's reader starts at its month ----------------------------
# August: two entries and a correction.  September: the 10th and the
# 11th; a night entry of the 30th written after midnight, in October.
# By hand: 3 rows written in August, so September's first is row 4.
M=$T/months && mkdir -p "$M" && printf 'office = XDZA\n' >"$M/pm.conf"
test_expect_success 'a day'"'"'s reader keeps its month'"'"'s index entry: the first row written in it' '
	PM_DATA=$M PM_NOW="2026-08-05 09:00" pm-duty log --text 八月一 >/dev/null &&
	PM_DATA=$M PM_NOW="2026-08-06 09:00" pm-duty log --text 八月二 >/dev/null &&
	PM_DATA=$M PM_NOW="2026-08-07 09:00" pm-duty log --text 八月更正 --corrects L000001 >/dev/null &&
	PM_DATA=$M PM_NOW="2026-09-10 09:00" pm-duty log --text 九月十日 >/dev/null &&
	PM_DATA=$M PM_NOW="2026-09-11 09:00" pm-duty log --text 九月十一日 >/dev/null &&
	PM_DATA=$M PM_NOW="2026-10-01 00:10" pm-duty log --text 三十日夜 --at "2026-09-30 23:50" >/dev/null &&
	# the 11th read first: the 10th'"'"'s row, not wanted, is the entry
	PM_DATA=$M PM_NOW="2026-10-02 09:00" expect_status 0 pm-duty show --date 2026-09-11 --format csv &&
	test "$(cut -d, -f1 "$T/out" | grep "^L" | tr "\n" " ")" = "L000005 " &&
	test "$(cut -f1,2 "$M/duty_log.idx")" = "$(printf "24320\t4")" &&
	PM_DATA=$M PM_NOW="2026-10-02 09:00" expect_status 0 pm-duty show --date 2026-09-10 --format csv &&
	test "$(cut -d, -f1 "$T/out" | grep "^L" | tr "\n" " ")" = "L000004 " &&
	cp "$T/out" "$T/sep10"
'
test_expect_success 'read again from the index: the same day, and a September night written in October' '
	PM_DATA=$M PM_NOW="2026-10-02 09:00" expect_status 0 pm-duty show --date 2026-09-10 --format csv &&
	cmp "$T/out" "$T/sep10" &&
	PM_DATA=$M PM_NOW="2026-10-02 09:00" expect_status 0 pm-duty show --date 2026-09-30 --format csv &&
	test "$(cut -d, -f1 "$T/out" | grep "^L" | tr "\n" " ")" = "L000006 " && out_has 三十日夜
'
test_expect_success 'the rows before the index damaged: the day shown from it, verify 65' '
	cp "$M/duty_log.csv" "$T/m.keep" &&
	# the correction (a row a day'"'"'s reader splits) given three fields
	# more in its hash, its length the same: a read from the start stops
	sed -i "4s/,[0-9a-f][0-9a-f][0-9a-f]\([0-9a-f]*\)\$/,,,,\1/" "$M/duty_log.csv" &&
	sed -n 4p "$M/duty_log.csv" | grep -q ",,,," &&
	PM_DATA=$M PM_NOW="2026-10-02 09:00" expect_status 0 pm-duty show --date 2026-09-10 --format csv &&
	cmp "$T/out" "$T/sep10" &&
	mv "$M/duty_log.idx" "$T/m.idx" &&
	PM_DATA=$M PM_NOW="2026-10-02 09:00" expect_status 65 pm-duty show --date 2026-09-10 &&
	err_has "line 4: expected" &&
	mv "$T/m.idx" "$M/duty_log.idx" &&
	PM_DATA=$M expect_status 65 pm-duty verify &&
	cp "$T/m.keep" "$M/duty_log.csv"
'
test_expect_success 'the index deleted, cut short, garbage or stale after an archive: the same day' '
	rm "$M/duty_log.idx" &&
	PM_DATA=$M PM_NOW="2026-10-02 09:00" expect_status 0 pm-duty show --date 2026-09-10 --format csv &&
	cmp "$T/out" "$T/sep10" && test -s "$M/duty_log.idx" &&
	head -c 9 "$M/duty_log.idx" >"$T/x" && mv "$T/x" "$M/duty_log.idx" &&
	PM_DATA=$M PM_NOW="2026-10-02 09:00" expect_status 0 pm-duty show --date 2026-09-10 --format csv &&
	cmp "$T/out" "$T/sep10" &&
	printf "24320\t5\t999999\t6\tffffffffffffffff\t0\nnonsense\n" >"$M/duty_log.idx" &&
	PM_DATA=$M PM_NOW="2026-10-02 09:00" expect_status 0 pm-duty show --date 2026-09-10 --format csv &&
	cmp "$T/out" "$T/sep10" &&
	cp -r "$M" "$T/marc" && PM_DATA=$T/marc PM_NOW="2026-10-02 09:00" pm-report archive >/dev/null &&
	test ! -e "$T/marc/duty_log.idx" &&
	PM_DATA=$T/marc PM_NOW="2026-10-02 09:00" expect_status 0 pm-duty show --date 2026-09-10 --format csv &&
	cmp "$T/out" "$T/sep10"
'
test_expect_success 'verify checks the index: clean as kept; one moved past a row of its month, exit 65' '
	rm -f "$M/duty_log.idx" &&
	PM_DATA=$M PM_NOW="2026-10-02 09:00" pm-duty show --date 2026-09-10 >/dev/null &&
	PM_DATA=$M expect_status 0 pm-duty verify && out_has "month index checked against the books (1 months)" &&
	# September'"'"'s entry pointed at its second row, row 5, whole and true
	off=$(head -n 5 "$M/duty_log.csv" | wc -c) &&
	hash=$(sed -n 6p "$M/duty_log.csv" | awk -F, "{ print substr(\$NF, 1, 16) }") &&
	printf "24320\t5\t%s\t6\t%s\t0\n" "$off" "$hash" >"$M/duty_log.idx" &&
	PM_DATA=$M PM_NOW="2026-10-02 09:00" expect_status 0 pm-duty show --date 2026-09-10 --format csv &&
	! out_has 九月十日 &&
	PM_DATA=$M expect_status 65 pm-duty verify &&
	err_has "duty_log.idx: the month index of 2026-09 starts at row 5, after row 4, written in that month"
'
