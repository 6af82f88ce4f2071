#!/bin/bash
# umlnet-qemu-image - a kernel and a small initramfs for QEMU guests, built from Debian packages
# only and cached, so that tests and `umlnet` need no VM image from anywhere else.
#
# Usage: umlnet-qemu-image [PACKAGE...]   (prints "KERNEL INITRD", building them first if needed)
#        umlnet-qemu-image --version     (meson's project version, filled in by the build, as in
#                                         lib/version.c)
#
# PACKAGEs (e.g. iperf3 libiperf0 libsctp1 libssl3 libc6 for the benchmarks) are unpacked into
# the initramfs too, without their documentation, locales and gconv modules; name the libraries
# they need as well (nothing resolves dependencies). Each set of packages is its own cached image.
#
# The kernel is Debian's linux-image-cloud-amd64 (the real image package its metapackage depends
# on: the smallest Debian kernel with virtio); busybox comes from busybox-static. Both are fetched
# with `apt-get download` and unpacked with `dpkg-deb -x`: nothing is installed on the host. The
# initramfs holds busybox, the virtio_net modules with their dependencies (in load order, from
# modinfo), and the init below. Cache: $UMLNET_CACHE, else ~/.cache/umlnet (qemu/<kernel>-<hash>),
# keyed by the kernel package and this script (but its version line), built under a lock so parallel callers share it.
#
# The init (guest side, theory of operation):
#   kernel command line  umlnet.eth0=10.0.0.2/24 ... (an address per device; every eth* is
#                        brought up, with or without one), umlnet.gw=IP (default route),
#                        umlnet.route=DEST,VIA (repeatable; DEST a network or "default"),
#                        umlnet.name=NAME (host name), umlnet.mtu=N (every eth*),
#                        umlnet.hw.eth1=MAC (the NIC with that MAC is named eth1, before
#                        anything else: umlnet names a VM's NICs as its topology file does)
#   power button         ACPI powerdown (QEMU's system_powerdown) powers the VM off: busybox
#                        acpid runs /etc/acpi/PWRF/00000080
#   ttyS0                kernel console (the host logs it to a file)
#   ttyS1                command channel, raw: the guest writes "UMLNET-READY" once the network
#                        is configured, then reads one shell command per line, runs it with
#                        stdin from /dev/null and stdout+stderr to the channel, and ends its
#                        output with a line "UMLNET-EXIT <status>". The line "poweroff" (or the
#                        channel's end) powers the VM off.
set -euo pipefail

QI_VERSION='@UMLNET_VERSION@'
KPKG_META=linux-image-cloud-amd64
CACHE_ROOT=${UMLNET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/umlnet}

qi_die() { echo "umlnet-qemu-image: $*" >&2; exit 1; }

# The real image package behind the metapackage (linux-image-6.1.0-N-cloud-amd64).
qi_kernel_pkg() {
  apt-cache depends "$KPKG_META" 2>/dev/null |
    awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

qi_init() {
  cat <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules/order); do insmod "/modules/$m.ko" 2>/dev/null; done
ip link set lo up
mkdir -p /etc/acpi/PWRF
printf '#!/bin/sh\nexec /bin/busybox poweroff -f\n' > /etc/acpi/PWRF/00000080
chmod 755 /etc/acpi/PWRF/00000080
mkdir -p /var/log /var/run
acpid -f -c /etc/acpi -l /dev/null </dev/null >/dev/null 2>&1 &
gw=; mtu=
for kv in $(cat /proc/cmdline); do
  case "$kv" in
    umlnet.gw=*) gw=${kv#umlnet.gw=} ;;
    umlnet.mtu=*) mtu=${kv#umlnet.mtu=} ;;
    umlnet.name=*) hostname "${kv#umlnet.name=}" ;;
  esac
done
for kv in $(cat /proc/cmdline); do
  case "$kv" in
    umlnet.hw.*=*)
      n=${kv#umlnet.hw.}; n=${n%%=*}
      for d in /sys/class/net/*; do
        [ "$(cat "$d/address")" = "${kv#*=}" ] && ip link set "${d##*/}" name "u$n"
      done ;;
  esac
done
for d in /sys/class/net/ueth*; do [ -e "$d" ] && ip link set "${d##*/}" name "${d##*/u}"; done
for dev in /sys/class/net/eth*; do
  [ -e "$dev" ] || continue
  dev=${dev##*/}
  [ -n "$mtu" ] && ip link set "$dev" mtu "$mtu"
  ip link set "$dev" up
  for kv in $(cat /proc/cmdline); do
    case "$kv" in "umlnet.$dev="*) ip addr add "${kv#umlnet.$dev=}" dev "$dev" ;; esac
  done
done
[ -n "$gw" ] && ip route add default via "$gw"
for kv in $(cat /proc/cmdline); do
  case "$kv" in
    umlnet.route=*,*) r=${kv#umlnet.route=}; ip route add "${r%%,*}" via "${r#*,}" ;;
  esac
done
stty -F /dev/ttyS1 raw -echo
exec 3<>/dev/ttyS1
echo UMLNET-READY >&3
while read -r line <&3; do
  [ "$line" = poweroff ] && break
  sh -c "$line" </dev/null >&3 2>&3
  echo "UMLNET-EXIT $?" >&3
done
poweroff -f
EOF
}

# Module names in load order: each after its dependencies (modinfo's depends field).
qi_modules() {
  local kdir=$1 seen=" " order=()
  qi_visit() {
    local name=$1 ko dep
    case "$seen" in *" $name "*) return ;; esac
    seen="$seen$name "
    ko=$(find "$kdir" -name "$name.ko" -print -quit)
    [ -n "$ko" ] || qi_die "module $name not in the kernel package"
    for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do qi_visit "$dep"; done
    order+=("$name")
  }
  for m in virtio_pci virtio_net button evdev; do qi_visit "$m"; done
  printf '%s\n' "${order[@]}"
}

# Unpacks the extra packages' files into the initramfs root (their usr/share and gconv left out).
qi_extras() {
  local tmp=$1 root=$2 deb
  shift 2
  [ $# -gt 0 ] || return 0
  (cd "$tmp" && mkdir -p extra && cd extra && apt-get download -q "$@" >/dev/null 2>&1) ||
    qi_die "apt-get download $* failed"
  for deb in "$tmp"/extra/*.deb; do dpkg-deb -x "$deb" "$tmp/x"; done
  rm -rf "$tmp/x/usr/share" "$tmp/x"/usr/lib/*/gconv "$tmp/x/etc"
  cp -a "$tmp/x/." "$root/"
}

qi_build() {
  local out=$1 kpkg=$2
  shift 2
  QI_TMP=$(mktemp -d)
  trap 'rm -rf "$QI_TMP"' EXIT
  local tmp=$QI_TMP
  (cd "$tmp" && apt-get download -q "$kpkg" busybox-static >/dev/null 2>&1) ||
    qi_die "apt-get download $kpkg busybox-static failed (run apt-get update?)"
  dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/k"
  dpkg-deb -x "$tmp"/busybox-static_*.deb "$tmp/b"
  local root=$tmp/root kdir
  kdir=$(echo "$tmp"/k/lib/modules/*)
  mkdir -p "$root"/{bin,dev,proc,sys,modules,tmp}
  cp "$tmp/b/bin/busybox" "$root/bin/busybox"
  qi_modules "$kdir" > "$root/modules/order"
  while read -r m; do cp "$(find "$kdir" -name "$m.ko" -print -quit)" "$root/modules/"; done \
    < "$root/modules/order"
  qi_extras "$tmp" "$root" "$@"
  qi_init > "$root/init"
  chmod 755 "$root/init"
  (cd "$root" && find . | "$root/bin/busybox" cpio -o -H newc 2>/dev/null) | gzip -1 > "$out/initrd.img.new"
  cp "$tmp"/k/boot/vmlinuz-* "$out/vmlinuz.new"
  mv "$out/vmlinuz.new" "$out/vmlinuz"
  mv "$out/initrd.img.new" "$out/initrd.img"
}

main() {
  local kpkg hash dir
  if [ $# -eq 1 ] && [ "$1" = --version ]; then
    echo "umlnet-qemu-image $QI_VERSION"
    return
  fi
  kpkg=$(qi_kernel_pkg)
  [ -n "$kpkg" ] || qi_die "apt-cache knows no $KPKG_META (run apt-get update?)"
  hash=$( (grep -v '^QI_VERSION=' "${BASH_SOURCE[0]}"; echo "$*") | sha256sum | cut -c1-12)
  dir=$CACHE_ROOT/qemu/$kpkg-$hash
  mkdir -p "$dir"
  exec 9>"$dir/.lock"
  flock 9
  [ -s "$dir/vmlinuz" ] && [ -s "$dir/initrd.img" ] || qi_build "$dir" "$kpkg" "$@"
  echo "$dir/vmlinuz $dir/initrd.img"
}

main "$@"
