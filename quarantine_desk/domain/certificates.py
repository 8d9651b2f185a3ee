"""Release certificates anyone can check: what the QR code says, signed with the facility's Ed25519 key.

A commune or a checkpoint that receives a released person has neither the facility's database nor a login. The
QR therefore carries the certificate itself (number, name, birth year, the last 4 digits of the ID, the facility,
the dates, the outcome) and a signature over exactly that text; the facility's public key, exported once as a
small file, is all it takes to check it. One character changed anywhere and the signature no longer holds.

The text: ``QDC1|number|name|birth year|ID last 4|facility code|facility name|from|to|outcome|signature``,
dates as ISO 8601, the signature in URL-safe base64. No field may hold ``|``; names are cleaned of it.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import date

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "QDC1"
SEPARATOR = "|"
FIELDS = 11  # the prefix, nine fields, the signature


@dataclass(frozen=True)
class CertificateClaim:
    """What a certificate states, as its QR code carries it."""

    number: str
    name: str
    birth_year: int | None
    id_last4: str | None
    facility_code: str
    facility_name: str
    start: date
    end: date
    outcome: str

    def payload(self) -> str:
        """The exact text that is signed."""
        parts = [
            PREFIX,
            self.number,
            self.name,
            str(self.birth_year or ""),
            self.id_last4 or "",
            self.facility_code,
            self.facility_name,
            self.start.isoformat(),
            self.end.isoformat(),
            self.outcome,
        ]
        return SEPARATOR.join(_clean(p) for p in parts)


@dataclass(frozen=True)
class CertificateCheck:
    """The answer to "is this certificate genuine?". ``claim`` is what the text says, when it could be read;
    ``reason``: ``valid``, ``malformed`` (not a certificate's text), ``no_key`` (no key for its facility at
    hand), ``other_facility`` (the key given is another facility's) or ``bad_signature`` (altered or forged)."""

    valid: bool
    reason: str
    claim: CertificateClaim | None = None


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(SEPARATOR, "/")).strip()


def id_last4(id_number: str | None) -> str | None:
    """The last 4 digits of an ID number: enough to match the paper to the person's card, not to copy it."""
    digits = re.sub(r"\D", "", id_number or "")
    return digits[-4:] if len(digits) >= 4 else None


def new_key_pair() -> tuple[str, str]:
    """A facility's key pair as hex text: (private seed, public key)."""
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return seed.hex(), public_of(seed.hex())


def public_of(private_hex: str) -> str:
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex))
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def sign(claim: CertificateClaim, private_hex: str) -> str:
    """The QR text: the claim and its signature."""
    payload = claim.payload()
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex))
    signature = base64.urlsafe_b64encode(private.sign(payload.encode("utf-8"))).decode("ascii").rstrip("=")
    return f"{payload}{SEPARATOR}{signature}"


def read_claim(text: str) -> tuple[CertificateClaim, str, bytes] | None:
    """The claim, the signed text and the signature of a QR text; ``None`` when it is not one."""
    text = text.strip()
    parts = text.split(SEPARATOR)
    if len(parts) != FIELDS or parts[0] != PREFIX:
        return None
    _, number, name, year, last4, code, facility, start, end, outcome, signature = parts
    try:
        claim = CertificateClaim(
            number=number,
            name=name,
            birth_year=int(year) if year else None,
            id_last4=last4 or None,
            facility_code=code,
            facility_name=facility,
            start=date.fromisoformat(start),
            end=date.fromisoformat(end),
            outcome=outcome,
        )
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    except (ValueError, binascii.Error):
        return None
    # base64 leaves spare bits in its last character: only the one spelling of the signature is taken, so that
    # no character of the text can change without the check failing
    if base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") != signature:
        return None
    return claim, text[: len(text) - len(signature) - 1], raw


def check(text: str, public_keys: dict[str, str]) -> CertificateCheck:
    """Checks a scanned QR text against the public keys at hand (facility code → public key hex)."""
    read = read_claim(text)
    if read is None:
        return CertificateCheck(False, "malformed")
    claim, signed, signature = read
    key = public_keys.get(claim.facility_code)
    if key is None:
        reason = "other_facility" if public_keys else "no_key"
        return CertificateCheck(False, reason, claim)
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(key)).verify(signature, signed.encode("utf-8"))
    except (InvalidSignature, ValueError):
        return CertificateCheck(False, "bad_signature", claim)
    return CertificateCheck(True, "valid", claim)


# --- the public key file --------------------------------------------------------------------------------------

_CODE_LINE = re.compile(r"^#\s*facility:\s*(\S+)\s*$", re.MULTILINE)
_PEM = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)


def public_key_file(code: str, name: str, public_hex: str) -> str:
    """The text of the file a facility hands to communes and checkpoints: a PEM public key, and whose."""
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
    pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return (
        f"# Khóa công khai để kiểm tra giấy xác nhận của {_clean(name)}\n"
        f"# facility: {code}\n"
        f"{pem.decode('ascii')}"
    )


def read_public_key_file(text: str) -> tuple[str, str] | None:
    """(facility code, public key hex) from such a file; ``None`` when it is not one."""
    code = _CODE_LINE.search(text)
    pem = _PEM.search(text)
    if code is None or pem is None:
        return None
    try:
        key = serialization.load_pem_public_key(pem.group(0).encode("ascii"))
    except ValueError:
        return None
    if not isinstance(key, Ed25519PublicKey):
        return None
    return code.group(1), key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()
