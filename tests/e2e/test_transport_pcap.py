"""pcap transport as a read-only switch port: traffic made between two namespaces on a veth is
captured through a filter expression (tcp) into our uml_switch; a listener on the switch (a
namespace guest via umlnet-plug) receives exactly the matching frames, and what the listener
sends never leaves through the capture interface."""

import collections
import shutil
import struct
import time

from umlnet_harness import Skip, check
from transport_helpers import Plug


def pcap_frames(path):
    """Frames of a classic pcap file (what tcpdump -w writes)."""
    with open(path, "rb") as f:
        data = f.read()
    check(len(data) >= 24, f"{path}: no pcap header")
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off, out = 24, []
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        out.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return out


def test_pcap_port_filters_and_is_read_only(ctx):
    if not shutil.which("ethtool") or not shutil.which("tcpdump"):
        raise Skip("needs ethtool and tcpdump (Debian packages ethtool, tcpdump)")
    cap = ctx.netns("cap")
    peer = ctx.netns("peer")
    lis = ctx.netns("lis")
    cap.sh(f"ip link add vA type veth peer name vB netns {peer.name} && "
           "ip addr add 10.29.0.1/24 dev vA && ip link set vA up")
    peer.sh("ip addr add 10.29.0.2/24 dev vB && ip link set vB up")
    # Offloads would hand the capture 64 KiB super-frames that no Ethernet port can carry
    # (they are dropped as oversize); a wire-like veth gives real frames.
    for ns, dev in ((cap, "vA"), (peer, "vB")):
        ns.sh(f"ethtool -K {dev} tso off gso off gro off tx off rx off >/dev/null")
    lis.sh("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1")
    # -hub: both ends of the captured conversation sit behind the one pcap port, so a learning
    # switch would (rightly) keep their unicast frames on that port. A capture port is for hubs.
    sw = ctx.switch(args=["-hub", "-port", "pcap,vA,tcp"], netns=cap)
    Plug(ctx, [f"eth0=daemon,fe:fd:0a:1d:00:09,unix,{sw.ctl}"], netns=lis, run_in=cap)
    lis.sh("ip addr add 10.29.9.9/24 dev eth0 && ip link set eth0 up")
    heard = ctx.path("listener.pcap")
    truth = ctx.path("vA-tcp.pcap")
    out_vb = ctx.path("vB-from-listener.pcap")
    d1 = ctx.proc("dump-lis", ["tcpdump", "-n", "-U", "-Q", "in", "-i", "eth0", "-w", heard],
                  netns=lis)
    d2 = ctx.proc("dump-vA", ["tcpdump", "-n", "-U", "-i", "vA", "-w", truth, "tcp"], netns=cap)
    d3 = ctx.proc("dump-vB", ["tcpdump", "-n", "-U", "-i", "vB", "-w", out_vb,
                              "ether src fe:fd:0a:1d:00:09"], netns=peer)
    time.sleep(1.5)
    # Traffic of three kinds on the veth; only TCP may reach the listener.
    peer.sh("ping -c 3 -i 0.2 10.29.0.1")
    peer.sh("for i in 1 2 3 4 5; do echo udp$i | nc -u -w 0 10.29.0.1 7777; done", check_rc=False)
    srv = ctx.proc("nc-srv", ["sh", "-c", "nc -l 7778 > /dev/null"], netns=cap)
    time.sleep(0.3)
    peer.sh("head -c 200000 /dev/urandom | nc -N -w 5 10.29.0.1 7778")
    srv.stop()
    # The listener talks into the switch: broadcasts that the pcap port must swallow.
    lis.sh("ping -c 3 -i 0.2 -b -W 1 10.29.9.255", check_rc=False)
    lis.sh("ping -c 2 -W 1 10.29.0.2", check_rc=False)
    time.sleep(1)
    for d in (d1, d2, d3):
        d.stop()
    got, want = pcap_frames(heard), pcap_frames(truth)
    check(len(want) > 20, f"the capture itself saw only {len(want)} TCP frames")
    not_tcp = [f for f in got if len(f) < 24 or f[12:14] != b"\x08\x00" or f[23] != 6]
    check(not not_tcp, f"the listener got {len(not_tcp)} frames that do not match 'tcp', "
          f"e.g. {not_tcp[0][:34].hex() if not_tcp else ''}")
    missing = collections.Counter(want) - collections.Counter(got)
    extra = collections.Counter(got) - collections.Counter(want)
    check(not missing and not extra,
          f"listener vs vA capture: {sum(missing.values())} missing, {sum(extra.values())} extra "
          f"(listener {len(got)}, vA {len(want)})")
    leaked = pcap_frames(out_vb)
    check(not leaked, f"{len(leaked)} frames from the listener left through vA")
