#!/bin/sh
# The Chinese interface (gettext, po/zh_CN.po): complete, chosen by the
# locale, installed by make install; forms, reports and CSV columns the
# same in every locale.
. "$(dirname "$0")/lib.sh"

cat >"$PM_DATA/pm.conf" <<'CONF'
office = ZW
CONF
TEXTDOMAINDIR=$TOP/po/locale
export TEXTDOMAINDIR

# A zh_CN.UTF-8 locale of our own (glibc's LOCPATH): no root needed.
mkdir -p "$T/locale"
if localedef -i zh_CN -f UTF-8 "$T/locale/zh_CN.UTF-8" >/dev/null 2>&1; then
	have_zh=yes
else
	have_zh=no
fi
zh() { LOCPATH=$T/locale LC_ALL=zh_CN.UTF-8 "$@"; }

test_expect_success 'the catalogue has every message of the sources, none fuzzy' '
	(cd "$TOP" && xgettext --from-code=UTF-8 -k_ -kN_ --language=C -o "$T/fresh.pot" lib/*.c bin/*.c) &&
	msgcmp "$TOP/po/zh_CN.po" "$T/fresh.pot" &&
	msgfmt --check --statistics -o /dev/null "$TOP/po/zh_CN.po" 2>"$T/stat" &&
	! grep -Eq "fuzzy|untranslated" "$T/stat"
'

if [ $have_zh = yes ]; then
	test_expect_success 'zh_CN: a wrong unit is refused in Chinese, same exit status' '
		zh expect_status 65 pm-complaint add --unit 12 --name 陈 --text 漏水 &&
		err_has "应为 10 位房号" && err_has "^pm-complaint: --unit：" &&
		LC_ALL=C.UTF-8 expect_status 65 pm-complaint add --unit 12 --name 陈 --text 漏水 &&
		err_has "expected a unit code of 10 digits"
	'
	test_expect_success 'zh_CN: an import names the line of each bad row in Chinese' '
		printf "at,kind,text\n2026-11-01 10:00,other,好\n2026-11-01 11:00,gossip,坏\n" >"$T/bad.csv" &&
		zh expect_status 65 pm-duty import "$T/bad.csv" &&
		err_has "^pm-duty: 第 3 行：kind：" && ! err_has "line 3"
	'
	test_expect_success 'zh_CN: --help of every command is Chinese' '
		for c in pm-duty pm-key pm-complaint pm-visit pm-owner pm-report pm-desk pm-fee pm-reno; do
			zh $c --help >"$T/out" && out_has "^用法：$c" && out_has "选项：" || exit 1
		done
	'
	test_expect_success 'zh_CN: LANG alone chooses it too (no LC_ALL)' '
		(unset LC_ALL; LOCPATH=$T/locale LANG=zh_CN.UTF-8 pm-key --help) | grep -q "^用法：pm-key"
	'
	test_expect_success 'zh_CN: busy, usage and data errors read Chinese' '
		zh expect_status 64 pm-duty frobnicate && err_has "未知命令" &&
		zh expect_status 65 pm-duty log --kind incident --text "" && err_has "不能为空" &&
		zh expect_status 65 pm-report complaints --month 2026-13 && err_has "应为 YYYY-MM"
	'
	test_expect_success 'forms, reports and CSV columns are the same in every locale' '
		code=$(PM_NOW="2026-11-02 09:00" pm-complaint add --unit 0010100001 --name 陈 --text 漏水 --importance B --category GC) &&
		PM_NOW="2026-11-02 10:00" LC_ALL=C.UTF-8 pm-complaint form "$code" >"$T/form.c" &&
		PM_NOW="2026-11-02 10:00" zh pm-complaint form "$code" >"$T/form.zh" &&
		cmp "$T/form.c" "$T/form.zh" && grep -q 投诉登记表 "$T/form.c" &&
		PM_NOW="2026-11-30 10:00" LC_ALL=C.UTF-8 pm-report complaints --month 2026-11 >"$T/rep.c" &&
		PM_NOW="2026-11-30 10:00" zh pm-report complaints --month 2026-11 >"$T/rep.zh" &&
		cmp "$T/rep.c" "$T/rep.zh" && grep -q 投诉统计 "$T/rep.c" &&
		LC_ALL=C.UTF-8 pm-complaint list --format csv | head -1 >"$T/h.c" &&
		zh pm-complaint show "$code" | grep -q "时限" &&
		zh pm-complaint list --format csv | head -1 >"$T/h.zh" && cmp "$T/h.c" "$T/h.zh"
	'
elif [ "${CI:-}" = true ]; then
	echo "not ok - zh_CN: localedef cannot make zh_CN.UTF-8 (apt-get install locales)"
else
	echo "ok - zh_CN messages # SKIP no zh_CN locale source (apt-get install locales)"
fi

# A locale whose numbers have a decimal comma (de_DE): amounts and rates
# are still read and written with a point, as the billing system and CSV
# have them.
if localedef -i de_DE -f UTF-8 "$T/locale/de_DE.UTF-8" >/dev/null 2>&1; then
	test_expect_success 'de_DE: 45.5 yuan is read as 45.5 and written 45.50' '
		printf "unit,fee,amount,since\n0010102032,water,45.5,2025-01\n" >"$T/owed.csv" &&
		PM_NOW="2025-01-02 09:00" pm-owner add --unit 0010102032 --name 林小红 >/dev/null &&
		LOCPATH=$T/locale LC_ALL=de_DE.UTF-8 PM_NOW="2025-01-02 09:00" \
		    expect_status 0 pm-fee import "$T/owed.csv" --as-of 2025-01-02 &&
		LOCPATH=$T/locale LC_ALL=de_DE.UTF-8 PM_NOW="2025-01-02 09:00" \
		    pm-fee list --format csv >"$T/out" &&
		out_has "^0010102032,water,45.50,0,"
	'
elif [ "${CI:-}" = true ]; then
	echo "not ok - de_DE: localedef cannot make de_DE.UTF-8 (apt-get install locales)"
fi

test_expect_success 'make install puts the catalogue where the commands look' '
	(cd "$TOP" && make -s install DESTDIR="$T/inst" PREFIX=/opt/pm >/dev/null) &&
	test -f "$T/inst/opt/pm/share/locale/zh_CN/LC_MESSAGES/pm-tools.mo" &&
	cmp "$T/inst/opt/pm/share/locale/zh_CN/LC_MESSAGES/pm-tools.mo" \
	    "$TOP/po/locale/zh_CN/LC_MESSAGES/pm-tools.mo"
'
