"""Demo roster: Banjarbaru's OPDs (public structure) and ~300 fictional employees.

Every name, NIP and email here is invented. NIPs have the valid 18-digit shape; emails
use the reserved `.test` domain so nothing is ever sent to a real person.
"""

import csv
import datetime
import random
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import Employee, EmploymentType, Opd, Role, RoleAssignment
from .services import role_assign

DATA_FILE = Path(__file__).parent / "data" / "opd_banjarbaru.csv"
DEMO_PASSWORD = "Integritas-Demo-2026"
DEMO_DOMAIN = "demo.integritas.test"
EMPLOYEE_COUNT = 300

FIRST_NAMES = [
    "Ahmad", "Muhammad", "Siti", "Nur", "Rina", "Budi", "Dewi", "Rahmat", "Fitri", "Hendra", "Yuliani",
    "Agus", "Rizky", "Noor", "Fauzan", "Aulia", "Hairani", "Syahrul", "Mariana", "Rusdi", "Lia", "Zainal",
    "Ernawati", "Gusti", "Putri", "Taufik", "Wahyuni", "Irfan", "Nadia", "Arief", "Hj. Salmah", "Andi",
    "Noviana", "Saiful", "Desy", "Ilham", "Yusuf", "Raudah", "Kurniawan", "Maulida",
]
LAST_NAMES = [
    "Rahman", "Hidayat", "Saputra", "Lestari", "Wijaya", "Noor", "Fadillah", "Kusuma", "Pratama", "Ansyari",
    "Halim", "Setiawan", "Rahmawati", "Hakim", "Nugroho", "Fitriani", "Syarifuddin", "Permana", "Maulana",
    "Santoso", "Aditya", "Rosyadi", "Yusran", "Husna", "Effendi", "Mahmud", "Sari", "Anwar", "Fauzi", "Ramadhan",
]
# A few names with diacritics: certificates must print them exactly.
SPECIAL_NAMES = ["Zulkarnaén Noor", "Ratna Sari Dewi Müller", "Nengah Sutjipta Gérard"]

POSITIONS = {
    "dinas": ["Kepala Bidang", "Kepala Subbagian Umum dan Kepegawaian", "Analis Kebijakan", "Pranata Komputer", "Arsiparis", "Pengadministrasi Umum"],
    "badan": ["Kepala Bidang", "Analis SDM Aparatur", "Perencana", "Pranata Keuangan APBD", "Pengadministrasi Umum"],
    "sekretariat": ["Kepala Bagian", "Kepala Subbagian", "Analis Hukum", "Pranata Humas", "Pengadministrasi Umum"],
    "inspektorat": ["Inspektur Pembantu Wilayah I", "Auditor Ahli Muda", "Auditor Ahli Pertama", "P2UPD Ahli Pertama"],
    "satpol": ["Kepala Bidang Penegakan Perda", "Polisi Pamong Praja", "Pengadministrasi Umum"],
    "rsud": ["Dokter", "Perawat", "Bidan", "Apoteker", "Pengadministrasi Umum"],
    "kecamatan": ["Sekretaris Kecamatan", "Kepala Seksi Pemerintahan", "Kepala Seksi Trantib", "Pengadministrasi Umum"],
    "kelurahan": ["Lurah", "Sekretaris Kelurahan", "Kepala Seksi Pemberdayaan Masyarakat", "Pengadministrasi Umum"],
    "lainnya": ["Pengadministrasi Umum"],
}

# (email local part, name, role, OPD code of their own roster row, OPDs coordinated)
DEMO_ACCOUNTS = [
    ("asn", "Siti Rahmawati", None, "DINKES", []),
    ("hr", "Rusdi Ansyari", Role.HR, "BKPSDM", []),
    ("koordinator", "Hairani Fitriani", Role.COORDINATOR, "DINKES", ["DINKES", "KEC-CEMPAKA"]),
    ("auditor", "Arief Syarifuddin", Role.AUDITOR, "INSPEKTORAT", []),
    ("editor", "Nadia Kusuma", Role.EDITOR, "INSPEKTORAT", []),
    ("pengamat", "Pengamat KPK (demo)", Role.OBSERVER, None, []),
]


def _fictional_nip(rng: random.Random, sequence: int, employment_type: str) -> str:
    birth = datetime.date(1966, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 34))
    tmt_year = min(birth.year + rng.randint(21, 33), 2025)
    if employment_type == EmploymentType.PPPK:
        tmt_year = rng.choice([2022, 2023, 2024])
    return f"{birth:%Y%m%d}{tmt_year:04d}{rng.randint(1, 12):02d}{rng.choice('12')}{sequence % 999 + 1:03d}"


def seed_opds() -> dict[str, Opd]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    opds = {}
    for row in rows:  # parents come first in the file
        opd, _created = Opd.objects.update_or_create(
            code=row["kode"],
            defaults={
                "name": row["nama"],
                "kind": row["jenis"],
                "parent": opds.get(row["induk"]) if row["induk"] else None,
                "active": True,
            },
        )
        opds[opd.code] = opd
    return opds


def seed_employees(opds: dict[str, Opd]) -> None:
    rng = random.Random(2026)
    workplaces = [opd for opd in opds.values() if opd.kind != "kelurahan" or rng.random() < 0.5]
    weights = [8 if o.code in ("DISDIK", "DINKES", "RSD-IDAMAN") else 2 if o.kind in ("dinas", "badan") else 1 for o in workplaces]
    existing = set(Employee.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").values_list("email", flat=True))
    new = []
    for i in range(EMPLOYEE_COUNT):
        opd = rng.choices(workplaces, weights=weights)[0]
        roll = rng.random()
        employment_type = EmploymentType.PNS if roll < 0.75 else EmploymentType.PPPK if roll < 0.9 else EmploymentType.NON_ASN
        name = SPECIAL_NAMES[i // 100] if i % 100 == 7 else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        nip = _fictional_nip(rng, i, employment_type)
        if employment_type == EmploymentType.NON_ASN:
            rng.random()  # the draw an earlier version made here: keeps the rest of the demo roster unchanged
            nip = None  # non-ASN staff have no NIP (the employee form says so)
        email = f"pegawai{i + 1:03d}@{DEMO_DOMAIN}"
        position = rng.choice(POSITIONS.get(opd.kind, POSITIONS["lainnya"]))
        if email in existing:
            continue
        new.append(
            Employee(nip=nip, full_name=name, email=email, opd=opd, position=position, employment_type=employment_type)
        )
    Employee.objects.bulk_create(new, batch_size=500)


def seed_accounts(opds: dict[str, Opd], stdout) -> list[tuple[str, str, str]]:
    User = get_user_model()
    rng = random.Random(17)
    table = []
    for local, name, role, opd_code, coordinated in DEMO_ACCOUNTS:
        email = f"{local}@{DEMO_DOMAIN}"
        employee = None
        if opd_code:
            employee = Employee.objects.filter(email=email).first()
            if employee is None:
                employee = Employee.objects.create(
                    nip=_fictional_nip(rng, 900 + len(table), EmploymentType.PNS),
                    full_name=name,
                    email=email,
                    opd=opds[opd_code],
                    position={"hr": "Analis SDM Aparatur", "auditor": "Auditor Ahli Muda", "editor": "Auditor Ahli Pertama"}.get(local, "Perawat Ahli Pertama"),
                    employment_type=EmploymentType.PNS,
                )
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(username=employee.nip if employee else local, email=email, first_name=name)
        user.set_password(DEMO_PASSWORD)
        user.is_active = True
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        if employee and employee.user_id != user.pk:
            employee.user = user
            employee.save(update_fields=["user"])
        if role:
            valid_until = timezone.now() + datetime.timedelta(days=90) if role == Role.OBSERVER else None
            if not RoleAssignment.objects.filter(user=user, role=role).exists():
                role_assign(user=user, role=role, acting_user=None, opds=[opds[c] for c in coordinated], valid_until=valid_until)
        login = f"{email}" + (f"  atau NIP {employee.nip}" if employee else "")
        table.append((str(Role(role).label) if role else "ASN (peserta)", login, DEMO_PASSWORD))

    admin = User.objects.filter(username="admin").first() or User(username="admin", email=f"admin@{DEMO_DOMAIN}", first_name="Administrator")
    admin.is_superuser = admin.is_staff = True
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    EmailAddress.objects.update_or_create(user=admin, email=admin.email, defaults={"verified": True, "primary": True})
    table.append(("Superuser (pemeliharaan)", admin.email, DEMO_PASSWORD))
    return table


def seed(*, stdout, style):
    opds = seed_opds()
    seed_employees(opds)
    table = seed_accounts(opds, stdout)
    stdout.write(style.MIGRATE_HEADING("Akun demo (kata sandi sama untuk semua):"))
    for label, login, password in table:
        stdout.write(f"  {label:<28} {login:<60} {password}")
    stdout.write(f"  OPD: {Opd.objects.count()}, pegawai: {Employee.objects.count()} (aktif {Employee.objects.filter(active=True).count()})")
