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
        info = f'{dist}-{version}.dist-info'
        wheel = out / f'{dist}-{version}-{tag}.whl'
        if wheel.exists():  # a stale egg-info beside the dist-info of the same distribution
            continue
        records = []
        with zipfile.ZipFile(wheel, 'w', zipfile.ZIP_DEFLATED) as archive:
            def add(arcname: str, data: bytes) -> None:
                archive.writestr(arcname, data)
                records.append(record_line(arcname, data))
            for f in sorted(payload):
                add(f, (site / f).read_bytes())
            add(f'{info}/METADATA', metadata.as_string().encode())
            add(f'{info}/WHEEL', f'Wheel-Version: 1.0\nGenerator: standin-wheelhouse\nRoot-Is-Purelib: {"false" if compiled else "true"}\nTag: {tag}\n'.encode())
            for extra in ('entry_points.txt', 'top_level.txt'):
                if (meta_dir / extra).exists():
                    add(f'{info}/{extra}', (meta_dir / extra).read_bytes())
            text = io.StringIO()
            csv.writer(text, lineterminator='\n').writerows([*records, [f'{info}/RECORD', '', '']])
            archive.writestr(f'{info}/RECORD', text.getvalue())
        print(wheel.name)


if __name__ == '__main__':
    main(Path(sys.argv[1]), Path(sys.argv[2]))
