"""Ed25519 keys as Multikey and did:key, and the instance keyring of signing keys with rotation."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

ED25519_PUB_HEADER = b"\xed\x01"  # multicodec ed25519-pub, as an unsigned varint
ED25519_PRIV_HEADER = b"\x80\x26"  # multicodec ed25519-priv, as an unsigned varint
DID_KEY_PREFIX = "did:key:"


def multibase_encode(data: bytes) -> str:
    """Encode bytes as multibase base58btc ('z' prefix)."""
    return "z" + base58.b58encode(data).decode("ascii")


def multibase_decode(text: str) -> bytes:
    """Decode a multibase base58btc string; raise ValueError on anything else."""
    if not isinstance(text, str) or not text.startswith("z") or not text.isascii():
        raise ValueError("not a base58btc multibase string")
    return base58.b58decode(text[1:])


def public_bytes(public_key: Ed25519PublicKey) -> bytes:
    """Return the 32 raw bytes of a public key."""
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_multibase(public_key: Ed25519PublicKey) -> str:
    """Return the Multikey form of a public key, 'z6Mk...'."""
    return multibase_encode(ED25519_PUB_HEADER + public_bytes(public_key))


def public_key_from_multibase(text: str) -> Ed25519PublicKey:
    """Parse a 'z6Mk...' Multikey public key."""
    raw = multibase_decode(text)
    if len(raw) != 34 or raw[:2] != ED25519_PUB_HEADER:
        raise ValueError("not an Ed25519 Multikey public key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def secret_multibase(private_key: Ed25519PrivateKey) -> str:
    """Return the Multikey form of a private key's 32-byte seed, 'z3u2...'."""
    seed = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return multibase_encode(ED25519_PRIV_HEADER + seed)


def private_key_from_multibase(text: str) -> Ed25519PrivateKey:
    """Parse a 'z3u2...' Multikey secret key (multicodec header + 32-byte seed)."""
    raw = multibase_decode(text)
    if len(raw) != 34 or raw[:2] != ED25519_PRIV_HEADER:
        raise ValueError("not an Ed25519 Multikey secret key")
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


def did_key(public_key: Ed25519PublicKey) -> str:
    """Return the did:key DID of a public key."""
    return DID_KEY_PREFIX + public_multibase(public_key)


def verification_method(public_key: Ed25519PublicKey) -> str:
    """Return the did:key verification method id, did:key:z6Mk...#z6Mk...."""
    multibase = public_multibase(public_key)
    return f"{DID_KEY_PREFIX}{multibase}#{multibase}"


def did_of(verification_method_id: str) -> str:
    """Return the DID part of a verification method id (everything before '#')."""
    return verification_method_id.split("#", 1)[0]


def resolve_verification_method(method: str) -> Ed25519PublicKey:
    """Resolve a did:key verification method to its public key, offline; raise ValueError if malformed."""
    if not isinstance(method, str) or not method.startswith(DID_KEY_PREFIX):
        raise ValueError("not a did:key verification method")
    did, _, fragment = method.partition("#")
    multibase = did[len(DID_KEY_PREFIX) :]
    if fragment and fragment != multibase:
        raise ValueError("the did:key fragment does not name the key itself")
    return public_key_from_multibase(multibase)


@dataclass(frozen=True)
class KeyRecord:
    """One signing key of the instance, with when it was made."""

    private_key: Ed25519PrivateKey
    created: datetime
    path: Path | None = None

    @property
    def public_key(self) -> Ed25519PublicKey:
        """Return the public half."""
        return self.private_key.public_key()

    @property
    def did(self) -> str:
        """Return the key's did:key DID."""
        return did_key(self.public_key)

    @property
    def verification_method(self) -> str:
        """Return the key's did:key verification method id."""
        return verification_method(self.public_key)

    @property
    def key_id(self) -> str:
        """Return the key's id: its verification method."""
        return self.verification_method

    def to_json(self) -> dict:
        """Return the key file's contents."""
        return {
            "id": self.key_id,
            "type": "Multikey",
            "controller": self.did,
            "created": _timestamp(self.created),
            "publicKeyMultibase": public_multibase(self.public_key),
            "secretKeyMultibase": secret_multibase(self.private_key),
        }


def _timestamp(moment: datetime) -> str:
    """Format an aware datetime as UTC with a Z, to the microsecond."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def generate_key(now: datetime | None = None) -> KeyRecord:
    """Generate a new Ed25519 signing key."""
    return KeyRecord(Ed25519PrivateKey.generate(), now or datetime.now(UTC))


def save_key(record: KeyRecord, directory: Path | str) -> Path:
    """Write a key file readable only by its owner; never overwrite one."""
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = record.created.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"ed25519-{stamp}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(record.to_json(), handle, indent=2)
    return path


def load_key(path: Path | str) -> KeyRecord:
    """Read a key file and check that its public key matches its seed."""
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    private_key = private_key_from_multibase(data["secretKeyMultibase"])
    if public_multibase(private_key.public_key()) != data["publicKeyMultibase"]:
        raise ValueError(f"{path}: publicKeyMultibase does not match the secret key")
    created = datetime.fromisoformat(data["created"])
    if created.tzinfo is None:
        raise ValueError(f"{path}: created has no timezone")
    return KeyRecord(private_key, created, path)


@dataclass(frozen=True)
class Keyring:
    """The instance's keys, oldest first: the newest signs, all of them verify."""

    keys: tuple[KeyRecord, ...]

    @property
    def active(self) -> KeyRecord:
        """Return the newest key, the one that signs."""
        if not self.keys:
            raise LookupError("the keyring is empty: run ensure_signing_key first")
        return self.keys[-1]

    @property
    def dids(self) -> frozenset[str]:
        """Return the DIDs of every key, old and new."""
        return frozenset(record.did for record in self.keys)

    def find(self, method_or_did: str) -> KeyRecord | None:
        """Return the key a verification method or DID names, if it is ours."""
        did = did_of(method_or_did)
        return next((record for record in self.keys if record.did == did), None)


def load_keyring(directory: Path | str) -> Keyring:
    """Load every key file in a directory (an absent directory is an empty keyring)."""
    directory = Path(directory)
    if not directory.is_dir():
        return Keyring(())
    records = [load_key(path) for path in sorted(directory.glob("*.json"))]
    records.sort(key=lambda record: (record.created, record.path.name if record.path else ""))
    return Keyring(tuple(records))


def ensure_signing_key(directory: Path | str, now: datetime | None = None) -> bool:
    """Create a signing key if the directory has none; return whether one was created."""
    if load_keyring(directory).keys:
        return False
    save_key(generate_key(now), directory)
    return True


def rotate(directory: Path | str, now: datetime | None = None) -> KeyRecord:
    """Add a new signing key; older keys stay in the keyring to verify what they signed."""
    record = generate_key(now)
    path = save_key(record, directory)
    return KeyRecord(record.private_key, record.created, path)
