"""The local OpenID provider's start is bounded: a provider that never says it is ready fails
with a message after the startup time, instead of holding the test run forever; lines that
arrive together are all read."""

import time

import pytest

from devdata import idp


@pytest.fixture
def script(tmp_path, monkeypatch):
    def write(body: str):
        path = tmp_path / "provider.mjs"
        path.write_text(body)
        monkeypatch.setattr(idp, "SCRIPT", path)
        monkeypatch.setattr(idp, "STARTUP_SECONDS", 2)

    return write


def test_a_provider_that_hangs_before_it_is_ready_fails_within_the_startup_time(script):
    script(
        "process.stdout.write(JSON.stringify({name: 'a', issuer: 'http://127.0.0.1:1'}) + '\\n');\n"
        "setInterval(() => {}, 1000);\n"
    )
    started = time.monotonic()
    with pytest.raises(idp.ProviderFailed, match="startet ikke"), idp.LocalProvider([]):
        pass
    assert time.monotonic() - started < 10


def test_lines_written_at_once_are_all_read(script):
    script(
        "process.stdout.write("
        "JSON.stringify({name: 'a', issuer: 'http://127.0.0.1:1'}) + '\\n' + "
        "JSON.stringify({name: 'b', issuer: 'http://127.0.0.1:2'}) + '\\nready\\n');\n"
        "process.stdin.resume(); process.stdin.on('end', () => process.exit(0));\n"
    )
    with idp.LocalProvider([]) as provider:
        assert provider.issuers == {"a": "http://127.0.0.1:1", "b": "http://127.0.0.1:2"}
