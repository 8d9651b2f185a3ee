"""Backup files encrypted with a passphrase.

A backup holds every person of the facility; one that leaves the PC (a USB stick, an e-mail) is encrypted when
the administrator gives a passphrase. The key is derived from the passphrase with scrypt (a fresh random salt per
file) and the file is encrypted with AES-256-GCM in chunks of 1 MiB, each authenticated: a wrong passphrase, a
changed byte, a chunk moved, dropped or cut off are all refused, never restored half-read.

The file: ``MAGIC``, then the scrypt cost (log2 n, r, p), the chunk size, the 16-byte salt and the 7-byte nonce
prefix; then a check block (a known text encrypted under the key, to tell a wrong passphrase from a damaged
file); then each chunk as its length (4 bytes) and its ciphertext. A chunk's nonce is the prefix, its number and
whether it is the last one; the header is authenticated with every chunk.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from quarantine_desk.domain.errors import BadFile, InvalidInput

MAGIC = b"QuarantineDesk encrypted backup 1\n"
_HEADER = struct.Struct(">BIII")  # log2 n, r, p, chunk size
_SALT, _PREFIX = 16, 7
_CHECK = b"quarantine-desk backup key check"
_CHECK_INDEX = 0xFFFFFFFF
CHUNK = 1 << 20
#: scrypt cost: 2^15 x 8 x 128 bytes = 32 MiB of memory and a fraction of a second per file.
LOG2_N, R, P = 15, 8, 1
#: A passphrase shorter than this is refused: the file may travel on a USB stick that gets lost.
MIN_PASSPHRASE = 8
MAX_PASSPHRASE = 1024


def is_sealed(path: Path) -> bool:
    """True when ``path`` is an encrypted backup (by its first bytes)."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def check_passphrase(passphrase: str) -> str:
    """A passphrase fit to encrypt with: long enough, not absurdly long, no control characters."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput("passphrase", "too_short", minimum=MIN_PASSPHRASE)
    if len(passphrase) > MAX_PASSPHRASE:
        raise InvalidInput("passphrase", "too_long", maximum=MAX_PASSPHRASE)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in passphrase):
        raise InvalidInput("passphrase", "control_character")
    return passphrase


def _key(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> AESGCM:
    if not (10 <= log2_n <= 20 and 1 <= r <= 16 and 1 <= p <= 4):
        raise ValueError("scrypt cost out of range")
    kdf = Scrypt(salt=salt, length=32, n=1 << log2_n, r=r, p=p)
    return AESGCM(kdf.derive(passphrase.encode("utf-8")))


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def seal(plain: Path, out: BinaryIO, passphrase: str) -> None:
    """Writes the encrypted form of the file ``plain`` to ``out``."""
    salt, prefix = os.urandom(_SALT), os.urandom(_PREFIX)
    header = MAGIC + _HEADER.pack(LOG2_N, R, P, CHUNK) + salt + prefix
    aead = _key(passphrase, salt, LOG2_N, R, P)
    out.write(header)
    out.write(aead.encrypt(_nonce(prefix, _CHECK_INDEX, True), _CHECK, header))
    with Path(plain).open("rb") as source:
        index = 0
        chunk = source.read(CHUNK)
        while True:
            following = source.read(CHUNK)
            last = not following
            sealed = aead.encrypt(_nonce(prefix, index, last), chunk, header)
            out.write(len(sealed).to_bytes(4, "big"))
            out.write(sealed)
            if last:
                break
            chunk, index = following, index + 1


def unseal(path: Path, out: BinaryIO, passphrase: str) -> None:
    """Writes the decrypted content of the encrypted backup ``path`` to ``out``.

    ``BadFile`` with reason ``wrong_passphrase`` when the passphrase does not open it, ``damaged`` when the file
    was changed or cut short after it was written."""
    with Path(path).open("rb") as source:
        header = source.read(len(MAGIC) + _HEADER.size + _SALT + _PREFIX)
        if len(header) < len(MAGIC) + _HEADER.size + _SALT + _PREFIX or not header.startswith(MAGIC):
            raise BadFile(str(path), "damaged")
        log2_n, r, p, chunk_size = _HEADER.unpack_from(header, len(MAGIC))
        salt = header[len(MAGIC) + _HEADER.size : len(MAGIC) + _HEADER.size + _SALT]
        prefix = header[-_PREFIX:]
        try:
            aead = _key(passphrase, salt, log2_n, r, p)
        except ValueError as exc:
            raise BadFile(str(path), "damaged") from exc
        check = source.read(len(_CHECK) + 16)
        try:
            aead.decrypt(_nonce(prefix, _CHECK_INDEX, True), check, header)
        except InvalidTag as exc:
            raise BadFile(str(path), "wrong_passphrase") from exc
        index = 0
        size = source.read(4)
        while True:
            if len(size) != 4:
                raise BadFile(str(path), "damaged")
            length = int.from_bytes(size, "big")
            if length > chunk_size + 16:
                raise BadFile(str(path), "damaged")
            sealed = source.read(length)
            following = source.read(4)
            last = not following
            try:
                out.write(aead.decrypt(_nonce(prefix, index, last), sealed, header))
            except InvalidTag as exc:
                raise BadFile(str(path), "damaged") from exc
            if last:
                return
            size, index = following, index + 1
