"""Victims' records: field-by-field AES-256-GCM under per-victim keys, crypto-shredding,
referrals to support services with consent."""
