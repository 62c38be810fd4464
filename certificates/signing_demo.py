"""A demo certification authority and a demo signer, both named DEMO, so the demo signs too.

Never for production: `elearning/settings/production.py` refuses a signer whose subject or
issuer says DEMO. The files are written once under `var/demo-signing/` by `seed_demo`; the
tests make their own in a temporary directory.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from pathlib import Path

CA_NAME = "DEMO CA Integritas (bukan otoritas resmi)"
SIGNER_NAME = "DEMO Penanda Tangan Integritas"
ORGANISATION = "DEMO Pemerintah Kota (contoh, tidak resmi)"
P12_NAME = "penanda-tangan-DEMO.p12"
CA_NAME_FILE = "ca-DEMO.pem"
PASSPHRASE_FILE = "passphrase.txt"


@dataclass(frozen=True)
class DemoSigning:
    pkcs12: Path
    passphrase: str
    ca: Path


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def demo_signing_create(
    directory: Path, *, signer_days: int = 3 * 365, signer_not_before: datetime.datetime | None = None,
    passphrase: str | None = None,
) -> DemoSigning:
    """Write a DEMO CA certificate and a DEMO signer PKCS#12 (key + chain) into `directory`.
    `signer_days`/`signer_not_before` let tests make an expired signer."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    passphrase = passphrase if passphrase is not None else secrets.token_urlsafe(12)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(CA_NAME)).issuer_name(_name(CA_NAME))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=10 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    signer_key = ec.generate_private_key(ec.SECP256R1())
    start = signer_not_before or (now - datetime.timedelta(days=1))
    signer_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(SIGNER_NAME)).issuer_name(ca_cert.subject)
        .public_key(signer_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=signer_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        name=SIGNER_NAME.encode(), key=signer_key, cert=signer_cert, cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )
    p12_path, ca_path = directory / P12_NAME, directory / CA_NAME_FILE
    p12_path.write_bytes(p12)
    p12_path.chmod(0o600)
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    passphrase_path = directory / PASSPHRASE_FILE
    passphrase_path.write_text(passphrase + "\n")
    passphrase_path.chmod(0o600)
    return DemoSigning(pkcs12=p12_path, passphrase=passphrase, ca=ca_path)


def demo_signing_load(directory: Path) -> DemoSigning | None:
    """The demo credentials already in `directory`, or None."""
    directory = Path(directory)
    p12_path, ca_path, passphrase_path = directory / P12_NAME, directory / CA_NAME_FILE, directory / PASSPHRASE_FILE
    if not (p12_path.is_file() and ca_path.is_file() and passphrase_path.is_file()):
        return None
    return DemoSigning(pkcs12=p12_path, passphrase=passphrase_path.read_text().strip(), ca=ca_path)


def pkcs12_is_demo(path, passphrase: str | None) -> bool:
    """Whether the PKCS#12 at `path` holds a DEMO signer (subject or issuer says DEMO).
    Used by production settings, before Django is set up; an unreadable file is not judged
    here (signing reports it)."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        _key, cert, _others = pkcs12.load_key_and_certificates(
            Path(path).read_bytes(), passphrase.encode() if passphrase else None
        )
    except (OSError, ValueError, TypeError):
        return False
    if cert is None:
        return False
    names = cert.subject.rfc4514_string() + " " + cert.issuer.rfc4514_string()
    return "DEMO" in names.upper()
