"""Build the offline bundle: one folder (and its zip) that an officer copies to a PC with no
internet and installs by double-clicking install.bat.

    python bundle/build.py                   # Windows 64-bit, Python 3.11–3.13 -> dist/ (make bundle)
    python bundle/build.py --platform host   # this machine's platform and Python (the tests)

It holds: the wheels of xltools and of everything it needs, for each supported Python on
Windows (from PyPI, binary only), the xlwings add-in (from the xlwings wheel itself, so it is the
version the Python package expects), the VBA module and the ribbon part written from the
button list (xltools/excel/ribbon.py), the install script, the guide, and bundle.json (what is
inside, with each file's sha256).

pip resolves environment markers for the machine it runs on, not for `--platform`: a package
needed only on Windows (pywin32 for xlwings, colorama for tqdm) would be left out. So after
downloading, every wheel's requirements are evaluated again for the target (Windows, that
Python) and whatever is missing is fetched too, until nothing is.
"""
from __future__ import annotations

import argparse
import email.parser
import hashlib
import json
import os
import platform as host_platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO))  # the ribbon files come from this checkout's button list

from xltools.excel.ribbon_files import customui_xml, vba_module  # noqa: E402

# Not 3.10: xlwings 0.37.1 and later (xltools needs 0.37.5) require Python 3.11.
WINDOWS_PYTHONS = ("3.11", "3.12", "3.13")
GUIDE = REPO / "docs" / "用户指南.md"
GUIDE_PICTURES = REPO / "docs" / "guide"


@dataclass(frozen=True)
class Target:
    platform: str  # a wheel platform tag, or "host"
    python: str  # "3.12"

    @property
    def marker_env(self) -> dict[str, str]:
        if self.platform == "host":
            return {str(k): str(v) for k, v in default_environment().items()}
        full = f"{self.python}.0"
        return {"implementation_name": "cpython", "implementation_version": full, "os_name": "nt",
                "platform_machine": "AMD64", "platform_python_implementation": "CPython",
                "platform_release": "10", "platform_system": "Windows", "platform_version": "10.0.19045",
                "python_full_version": full, "python_version": self.python, "sys_platform": "win32"}

    def pip_args(self) -> list[str]:
        args = ["--only-binary=:all:"]
        if self.platform != "host":
            args += ["--platform", self.platform, "--python-version", self.python, "--implementation", "cp"]
        return args

    @property
    def name(self) -> str:
        return f"{self.platform}-py{self.python}"


def log(text: str) -> None:
    print(text, flush=True)


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True)


# -- xltools' own wheel ------------------------------------------------------------------------------

def build_wheel(out: Path) -> Path:
    """The xltools wheel, built from a copy of the sources (a build in the checkout would leave
    build/ and egg-info behind)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(REPO / name, src / name)
        shutil.copytree(REPO / "xltools", src / "xltools", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        r = pip("wheel", "--no-deps", "-q", "-w", str(out), str(src))
        if r.returncode != 0:
            raise SystemExit(f"building the xltools wheel failed:\n{r.stdout}{r.stderr}")
    wheels = sorted(out.glob("xltools-*.whl"))
    if not wheels:
        raise SystemExit("building the xltools wheel wrote no wheel")
    return wheels[-1]


def metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(z.read(name).decode("utf-8"))


def requirements(wheel: Path, env: dict[str, str]) -> list[Requirement]:
    """The wheel's requirements that apply in `env` (no extras)."""
    out = []
    for line in metadata(wheel).get_all("Requires-Dist") or []:
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate({**env, "extra": ""}):
            out.append(req)
    return out


# -- the dependencies ------------------------------------------------------------------------------

def missing(folder: Path, roots: Sequence[Requirement], env: dict[str, str]) -> list[str]:
    """Requirements (as pip arguments) that no wheel in `folder` satisfies, following every
    wheel's requirements as they apply in `env`."""
    by_name: dict[str, Path] = {}
    for w in folder.glob("*.whl"):
        by_name[canonicalize_name(parse_wheel_filename(w.name)[0])] = w
    todo, seen, lacking = list(roots), set(), []
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        seen.add(name)
        wheel = by_name.get(name)
        if wheel is None or (req.specifier and not req.specifier.contains(str(parse_wheel_filename(wheel.name)[1]),
                                                                         prereleases=True)):
            lacking.append(str(Requirement(f"{req.name}{req.specifier}")))
            continue
        todo += requirements(wheel, env)
    return sorted(lacking)


def download(reqs: Sequence[Requirement], target: Target, cache: Path) -> None:
    """Every wheel `reqs` need on `target`, into `cache`: taken from it as it is when complete
    (no network), else downloaded."""
    cache.mkdir(parents=True, exist_ok=True)
    wanted = [str(r) for r in reqs]
    offline = pip("download", "-q", "--no-index", "--find-links", str(cache), "-d", str(cache),
                  *target.pip_args(), *wanted)
    if offline.returncode == 0 and not missing(cache, reqs, target.marker_env):
        log(f"  {target.name}: wheels already in {cache}")
        return
    for _ in range(5):
        r = pip("download", "-q", "-d", str(cache), *target.pip_args(), *wanted)
        if r.returncode != 0:
            raise SystemExit(f"pip download for {target.name} failed:\n{r.stdout}{r.stderr}")
        wanted = missing(cache, reqs, target.marker_env)
        if not wanted:
            log(f"  {target.name}: {len(list(cache.glob('*.whl')))} wheels in {cache}")
            return
        log(f"  {target.name}: also needed on the target: {', '.join(wanted)}")
    raise SystemExit(f"{target.name}: still missing after five rounds: {', '.join(wanted)}")


# -- the bundle --------------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _addin(wheels: Path, out: Path) -> Path | None:
    """The xlwings add-in, from an xlwings wheel in the bundle."""
    for w in sorted(wheels.glob("xlwings-*.whl")):
        with zipfile.ZipFile(w) as z:
            if "xlwings/addin/xlwings.xlam" in z.namelist():
                out.write_bytes(z.read("xlwings/addin/xlwings.xlam"))
                return out
    return None


def _crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii")


def build(out: Path, platform: str, pythons: Sequence[str], cache: Path, zip_it: bool,
          python_installer: Path | None = None) -> Path:
    if out.exists():
        shutil.rmtree(out)
    wheels = out / "wheels"
    wheels.mkdir(parents=True)
    log(f"Building the offline bundle in {out}")
    ours = build_wheel(wheels)
    version = parse_wheel_filename(ours.name)[1]
    log(f"  xltools {version}: {ours.name}")
    targets = [Target(platform, p) for p in pythons]
    for t in targets:
        folder = cache / t.name
        download(requirements(ours, t.marker_env), t, folder)
        for w in folder.glob("*.whl"):
            if not (wheels / w.name).exists():
                shutil.copy2(w, wheels / w.name)
    excel = out / "excel"
    excel.mkdir()
    (excel / "customUI14.xml").write_bytes(customui_xml().encode("utf-8"))
    (excel / "xltools.bas").write_bytes(vba_module().encode("ascii"))
    addin = _addin(wheels, excel / "xlwings.xlam")
    shutil.copy2(HERE / "install.py", out / "install.py")
    (out / "install.bat").write_bytes(_crlf((HERE / "install.bat").read_text(encoding="ascii")))
    shutil.copy2(HERE / "README.txt", out / "README.txt")
    docs = out / "docs"
    docs.mkdir()
    if GUIDE.is_file():
        # ASCII file names: Windows' own zip opener garbles Chinese names on some versions.
        shutil.copy2(GUIDE, docs / "user-guide-zh.md")
    if GUIDE_PICTURES.is_dir():
        shutil.copytree(GUIDE_PICTURES, docs / "guide")
    if python_installer is not None:
        (out / "python").mkdir()
        shutil.copy2(python_installer, out / "python" / python_installer.name)
    manifest = {
        "xltools": str(version),
        "platform": platform if platform != "host" else f"host:{sys.platform}",
        "pythons": list(pythons),
        "built_with": f"Python {host_platform.python_version()} on {sys.platform}",
        "addin": addin is not None,
        "files": {str(p.relative_to(out)).replace(os.sep, "/"): _sha256(p)
                  for p in sorted(out.rglob("*")) if p.is_file()},
    }
    (out / "bundle.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    log(f"  {len(list(wheels.glob('*.whl')))} wheels, add-in {'included' if addin else 'MISSING'}")
    if zip_it:
        archive = shutil.make_archive(str(out), "zip", root_dir=out.parent, base_dir=out.name)
        log(f"  zip: {archive}")
    log("Done.")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Build the xltools offline bundle.")
    p.add_argument("--platform", default="win_amd64",
                   help="wheel platform (win_amd64), or 'host' for this machine's platform and Python")
    p.add_argument("--python", nargs="+", default=None,
                   help=f"Python versions (default: {' '.join(WINDOWS_PYTHONS)}; with host: this one)")
    p.add_argument("-o", "--output", type=Path, default=None, help="the bundle folder (default: dist/xltools-VERSION-PLATFORM)")
    p.add_argument("--cache", type=Path, default=REPO / "dist" / "wheel-cache",
                   help="where downloaded wheels are kept between builds")
    p.add_argument("--no-zip", action="store_true", help="the folder only, no zip")
    p.add_argument("--python-installer", type=Path, default=None,
                   help="a python.org Windows installer to ship in python/ (install.bat runs it when no Python is found)")
    args = p.parse_args(argv)
    pythons = args.python or ([f"{sys.version_info[0]}.{sys.version_info[1]}"] if args.platform == "host"
                              else list(WINDOWS_PYTHONS))
    if args.platform == "host" and pythons != [f"{sys.version_info[0]}.{sys.version_info[1]}"]:
        p.error("--platform host builds for the Python running this script only")
    from xltools import __version__

    out = args.output or REPO / "dist" / f"xltools-{__version__}-{'windows' if args.platform.startswith('win') else 'host'}"
    build(out, args.platform, pythons, args.cache, not args.no_zip, args.python_installer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
