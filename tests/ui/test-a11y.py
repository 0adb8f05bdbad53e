#!/usr/bin/env python3
# test-a11y.py — Ferry driven through its accessibility tree, as GNOME tests
# its apps: the real `ferry` process, AT-SPI (pyatspi) on a private session
# bus with the accessibility bus, X11 (Xvfb), and the local cluster of real
# libvirtd nodes (tests/cluster).
#
# It finds the controls by role and name, never by position or pixels:
#   - the "Hosts" list (rows "node1, Connected"…) and the "Virtual machines"
#     table (rows named after their VM);
#   - start: moves the keyboard focus onto a shut-off guest's row (Tab, then
#     arrows, which select), opens the row's context menu with Shift+F10 and
#     activates its "Start" item;
#   - migrate: selects a running guest the same way, presses Ctrl+M (AT-SPI
#     keyboard synthesis), picks node3 in the dialog's "To host" with the
#     keyboard and activates "Migrate".
# virsh is the witness (domstate on the nodes), the tree shows it too.
# Screenshots: $FERRY_BUILD_DIR/tests/output/a11y-*.png.
#
# Guests: a11y-off and a11y-run on node1 (removed from every node at the
# end). Exit 77 (skipped) when the cluster is down, unless
# FERRY_REQUIRE_CLUSTER=1; also when pyatspi, Xvfb or root are missing.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
SYSTEM_PYTHON = '/usr/bin/python3'
GUEST_OFF = 'a11y-off'
GUEST_RUN = 'a11y-run'

srcdir = os.environ.get('FERRY_SOURCE_DIR') or os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
builddir = os.environ.get('FERRY_BUILD_DIR') or os.path.join(srcdir, '_build')
clusterdir = os.environ.get('FERRY_CLUSTER_DIR', '/var/tmp/ferry-cluster')
cluster = os.path.join(srcdir, 'tests', 'cluster', 'cluster')
outdir = os.path.join(builddir, 'tests', 'output')
t0 = time.monotonic()


def log(msg):
    print(f'[{time.monotonic() - t0:6.1f}s] {msg}', flush=True)


def skip(why):
    print(f'SKIP: {why}', flush=True)
    sys.exit(SKIP)


def cluster_unavailable(why):
    if os.environ.get('FERRY_REQUIRE_CLUSTER') == '1':
        print(f'FAIL: {why} (FERRY_REQUIRE_CLUSTER=1)', flush=True)
        sys.exit(1)
    skip(why)


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def wait_for(what, fn, timeout, interval=0.25):
    """Returns fn()'s first true value, or raises after @timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = fn()
        except Failure:
            raise
        except Exception:   # objects of the tree come and go while we look
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failure(f'timed out ({timeout} s) waiting for {what}')
        time.sleep(interval)


# ---------------------------------------------------------------------------
# Bootstrap: an interpreter with pyatspi, a display, a private session bus.

def bootstrap():
    # Debian's pyatspi lives in the system interpreter; the python3 on PATH
    # may be another one (pyenv…).
    if importlib.util.find_spec('pyatspi') is None:
        if os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON) and os.path.exists(SYSTEM_PYTHON):
            os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
        skip('pyatspi is missing (Debian: python3-pyatspi)')
    if not os.path.exists(cluster):
        skip(f'{cluster} not found')

    nodes = read_nodes()
    if len(nodes) < 3:
        cluster_unavailable('the local cluster is not up (tests/cluster/cluster up 3)')
    for name, uri, _ in nodes[:3]:
        try:
            answered = subprocess.run(['virsh', '-q', '-c', uri, 'uri'], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, timeout=30).returncode == 0
        except subprocess.TimeoutExpired:
            answered = False
        if not answered:
            cluster_unavailable(f'{name} ({uri}) does not answer')
    if os.geteuid() != 0:
        skip('defining test guests on the cluster needs root')
    # The cluster as `cluster up` left it, whatever ran before (as every
    # test program does; ferry-test-util.c): what it changed is printed.
    if os.environ.get('FERRY_A11Y_PRIVATE_BUS') != '1':
        reset = subprocess.run([cluster, 'reset'], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if reset.stderr:
            print(reset.stderr, end='', flush=True)
        if reset.returncode != 0:
            print('FAIL: tests/cluster/cluster reset failed', flush=True)
            sys.exit(1)

    # G_DEBUG (fatal-warnings in the test environment) is for Ferry, not for
    # this interpreter's GLib under pyatspi.
    if 'FERRY_A11Y_APP_G_DEBUG' not in os.environ:
        os.environ['FERRY_A11Y_APP_G_DEBUG'] = os.environ.pop('G_DEBUG', '')
    else:
        os.environ.pop('G_DEBUG', None)

    # Our own bus: the app's unique name, the accessibility bus and its
    # registry are ours alone (build-aux/test.sh shares one bus among tests).
    if os.environ.get('FERRY_A11Y_PRIVATE_BUS') != '1':
        runner = shutil.which('dbus-run-session')
        if runner is None:
            skip('dbus-run-session is missing (Debian: dbus)')
        env = dict(os.environ, FERRY_A11Y_PRIVATE_BUS='1')
        os.execve(runner, [runner, '--', sys.executable] + sys.argv, env)
    return nodes[:3]


def read_nodes():
    try:
        with open(os.path.join(clusterdir, 'nodes')) as f:
            rows = [line.split() for line in f if line.strip()]
    except OSError:
        return []
    # name URI socket [migration-address]
    return [(r[0], r[1], r[3] if len(r) > 3 else None) for r in rows if len(r) >= 2]


NOTIFICATIONS_XML = """
<node>
  <interface name='org.freedesktop.Notifications'>
    <method name='Notify'>
      <arg type='s' direction='in'/><arg type='u' direction='in'/><arg type='s' direction='in'/>
      <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='as' direction='in'/>
      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/><arg type='u' direction='out'/>
    </method>
    <method name='CloseNotification'><arg type='u' direction='in'/></method>
    <method name='GetCapabilities'><arg type='as' direction='out'/></method>
    <method name='GetServerInformation'>
      <arg type='s' direction='out'/><arg type='s' direction='out'/>
      <arg type='s' direction='out'/><arg type='s' direction='out'/>
    </method>
  </interface>
</node>
"""


def notification_server(path):
    """`test-a11y.py --notifications FILE`: a desktop notification server
    on the session bus, one "summary: body" line per notification in FILE.
    Ferry notifies when a migration ends while its window is not focused;
    without a server GIO warns, fatal under G_DEBUG=fatal-warnings."""
    from gi.repository import Gio, GLib

    info = Gio.DBusNodeInfo.new_for_xml(NOTIFICATIONS_XML).interfaces[0]
    counter = [0]

    def call(conn, sender, obj, iface, method, params, invocation):
        if method == 'Notify':
            counter[0] += 1
            with open(path, 'a') as f:
                f.write(f'{params[3]}: {params[4]}'.replace('\n', ' ') + '\n')
            invocation.return_value(GLib.Variant('(u)', (counter[0],)))
        elif method == 'GetCapabilities':
            invocation.return_value(GLib.Variant('(as)', (['body'],)))
        elif method == 'GetServerInformation':
            invocation.return_value(GLib.Variant('(ssss)', ('test-a11y', 'Ferry', '1', '1.2')))
        else:
            invocation.return_value(None)

    def acquired(conn, name):
        conn.register_object('/org/freedesktop/Notifications', info, call, None, None)

    Gio.bus_own_name(Gio.BusType.SESSION, 'org.freedesktop.Notifications', Gio.BusNameOwnerFlags.NONE,
                     acquired, None, lambda *a: sys.exit(1))
    GLib.MainLoop().run()


def name_owned(name):
    out = subprocess.run(['gdbus', 'call', '--session', '--dest', 'org.freedesktop.DBus',
                          '--object-path', '/org/freedesktop/DBus',
                          '--method', 'org.freedesktop.DBus.NameHasOwner', name],
                         capture_output=True, text=True).stdout
    return 'true' in out


class Session:
    """Xvfb (when there is no display), the accessibility bus, Ferry."""

    def __init__(self, nodes):
        self.nodes = nodes
        self.procs = []
        self.tmp = tempfile.mkdtemp(prefix='ferry-a11y-')
        self.ferry = None
        self.ferry_log = os.path.join(self.tmp, 'ferry.log')

    def start_display(self):
        if os.environ.get('DISPLAY'):
            return
        if shutil.which('Xvfb') is None:
            skip('no display and no Xvfb')
        for n in range(130, 160):
            if not os.path.exists(f'/tmp/.X{n}-lock') and not os.path.exists(f'/tmp/.X11-unix/X{n}'):
                break
        xvfb = subprocess.Popen(['Xvfb', f':{n}', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(xvfb)
        os.environ['DISPLAY'] = f':{n}'
        wait_for('Xvfb', lambda: subprocess.run(['xdpyinfo'], stdout=subprocess.DEVNULL,
                                                stderr=subprocess.DEVNULL).returncode == 0, 10)

    def start_a11y_bus(self):
        # at-spi2-core's launcher owns org.a11y.Bus on the session bus and
        # starts the accessibility bus; the registry is activated on it.
        launcher = next((p for p in ('/usr/libexec/at-spi-bus-launcher',
                                     '/usr/lib/at-spi2-core/at-spi-bus-launcher') if os.path.exists(p)), None)
        if launcher is None:
            skip('at-spi-bus-launcher is missing (Debian: at-spi2-core)')
        self.procs.append(subprocess.Popen([launcher, '--launch-immediately'],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for('org.a11y.Bus on the session bus', lambda: name_owned('org.a11y.Bus'), 20)

    def start_notifications(self):
        self.notifications = os.path.join(self.tmp, 'notifications')
        self.procs.append(subprocess.Popen([sys.executable, os.path.abspath(__file__),
                                            '--notifications', self.notifications]))
        wait_for('org.freedesktop.Notifications on the session bus',
                 lambda: name_owned('org.freedesktop.Notifications'), 20)

    def read_notifications(self):
        try:
            with open(self.notifications) as f:
                return f.read().splitlines()
        except OSError:
            return []

    def start_ferry(self, config=None):
        """Ferry on our nodes, or with @config (saved connections) as given."""
        exe = os.environ.get('FERRY_EXE') or os.path.join(builddir, 'app', 'ferry')
        check(os.access(exe, os.X_OK), f'{exe} is not built')
        if config is None:
            config = os.path.join(self.tmp, 'connections.ini')
            with open(config, 'w') as f:
                f.write('[Ferry]\nversion=1\n')
                for name, uri, address in self.nodes:
                    f.write(f'\n[Node a11y-{name}]\nuri={uri}\nname={name}\n')
                    if address:
                        f.write(f'migration-address={address}\n')
        env = dict(os.environ)
        # The other tests run without accessibility; this one is about it.
        env.pop('NO_AT_BRIDGE', None)
        env['GTK_A11Y'] = 'atspi'
        if os.environ.get('FERRY_A11Y_APP_G_DEBUG'):
            env['G_DEBUG'] = os.environ['FERRY_A11Y_APP_G_DEBUG']
        env['FERRY_CONFIG'] = config
        env['GSETTINGS_BACKEND'] = 'memory'
        env.setdefault('GSETTINGS_SCHEMA_DIR', os.path.join(builddir, 'data'))
        env.setdefault('GSK_RENDERER', 'cairo')
        self.ferry = subprocess.Popen([exe], env=env, stdout=open(self.ferry_log, 'w'), stderr=subprocess.STDOUT)
        log(f'ferry started (pid {self.ferry.pid}), log {self.ferry_log}')

    def ferry_alive(self):
        return self.ferry is not None and self.ferry.poll() is None

    def stop(self):
        if self.ferry is not None and self.ferry.poll() is None:
            self.ferry.send_signal(signal.SIGTERM)
            try:
                self.ferry.wait(10)
            except subprocess.TimeoutExpired:
                self.ferry.kill()
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()

    def dump_log(self):
        try:
            with open(self.ferry_log) as f:
                text = f.read()
        except OSError:
            return
        if text.strip():
            print('--- ferry output ---\n' + text[-6000:] + '--- end ---', flush=True)


# ---------------------------------------------------------------------------
# The cluster's side: our guests, and virsh as the witness.

def virsh(uri, *args):
    return subprocess.run(['virsh', '-q', '-c', uri] + list(args), capture_output=True, text=True, timeout=60)


def domstate(uri, name):
    r = virsh(uri, 'domstate', name)
    return r.stdout.strip() if r.returncode == 0 else None


def remove_guests(nodes):
    for _, uri, _ in nodes:
        for name in (GUEST_OFF, GUEST_RUN):
            virsh(uri, 'destroy', name)
            virsh(uri, 'undefine', name, '--remove-all-storage')
    # A node that got a guest by migration may not list its volume until its
    # pool is refreshed: the shared pool is looked at once more.
    uri = nodes[0][1]
    virsh(uri, 'pool-refresh', 'shared')
    for name in (GUEST_OFF, GUEST_RUN):
        virsh(uri, 'vol-delete', '--pool', 'shared', f'{name}.qcow2')


def define_guests(nodes):
    remove_guests(nodes)
    subprocess.run([cluster, 'define-guest', nodes[0][0], GUEST_OFF], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([cluster, 'define-guest', nodes[0][0], GUEST_RUN, '--start'], check=True,
                   stdout=subprocess.DEVNULL)
    uri = nodes[0][1]
    check(domstate(uri, GUEST_OFF) == 'shut off', f'{GUEST_OFF} should be shut off')
    wait_for(f'{GUEST_RUN} running', lambda: domstate(uri, GUEST_RUN) == 'running', 60)


# ---------------------------------------------------------------------------

def main():
    nodes = bootstrap()
    session = Session(nodes)
    os.makedirs(outdir, exist_ok=True)
    ok = False
    try:
        session.start_display()
        session.start_a11y_bus()
        session.start_notifications()
        log('defining the guests')
        define_guests(nodes)
        session.start_ferry()
        Driver(session, nodes).run()
        ok = True
    except Failure as e:
        print(f'FAIL: {e}', flush=True)
    finally:
        if not ok:
            screenshot('a11y-failure.png')
            session.dump_log()
        session.stop()
        remove_guests(nodes)
        shutil.rmtree(session.tmp, ignore_errors=True)
    log('passed' if ok else 'failed')
    sys.exit(0 if ok else 1)


def screenshot(name):
    path = os.path.join(outdir, name)
    if subprocess.run(['import', '-window', 'root', path], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode == 0:
        log(f'screenshot: {path}')


# ---------------------------------------------------------------------------
# The accessibility tree.

class Driver:
    def __init__(self, session, nodes):
        # Imported here: the accessibility bus must exist first.
        import gi
        gi.require_version('Gdk', '4.0')
        from gi.repository import Gdk
        import pyatspi
        self.pyatspi = pyatspi
        self.Gdk = Gdk
        self.session = session
        self.nodes = nodes

    # -- the tree ------------------------------------------------------------

    def role(self, acc):
        return acc.getRoleName()

    def walk(self, acc):
        yield acc
        for i in range(acc.childCount):
            child = acc.getChildAtIndex(i)
            if child is not None:
                yield from self.walk(child)

    def find(self, root, role, name=None, pred=None):
        for acc in self.walk(root):
            try:
                if self.role(acc) == role and (name is None or acc.name == name) and (pred is None or pred(acc)):
                    return acc
            except Exception:
                continue
        return None

    def has_state(self, acc, state):
        return acc.getState().contains(state)

    def first_label(self, acc):
        label = self.find(acc, 'label')
        return label.name if label is not None else None

    def app(self):
        check(self.session.ferry_alive(), 'ferry exited')
        desktop = self.pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            a = desktop.getChildAtIndex(i)
            if a is not None and a.name == 'ferry':
                return a
        return None

    def window(self, pred):
        app = self.app()
        for i in range(app.childCount if app else 0):
            w = app.getChildAtIndex(i)
            if w is not None and pred(w.name or ''):
                return w
        return None

    def focused_in(self, root):
        return next((a for a in self.walk(root) if self.has_state(a, self.pyatspi.STATE_FOCUSED)), None)

    def do_action(self, acc, name):
        actions = acc.queryAction()
        for i in range(actions.nActions):
            if actions.getName(i) == name:
                check(actions.doAction(i), f'{name} on {self.role(acc)} "{acc.name}" refused')
                return
        raise Failure(f'{self.role(acc)} "{acc.name}" has no action {name}')

    # -- keyboard, through AT-SPI's synthesis ----------------------------------

    MODS = {'ctrl': 1 << 2, 'shift': 1 << 0, 'alt': 1 << 3}   # X modifier masks

    def key(self, combo):
        *mods, name = combo.split('+')
        mask = 0
        for m in mods:
            mask |= self.MODS[m]
        keyval = self.Gdk.keyval_from_name(name)
        check(keyval != 0, f'no key {name}')
        reg = self.pyatspi.Registry
        if mask:
            reg.generateKeyboardEvent(mask, None, self.pyatspi.KEY_LOCKMODIFIERS)
        reg.generateKeyboardEvent(keyval, None, self.pyatspi.KEY_SYM)
        if mask:
            reg.generateKeyboardEvent(mask, None, self.pyatspi.KEY_UNLOCKMODIFIERS)
        time.sleep(0.15)

    # -- the steps --------------------------------------------------------------

    def open_main(self, vms):
        """The main window as a user sees it: every node connected in the
        "Hosts" list and a row for each of @vms in the table. Returns it."""
        frame = wait_for('the Ferry window on the accessibility bus',
                         lambda: self.window(lambda n: n == 'Ferry'), 60, 0.5)
        log('window found through AT-SPI')
        hosts = wait_for('the "Hosts" list', lambda: self.find(frame, 'list', 'Hosts'), 30)
        for name, _, _ in self.nodes:
            wait_for(f'"{name}, Connected" in the hosts list',
                     lambda: self.find(hosts, 'list item', f'{name}, Connected'), 60, 0.5)
        log('hosts list: ' + ', '.join(hosts.getChildAtIndex(i).name for i in range(hosts.childCount)))
        table = wait_for('the "Virtual machines" table', lambda: self.find(frame, 'tree table', 'Virtual machines'), 30)
        self.rows = wait_for('the rows of the table', lambda: self.find(table, 'list', 'Virtual machines'), 30)
        for vm in vms:
            wait_for(f'the row "{vm}"', lambda: self.row(vm), 60, 0.5)
        return frame

    def run(self):
        frame = self.open_main((GUEST_OFF, GUEST_RUN))
        screenshot('a11y-main.png')

        self.start(frame)
        self.migrate(frame)

    def row(self, name):
        for i in range(self.rows.childCount):
            r = self.rows.getChildAtIndex(i)
            if r is not None and r.name == name:
                return r
        return None

    def row_cells(self, name):
        """The texts of @name's row, cell by cell."""
        r = self.row(name)
        if r is None:
            return None
        return [self.first_label(r.getChildAtIndex(i)) for i in range(r.childCount)]

    def focused_row(self):
        for i in range(self.rows.childCount):
            r = self.rows.getChildAtIndex(i)
            if r is not None and self.has_state(r, self.pyatspi.STATE_FOCUSED):
                return r
        return None

    def focus_row(self, frame, name):
        """Tab into the table, then arrows (which select) onto @name; the
        row ends up focused and the only one selected."""
        for _ in range(40):
            if self.focused_row() is not None:
                break
            self.key('Tab')
        else:
            raise Failure('Tab never reached the virtual machines table')
        target = wait_for(f'the row "{name}"', lambda: self.row(name), 30)
        for _ in range(300):
            f = self.focused_row()
            check(f is not None, 'the focus left the table')
            if f.name == name:
                break
            here = f.queryComponent().getExtents(self.pyatspi.WINDOW_COORDS).y
            there = target.queryComponent().getExtents(self.pyatspi.WINDOW_COORDS).y
            self.key('Down' if there > here else 'Up')
        else:
            raise Failure(f'the arrows never reached "{name}"')
        # Arrows select as they move; Tab only focuses: Space selects.
        if not self.has_state(self.row(name), self.pyatspi.STATE_SELECTED):
            self.key('space')
        wait_for(f'"{name}" selected', lambda: self.has_state(self.row(name), self.pyatspi.STATE_SELECTED), 5)
        log(f'keyboard focus on "{name}", selected')

    def start(self, frame):
        uri = self.nodes[0][1]
        self.focus_row(frame, GUEST_OFF)
        self.key('shift+F10')
        start = wait_for('the context menu\'s "Start"', lambda: self.find(frame, 'menu item', 'Start'), 10)
        shutdown = self.find(frame, 'menu item', 'Shut Down')
        check(self.has_state(start, self.pyatspi.STATE_SENSITIVE), '"Start" is disabled for a shut-off VM')
        check(shutdown is not None and not self.has_state(shutdown, self.pyatspi.STATE_SENSITIVE),
              '"Shut Down" is enabled for a shut-off VM')
        screenshot('a11y-context-menu.png')
        self.do_action(start, 'click')
        log(f'"Start" activated on {GUEST_OFF}')
        wait_for(f'{GUEST_OFF} running (virsh)', lambda: domstate(uri, GUEST_OFF) == 'running', 90, 0.5)
        wait_for(f'"{GUEST_OFF}" shown running',
                 lambda: 'Running' in (self.row_cells(GUEST_OFF) or [None, ''])[1], 30, 0.5)
        log(f'{GUEST_OFF}: running, in virsh and in the table')

    def migrate(self, frame):
        source, destination = self.nodes[0], self.nodes[2]
        self.focus_row(frame, GUEST_RUN)
        self.key('ctrl+m')
        dialog = wait_for('the migration dialog', lambda: self.window(lambda n: n.startswith('Migrate')), 20)
        log(f'dialog "{dialog.name}"')
        combo = wait_for('its "To host"', lambda: self.find(dialog, 'combo box', 'To host'), 10)
        move = wait_for('its "Move" row', lambda: self.find(dialog, 'list item', 'Move'), 10)
        what = self.find(move, 'label', pred=lambda a: a.name.startswith(GUEST_RUN))
        check(what is not None and GUEST_OFF not in what.name, f'the dialog does not move {GUEST_RUN} alone')

        # Keyboard only: Tab to "To host", open it, arrows to the host, Return.
        for _ in range(20):
            f = self.focused_in(dialog)
            if f is not None and self.role(f) == 'combo box' and f.name == 'To host':
                break
            self.key('Tab')
        else:
            raise Failure('Tab never reached "To host"')
        self.key('space')
        choice = None
        for direction in ('Down', 'Up'):
            for _ in range(10):
                f = wait_for('the focused host in the open list', lambda: self.find(
                    dialog, 'list item', pred=lambda a: self.has_state(a, self.pyatspi.STATE_FOCUSED)), 10)
                choice = self.first_label(f)
                if choice == destination[0]:
                    break
                self.key(direction)
            if choice == destination[0]:
                break
        check(choice == destination[0], f'{destination[0]} is not offered in "To host"')
        self.key('Return')
        wait_for(f'the dialog to migrate to {destination[0]}', lambda: dialog.name == f'Migrate to {destination[0]}', 10)
        check(self.find(combo, 'label', destination[0]) is not None, f'"To host" does not show {destination[0]}')

        button = wait_for('"Migrate"', lambda: self.find(dialog, 'push button', 'Migrate'), 10)
        wait_for('"Migrate" enabled (the checks passed)',
                 lambda: self.has_state(button, self.pyatspi.STATE_SENSITIVE), 60, 0.5)
        screenshot('a11y-migrate-dialog.png')
        self.do_action(button, 'click')
        log(f'"Migrate" activated: {GUEST_RUN} {source[0]} → {destination[0]}')

        wait_for(f'{GUEST_RUN} running on {destination[0]} (virsh)',
                 lambda: domstate(destination[1], GUEST_RUN) == 'running', 120, 0.5)
        wait_for(f'{GUEST_RUN} gone from {source[0]} (virsh)',
                 lambda: domstate(source[1], GUEST_RUN) in (None, 'shut off'), 60, 0.5)
        wait_for(f'"{GUEST_RUN}" shown running on {destination[0]}',
                 lambda: (self.row_cells(GUEST_RUN) or ['', '', ''])[2] == destination[0]
                 and self.row_cells(GUEST_RUN)[1].startswith('Running'), 60, 0.5)
        for name, uri, _ in (source, destination):
            listed = virsh(uri, 'list', '--all').stdout
            log(f'virsh -c {uri} list --all: ' + '; '.join(' '.join(line.split()) for line in listed.splitlines()
                                                            if GUEST_RUN in line or GUEST_OFF in line))
        screenshot('a11y-migrated.png')
        for line in self.session.read_notifications():
            log(f'desktop notification: {line}')
        log(f'{GUEST_RUN}: running on {destination[0]}, in virsh and in the table')


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--notifications':
        notification_server(sys.argv[2])
    else:
        main()
