"""Certificate issuing and bulk download, on PostgreSQL.

    .venv/bin/python bench/certificates.py [--issue 100] [--memory 500] [--zip 5000]

In the `integritas_bench` database (created if missing) it measures, in one run:

- issue throughput: `certificate_issue` (what the task runs: lock, number, freeze, render,
  sign, hash, store), signed with a DEMO key made for the run, against its floor: a bare
  render of the same file (the template with its QR code, logo, signature image and signed
  statement, then xhtml2pdf; images read once before the loop; no database, no
  storage) plus a bare `sign_pdf` of that file, as a ratio (goal ≥ 0.9, issue 17); the ratio
  against the render alone is printed too; and the same issue loop with signing switched
  off, against the bare render;
- the worker's memory (RSS) while issuing `--memory` certificates one after another;
- the streamed registry ZIP of `--zip` stored certificates against the standard library
  writing the same files to a ZIP_STORED archive (goal ≤ 2×), with peak memory.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import bench_database, bench_env, manage  # noqa: E402

SCRIPT = r'''
import gc, io, resource, time, zipfile
from django.core.files.base import ContentFile
from django.utils import timezone
from certificates.admin_views import ZIP_FIELDS, certificates_zip_stream, zip_entry_name
from certificates.models import Certificate, CertificateSequence
from certificates.pdf import certificate_html, render_html_to_pdf
from certificates.services import certificate_issue, _build
from certificates.signing import sign_pdf
from certificates.signing_demo import demo_signing_create
from django.conf import settings
import tempfile
from courses.models import CourseIndexPage, CoursePage, Enrollment
from organizations.models import Employee, Opd

ISSUE, MEMORY, ZIPN = {issue}, {memory}, {zipn}

def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

opd, _ = Opd.objects.get_or_create(code="BENCH-CERT", defaults=dict(name="OPD Bench Sertifikat", kind="dinas"))
course = CoursePage.objects.filter(slug="bench-sertifikat").first()
if course is None:
    course = CourseIndexPage.objects.first().add_child(instance=CoursePage(title="Bench sertifikat", slug="bench-sertifikat", summary="bench", jp_hours=2, mandatory=False))
    # live as created; a publish would be refused by the JP check (a bench course has no lessons to justify its JP)
    course.save_revision()
    course = CoursePage.objects.get(pk=course.pk)

def clean():
    for certificate in Certificate.objects.filter(course=course).only("pdf").iterator():
        certificate.pdf.delete(save=False)
    Certificate.objects.filter(course=course).update(replaced_by=None)
    Certificate.objects.filter(course=course).delete()
    Enrollment.objects.filter(course=course).delete()

clean()
Employee.objects.filter(opd=opd).delete()
need = max(2 * ISSUE + MEMORY + 1, ZIPN)
now = timezone.now()
employees = Employee.objects.bulk_create([
    Employee(full_name=f"Pegawai Bench Ñandé {{i}}", email=f"cert{{i:05d}}@bench.test", opd=opd, employment_type="NON_ASN", position="Pengadministrasi")
    for i in range(need)
], batch_size=1000)
enrollments = Enrollment.objects.bulk_create([
    Enrollment(employee=e, course=course, source="self", status="completed", completed_at=now, started_at=now, completed_opd=opd)
    for e in employees
], batch_size=1000)
enrollments = list(Enrollment.objects.filter(course=course).select_related("employee").order_by("pk"))

# a DEMO signing key for this run only
keys = demo_signing_create(tempfile.mkdtemp(prefix="bench-signing-"))
settings.SIGNING_PKCS12, settings.SIGNING_PASSPHRASE, settings.SIGNING_TRUST_ROOTS = str(keys.pkcs12), keys.passphrase, [str(keys.ca)]
settings.SIGNING_REFUSE_DEMO = False  # production settings refuse DEMO keys; this one is the bench's own

# warm up fonts, templates and the key once
certificate_issue(enrollment=enrollments[0])

# 1) throughput: the service (signing included) versus a bare render of the same HTML
sample = Certificate.objects.get(enrollment=enrollments[0])
# the floor renders the same file the service renders: the same template with the same logo,
# signature image, QR code and signed statement, straight to PDF (images read once, before
# the loop; no database, no storage)
from certificates.models import CertificateSettings
from certificates.pdf import image_data_uri
program = CertificateSettings.load()
logo_uri, signature_uri = image_data_uri(program.logo), image_data_uri(program.signature)
print(f"RESULT floor_logo={{bool(logo_uri)}} floor_signature_image={{bool(signature_uri)}}")
# the four loops take turns, ROUNDS times, in blocks of a few certificates, so that the floors
# and the service share whatever the machine does during the run (a render's time moved by a
# third between two runs here; with 5 rounds of 20 the ratio swung from 0.89 to 0.99 between two
# runs of the same code); every other round runs them in the reverse order, so that a machine
# slowing down or speeding up through a round weighs on all four alike
ROUNDS = 20
bare = signing = issued = unsigned = 0.0
todo = iter(enrollments[1:2 * ISSUE + 1])


def bare_block(n):
    global bare, bare_pdf
    start = time.perf_counter()
    for _ in range(n):
        bare_pdf = render_html_to_pdf(certificate_html(certificate=sample, logo_uri=logo_uri, signature_uri=signature_uri, signed=True))
    bare += time.perf_counter() - start


def signing_block(n):
    global signing
    start = time.perf_counter()
    for _ in range(n):
        sign_pdf(bare_pdf, reason="bench")
    signing += time.perf_counter() - start


def issued_block(n):
    global issued
    start = time.perf_counter()
    for _ in range(n):
        certificate_issue(enrollment=next(todo))
    issued += time.perf_counter() - start


def unsigned_block(n):
    global unsigned
    settings.SIGNING_PKCS12 = ""
    start = time.perf_counter()
    for _ in range(n):
        certificate_issue(enrollment=next(todo))
    unsigned += time.perf_counter() - start
    settings.SIGNING_PKCS12 = str(keys.pkcs12)


bare_pdf = render_html_to_pdf(certificate_html(certificate=sample, logo_uri=logo_uri, signature_uri=signature_uri, signed=True))
for round_number in range(ROUNDS):
    blocks = [bare_block, signing_block, issued_block, unsigned_block]
    for block in blocks if round_number % 2 == 0 else reversed(blocks):
        block(ISSUE // ROUNDS)
ISSUE = ROUNDS * (ISSUE // ROUNDS)
# the floor of a signed issue is a bare render plus a bare signature of the same file (issue 17)
print(f"RESULT bare_render_per_s={{ISSUE / bare:.1f}} bare_signed_per_s={{ISSUE / (bare + signing):.1f}} issue_per_s={{ISSUE / issued:.1f}} "
      f"ratio={{(bare + signing) / issued:.2f}} render_only_ratio={{bare / issued:.2f}} "
      f"sign_ms={{1000 * signing / ISSUE:.1f}} render_ms={{1000 * bare / ISSUE:.1f}} unsigned_issue_per_s={{ISSUE / unsigned:.1f}} "
      f"unsigned_ratio={{bare / unsigned:.2f}}")

# 2) memory while issuing one after another
gc.collect()
first = rss_mb()
marks = []
for n, enrollment in enumerate(enrollments[2 * ISSUE + 1:2 * ISSUE + 1 + MEMORY], start=1):
    certificate_issue(enrollment=enrollment)
    if n % max(1, MEMORY // 5) == 0:
        marks.append(f"{{n}}:{{rss_mb():.0f}}")
print(f"RESULT rss_start_mb={{first:.0f}} rss_marks={{','.join(marks)}}")

# 3) ZIP of ZIPN stored certificates: our stream versus the standard library
pdf_bytes = sample.pdf.open("rb").read()
have = set(Certificate.objects.filter(course=course).values_list("enrollment_id", flat=True))
last = CertificateSequence.objects.get(year=sample.year).last
rows = []
for enrollment in enrollments:
    if len(have) + len(rows) >= ZIPN:
        break
    if enrollment.pk in have:
        continue
    last += 1
    c = Certificate(enrollment=enrollment, employee=enrollment.employee, course=course, number=f"{{last:05d}}/BENCH/{{sample.year}}", year=sample.year, sequence=last,
                    code=f"bench{{last:011d}}", full_name=enrollment.employee.full_name, opd=opd, opd_code=opd.code, opd_name=opd.name,
                    course_title=course.title, course_slug=course.slug, jp_hours=2, completed_at=now, sha256=sample.sha256, issued_at=now)
    c.pdf.save(f"bench-{{last}}.pdf", ContentFile(pdf_bytes), save=False)
    rows.append(c)
Certificate.objects.bulk_create(rows, batch_size=500)
CertificateSequence.objects.filter(year=sample.year).update(last=last)
queryset = Certificate.objects.filter(course=course).order_by("opd_code", "number")
count = queryset.count()

class Null(io.RawIOBase):
    def writable(self): return True
    def write(self, b): return len(b)

paths = [(c.pdf.path, zip_entry_name(c)) for c in queryset.iterator(chunk_size=200)]

def run_ours():
    size = 0
    peak = rss_mb()
    start = time.perf_counter()
    for n, chunk in enumerate(certificates_zip_stream(queryset.only(*ZIP_FIELDS).iterator(chunk_size=500))):
        size += len(chunk)
        if n % 500 == 0:
            peak = max(peak, rss_mb())
    return time.perf_counter() - start, size, peak

def run_stdlib():
    start = time.perf_counter()
    with zipfile.ZipFile(Null(), "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for path, name in paths:
            archive.write(path, name)
    return time.perf_counter() - start

gc.collect()
before = rss_mb()
ours_runs, stdlib_runs = [], []
for _ in range(2):  # alternate, keep the best of each: the page cache and the machine are shared
    t, size, peak = run_ours()
    ours_runs.append(t)
    stdlib_runs.append(run_stdlib())
ours, stdlib = min(ours_runs), min(stdlib_runs)
clean()
print(f"RESULT zip_files={{count}} zip_mb={{size / 1048576:.0f}} ours_s={{ours:.2f}} stdlib_s={{stdlib:.2f}} zip_ratio={{ours / stdlib:.2f}} rss_before_mb={{before:.0f}} rss_peak_mb={{peak:.0f}}")
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issue", type=int, default=100)
    parser.add_argument("--memory", type=int, default=500)
    parser.add_argument("--zip", type=int, default=5000)
    args = parser.parse_args()
    env = bench_env(bench_database("certificates"), "certificates")
    manage(env, "migrate", "--noinput", "-v0")
    output = manage(env, "shell", "-c", SCRIPT.format(issue=args.issue, memory=args.memory, zipn=args.zip), capture=True)
    results = {}
    for line in output.splitlines():
        if line.startswith("RESULT "):
            for item in line[7:].split(" "):
                key, value = item.split("=", 1)
                results[key] = value
    print("\nCertificate benchmark (PostgreSQL, filesystem storage)\n")
    print(f"floor:  the same template with its QR code, logo ({'yes' if results['floor_logo'] == 'True' else 'none configured'}) "
          f"and signature image ({'yes' if results['floor_signature_image'] == 'True' else 'none configured'}), as the service renders it")
    print(f"issue:  bare render + bare signature {results['bare_signed_per_s']}/s (render alone {results['bare_render_per_s']}/s), "
          f"certificate_issue (signed) {results['issue_per_s']}/s, ratio {results['ratio']} (goal ≥ 0.9): "
          f"{'met' if float(results['ratio']) >= 0.9 else 'NOT met'}; against the render alone {results['render_only_ratio']}")
    print(f"signing: sign_pdf {results['sign_ms']} ms per certificate (render {results['render_ms']} ms); "
          f"unsigned certificate_issue {results['unsigned_issue_per_s']}/s, ratio {results['unsigned_ratio']}")
    print(f"memory: RSS {results['rss_start_mb']} MB before issuing; after N certificates (N:MB): {results['rss_marks'].replace(',', ', ')}")
    ratio = float(results["zip_ratio"])
    print(f"zip:    {results['zip_files']} files, {results['zip_mb']} MB; streamed {results['ours_s']} s vs stdlib {results['stdlib_s']} s, "
          f"ratio {ratio:.2f} (goal ≤ 2): {'met' if ratio <= 2 else 'NOT met'}; "
          f"RSS {results['rss_before_mb']} MB before, {results['rss_peak_mb']} MB at the peak")


if __name__ == "__main__":
    main()
