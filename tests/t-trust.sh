#!/bin/sh
# t-trust.sh - what an insider or a careless hand can plant in the data
# directory, and what refused commands must not leave behind (issue 14's
# small breaks): links are never followed, stale copies are swept, a
# refusal writes nothing, pm.conf's mistakes are named, usage errors
# speak as the command, a document's number is masked on screen.
. "$(dirname "$0")/lib.sh"

cat >"$PM_DATA/pm.conf" <<'CONF'
office = XDZA
CONF
U=0010102030
export PM_NOW="2026-10-02 09:00"
victim=$T/outside.txt
echo "a file outside the office" >"$victim"
sum=$(cksum <"$victim")

test_expect_success 'a link planted at BOOK.tmp: an import replaces the book, not the file it names' '
	pm-complaint add --unit $U --name 甲 --text 第一件 >/dev/null &&
	ln -s "$victim" "$PM_DATA/complaints.csv.tmp" &&
	printf "unit,name,text\n%s,乙,第二件\n%s,丙,第三件\n" $U $U >"$T/two.csv" &&
	expect_status 0 pm-complaint import "$T/two.csv" &&
	test "$(cksum <"$victim")" = "$sum" && test ! -L "$PM_DATA/complaints.csv" &&
	test "$(temps "$PM_DATA/complaints.csv")" = 0 &&
	expect_status 0 pm-complaint verify && out_has "complaints.csv: 3 rows, chain intact"
'
test_expect_success 'a dangling link at a lock is refused (exit 73), nothing created through it' '
	ln -s "$T/made-by-link" "$PM_DATA/duty_log.lock" &&
	expect_status 73 pm-duty log --text 一条 && err_has "duty_log.lock" &&
	test ! -e "$T/made-by-link" && test ! -e "$PM_DATA/duty_log.csv" &&
	rm "$PM_DATA/duty_log.lock"
'
test_expect_success 'a link at the torn-row file is not written through' '
	pm-duty log --text 第一条 >/dev/null &&
	printf "2,2026-10-02 09:00:00,other,半行" >>"$PM_DATA/duty_log.csv" &&
	ln -s "$victim" "$PM_DATA/duty_log.torn" &&
	expect_status 73 pm-duty log --text 第二条 && err_has "duty_log.torn: a symbolic link" &&
	test "$(cksum <"$victim")" = "$sum" && rm "$PM_DATA/duty_log.torn" &&
	expect_status 0 pm-duty log --text 第二条 &&
	expect_status 0 pm-duty verify && out_has "duty_log.csv: 2 rows, chain intact"
'
# Every name a command creates or reads beside the books, planted as a
# link to a file outside the office: each command that meets it refuses
# it (exit 73) or replaces the link itself; the file it names is never
# written, and the books verify.
L=$T/links && office "$L" XDZL 100
printf "unit,name,text\n%s,乙,第二件\n%s,丙,第三件\n" $U $U >"$T/two.csv"
printf "unit,name,text,kind\n%s,乙,一件,complaint\n%s,丙,一问,request\n" $U $U >"$T/mixed.csv"
links_run() { # everything that writes or reads the complaint books and the log
	PM_DATA=$L PM_NOW="2026-10-02 09:00" pm-complaint add --unit $U --name 甲 --text 一件 >/dev/null 2>&1
	echo "add $?"
	PM_DATA=$L PM_NOW="2026-10-02 09:05" pm-complaint import "$T/two.csv" >/dev/null 2>&1
	echo "import $?"
	PM_DATA=$L PM_NOW="2026-10-02 09:10" pm-complaint import "$T/mixed.csv" >/dev/null 2>&1
	echo "mixed $?"
	PM_DATA=$L PM_NOW="2026-10-02 09:15" pm-complaint list --month 2026-10 >/dev/null 2>&1
	echo "list $?"
	PM_DATA=$L PM_NOW="2026-10-02 09:20" pm-duty log --text 一条 >/dev/null 2>&1
	echo "log $?"
	PM_DATA=$L PM_NOW="2026-12-02 09:00" pm-report archive >/dev/null 2>&1
	echo "archive $?"
	PM_DATA=$L PM_NOW="2026-12-02 09:00" pm-report run >/dev/null 2>&1
	echo "run $?"
}
test_expect_success 'a link planted at any side-file name is refused or replaced, never followed' '
	for name in complaints.csv complaints.lock complaints.torn complaints.idx \
	    complaints.csv.group complaints.csv.tmp requests.csv.group commit.journal \
	    commit.journal.lock commit.journal.new duty_log.csv duty_log.lock \
	    duty_log.idx duty_log.csv.arch anchors.csv anchors.lock alerts.csv \
	    archive/duty_log/head archive/duty_log/journal archive/duty_log/head.new \
	    archive/duty_log/journal.new; do
		rm -rf "$L"/*.csv "$L"/*.lock "$L"/*.idx "$L"/*.torn "$L"/*.group \
		    "$L"/*.arch "$L"/*.tmp* "$L"/commit.* "$L"/archive "$L"/reports &&
		mkdir -p "$L/archive/duty_log" &&
		ln -s "$victim" "$L/$name" && links_run >"$T/links.out" &&
		if grep -Eqv " (0|73)$" "$T/links.out"; then
			echo "$name: $(grep -Ev " (0|73)$" "$T/links.out" | tr "\n" " ")"; exit 1; fi &&
		test "$(cksum <"$victim")" = "$sum" ||
		{ echo "$name: the file it names was written"; exit 1; }
		test ! -L "$L/$name" || rm "$L/$name"
		PM_DATA=$L PM_NOW="2026-12-02 09:00" pm-complaint verify >/dev/null 2>&1 ||
		{ echo "$name: the books do not verify"; exit 1; }
	done
'
test_expect_success 'a book that is a link or a directory is refused by writers and readers (exit 73)' '
	rm -rf "$L"/*.csv "$L"/*.lock "$L"/archive &&
	ln -s "$victim" "$L/complaints.csv" &&
	PM_DATA=$L expect_status 73 pm-complaint add --unit $U --name 甲 --text 一件 &&
	err_has "complaints.csv: a symbolic link or not a regular file; refused" &&
	PM_DATA=$L expect_status 73 pm-complaint list &&
	rm "$L/complaints.csv" && mkdir "$L/complaints.csv" &&
	PM_DATA=$L expect_status 73 pm-complaint add --unit $U --name 甲 --text 一件 &&
	PM_DATA=$L expect_status 73 pm-complaint list && rmdir "$L/complaints.csv" &&
	test "$(cksum <"$victim")" = "$sum"
'
test_expect_success 'a killed import'"'"'s staged copy is swept by the next writer' '
	head -c 100000 /dev/zero >"$PM_DATA/complaints.csv.tmp" &&
	head -c 100000 /dev/zero >"$PM_DATA/complaints.csv.tmp.Ab12Cd" &&
	ln -s "$victim" "$PM_DATA/complaints.csv.tmp.linked" &&
	pm-complaint add --unit $U --name 丁 --text 第四件 >/dev/null &&
	test "$(temps "$PM_DATA/complaints.csv")" = 0 && test "$(cksum <"$victim")" = "$sum"
'
test_expect_success 'refused commands leave no book behind, not even its header' '
	mkdir "$T/fresh" && cp "$PM_DATA/pm.conf" "$T/fresh/" &&
	PM_DATA=$T/fresh expect_status 65 pm-key lend --unit $U --count 1 --to 张工 \
	    --dept 工程部 --work-id G1 &&
	PM_DATA=$T/fresh expect_status 66 pm-complaint forward XDZA-B-GC-000001 --to "" &&
	err_has "no complaint or request XDZA-B-GC-000001" &&
	ls "$T/fresh" | grep -v "\.lock$" >"$T/left" &&
	test "$(cat "$T/left")" = "pm.conf"
'
test_expect_success 'pm.conf: a NUL byte and a key set twice are named (exit 78)' '
	mkdir "$T/c1" "$T/c2" &&
	printf "office = XF\000JY\n" >"$T/c1/pm.conf" &&
	PM_DATA=$T/c1 expect_status 78 pm-complaint overdue &&
	err_has "pm.conf:1: contains a NUL byte" &&
	printf "office = XF\nhouseholds = 3\noffice = JY\n" >"$T/c2/pm.conf" &&
	PM_DATA=$T/c2 expect_status 78 pm-complaint overdue &&
	err_has "pm.conf:3: office is set twice (first on line 1)" &&
	printf "holidays = 2026-10-01\nholidays = 2026-12-25\n" >"$T/c2/pm.conf" &&
	PM_DATA=$T/c2 expect_status 0 pm-complaint overdue
'
test_expect_success 'usage errors speak as the command, in one line (exit 64)' '
	expect_status 64 pm-complaint add --colour x &&
	test "$(head -1 "$T/err")" = "pm-complaint: add: unknown option --colour" &&
	expect_status 64 pm-complaint add --unit &&
	test "$(head -1 "$T/err")" = "pm-complaint: add: option --unit needs a value" &&
	expect_status 64 pm-key -z list &&
	test "$(head -1 "$T/err")" = "pm-key: unknown option -z"
'
test_expect_success 'the document shown for keys is masked in show, kept whole in the book' '
	pm-key receive --unit $U --count 2 --from 开发商 >/dev/null &&
	expect_status 0 pm-key issue --unit $U --count 1 --to 陈大文 \
	    --id-doc "身份证110101199001011237" &&
	expect_status 0 pm-key show --unit $U && out_has "身份证110\*\*\*\*\*\*\*\*\*\*\*1237" &&
	! out_has "110101199001011237" &&
	grep -q "身份证110101199001011237" "$PM_DATA/keys.csv"
'
rm -f "$victim"

# ---- a manifest's every field is checked ------------------------------------------------
A=$T/arch
mkdir -p "$A"
PM_NOW="2026-11-22 09:00" "$TOP/tests/histgen" "$A" PM 3 4 2
PM_NOW="2026-11-22 09:00" pm-report -D "$A" archive >/dev/null
man=$A/archive/complaints/2026/complaints-2026-09.manifest
edit() { # FIELD SED: change one line of the manifest; verify must fail
	cp "$man" "$T/saved" && sed -i "/^$1	/$2" "$man" &&
	! cmp -s "$man" "$T/saved" &&
	PM_DATA=$A expect_status 65 pm-complaint verify
	_rc=$?
	cp "$T/saved" "$man"
	return $_rc
}
test_expect_success 'an archived office verifies clean' '
	test -f "$man" && PM_DATA=$A expect_status 0 pm-complaint verify
'
test_expect_success 'a manifest edited in any field it can be checked by is damage (exit 65)' '
	edit rows "s/	.*/	5/" && err_has "lists 5 rows, but its volume holds 4" &&
	edit book_seq "s/	\([0-9]*\)/	1\1/" &&
	edit book_head "s/	./	0/" &&
	edit ledger "s/	.*/	requests/" &&
	edit month "s/	.*/	2026-08/" &&
	edit volume "s/09/08/" &&
	edit archived_by "s/	.*/	某人/" &&
	edit run "s/	\([0-9]*\)	/	9\1	/" && err_has "runs of rows" &&
	edit live_before "s/	.*/	13/" && err_has "live_before 13 and live_after 2 are not those of" &&
	edit live_after "s/	.*/	3/" && err_has "written by the same archive" &&
	PM_DATA=$A expect_status 0 pm-complaint verify
'
# The run of 2026-11-22 bound 12 of the book's 14 rows (3 months x 4) and
# left 2 live: live_before 14, live_after 2 in each of its three manifests.
test_expect_success 'the live counts edited in every manifest of the run are damage too' '
	d=$A/archive/complaints/2026 && cp -r "$d" "$T/keep" &&
	grep -qx "live_before	14" "$man" && grep -qx "live_after	2" "$man" &&
	sed -i "s/^live_before	14$/live_before	13/" "$d"/*.manifest &&
	PM_DATA=$A expect_status 65 pm-complaint verify &&
	err_has "live_before is 13, but the live book then held 14 rows (0 left by the archive before, 14 added since)" &&
	sed -i "s/^live_before	13$/live_before	15/" "$d"/*.manifest &&
	PM_DATA=$A expect_status 65 pm-complaint verify &&
	err_has "live_before 15 and live_after 2 cannot be: the book had 14 rows" &&
	cp "$T/keep"/*.manifest "$d"/ &&
	sed -i "s/^live_after	2$/live_after	3/" "$d"/*.manifest &&
	PM_DATA=$A expect_status 65 pm-complaint verify &&
	err_has "live_after is 3, but the live book holds 2 rows up to row 14" &&
	cp "$T/keep"/*.manifest "$d"/ &&
	sed -i "s/^live_after	2$/live_after	1/" "$d"/*.manifest &&
	PM_DATA=$A expect_status 65 pm-complaint verify &&
	err_has "live_after is 1, but the live book holds 2 rows up to row 14" &&
	cp "$T/keep"/*.manifest "$d"/ && PM_DATA=$A expect_status 0 pm-complaint verify
'

test_expect_success 'archive on a full disk: exit 74 naming the book not archived, no leftovers, verify clean' '
	F=$T/full && mkdir -p "$F" &&
	PM_NOW="2026-11-22 09:00" "$TOP/tests/histgen" "$F" PM 24 200 5 &&
	(ulimit -f 64; PM_NOW="2026-11-22 09:00" PM_DATA=$F expect_status 74 \
	    pm-report archive) &&
	err_has "cannot write archive/complaint" && err_has "nothing of this book was archived" &&
	test -z "$(find "$F" -name "*.part" -o -name "*.arch" -o -name "*.new")" &&
	PM_DATA=$F expect_status 0 pm-complaint verify
'

# ---- a signature vouches only while the rows it saw stand ------------------------------
S=$T/signed
mkdir -p "$S"
printf 'office = XDZA\nsupervisors = 张主管\n' >"$S/pm.conf"
PM_DATA=$S PM_NOW="2026-11-21 22:00" pm-duty log --kind incident --text "5栋老人求助开门" >/dev/null
PM_DATA=$S PM_NOW="2026-11-22 08:40" pm-duty review --by 张主管 >/dev/null
test_expect_success 'a signed day shows its signature while the log holds' '
	PM_DATA=$S expect_status 0 pm-duty show --date 2026-11-21 &&
	out_has "^signed by 张主管 at 2026-11-22 08:40:00$"
'
test_expect_success 'changed after signing: show prints the rows unvouched, the daily report refuses (exit 65)' '
	cp "$S/duty_log.csv" "$T/log.saved" &&
	sed -i "s/5栋老人求助开门/5栋一切正常/" "$S/duty_log.csv" &&
	PM_DATA=$S expect_status 65 pm-duty show --date 2026-11-21 &&
	err_has "the log of 2026-11-21 was signed by 张主管 at 2026-11-22 08:40:00, and has been changed since" &&
	! out_has "signed by" && out_has "5栋一切正常" &&
	PM_DATA=$S PM_NOW="2026-11-22 09:00" expect_status 65 pm-report duty --date 2026-11-21 &&
	err_has "has been changed since" &&
	cp "$T/log.saved" "$S/duty_log.csv" &&
	PM_DATA=$S expect_status 0 pm-duty show --date 2026-11-21
'

# ---- witnessed heads: a forged chain is caught by any head kept from before ------------
W=$T/witness
mkdir -p "$W"
echo "office = XDZA" >"$W/pm.conf"
for t in 一号门岗正常 5栋老人求助开门 三号车库积水; do
	PM_DATA=$W PM_NOW="2026-11-21 22:00" pm-duty log --text "$t" >/dev/null
done
# the forger: pm-files(5) is all it needs - change a row, recompute every hash after it
forge() {
	book=$1 from=$2 to=$3
	sed -i "s/$from/$to/" "$book"
	header=$(head -1 "$book")
	prev=$(printf '%s' "$header" | sha256sum | cut -c1-64)
	{
		echo "$header"
		tail -n +2 "$book" | while IFS= read -r row; do
			content=${row%,*}
			prev=$(printf '%s\n%s' "$prev" "$content" | sha256sum | cut -c1-64)
			echo "$content,$prev"
		done
	} >"$book.forged" && mv "$book.forged" "$book"
}
test_expect_success 'pm-report heads: every book, its last seq and the first 16 hex of its hash' '
	PM_DATA=$W expect_status 0 pm-report heads --format csv &&
	last=$(tail -1 "$W/duty_log.csv") && h=${last##*,} &&
	out_has "^book,seq,head$" && out_has "^duty_log,3,$(echo "$h" | cut -c1-16)$" &&
	cp "$T/out" "$T/kept.csv"
'
test_expect_success 'the heads kept hold: verify --witness says so for each' '
	PM_DATA=$W expect_status 0 pm-report verify --witness "$T/kept.csv" &&
	out_has "duty_log: row 3 as witnessed"
'
test_expect_success 'a forged chain passes verify, and is caught by the witness (exit 65)' '
	forge "$W/duty_log.csv" 5栋老人求助开门 5栋一切正常 &&
	PM_DATA=$W expect_status 0 pm-duty verify && out_has "chain intact" &&
	PM_DATA=$W expect_status 65 pm-report verify --witness "$T/kept.csv" &&
	err_has "duty_log: row 3 is not the row the witness kept" &&
	err_has "the book was rewritten"
'
test_expect_success 'every command'"'"'s verify takes --witness: its own chain clean, the forgery caught' '
	for c in pm-duty pm-complaint pm-key pm-visit pm-owner pm-desk pm-fee pm-reno; do
		PM_DATA=$W expect_status 65 $c verify --witness "$T/kept.csv" &&
		out_has "chain intact" && err_has "^$c: duty_log: row 3 is not the row the witness kept" ||
		{ echo "$c"; exit 1; }
	done &&
	PM_DATA=$W expect_status 64 pm-duty show --witness "$T/kept.csv" &&
	err_has "option --witness does not apply here"
'
test_expect_success 'rows cut off after the witness are caught too, and a bad file is named' '
	head -n 2 "$W/duty_log.csv" >"$T/cut" && mv "$T/cut" "$W/duty_log.csv" &&
	PM_DATA=$W expect_status 65 pm-report verify --witness "$T/kept.csv" &&
	err_has "the book no longer holds it" &&
	echo nothing >"$T/empty.txt" &&
	PM_DATA=$W expect_status 65 pm-report verify --witness "$T/empty.txt" &&
	err_has "holds no heads" &&
	PM_DATA=$W expect_status 66 pm-report verify --witness "$T/none.csv"
'

test_expect_success 'a data directory anyone may write is refused (exit 73), unless sticky and ours' '
	O=$T/open && mkdir -p "$O" && chmod 777 "$O" &&
	PM_DATA=$O expect_status 73 pm-duty log --text 一条 &&
	err_has "data directory $O is writable by everyone" && test ! -e "$O/duty_log.csv" &&
	chmod 1777 "$O" && PM_DATA=$O expect_status 0 pm-duty log --text 一条 &&
	chmod 777 "$O" && printf "shared = group\n" >"$O/pm.conf" &&
	PM_DATA=$O expect_status 0 pm-duty show
'

# ---- signed reviews: the head a supervisor's SSH key vouches for ------------------------
S=$T/sshsigned
mkdir -p "$S"
printf "office = XDZA\nsupervisors = 张主管\n" >"$S/pm.conf"
ssh-keygen -q -t ed25519 -N "" -C 张主管 -f "$T/zhang" &&
ssh-keygen -q -t ed25519 -N "" -C 冒名 -f "$T/other" &&
echo "张主管 $(cat "$T/zhang.pub")" >"$S/allowed_signers"
for t in 一号门岗正常 5栋老人求助开门 三号车库积水; do
	PM_DATA=$S PM_NOW="2026-11-21 22:00" pm-duty log --text "$t" >/dev/null
done
sv() { PM_DATA=$S PM_NOW="2026-11-22 08:40" "$@"; }
test_expect_success 'a review signed with a key not the reviewer'"'"'s is refused, nothing written' '
	sum=$(book_sum "$S/anchors.csv") &&
	sv expect_status 65 pm-duty review --by 张主管 --sign --key "$T/other" &&
	err_has "^pm-duty: duty_log: the signature of the review of 2026-11-21 by 张主管 does not hold" &&
	sv expect_status 65 pm-duty review --by 张主管 --sign --key "$T/none" && err_has "^pm-duty: --key: " &&
	sv expect_status 64 pm-duty review --by 张主管 --key "$T/zhang" && err_has "--key goes with --sign" &&
	test "$(book_sum "$S/anchors.csv")" = "$sum" && test ! -e "$S/signatures/duty_log-review-2026-11-21.sig"
'
test_expect_success 'signed with the supervisor'"'"'s key ($PM_SIGNING_KEY): verify and show say so' '
	PM_SIGNING_KEY=$T/zhang sv expect_status 0 pm-duty review --by 张主管 --sign && out_is A000001 &&
	grep -q "^-----BEGIN SSH SIGNATURE-----$" "$S/signatures/duty_log-review-2026-11-21.sig" &&
	sv expect_status 0 pm-duty verify && out_has "signatures: 1 signed reviews and checks, each good" &&
	sv expect_status 0 pm-duty show --date 2026-11-21 && out_has "^signed by 张主管 at 2026-11-22 08:40:00$" &&
	sv expect_status 0 pm-key verify && out_has "each good"
'
test_expect_success 'the insider forgery, the anchor rewritten too: the signature catches it' '
	cp -R "$S" "$T/forged" && F=$T/forged &&
	forge "$F/duty_log.csv" 5栋老人求助开门 5栋一切正常 &&
	old=$(cut -d, -f5 "$S/anchors.csv" | sed -n 2p) && new=$(tail -1 "$F/duty_log.csv") && new=${new##*,} &&
	forge "$F/anchors.csv" "$old" "$new" &&
	PM_DATA=$F expect_status 65 pm-duty verify && out_has "anchors.csv: 1 rows, chain intact" &&
	err_has "the signature of the review of 2026-11-21 by 张主管 does not hold" &&
	PM_DATA=$F expect_status 65 pm-duty show --date 2026-11-21 && ! grep -q "signed by" "$T/out" &&
	out_has "5栋一切正常"
'
test_expect_success 'a signature removed is damage; required signatures refuse an unsigned review' '
	cp -R "$S" "$T/nosig" && rm "$T/nosig/signatures/duty_log-review-2026-11-21.sig" &&
	PM_DATA=$T/nosig expect_status 65 pm-duty verify && err_has "its signature .* is gone" &&
	echo "require_signed_reviews = yes" >>"$S/pm.conf" &&
	PM_DATA=$S PM_NOW="2026-11-23 08:40" expect_status 65 pm-duty review --by 张主管 &&
	err_has "pm.conf requires signed reviews" &&
	cp -R "$S" "$T/unsigned" && U=$T/unsigned &&
	PM_DATA=$U PM_NOW="2026-11-23 08:40" pm-duty log --text 夜班正常 >/dev/null &&
	sed -i "s/^require_signed_reviews = yes$/require_signed_reviews = no/" "$U/pm.conf" &&
	PM_DATA=$U PM_NOW="2026-11-24 08:40" pm-duty review --by 张主管 >/dev/null &&
	sed -i "s/^require_signed_reviews = no$/require_signed_reviews = yes/" "$U/pm.conf" &&
	PM_DATA=$U expect_status 65 pm-duty verify &&
	err_has "the review of 2026-11-23 by 张主管 is not signed, and pm.conf requires signed reviews" &&
	sed -i "s/^require_signed_reviews = yes$/require_signed_reviews = maybe/" "$U/pm.conf" &&
	PM_DATA=$U expect_status 78 pm-duty verify && err_has "require_signed_reviews: expected yes or no"
'

# ---- the paper is a witness: forms and reports end with the heads -------------------------
P=$T/paper
mkdir -p "$P" && printf "office = XDZA\n" >"$P/pm.conf"
test_expect_success 'a printed form ends with its books'"'"' heads; kept, it catches a forgery' '
	PM_DATA=$P PM_NOW="2026-11-21 09:00" pm-owner add --unit 0010102030 --name 陈大文 >/dev/null &&
	PM_DATA=$P PM_NOW="2026-11-21 10:00" pm-desk release --unit 0010102030 --items 沙发一套 \
	    --carrier 搬家王 --confirmed-by 陈大文 >/dev/null &&
	PM_DATA=$P expect_status 0 pm-desk form F000001 && cp "$T/out" "$T/slip.txt" &&
	last=$(tail -1 "$P/desk_releases.csv") && h=$(echo "${last##*,}" | cut -c1-16) &&
	test "$(tail -1 "$T/slip.txt")" = "  desk_releases 1 $h" &&
	test "$($TOP/tests/width <"$T/slip.txt")" -le 80 &&
	PM_DATA=$P expect_status 0 pm-desk verify --witness "$T/slip.txt" &&
	out_has "desk_releases: row 1 as witnessed ($h)" &&
	cp -R "$P" "$T/paper2" && forge "$T/paper2/desk_releases.csv" 沙发一套 沙发两套 &&
	PM_DATA=$T/paper2 expect_status 0 pm-desk verify &&
	PM_DATA=$T/paper2 expect_status 65 pm-desk verify --witness "$T/slip.txt" &&
	err_has "desk_releases: row 1 is not the row the witness kept"
'
test_expect_success 'a report ends with every book'"'"'s head; pasted back, verify --witness reads it' '
	PM_DATA=$P PM_NOW="2026-11-22 07:30" expect_status 0 pm-report duty --date 2026-11-21 &&
	own=$(tail -1 "$P/owners.csv") && h=$(echo "${own##*,}" | cut -c1-16) &&
	out_has "^链头$" && out_has "^  owners  *1  *$h$" &&
	cp "$T/out" "$T/report.txt" &&
	PM_DATA=$P expect_status 0 pm-owner verify --witness - <"$T/report.txt" &&
	out_has "owners: row 1 as witnessed ($h)" && out_has "desk_releases: row 1 as witnessed" &&
	PM_DATA=$P PM_NOW="2026-11-22 07:30" expect_status 0 pm-report duty --date 2026-11-21 --format json &&
	grep -q "\"heads\": *\[" "$T/out"
'

# ---- what is printed vouches for its books (issue 14) -----------------------------------
test_expect_success 'a record or form printed from a changed book says so, exit 65' '
	V=$T/vouch && mkdir -p "$V" && office "$V" XDZV 100 &&
	PM_DATA=$V PM_NOW="2026-11-02 09:00" expect_status 0 pm-complaint add --unit 0010102030 \
	    --name 甲 --text 楼上漏水 && code=$(cat "$T/out") &&
	PM_DATA=$V PM_NOW="2026-11-03 09:00" expect_status 0 pm-complaint show "$code" &&
	PM_DATA=$V PM_NOW="2026-11-03 09:00" expect_status 0 pm-complaint form "$code" &&
	sed -i "s/楼上漏水/楼下漏水/" "$V/complaints.csv" &&
	PM_DATA=$V PM_NOW="2026-11-03 09:00" expect_status 65 pm-complaint show "$code" &&
	out_has "楼下漏水" && test "$(wc -l <"$T/err")" = 1 &&
	err_has "^pm-complaint: .*complaints.csv line 2: row 1 does not match the hash chain" &&
	err_has "may have been changed since it was written" &&
	PM_DATA=$V PM_NOW="2026-11-03 09:00" expect_status 65 pm-complaint form "$code" &&
	out_has "^链头" && err_has "row 1 does not match"
'

# ---- vouching from the nearest head --------------------------------------------------------
# 2,000 complaints registered 2026-10-01 (texts with quotes, commas and
# line breaks, so that lines are not rows), the supervisor's daily check
# of that day on the 2nd, then one more complaint on the 3rd.
N=$T/near && office "$N" XDZN 100
awk 'BEGIN { print "unit,name,text,at"; for (i = 1; i <= 2000; i++)
	printf "0010102030,业主%d,\"第%d件, 说\"\"漏水\"\"\n第二行\",2026-10-01 09:%02d\n", i, i, i % 60 }' \
    >"$T/many.csv"
PM_DATA=$N PM_NOW="2026-10-01 18:00" pm-complaint import "$T/many.csv" >/dev/null
PM_DATA=$N PM_NOW="2026-10-02 08:30" pm-complaint check --by 张主管 --date 2026-10-01 >/dev/null
late=$(PM_DATA=$N PM_NOW="2026-10-03 09:00" pm-complaint add --unit 0010102031 --name 新业主 \
    --text 十月三日的事)
first=$(PM_DATA=$N pm-complaint list --format csv | sed -n 2p | cut -d, -f1)
cp "$N/complaints.csv" "$T/near.keep"
near() { PM_DATA=$N PM_NOW="2026-10-04 10:00" "$@"; }
test_expect_success 'a show vouches from the check before it: an older row changed is not its to see' '
	test "$late" = XDZN-B-QT-002001 && test "$first" = XDZN-B-QT-000001 &&
	test "$(cut -d, -f3,4,6 "$N/anchors.csv" | sed -n 2p)" = "complaints,2000,check" &&
	# row 5 of the book (before the check) edited by hand, no hash redone
	sed -i "0,/业主5,/s//业主伍,/" "$N/complaints.csv" && ! cmp -s "$N/complaints.csv" "$T/near.keep" &&
	near expect_status 0 pm-complaint show "$late" &&
	near expect_status 0 pm-complaint form "$late" &&
	# what was written before the check is vouched for by the whole book
	near expect_status 65 pm-complaint show "$first" &&
	err_has "complaints.csv line 10: row 5 does not match the hash chain" &&
	near expect_status 65 pm-complaint verify &&
	cp "$T/near.keep" "$N/complaints.csv"
'
test_expect_success 'a row after the check changed: the show of it is unvouched (exit 65)' '
	sed -i "s/十月三日的事/十月三日无事/" "$N/complaints.csv" &&
	near expect_status 65 pm-complaint show "$late" &&
	out_has 十月三日无事 && err_has "complaints.csv line 4002: row 2001 does not match" &&
	cp "$T/near.keep" "$N/complaints.csv" && near expect_status 0 pm-complaint show "$late"
'
test_expect_success 'rewritten with its hash after a later check: the later check'"'"'s head catches it' '
	near expect_status 0 pm-complaint check --by 张主管 --date 2026-10-03 &&
	# the insider rewrites row 2001 and its hash as pm-files(5) says:
	# sha256 of the row before'"'"'s hash, a newline, the row up to its last comma
	prev=$(sed -n 4001p "$N/complaints.csv" | sed "s/.*,//") &&
	body=$(tail -n 1 "$N/complaints.csv" | sed "s/,[^,]*$//; s/十月三日的事/十月三日无事/") &&
	hash=$(printf "%s\n%s" "$prev" "$body" | sha256sum | cut -d" " -f1) &&
	{ head -n -1 "$T/near.keep"; echo "$body,$hash"; } >"$N/complaints.csv" &&
	near expect_status 65 pm-complaint show "$late" && out_has 十月三日无事 &&
	err_has "row 2001 differs from the check of 2026-10-03" &&
	cp "$T/near.keep" "$N/complaints.csv" && near expect_status 0 pm-complaint show "$late"
'
