#!/bin/sh
# plug_bench - namespace <-> namespace TCP throughput and ping RTT through umlnet-plug + our
# uml_switch, side by side with Debian's vde2 pieces that do the same (vde_switch +
# vde_plug2tap), in one run, alternating rounds so both see the same machine load.
#
# usage: bench/plug_bench.sh [BUILD_DIR] [SECONDS_PER_RUN] [ROUNDS]     (root; iperf3, vde2)
# Everything runs in namespaces this script creates and deletes; nothing leaves the machine.
set -eu
BUILD=${1:-build}
SECS=${2:-5}
ROUNDS=${3:-3}
PLUG=$BUILD/umlnet-plug/umlnet-plug
SWITCH=$BUILD/uml_switch/uml_switch
for p in "$PLUG" "$SWITCH"; do [ -x "$p" ] || { echo "plug_bench: $p is not built" >&2; exit 2; }; done
for p in iperf3 vde_switch vde_plug2tap; do
	command -v $p >/dev/null || { echo "plug_bench: $p is not installed" >&2; exit 2; }
done

TMP=$(mktemp -d /tmp/plug-bench-XXXXXX)
TAG=pb$$
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	sleep 0.3
	for n in a b; do ip netns del "$TAG-$n" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

netns_pair() {
	for n in a b; do ip netns del "$TAG-$n" 2>/dev/null || true; ip netns add "$TAG-$n"; done
	ip netns exec "$TAG-a" ip link set lo up
	ip netns exec "$TAG-b" ip link set lo up
}

addr_up() {
	ip netns exec "$TAG-a" sh -c 'ip addr add 10.99.0.1/24 dev eth0 && ip link set eth0 up'
	ip netns exec "$TAG-b" sh -c 'ip addr add 10.99.0.2/24 dev eth0 && ip link set eth0 up'
	sleep 1
}

# Prints "<Mbit/s> <avg rtt ms>" for the current a <-> b path.
measure() {
	ip netns exec "$TAG-b" iperf3 -s -1 -p 5299 >/dev/null 2>&1 &
	srv=$!
	sleep 0.5
	mbit=$(ip netns exec "$TAG-a" iperf3 -c 10.99.0.2 -p 5299 -t "$SECS" -J 2>/dev/null |
		python3 -c 'import json,sys; print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))' ||
		echo 0)
	wait $srv 2>/dev/null || true
	rtt=$(ip netns exec "$TAG-a" ping -c 20 -i 0.05 -q 10.99.0.2 | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
	echo "$mbit ${rtt:-?}"
}

run_umlnet() {
	netns_pair
	$SWITCH -unix "$TMP/u.ctl" -q >"$TMP/u.log" 2>&1 &
	sw=$!
	sleep 0.3
	$PLUG -q --netns "$TAG-a" eth0=daemon,,unix,"$TMP/u.ctl" 2>>"$TMP/u.log" &
	pa=$!
	$PLUG -q --netns "$TAG-b" eth0=daemon,,unix,"$TMP/u.ctl" 2>>"$TMP/u.log" &
	pb=$!
	PIDS="$sw $pa $pb"
	sleep 0.5
	addr_up
	measure
	kill $pa $pb $sw 2>/dev/null; wait $pa $pb $sw 2>/dev/null || true
	PIDS=""
}

run_vde() {
	netns_pair
	vde_switch -s "$TMP/vde" -d -p "$TMP/vde.pid" >/dev/null 2>&1
	n=0
	while [ ! -S "$TMP/vde/ctl" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	sw=$(cat "$TMP/vde.pid")
	ip netns exec "$TAG-a" vde_plug2tap -s "$TMP/vde" -d -P "$TMP/pa.pid" eth0
	ip netns exec "$TAG-b" vde_plug2tap -s "$TMP/vde" -d -P "$TMP/pb.pid" eth0
	sleep 0.3
	PIDS="$sw $(cat "$TMP/pa.pid") $(cat "$TMP/pb.pid")"
	addr_up
	measure
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	sleep 0.3
	rm -rf "$TMP/vde" "$TMP"/*.pid
	PIDS=""
}

U="" V=""
i=1
while [ $i -le "$ROUNDS" ]; do
	U="$U $(run_umlnet | tail -1 | tr ' ' / || true)"
	V="$V $(run_vde | tail -1 | tr ' ' / || true)"
	i=$((i + 1))
done

python3 - "$U" "$V" "$SECS" <<'PY'
import statistics, sys
def parse(s):
    runs = [r.split("/") for r in s.split() if r.count("/") == 1]
    return [float(m) for m, _ in runs], [float(t) for _, t in runs if t != "?"]
(um, ur), (vm, vr) = parse(sys.argv[1]), parse(sys.argv[2])
med = statistics.median
print(f"namespace <-> namespace, iperf3 TCP {sys.argv[3]} s per run, {len(um)} alternating rounds")
print(f"{'path':44} {'TCP Mbit/s median (runs)':34} {'ping avg ms':>11}")
print(f"{'umlnet-plug + umlnet uml_switch (daemon)':44} {med(um):6.0f} ({', '.join('%.0f' % x for x in um)})".ljust(80)
      + f"{med(ur):8.3f}")
print(f"{'vde_plug2tap + vde_switch (vde2)':44} {med(vm):6.0f} ({', '.join('%.0f' % x for x in vm)})".ljust(80)
      + f"{med(vr):8.3f}")
if med(vm) > 0:
    print(f"ratio umlnet / vde2: throughput {med(um) / med(vm):.2f}x, rtt {med(ur) / med(vr):.2f}x")
PY
