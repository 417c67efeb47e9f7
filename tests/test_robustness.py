"""Bad input never gives a traceback: exit 2 with a clear message, or a correct result."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED_PATHS

from xltools.evaluation.check import check
from xltools.read import ReadError
from xltools.rules.reading import read_bytes
from xltools.evaluation.report import to_json

SEED = SEED_PATHS["000"].read_bytes()
TEXT = SEED.decode("utf-8")


def cli(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xltools.cli.main", "check", str(path), *extra],
                          capture_output=True, text=True, timeout=120)


def outcome(data: bytes) -> str:
    """Read and check in-process: either a ReadError or findings; anything else is a bug."""
    try:
        doc = read_bytes(data, "x.txt")
    except ReadError as exc:
        assert exc.zh and exc.en and exc.source == "x.txt"
        return "read-error"
    check(doc)
    return "checked"


@pytest.mark.parametrize("data,expect", [
    (b"", "read-error"),
    (b"\n\n  \n", "read-error"),
    (bytes(range(256)) * 20, "read-error"),
    (b"\x00\x01\x02binary", "read-error"),
    ("这不是预算公开文本。\n".encode("utf-8"), "read-error"),
])
def test_junk_is_a_read_error(data: bytes, expect: str) -> None:
    assert outcome(data) == expect


def _json(data: bytes) -> dict:
    doc = read_bytes(data, "x.txt")
    return to_json(doc, check(doc))


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("gbk"),
    lambda t: t.encode("gb18030"),
    lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    lambda t: t.replace("\n", "\r").encode("utf-8"),
], ids=["gbk", "gb18030", "bom", "crlf", "cr"])
def test_encodings_give_the_same_result(encode) -> None:
    assert _json(encode(TEXT)) == _json(SEED)


def test_truncated_files() -> None:
    lines = TEXT.split("\n")
    for cut in range(0, len(lines), 37):
        outcome("\n".join(lines[:cut]).encode("utf-8"))


def test_truncated_mid_character() -> None:
    # A GBK file cut in the middle of a double-byte character.
    data = TEXT.encode("gbk")
    assert outcome(data[: len(data) // 2 + 1]) in ("checked", "read-error")


def test_duplicated_lines_give_findings_not_crashes() -> None:
    lines = TEXT.split("\n")
    dup = lines[:170] + lines[131:170] + lines[170:]  # 表2 printed twice
    assert outcome("\n".join(dup).encode("utf-8")) == "checked"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_shuffled_lines_never_crash(rnd: random.Random) -> None:
    lines = TEXT.split("\n")
    i, j = sorted(rnd.sample(range(len(lines)), 2))
    chunk = lines[i:j]
    rnd.shuffle(chunk)
    outcome("\n".join(lines[:i] + chunk + lines[j:]).encode("utf-8"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(SEED) - 1), st.binary(min_size=0, max_size=8)), max_size=6))
def test_byte_edits_never_crash(edits: list[tuple[int, bytes]]) -> None:
    data = bytearray(SEED)
    for pos, junk in edits:
        data[pos:pos + len(junk)] = junk
    outcome(bytes(data))


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("合计一般公共预算\t 0123456789.,，表2026年万元注：本表无数据-（）\n")), max_size=400))
def test_table_like_text_never_crashes(text: str) -> None:
    outcome(("2026年预算收入总表\n" + text).encode("utf-8"))


def test_cli_on_binary_and_directory(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 10)
    for path in (junk, tmp_path):
        r = cli(path)
        assert r.returncode == 2, r.stderr
        assert "Traceback" not in r.stderr
        assert str(path) in r.stderr


def test_cli_gbk_file_reads(tmp_path: Path) -> None:
    p = tmp_path / "gbk.txt"
    p.write_bytes(TEXT.encode("gbk"))
    r = cli(p, "--json")
    assert r.returncode == 1
    assert json.loads(r.stdout)["tables"]["1"]["total"] == 1271.91
