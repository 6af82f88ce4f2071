#!/bin/bash
# The bash completion file registers umlnet and uml_switch and completes their words.
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
echo ok
