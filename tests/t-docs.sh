#!/bin/sh
# The man pages are part of the product: clean under mandoc -Tlint, one
# page a command, and every command that --help lists is documented.
. "$(dirname "$0")/lib.sh"

for page in "$TOP"/man/*.[15]; do
	test_expect_success "$(basename "$page") is clean under mandoc -Tlint" "
		mandoc -Tlint -W warning '$page'
	"
	test_expect_success "$(basename "$page") has EXIT STATUS, ENVIRONMENT or FILES, and EXAMPLES" "
		grep -q '^\.Sh FILES' '$page' && grep -q '^\.Sh EXAMPLES' '$page'
	"
done
for src in "$TOP"/bin/pm-*.c; do
	cmd=$(basename "$src" .c)
	test_expect_success "$cmd has a man page with EXIT STATUS and ENVIRONMENT" "
		grep -q '^\.Sh EXIT STATUS' '$TOP/man/$cmd.1' &&
		grep -q '^\.Sh ENVIRONMENT' '$TOP/man/$cmd.1'
	"
	test_expect_success "every command in $cmd --help is in its man page" "
		$cmd --help | sed -n '/^Commands:/,/^\$/p' | sed 1d |
		    awk '/^  [a-z]/ { print \$1 }' | sort -u >'$T/cmds' &&
		test -s '$T/cmds' &&
		while read -r c; do
			grep -q \"^\\.Cm \$c\" '$TOP/man/$cmd.1' || { echo \"\$c undocumented\"; exit 1; }
		done <'$T/cmds'
	"
done
test_expect_success 'the README shows make demo and make check' '
	grep -q "make demo" "$TOP/README" && grep -q "make check" "$TOP/README"
'
test_expect_success 'every deadline of the rules table is in pm-complaint(1)' '
	pm-complaint --help | sed -n "/^Deadlines/,/^\$/p" | sed 1d |
	    awk "/^  [a-z]/ { print \$1 }" | sort -u >"$T/deadlines" &&
	test "$(wc -l <"$T/deadlines")" -ge 8 &&
	while read -r d; do
		grep -q "^\.It Cm $d Ta" "$TOP/man/pm-complaint.1" || { echo "$d undocumented"; exit 1; }
	done <"$T/deadlines"
'
test_expect_success 'every visit window of the rules table is in pm-visit(1)' '
	pm-visit --help | sed -n "/^Windows and targets/,/^\$/p" | sed 1d |
	    awk "/^  [a-z]/" >"$T/windows" &&
	test "$(wc -l <"$T/windows")" -ge 6 &&
	while read -r type rest; do
		target=$(printf "%s\n" "$rest" | grep -o "[0-9]*%")
		grep -q "^\.It Cm $type Ta .* Ta $target\$" "$TOP/man/pm-visit.1" ||
			{ echo "$type $target undocumented"; exit 1; }
	done <"$T/windows"
'
# Install as an admin would, from a copy of the tree (so that the build
# under test is not rebuilt for another prefix): a plain make, then
# make install PREFIX=..., which must rebuild what carries the prefix.
src=$T/src
rm -rf "$src" && mkdir -p "$src" &&
(cd "$TOP" && tar cf - Makefile lib/*.[ch] bin/*.c man po/*.po po/*.pot contrib data .deps-ok) |
    (cd "$src" && tar xf -)
test_expect_success 'a plain make, then make install PREFIX=...: the commands speak Chinese there' '
	make -s -C "$src" >/dev/null 2>&1 &&
	make -s -C "$src" install PREFIX="$T/opt" >/dev/null 2>&1 &&
	test -x "$T/opt/bin/pm-key" &&
	mkdir -p "$T/locale" && localedef -i zh_CN -f UTF-8 "$T/locale/zh_CN.UTF-8" >/dev/null 2>&1 &&
	(unset TEXTDOMAINDIR; LOCPATH=$T/locale LC_ALL=zh_CN.UTF-8 "$T/opt/bin/pm-key" --help) |
	    grep -q "^用法：pm-key" &&
	for c in "$TOP"/bin/pm-*.c; do
		c=$(basename "$c" .c)
		test -x "$T/opt/bin/$c" && test -f "$T/opt/share/man/man1/$c.1" &&
		test -f "$T/opt/share/bash-completion/completions/$c" || exit 1
	done &&
	test -f "$T/opt/share/man/man5/pm-files.5"
'
test_expect_success 'make uninstall leaves nothing behind' '
	make -s -C "$src" uninstall PREFIX="$T/opt" >/dev/null 2>&1 &&
	test -z "$(find "$T/opt" -type f)"
'
test_expect_success 'make install honours DESTDIR' '
	make -s -C "$src" install PREFIX=/opt/pm DESTDIR="$T/root" >/dev/null 2>&1 &&
	test -x "$T/root/opt/pm/bin/pm-duty" &&
	test -f "$T/root/opt/pm/share/locale/zh_CN/LC_MESSAGES/pm-tools.mo" &&
	test -f "$T/root/opt/pm/share/bash-completion/completions/pm-duty"
'
# bash completes what --help lists: every command, and every option.
complete_words() { # CMD WORD...: what bash offers for the last word
	cmd=$1; shift
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
	    _$(echo "$1" | tr - _); printf "%s\n" "${COMPREPLY[@]}"' \
	    sh "$TOP/contrib/bash-completion/$cmd" "$cmd" "$@"
}
if command -v bash >/dev/null; then
	for src_c in "$TOP"/bin/pm-*.c; do
		cmd=$(basename "$src_c" .c)
		test_expect_success "bash completes every command and option of $cmd --help" "
			complete_words $cmd '' | sort >'$T/subs' &&
			$cmd --help | sed -n '/^Commands:/,/^\$/p' | sed 1d |
			    awk '/^  [a-z]/ { print \$1 }' | sort -u >'$T/want' &&
			comm -13 '$T/subs' '$T/want' >'$T/missing' && test ! -s '$T/missing' &&
			complete_words $cmd verify -- | sort >'$T/opts' &&
			$cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u >'$T/want' &&
			comm -13 '$T/opts' '$T/want' >'$T/missing' &&
			{ test ! -s '$T/missing' || { echo missing:; cat '$T/missing'; exit 1; }; }
		"
	done
fi
test_expect_success 'contrib timers fire at the office'"'"'s time and parse' '
	for t in "$TOP"/contrib/*.timer; do
		cal=$(sed -n "s/^OnCalendar=//p" "$t") && test -n "$cal" || exit 1
		case "$cal" in
		*Asia/Shanghai|\**/*) ;;
		*) echo "$t: $cal has no zone"; exit 1 ;;
		esac
		if command -v systemd-analyze >/dev/null; then
			systemd-analyze calendar "$cal" >/dev/null || exit 1
		fi
		test -f "${t%.timer}.service" || { echo "$t: no service"; exit 1; }
	done
'
