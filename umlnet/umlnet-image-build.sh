#!/bin/bash
# Builds a base image of lab machines (umlnet image build, man/umlnet-lab.7 IMAGES):
#   umlnet-image-build.sh DIR PACKAGE...
# DIR becomes a root tree of Debian's essential packages plus PACKAGE... and what umlnet's init
# runs (the caller adds them), made with mmdebstrap from the host's own apt sources and release:
# Debian's registry and nothing else. Built under DIR.new, moved to DIR when complete; the
# packages are recorded in DIR/etc/umlnet-image, written last (what marks an image as built).
# Daemons are not started inside (mmdebstrap's policy-rc.d), and nothing runs on the host.
set -euo pipefail
# Debian's own tools, not a user's (a python3 of pyenv first in PATH makes every step crawl).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
dir=$1
shift
command -v mmdebstrap > /dev/null ||
	{ echo "umlnet: error: image build needs mmdebstrap (apt-get install mmdebstrap)" >&2; exit 2; }
. /etc/os-release
[ -n "${VERSION_CODENAME:-}" ] ||
	{ echo "umlnet: error: /etc/os-release names no release to build from" >&2; exit 2; }

# The host's sources (one-line and deb822 files) are the only mirrors.
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -s "$f" ] && sources+=("$f")
done
((${#sources[@]})) || { echo "umlnet: error: no apt sources on this host" >&2; exit 2; }

new=$dir.new
rm -rf -- "$new"
mkdir -p -- "$(dirname -- "$dir")"
include=$(IFS=,; echo "$*")
start=$(date +%s)
mmdebstrap --variant=essential --include="$include" --format=directory \
	"$VERSION_CODENAME" "$new" "${sources[@]}"
# Readable by the guests' user, which reads the image through hostfs.
chmod 755 "$new"
printf '%s\n' "$@" > "$new/etc/umlnet-image"
rm -rf -- "$dir"
mv -- "$new" "$dir"
echo "umlnet: image $dir built in $(($(date +%s) - start)) s ($(du -sh -- "$dir" | cut -f1))"
