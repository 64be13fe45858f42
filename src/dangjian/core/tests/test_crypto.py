"""crypto_provider: SM4-GCM field encryption, HMAC-SM3 blind index / MAC, key handling (E1, E2, 密评 §8.4)."""

import base64
import re

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core.crypto import (
    CryptoProvider,
    DecryptionError,
    SoftwareSM4Provider,
    crypto_provider,
    generate_key_material,
)
from dangjian.core.fields import EncryptedTextField

KEY_A = base64.b64encode(b"A" * 16).decode()
KEY_B = base64.b64encode(b"B" * 16).decode()
INDEX_KEY = base64.b64encode(b"I" * 32).decode()
PROVIDER = SoftwareSM4Provider(keys={"k1": KEY_A}, active_key_id="k1", blind_index_key=INDEX_KEY)
ID_PATTERN = re.compile(r"\d{17}[\dXx]")


# --- the primitives are the real 国密 algorithms -------------------------------------------------


def test_sm4_gbt32907_test_vector():
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - one-block test vector
    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_gcm_rfc8998_test_vector():
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(bytes.fromhex("00001234567800000000ABCD"))).encryptor()
    encryptor.authenticate_additional_data(bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2"))
    plaintext = bytes.fromhex("".join(byte * 8 for byte in ["AA", "BB", "CC", "DD", "EE", "FF", "EE", "AA"]))
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    assert ciphertext.hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    assert encryptor.tag.hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"


def test_sm3_gbt32905_test_vector():
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"abc")
    assert digest.finalize().hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


# --- encryption ------------------------------------------------------------------------------------


@given(st.text())
def test_round_trip_any_unicode(text):
    token = PROVIDER.encrypt(text)
    assert token.startswith("k1:")
    assert PROVIDER.decrypt(token) == text


def test_ciphertext_is_randomised_and_hides_the_plaintext():
    id_number = "11010519491231002X"
    first, second = PROVIDER.encrypt(id_number), PROVIDER.encrypt(id_number)
    assert first != second
    assert id_number not in first
    assert not ID_PATTERN.search(first)


def _flip_byte(token: str, index: int, mask: int) -> str:
    key_id, payload = token.split(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[index % len(raw)] ^= mask
    return f"{key_id}:{base64.urlsafe_b64encode(bytes(raw)).decode()}"


@given(st.text(max_size=40), st.integers(min_value=0), st.integers(min_value=1, max_value=255))
def test_tampering_any_byte_is_detected(text, index, mask):
    token = _flip_byte(PROVIDER.encrypt(text), index, mask)
    with pytest.raises(DecryptionError):
        PROVIDER.decrypt(token)


@given(st.text(max_size=40), st.integers(min_value=0), st.characters(codec="ascii"))
def test_changing_any_token_character_is_detected(text, index, char):
    token = PROVIDER.encrypt(text)
    index %= len(token)
    tampered = token[:index] + char + token[index + 1 :]
    if tampered != token:
        with pytest.raises(DecryptionError):
            PROVIDER.decrypt(tampered)


@pytest.mark.parametrize(
    "token", ["", "plain text", "k1:", "k1:!!!", "k1:AAAA", "nokey:" + "A" * 40, None, 5]
)
def test_malformed_tokens_raise_decryption_error(token):
    with pytest.raises(DecryptionError):
        PROVIDER.decrypt(token)


def test_decryption_error_message_is_chinese():
    with pytest.raises(DecryptionError, match="篡改"):
        PROVIDER.decrypt(_flip_byte(PROVIDER.encrypt("x"), 20, 1))


def test_key_id_is_authenticated():
    """Relabelling a token with another configured key id fails (the key id is GCM associated data)."""
    both = SoftwareSM4Provider(keys={"k1": KEY_A, "k2": KEY_A}, active_key_id="k1", blind_index_key=INDEX_KEY)
    token = both.encrypt("secret")
    with pytest.raises(DecryptionError):
        both.decrypt("k2:" + token.split(":", 1)[1])


def test_key_rotation():
    old = SoftwareSM4Provider(keys={"k1": KEY_A}, active_key_id="k1", blind_index_key=INDEX_KEY)
    rotated = SoftwareSM4Provider(
        keys={"k1": KEY_A, "k2": KEY_B}, active_key_id="k2", blind_index_key=INDEX_KEY
    )
    old_token = old.encrypt("旧数据")
    new_token = rotated.encrypt("新数据")
    assert new_token.startswith("k2:")
    assert rotated.decrypt(old_token) == "旧数据"
    with pytest.raises(DecryptionError, match="k2"):
        old.decrypt(new_token)


# --- blind index and MAC ---------------------------------------------------------------------------


def test_blind_index_is_deterministic_hex_and_domain_separated():
    index = PROVIDER.blind_index("13812345678", "phone")
    assert re.fullmatch(r"[0-9a-f]{64}", index)
    assert index == PROVIDER.blind_index("13812345678", "phone")
    assert index != PROVIDER.blind_index("13812345678", "id_number")
    assert index != PROVIDER.blind_index("13812345679", "phone")


def test_blind_index_depends_on_its_own_key_only():
    other_index_key = base64.b64encode(b"J" * 32).decode()
    other = SoftwareSM4Provider(keys={"k1": KEY_A}, active_key_id="k1", blind_index_key=other_index_key)
    rotated = SoftwareSM4Provider(keys={"k9": KEY_B}, active_key_id="k9", blind_index_key=INDEX_KEY)
    assert other.blind_index("x", "phone") != PROVIDER.blind_index("x", "phone")
    assert rotated.blind_index("x", "phone") == PROVIDER.blind_index("x", "phone")


@pytest.mark.parametrize("purpose", ["", "Phone", "a\x00b", "id number"])
def test_blind_index_rejects_bad_purpose(purpose):
    with pytest.raises(ValueError, match="purpose"):
        PROVIDER.blind_index("x", purpose)


def test_mac_and_verify():
    mac = PROVIDER.mac(b"audit row")
    assert re.fullmatch(r"[0-9a-f]{64}", mac)
    assert PROVIDER.verify_mac(b"audit row", mac)
    assert not PROVIDER.verify_mac(b"audit row!", mac)
    assert not PROVIDER.verify_mac(b"audit row", "不是MAC")
    assert mac != PROVIDER.blind_index("audit row", "mac")


# --- configuration ---------------------------------------------------------------------------------


def test_crypto_provider_uses_settings_and_is_cached():
    provider = crypto_provider()
    assert isinstance(provider, SoftwareSM4Provider)
    assert provider is crypto_provider()
    assert provider.decrypt(provider.encrypt("党员")) == "党员"


def test_setting_change_clears_the_cache(settings):
    before = crypto_provider()
    token = before.encrypt("x")
    settings.FIELD_ENCRYPTION_KEYS = {"k1": settings.FIELD_ENCRYPTION_KEYS["k1"], "k2": KEY_B}
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = "k2"
    after = crypto_provider()
    assert after is not before
    assert after.encrypt("y").startswith("k2:")
    assert after.decrypt(token) == "x"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("FIELD_ENCRYPTION_KEYS", {}, "FIELD_ENCRYPTION_KEYS"),
        ("FIELD_ENCRYPTION_KEYS", {"k1": "not base64!"}, "base64"),
        ("FIELD_ENCRYPTION_KEYS", {"k1": base64.b64encode(b"short").decode()}, "16 bytes"),
        ("FIELD_ENCRYPTION_KEYS", {"bad:id": KEY_A}, "key id"),
        ("FIELD_ENCRYPTION_ACTIVE_KEY", "missing", "FIELD_ENCRYPTION_ACTIVE_KEY"),
        ("BLIND_INDEX_KEY", "", "BLIND_INDEX_KEY"),
        ("BLIND_INDEX_KEY", base64.b64encode(b"x" * 16).decode(), "at least 32"),
        ("CRYPTO_PROVIDER", "dangjian.core.crypto.NoSuchProvider", "cannot be imported"),
        ("CRYPTO_PROVIDER", "dangjian.core.crypto.DecryptionError", "not a CryptoProvider"),
    ],
)
def test_bad_configuration_is_improperly_configured(settings, name, value, message):
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto_provider()


def test_custom_provider_can_replace_the_default(settings):
    settings.CRYPTO_PROVIDER = f"{__name__}.ReversingProvider"
    assert isinstance(crypto_provider(), ReversingProvider)
    field = EncryptedTextField()
    assert field.get_prep_value("abc") == "cba"


class ReversingProvider(CryptoProvider):
    """Toy provider proving callers only depend on the interface."""

    def encrypt(self, plaintext):
        return plaintext[::-1]

    def decrypt(self, token):
        return token[::-1]

    def blind_index(self, value, purpose):
        return "0" * 64

    def mac(self, data):
        return "0" * 64


def test_generate_key_material_is_usable_and_fresh():
    material = generate_key_material()
    provider = SoftwareSM4Provider(
        keys=material["FIELD_ENCRYPTION_KEYS"],
        active_key_id=material["FIELD_ENCRYPTION_ACTIVE_KEY"],
        blind_index_key=material["BLIND_INDEX_KEY"],
    )
    assert provider.decrypt(provider.encrypt("测试")) == "测试"
    assert generate_key_material() != material


# --- EncryptedTextField ------------------------------------------------------------------------------


def test_encrypted_field_round_trip():
    field = EncryptedTextField()
    stored = field.get_prep_value("110101194910010016")
    assert stored.startswith("k1:")
    assert not ID_PATTERN.search(stored)
    assert field.from_db_value(stored, None, None) == "110101194910010016"


@pytest.mark.parametrize("value", [None, ""])
def test_encrypted_field_keeps_empty_values(value):
    field = EncryptedTextField()
    assert field.get_prep_value(value) == value
    assert field.from_db_value(value, None, None) == value


def test_encrypted_field_tampered_value_raises_and_logs(caplog):
    field = EncryptedTextField()
    stored = _flip_byte(field.get_prep_value("秘密"), 30, 4)
    with pytest.raises(DecryptionError):
        field.from_db_value(stored, None, None)
    assert "failed to decrypt" in caplog.text


def test_encrypted_field_deconstructs():
    name, path, args, kwargs = EncryptedTextField(blank=True, verbose_name="身份证号").deconstruct()
    assert path == "dangjian.core.fields.EncryptedTextField"
    assert kwargs == {"blank": True, "verbose_name": "身份证号"}
    assert EncryptedTextField(*args, **kwargs).blank
