"""Shared fixtures for the API tests: clients with keys, a small world with two OPDs."""

import pytest

from api.models import ApiClient, Scope
from api.services import api_client_save

ALL_SCOPES = [s.value for s in Scope]


@pytest.fixture
def make_api_client(db, hr):
    """Factory: an API client owned by HR (unless `owner`), returning (client, key)."""
    counter = iter(range(1, 10_000))

    def make(*, scopes=ALL_SCOPES, opds=None, owner=None, **fields):
        client = ApiClient(
            name=fields.pop("name", f"SIMPEG uji {next(counter)}"),
            owner=owner or hr,
            scopes=list(scopes),
            all_opds=opds is None,
            **fields,
        )
        return api_client_save(client=client, opds=list(opds or []), acting_user=hr)

    return make


def auth(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def roster_row(*, nip, nama="Pegawai Uji", email, opd_kode="OPD-A", jabatan="Analis", jenis_pegawai="PNS", **extra) -> dict:
    return {"nip": nip, "nama": nama, "email": email, "opd_kode": opd_kode, "jabatan": jabatan, "jenis_pegawai": jenis_pegawai, **extra}
