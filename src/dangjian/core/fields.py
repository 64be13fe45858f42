"""Model fields for sensitive personal information (security.md E1/E2, P2)."""

import logging

from django.db import models

from .crypto import DecryptionError, crypto_provider

logger = logging.getLogger("dangjian.security")


class EncryptedTextField(models.TextField):
    """Text encrypted with `crypto_provider()` (SM4-GCM by default); Python code sees plaintext.

    The column holds "<key_id>:<base64>" tokens. Empty string and None are stored as is.
    Encryption is randomised, so lookups on this field (exact, contains, ordering…) are
    meaningless except `isnull` and `exact=""`: search through a separate blind-index column
    filled with `crypto_provider().blind_index(normalised_value, purpose)`.
    A token that fails authentication raises DecryptionError on read and is logged.
    """

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        """Decrypt the stored token."""
        if not value:
            return value
        try:
            return crypto_provider().decrypt(value)
        except DecryptionError:
            logger.error("Encrypted field %s failed to decrypt (tampered or unknown key)", self)
            raise

    def get_prep_value(self, value):
        """Encrypt non-empty strings before they reach the database."""
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto_provider().encrypt(value)
