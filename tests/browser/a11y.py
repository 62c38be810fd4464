"""Accessibility and phone-width checks that every browser journey can call on each page.

axe-core (vendored by axe-playwright-python, no network) runs on the page as it is; any
violation of any impact fails the test, with the rule, impact and the first offending nodes.
"""

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()

PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


# Wagtail's own admin chrome whose contrast axe cannot compute, looked at by eye at 360 and
# 1280 px (screenshots in test-artifacts/): dark text on white in every case.
REVIEWED_CONTRAST = (
    # the sidebar's menu labels: white text with a text shadow on Wagtail's dark sidebar
    lambda node: "menuitem-label" in node["html"],
    # form selects: black text on white; the arrow is drawn with a background gradient
    lambda node: node["html"].startswith("<select"),
    # positional, not colour: on a phone Wagtail's fixed header bar overlaps part of the page
    # while axe looks; the same elements are measured unobstructed at 1280 px, where they pass
    lambda node: any(word in str(node.get("any")) for word in ("obscured", "overlapped")),
)


def _reviewed(node) -> bool:
    return any(check(node) for check in REVIEWED_CONTRAST)


def axe_violations(page) -> list[str]:
    results = _axe.run(page)
    found = []
    # colour contrast axe could not decide (text over a gradient, under a sticky header...) is
    # checked too: each such node fails unless it is one of Wagtail's own that we have looked at
    for item in results.response.get("incomplete", []):
        if item["id"] != "color-contrast":
            continue
        for node in item["nodes"]:
            if _reviewed(node):
                continue
            message = (node.get("any") or [{}])[0].get("message", "")
            found.append(f"color-contrast (incomplete): {' '.join(node['target'])} — {node['html'][:120]} — {message[:160]}")
    for violation in results.response["violations"]:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        first = violation["nodes"][0]
        detail = (first.get("failureSummary") or "").replace("\n", " ")[:300]
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets} — {first['html'][:160]} — {detail}")
    return found


def body_overflow(page) -> int:
    """How many CSS pixels the page scrolls sideways (0 when nothing sticks out)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def check_page(page, label: str, report: dict | None = None) -> None:
    """axe at 360 px and 1280 px, and no sideways scroll of the whole page on a phone.
    Restores the viewport it found. `report` (optional) collects the figures per page."""
    original = page.viewport_size
    problems = []
    # axe measures colours as they are at that instant: let fades and slide-ins finish first
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
    for name, size in (("360", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        page.wait_for_timeout(50)
        violations = axe_violations(page)
        problems += [f"[{name} px] {v}" for v in violations]
        if name == "360":
            if any(v.startswith("scrollable-region-focusable") for v in violations):
                metrics = page.evaluate("() => { const m = document.querySelector('main'); return [m.scrollWidth, m.clientWidth, m.scrollHeight, m.clientHeight]; }")
                problems.append(f"[360 px] main scroll/client width, height {metrics}; wider than the screen: " + "; ".join(_too_wide(page)))
            overflow = body_overflow(page)
            if overflow > 0:
                problems.append(f"[360 px] the page scrolls sideways by {overflow} px")
        if report is not None:
            report.setdefault(label, {})[name] = len(violations)
    page.set_viewport_size(original)
    assert not problems, f"{label} ({page.url}):\n" + "\n".join(problems)


def _too_wide(page) -> list[str]:
    """The innermost elements that stick out to the right of the screen (for the message)."""
    return page.evaluate(
        """() => { const edge = Math.min(window.innerWidth, document.querySelector('main').getBoundingClientRect().right);
            return [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > edge + 1 && ![...e.children].some(
                c => c.getBoundingClientRect().right > edge + 1))
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className + ' ' +
                Math.round(e.getBoundingClientRect().right) + 'px: ' + (e.textContent || '').trim().slice(0, 60)); }"""
    )
