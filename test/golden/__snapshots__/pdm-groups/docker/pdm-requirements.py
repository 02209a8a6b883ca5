"""
Pinned pip requirements from pdm.lock, without PDM: the locked packages of the default group and
the chosen groups, for `pip wheel -r` in the Dockerfile's builder stage.
Written by generator-django-static.

    python pdm-requirements.py pdm.lock [group ...] > requirements.txt

PDM's lock (strategy inherit_metadata, PDM 2.11 and later) names on every package the groups that
need it and the marker under which they do, so no dependency graph is walked here: a package is
listed when one of its groups is chosen and its marker holds in the image's own Python (the
builder runs the same image as the app). A package locked once per extra (`name[extra]`) is listed
once. Hashes are written when every package has them (pip then checks all of them); git sources
are pinned to the locked revision, local paths are written as file: URLs from the lock's folder.
"""
import sys
import tomllib
from pathlib import Path

from pip._vendor.packaging.markers import Marker
from pip._vendor.packaging.specifiers import SpecifierSet
from pip._vendor.packaging.utils import canonicalize_name


def fail(message):
    sys.exit(f"pdm-requirements: {message}")


def python_fits(lock):
    """The lock was resolved for some Pythons only (its targets): markers elsewhere would drop packages silently."""
    here = ".".join(map(str, sys.version_info[:3]))
    targets = sorted({target.get("requires_python") for target in lock["metadata"].get("targets", []) if target.get("requires_python")})
    ranges = [SpecifierSet(spec) for spec in targets]
    return not ranges or any(here in spec for spec in ranges), targets


def source_line(name, package, lock_dir):
    if "git" in package:
        revision = package.get("revision")
        if not revision:
            fail(f"{name} comes from git ({package['git']}) without a locked revision")
        return f"{name} @ git+{package['git']}@{revision}"
    if "path" in package:
        return f"{name} @ {(lock_dir / package['path']).resolve().as_uri()}"
    if "url" in package:
        return f"{name} @ {package['url']}"
    return f"{name}=={package['version']}"


def main(lock_file, groups):
    with open(lock_file, "rb") as handle:
        lock = tomllib.load(handle)
    metadata = lock.get("metadata", {})
    if "inherit_metadata" not in metadata.get("strategy", []):
        fail(f"{lock_file} does not say which groups and markers each package has (no inherit_metadata strategy): run `pdm lock --strategy inherit_metadata` (the default since PDM 2.11) and commit it")
    locked_groups = metadata.get("groups", ["default"])
    missing = [group for group in groups if group not in locked_groups]
    if missing:
        fail(f"{lock_file} has no locked group {', '.join(missing)} (it has {', '.join(locked_groups)}): lock it with `pdm lock -G {missing[0]}`")
    fits, targets = python_fits(lock)
    if not fits:
        fail(f"{lock_file} was locked for Python {' or '.join(targets)}, not this image's {sys.version.split()[0]}: choose a matching --python-version or re-lock")

    wanted = {"default", *groups}
    chosen = {}
    for package in lock.get("package", []):
        if not wanted.intersection(package.get("groups", [])):
            continue
        marker = package.get("marker")
        if marker and not Marker(marker).evaluate({"extra": ""}):
            continue
        name = canonicalize_name(package["name"])
        # One entry per extra of the same version: the first is enough (pip reads no extras here, every package is listed).
        previous = chosen.get(name)
        if previous and previous["version"] != package["version"]:
            fail(f"{name} is locked at {previous['version']} and {package['version']} for this Python and platform")
        chosen.setdefault(name, package)

    lock_dir = Path(lock_file).resolve().parent
    hashed = all(package.get("files") and "path" not in package and "git" not in package for package in chosen.values())
    lines = []
    for name in sorted(chosen):
        package = chosen[name]
        line = source_line(name, package, lock_dir)
        if hashed:
            line += "".join(f" \\\n    --hash={entry['hash']}" for entry in package["files"])
        lines.append(line)
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
