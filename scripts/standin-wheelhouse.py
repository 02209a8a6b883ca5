#!/usr/bin/env python3
"""Wheels of the Python distributions a stand-in root filesystem holds, for its pip to find.

The python stand-ins have no PyPI: what a generated Dockerfile installs must already be in the
image. `pip install` is satisfied by Debian's installed packages, but `pip wheel` (the
Dockerfile's builder stage) wants distribution files. This packs each distribution Debian
installed under /usr/lib/python3/dist-packages into a wheel, from the files dpkg says its package
owns, so that the image's PIP_FIND_LINKS offers them as PyPI would.

Usage: standin-wheelhouse.py ROOTFS OUTDIR (OUTDIR is a path inside ROOTFS, e.g. /usr/local/share/standin-wheels)
"""
import base64
import csv
import email.parser
import hashlib
import io
import os
import re
import shutil
import sys
import sysconfig
import zipfile
from pathlib import Path

SITE = 'usr/lib/python3/dist-packages'


def owners(root: Path) -> dict:
    """dist-packages path (relative to SITE) -> the files of the Debian package that owns it."""
    by_package = {}
    for listing in (root / 'var/lib/dpkg/info').glob('*.list'):
        files = [line.strip().lstrip('/') for line in listing.read_text().splitlines()]
        by_package[listing.stem] = [f[len(SITE) + 1:] for f in files if f.startswith(SITE + '/')]
    return by_package


def requires_from_egg_info(meta_dir: Path) -> list:
    """requires.txt sections ([extra], [:marker], [extra:marker]) as Requires-Dist values."""
    requires = meta_dir / 'requires.txt'
    if not requires.exists():
        return []
    values, extra, marker = [], '', ''
    for line in requires.read_text().splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith('['):
            extra, _, marker = line[1:-1].partition(':')
            continue
        conditions = [f'({marker})'] if marker else []
        if extra:
            conditions.append(f'extra == "{extra}"')
        values.append(line + ('; ' + ' and '.join(conditions) if conditions else ''))
    return values


def record_line(name: str, data: bytes) -> list:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
    return [name, f'sha256={digest}', str(len(data))]


def write_wheel(out: Path, dist: str, version: str, tag: str, purelib: bool, files: list, metadata: bytes, extras: dict) -> Path:
    """A wheel of these (arcname, bytes) files, with its dist-info (METADATA, WHEEL, RECORD and extras)."""
    info = f'{dist}-{version}.dist-info'
    wheel = out / f'{dist}-{version}-{tag}.whl'
    records = []
    with zipfile.ZipFile(wheel, 'w', zipfile.ZIP_DEFLATED) as archive:
        def add(arcname: str, data: bytes) -> None:
            archive.writestr(arcname, data)
            records.append(record_line(arcname, data))
        for arcname, data in files:
            add(arcname, data)
        add(f'{info}/METADATA', metadata)
        add(f'{info}/WHEEL', f'Wheel-Version: 1.0\nGenerator: standin-wheelhouse\nRoot-Is-Purelib: {"true" if purelib else "false"}\nTag: {tag}\n'.encode())
        for name, data in extras.items():
            add(f'{info}/{name}', data)
        text = io.StringIO()
        csv.writer(text, lineterminator='\n').writerows([*records, [f'{info}/RECORD', '', '']])
        archive.writestr(f'{info}/RECORD', text.getvalue())
    return wheel


def tzdata_wheel(root: Path, out: Path):
    """PyPI's `tzdata` distribution, made from Debian's tzdata package (the same IANA database).

    kombu 5.5 requires `tzdata` on every Python, and Debian does not package it as a Python
    distribution: Debian's Python reads /usr/share/zoneinfo instead. PyPI's tzdata is the IANA
    database as package data (tzdata/zoneinfo/<Area>/<Zone>, an __init__.py in every folder, a
    `zones` list), versioned by release: 2026f is 2026.6. None when the root has no zoneinfo."""
    zoneinfo = root / 'usr/share/zoneinfo'
    version_line = (zoneinfo / 'tzdata.zi').read_text().splitlines()[0] if (zoneinfo / 'tzdata.zi').exists() else ''
    match = re.fullmatch(r'# version (\d{4})([a-z])', version_line)
    if not match:
        return None
    iana = match.group(1) + match.group(2)
    version = f'{match.group(1)}.{ord(match.group(2)) - ord("a") + 1}'
    def contents(path: Path) -> bytes:
        """A file's bytes, its symlinks followed inside the root (Debian's links may be absolute)."""
        while path.is_symlink():
            target = Path(os.readlink(path))
            path = root / str(target).lstrip('/') if target.is_absolute() else path.parent / target
        return path.read_bytes() if path.is_file() else b''
    # Every zone file and link (TZif data), but not Debian's extra posix/ and right/ trees.
    zones = sorted(
        str(path.relative_to(zoneinfo)) for path in zoneinfo.rglob('*')
        if path.relative_to(zoneinfo).parts[0] not in ('posix', 'right', 'localtime') and not path.is_dir() and contents(path)[:4] == b'TZif'
    )
    files = [('tzdata/__init__.py', f'IANA_VERSION = "{iana}"\n'.encode()), ('tzdata/zones', ('\n'.join(zones) + '\n').encode())]
    folders = {'tzdata/zoneinfo'} | {str(Path('tzdata/zoneinfo', zone).parent) for zone in zones}
    files += [(f'{folder}/__init__.py', b'') for folder in sorted(folders)]
    files += [(f'tzdata/zoneinfo/{zone}', contents(zoneinfo / zone)) for zone in zones]
    metadata = f'Metadata-Version: 2.1\nName: tzdata\nVersion: {version}\nSummary: the IANA time zone database {iana}, from Debian\'s tzdata package\n'.encode()
    return write_wheel(out, 'tzdata', version, 'py2.py3-none-any', True, files, metadata, {'top_level.txt': b'tzdata\n'})


def main(root: Path, outdir: Path) -> None:
    site = root / SITE
    out = root / str(outdir).lstrip('/')
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    packages = owners(root)
    # The stand-in's interpreter (usr/lib/python3.13 -> cp313), not this script's.
    python_tag = 'cp' + next(p.name[len('python'):] for p in (root / 'usr/lib').glob('python3.*') if p.is_dir()).replace('.', '')
    arch = sysconfig.get_platform().split('-')[-1]
    for meta_dir in sorted([*site.glob('*.dist-info'), *site.glob('*.egg-info')]):
        if not meta_dir.is_dir():
            continue
        files = next((owned for owned in packages.values() if any(f.startswith(meta_dir.name + '/') for f in owned)), None)
        if files is None:
            continue
        metadata_file = meta_dir / ('METADATA' if meta_dir.suffix == '.dist-info' else 'PKG-INFO')
        metadata = email.parser.Parser().parsestr(metadata_file.read_text())
        name, version = metadata['Name'], metadata['Version']
        # setuptools' PKG-INFO may list only the extras' requirements; requires.txt has them all.
        if meta_dir.suffix == '.egg-info' and (meta_dir / 'requires.txt').exists():
            del metadata['Requires-Dist']
            for value in requires_from_egg_info(meta_dir):
                metadata['Requires-Dist'] = value
        # Symlinks (Django's admin jQuery points into /usr/share/javascript) are packed as their target's bytes.
        payload = [f for f in files if (site / f).is_file() and not f.startswith(meta_dir.name + '/') and '__pycache__' not in f]
        compiled = any(f.endswith('.so') for f in payload)
        # The interpreter of the stand-in, read from the compiled modules' names (cpython-313-…).
        abi = next((m.group(1) for f in payload for m in [re.search(r'cpython-(\d+)', f)] if m), None)
        tag = 'py3-none-any' if not compiled else f'cp{abi}-cp{abi}-linux_{arch}' if abi else f'{python_tag}-abi3-linux_{arch}'
        dist = re.sub(r'[-_.]+', '_', name)
        if (out / f'{dist}-{version}-{tag}.whl').exists():  # a stale egg-info beside the dist-info of the same distribution
            continue
        extras = {extra: (meta_dir / extra).read_bytes() for extra in ('entry_points.txt', 'top_level.txt') if (meta_dir / extra).exists()}
        wheel = write_wheel(out, dist, version, tag, not compiled, [(f, (site / f).read_bytes()) for f in sorted(payload)], metadata.as_string().encode(), extras)
        print(wheel.name)
    tzdata = tzdata_wheel(root, out)
    if tzdata:
        print(tzdata.name)


if __name__ == '__main__':
    main(Path(sys.argv[1]), Path(sys.argv[2]))
