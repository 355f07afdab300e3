#!/bin/sh
# contrib/mkcompletion.sh SRC.c PM.H - the bash completion of one command,
# made from the tables the command itself reads: its commands[] (the
# subcommands), its longopts[] and CLI_COMMON_LONGOPTS (the options).
# `make` writes contrib/bash-completion/pm-*; `make install` installs
# them under share/bash-completion/completions.
set -e
src=$1 hdr=$2
cmd=$(basename "$src" .c)
fn=_$(echo "$cmd" | tr - _)
words() { tr '\n' ' ' | sed 's/ *$//'; }
subs=$(sed -n '/commands\[\] = {/,/^};/s/^[[:space:]]*{ "\([a-z-]*\)", cmd_.*/\1/p' "$src" | words)
opts=$({ sed -n '/longopts\[\] = {/,/^};/p' "$src"
	 sed -n '/^#define CLI_COMMON_LONGOPTS/,/^$/p' "$hdr"; } |
	sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", \(no\|required\)_argument.*/--\1/p' | sort -u | words)
cat <<COMPLETION
# bash completion for $cmd (made by contrib/mkcompletion.sh from $src)
$fn()
{
	local cur=\${COMP_WORDS[COMP_CWORD]} i sub=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case \${COMP_WORDS[i]} in
		-D|--data|--as|--format|--out) ((i++)) ;;
		-*) ;;
		*) sub=\${COMP_WORDS[i]}; break ;;
		esac
	done
	case \${COMP_WORDS[COMP_CWORD-1]} in
	-D|--data) COMPREPLY=(\$(compgen -d -- "\$cur")); return ;;
	--out|import) COMPREPLY=(\$(compgen -f -- "\$cur")); return ;;
	--format) COMPREPLY=(\$(compgen -W "table csv json xlsx text html" -- "\$cur")); return ;;
	esac
	if [[ \$cur == -* ]]; then
		COMPREPLY=(\$(compgen -W "$opts" -- "\$cur"))
	elif [[ -z \$sub ]]; then
		COMPREPLY=(\$(compgen -W "$subs" -- "\$cur"))
	fi
}
complete -F $fn $cmd
COMPLETION
