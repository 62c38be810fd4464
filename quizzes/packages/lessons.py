"""A lesson file (front matter + Markdown with `:::` directives) to lesson blocks and back.

Blocks here are the package's own form of a LessonPage body: `(block_type, value)` pairs
whose rich text is sanitised Wagtail HTML and whose media are package paths
(`media/x.png`). The loader swaps paths for images and documents; the exporter swaps them
back. `lesson_to_markdown(lesson_from_markdown(text))` is the identity on what the exporter
writes, which is what makes export → import → export byte-identical.
"""

import difflib
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3
import yaml
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from .errors import Problem

LEGAL_TITLE = "Dasar hukum dan sumber"
KEY_POINTS_TITLE = "Poin penting"
CALLOUTS = {"info": "info", "peringatan": "warning", "dasar-hukum": "legal"}
CALLOUT_DIRECTIVES = {value: key for key, value in CALLOUTS.items()}
DIRECTIVES = [*CALLOUTS, "kasus", "poin-penting", "cek-diri", "gambar", "unduh", "video", "kontak"]
CONTACTS = {"upg", "pengaduan"}

ALLOWED_TAGS = {"p", "b", "i", "a", "ul", "ol", "li", "h3", "h4", "blockquote", "br"}
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?\s*>|<!--|<\?")
_OPEN = re.compile(r"^:::([A-Za-z][\w-]*)?\s*(.*?)\s*$")
_CLOSE = re.compile(r"^:::\s*$")
_LESSON_FILE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    # Images, code and horizontal rules have no lesson block of their own: directives do that.
    md.disable(["image", "code", "fence", "backticks", "hr", "lheading", "html_block", "html_inline"])
    return md


MD = _markdown()


@dataclass
class Lesson:
    filename: str
    slug: str
    title: str
    blocks: list = field(default_factory=list)

    def media_paths(self) -> list[str]:
        paths = []
        for block_type, value in self.blocks:
            key = {"image": "image", "download": "document", "video": "video"}.get(block_type)
            if key:
                paths.append(value[key])
        return paths


def lesson_slug(filename: str) -> str | None:
    match = _LESSON_FILE.match(filename)
    return match.group(2) if match else None


# --- Markdown → blocks ---------------------------------------------------------------------------


def sanitize(rendered: str) -> str:
    """markdown-it HTML → the HTML Wagtail's rich text stores (b/i, no newlines), cleaned by nh3."""
    rendered = (
        rendered.replace("<strong>", "<b>").replace("</strong>", "</b>").replace("<em>", "<i>").replace("</em>", "</i>")
    )
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}, "ol": {"start"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )
    cleaned = re.sub(r"\n(?=<)|(?<=>)\n", "", cleaned)
    return cleaned.replace("\n", " ").strip()


class _Reader:
    def __init__(self, path: str, media: set[str]):
        self.path = path
        self.media = media
        self.problems: list[Problem] = []

    def error(self, line: int | None, message: str):
        self.problems.append(Problem(self.path, line, message))

    # rich text -------------------------------------------------------------------------
    def rich(self, lines: list[tuple[int, str]], *, top_level: bool) -> list:
        """Markdown lines → blocks: headings (top level only) and rich-text paragraphs."""
        if not lines:
            return []
        first = lines[0][0]
        text = "\n".join(line for _n, line in lines)
        tokens = MD.parse(text)
        blocks, group = [], []

        def flush():
            if group:
                body = sanitize(MD.renderer.render(group, MD.options, {}))
                if body:
                    blocks.append(("paragraph", body))
                group.clear()

        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.type == "heading_open" and token.level == 0:
                line = first + (token.map[0] if token.map else 0)
                level = int(token.tag[1])
                allowed = {2, 3} if top_level else {3, 4}
                if level not in allowed:
                    self.error(
                        line,
                        _("Judul tingkat %(level)s tidak dipakai di sini; gunakan %(allowed)s.")
                        % {"level": "#" * level, "allowed": " atau ".join("#" * n for n in sorted(allowed))},
                    )
                if top_level:
                    flush()
                    content = tokens[i + 1].content.strip()
                    blocks.append(("heading", {"text": content, "level": token.tag}))
                    i += 3
                    continue
            group.append(token)
            i += 1
        flush()
        return blocks

    def rich_html(self, lines: list[tuple[int, str]], line: int, what: str) -> str:
        blocks = self.rich(lines, top_level=False)
        body = "".join(value for _t, value in blocks)
        if not body:
            self.error(line, _("%(what)s kosong.") % {"what": what})
        return body

    # directives ------------------------------------------------------------------------
    def media_path(self, line: int, value: str) -> str:
        value = value.strip()
        if not value:
            self.error(line, _("Sebutkan berkasnya, misalnya media/gambar.png."))
        elif not value.startswith("media/") or ".." in value.split("/") or "\\" in value:
            self.error(line, _("Berkas “%(path)s” harus berada di folder media/ paket.") % {"path": value})
        elif value not in self.media:
            self.error(line, _("Berkas “%(path)s” tidak ada dalam paket.") % {"path": value})
        return value

    def fields(self, body, allowed: dict[str, str], line: int) -> tuple[dict, list]:
        """`name: value` lines at the top of a body; returns them and the lines after a blank line."""
        values, rest = {}, []
        for index, (number, text) in enumerate(body):
            if not text.strip():
                rest = body[index + 1 :]
                break
            name, sep, value = text.partition(":")
            name = name.strip().lower()
            if not sep or name not in allowed:
                self.error(
                    number,
                    _("Baris “%(text)s” tidak dikenal; yang boleh: %(names)s.")
                    % {"text": text.strip(), "names": ", ".join(f"{n}:" for n in allowed)},
                )
                continue
            values[allowed[name]] = value.strip()
        return values, rest

    def directive(self, name: str, args: str, line: int, body: list[tuple[int, str]]):
        if name in CALLOUTS:
            kind = CALLOUTS[name]
            title = args or (LEGAL_TITLE if kind == "legal" else "")
            return ("callout", {"kind": kind, "title": title, "body": self.rich_html(body, line, _("Isi kotak"))})
        if name == "kasus":
            if not args:
                self.error(line, _("Studi kasus perlu judul: :::kasus Judul kasus"))
            separator = next((i for i, (_n, text) in enumerate(body) if text.strip() == "---"), None)
            if separator is None:
                self.error(line, _("Studi kasus perlu baris --- sebelum pembahasan."))
                return None
            before, after = body[:separator], body[separator + 1 :]
            question = ""
            asks = [i for i, (_n, text) in enumerate(before) if text.startswith("??")]
            if len(asks) > 1:
                self.error(before[asks[1]][0], _("Studi kasus hanya boleh memuat satu baris ??."))
            if asks:
                question = before[asks[0]][1][2:].strip()
                if any(text.strip() for _n, text in before[asks[0] + 1 :]):
                    self.error(before[asks[0]][0], _("Baris ?? harus tepat sebelum baris ---."))
                before = before[: asks[0]]
            return (
                "case_study",
                {
                    "title": args,
                    "scenario": self.rich_html(before, line, _("Skenario kasus")),
                    "question": question,
                    "discussion": self.rich_html(after, line, _("Pembahasan kasus")),
                },
            )
        if name == "poin-penting":
            points = []
            for number, text in body:
                if not text.strip():
                    continue
                if not text.startswith("- "):
                    self.error(number, _("Setiap poin penting ditulis sebagai baris “- poin”."))
                    continue
                point = text[2:].strip()
                if len(point) > 300:
                    self.error(number, _("Poin penting paling banyak 300 karakter (ini %(n)s).") % {"n": len(point)})
                points.append(point)
            if not points:
                self.error(line, _("Poin penting kosong."))
            return ("key_points", {"title": args or KEY_POINTS_TITLE, "points": points})
        if name == "cek-diri":
            if args:
                self.error(line, _(":::cek-diri tidak memakai judul."))
            items, pending = [], None
            for number, text in body:
                if not text.strip():
                    continue
                if text.startswith("? "):
                    if pending:
                        self.error(pending[0], _("Pertanyaan cek diri tanpa jawaban (baris “= …”)."))
                    pending = (number, text[2:].strip())
                elif text.startswith("= "):
                    if not pending:
                        self.error(number, _("Jawaban cek diri tanpa pertanyaan (baris “? …”) di atasnya."))
                        continue
                    items.append({"question": pending[1], "answer": text[2:].strip()})
                    pending = None
                else:
                    self.error(number, _("Cek diri berisi pasangan baris “? pertanyaan” dan “= jawaban”."))
            if pending:
                self.error(pending[0], _("Pertanyaan cek diri tanpa jawaban (baris “= …”)."))
            if not items:
                self.error(line, _("Cek diri kosong."))
            for item in items:
                if len(item["question"]) > 300:
                    self.error(line, _("Pertanyaan cek diri paling banyak 300 karakter."))
            return ("self_check", {"items": items})
        if name == "gambar":
            path = self.media_path(line, args)
            values, rest = self.fields(body, {"alt": "alt_text", "keterangan": "caption"}, line)
            self._no_rest(rest)
            if not values.get("alt_text"):
                self.error(line, _("Gambar perlu baris “alt: teks alternatif”."))
            return ("image", {"image": path, "alt_text": values.get("alt_text", ""), "caption": values.get("caption", "")})
        if name == "unduh":
            path = self.media_path(line, args)
            values, rest = self.fields(body, {"judul": "title", "keterangan": "description"}, line)
            self._no_rest(rest)
            if not values.get("title"):
                self.error(line, _("Unduhan perlu baris “judul: …”."))
            return ("download", {"document": path, "title": values.get("title", ""), "description": values.get("description", "")})
        if name == "video":
            path = self.media_path(line, args)
            values, rest = self.fields(body, {"judul": "title", "durasi": "duration_minutes"}, line)
            if not values.get("title"):
                self.error(line, _("Video perlu baris “judul: …”."))
            duration = values.get("duration_minutes", "")
            if not duration.isdigit() or not 1 <= int(duration) <= 600:
                self.error(line, _("Video perlu baris “durasi: N” (menit, bilangan bulat 1–600)."))
                duration = "0"
            transcript = "\n".join(text for _n, text in rest).strip()
            return (
                "video",
                {"video": path, "title": values.get("title", ""), "duration_minutes": int(duration), "transcript": transcript},
            )
        if name == "kontak":
            if args not in CONTACTS:
                self.error(line, _("Tulis :::kontak upg atau :::kontak pengaduan."))
            lines = [text.strip() for _n, text in body if text.strip()]
            if len(lines) > 1:
                self.error(body[0][0], _("Kontak hanya memuat satu baris pengantar (opsional)."))
            return ("local_contact", {"kind": args, "intro": lines[0] if lines else ""})
        return None

    def _no_rest(self, rest):
        for number, text in rest:
            if text.strip():
                self.error(number, _("Baris ini tidak dikenal di dalam blok."))


def lesson_from_markdown(*, path: str, text: str, media: set[str]) -> tuple[Lesson | None, list[Problem]]:
    """Parse one lesson file. Returns the lesson (None when unusable) and the problems found."""
    reader = _Reader(path, media)
    filename = path.rsplit("/", 1)[-1]
    slug = lesson_slug(filename)
    if slug is None:
        reader.error(None, _("Nama berkas pelajaran harus NN-slug.md, misalnya 01-apa-itu-gratifikasi.md."))
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if _TAG.search(line):
            reader.error(number, _("HTML tidak diizinkan dalam pelajaran (ditemukan “%(tag)s”). Tulis dengan Markdown.") % {"tag": _TAG.search(line).group(0)[:40]})
    if not lines or lines[0].strip() != "---":
        reader.error(1, _("Pelajaran harus diawali front matter: baris ---, title: …, lalu ---."))
        return None, reader.problems
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        reader.error(1, _("Front matter tidak ditutup dengan baris ---."))
        return None, reader.problems
    title = ""
    try:
        front = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reader.error((mark.line + 2) if mark else 2, _("Front matter bukan YAML yang sah: %(error)s") % {"error": getattr(exc, "problem", exc)})
        front = {}
    if not isinstance(front, dict):
        reader.error(2, _("Front matter harus berisi pasangan kunci: nilai."))
        front = {}
    for key in front:
        if key != "title":
            reader.error(2, _("Kunci front matter “%(key)s” tidak dikenal; yang ada hanya title.") % {"key": key})
    title = front.get("title")
    if not isinstance(title, str) or not title.strip():
        reader.error(2, _("Front matter perlu title: judul pelajaran."))
        title = ""
    elif len(title) > 255:
        reader.error(2, _("Judul pelajaran paling banyak 255 karakter."))

    blocks, chunk, directive = [], [], None
    for index in range(end + 1, len(lines)):
        number, line = index + 1, lines[index]
        if directive is not None:
            if _CLOSE.match(line):
                name, args, start, body = directive
                block = reader.directive(name, args, start, body)
                if block:
                    blocks.append(block)
                directive = None
            elif _OPEN.match(line) and line.startswith(":::") and line.strip() != ":::":
                reader.error(number, _("Blok ::: tidak boleh bersarang; tutup dulu blok di baris %(line)s dengan :::.") % {"line": directive[2]})
            else:
                directive[3].append((number, line))
            continue
        if line.startswith(":::"):
            match = _OPEN.match(line)
            name = (match.group(1) or "") if match else ""
            if _CLOSE.match(line):
                reader.error(number, _("Penutup ::: tanpa blok yang dibuka."))
                continue
            if name not in DIRECTIVES:
                close = difflib.get_close_matches(name, DIRECTIVES, n=1)
                hint = (_(" Maksud Anda :::%(name)s?") % {"name": close[0]}) if close else ""
                reader.error(
                    number,
                    _("Blok “:::%(name)s” tidak dikenal.") % {"name": name}
                    + hint
                    + " "
                    + _("Yang ada: %(names)s.") % {"names": ", ".join(DIRECTIVES)},
                )
                name = "?"
            blocks.extend(reader.rich(chunk, top_level=True))
            chunk = []
            directive = (name, match.group(2) if match else "", number, [])
            continue
        chunk.append((number, line))
    if directive is not None:
        reader.error(directive[2], _("Blok :::%(name)s tidak ditutup dengan baris :::.") % {"name": directive[0]})
    blocks.extend(reader.rich(chunk, top_level=True))
    if not blocks:
        reader.error(end + 2, _("Pelajaran tidak berisi apa pun."))
    if reader.problems:
        return None, reader.problems
    return Lesson(filename=filename, slug=slug or "", title=title.strip(), blocks=blocks), []


# --- blocks → Markdown -----------------------------------------------------------------------------


class _Node:
    def __init__(self, tag, attrs=None):
        self.tag, self.attrs, self.children = tag, dict(attrs or {}), []


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in ("br", "img", "hr"):
            self.stack.append(node)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


_ESCAPE = re.compile(r"([\\`*_\[\]])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])(?=\s|$)")


def _escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


def _inline(node) -> str:
    out = []
    for child in node.children:
        if isinstance(child, str):
            out.append(_escape(re.sub(r"\s+", " ", child)))
            continue
        inner = _inline(child)
        if child.tag in ("b", "strong", "i", "em"):
            mark = "**" if child.tag in ("b", "strong") else "*"
            stripped = inner.strip()
            if not stripped:
                out.append(inner)
                continue
            lead = inner[: len(inner) - len(inner.lstrip())]
            trail = inner[len(inner.rstrip()) :]
            out.append(f"{lead}{mark}{stripped}{mark}{trail}")
        elif child.tag == "a":
            href = child.attrs.get("href") or ""
            out.append(f"[{inner}](<{href}>)" if " " in href else f"[{inner}]({href})") if href else out.append(inner)
        elif child.tag == "br":
            out.append("\\\n")
        else:
            out.append(inner)
    return "".join(out)


def _line_safe(text: str) -> str:
    return "\n".join(_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line) for line in text.split("\n"))


def _blocks_md(node, indent: str = "") -> list[str]:
    """Block-level HTML → Markdown paragraphs (each a string, joined by blank lines)."""
    parts: list[str] = []
    loose = []
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                loose.append(child)
            continue
        if child.tag in ("b", "i", "a", "br", "strong", "em"):
            loose.append(child)
            continue
        if loose:
            holder = _Node("p")
            holder.children = loose
            parts.append(_line_safe(_inline(holder).strip()))
            loose = []
        if child.tag == "p":
            text = _line_safe(_inline(child).strip())
            if text:
                parts.append(text)
        elif child.tag in ("h3", "h4"):
            parts.append("#" * int(child.tag[1]) + " " + _inline(child).strip())
        elif child.tag in ("ul", "ol"):
            items = []
            number = int(child.attrs.get("start") or 1)
            for item in child.children:
                if isinstance(item, str) or item.tag != "li":
                    continue
                marker = f"{number}. " if child.tag == "ol" else "- "
                number += 1
                inner = _blocks_md(item)
                first = inner[0] if inner else ""
                pad = " " * len(marker)
                lines = [marker + first.replace("\n", "\n" + pad)]
                for extra in inner[1:]:
                    lines.append(pad + extra.replace("\n", "\n" + pad))
                items.append("\n".join(lines))
            parts.append("\n".join(items))
        elif child.tag == "blockquote":
            inner = "\n\n".join(_blocks_md(child))
            parts.append("\n".join(("> " + line) if line else ">" for line in inner.split("\n")))
        else:
            text = _line_safe(_inline(child).strip())
            if text:
                parts.append(text)
    if loose:
        holder = _Node("p")
        holder.children = loose
        parts.append(_line_safe(_inline(holder).strip()))
    return parts


def html_to_markdown(value: str) -> str:
    tree = _Tree()
    tree.feed(value or "")
    tree.close()
    return "\n\n".join(part for part in _blocks_md(tree.root) if part)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def lesson_to_markdown(lesson: Lesson) -> str:
    out = ["---", yaml.safe_dump({"title": lesson.title}, allow_unicode=True, width=10_000).strip(), "---", ""]
    for block_type, value in lesson.blocks:
        if block_type == "heading":
            out.append(("## " if value["level"] == "h2" else "### ") + _one_line(value["text"]))
        elif block_type == "paragraph":
            out.append(html_to_markdown(value))
        elif block_type == "callout":
            name = CALLOUT_DIRECTIVES[value["kind"]]
            title = _one_line(value.get("title"))
            if value["kind"] == "legal" and title == LEGAL_TITLE:
                title = ""
            out.append(f":::{name} {title}".rstrip() + "\n" + html_to_markdown(value["body"]) + "\n:::")
        elif block_type == "case_study":
            parts = [f":::kasus {_one_line(value['title'])}", html_to_markdown(value["scenario"])]
            if value.get("question"):
                parts.append("?? " + _one_line(value["question"]))
            parts += ["---", html_to_markdown(value["discussion"]), ":::"]
            out.append("\n".join(parts))
        elif block_type == "key_points":
            title = _one_line(value.get("title"))
            head = ":::poin-penting" + ("" if title == KEY_POINTS_TITLE else f" {title}")
            out.append("\n".join([head, *(f"- {_one_line(p)}" for p in value["points"]), ":::"]))
        elif block_type == "self_check":
            lines = [":::cek-diri"]
            for item in value["items"]:
                lines += [f"? {_one_line(item['question'])}", f"= {_one_line(item['answer'])}"]
            out.append("\n".join([*lines, ":::"]))
        elif block_type == "image":
            lines = [f":::gambar {value['image']}", f"alt: {_one_line(value['alt_text'])}"]
            if value.get("caption"):
                lines.append(f"keterangan: {_one_line(value['caption'])}")
            out.append("\n".join([*lines, ":::"]))
        elif block_type == "download":
            lines = [f":::unduh {value['document']}", f"judul: {_one_line(value['title'])}"]
            if value.get("description"):
                lines.append(f"keterangan: {_one_line(value['description'])}")
            out.append("\n".join([*lines, ":::"]))
        elif block_type == "video":
            lines = [f":::video {value['video']}", f"judul: {_one_line(value['title'])}", f"durasi: {value['duration_minutes']}"]
            transcript = "\n".join(line.rstrip() for line in (value.get("transcript") or "").strip().split("\n"))
            if transcript:
                lines += ["", transcript]
            out.append("\n".join([*lines, ":::"]))
        elif block_type == "local_contact":
            lines = [f":::kontak {value['kind']}"]
            if value.get("intro"):
                lines.append(_one_line(value["intro"]))
            out.append("\n".join([*lines, ":::"]))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def plain_text(value: str) -> str:
    """Rich text → words only, for counting."""
    return html.unescape(re.sub(r"<[^>]+>", " ", value or ""))
