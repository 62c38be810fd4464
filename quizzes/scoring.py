"""Grading as pure functions of an attempt's snapshot and answers: no database, no clock.

A question counts as right only when the chosen set equals the key exactly (multiple
choice is all-or-nothing, as learners are told on the start page).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

SINGLE_ANSWER_TYPES = {"single", "true_false"}
MULTIPLE_ANSWER_TYPE = "multiple"  # the only type that takes more than one choice


def choices_problem(*, question_type: str, correct: int, total: int) -> str | None:
    """Why a question's choices are not acceptable, or None."""
    if question_type == "true_false" and total != 2:
        return _("Soal benar/salah harus punya tepat 2 pilihan.")
    if total < 2:
        return _("Soal harus punya paling sedikit 2 pilihan.")
    if correct == 0:
        return _("Tandai paling sedikit satu pilihan yang benar.")
    if question_type in SINGLE_ANSWER_TYPES and correct != 1:
        return _("Soal pilihan tunggal dan benar/salah harus punya tepat satu pilihan benar.")
    return None


def question_key(question: dict) -> frozenset[int]:
    return frozenset(choice["id"] for choice in question["choices"] if choice["correct"])


def question_is_right(question: dict, chosen: list[int] | None) -> bool:
    return bool(chosen) and frozenset(chosen) == question_key(question)


def grade(snapshot: list[dict], answers: dict[str, list[int]]) -> tuple[dict[str, bool], int, Decimal]:
    """Per-question results, the number right and the score in percent (2 decimals)."""
    results = {str(q["id"]): question_is_right(q, answers.get(str(q["id"]))) for q in snapshot}
    right = sum(results.values())
    total = len(snapshot)
    score = (Decimal(100 * right) / Decimal(total)).quantize(Decimal("0.01"), ROUND_HALF_UP) if total else Decimal("0.00")
    return results, right, score


def has_passed(score: Decimal, pass_mark: int) -> bool:
    return score >= Decimal(pass_mark)


def answer_index(snapshot: list[dict]) -> dict[str, list]:
    """{"<question id>": [type, [choice ids]]}: all `answers_problem` needs, without the key."""
    return {str(q["id"]): [q["type"], [choice["id"] for choice in q["choices"]]] for q in snapshot}


def answers_problem(snapshot: list[dict], answers: dict) -> str | None:
    """Why submitted answers cannot be stored (all-or-nothing), or None.

    `answers` maps question ids (as strings) to lists of choice ids; an empty list clears."""
    return answers_problem_indexed(answer_index(snapshot), answers)


def choices_well_formed(chosen) -> bool:
    """A list of choice ids (integers; true/false are not ids)."""
    return isinstance(chosen, list) and all(isinstance(c, int) and not isinstance(c, bool) for c in chosen)


def answers_problem_indexed(index: dict[str, list], answers: dict) -> str | None:
    """`answers_problem` against an attempt's `answer_index` (the snapshot stays unloaded)."""
    for question_id, chosen in answers.items():
        entry = index.get(str(question_id))
        if entry is None:
            return _("Jawaban untuk soal yang tidak ada dalam percobaan ini ditolak.")
        if not choices_well_formed(chosen):
            return _("Format jawaban tidak sah.")
        question_type, valid = entry[0], set(entry[1])
        if any(c not in valid for c in chosen):
            return _("Pilihan jawaban tidak termasuk soal ini; tidak ada yang disimpan.")
        if question_type in SINGLE_ANSWER_TYPES and len(set(chosen)) > 1:
            return _("Soal ini hanya menerima satu jawaban.")
    return None


def item_statistics(attempts: list[tuple[Decimal, dict[str, bool]]]) -> dict[str, dict]:
    """Classical item analysis over graded attempts [(score, results)].

    facility = % of answers right; discrimination = facility in the top 27% of attempts by
    score minus facility in the bottom 27% (−1..1). Flags: negative discrimination,
    facility below 20% or above 95%.
    """
    if not attempts:
        return {}
    ordered = sorted(attempts, key=lambda item: item[0])
    group = max(1, round(len(ordered) * 0.27))
    low, high = ordered[:group], ordered[-group:]
    stats: dict[str, dict] = {}
    question_ids = {qid for _score, results in attempts for qid in results}
    for qid in question_ids:
        answered = [results[qid] for _score, results in attempts if qid in results]
        facility = 100 * sum(answered) / len(answered)

        def rate(rows, qid=qid):
            seen = [results[qid] for _score, results in rows if qid in results]
            return sum(seen) / len(seen) if seen else 0.0

        discrimination = rate(high) - rate(low) if len(attempts) >= 2 else None
        flags = []
        if discrimination is not None and discrimination < 0:
            flags.append(_("daya beda negatif"))
        if facility < 20:
            flags.append(_("terlalu sulit (< 20%)"))
        if facility > 95:
            flags.append(_("terlalu mudah (> 95%)"))
        stats[qid] = {
            "answers": len(answered),
            "facility": round(facility, 1),
            "discrimination": None if discrimination is None else round(discrimination, 2),
            "flags": flags,
        }
    return stats
