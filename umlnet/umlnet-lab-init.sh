#!/bin/sh
# The lab side of a machine of `umlnet lstart` (man/umlnet-lab.7), run inside the UML guest as
# root by its run= command once umlnet-guest-init.sh has brought every interface up:
#   sh /run/lab/init.lab MACHINE            set the machine up, run its startup scripts
#   sh /run/lab/init.lab MACHINE shutdown   run its shutdown scripts (umlnet lclean)
# /run/lab is the lab's state directory on the host (hostfs); /run/lab/MACHINE.lab holds the
# machine's settings as "key value" lines (lab_topo.h), read with `read`, never evaluated.
# What a startup script finds is what Kathará gives it: hostname and /etc/hosts, ip_forward=1,
# rp_filter=0 everywhere, ICMP rate limit 0, IPv6 off unless ipv6=true, the lab at /hostlab, its
# shared/ at /shared (read-write, the same files for every machine), M/ copied over /.
# Process creation is slow in a UML machine: this script forks as little as it can (builtins,
# no command substitution, one process per tool it needs).
name=$1
conf=/run/lab/$name.lab
[ -r "$conf" ] || { echo "lab: $conf: not readable"; exit 1; }

# The settings: single values into variables, lists into files of /run (init's tmpfs).
hostlab= ipv6=0 bridged= shell=
: > /run/lab.sysctl
: > /run/lab.env
: > /run/lab.exec
while IFS=' ' read -r k v; do
	case $k in
	hostlab) hostlab=$v ;;
	ipv6) ipv6=$v ;;
	bridged) bridged=$v ;;
	shell) shell=$v ;;
	sysctl | env | exec) printf '%s\n' "$v" >> "/run/lab.$k" ;;
	esac
done < "$conf"

# Runs lab script $1 (if the lab has it) under bash -x, output appended to $2; CRLF files run.
lab_script() {
	[ -f "/hostlab/$1" ] || return 0
	tr -d '\r' < "/hostlab/$1" > "/run/lab.$1" || return 1
	bash -x "/run/lab.$1" >> "$2" 2>&1 < /dev/null
	rc=$?
	[ $rc -eq 0 ] || echo "lab: $1 exited with status $rc (see $2)"
	return $rc
}

if [ "$2" = shutdown ]; then
	lab_script "$name.shutdown" /var/log/shutdown.log
	lab_script shared.shutdown /var/log/shared.log
	exit 0
fi

# Mounts go through fstab files of /run and one `mount -a -T` per batch: a process per mount
# would cost a UML machine 20-70 ms of CPU each (bench/boot_profile.py).
# (Namespace machines, LAB_NS=1, come with /hostlab and /shared bound already.)
saved=/usr/local/lib/umlnet/init.d
if [ -z "$LAB_NS" ]; then
	mkdir -p /hostlab /shared $saved
	mount -t hostfs -o "$hostlab" none /hostlab ||
		{ echo "lab: cannot mount the lab directory $hostlab"; exit 1; }
	[ -d /hostlab/shared ] && mount -t hostfs -o "$hostlab/shared" none /shared
fi
echo "$name" > /etc/hostname
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t%s\n' \
	"$name" > /etc/hosts
# The machine reads its base through hostfs as umlnet's guest user: a directory the host keeps
# from others (/etc/frr, /var/log/apache2...) is closed to it, even to the machine's root. Such
# a directory becomes an empty one of the machine's own (a tmpfs), same owner and mode, so that
# daemons and the lab's folder can fill it. The closed ones are found with builtins (cd), their
# owner and mode by one stat for all of them.
: > /run/lab.closed
lab_closed() {
	[ -d "$1" ] || return 0
	cd "$1" 2>/dev/null && { cd /; return 0; }
	printf '%s\n' "$1" >> /run/lab.closed
}
for d in /etc/frr /var/log/frr /var/lib/frr /etc/quagga /var/log/quagga /var/log/apache2 \
	/var/cache/apache2 /var/lib/apache2 /etc/bind /var/cache/bind /var/lib/bind /var/lib/dhcp \
	/var/log/named /etc/ssl/private; do
	lab_closed $d
done
folder=
[ -d "/hostlab/$name" ] && folder=/hostlab/$name
if [ -n "$folder" ]; then
	(cd "$folder" && find . -mindepth 1 -type d) > /run/lab.dirs
	while IFS= read -r d; do lab_closed "/${d#./}"; done < /run/lab.dirs
fi
# One tmpfs line per closed directory (a name fstab cannot carry plainly is mounted on its own);
# ids are left out where the machine cannot map them (a namespace machine sees 65534).
: > /run/lab.fstab
if [ -s /run/lab.closed ]; then
	set --
	while IFS= read -r d; do set -- "$@" "$d"; done < /run/lab.closed
	stat -c '%a %u %g %n' "$@" > /run/lab.stat
	set --
	while read -r mode uid gid d; do
		o=mode=$mode,size=16m
		[ "$uid" = 65534 ] || o=$o,uid=$uid
		[ "$gid" = 65534 ] || o=$o,gid=$gid
		case $d in
		*[!A-Za-z0-9._/+@:-]*) mount -t tmpfs -o "$o" lab "$d" ;;
		*) printf 'lab %s tmpfs %s 0 0\n' "$d" "$o" >> /run/lab.fstab ;;
		esac
	done < /run/lab.stat
	[ -s /run/lab.fstab ] && mount -a -T /run/lab.fstab
fi
# The machine's folder over its (copy-on-write) root, owned by root, modes as umask allows.
[ -n "$folder" ] && cp -rL "$folder/." /
# No systemd in here: systemctl, service, halt... are umlnet's (umlnet-lab-services.sh), in the
# machine's own root only (a copy under each name: it acts on the name it is called by);
# /usr/bin/systemctl is covered too, since /sbin/halt points there. /run is the machine's own
# tmpfs: /run/lock, which a booting Debian makes and init scripts such as apache2's use, is made here.
mkdir -m 1777 /run/lock 2> /dev/null
s=/usr/local/sbin
[ -d $s ] || mkdir -p $s
tee $s/systemctl $s/service $s/halt $s/poweroff $s/reboot $s/shutdown \
	< /run/lab/services.lab > /dev/null &&
	chmod 755 $s/systemctl $s/service $s/halt $s/poweroff $s/reboot $s/shutdown
: > /run/lab.fstab
[ -e /usr/bin/systemctl ] && echo "$s/systemctl /usr/bin/systemctl none bind 0 0" >> /run/lab.fstab
# FRR's own init script stays reachable (bound) where the services script looks for it.
if [ -x /etc/init.d/frr ] && [ -x /usr/lib/frr/watchfrr.sh ]; then
	{ [ -d $saved ] || mkdir -p $saved; } && : > $saved/frr &&
		printf '%s\n' "/etc/init.d/frr $saved/frr none bind 0 0" \
			"$s/systemctl /etc/init.d/frr none bind 0 0" >> /run/lab.fstab
fi
[ -s /run/lab.fstab ] && mount -a -T /run/lab.fstab

# Kathará's defaults, then the lab's own sysctls (which may override them).
for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > "$f"; done
echo 1 > /proc/sys/net/ipv4/ip_forward
echo 0 > /proc/sys/net/ipv4/icmp_ratelimit
# (Without the ipv6 module loaded a machine has no IPv6 at all.)
if [ "$ipv6" = 1 ]; then
	[ -d /proc/sys/net/ipv6 ] || modprobe ipv6 2>/dev/null
	for d in /proc/sys/net/ipv6/conf/*; do
		[ -d "$d" ] || continue
		echo 0 > "$d/disable_ipv6"; echo 1 > "$d/forwarding"; echo 0 > "$d/accept_ra"
	done
else
	# Loaded later on demand (the first IPv6 socket), the module starts disabled too.
	[ -d /etc/modprobe.d ] || mkdir /etc/modprobe.d
	echo "options ipv6 disable_ipv6=1" > /etc/modprobe.d/lab-ipv6.conf
	for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do [ -e "$f" ] && echo 1 > "$f"; done
fi
[ -s /run/lab.sysctl ] && { sysctl -q -p /run/lab.sysctl || echo "lab: a sysctl was refused"; }
# (vtysh.conf as Debian ships it, when the host's was closed to the machine and the lab has none)
[ -d /etc/frr ] && [ ! -e /etc/frr/vtysh.conf ] &&
	echo 'service integrated-vtysh-config' > /etc/frr/vtysh.conf
# What the lab's folder copied in is root's: the daemons' own files become theirs.
[ -d "$folder/etc/frr" ] && chown -R frr:frr /etc/frr 2>/dev/null
# watchfrr starts FRR's daemons and kills one not up in 20 s; on a busy host a UML machine
# can take longer, so it waits 2 minutes unless the lab sets watchfrr_options itself.
[ -f /etc/frr/daemons ] && ! grep -q '^[[:space:]]*watchfrr_options=' /etc/frr/daemons &&
	echo 'watchfrr_options="-T 120"' >> /etc/frr/daemons
[ -d "$folder/etc/quagga" ] && chown -R quagga:quagga /etc/quagga 2>/dev/null
[ -d "$folder/var/www" ] && chmod -R o+rX /var/www 2>/dev/null

# bridged: the interface on the slirp gateway, the default route through it (as Docker's).
if [ -n "$bridged" ]; then
	set -- $bridged
	ip addr add "$2" dev "$1" && ip route add default via "$3" dev "$1"
fi
while IFS= read -r kv; do export "$kv"; done < /run/lab.env

lab_script shared.startup /var/log/shared.log
lab_script "$name.startup" /var/log/startup.log
status=$?
while IFS= read -r cmd; do
	bash -c "$cmd" >> /var/log/startup.log 2>&1 < /dev/null ||
		echo "lab: exec '$cmd' exited with status $?"
done < /run/lab.exec
# shell=: the shell of umlnet exec's commands from now on (umlnet-guest-init.sh's run_cmd).
if [ -n "$shell" ]; then
	if [ -x "$shell" ]; then echo "$shell" > /run/umlnet/shell
	else echo "lab: shell $shell: not in this machine; exec keeps sh"; fi
fi
: > /tmp/EOS
exit $status
