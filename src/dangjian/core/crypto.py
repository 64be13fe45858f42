"""Field encryption, blind indexes and MACs behind one `crypto_provider` interface.

All application code calls `crypto_provider()`; the class it returns is named by
`settings.CRYPTO_PROVIDER`, so a certified cipher machine / KMS (密码机) can replace the
default software implementation without touching callers (GB/T 39786 §8.4, security.md E1/E2).

The default `SoftwareSM4Provider` uses the `cryptography` package (bundled OpenSSL):
- encryption: SM4-GCM, 12-byte random nonce, 16-byte tag, the key id bound as associated data;
  token = "<key_id>:" + urlsafe_base64(nonce + ciphertext + tag);
- blind index and MAC: HMAC-SM3 under two sub-keys derived (HKDF-SM3) from `BLIND_INDEX_KEY`,
  which is separate from the encryption keys.

Key rotation: add a new key id to `FIELD_ENCRYPTION_KEYS` and make it `FIELD_ENCRYPTION_ACTIVE_KEY`;
old tokens still decrypt with the key named in their prefix, new writes use the active key.
"""

import abc
import base64
import binascii
import functools
import hmac as std_hmac
import re
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

DEFAULT_PROVIDER = "dangjian.core.crypto.SoftwareSM4Provider"
SM4_KEY_BYTES = 16
BLIND_INDEX_KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID_RE = re.compile(r"[A-Za-z0-9_.-]{1,32}")
PURPOSE_RE = re.compile(r"[a-z0-9_.-]{1,64}")
KEY_SETTINGS = frozenset(
    {"CRYPTO_PROVIDER", "FIELD_ENCRYPTION_KEYS", "FIELD_ENCRYPTION_ACTIVE_KEY", "BLIND_INDEX_KEY"}
)
_KEYS_HINT = "Set DANGJIAN_KEYS (JSON) or the key file var/keys.json (see generate_key_material())."


class DecryptionError(Exception):
    """A token is malformed, was tampered with, or names a key that is not configured."""

    def __init__(self, message: str = "密文无法解密：数据可能已被篡改或密钥不可用"):
        super().__init__(message)


class CryptoProvider(abc.ABC):
    """What the application needs from a cryptographic module; implement it to plug in an HSM/KMS."""

    @abc.abstractmethod
    def encrypt(self, plaintext: str) -> str:
        """Return an authenticated, randomised ciphertext token for `plaintext`."""

    @abc.abstractmethod
    def decrypt(self, token: str) -> str:
        """Return the plaintext of `token`; raise DecryptionError if it is invalid or tampered."""

    @abc.abstractmethod
    def blind_index(self, value: str, purpose: str) -> str:
        """Return a deterministic 64-hex keyed hash of an already normalised `value` for equality search.

        `purpose` (e.g. "id_number", "phone") separates domains: equal values under different
        purposes give unrelated indexes.
        """

    @abc.abstractmethod
    def mac(self, data: bytes) -> str:
        """Return a 64-hex HMAC-SM3 of `data` (integrity of audit rows, role assignments)."""

    def verify_mac(self, data: bytes, mac: str) -> bool:
        """Constant-time check that `mac` is the MAC of `data`."""
        return std_hmac.compare_digest(self.mac(data).encode(), str(mac).encode("utf-8"))


class SoftwareSM4Provider(CryptoProvider):
    """Software SM4-GCM / HMAC-SM3 with keys from Django settings (or passed explicitly, for tests)."""

    def __init__(self, keys=None, active_key_id=None, blind_index_key=None):
        keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", None) if keys is None else keys
        if active_key_id is None:
            active_key_id = getattr(settings, "FIELD_ENCRYPTION_ACTIVE_KEY", None)
        if blind_index_key is None:
            blind_index_key = getattr(settings, "BLIND_INDEX_KEY", None)
        self._keys = _load_encryption_keys(keys)
        if active_key_id not in self._keys:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_ACTIVE_KEY={active_key_id!r} is not one of FIELD_ENCRYPTION_KEYS "
                f"{sorted(self._keys)}. {_KEYS_HINT}"
            )
        self._active_key_id = active_key_id
        master = _decode_key(blind_index_key, "BLIND_INDEX_KEY", BLIND_INDEX_KEY_BYTES, exact=False)
        self._index_key = _derive_key(master, b"dangjian blind-index v1")
        self._mac_key = _derive_key(master, b"dangjian mac v1")

    @property
    def active_key_id(self) -> str:
        """Key id used for new ciphertexts."""
        return self._active_key_id

    def encrypt(self, plaintext: str) -> str:
        """SM4-GCM encrypt `plaintext` (UTF-8) under the active key."""
        if not isinstance(plaintext, str):
            raise TypeError("encrypt() expects str")
        key_id = self._active_key_id
        nonce = secrets.token_bytes(NONCE_BYTES)
        encryptor = Cipher(algorithms.SM4(self._keys[key_id]), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(key_id.encode("ascii"))
        ciphertext = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
        payload = base64.urlsafe_b64encode(nonce + ciphertext + encryptor.tag).decode("ascii")
        return f"{key_id}:{payload}"

    def decrypt(self, token: str) -> str:
        """Decrypt a token made by `encrypt`, with the key named in its prefix."""
        key_id, raw = _parse_token(token)
        key = self._keys.get(key_id)
        if key is None:
            raise DecryptionError(f"密文使用的密钥“{key_id}”未配置，无法解密")
        nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(key_id.encode("ascii"))
        try:
            data = decryptor.update(body) + decryptor.finalize()
            return data.decode("utf-8")
        except (InvalidTag, UnicodeDecodeError):
            raise DecryptionError("密文完整性校验失败：数据可能已被篡改") from None

    def blind_index(self, value: str, purpose: str) -> str:
        """HMAC-SM3(index key, purpose || 0x00 || value) as 64 hex characters."""
        if not isinstance(purpose, str) or not PURPOSE_RE.fullmatch(purpose):
            raise ValueError(f"invalid blind-index purpose {purpose!r}")
        if not isinstance(value, str):
            raise TypeError("blind_index() expects str")
        return _hmac_sm3(self._index_key, purpose.encode("ascii") + b"\x00" + value.encode("utf-8"))

    def mac(self, data: bytes) -> str:
        """HMAC-SM3 of `data` under the MAC sub-key, as 64 hex characters."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError("mac() expects bytes")
        return _hmac_sm3(self._mac_key, bytes(data))


def _hmac_sm3(key: bytes, data: bytes) -> str:
    h = hmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def _derive_key(master: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SM3(), length=32, salt=None, info=label).derive(master)


def _b64decode_strict(text: str) -> bytes:
    """Decode standard or urlsafe base64, rejecting stray characters."""
    return base64.b64decode(text.translate(str.maketrans("-_", "+/")).encode("ascii"), validate=True)


def _decode_key(value, name: str, size: int, exact: bool = True) -> bytes:
    if not value:
        raise ImproperlyConfigured(f"{name} is not set. {_KEYS_HINT}")
    try:
        key = _b64decode_strict(str(value))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise ImproperlyConfigured(f"{name} is not valid base64.") from None
    if len(key) < size or (exact and len(key) != size):
        wanted = f"{size}" if exact else f"at least {size}"
        raise ImproperlyConfigured(f"{name} must decode to {wanted} bytes, got {len(key)}.")
    return key


def _load_encryption_keys(keys) -> dict[str, bytes]:
    if not keys or not isinstance(keys, dict):
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS must be a non-empty dict key_id -> base64. {_KEYS_HINT}"
        )
    loaded = {}
    for key_id, value in keys.items():
        if not isinstance(key_id, str) or not KEY_ID_RE.fullmatch(key_id):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: invalid key id {key_id!r} (use 1-32 of [A-Za-z0-9_.-])."
            )
        loaded[key_id] = _decode_key(value, f"FIELD_ENCRYPTION_KEYS[{key_id!r}]", SM4_KEY_BYTES)
    return loaded


def _parse_token(token) -> tuple[str, bytes]:
    """Split a token into key id and raw bytes; only the canonical encoding is accepted."""
    if not isinstance(token, str) or ":" not in token:
        raise DecryptionError("密文格式不正确")
    key_id, payload = token.split(":", 1)
    if not KEY_ID_RE.fullmatch(key_id):
        raise DecryptionError("密文格式不正确")
    try:
        raw = base64.urlsafe_b64decode(payload.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise DecryptionError("密文格式不正确") from None
    # urlsafe_b64decode ignores stray characters and unused bits: re-encode so any change is caught.
    if base64.urlsafe_b64encode(raw).decode("ascii") != payload or len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("密文格式不正确")
    return key_id, raw


@functools.cache
def crypto_provider() -> CryptoProvider:
    """Return the process-wide provider named by settings.CRYPTO_PROVIDER (cached)."""
    path = getattr(settings, "CRYPTO_PROVIDER", None) or DEFAULT_PROVIDER
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"CRYPTO_PROVIDER {path!r} cannot be imported: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, CryptoProvider)):
        raise ImproperlyConfigured(f"CRYPTO_PROVIDER {path!r} is not a CryptoProvider subclass.")
    return cls()


@receiver(setting_changed)
def _reset_crypto_provider(*, setting, **kwargs):
    if setting in KEY_SETTINGS:
        crypto_provider.cache_clear()


def generate_key_material() -> dict:
    """Fresh random keys in the shape of the key file (var/keys.json) / DANGJIAN_KEYS."""
    return {
        "FIELD_ENCRYPTION_KEYS": {"k1": base64.b64encode(secrets.token_bytes(SM4_KEY_BYTES)).decode()},
        "FIELD_ENCRYPTION_ACTIVE_KEY": "k1",
        "BLIND_INDEX_KEY": base64.b64encode(secrets.token_bytes(BLIND_INDEX_KEY_BYTES)).decode(),
    }
