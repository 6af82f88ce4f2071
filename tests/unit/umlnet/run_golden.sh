#!/bin/sh
# Golden-file test of the topology parser: `umlnet check cases/NAME.conf` (output and exit
# status) must equal cases/NAME.out; a file that parses must parse again, unchanged, from its
# canonical form.
# usage: run_golden.sh UMLNET CASEDIR NAME
umlnet=$(realpath "$1")
cd "$2" || exit 1
out=$("$umlnet" check "$3.conf" 2>&1)
rc=$?
printf '%s\nexit %d\n' "$out" "$rc" | diff -u "$3.out" - || exit 1
if [ "$rc" -eq 0 ]; then
	tmp=$(mktemp) || exit 1
	printf '%s\n' "$out" > "$tmp"
	again=$("$umlnet" check "$tmp" 2>&1)
	rm -f "$tmp"
	[ "$again" = "$out" ] || { echo "canonical form does not parse back to itself:"; echo "$again"; exit 1; }
fi
