"""Item quality checks over a question bank: the giveaways a test-wise learner uses.

Pure functions over `BankItem`s (plain text, no database). Warnings, never errors: an
editor may keep an item after looking at it. Each warning names the question(s).

Checks (constants below, documented in the admin page's help text):

- **Kunci terpanjang** (bank level): the key is the strictly longest option in more than
  half (`KEY_LONGEST_SHARE`) of the bank's choice questions. "Pick the longest" then
  beats chance.
- **Panjang pilihan timpang** (per question): the longest option is more than
  `LENGTH_RATIO` (2.0) times as long as the shortest, counted in characters after
  trimming, and at least `LENGTH_MIN_DIFFERENCE` (15) characters longer, so that short
  options such as "Ya"/"Tidak" or amounts such as "Rp500.000"/"Rp1.000.000" pass.
- **Kata soal hanya di kunci** (per question): a content word of the stem appears in a key
  option and in no other option. Indonesian stop words (`STOP_WORDS`) and words shorter
  than 3 letters are ignored; numbers count (an amount or a period repeated from the
  stem is a giveaway too). Words are compared lower-case, with the enclitics -nya, -lah,
  -kah taken off.
- **Pertanyaan ganda** (per pair or group): stems equal after normalising (tags removed,
  lower-case, punctuation and repeated spaces removed).

True/false questions are left out of the option checks: their options are fixed.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

KEY_LONGEST_SHARE = 0.5
LENGTH_RATIO = 2.0
LENGTH_MIN_DIFFERENCE = 15

# Function words and quiz boilerplate that say nothing about the answer.
STOP_WORDS = frozenset(
    """
    ada adalah agar akan aku anda antara apa apabila apakah atas atau bagaimana bagaimanakah bagi bahwa baik
    banyak beberapa belum benar berapa berapakah berdasarkan berikut bila boleh bukan bukankah dalam dan dapat
    dari daripada demikian dengan di dia hal hanya harus hingga ia ialah ini itu jadi jika juga kalau kami
    kamu kapan karena ke kecuali kepada ketika kita lagi lain lebih maka mana manakah masih melalui mengapa menjadi
    menurut merupakan mereka misalnya namun oleh pada paling para perlu pernyataan pilihan saat saja salah
    sama sampai sangat satu saya se sebagai sebelum sebuah secara sedang sehingga sejak semua seorang seperti
    sering serta sesuai setelah setiap siapa siapakah soal suatu sudah supaya tanpa tentang tepat terhadap terkait termasuk
    tersebut tetapi tidak untuk waktu yaitu yakni yang
    """.split()
)

_WORD = re.compile(r"\w+", re.UNICODE)
_ENCLITIC = re.compile(r"(nya|lah|kah)$")


@dataclass(frozen=True)
class BankItem:
    """One question as the checks see it. `label` names it for the editor ("Soal #12",
    "Baris 7"); `options` are (text, is_key) in the order written."""

    label: str
    stem: str  # plain text or rich text; tags are removed
    type: str
    options: tuple[tuple[str, bool], ...]
    new: bool = False  # from an upload being previewed, not yet in the bank


@dataclass
class QualityWarning:
    code: str
    message: str
    items: list[BankItem] = field(default_factory=list)

    @property
    def involves_new(self) -> bool:
        return any(item.new for item in self.items)


def _plain(text: str) -> str:
    return " ".join(strip_tags(text or "").split())


def item_name(item: BankItem) -> str:
    """'Soal #12 “Apa yang dimaksud…”': how a warning names a question."""
    return _("%(label)s “%(stem)s”") % {"label": item.label, "stem": Truncator(_plain(item.stem)).chars(70)}


def stem_normalised(text: str) -> str:
    text = unicodedata.normalize("NFKC", _plain(text)).casefold()
    return " ".join(_WORD.findall(text))


def content_words(text: str) -> set[str]:
    words = set()
    for word in _WORD.findall(unicodedata.normalize("NFKC", _plain(text)).casefold()):
        if not word.isdigit():
            if len(word) > 5:
                word = _ENCLITIC.sub("", word)
            if len(word) < 3 or word in STOP_WORDS:
                continue
        words.add(word)
    return words


def _choice_items(items: list[BankItem]) -> list[BankItem]:
    return [item for item in items if item.type != "true_false" and len(item.options) >= 2]


def key_is_longest(item: BankItem) -> bool:
    lengths = [(len(text.strip()), is_key) for text, is_key in item.options]
    longest = max(length for length, _key in lengths)
    at_longest = [is_key for length, is_key in lengths if length == longest]
    return len(at_longest) == 1 and at_longest[0]


def length_imbalance(item: BankItem) -> tuple[int, int] | None:
    """(shortest, longest) in characters when the options differ too much, else None."""
    lengths = [len(text.strip()) for text, _key in item.options]
    shortest, longest = min(lengths), max(lengths)
    if longest - shortest >= LENGTH_MIN_DIFFERENCE and longest > LENGTH_RATIO * max(shortest, 1):
        return shortest, longest
    return None


def words_only_in_key(item: BankItem) -> list[str]:
    stem = content_words(item.stem)
    in_keys = set().union(*(content_words(text) for text, is_key in item.options if is_key))
    in_others = set().union(*(content_words(text) for text, is_key in item.options if not is_key))
    return sorted((stem & in_keys) - in_others)


def bank_warnings(items: list[BankItem]) -> list[QualityWarning]:
    """Every warning for one bank (usually one course's active questions), bank-level first."""
    warnings: list[QualityWarning] = []
    choice_items = _choice_items(items)
    longest = [item for item in choice_items if key_is_longest(item)]
    if choice_items and len(longest) > KEY_LONGEST_SHARE * len(choice_items):
        warnings.append(
            QualityWarning(
                "key_longest",
                _(
                    "Kunci adalah pilihan terpanjang pada %(n)s dari %(total)s soal pilihan (lebih dari separuh): "
                    "peserta bisa menebak dengan memilih jawaban terpanjang. Samakan panjang pilihan, atau "
                    "panjangkan pengecoh. Soal: %(names)s."
                )
                % {"n": len(longest), "total": len(choice_items), "names": "; ".join(item.label for item in longest)},
                longest,
            )
        )
    for item in choice_items:
        imbalance = length_imbalance(item)
        if imbalance:
            warnings.append(
                QualityWarning(
                    "length",
                    _(
                        "%(name)s: panjang pilihan sangat berbeda (terpendek %(short)s karakter, terpanjang %(long)s); "
                        "pilihan yang menonjol mudah ditebak."
                    )
                    % {"name": item_name(item), "short": imbalance[0], "long": imbalance[1]},
                    [item],
                )
            )
        words = words_only_in_key(item)
        if words:
            warnings.append(
                QualityWarning(
                    "stem_word",
                    _("%(name)s: kata dari pertanyaan hanya muncul di kunci (%(words)s); kunci mudah ditebak dari kata itu.")
                    % {"name": item_name(item), "words": ", ".join(f"“{w}”" for w in words)},
                    [item],
                )
            )
    groups: dict[str, list[BankItem]] = {}
    for item in items:
        normalised = stem_normalised(item.stem)
        if normalised:
            groups.setdefault(normalised, []).append(item)
    for group in groups.values():
        if len(group) > 1:
            warnings.append(
                QualityWarning(
                    "duplicate",
                    _("Pertanyaan ganda: %(names)s berbunyi sama. Hapus atau ubah salah satunya.")
                    % {"names": "; ".join(item_name(item) for item in group)},
                    group,
                )
            )
    return warnings


def question_bank_items(questions) -> list[BankItem]:
    """BankItems for Question objects (with `choices` prefetched)."""
    return [
        BankItem(
            label=_("Soal #%(id)s") % {"id": q.pk},
            stem=q.text,
            type=q.type,
            options=tuple((c.text, c.is_correct) for c in q.choices.all()),
        )
        for q in questions
    ]
