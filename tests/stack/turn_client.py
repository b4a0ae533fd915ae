"""A small TURN client over UDP (RFC 5389 STUN messages, RFC 5766 TURN), enough to prove credentials.

It asks for an allocation as a browser does: first without credentials (the server answers
401 with its REALM and a NONCE), then with the long-term credential: USERNAME, REALM, NONCE
and MESSAGE-INTEGRITY, an HMAC-SHA1 of the message keyed with MD5("username:realm:password").
With an allocation it can open a permission for a peer and send it data through the relay.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import socket
import struct
from dataclasses import dataclass, field

MAGIC_COOKIE = 0x2112A442
HEADER = struct.Struct("!HHI12s")

ALLOCATE, REFRESH, CREATE_PERMISSION = 0x0003, 0x0004, 0x0008
SEND_INDICATION = 0x0016
SUCCESS, ERROR = 0x0100, 0x0110  # class bits added to a request's method

USERNAME, MESSAGE_INTEGRITY, ERROR_CODE = 0x0006, 0x0008, 0x0009
LIFETIME, XOR_PEER_ADDRESS, DATA = 0x000D, 0x0012, 0x0013
REALM, NONCE, XOR_RELAYED_ADDRESS, REQUESTED_TRANSPORT = 0x0014, 0x0015, 0x0016, 0x0019
UDP_PROTOCOL = 17


class TurnError(Exception):
    """The server answered a request with an error response."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}")
        self.code = code
        self.reason = reason


@dataclass
class Message:
    kind: int
    transaction: bytes
    attributes: list[tuple[int, bytes]] = field(default_factory=list)

    def get(self, attribute: int) -> bytes | None:
        return next((value for kind, value in self.attributes if kind == attribute), None)

    def error(self) -> TurnError | None:
        value = self.get(ERROR_CODE)
        if value is None:
            return None
        return TurnError((value[2] & 0x07) * 100 + value[3], value[4:].decode(errors="replace"))


def _attribute(kind: int, value: bytes) -> bytes:
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * (-len(value) % 4)


def encode(kind: int, transaction: bytes, attributes: list[tuple[int, bytes]], key: bytes | None = None) -> bytes:
    """A STUN message; with ``key``, signed by a MESSAGE-INTEGRITY attribute at its end."""
    body = b"".join(_attribute(k, v) for k, v in attributes)
    if key is None:
        return HEADER.pack(kind, len(body), MAGIC_COOKIE, transaction) + body
    # The HMAC covers the header with its length already counting the MESSAGE-INTEGRITY attribute (24 bytes).
    signed = HEADER.pack(kind, len(body) + 24, MAGIC_COOKIE, transaction) + body
    return signed + _attribute(MESSAGE_INTEGRITY, hmac.new(key, signed, hashlib.sha1).digest())


def decode(data: bytes) -> Message:
    kind, length, cookie, transaction = HEADER.unpack_from(data)
    if cookie != MAGIC_COOKIE:
        raise ValueError("not a STUN message")
    message, offset = Message(kind, transaction), HEADER.size
    while offset < HEADER.size + length:
        attribute, size = struct.unpack_from("!HH", data, offset)
        message.attributes.append((attribute, data[offset + 4 : offset + 4 + size]))
        offset += 4 + size + (-size % 4)
    return message


def xor_address(host: str, port: int) -> bytes:
    address = int(ipaddress.IPv4Address(host)) ^ MAGIC_COOKIE
    return struct.pack("!BBHI", 0, 1, port ^ (MAGIC_COOKIE >> 16), address)


def unxor_address(value: bytes) -> tuple[str, int]:
    _, family, port, address = struct.unpack("!BBHI", value[:8])
    assert family == 1, "only IPv4 here"
    return str(ipaddress.IPv4Address(address ^ MAGIC_COOKIE)), port ^ (MAGIC_COOKIE >> 16)


class TurnClient:
    """One client's UDP socket to a TURN server, with the long-term credential it signs with."""

    def __init__(self, host: str, port: int, username: str, password: str, timeout: float = 5.0) -> None:
        self.server = (host, port)
        self.username, self.password = username, password
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.settimeout(timeout)
        self.realm = self.nonce = b""

    def close(self) -> None:
        self.socket.close()

    def _key(self) -> bytes:
        return hashlib.md5(f"{self.username}:{self.realm.decode()}:{self.password}".encode()).digest()

    def _exchange(self, kind: int, attributes: list[tuple[int, bytes]], key: bytes | None) -> Message:
        transaction = secrets.token_bytes(12)
        self.socket.sendto(encode(kind, transaction, attributes, key), self.server)
        while True:
            answer = decode(self.socket.recv(4096))
            if answer.transaction == transaction:
                return answer

    def request(self, method: int, attributes: list[tuple[int, bytes]]) -> Message:
        """An authenticated request; the first 401 teaches us the realm and nonce, as RFC 5389 10.2 says."""
        if not self.nonce:
            first = self._exchange(method, attributes, None)
            error = first.error()
            if error is None or error.code != 401:
                return self._checked(method, first)
            self.realm, self.nonce = first.get(REALM) or b"", first.get(NONCE) or b""
        signed = [(USERNAME, self.username.encode()), (REALM, self.realm), (NONCE, self.nonce), *attributes]
        return self._checked(method, self._exchange(method, signed, self._key()))

    @staticmethod
    def _checked(method: int, answer: Message) -> Message:
        error = answer.error()
        if answer.kind == method | ERROR or error is not None:
            raise error or TurnError(0, "error response without ERROR-CODE")
        assert answer.kind == method | SUCCESS, hex(answer.kind)
        return answer

    def allocate(self) -> tuple[str, int]:
        """A UDP relay on the server; returns its relayed transport address."""
        answer = self.request(ALLOCATE, [(REQUESTED_TRANSPORT, bytes([UDP_PROTOCOL, 0, 0, 0]))])
        relayed = answer.get(XOR_RELAYED_ADDRESS)
        assert relayed is not None, answer
        return unxor_address(relayed)

    def permit(self, peer: tuple[str, int]) -> None:
        self.request(CREATE_PERMISSION, [(XOR_PEER_ADDRESS, xor_address(*peer))])

    def send_to_peer(self, peer: tuple[str, int], data: bytes) -> None:
        """A Send indication: the server relays ``data`` to the peer from the relayed address."""
        attributes = [(XOR_PEER_ADDRESS, xor_address(*peer)), (DATA, data)]
        self.socket.sendto(encode(SEND_INDICATION, secrets.token_bytes(12), attributes), self.server)

    def release(self) -> None:
        """Refresh with a lifetime of 0: the server frees the allocation now."""
        self.request(REFRESH, [(LIFETIME, struct.pack("!I", 0))])
