# SPDX-License-Identifier: MIT
# bash completion for armpy(1): commands, options, their fixed values and *.yaml files.
# Installed as /usr/share/bash-completion/completions/armpy.

_armpy_options() { # COMMAND -> the options it takes
	case $1 in
	"") echo "--load --profile --dry-run --check --format --yes --progress --log --bundle --root --os-release --cpuinfo --arch --help --version" ;;
	detect) echo "--root --os-release --cpuinfo --arch --help" ;;
	plan) echo "--profile --facts --output --root --os-release --cpuinfo --arch --help" ;;
	run) echo "--root --dry-run --yes --progress --log --help" ;;
	resume) echo "--yes --progress --log --help" ;;
	undo) echo "--dry-run --yes --progress --log --help" ;;
	bundle) echo "--profile --facts --output --mirror --security-mirror --root --os-release --cpuinfo --arch --help" ;;
	runs) echo "--help" ;;
	validate) echo "--python --root --expect --format --quick --env --no-login-env --thorough --thorough-suite --thorough-k --thorough-timeout --help" ;;
	gflops) echo "--threads --size --repeat --format --root --quick --progress --help" ;;
	report) echo "--html --gflops --help" ;;
	esac
}

_armpy_yaml() { # CUR: *.yaml and *.yml files, and directories to descend into
	COMPREPLY=($(compgen -f -X '!*.yaml' -- "$1") $(compgen -f -X '!*.yml' -- "$1")
		$(compgen -d -S / -- "$1"))
}

_armpy() {
	local cur prev cmd i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		detect|plan|run|resume|undo|bundle|runs|validate|gflops|report) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	case $prev in
	--expect) COMPREPLY=($(compgen -W "openblas blis reference mkl nvpl armpl" -- "$cur")); return ;;
	--thorough-suite) COMPREPLY=($(compgen -W "numpy scipy all" -- "$cur")); return ;;
	--format)
		if [ "$cmd" = validate ] || [ "$cmd" = gflops ]; then COMPREPLY=($(compgen -W "text yaml html" -- "$cur"))
		else COMPREPLY=($(compgen -W "text yaml" -- "$cur")); fi
		return ;;
	--progress)
		if [ "$cmd" != gflops ]; then
			COMPREPLY=($(compgen -W "text json" -- "$cur")); return
		fi ;;
	--arch) COMPREPLY=($(compgen -W "aarch64 x86_64 arm64 amd64" -- "$cur")); return ;;
	--root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	--profile|--load|--facts|-o|--output|--gflops)
		_armpy_yaml "$cur"
		compopt -o nospace -o filenames 2>/dev/null
		return ;;
	--mirror|--security-mirror) return ;;
	--os-release|--cpuinfo|--log|--python|--html|--bundle)
		COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
	--threads|--size|--env) return ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_armpy_options "$cmd")" -- "$cur"))
	elif [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W "detect plan run resume undo bundle runs validate gflops report" -- "$cur"))
	elif [ "$cmd" = run ]; then
		_armpy_yaml "$cur"
		compopt -o nospace -o filenames 2>/dev/null
	fi
}
complete -F _armpy armpy
