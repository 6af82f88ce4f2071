#!/usr/bin/env python3
"""The built-in signature of a lab machine for `umlnet ltest` (man/umlnet-lab.7), run inside
the machine: its interfaces (link state, MAC, addresses), routes and listening sockets, one
JSON object per line, lines sorted, so that two runs of a working lab print the same text and
a difference reads as a line diff."""
import json
import subprocess


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True).stdout


def ip_json(*args):
    try:
        return json.loads(run("ip", "-j", *args) or "[]")
    except ValueError:
        return []


lines = []
for link in ip_json("addr"):
    addrs = sorted(f"{a.get('local')}/{a.get('prefixlen')}" for a in link.get("addr_info", [])
                   if a.get("scope") != "link")
    lines.append({"link": link.get("ifname"), "up": "UP" in link.get("flags", []),
                  "mac": link.get("address"), "addrs": addrs})
for family in ("-4", "-6"):
    for r in ip_json(family, "route"):
        lines.append({"route": r.get("dst"), "via": r.get("gateway"), "dev": r.get("dev")})
for row in run("ss", "-Hltun").splitlines():
    w = row.split()
    if len(w) >= 5:
        lines.append({"listen": w[0], "at": w[4]})
print("\n".join(sorted(json.dumps(x, sort_keys=True) for x in lines)))
