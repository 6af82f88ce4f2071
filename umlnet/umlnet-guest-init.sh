#!/bin/sh
# init of the guests umlnet starts (a UML kernel whose root is the host's / over hostfs, read
# only, made copy-on-write here). It takes its whole configuration from KEY=VALUE words of the kernel command line, which
# reach init as environment variables:
#   UMLNET_NAME=a                  host name
#   UMLNET_ETH0=10.0.0.1/24        an IPv4 address for eth0 (UMLNET_ETH1 ... UMLNET_ETH15 likewise)
#   UMLNET_VEC0=10.0.1.1/24        the same for the vector device vec0 (UMLNET_VEC1 ... 15)
#                                  (=up instead of an address: a device only brought up, which
#                                  is what connects it to its switch)
#   UMLNET_ROUTE0=default,10.0.0.254   a route: destination,gateway (UMLNET_ROUTE1 ... 15)
#   UMLNET_FORWARD=1               route between the interfaces (the guest's own sysctl)
#   UMLNET_RUN=/abs/path/script    a shell script to run once the network is up
#   UMLNET_BASE=/abs/path          the lower layer of the copy-on-write root instead of the
#                                  host's / (an image of `umlnet image build`)
# It reports to umlnet through /proc/mconsole (the kernel was given mconsole=notify:<socket>):
#   "up <name>" when configured and listening for commands;
#   "o <id> <line>" for each line of a command's output, then "x <id> <exit status>".
# Commands arrive on console 1 (/dev/tty1, whose host side is a FIFO only umlnet can open) as
# "<id> <base64 script>" lines. Init reads it from a node of its own in /run/umlnet (0700) and
# closes /dev/tty1 to everyone but guest root, so no other guest process can read it or type
# into it. Nothing else is a way in: not the kernel log.
# Its root becomes copy-on-write first (cow_root): the host's / (or UMLNET_BASE) below, a tmpfs
# above, so that what the guest writes to / stays in the guest.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/run/home TMPDIR=/run/tmp

# With the host's / as root (hostfs): an overlay of it under a tmpfs becomes the root (the UML
# kernel's modules from /usr/lib/uml/modules/<version> on /lib/modules), the host's / is left
# only as the overlay's lower layer. A root= image is the guest's own and stays as it is.
cow_root() {
	mount -t proc proc /proc
	# Shell reads, not awk/uname/grep: a process costs a UML guest 20-40 ms of CPU
	# (bench/boot_profile.py), and every guest boots through here.
	rootfs= overlay=
	while read -r _ mp fs _; do [ "$mp" = / ] && rootfs=$fs; done < /proc/mounts
	[ "$rootfs" = hostfs ] || return 0
	read -r release < /proc/sys/kernel/osrelease
	mods=/usr/lib/uml/modules/$release
	while read -r a b; do [ "$a" = overlay ] || [ "$b" = overlay ] && overlay=1; done \
		< /proc/filesystems
	[ -n "$overlay" ] || insmod $mods/kernel/fs/overlayfs/overlay.ko 2>/dev/null
	mount -t tmpfs -o size=256m,mode=755 cow /run &&
		mkdir /run/up /run/work /run/root &&
		mount -t overlay cow -o "lowerdir=${UMLNET_BASE:-/},upperdir=/run/up,workdir=/run/work" \
			/run/root &&
		mkdir -p /run/root/.host /run/root/lib/modules &&
		cd /run/root && pivot_root . .host || {
		echo "umlnet-init: no copy-on-write root (overlayfs); / is the host's, read-only"
		cd /
		umount /run/root 2>/dev/null
		umount /run 2>/dev/null
		return 1
	}
	cd /
	mount --move /.host/dev /dev 2>/dev/null
	[ -d /.host$mods ] && mount --bind /.host$mods/.. /lib/modules
	umount -l /.host
	rmdir /.host
	mount -t proc proc /proc
}
# The run= script is read from the host's / (an image does not have the state directory), before
# /run is covered: umlnet run as root keeps its state there.
# (Shell reads, not cat: see cow_root.)
run_script=
if [ -n "$UMLNET_RUN" ]; then
	while IFS= read -r l || [ -n "$l" ]; do run_script="$run_script$l
"; done < "$UMLNET_RUN"
fi
cow_root # mounts /proc either way
mount -t sysfs sys /sys
mount -t tmpfs -o size=16m run /run
mkdir -p /run/tmp /run/home /run/umlnet
chmod 700 /run/umlnet
[ -n "$UMLNET_RUN" ] && printf '%s' "$run_script" > /run/umlnet/run && UMLNET_RUN=/run/umlnet/run
mknod -m 600 /run/umlnet/channel c 4 1
chmod 600 /dev/tty1 2>/dev/null
[ -n "$UMLNET_NAME" ] && echo "$UMLNET_NAME" > /proc/sys/kernel/hostname

notify() {
	[ -w /proc/mconsole ] && printf '%s' "$*" > /proc/mconsole
	echo "@@UMLNET $*"
}

[ "$UMLNET_FORWARD" = 1 ] && echo 1 > /proc/sys/net/ipv4/ip_forward
# Every device of the topology: its address, then up (a vec device has no host socket, so no
# switch port, until it is up); then the routes. One `ip -batch` for all: a process costs a
# UML guest 20-70 ms of CPU.
echo "link set lo up" > /run/umlnet/ip
for pair in ETH:eth VEC:vec; do
	kind=${pair%:*} dev=${pair#*:}
	i=0
	while [ $i -lt 16 ]; do
		eval addr=\${UMLNET_$kind$i:-}
		if [ -n "$addr" ] && [ -e /sys/class/net/$dev$i ]; then
			[ "$addr" = up ] || echo "address add $addr dev $dev$i" >> /run/umlnet/ip
			echo "link set $dev$i up" >> /run/umlnet/ip
		elif [ -n "$addr" ]; then
			echo "umlnet-init: $dev$i: no such device (its transport failed; see above)"
		fi
		i=$((i + 1))
	done
done
i=0
while [ $i -lt 16 ]; do
	eval route=\${UMLNET_ROUTE$i:-}
	[ -n "$route" ] && echo "route add ${route%%,*} via ${route#*,}" >> /run/umlnet/ip
	i=$((i + 1))
done
ip -force -batch /run/umlnet/ip ||
	echo "umlnet-init: a device, address or route was refused (ip's line above)"

# Runs script file $2 as command $1; streams its output and its exit status to umlnet. The shell
# is sh, or the one a lab machine's shell= option put in /run/umlnet/shell.
run_cmd() {
	shell=sh
	[ -r /run/umlnet/shell ] && read -r shell < /run/umlnet/shell
	$shell "$2" > /run/umlnet/out.$1 2>&1 < /dev/null
	rc=$?
	while IFS= read -r l; do notify "o $1 $l"; done < /run/umlnet/out.$1
	notify "x $1 $rc"
	rm -f /run/umlnet/out.$1
}

# Serves the command channel (in a child: init itself must not take the terminal as its own).
# "up" is reported once it is open: the kernel drops what the host sends before that.
serve() {
	exec 3< /run/umlnet/channel
	stty raw -echo <&3
	notify "up $UMLNET_NAME"
	[ -n "$UMLNET_RUN" ] && run_cmd "run-$UMLNET_NAME" "$UMLNET_RUN" &
	while IFS= read -r line <&3; do
		set -f
		set -- $line
		set +f
		case "$#:$1" in
		2:*[!0-9-]* | 2:) echo "umlnet-init: dropped a command with a bad id"; continue ;;
		2:*) ;;
		*) echo "umlnet-init: dropped a malformed command line"; continue ;;
		esac
		printf '%s' "$2" | base64 -d > /run/umlnet/cmd.$1 2>/dev/null &&
			run_cmd "$1" /run/umlnet/cmd.$1 3<&- &
	done
	echo "umlnet-init: the command channel ended"
}
serve &
# Stay alive for halt or SIGTERM: the kernel panics if init exits.
while :; do sleep 3600; done
