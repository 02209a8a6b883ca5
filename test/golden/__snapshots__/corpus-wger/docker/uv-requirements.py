"""
Pinned pip requirements from uv.lock, without uv: the locked versions of [project].dependencies,
the chosen dependency groups and the chosen extras of the project ([project.optional-dependencies]),
for `pip wheel -r` in the Dockerfile's builder stage.
Written by generator-django-static.

    python uv-requirements.py uv.lock [group ...] [--extra name ...] > requirements.txt

Markers are evaluated here, in the image's own Python (the builder runs the same image as the
app), so only what this platform needs is listed. Hashes are written when every package has
them (pip then checks all of them); git and path sources are written as direct references, a
path (a [tool.uv.sources] path, a workspace member) as a file: URL from the lock's own folder.
Virtual workspace members are not installed (uv does not either), only their dependencies.
"""
import sys
import tomllib
from pathlib import Path

from pip._vendor.packaging.markers import Marker
from pip._vendor.packaging.specifiers import SpecifierSet
from pip._vendor.packaging.utils import canonicalize_name


PYPI = "https://pypi.org/simple"


def applies(edge):
    marker = edge.get("marker")
    return marker is None or Marker(marker).evaluate({"extra": ""})


def key(edge):
    return canonicalize_name(edge["name"])


def main(lock_file, groups, extras):
    with open(lock_file, "rb") as handle:
        lock = tomllib.load(handle)
    # Resolved for these Pythons only: elsewhere the markers would drop packages without a word.
    here = ".".join(map(str, sys.version_info[:3]))
    if "requires-python" in lock and here not in SpecifierSet(lock["requires-python"]):
        sys.exit(f"uv-requirements: {lock_file} was locked for Python {lock['requires-python']}, not this image's {here}: choose a matching --python-version or re-lock")
    packages = lock.get("package", [])
    by_name = {}
    for package in packages:
        by_name.setdefault(canonicalize_name(package["name"]), []).append(package)

    def find(edge):
        candidates = by_name.get(key(edge), [])
        # uv names the version and source on an edge when the lock has more than one of the package.
        if "version" in edge:
            candidates = [package for package in candidates if package.get("version") == edge["version"]] or candidates
        if "source" in edge:
            candidates = [package for package in candidates if package.get("source") == edge["source"]] or candidates
        if len(candidates) != 1:
            sys.exit(f"uv-requirements: {edge['name']} is {'not in' if not candidates else 'ambiguous in'} {lock_file}")
        return candidates[0]

    # The project itself: its source is the lock's own folder (virtual or editable ".").
    roots = [package for package in packages if package.get("source", {}).get("virtual") == "." or package.get("source", {}).get("editable") == "."]
    if len(roots) != 1:
        sys.exit(f"uv-requirements: {lock_file} has no single project package (virtual or editable \".\")")
    root = roots[0]
    edges = list(root.get("dependencies", []))
    dev = root.get("dev-dependencies", {})
    for group in groups:
        if group not in dev:
            sys.exit(f"uv-requirements: {lock_file} has no dependency group {group} (it has {', '.join(sorted(dev)) or 'none'})")
        edges += dev[group]
    optional = root.get("optional-dependencies", {})
    for extra in extras:
        if extra not in optional:
            sys.exit(f"uv-requirements: {lock_file} has no extra {extra} of the project (it has {', '.join(sorted(optional)) or 'none'})")
        edges += optional[extra]

    chosen = {}
    seen = set()
    while edges:
        edge = edges.pop()
        if not applies(edge):
            continue
        package = find(edge)
        extras = tuple(sorted(edge.get("extra", [])))
        if (id(package), extras) in seen:
            continue
        seen.add((id(package), extras))
        # An extra or group naming the project itself ("mysite[prod]") stands for those extras:
        # the project's code is copied into the image, never installed as a package.
        if package is not root:
            chosen[canonicalize_name(package["name"])] = package
        edges += package.get("dependencies", [])
        for extra in extras:
            edges += package.get("optional-dependencies", {}).get(extra, [])

    def hashes(package):
        files = [package["sdist"]] if "sdist" in package else []
        files += package.get("wheels", [])
        return [entry["hash"] for entry in files if "hash" in entry]

    pinned = [package for package in chosen.values() if "registry" in package.get("source", {}) or "url" in package.get("source", {})]
    hashed = all(hashes(package) for package in pinned)
    hashed = hashed and all(package in pinned or "virtual" in package.get("source", {}) for package in chosen.values())
    # Packages from another index than PyPI ([[tool.uv.index]], e.g. PyTorch's CPU wheels).
    indexes = sorted({package["source"]["registry"] for package in chosen.values() if package.get("source", {}).get("registry", PYPI).rstrip("/") != PYPI})
    lines = [f"--extra-index-url {url}" for url in indexes]
    for name in sorted(chosen):
        package = chosen[name]
        source = package.get("source", {})
        if "git" in source:
            # uv writes git+URL?rev=…#<commit>: pip wants git+URL@<commit>.
            url, _, commit = source["git"].partition("#")
            lines.append(f"{name} @ git+{url.split('?')[0]}@{commit}")
        elif "url" in source:
            # A direct URL to a wheel or sdist; its hash is in the lock like a registry file's.
            line = f"{name} @ {source['url']}"
            if hashed:
                line += "".join(f" \\\n    --hash={digest}" for digest in hashes(package))
            lines.append(line)
        elif "virtual" in source:
            continue
        elif "path" in source or "directory" in source or "editable" in source:
            where = Path(lock_file).resolve().parent / (source.get("path") or source.get("directory") or source.get("editable"))
            lines.append(f"{name} @ {where.resolve().as_uri()}")
        else:
            line = f"{name}=={package['version']}"
            if hashed:
                line += "".join(f" \\\n    --hash={digest}" for digest in hashes(package))
            lines.append(line)
    print("\n".join(lines))


def split_arguments(arguments):
    """Groups, and the names after --extra."""
    groups, extras = [], []
    while arguments:
        argument, *arguments = arguments
        if argument == "--extra":
            if not arguments:
                sys.exit("uv-requirements: --extra needs a name")
            extras.append(arguments.pop(0))
        else:
            groups.append(argument)
    return groups, extras


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], *split_arguments(sys.argv[2:]))
