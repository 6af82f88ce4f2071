"""Real UML guests on our uml_switch: the daemon transport end to end."""

from umlnet_harness import check


def daemon(sw):
    return f"daemon,,unix,{sw.ctl}"


def addr(g, ip, dev="eth0"):
    g.ok(f"ip addr add {ip}/24 dev {dev} && ip link set {dev} up")


def test_two_guests_ping(ctx):
    sw = ctx.switch()
    a, b = ctx.guest("a", [daemon(sw)]), ctx.guest("b", [daemon(sw)])
    ctx.boot([a, b])
    addr(a, "10.1.0.1")
    addr(b, "10.1.0.2")
    out = a.ok("ping -c 3 -i 0.2 -W 2 10.1.0.2")
    check(" 0% packet loss" in out, f"a could not ping b:\n{out}")
    out = b.ok("ping -c 3 -i 0.2 -W 2 10.1.0.1")
    check(" 0% packet loss" in out, f"b could not ping a:\n{out}")
