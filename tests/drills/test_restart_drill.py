"""The database-restart drill, short, inside `make test`: the app under gunicorn as production
runs it, a load of reads and writes, PostgreSQL stopped and started again under it. Every write
the client saw acknowledged is in the database, none is half done, no answer is a 500, and the
app serves again without a restart (`make drills` runs it longer, with the other drills)."""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

from drills.run import Load, Result

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_restart_under_load_loses_no_acknowledged_write(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and drill
        [
            sys.executable,
            "-u",
            str(ROOT / "drills" / "run.py"),
            "--only",
            "restart",
            "--seconds",
            "10",
            "--outage",
            "2",
            "--cases",
            "60",
            "--folder",
            str(tmp_path / "drill"),
            "--port",
            str(free_port()),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    row = re.search(
        r"^restart\s+\d+\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+bestått",
        done.stdout,
        re.MULTILINE,
    )
    assert row, done.stdout[-4000:]
    requests, refused, errors, acknowledged, found, lost, half = map(int, row.groups())
    # The outage was felt (the drill did stop the database) and answered with the 503 page;
    # the rest was served.
    assert requests > refused > 0
    assert errors == 0
    assert acknowledged > 0
    assert found == acknowledged and lost == 0 and half == 0
    assert re.search(r"^read 200\s+\d+", done.stdout, re.MULTILINE)
    assert not (tmp_path / "drill").exists()  # it cleaned up after itself


def test_a_server_error_or_a_cut_connection_counts_against_the_drill_and_a_503_does_not():
    load = Load()
    load.outcomes["read", 503] += 5
    load.outcomes["write", 302] += 2
    assert load.errors == 0
    load.outcomes["read", 500] += 1
    load.outcomes["write", "ConnectionResetError"] += 1
    assert load.errors == 2


def test_a_drill_passes_only_with_every_acknowledged_write_found_once_and_whole():
    def result(load=None, **kwargs):
        facts = {"acknowledged": 12, "found": 12, "half": 0, "held": True} | kwargs
        return Result("restart", 10, load or Load(), **facts)

    assert result().passed
    assert result(found=11).lost == 1 and not result(found=11).passed
    assert not result(half=1).passed  # a note without its audit event, or written twice
    assert not result(acknowledged=0, found=0).passed  # nothing written proves nothing
    assert not result(held=False).passed  # the drill's own condition (the app back, say)
    failing = Load()
    failing.outcomes["read", 500] += 1
    assert not result(failing).passed


def test_the_time_without_answers_runs_from_the_fault_to_the_first_page_after_the_last_refusal():
    load = Load(
        timings=[
            (9.0, 5, 200),
            (11.0, 5, 503),
            (12.0, 5, 200),  # a page between refusals: not back yet
            (14.0, 5, 503),
            (15.0, 5, 302),  # an acknowledged write is an answer
            (15.5, 5, 200),
            (16.0, 5, 200),
        ]
    )
    assert load.unavailable(10.0) == 5.0
    assert load.served_after(15.0)
    assert not Load(timings=[(11.0, 5, 503)]).served_after(10.0)
    assert Load(timings=[(11.0, 5, 503)]).unavailable(10.0) == float("inf")
