"""Learners for the cluster check (bench/cluster_check.py), through nginx over HTTPS.

Each Locust user plays one learner after another, from the accounts the check seeded: log
in, enroll, open each lesson and mark it done, open the final quiz, start it, autosave one
answer per question, and submit (a few learners walk away instead: the scheduler must close
their attempt at its deadline). Think times are compressed (0.5–2 s instead of the 20–60 s
of a real learner): the sizing in deploy/README.md scales by requests, not by users.

Everything the server accepted is written to $CLUSTER_ACCEPTED, one JSON object a line, for
the post-check to find in the database. A request that fails is retried by the learner (as
a person presses again) up to three times; only an accepted one is recorded.
"""

import itertools
import json
import os
import random
import re
import time
from urllib.parse import urlencode

from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

SETUP = json.loads(open(os.environ["CLUSTER_SETUP"], encoding="utf-8").read())
PASSWORD = os.environ["CLUSTER_PASSWORD"]
ABANDON = float(os.environ.get("CLUSTER_ABANDON", "0.15"))
ACCOUNTS = itertools.count()
ACCEPTED = open(os.environ["CLUSTER_ACCEPTED"], "a", encoding="utf-8")  # noqa: SIM115 (open for the run)

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHOICE_INPUT = re.compile(r'name="q(\d+)" value="(\d+)"')
ATTEMPT_URL = re.compile(r"/kuis/percobaan/(\d+)/$")


def record(**event) -> None:
    ACCEPTED.write(json.dumps(event) + "\n")
    ACCEPTED.flush()


@events.quitting.add_listener
def _close(**_kwargs):
    ACCEPTED.close()


class Learner(FastHttpUser):
    wait_time = between(0.5, 2.0)
    network_timeout = 70.0
    connection_timeout = 10.0
    insecure = True  # the check's own self-signed certificate

    def _headers(self, extra=None) -> dict:
        origin = self.host.rstrip("/")
        return {"X-Forwarded-For": self.ip, "Origin": origin, "Referer": origin + "/", **(extra or {})}

    def _call(self, method, path, *, name, expect, tries=3, **kwargs):
        """One learner action, pressed again (up to `tries`) when it fails; the response, or None."""
        headers = self._headers(kwargs.pop("headers", None))
        data = kwargs.pop("data", None)
        if isinstance(data, dict | list):
            data = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(tries):
            with self.client.request(
                method, path, name=name, allow_redirects=False, catch_response=True, headers=headers, data=data, **kwargs
            ) as response:
                ok = expect(response)
                if ok:
                    response.success()
                    return response
                response.failure(f"{response.status_code} {(response.text or '')[:80]!r}")
            time.sleep(0.5 * (attempt + 1))
        return None

    def _csrf(self, response) -> str:
        found = CSRF_INPUT.search(response.text or "")
        return found.group(1) if found else ""

    def _pause(self):
        time.sleep(random.uniform(0.5, 2.0))

    @task
    def learn(self):
        index = next(ACCOUNTS)
        if index >= len(SETUP["learners"]):
            raise StopUser()
        email = SETUP["learners"][index]
        self.ip = f"10.{20 + index // 250}.{index % 250}.{1 + index % 7}"
        self.client.cookiejar.clear()
        ok200 = lambda r: r.status_code == 200  # noqa: E731
        redirect = lambda r: r.status_code == 302  # noqa: E731

        page = self._call("GET", "/akun/login/", name="login page", expect=ok200)
        if page is None:
            return
        if self._call("POST", "/akun/login/", name="login", expect=redirect,
                      data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": self._csrf(page)}) is None:
            return
        self._pause()
        course = self._call("GET", SETUP["course_url"], name="course page", expect=ok200)
        if course is None or self._call("POST", f"/belajar/kursus/{SETUP['course']}/daftar/", name="enroll", expect=redirect,
                                        data={"csrfmiddlewaretoken": self._csrf(course)}) is None:
            return
        for lesson in SETUP["lessons"]:
            self._pause()
            page = self._call("GET", lesson["url"], name="lesson page", expect=ok200)
            if page is None:
                return
            self._pause()
            if self._call("POST", f"/belajar/pelajaran/{lesson['id']}/selesai/", name="lesson done", expect=redirect,
                          data={"csrfmiddlewaretoken": self._csrf(page)}) is None:
                return
            record(kind="lesson", email=email, lesson=lesson["id"])
        self._pause()
        quiz = self._call("GET", f"/kuis/{SETUP['quiz']}/", name="quiz page", expect=ok200)
        if quiz is None:
            return
        started = self._call("POST", f"/kuis/{SETUP['quiz']}/mulai/", name="quiz start",
                             expect=lambda r: r.status_code == 302 and ATTEMPT_URL.search(r.headers.get("Location", "")),
                             data={"csrfmiddlewaretoken": self._csrf(quiz)})
        if started is None:
            return
        attempt = int(ATTEMPT_URL.search(started.headers["Location"]).group(1))
        page = self._call("GET", f"/kuis/percobaan/{attempt}/", name="attempt page", expect=ok200)
        if page is None:
            return
        token = self._csrf(page)
        questions: dict[str, list[str]] = {}
        for question, choice in CHOICE_INPUT.findall(page.text):
            questions.setdefault(question, []).append(choice)
        chosen: dict[str, int] = {}
        for question, choices in questions.items():
            self._pause()
            value = int(random.choice(choices))
            body = json.dumps({"answers": {question: [value]}})
            saved = self._call("POST", f"/kuis/percobaan/{attempt}/simpan/", name="autosave",
                               expect=lambda r: r.status_code == 200 and '"ok": true' in (r.text or ""),
                               data=body, headers={"Content-Type": "application/json", "X-CSRFToken": token})
            if saved is not None:
                chosen[question] = value
                record(kind="autosave", email=email, attempt=attempt, answers={question: [value]})
        if random.random() < ABANDON:
            record(kind="abandon", email=email, attempt=attempt)
            return  # the window closes: the scheduler grades the attempt at its deadline
        self._pause()
        # the page's form carries every choice as it stands, as a browser sends it
        form = [("csrfmiddlewaretoken", token), ("confirm", "1")] + [(f"q{q}", str(v)) for q, v in chosen.items()]
        submitted = self._call("POST", f"/kuis/percobaan/{attempt}/kirim/", name="submit",
                               expect=lambda r: r.status_code == 302 and "/hasil/" in r.headers.get("Location", ""),
                               data=form)
        if submitted is None:
            return
        record(kind="submit", email=email, attempt=attempt)
        self._call("GET", f"/kuis/percobaan/{attempt}/hasil/", name="result page", expect=ok200)
