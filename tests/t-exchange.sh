#!/bin/sh
# Exchange with spreadsheets (SPEC 5): the tricky-CSV corpus, every
# command's import in each encoding and line end, re-imports, a
# 1,000,000-row import in bounded memory and all or nothing, round trips
# export -> import (directly and through LibreOffice Calc) giving the same
# books, and formulas that a spreadsheet never runs.
. "$(dirname "$0")/lib.sh"

export PM_NOW="2026-11-22 09:00" PM_USER=王五
fresh() {
	rm -rf "$1" && mkdir -p "$1" && printf 'office = EX\n' >"$1/pm.conf"
}
# A book's rows without written_at and hash: what an import reproduces.
content() {
	sed -E 's/,[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9a-f]{64}$//' "$1"
}

# ---- the corpus ---------------------------------------------------------------------------
test_expect_success 'corpus: each tricky file gives its expected result, and a refusal writes nothing' '
	grep -v "^#" "$TOP/tests/corpus/EXPECT" | while read -r file status rows text; do
		fresh "$T/c" &&
		PM_DATA=$T/c expect_status "$status" pm-duty import "$TOP/tests/corpus/$file" ||
			{ echo "$file: exit"; exit 1; }
		n=$(PM_DATA=$T/c pm-duty show --date 2026-11-01 --format json | grep -o "\"id\":" | wc -l)
		test "$n" = "$rows" || { echo "$file: $n rows, expected $rows"; exit 1; }
		if [ "$status" != 0 ]; then
			grep -qF -- "$text" "$T/err" || { echo "$file: stderr lacks $text:"; cat "$T/err"; exit 1; }
			test ! -s "$T/c/duty_log.csv" || test "$(wc -l <"$T/c/duty_log.csv")" = 1 ||
				{ echo "$file: something was written"; exit 1; }
		elif [ "$text" != - ]; then
			PM_DATA=$T/c pm-duty show --date 2026-11-01 --format json | grep -qF -- "$text" ||
				{ echo "$file: the text is not $text"; exit 1; }
		fi
	done
'
test_expect_success 'corpus: invalid UTF-8 named as such when the file says it is UTF-8' '
	fresh "$T/c" &&
	PM_DATA=$T/c expect_status 65 pm-duty import --encoding utf-8 "$TOP/tests/corpus/invalid-utf8.csv" &&
	err_has "line 2: text: is not valid UTF-8"
'

# ---- every command, every encoding and line end ---------------------------------------------
mkdir -p "$T/samples"
cat >"$T/samples/duty.csv" <<'EOF'
at,kind,text,by
2026-11-01 09:00,inquiry,"业主咨询, 停车费 ""月租""",王五
2026-11-01 10:00,help,"老人求助
开门",赵六
EOF
cat >"$T/samples/key.csv" <<'EOF'
event,unit,count,expected,from,note
receive,0010100001,2,2,李工,
receive,0010100002,3,2,李工,"多一把, 已注明"
EOF
cat >"$T/samples/complaint.csv" <<'EOF'
unit,name,phone,text,importance,category,registered_at
0010100001,陈大文,13800000000,"楼上漏水, 天花板发霉",B,GC
0010100002,李四,,"电梯""异响""",A,GC,2026-11-01 09:00
EOF
cat >"$T/samples/visit.csv" <<'EOF'
type,ref,unit,done
repair,WX-001,0010100001,2026-11-01 09:00
emergency,JJ-002,0010100002,2026-11-02 10:00
EOF
cat >"$T/samples/owner.csv" <<'EOF'
unit,name,phone,members
0010100001,陈大文,13800000000,王芳:配偶
0010100002,李四,0755-12345678,
EOF
# complaint.csv row 1 lacks its registered_at: the clerk's now is used
book_of() {
	case $1 in
	duty) echo duty_log.csv ;; key) echo keys.csv ;; complaint) echo complaints.csv ;;
	visit) echo visits.csv ;; owner) echo owners.csv ;;
	esac
}
for cmd in duty key complaint visit owner; do
test_expect_success "pm-$cmd import: UTF-8, UTF-8 with BOM and CRLF, GB18030 (found or named) give one book" "
	s=\$T/samples/$cmd.csv &&
	printf '\357\273\277' >\$T/v-bom.csv && sed 's/\$/\r/' \$s >>\$T/v-bom.csv &&
	iconv -f UTF-8 -t GB18030 \$s >\$T/v-gbk.csv &&
	sed 's/\$/\r/' \$s | iconv -f UTF-8 -t GB18030 >\$T/v-gbk-crlf.csv &&
	fresh \$T/e0 && PM_DATA=\$T/e0 pm-$cmd import \$s >/dev/null &&
	book=\$(book_of $cmd) && test -s \$T/e0/\$book &&
	for v in 'v-bom.csv' 'v-gbk.csv' 'v-gbk-crlf.csv --encoding gbk' 'v-gbk.csv --encoding gb18030'; do
		set -- \$v
		fresh \$T/e1 && PM_DATA=\$T/e1 pm-$cmd import \"\$T/\$1\" \${2:-} \${3:-} >/dev/null &&
		cmp \$T/e0/\$book \$T/e1/\$book || { echo \"\$v: a different book\"; exit 1; }
	done
"
test_expect_success "pm-$cmd import: the same file again, or one overlapping it, adds nothing twice" "
	s=\$T/samples/$cmd.csv && book=\$(book_of $cmd) && sum=\$(book_sum \$T/e0/\$book) &&
	PM_DATA=\$T/e0 expect_status 0 pm-$cmd import \$s && out_is '0 rows imported, 2 already present' &&
	test \"\$(book_sum \$T/e0/\$book)\" = \"\$sum\" &&
	iconv -f UTF-8 -t GB18030 \$s >\$T/again-gbk.csv &&
	PM_DATA=\$T/e0 expect_status 0 pm-$cmd import \$T/again-gbk.csv && out_is '0 rows imported, 2 already present'
"
done

# ---- a million rows ---------------------------------------------------------------------------------
# Peak memory from wait4(2) (tests/maxrss).  ASan's quarantine keeps freed
# memory on purpose; a small one keeps these numbers about our program.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4
export ASAN_OPTIONS
rows() { # N [PAD]: a pm-duty import file of N rows, each text padded by PAD
	awk -v n="$1" -v pad="${2:-0}" 'BEGIN {
		print "at,kind,text,by"
		p = sprintf("%" pad "s", ""); gsub(/ /, "x", p)
		for (i = 1; i <= n; i++)
			printf "2026-10-%02d %02d:%02d:%02d,inquiry,\"第%d条: 业主来电, 已答复%s\",文员%d\n",
			    1 + i % 28, i % 24, i % 60, (i / 60) % 60, i, p, i % 7
	}'
}
peak() { sed -n 's/^maxrss //p' "$T/err"; }
test_expect_success 'import streams: 100,000 long rows take no more memory than 100,000 short ones' '
	rows 100000 >"$T/short.csv" && rows 100000 900 >"$T/long.csv" &&
	test "$(wc -c <"$T/long.csv")" -gt 90000000 &&
	fresh "$T/m" && PM_DATA=$T/m expect_status 0 "$TOP/tests/maxrss" pm-duty import "$T/short.csv" &&
	short=$(peak) && rm -rf "$T/m" &&
	fresh "$T/m" && PM_DATA=$T/m expect_status 0 "$TOP/tests/maxrss" pm-duty import "$T/long.csv" &&
	long=$(peak) && rm -rf "$T/m" "$T/long.csv" &&
	echo "peak: short rows ${short} KiB, 10x longer rows ${long} KiB" &&
	test "$long" -lt $((short + 8192))
'
test_expect_success '1,000,000 rows with an error on the last line: exit 65, that line named, nothing written' '
	rows 1000000 >"$T/million.csv" && cp "$T/million.csv" "$T/million-bad.csv" &&
	echo "2026-10-30 09:00,inquiry,,文员1" >>"$T/million-bad.csv" &&
	fresh "$T/m" && PM_DATA=$T/m pm-duty log --text 已有的一条 >/dev/null &&
	sum=$(book_sum "$T/m/duty_log.csv") &&
	PM_DATA=$T/m expect_status 65 pm-duty import "$T/million-bad.csv" &&
	err_has "line 1000002: text: must not be empty" &&
	test "$(book_sum "$T/m/duty_log.csv")" = "$sum" && rm "$T/million-bad.csv"
'
test_expect_success '1,000,000 rows import in memory bounded by the duplicate check, not the file' '
	PM_DATA=$T/m expect_status 0 "$TOP/tests/maxrss" pm-duty import "$T/million.csv" &&
	out_is "1000000 rows imported, 0 already present" && big=$(peak) &&
	echo "peak: ${big} KiB for a $(($(wc -c <"$T/million.csv") / 1048576)) MiB file" &&
	# the rows as written (190 bytes each) would take 180 MiB and more;
	# the duplicate check takes 32 bytes a row, its table made once
	test "$big" -lt $((short + 80 * 1024)) &&
	PM_DATA=$T/m pm-duty verify >/dev/null &&
	PM_DATA=$T/m expect_status 0 pm-duty import "$T/million.csv" &&
	out_is "0 rows imported, 1000000 already present"
'
rm -rf "$T/m" "$T/million.csv" "$T/short.csv"

# ---- round trips ---------------------------------------------------------------------------------------
# The desk types entries and complaints with every awkward character.
fresh "$T/a"
for t in '业主咨询, 停车费' '他说"太贵"' '老人求助
开门' '=1+1' '-5 度的冷库' '+86 的来电' '@所有人 注意' '普通的一条'; do
	PM_NOW="2026-11-03 09:00" PM_DATA=$T/a pm-duty log --text "$t" >/dev/null
	# (no phone: lists mask it, so an export does not carry it)
	PM_NOW="2026-11-03 09:00" PM_DATA=$T/a pm-complaint add --unit 0010100001 --name 陈大文 \
	    --channel web --text "$t" --importance B --category GC >/dev/null
done
test_expect_success 'round trip: export, import into a new office, the same books' '
	PM_DATA=$T/a pm-duty show --date 2026-11-03 --format csv >"$T/duty.csv" &&
	PM_DATA=$T/a pm-complaint list --format csv >"$T/complaints.csv" &&
	fresh "$T/b" && PM_DATA=$T/b pm-duty import "$T/duty.csv" >/dev/null &&
	PM_DATA=$T/b pm-complaint import "$T/complaints.csv" >/dev/null &&
	content "$T/a/duty_log.csv" >"$T/a.duty" && content "$T/b/duty_log.csv" >"$T/b.duty" &&
	cmp "$T/a.duty" "$T/b.duty" &&
	content "$T/a/complaints.csv" >"$T/a.c" && content "$T/b/complaints.csv" >"$T/b.c" &&
	cmp "$T/a.c" "$T/b.c"
'
test_expect_success 'round trip: a masked phone in an export comes back as unknown, not a refusal' '
	fresh "$T/p" &&
	PM_NOW="2026-11-03 09:00" PM_DATA=$T/p pm-complaint add --unit 0010100001 --name 陈大文 \
	    --phone 13812345678 --text 漏水 --importance B --category GC >/dev/null &&
	PM_DATA=$T/p pm-complaint list --format csv >"$T/masked.csv" &&
	grep -q ",138\*\*\*\*5678," "$T/masked.csv" &&
	fresh "$T/q" && PM_DATA=$T/q expect_status 0 pm-complaint import "$T/masked.csv" &&
	out_has "^1 row" && ! grep -q "138" "$T/q/complaints.csv" &&
	printf "unit,name,phone,text\n0010100001,陈,138-12,漏水\n" >"$T/bad-phone.csv" &&
	PM_DATA=$T/q expect_status 65 pm-complaint import "$T/bad-phone.csv" &&
	err_has "phone: expected a phone number"
'
test_expect_success 'round trip: --excel export (BOM, CRLF, formulas neutralised) imports to the same books' '
	PM_DATA=$T/a pm-duty show --date 2026-11-03 --format csv --excel >"$T/duty-x.csv" &&
	test "$(head -c 3 "$T/duty-x.csv" | od -An -tx1 | tr -d " ")" = efbbbf &&
	test "$(grep -c "$(printf "\r")\$" "$T/duty-x.csv")" = 9 &&	# header + 8 records
	grep -q ",'"'"'=1+1," "$T/duty-x.csv" && grep -q ",'"'"'-5 度" "$T/duty-x.csv" &&
	grep -q ",'"'"'+86" "$T/duty-x.csv" && grep -q ",'"'"'@所有人" "$T/duty-x.csv" &&
	fresh "$T/b" && PM_DATA=$T/b pm-duty import "$T/duty-x.csv" >/dev/null &&
	content "$T/b/duty_log.csv" >"$T/b.duty" && cmp "$T/a.duty" "$T/b.duty"
'

# ---- a real spreadsheet ------------------------------------------------------------------------------------
# LibreOffice Calc (Debian libreoffice-calc-nogui) opens an export and
# saves it back as CSV.  Filter options: separator 44 (,), quote 34 ("),
# charset 76 (UTF-8), from line 1; "text" opens every column as text, as
# a clerk does for an export to be imported again; "standard" as anyone
# double-clicking it, where a formula is evaluated.
calc() { # IN OUT-DIR text|standard
	if [ "$3" = text ]; then
		in="CSV:44,34,76,1,1/2/2/2/3/2/4/2/5/2/6/2/7/2/8/2/9/2/10/2/11/2/12/2/13/2/14/2/15/2/16/2,0,true,false,false,false,false"
	else
		in="CSV:44,34,76,1,,0,false,true,false,false,false,true"
	fi
	HOME=$T/lo soffice --headless --norestore --nolockcheck --infilter="$in" \
	    --convert-to "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,false,false,false" \
	    --outdir "$2" "$1" >/dev/null 2>&1 && test -s "$2/$(basename "$1")"
}
if command -v soffice >/dev/null 2>&1; then
	test_expect_success 'LibreOffice: an --excel export keeps its Chinese and runs no formula' '
		calc "$T/duty-x.csv" "$T/lo-std" standard &&
		grep -q "他说" "$T/lo-std/duty-x.csv" && grep -q "业主咨询, 停车费" "$T/lo-std/duty-x.csv" &&
		grep -q "'"'"'=1+1" "$T/lo-std/duty-x.csv" &&
		PM_DATA=$T/a pm-duty show --date 2026-11-03 --format csv >"$T/duty-raw.csv" &&
		calc "$T/duty-raw.csv" "$T/lo-raw" standard &&
		grep "^\"\\{0,1\\}L000004" "$T/lo-raw/duty-raw.csv" | grep -q ",\"\\{0,1\\}2\"\\{0,1\\}," ||
		{ echo "without --excel, Calc should have run =1+1 (the control)"; cat "$T/lo-raw/duty-raw.csv"; exit 1; }
	'
	test_expect_success 'LibreOffice: export, open and save in Calc, import: the same books' '
		PM_DATA=$T/a pm-complaint list --format csv --excel >"$T/complaints-x.csv" &&
		calc "$T/duty-x.csv" "$T/lo-txt" text && calc "$T/complaints-x.csv" "$T/lo-txt" text &&
		fresh "$T/d" && PM_DATA=$T/d pm-duty import "$T/lo-txt/duty-x.csv" >/dev/null &&
		PM_DATA=$T/d pm-complaint import "$T/lo-txt/complaints-x.csv" >/dev/null &&
		content "$T/d/duty_log.csv" >"$T/d.duty" && cmp "$T/a.duty" "$T/d.duty" &&
		content "$T/d/complaints.csv" >"$T/d.c" && cmp "$T/a.c" "$T/d.c"
	'
	# A real spreadsheet (libxlsxwriter), opened by Calc and saved as CSV.
	xlsx_csv() { # IN.xlsx OUT-DIR
		HOME=$T/lo soffice --headless --norestore --nolockcheck \
		    --convert-to "csv:Text - txt - csv (StarCalc):44,34,76,1" \
		    --outdir "$2" "$1" >/dev/null 2>&1 &&
		test -s "$2/$(basename "$1" .xlsx).csv"
	}
	fresh "$T/x"
	mkdir -p "$T/locale" &&
	localedef -i zh_CN -f UTF-8 "$T/locale/zh_CN.UTF-8" >/dev/null 2>&1 && ZH_LOCPATH=$T/locale
	test_expect_success 'xlsx: unit 0011020304, an 18-digit ID and a phone survive as text, Chinese intact' '
		PM_NOW="2026-11-03 09:00" PM_DATA=$T/x pm-owner add --unit 0011020304 --name 陈大文 \
		    --phone 13812345678 --id-no 440106198001010019 >/dev/null &&
		PM_DATA=$T/x pm-owner show --unit 0011020304 --reveal --reason 核对 \
		    --approved-by 刘经理 --format xlsx --out "$T/owner.xlsx" &&
		test "$(head -c 2 "$T/owner.xlsx")" = PK &&
		xlsx_csv "$T/owner.xlsx" "$T/xl" &&
		grep -q "^\"0011020304\",\"陈大文\",\"13812345678\",\"440106198001010019\"," "$T/xl/owner.csv"
	'
	test_expect_success 'xlsx: counts are numbers, dates are dates, rates are percentages' '
		PM_NOW="2026-11-03 09:00" PM_DATA=$T/a pm-complaint list --format xlsx --out "$T/list.xlsx" &&
		xlsx_csv "$T/list.xlsx" "$T/xl" &&
		grep -q ",2026-11-03 09:00," "$T/xl/list.csv" &&
		PM_DATA=$T/a pm-report complaints --month 2026-11 --format xlsx --out "$T/month.xlsx" &&
		xlsx_csv "$T/month.xlsx" "$T/xl" &&
		grep -q "^\"total\",\"投诉总数\",8,$" "$T/xl/month.csv" &&
		PM_DATA=$T/x pm-visit service --type repair --ref WX-1 --unit 0011020304 \
		    --done "2026-11-03 09:00" >/dev/null &&
		PM_NOW="2026-11-20 09:00" PM_DATA=$T/x pm-visit rates --month 2026-11 \
		    --format xlsx --out "$T/rates.xlsx" && xlsx_csv "$T/rates.xlsx" "$T/xl" &&
		grep -q "^\"repair\",1,0,0.0%,95.0%,\"no\"," "$T/xl/rates.csv"
	'
	test_expect_success 'xlsx: the header row is frozen, the columns wide enough for their codes' '
		unzip -p "$T/list.xlsx" xl/worksheets/sheet1.xml >"$T/sheet.xml" &&
		grep -q "<pane ySplit=\"1\" topLeftCell=\"A2\"[^>]*state=\"frozen\"" "$T/sheet.xml" &&
		w=$(sed -n "s/.*<col min=\"1\" max=\"1\" width=\"\([0-9]*\).*/\1/p" "$T/sheet.xml") &&
		test "$w" -ge 14	# EX-B-GC-000001: 14 characters
	'
	if [ -n "${ZH_LOCPATH:-}" ]; then
		test_expect_success 'xlsx: Chinese headings in a zh_CN locale' '
			LOCPATH=$ZH_LOCPATH LC_ALL=zh_CN.UTF-8 PM_DATA=$T/a pm-complaint list \
			    --format xlsx --out "$T/zh.xlsx" && xlsx_csv "$T/zh.xlsx" "$T/xl" &&
			head -1 "$T/xl/zh.csv" | grep -q "^\"编号\",\"类别\",\"单元\","
		'
	fi
elif [ "${CI:-}" = true ]; then
	echo "not ok - LibreOffice round trip: soffice is not installed (apt-get install libreoffice-calc-nogui)"
else
	echo "ok - LibreOffice round trip # SKIP soffice not installed (apt-get install libreoffice-calc-nogui)"
fi

# ---- libxlsxwriter, opened for a spreadsheet only -----------------------------------------
# LD_DEBUG=files has the dynamic loader name each library it loads.
test_expect_success 'an add loads neither libxlsxwriter nor the libminizip it needs' '
	fresh "$T/lib" &&
	PM_DATA=$T/lib LD_DEBUG=files pm-duty log --text 一条 >/dev/null 2>"$T/ld" &&
	grep -q "file=libcsv" "$T/ld" &&
	! grep -q "xlsxwriter\|minizip" "$T/ld"
'
test_expect_success 'a spreadsheet asked for opens libxlsxwriter, and is written' '
	PM_DATA=$T/lib LD_DEBUG=files pm-duty show --date 2026-11-22 --format xlsx \
	    --out "$T/lib/day.xlsx" 2>"$T/ld" &&
	grep -q "file=libxlsxwriter.*dynamically loaded" "$T/ld" &&
	test "$(head -c 2 "$T/lib/day.xlsx")" = PK
'
test_expect_success 'a libxlsxwriter that cannot be loaded: one line naming it, exit 73, no file left' '
	soname=$(sed -n "s/.*file=\(libxlsxwriter[^ ]*\) .*dynamically loaded.*/\1/p" "$T/ld" | head -1) &&
	test -n "$soname" && mkdir -p "$T/nolib" && : >"$T/nolib/$soname" &&
	PM_DATA=$T/lib LD_LIBRARY_PATH=$T/nolib expect_status 73 pm-duty show --date 2026-11-22 \
	    --format xlsx --out "$T/lib/no.xlsx" &&
	test "$(wc -l <"$T/err")" = 1 &&
	grep -q "^pm-duty: --format xlsx: cannot load $soname: " "$T/err" &&
	test ! -e "$T/lib/no.xlsx"
'
