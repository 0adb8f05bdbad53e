#!/usr/bin/env python3
# check-flatpak.py — checks Ferry's Flatpak manifest without building it
#
# No Flatpak runtime can be downloaded where Ferry's tests run, so this checks
# what can be checked from the sources alone:
#   - the manifest is valid YAML with the expected top-level keys;
#   - app-id is Ferry's application ID (meson.build) and command the name of
#     Ferry's executable (app/meson.build);
#   - the runtime is the GNOME runtime, at a version with GTK >= 4.8 and
#     libadwaita >= 1.2 (GNOME 43 or later);
#   - every source of every module is pinned: sha256 for archives and files,
#     a full commit for git; only Ferry's own module builds from the local tree;
#   - Ferry's meson config-opts are exactly the options of meson_options.txt,
#     each with a valid value equal to its default (the native build's);
#   - every dependency() of Ferry's meson files comes from the runtime or from
#     a module of the manifest;
#   - libvirt is built client side only, with libssh;
#   - finish-args are exactly the allow-list below, each justified by a comment
#     in the manifest.
#
# Usage:
#   check-flatpak.py SOURCE_ROOT [MANIFEST]   check (default manifest: flatpak/<app-id>.yml)
#   check-flatpak.py --self-test SOURCE_ROOT  check that broken copies of the manifest fail
#
# Exits 0 when the manifest passes, 1 with one line per problem when it does
# not, 77 (meson's "skipped") when PyYAML is missing.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import sys
import tempfile

try:
    import yaml
except ImportError:
    print("check-flatpak: PyYAML is not installed (Debian: python3-yaml); skipped")
    sys.exit(77)


# What the sandbox may reach, and why (the manifest repeats the reason next to
# each one). Widening this list is a decision to review, not a side effect.
ALLOWED_FINISH_ARGS = {
    "--share=network": "remote hosts, VNC consoles, ssh tunnels",
    "--share=ipc": "X11 shared memory under the X11 fallback",
    "--socket=wayland": "the window",
    "--socket=fallback-x11": "the window where there is no Wayland",
    "--device=dri": "GPU rendering for GTK 4",
    "--filesystem=/run/libvirt:ro": "qemu:///system sockets",
    "--filesystem=xdg-run/libvirt:ro": "qemu:///session sockets",
    "--socket=ssh-auth": "the user's ssh agent",
    "--filesystem=~/.ssh:ro": "the user's ssh configuration and keys, read-only",
    "--talk-name=org.freedesktop.secrets": "remembered passwords in the keyring",
}

# pkg-config names the GNOME runtime provides.
RUNTIME_PROVIDES = {
    "cairo", "gdk-pixbuf-2.0", "gio-2.0", "gio-unix-2.0", "glib-2.0",
    "gmodule-2.0", "gnutls", "gobject-2.0", "graphene-1.0", "gthread-2.0",
    "gtk4", "json-glib-1.0", "libadwaita-1", "libsecret-1", "libsoup-3.0",
    "libxml-2.0", "pango", "zlib",
}

# pkg-config names each module of the manifest provides.
MODULE_PROVIDES = {
    "cyrus-sasl": {"libsasl2"},
    "gtk-vnc": {"gvnc-1.0"},
    "libssh": {"libssh"},
    "libtirpc": {"libtirpc"},
    "libvirt": {"libvirt", "libvirt-admin", "libvirt-lxc", "libvirt-qemu"},
    "libvirt-glib": {"libvirt-glib-1.0", "libvirt-gconfig-1.0", "libvirt-gobject-1.0"},
}

# GNOME 43 is the first runtime with GTK 4.8 and libadwaita 1.2.
MIN_GNOME_RUNTIME = 43

APP_MODULE = "ferry"
HEX64 = re.compile(r"^[0-9a-f]{64}$")
HEX40 = re.compile(r"^[0-9a-f]{40}$")


# ---------------------------------------------------------------------------
# Ferry's own sources

def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def app_id(root):
    m = re.search(r"base_app_id\s*=\s*'([^']+)'", read(os.path.join(root, "meson.build")))
    return m.group(1) if m else None


def executable_name(root):
    m = re.search(r"executable\(\s*'([^']+)'\s*,\s*'main\.c'", read(os.path.join(root, "app", "meson.build")))
    return m.group(1) if m else None


def meson_calls(text, func):
    """The argument text of each call func(...) in meson source @text."""
    text = re.sub(r"#[^\n]*", "", text)
    for m in re.finditer(r"\b%s\s*\(" % re.escape(func), text):
        depth = 0
        in_string = False
        for i in range(m.end() - 1, len(text)):
            c = text[i]
            if in_string:
                if c == "\\":
                    continue
                if c == "'":
                    in_string = False
            elif c == "'":
                in_string = True
            elif c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
                if depth == 0:
                    yield text[m.end():i]
                    break


def meson_options(root):
    """{name: (type, default, choices)} from meson_options.txt."""
    options = {}
    for args in meson_calls(read(os.path.join(root, "meson_options.txt")), "option"):
        name = re.match(r"\s*'([^']+)'", args).group(1)
        kind = re.search(r"\btype\s*:\s*'([^']+)'", args).group(1)
        value = re.search(r"\bvalue\s*:\s*('[^']*'|true|false|-?\d+|\[[^\]]*\])", args)
        choices = re.search(r"\bchoices\s*:\s*\[([^\]]*)\]", args)
        choices = re.findall(r"'([^']*)'", choices.group(1)) if choices else None
        if value is not None:
            default = value.group(1).strip("'")
        elif kind == "boolean":
            default = "true"
        elif kind == "combo":
            default = choices[0]
        elif kind == "feature":
            default = "auto"
        else:
            default = ""
        options[name] = (kind, default, choices)
    return options


def meson_dependencies(root):
    """pkg-config names of every dependency() in Ferry's meson files."""
    names = set()
    for dirpath, dirnames, filenames in os.walk(root):
        # Build directories (_build*, _flatpak) and hidden ones are not sources.
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "_"))]
        if "meson.build" in filenames:
            for args in meson_calls(read(os.path.join(dirpath, "meson.build")), "dependency"):
                m = re.match(r"\s*'([^']+)'", args)
                if m:
                    names.add(m.group(1))
    return names


def valid_value(kind, value, choices):
    if kind == "boolean":
        return value in ("true", "false")
    if kind == "combo":
        return value in choices
    if kind == "feature":
        return value in ("enabled", "disabled", "auto")
    if kind == "integer":
        return re.fullmatch(r"-?\d+", value) is not None
    return True


# ---------------------------------------------------------------------------
# The manifest

def walk_modules(modules, errors, where="modules"):
    for i, module in enumerate(modules or []):
        if not isinstance(module, dict):
            errors.append("%s[%d]: a module must be written in the manifest (not a file "
                          "reference), so that its sources can be checked" % (where, i))
            continue
        yield module
        yield from walk_modules(module.get("modules"), errors, "module %s: modules" % module.get("name"))


def check_sources(module, manifest_dir, errors):
    name = module.get("name")
    sources = module.get("sources") or []
    if not sources:
        errors.append("module %s: no sources" % name)
    for source in sources:
        if not isinstance(source, dict):
            errors.append("module %s: a source must be written in the manifest, not a file reference" % name)
            continue
        kind = source.get("type")
        what = "module %s: %s source %s" % (name, kind, source.get("url") or source.get("path") or "")
        if kind in ("archive", "file"):
            if not str(source.get("url", "")).startswith("https://"):
                errors.append("%s: the URL must be https" % what)
            if not HEX64.match(str(source.get("sha256", ""))):
                errors.append("%s: not pinned by a sha256 checksum" % what)
        elif kind == "git":
            if not str(source.get("url", "")).startswith("https://"):
                errors.append("%s: the URL must be https" % what)
            if not HEX40.match(str(source.get("commit", ""))):
                errors.append("%s: not pinned by a full commit hash" % what)
        elif kind == "dir":
            if name != APP_MODULE:
                errors.append("%s: only Ferry's own module may build from the local tree" % what)
        elif kind == "patch":
            if not os.path.isfile(os.path.join(manifest_dir, str(source.get("path", "")))):
                errors.append("%s: the patch file does not exist" % what)
        elif kind == "shell":
            pass
        else:
            errors.append("%s: unexpected source type (archive, file, git, patch, shell or dir)" % what)


def check_app_module(module, root, errors):
    if module.get("buildsystem") != "meson":
        errors.append("module %s: must build with meson" % APP_MODULE)
    options = meson_options(root)
    seen = set()
    for opt in module.get("config-opts") or []:
        m = re.fullmatch(r"-D([A-Za-z0-9_-]+)=(.*)", str(opt))
        if m is None:
            errors.append("module %s: config-opt %r is not -Dname=value" % (APP_MODULE, opt))
            continue
        name, value = m.groups()
        if name not in options:
            errors.append("module %s: -D%s is not an option of meson_options.txt" % (APP_MODULE, name))
            continue
        if name in seen:
            errors.append("module %s: -D%s is given twice" % (APP_MODULE, name))
        seen.add(name)
        kind, default, choices = options[name]
        if not valid_value(kind, value, choices):
            errors.append("module %s: -D%s=%s is not a valid %s value" % (APP_MODULE, name, value, kind))
        elif value != default:
            errors.append("module %s: -D%s=%s differs from the native build (%s)"
                          % (APP_MODULE, name, value, default))
    for name in sorted(set(options) - seen):
        errors.append("module %s: option %s of meson_options.txt is not set "
                      "(state every option, as the native build has it)" % (APP_MODULE, name))


def check_libvirt(module, errors):
    opts = set(str(o) for o in module.get("config-opts") or [])
    for required in ("-Ddriver_remote=enabled", "-Dlibssh=enabled",
                     "-Ddriver_libvirtd=disabled", "-Ddriver_qemu=disabled"):
        if required not in opts:
            errors.append("module libvirt: needs %s (client side only, with libssh)" % required)


def check_finish_args(manifest, text, errors):
    args = manifest.get("finish-args") or []
    if len(args) != len(set(args)):
        errors.append("finish-args: duplicates")
    for arg in args:
        if arg not in ALLOWED_FINISH_ARGS:
            errors.append("finish-args: %s is not on the allow-list of tests/data/check-flatpak.py" % arg)
    for arg in sorted(set(ALLOWED_FINISH_ARGS) - set(args)):
        errors.append("finish-args: %s is missing (%s)" % (arg, ALLOWED_FINISH_ARGS[arg]))

    # Each permission is justified: a comment on its line or on the line
    # right above it.
    lines = text.splitlines()
    for arg in args:
        index = next((i for i, l in enumerate(lines)
                      if re.fullmatch(r"\s*-\s*['\"]?%s['\"]?\s*(#.*)?" % re.escape(arg), l)), None)
        if index is None:
            continue
        if "#" not in lines[index] and (index == 0 or not lines[index - 1].strip().startswith("#")):
            errors.append("finish-args: %s has no comment saying why it is needed" % arg)


def check(root, manifest_path):
    errors = []
    expected_id = app_id(root)
    try:
        text = read(manifest_path)
        manifest = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as e:
        return ["%s: %s" % (manifest_path, str(e).replace("\n", " "))]
    if not isinstance(manifest, dict):
        return ["%s: not a YAML mapping" % manifest_path]

    for key in ("app-id", "runtime", "runtime-version", "sdk", "command", "finish-args", "modules"):
        if key not in manifest:
            errors.append("%s is missing" % key)

    if manifest.get("app-id") != expected_id:
        errors.append("app-id is %r, Ferry's application ID is %r" % (manifest.get("app-id"), expected_id))
    stem = os.path.basename(manifest_path).rsplit(".", 1)[0]
    if stem != expected_id:
        errors.append("the manifest file is named %s, not after the app ID" % os.path.basename(manifest_path))
    if manifest.get("command") != executable_name(root):
        errors.append("command is %r, Ferry's executable is %r" % (manifest.get("command"), executable_name(root)))

    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        errors.append("runtime/sdk must be org.gnome.Platform/org.gnome.Sdk")
    version = str(manifest.get("runtime-version", ""))
    if not re.fullmatch(r"\d+", version) or int(version) < MIN_GNOME_RUNTIME:
        errors.append("runtime-version %r: GTK >= 4.8 and libadwaita >= 1.2 need GNOME %d or later"
                      % (version, MIN_GNOME_RUNTIME))

    modules = list(walk_modules(manifest.get("modules"), errors))
    names = [m.get("name") for m in modules]
    for name in sorted(set(n for n in names if names.count(n) > 1)):
        errors.append("module %s: defined twice" % name)
    manifest_dir = os.path.dirname(os.path.abspath(manifest_path))
    for module in modules:
        check_sources(module, manifest_dir, errors)

    top = manifest.get("modules") or []
    if not top or not isinstance(top[-1], dict) or top[-1].get("name") != APP_MODULE:
        errors.append("the last module must be Ferry's (%s)" % APP_MODULE)
    for module in modules:
        if module.get("name") == APP_MODULE:
            check_app_module(module, root, errors)
        elif module.get("name") == "libvirt":
            check_libvirt(module, errors)

    provided = set(RUNTIME_PROVIDES)
    for name in names:
        provided |= MODULE_PROVIDES.get(name, set())
    for dep in sorted(meson_dependencies(root) - provided):
        errors.append("dependency %s of Ferry's meson files is neither in the runtime nor built "
                      "by a module of the manifest" % dep)

    check_finish_args(manifest, text, errors)
    return errors


# ---------------------------------------------------------------------------
# Self-test: every kind of breakage is caught

MUTATIONS = [
    ("an archive without its checksum", r"\n\s+sha256: e10059ef[0-9a-f]+", ""),
    ("a wrong-length checksum", r"sha256: (c0beb474[0-9a-f]+)", r"sha256: \g<1>0"),
    ("a git source without a commit", r"- type: archive\n(\s+)url: https://libvirt.org/sources/libvirt-11.4.0.tar.xz\n\s+sha256: [0-9a-f]+",
     r"- type: git\n\1url: https://gitlab.com/libvirt/libvirt.git\n\1tag: v11.4.0"),
    ("a plain-http URL", r"url: https://www.libssh.org", "url: http://www.libssh.org"),
    ("a local dir source in a dependency", r"(- name: libtirpc\n(?:.*\n)*?\s+sources:\n)(\s+)- type: archive\n\s+url: .*\n\s+sha256: .*",
     r"\1\2- type: dir\n\2  path: ../libtirpc"),
    ("another app ID", r"app-id: io\.github\.ferryvm\.Ferry", "app-id: io.github.ferryvm.Ferry.Devel"),
    ("another command", r"command: ferry", "command: ferry-bin"),
    ("an old runtime", r"runtime-version: '\d+'", "runtime-version: '42'"),
    ("a KDE runtime", r"runtime: org\.gnome\.Platform", "runtime: org.kde.Platform"),
    ("a broader filesystem permission", r"(\n\s+)- --filesystem=~/.ssh:ro", r"\1- --filesystem=home"),
    ("a read-write ~/.ssh", r"--filesystem=~/.ssh:ro", "--filesystem=~/.ssh"),
    ("an extra permission", r"(\n\s+)- --talk-name=org\.freedesktop\.secrets",
     r"\1- --talk-name=org.freedesktop.secrets\1# Why not\1- --talk-name=org.freedesktop.Flatpak"),
    ("a permission left out", r"\n\s+- --socket=ssh-auth", ""),
    ("a permission without a comment", r"(\n\s+#[^\n]*)+(\n\s+- --talk-name=org\.freedesktop\.secrets)", r"\2"),
    ("an unknown meson option", r"(\n\s+)- -Dui_tests=true", r"\1- -Dui_tests=true\1- -Dno_such_option=true"),
    ("an invalid boolean", r"-Ddevelopment=false", "-Ddevelopment=maybe"),
    ("a value other than the native build's", r"-Ddevelopment=false", "-Ddevelopment=true"),
    ("a meson option left out", r"\n\s+- -Dui_tests=true", ""),
    ("libvirt with its daemon", r"-Ddriver_libvirtd=disabled", "-Ddriver_libvirtd=enabled"),
    ("libvirt without libssh", r"\n\s+- -Dlibssh=enabled", ""),
    ("gvnc's module removed", r"\n  # gtk-vnc, (?:.*\n)*?(?=\n  # Ferry)", ""),
    ("Ferry's module not last", r"(\n  # Ferry, with(?:.*\n)*)", r"\1  - name: extra\n    sources:\n      - type: shell\n        commands: [true]\n"),
    ("invalid YAML", r"finish-args:\n", "finish-args: [\n"),
]


def self_test(root):
    manifest = os.path.join(root, "flatpak", app_id(root) + ".yml")
    text = read(manifest)
    failures = 0
    errors = check(root, manifest)
    if errors:
        print("not ok - the real manifest fails:\n  " + "\n  ".join(errors))
        return 1
    print("ok - the real manifest passes")
    with tempfile.TemporaryDirectory() as tmp:
        flatpak_dir = os.path.join(tmp, "flatpak")
        os.mkdir(flatpak_dir)
        broken = os.path.join(flatpak_dir, os.path.basename(manifest))
        for what, pattern, replacement in MUTATIONS:
            mutated, n = re.subn(pattern, replacement, text, count=1)
            if n == 0 or mutated == text:
                print("not ok - %s: the mutation no longer applies to the manifest" % what)
                failures += 1
                continue
            with open(broken, "w", encoding="utf-8") as f:
                f.write(mutated)
            errors = check(root, broken)
            if errors:
                print("ok - %s is refused: %s" % (what, errors[0]))
            else:
                print("not ok - %s passes the check" % what)
                failures += 1
    return 1 if failures else 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "--self-test":
        if len(argv) != 3:
            print(__doc__ if __doc__ else "usage: check-flatpak.py --self-test SOURCE_ROOT")
            return 2
        return self_test(argv[2])
    if len(argv) not in (2, 3):
        print("usage: check-flatpak.py SOURCE_ROOT [MANIFEST] | --self-test SOURCE_ROOT", file=sys.stderr)
        return 2
    root = argv[1]
    manifest = argv[2] if len(argv) == 3 else os.path.join(root, "flatpak", app_id(root) + ".yml")
    errors = check(root, manifest)
    for e in errors:
        print("check-flatpak: %s" % e)
    if not errors:
        print("check-flatpak: %s passes" % os.path.relpath(manifest, root))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
