"""
Pinned pip requirements from poetry.lock, without Poetry: the locked packages of the main group,
the chosen groups and the chosen extras of the project, for `pip wheel -r` in the Dockerfile's
builder stage.
Written by generator-django-static.

    python poetry-requirements.py poetry.lock [group ...] [--extra name ...] > requirements.txt

Poetry 2 (lock-version 2.1) names on every package the groups that need it and the markers under
which they do (one for all groups, or one per group), so no dependency graph is walked here: a
package is listed when one of its groups is chosen and that group's marker holds in the image's own
Python (the builder runs the same image as the app). A package only an extra needs (`optional`,
its marker naming the extra, or named by the lock's [extras]) is listed only when that extra is
chosen. Hashes are written when every package has them; git sources are pinned to the resolved
commit, directories and files are written as file: URLs from the lock's folder.
"""
import sys
import tomllib
from pathlib import Path

from pip._vendor.packaging.markers import Marker
from pip._vendor.packaging.utils import canonicalize_name


def fail(message):
    sys.exit(f"poetry-requirements: {message}")


def marker_of(package, group):
    markers = package.get("markers")
    return markers.get(group) if isinstance(markers, dict) else markers


def applies(package, group):
    marker = marker_of(package, group)
    return marker is None or Marker(marker).evaluate({"extra": ""})


def for_extras(package, extras, lock_extras):
    """
    Whether an optional package of main comes with a chosen extra: one the lock's [extras] lists it
    under, or one its marker names (a dependency of such a package), the marker holding here.
    """
    name = canonicalize_name(package["name"])
    marker = marker_of(package, "main")

    def holds(extra):
        return marker is None or Marker(marker).evaluate({"extra": extra})

    listed = [extra for extra in extras if name in {canonicalize_name(entry) for entry in lock_extras.get(extra, [])}]
    return any(holds(extra) for extra in listed) or (not holds("") and any(holds(extra) for extra in extras))


def source_line(name, package, lock_dir):
    source = package.get("source", {})
    kind = source.get("type")
    if kind == "git":
        subdirectory = f"#subdirectory={source['subdirectory']}" if source.get("subdirectory") else ""
        return f"{name} @ git+{source['url']}@{source['resolved_reference']}{subdirectory}"
    if kind in ("directory", "file"):
        return f"{name} @ {(lock_dir / source['url']).resolve().as_uri()}"
    if kind == "url":
        return f"{name} @ {source['url']}"
    return f"{name}=={package['version']}"


def main(lock_file, groups, extras):
    with open(lock_file, "rb") as handle:
        lock = tomllib.load(handle)
    packages = lock.get("package", [])
    if any("groups" not in package for package in packages):
        fail(f"{lock_file} does not say which groups need each package (lock-version {lock.get('metadata', {}).get('lock-version', '?')}): lock it with Poetry 2 (`poetry lock`) and commit it")
    known = sorted({group for package in packages for group in package["groups"]})
    missing = [group for group in groups if group not in known]
    if missing:
        fail(f"{lock_file} locks no package for the group {', '.join(missing)} (its groups: {', '.join(known)})")

    lock_extras = lock.get("extras", {})
    unknown = [extra for extra in extras if extra not in lock_extras]
    if unknown:
        fail(f"{lock_file} has no extra {', '.join(unknown)} (its extras: {', '.join(sorted(lock_extras)) or 'none'})")

    wanted = ["main", *groups]
    chosen = {}
    for package in packages:
        needed = [group for group in wanted if group in package["groups"] and applies(package, group)]
        # An optional package of main comes with a chosen extra only.
        by_extra = bool(package.get("optional")) and "main" in package["groups"] and for_extras(package, extras, lock_extras)
        if not (by_extra or [group for group in needed if group != "main" or not package.get("optional")]):
            continue
        name = canonicalize_name(package["name"])
        previous = chosen.get(name)
        if previous and previous["version"] != package["version"]:
            fail(f"{name} is locked at {previous['version']} and {package['version']} for this Python and platform")
        chosen.setdefault(name, package)

    # Another index than PyPI ([[tool.poetry.source]]): pip looks there too.
    indexes = sorted({package["source"]["url"] for package in chosen.values() if package.get("source", {}).get("type") == "legacy"})
    lock_dir = Path(lock_file).resolve().parent
    hashed = all(package.get("files") and package.get("source", {}).get("type") in (None, "legacy", "url") for package in chosen.values())
    lines = [f"--extra-index-url {url}" for url in indexes]
    for name in sorted(chosen):
        package = chosen[name]
        line = source_line(name, package, lock_dir)
        if hashed:
            line += "".join(f" \\\n    --hash={entry['hash']}" for entry in package["files"])
        lines.append(line)
    print("\n".join(lines))


def split_arguments(arguments):
    """Groups, and the names after --extra."""
    groups, extras = [], []
    while arguments:
        argument, *arguments = arguments
        if argument == "--extra":
            if not arguments:
                fail("--extra needs a name")
            extras.append(arguments.pop(0))
        else:
            groups.append(argument)
    return groups, extras


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], *split_arguments(sys.argv[2:]))
