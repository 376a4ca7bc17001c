"""The forms a page shows, read from its HTML as a browser would submit them: where each goes
(method and action), what it sends as shown (text and hidden inputs with their value, the
checked boxes, each select's selected option) and which of its fields take an id or a number
(a number input, or a value or option that is a whole number). So the hostile-input suite
probes every form the pages offer, without a list of forms to keep."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class PageForm:
    method: str
    action: str
    data: list[tuple[str, str]] = field(default_factory=list)
    numeric: set[str] = field(default_factory=set)


class _Reader(HTMLParser):
    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[PageForm] = []
        self.form: PageForm | None = None
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.form = PageForm(a.get("method", "get").upper(), urljoin(self.url, a.get("action", "")))
            self.forms.append(self.form)
        elif self.form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                pass
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.form.data.append((a["name"], a.get("value", "")))
            if kind == "number" or a.get("value", "").isdigit():
                self.form.numeric.add(a["name"])
        elif tag == "textarea" and a.get("name"):
            self.form.data.append((a["name"], ""))
        elif tag == "select" and a.get("name"):
            self.select, self.options = a["name"], []
        elif tag == "option" and self.select:
            value = a.get("value", "")
            self.options.append((value, "selected" in a))
            if value.isdigit():
                self.form.numeric.add(self.select)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select and self.form is not None:
            chosen = [value for value, selected in self.options if selected] or [v for v, _s in self.options[:1]]
            self.form.data.extend((self.select, value) for value in chosen)
            self.select = None


def page_forms(html: str, url: str) -> list[PageForm]:
    reader = _Reader(url)
    reader.feed(html)
    return reader.forms
