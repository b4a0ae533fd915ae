"""The local stack's TURN server: Debian's coturn on loopback, with a secret made for this stack.

coturn runs with ``use-auth-secret``: it accepts the credentials the API hands out
(``chalicelib/sessions/ice_servers.py``) by checking their HMAC against the same shared
secret and refusing a username whose expiry has passed, as it would in a deployed stage.
It listens on 127.0.0.1 only (UDP and TCP on one port, TLS on another when ``openssl``
can make a self-signed certificate), relays on 127.0.0.1, and allows loopback peers,
which only a local stack may do. Its configuration, certificate and database are in
``<state-dir>/turn/``; it logs to stdout, which the launcher writes to ``logs/coturn.log``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

LOOPBACK = "127.0.0.1"
REALM = "parley.local"
PACKAGE = "coturn"  # Debian's package with the turnserver binary
INSTALL_TIMEOUT = 600


class TurnUnavailableError(RuntimeError):
    """coturn is not installed and could not be installed; the message says what to install."""


@dataclass(frozen=True)
class LocalTurn:
    port: int  # UDP and TCP
    tls_port: int | None
    secret: str
    config_path: Path

    @property
    def stun_urls(self) -> tuple[str, ...]:
        return (f"stun:{LOOPBACK}:{self.port}",)

    @property
    def turn_urls(self) -> tuple[str, ...]:
        urls = (f"turn:{LOOPBACK}:{self.port}?transport=udp", f"turn:{LOOPBACK}:{self.port}?transport=tcp")
        return urls + ((f"turns:{LOOPBACK}:{self.tls_port}?transport=tcp",) if self.tls_port else ())

    def app_environment(self) -> dict[str, str]:
        """What the API needs to hand out credentials this coturn accepts."""
        return {
            "PARLEY_TURN_SECRET": self.secret,
            "PARLEY_STUN_URLS": ",".join(self.stun_urls),
            "PARLEY_TURN_URLS": ",".join(self.turn_urls),
        }

    def info(self) -> dict[str, object]:
        return {"realm": REALM, "port": self.port, "tls_port": self.tls_port, "secret": self.secret,
                "stun_urls": list(self.stun_urls), "turn_urls": list(self.turn_urls)}  # fmt: skip


def turnserver_binary(log_path: Path) -> str:
    """The ``turnserver`` binary; installed with apt-get if missing and we are root, else a clear refusal."""
    found = shutil.which("turnserver")
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise TurnUnavailableError(
            f"the local TURN server needs Debian's '{PACKAGE}' package (the turnserver binary): "
            f"run 'sudo apt-get install -y {PACKAGE}' and start again"
        )
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"Installing Debian's {PACKAGE} (the local TURN server) with apt-get; log {log_path}", flush=True)
    with log_path.open("wb") as log:

        def apt_get(*args: str) -> bool:
            env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
            done = subprocess.run(
                ["apt-get", *args], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                timeout=INSTALL_TIMEOUT, check=False,
            )  # fmt: skip
            return done.returncode == 0

        install = ("install", "-y", "--no-install-recommends", PACKAGE)
        installed = apt_get(*install) or (apt_get("update") and apt_get(*install))  # a fresh image has no lists
    found = shutil.which("turnserver")
    if not installed or not found:
        raise TurnUnavailableError(
            f"'apt-get install -y {PACKAGE}' failed (log {log_path}); install Debian's '{PACKAGE}' package "
            "(the turnserver binary) and start again"
        )
    return found


def free_udp_and_tcp_port() -> int:
    """A loopback port free for both UDP and TCP (coturn listens on both)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind((LOOPBACK, 0))
            port = int(tcp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, contextlib.suppress(OSError):
                udp.bind((LOOPBACK, port))
                return port


def _free_tcp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
        tcp.bind((LOOPBACK, 0))
        return int(tcp.getsockname()[1])


def _self_signed_certificate(directory: Path) -> tuple[Path, Path] | None:
    """A certificate for 127.0.0.1, for ``turns:``; None without openssl (then no TLS listener)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = directory / "cert.pem", directory / "key.pem"
    made = subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "30", "-subj", f"/CN={LOOPBACK}",
         "-addext", f"subjectAltName=IP:{LOOPBACK}"],
        capture_output=True, check=False, timeout=30,
    )  # fmt: skip
    return (cert, key) if made.returncode == 0 else None


def configure(state_dir: Path) -> LocalTurn:
    """Write coturn's configuration for this stack, with a fresh shared secret and free ports."""
    directory = state_dir / "turn"
    directory.mkdir(parents=True, exist_ok=True)
    port, secret = free_udp_and_tcp_port(), secrets.token_urlsafe(32)
    certificate = _self_signed_certificate(directory)
    tls_port = _free_tcp_port() if certificate else None
    lines = [
        f"listening-ip={LOOPBACK}",
        f"relay-ip={LOOPBACK}",
        f"listening-port={port}",
        "no-rfc5780",  # one address only: no NAT behaviour discovery, no alternative ports
        "no-dtls",
        "use-auth-secret",
        f"static-auth-secret={secret}",
        f"realm={REALM}",
        "allow-loopback-peers",  # the peers of a local call are on loopback too; never in a deployed stage
        "no-multicast-peers",
        "no-cli",
        "no-software-attribute",
        f"userdb={directory / 'turndb'}",
        f"pidfile={directory / 'turnserver.pid'}",
        "log-file=stdout",
        "simple-log",
    ]
    if certificate and tls_port:
        lines += [f"tls-listening-port={tls_port}", f"cert={certificate[0]}", f"pkey={certificate[1]}"]
    else:
        lines += ["no-tls"]
    config_path = directory / "turnserver.conf"
    config_path.write_text("\n".join(lines) + "\n")
    config_path.chmod(0o600)
    return LocalTurn(port=port, tls_port=tls_port, secret=secret, config_path=config_path)


def answers_stun(port: int, timeout: float = 0.5) -> bool:
    """True once a STUN Binding request to the port gets a Binding success response."""
    transaction = secrets.token_bytes(12)
    request = struct.pack("!HHI", 0x0001, 0, 0x2112A442) + transaction
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(timeout)
        try:
            udp.sendto(request, (LOOPBACK, port))
            answer = udp.recv(2048)
        except OSError:
            return False
    return len(answer) >= 20 and answer[:2] == b"\x01\x01" and answer[8:20] == transaction
