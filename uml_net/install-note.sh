#!/bin/sh
# Run by `meson install`. meson installs uml_net without its setuid bit: it cannot pick a group
# for every host, and packages set owner and mode their own way (Debian: dpkg-statoverride).
# Say how to set it, as without it only root can use the helper.
#
# meson 1.0 (Debian 12) shows an install script's output only when the script fails, so the
# note goes to meson's own standard output (appending: safe for a terminal, pipe or log file).
p="$1"
out=/proc/$PPID/fd/1
[ -w "$out" ] || out=/dev/stdout
cat >>"$out" <<EOM
uml_net: $p is installed without its setuid bit, so only root can use it.
uml_net: to let the group umlnet use it (setuid root, run by root and the group only), as root:
uml_net:   groupadd --system umlnet; chown root:umlnet $p; chmod 4754 $p
uml_net: and allow the group in /etc/umlnet/uml_net.conf (uml_net(8), POLICY).
EOM
