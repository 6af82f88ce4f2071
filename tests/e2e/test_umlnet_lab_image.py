"""Base images of lab machines: `umlnet image build NAME PACKAGE...` (mmdebstrap from the
host's apt sources) makes a root tree that a machine naming it with image= boots on as the
lower layer of its copy-on-write root; a name that is neither built nor Kathará's is refused.

The image store of the test is its own (UMLNET_IMAGE_DIR); the build is the smallest that
runs a lab machine (Debian's essential set, umlnet's runtime packages, iputils-ping).
"""

import os
import shutil
import subprocess
import sys
import time

from umlnet_harness import Skip, check, program
from umlnet_helpers import leftovers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_umlnet_lab import Lab  # noqa: E402  (the lab fixture, shared with the lab tests)


def test_umlnet_lab_image_build_and_boot(ctx):
    if not shutil.which("mmdebstrap"):
        raise Skip("needs mmdebstrap (scripts/deps installs it)")
    store = ctx.path("images")
    env = dict(os.environ, UMLNET_IMAGE_DIR=store)

    r = subprocess.run([program("umlnet"), "image", "build", "Bad/Name/x", "iputils-ping"],
                       env=env, capture_output=True, text=True, timeout=30)
    check(r.returncode == 2 and "expected an image name" in r.stderr, f"bad name: {r.stderr}")
    r = subprocess.run([program("umlnet"), "image", "build", "kathara/p4"], env=env,
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 2 and "needs software Debian does not package" in r.stderr,
          f"kathara/p4: {r.stderr}")

    t0 = time.time()
    r = subprocess.run([program("umlnet"), "image", "build", "umlnet-test/tiny", "iputils-ping"],
                       env=env, capture_output=True, text=True, timeout=900)
    took = time.time() - t0
    check(r.returncode == 0, f"image build exited {r.returncode}:\n{r.stdout[-3000:]}{r.stderr[-3000:]}")
    print(f"image umlnet-test/tiny built in {took:.1f} s")
    r = subprocess.run([program("umlnet"), "image", "list"], env=env, capture_output=True,
                       text=True, timeout=30)
    check(f"umlnet-test/tiny\t{store}/umlnet-test/tiny" in r.stdout, f"image list: {r.stdout}")

    lab = Lab(ctx, "image")
    lab.env["UMLNET_IMAGE_DIR"] = store
    out = lab.umlnet("lcheck").stdout
    check(f"base={store}/umlnet-test/tiny" in out, f"lcheck:\n{out}")
    lab.umlnet("lstart")
    # a's / is the image: its mark is there, the host's own programs are not.
    r = lab.exec("a", "cat /etc/umlnet-image; command -v meson || echo no-meson; "
                 "ping -c 2 -i 0.3 -W 2 10.8.0.2; systemctl start nosuchd; echo rc=$?")
    check("iputils-ping\n" in r.stdout and "no-meson" in r.stdout, f"a's root:\n{r.stdout}")
    check(" 0% packet loss" in r.stdout and "rc=5" in r.stdout, f"a on its image:\n{r.stdout}")
    r = lab.exec("b", "test -e /etc/umlnet-image && echo image || echo host; command -v meson")
    check(r.stdout.startswith("host\n") and "meson" in r.stdout, f"b's root:\n{r.stdout}")
    lab.exec("a", "echo x > /etc/hostname-a")
    check(not os.path.exists(os.path.join(store, "umlnet-test", "tiny", "etc", "hostname-a")),
          "what a machine writes reaches the image")
    lab.clean()
    lab.check_gone()


def test_umlnet_lab_image_unknown_refused(ctx):
    """A machine naming an image that is neither built nor Kathará's: one error line naming
    the machine and the image, exit status 2, nothing started."""
    base = ctx.path("state")
    os.makedirs(base)
    d = ctx.path("lab")
    os.makedirs(d)
    with open(os.path.join(d, "lab.conf"), "w") as f:
        f.write("a[0]=A\nb[0]=A\nb[image]=nosuch/img:1.0\n")
    env = dict(os.environ, UMLNET_STATE_DIR=base, UMLNET_IMAGE_DIR=ctx.path("images"))
    r = subprocess.run([program("umlnet"), "lstart", "-d", d], capture_output=True, text=True,
                       timeout=60, env=env)
    errors = [line for line in r.stderr.splitlines() if "error" in line]
    check(r.returncode == 2 and len(errors) == 1 and
          "machine b: image 'nosuch/img:1.0' is not in the image store" in errors[0] and
          "umlnet image build nosuch/img PACKAGE" in errors[0],
          f"exit {r.returncode}, stderr:\n{r.stderr}")
    check(os.listdir(base) == [] and not leftovers(base), "something started")


def test_umlnet_lab_port_forward(ctx):
    """port=HOST:GUEST/tcp on a bridged machine: the host's 127.0.0.1:HOST reaches the
    machine's listener through the lab's slirp gateway; num_terms and shell are accepted."""
    import socket
    import urllib.request

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    lab = Lab(ctx, "port")
    conf = os.path.join(lab.dir, "lab.conf")
    with open(conf) as f:
        text = f.read().replace("HOSTPORT", str(port))
    with open(conf, "w") as f:
        f.write(text)
    out = lab.umlnet("lcheck").stdout
    check(f"hostfwd=tcp:127.0.0.1:{port}-10.0.2.15:80" in out, f"lcheck:\n{out}")
    r = lab.umlnet("lstart")
    check("warning" not in r.stderr, f"lstart warned:\n{r.stderr}")
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=20).read().decode()
    check("hello from w, through the forward" in body, f"through the forward: {body!r}")
    r = lab.exec("w", "echo shell=${BASH_VERSION:+bash}")
    check(r.stdout == "shell=bash\n", f"exec with w[shell]=/bin/bash: {r.stdout!r}")
    lab.clean()
    lab.check_gone()
