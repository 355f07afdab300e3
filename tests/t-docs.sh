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
test_expect_success 'make install honours PREFIX and DESTDIR' '
	make -s -C "$TOP" install PREFIX=/opt/pm DESTDIR="$T/root" >/dev/null &&
	for c in "$TOP"/bin/pm-*.c; do
		c=$(basename "$c" .c)
		test -x "$T/root/opt/pm/bin/$c" && test -f "$T/root/opt/pm/share/man/man1/$c.1" || exit 1
	done &&
	test -f "$T/root/opt/pm/share/man/man5/pm-files.5"
'
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
