# SPDX-License-Identifier: MIT
# golden/options.sh — sourced by golden/run.sh: every command's option table, as the real binary
# shows and parses it. One wording for a missing value and an unknown option (exit 2, nothing on
# stdout), --opt=value as --opt value, a flag refusing a value, and the usage, the --help option
# list and the man page's SYNOPSIS naming the same options.
opt_commands() { # "" (armpy itself) and every command `armpy --help` lists
	echo ""
	"$ARMPY" --help | sed -n '/^Commands/,/^$/p' | awk 'NR > 1 && NF { print $1 }'
}
opt_list() { # CMD: "NAME METAVAR" (or "NAME") for each entry of its --help option list
	"$ARMPY" $1 --help | sed -n '/^Options:/,/^$/p' |
		grep -E '^(  -[A-Za-z], |      )--[a-z]' | sed -E 's/^ +(-[A-Za-z], )?//; s/  .*//'
}
opt_usage() { # CMD: the options its usage lines name
	"$ARMPY" $1 --help | awk '/^usage:/,/^$/' | grep -oE -- '--[a-z][a-z-]*' | sort -u
}
opt_man() { # CMD: the options the SYNOPSIS of armpy(1) shows for it
	sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$TOP/docs/armpy.1" | sed -E '/^\.PP/,$d; s/\\-/-/g' |
		awk -v want="$1" '/^\.B armpy/ { cmd = ($3 ~ /^[a-z]+$/) ? $3 : "" } cmd == want' |
		grep -oE -- '--[a-z][a-z-]*' | sort -u
}
opt_expect() { # NAME WANT_STDERR CMD ARGS...: exit 2, exactly WANT_STDERR, empty stdout
	local name=$1 want=$2 rc; shift 2
	"$ARMPY" "$@" >"$out/o.out" 2>"$out/o.err"; rc=$?
	if [ "$rc" = 2 ] && [ "$(cat "$out/o.err")" = "$want" ] && [ ! -s "$out/o.out" ]; then
		t_pass "$name"
	else
		t_fail "$name: exit $rc, stderr '$(head -c 300 "$out/o.err")', want '$want'"
	fi
}

ncmd=0
while read -r cmd; do
	ncmd=$((ncmd + 1))
	who="armpy${cmd:+ $cmd}"
	list=$(opt_list "$cmd")
	opt_expect "$who: unknown option" "$who: unknown option '--no-such'; see '$who --help'" \
		$cmd --no-such
	opt_expect "$who: unknown option=value" "$who: unknown option '--no-such'; see '$who --help'" \
		$cmd --no-such=1
	names=$(echo "$list" | awk '{ print $1 }' | sort -u)
	valued=0 flags=0
	while read -r opt meta; do
		if [ -n "$meta" ]; then
			valued=$((valued + 1))
			opt_expect "$who $opt: missing value" "$who: option '$opt' needs a value ($meta)" \
				$cmd "$opt"
			opt_expect "$who $opt=: empty value" "$who: option '$opt' needs a value ($meta)" \
				$cmd "$opt="
		else
			flags=$((flags + 1))
			opt_expect "$who $opt=x: a flag takes no value" "$who: option '$opt' takes no value" \
				$cmd "$opt=x"
		fi
	done <<<"$list"
	t_check "$who: --help lists options ($valued with a value, $flags flags)" test -n "$list"
	usage=$(opt_usage "$cmd")
	t_check "$who: usage and --help list the same options" \
		test "$usage" = "$(echo "$names" | grep -vxE -- '--help')"
	man=$(opt_man "$cmd")
	if [ "$man" = "$(echo "$names" | grep -vxE -- '--help')" ]; then
		t_pass "$who: armpy(1) SYNOPSIS names exactly its options"
	else
		t_fail "$who: armpy(1) SYNOPSIS vs --help: $(diff <(echo "$man") \
			<(echo "$names" | grep -vxE -- '--help') | grep '^[<>]' | tr '\n' ' ')"
	fi
done < <(opt_commands)
t_check "options: every command checked ($ncmd)" test "$ncmd" -ge 8

# --opt=value is --opt value: the same plan, the same detection overrides.
args=(tests/golden/profiles/system-openblas.yaml tests/fixtures/os-release/debian-12
    tests/fixtures/cpuinfo/neoverse-n1-altra)
(cd "$TOP" && "$ARMPY" plan --profile "${args[0]}" --os-release "${args[1]}" --cpuinfo "${args[2]}" \
    --arch aarch64) >"$out/sp.yaml" 2>&1
(cd "$TOP" && "$ARMPY" plan --profile="${args[0]}" --os-release="${args[1]}" --cpuinfo="${args[2]}" \
    --arch=aarch64) >"$out/eq.yaml" 2>&1
t_check "plan: --opt=value plans as --opt value" cmp -s "$out/sp.yaml" "$out/eq.yaml"
t_check "plan: that plan is for the machine named" grep -qx 'target: debian-12 aarch64' "$out/eq.yaml"
(cd "$TOP" && "$ARMPY" --dry-run --profile="${args[0]}" --os-release="${args[1]}" \
    --cpuinfo="${args[2]}" --arch=aarch64) 2>&1 | grep -v '^#' >"$out/dr.yaml"
t_check "--dry-run: --opt=value plans as plan does" cmp -s "$out/sp.yaml" "$out/dr.yaml"
