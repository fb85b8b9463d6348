"""The local OpenID provider (provider.mjs, panva's oidc-provider under Node) for the tests and
the demo: started with a configuration of issuers, clients and test identities, stopped when
done. Nothing here is used in production, where the municipality's Entra ID or Ansattporten and
Digdir's ID-porten take its place (docs/identity.md)."""

import json
import os
import selectors
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "provider.mjs"
STARTUP_SECONDS = 20


class ProviderFailed(RuntimeError):
    pass


class LocalProvider:
    """`with LocalProvider(entries) as idp: idp.issuers["name"]` – the provider runs inside
    the block, on 127.0.0.1, and stops at its end (or when this process dies: it stops when
    its standard input closes)."""

    def __init__(self, entries: list[dict]):
        self.entries = entries
        self.issuers: dict[str, str] = {}
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> "LocalProvider":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        node = shutil.which("node")
        if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
            raise ProviderFailed(
                "Den lokale OpenID-leverandøren trenger Node og `npm ci` i devdata/idp "
                "(make test og make demo gjør det)."
            )
        directory = Path(tempfile.mkdtemp(prefix="bts-idp-"))
        config = directory / "config.json"
        config.write_text(json.dumps({"providers": self.entries}), encoding="utf-8")
        self._log = directory / "provider.log"
        self._process = subprocess.Popen(  # noqa: S603 - our own script and arguments
            [node, str(SCRIPT), str(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log.open("w"),
            text=True,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        # Wait for each line no longer than the deadline: a provider that hangs (a port it
        # cannot have, say) fails here with its log, instead of holding the test run forever.
        # (Read from the pipe itself: a buffered reader could hold lines select cannot see.)
        pipe, pending = self._process.stdout.fileno(), b""
        with selectors.DefaultSelector() as waiting:
            waiting.register(pipe, selectors.EVENT_READ)
            while (left := deadline - time.monotonic()) > 0:
                if b"\n" not in pending:
                    chunk = os.read(pipe, 65536) if waiting.select(timeout=left) else b""
                    if not chunk:
                        break
                    pending += chunk
                    continue
                line, pending = pending.split(b"\n", 1)
                if line.strip() == b"ready":
                    return
                started = json.loads(line)
                self.issuers[started["name"]] = started["issuer"]
        self.stop()
        raise ProviderFailed(f"Den lokale OpenID-leverandøren startet ikke: {self.log()}")

    def log(self) -> str:
        return self._log.read_text(encoding="utf-8")[-2000:] if self._log.exists() else ""

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            stream.close()
        self._process = None


def staff_account(
    login: str, email: str, name: str, *, password: str, mfa: bool = True, disabled: bool = False
) -> dict:
    """An account at the municipality's identity provider: signs in with `login`; its subject
    is the provider's own (as Entra ID's `oid`), its e-mail what links it to BTS at first."""
    subject = str(uuid.uuid5(uuid.NAMESPACE_URL, f"bts-local-idp:{login}"))
    return {
        "login": login,
        "password": password,
        "disabled": disabled,
        "amr": ["pwd", "mfa"] if mfa else ["pwd"],
        "claims": {
            "sub": subject,
            "oid": subject,
            "email": email,
            "email_verified": True,
            "preferred_username": email,
            "name": name,
        },
    }


def client(client_id: str, secret: str, base_url: str, *, family: bool = False) -> dict:
    callback, after_logout = (
        ("/familie/logg-inn/tilbake/", "/familie/")
        if family
        else ("/logg-inn/oidc/tilbake/", "/logg-inn/")
    )
    return {
        "client_id": client_id,
        "client_secret": secret,
        "redirect_uris": [base_url + callback],
        "post_logout_redirect_uris": [base_url + after_logout],
    }
