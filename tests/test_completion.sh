#!/bin/bash
# The bash completion file registers umlnet and uml_switch and completes their words.
# Usage: test_completion.sh COMPLETION-FILE [UML_SWITCH-BINARY]
set -u
. "$1" || exit 1
fail() { echo "FAIL: $*"; exit 1; }

complete -p umlnet | grep -q -- '-F _umlnet umlnet$' || fail "complete -p umlnet: $(complete -p umlnet 2>&1)"
complete -p uml_switch >/dev/null 2>&1 || fail "uml_switch has no completion"

# complete_words WORD... : runs the umlnet/uml_switch function as bash would for the last word.
complete_words() {
	COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
	case $1 in umlnet) _umlnet ;; uml_switch) _uml_switch ;; esac
	echo "${COMPREPLY[*]}"
}
[[ $(complete_words umlnet st) == status ]] || fail "umlnet st -> '$(complete_words umlnet st)'"
[[ $(complete_words umlnet -j host-) == "host-up host-down" ]] || fail "umlnet -j host- -> '$(complete_words umlnet -j host-)'"
[[ $(complete_words umlnet -n lab st) == status ]] || fail "umlnet -n lab st -> '$(complete_words umlnet -n lab st)'"
[[ $(complete_words umlnet lc) == "lclean lcheck lcapture" ]] || fail "umlnet lc -> '$(complete_words umlnet lc)'"
[[ $(complete_words umlnet --ver) == --version ]] || fail "umlnet --ver -> '$(complete_words umlnet --ver)'"
[[ $(complete_words umlnet up lab.conf --ho) == --host ]] || fail "umlnet up lab.conf --ho -> '$(complete_words umlnet up lab.conf --ho)'"
[[ $(complete_words uml_switch -compat) == -compat-v0 ]] || fail "uml_switch -compat -> '$(complete_words uml_switch -compat)'"
[[ $(complete_words umlnet -q image b) == build ]] || fail "umlnet -q image b -> '$(complete_words umlnet -q image b)'"

# uml_switch (its binary is $2): every option of its --help, the -limit names of its --help and
# the transports of its "unknown transport" message (the transport table's names) complete.
if [[ -n ${2:-} ]]; then
	help=$("$2" --help 2>&1 | grep -v "uml_switchctl")
	for opt in $(grep -oE '(^|[][ ,])--?[a-z][a-z0-9-]*' <<<"$help" | grep -oE -- '--?[a-z][a-z0-9-]*$' | sort -u); do
		[[ " $(complete_words uml_switch "$opt") " == *" $opt "* ]] ||
			fail "uml_switch $opt (in its --help) does not complete"
	done
	for name in $(grep -oE '^ +[a-z-]+=[0-9]+' <<<"$help" | grep -oE '[a-z-]+='); do
		[[ " $(complete_words uml_switch -limit "${name:0:3}") " == *" $name "* ]] ||
			fail "uml_switch -limit ${name:0:3} does not offer $name"
		[[ " $(complete_words uml_switch -limit "macs-per-port=1,${name:0:3}") " == *" macs-per-port=1,$name "* ]] ||
			fail "uml_switch -limit macs-per-port=1,${name:0:3} does not offer it"
	done
	known=$("$2" -port nosuch 2>&1 | grep -oE 'known: [^)]*')
	[[ -n $known ]] || fail "uml_switch -port nosuch names no known transports"
	classic=${known#known: }; classic=${classic%%;*}
	vector=${known##*transport=}; vector=${vector%,...}
	for t in ${classic//,/ }; do
		[[ " $(complete_words uml_switch -port "$t") " == *" $t, "* ]] ||
			fail "uml_switch -port $t does not complete"
	done
	for t in ${vector//|/ }; do
		[[ " $(complete_words uml_switch -port "transport=$t") " == *" transport=$t, "* ]] ||
			fail "uml_switch -port transport=$t does not complete"
	done
fi
echo ok
