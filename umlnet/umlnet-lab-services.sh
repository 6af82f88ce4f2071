#!/bin/sh
# Services in a lab machine of `umlnet lstart` (man/umlnet-lab.7, SERVICES). A machine boots with
# umlnet's own init, not systemd, so the lab init installs this script as the machine's
# /usr/local/sbin/systemctl (first in PATH), links service, halt, poweroff, reboot and shutdown
# to it there, and binds it over /usr/bin/systemctl (where /sbin/halt and friends point). All of
# that is in the machine's copy-on-write root: nothing here reaches the host's init.
#   systemctl start|stop|restart|reload|force-reload|status|is-active UNIT...
#   service UNIT ACTION           run /etc/init.d/UNIT (Debian's packages all ship one)
#   systemctl enable|disable|daemon-reload|mask|unmask ...   accepted, nothing to do at boot
#   halt, poweroff, shutdown, systemctl halt|poweroff        power this machine off (its UML
#                                 kernel exits; the rest of the lab runs on)
#   reboot                        refused: a reboot would lose the machine's copy-on-write root
#   /etc/init.d/frr (bound over it when FRR is there; the real script is kept in SAVED)
#                                 starts FRR's daemons before watchfrr (svc_frr)
me=${0##*/}
SAVED=/usr/local/lib/umlnet/init.d

# The init script of unit $1 (foo, foo.service), trying the names Debian used over time.
svc_script() {
	u=${1%.service}
	for n in "$u" $(svc_aliases "$u"); do
		[ -x "/etc/init.d/$n" ] && { echo "/etc/init.d/$n"; return 0; }
	done
	return 1
}

svc_aliases() {
	case $1 in
	bind9) echo named ;;
	named) echo bind9 ;;
	sshd) echo ssh ;;
	httpd) echo apache2 ;;
	dhcpd) echo isc-dhcp-server ;;
	esac
}

# named's control key: the host's /etc/bind/rndc.key is the host's secret (bind:bind 0640),
# which the machine cannot read, so rndc, with which the init script stops and reloads named,
# fails. The machine makes a key of its own, as bind9's postinst does on a fresh install.
svc_named_key() {
	k=/etc/bind/rndc.key
	[ -x /usr/sbin/rndc-confgen ] && ! cat $k > /dev/null 2>&1 || return 0
	rm -f $k && rndc-confgen -a -u bind > /dev/null 2>&1 ||
		echo "$me: named: cannot make $k; rndc will not work" >&2
}

# What unit script $1 needs of the machine before it runs.
svc_prepare() {
	case ${1##*/} in
	named | bind9) svc_named_key ;;
	esac
}

# Action $2 of init script $1. restart is stop then start, as systemd does it for an init
# script: a script's own restart may go through invoke-rc.d (radvd's does), which starts
# nothing in a lab machine (no runlevel, so no service counts as enabled).
svc_act() {
	case $2 in
	restart) "$1" stop; "$1" start ;;
	try-restart) "$1" status > /dev/null 2>&1 || return 0; "$1" stop; "$1" start ;;
	*) "$1" "$2" ;;
	esac
}

# Runs action $1 of every unit after it; the first failure's status is the result.
svc_run() {
	act=$1 rc=0
	shift
	[ $# -gt 0 ] || { echo "$me: $act: which unit?" >&2; return 1; }
	for u in "$@"; do
		s=$(svc_script "$u") || {
			echo "$me: unit $u: this lab machine has no /etc/init.d/${u%.service}" \
				"(lab machines run init scripts, not systemd)" >&2
			[ $rc -ne 0 ] || rc=5
			continue
		}
		svc_prepare "$s"
		svc_act "$s" "$act" || { r=$?; [ $rc -ne 0 ] || rc=$r; }
	done
	return $rc
}

# is-active: "active"/"inactive" per unit, from the init script's status.
svc_is_active() {
	rc=0
	for u in "$@"; do
		if s=$(svc_script "$u") && "$s" status > /dev/null 2>&1; then
			echo active
		else
			echo inactive
			rc=3
		fi
	done
	return $rc
}

# Powers the machine off: the reboot(2) system call through perl (Essential in Debian, so in
# every image), since no systemd is there to ask.
svc_poweroff() {
	sync
	exec perl -e 'syscall(169, 0xfee1dead, 0x28121969, 0x4321fedc) or die "poweroff: $!\n"'
}

svc_systemctl() {
	case $1 in
	-*) shift; svc_systemctl "$@"; return ;; # --no-pager, -q, --now... change nothing here
	start | stop | restart | reload | force-reload | status | try-restart)
		a=$1; shift; svc_run "$a" "$@" ;;
	is-active) shift; svc_is_active "$@" ;;
	enable | disable | daemon-reload | mask | unmask | preset | reset-failed) return 0 ;;
	is-enabled) echo enabled ;;
	halt | poweroff) svc_poweroff ;;
	reboot | kexec | soft-reboot) svc_reboot ;;
	*) echo "systemctl: '$1' is not available in a lab machine (no systemd; see" \
		"umlnet-lab(7))" >&2; return 1 ;;
	esac
}

svc_reboot() {
	echo "$me: a lab machine cannot reboot (its copy-on-write root would be lost);" \
		"use halt, or umlnet lclean and lstart" >&2
	return 1
}

# watchfrr starts FRR's daemons itself and restarts any not up within seconds; in a UML machine
# on a busy host that restart lands in the middle of its own start and the daemon comes back
# without its configuration. Started and configured first (watchfrr.sh start: every daemon of
# /etc/frr/daemons, then vtysh -b), the daemons are found up and left alone.
svc_frr() {
	case $1 in
	start | restart | force-reload)
		[ "$1" = start ] || "$SAVED/frr" stop
		/usr/lib/frr/watchfrr.sh start || return
		exec "$SAVED/frr" start ;;
	esac
	exec "$SAVED/frr" "$@"
}

case $me in
frr) svc_frr "$@" ;;
service)
	case $1 in
	--status-all) for s in /etc/init.d/*; do [ -x "$s" ] && echo " [ ? ]  ${s##*/}"; done ;;
	'' | -*) echo "usage: service UNIT ACTION" >&2; exit 1 ;;
	*) u=$1; a=${2:-status}; svc_run "$a" "$u" ;;
	esac
	;;
halt | poweroff) svc_poweroff ;;
shutdown) [ "$1" = -r ] && { svc_reboot; exit; }; svc_poweroff ;;
reboot) svc_reboot ;;
*) svc_systemctl "$@" ;;
esac
