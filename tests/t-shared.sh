#!/bin/sh
# A shared office (SPEC 3): several clerks' own Unix accounts and cron's
# service account on one set of books, with shared = group in pm.conf.
# Every file and directory the commands create is 0660/2770 in the data
# directory's group whatever the umask; without it, 0640/0750 (the owner
# archive 0600) -- reports included.  Rows record the Unix login as well
# as --as.  The accounts are made here when run as root (CI is).
. "$(dirname "$0")/lib.sh"

U=0010102030
# every file and directory below $1 that is not pm.conf, as "mode group path"
modes() {
	find "$1" -mindepth 1 ! -name pm.conf -printf '%m %g %y %P\n' | sort -k4
}
# fail listing the paths of $1 whose mode is not $2 for files ($3 dirs)
all_modes() {
	modes "$1" | awk -v f="$2" -v d="$3" -v g="${4:-}" '
		($3 == "f" && $1 != f) || ($3 == "d" && $1 != d) ||
		(g != "" && $2 != g) { print "wrong:", $0; bad = 1 }
		END { exit bad }'
}
office() {
	rm -rf "$1" && mkdir -p "$1" && printf 'office = SH\nlock_timeout = 30\n%s\n' "$2" >"$1/pm.conf"
}
# a day of the desk in $PM_DATA as the calling account, written at $1
cat >"$T/day.sh" <<EOF
desk_day() {
	PM_NOW="\$1" pm-duty log --text "巡查\$1" >/dev/null &&
	PM_NOW="\$1" pm-complaint add --unit $U --name 陈大文 --text "漏水\$1" \\
	    --importance C --category GC >/dev/null &&
	PM_NOW="\$1" pm-key receive --unit $U --count 1 --from 李工 >/dev/null &&
	PM_NOW="\$1" pm-visit service --type other \\
	    --ref "R\$(echo "\$1" | tr -dc 0-9)" --unit $U --done "\$1" >/dev/null &&
	PM_NOW="\$1" pm-desk parcel in --to 陈大文 >/dev/null
}
EOF
. "$T/day.sh"

test_expect_success 'shared = maybe is refused naming the line, nothing created' '
	office "$T/bad" "shared = maybe" &&
	PM_DATA=$T/bad expect_status 78 pm-duty log --text x &&
	err_has "^pm-duty: pm.conf:3: shared: expected group or no, got \"maybe\"$" &&
	test "$(ls "$T/bad")" = pm.conf
'
for mask in 022 002 000; do
	test_expect_success "not shared, umask $mask: 0640/0750, the owner archive 0600, reports too" "
		office '$T/own$mask' '' && cd '$T/own$mask' && umask $mask &&
		PM_DATA=. && export PM_DATA &&
		desk_day '2026-10-05 09:00' &&
		PM_NOW='2026-10-05 09:00' pm-owner add --unit $U --name 陈大文 >/dev/null &&
		PM_NOW='2026-11-02 08:00' pm-report archive >/dev/null &&
		PM_NOW='2026-11-02 08:00' pm-report run >/dev/null &&
		test -d archive && test -d reports &&
		modes . | grep -v ' owner' | awk '\$3 == \"f\" && \$1 != 640 || \$3 == \"d\" && \$1 != 750 { print; bad = 1 } END { exit bad }' &&
		test \"\$(stat -c %a owners.csv)\" = 600
	"
done

if [ "$(id -u)" != 0 ] || ! command -v runuser >/dev/null || ! command -v useradd >/dev/null; then
	echo "# skipped: the shared office needs root to make its accounts"
	exit 0
fi
getent group pmdesk >/dev/null || groupadd pmdesk
for u in pmclerk1 pmclerk2 pmsvc; do
	id "$u" >/dev/null 2>&1 || useradd -M -N -g pmdesk -s /bin/sh "$u"
done
# as an account of the desk, keeping this environment
as() { u=$1; shift; runuser -u "$u" -- env PATH="$PATH" PM_DATA="$PM_DATA" "$@"; }
if ! as pmclerk1 test -x "$TOP/bin/pm-duty"; then
	echo "# skipped: $TOP is not reachable by other accounts"
	exit 0
fi
chmod o+x "$T"

for mask in 022 002 000; do
	S=$T/shared$mask
	test_expect_success "umask $mask: two clerks and cron's account append to every book, archive, report" "
		office '$S' 'shared = group' && chgrp pmdesk '$S' && chmod 2770 '$S' &&
		chgrp pmdesk '$S/pm.conf' && chmod 0640 '$S/pm.conf' && PM_DATA='$S' &&
		as pmclerk1 sh -c 'umask $mask; . $T/day.sh; desk_day \"2026-10-05 09:00\"' &&
		as pmclerk2 sh -c 'umask $mask; . $T/day.sh; desk_day \"2026-10-05 10:00\"' &&
		as pmclerk1 sh -c 'umask $mask; PM_NOW=\"2026-10-05 11:00\" pm-owner add --unit $U --name 陈大文' &&
		as pmclerk2 sh -c 'umask $mask; PM_NOW=\"2026-10-05 12:00\" pm-owner change --unit $U --field phone --value 13812345678 --approved-by 刘经理' &&
		as pmclerk2 sh -c 'umask $mask; PM_NOW=\"2026-10-05 12:00\" pm-duty --as 王五 log --text 冒名' &&
		as pmclerk1 sh -c 'umask $mask; PM_NOW=\"2026-10-05 12:00\" pm-reno apply --unit $U --applicant 陈大文 --contractor 甲 --from 2026-10-06 --until 2026-10-30 --works 刷墙' >/dev/null &&
		as pmclerk2 sh -c 'umask $mask; PM_NOW=\"2026-10-05 12:30\" pm-reno review R000001 --by 刘经理 --decision approve' >/dev/null &&
		as pmsvc sh -c 'umask $mask; PM_NOW=\"2026-11-02 08:00\" pm-report archive' &&
		as pmsvc sh -c 'umask $mask; PM_NOW=\"2026-11-02 08:00\" pm-report run' &&
		as pmsvc sh -c 'umask $mask; PM_NOW=\"2026-11-02 08:10\" pm-report alert' >/dev/null &&
		as pmclerk1 sh -c 'umask $mask; . $T/day.sh; desk_day \"2026-11-02 09:00\"' &&
		test -d '$S/archive/duty_log' && test -d '$S/reports/duty' &&
		test -f '$S/alerts.csv' && test -f '$S/owners.csv' && test -f '$S/renovations.csv'
	"
	test_expect_success "umask $mask: every file 0660 and directory 2770, in the desk's group" "
		all_modes '$S' 660 2770 pmdesk
	"
	test_expect_success "umask $mask: every book verifies; rows name the login beside --as" "
		for c in pm-duty pm-complaint pm-key pm-visit pm-owner pm-desk pm-reno pm-report; do
			as pmclerk2 \$c verify >/dev/null || exit 1
		done &&
		zcat '$S'/archive/duty_log/2026/*.csv.gz | grep -q ',王五,pmclerk2,2026-10-05 12:00:00,' &&
		grep -q ',pmclerk1,2026-10-05 09:00:00,' '$S/complaints.csv' &&
		grep -q ',pmclerk2,2026-10-05 10:00:00,' '$S/complaints.csv'
	"
done

test_expect_success 'a torn row one clerk left is set aside by another, 0660' '
	S=$T/shared022 && PM_DATA=$S &&
	as pmclerk1 sh -c "printf \"99,2026-11-02 09:30:00,other,\\\"torn\" >>$S/duty_log.csv" &&
	as pmclerk2 sh -c "PM_NOW=\"2026-11-02 09:40\" pm-duty log --text 续" >/dev/null 2>&1 &&
	test -f "$S/duty_log.torn" && test "$(stat -c "%a %G" "$S/duty_log.torn")" = "660 pmdesk"
'
