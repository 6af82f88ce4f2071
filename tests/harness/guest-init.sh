#!/bin/sh
# init for umlnet's test guests: a real UML kernel booted with the host's / as a read-only hostfs
# root (tests/harness/umlnet_harness.py starts it). It mounts scratch space and then serves
# commands from the harness over the second console (con1=fd:3, a socketpair on the host):
# each request is one line of base64 (a shell script), each answer is
#   @@BEGIN <id>\n<base64 of the combined output>\n@@END <id> <exit status>\n
# base64 keeps the channel free of console and terminal effects whatever the output holds.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/run/home TMPDIR=/run/tmp
mount -t proc proc /proc
mount -t sysfs sys /sys
# Scratch on /run only: /tmp may hold the very checkout this script runs from.
mount -t tmpfs -o size=32m run /run
mkdir -p /run/tmp /run/home /run/agent
[ -n "$GUEST_NAME" ] && hostname "$GUEST_NAME"
ip link set lo up
exec 5<>/dev/tty1
stty raw -echo <&5
echo "@@READY $GUEST_NAME"
n=0
while IFS= read -r line <&5; do
	n=$((n + 1))
	printf '%s\n' "$line" | base64 -d > /run/agent/cmd 2>/dev/null
	sh /run/agent/cmd > /run/agent/out 2>&1 < /dev/null
	rc=$?
	{ echo "@@BEGIN $n"; base64 -w0 /run/agent/out; echo; echo "@@END $n $rc"; } >&5
done
echo "@@AGENT-EOF"
poweroff -f
