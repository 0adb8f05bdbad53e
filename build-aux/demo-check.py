#!/usr/bin/python3
"""demo-check.py — what `build-aux/demo.sh --check` runs once the demo is set
up: Ferry opened as the demo opens it (the same binary, the demo's saved
connections in $FERRY_CONFIG), on a virtual display of its own, looked at
through its accessibility tree (AT-SPI) until every node is connected and
every demo VM (what virsh lists on the nodes) has its row; then a
screenshot. Exit 0 when all of it is there, 1 with the reason otherwise.

Runs inside dbus-run-session (demo.sh does it); Debian's /usr/bin/python3
with pyatspi. The accessibility helpers are tests/ui/test-a11y.py's.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import time

srcdir = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
spec = importlib.util.spec_from_file_location('ferry_a11y', os.path.join(srcdir, 'tests', 'ui', 'test-a11y.py'))
a11y = importlib.util.module_from_spec(spec)
spec.loader.exec_module(a11y)


def fail(why):
    print(f'demo-check: FAIL: {why}', flush=True)
    sys.exit(1)


def demo_vms(nodes):
    names = []
    for name, uri, _ in nodes:
        r = a11y.virsh(uri, 'list', '--all', '--name')
        if r.returncode != 0:
            fail(f'{name} ({uri}) does not answer: {r.stderr.strip()}')
        names += [n for n in r.stdout.split() if n]
    return names


def main():
    config = os.environ.get('FERRY_CONFIG')
    shot = os.environ.get('FERRY_DEMO_SCREENSHOT', os.path.join(srcdir, '_build', 'demo-check.png'))
    if not config or not os.path.exists(config):
        fail('FERRY_CONFIG (the demo\'s saved connections) is not set; run build-aux/demo.sh --check')
    nodes = a11y.read_nodes()
    if len(nodes) < 1:
        fail('the demo cluster is not up')
    vms = demo_vms(nodes)
    if not vms:
        fail('the demo cluster has no VMs')
    os.environ.pop('DISPLAY', None)     # a virtual display of our own
    session = a11y.Session(nodes)
    ok = False
    try:
        session.start_display()
        session.start_a11y_bus()
        session.start_ferry(config)
        a11y.Driver(session, nodes).open_main(vms)
        a11y.log(f'every node connected, every demo VM listed: {", ".join(vms)}')
        time.sleep(3)   # the first statistics (a tick is 1 s) in the picture
        os.makedirs(os.path.dirname(shot), exist_ok=True)
        a11y.wait_for('the screenshot', lambda: subprocess.run(
            ['import', '-window', 'root', shot], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL).returncode == 0, 10)
        a11y.log(f'screenshot: {shot}')
        ok = True
    except a11y.Failure as e:
        print(f'demo-check: FAIL: {e}', flush=True)
        session.dump_log()
    finally:
        session.stop()
        shutil.rmtree(session.tmp, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
