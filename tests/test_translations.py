"""The translation catalogues are complete in German and what is served is what was written.

German is the portal's default language, so every German entry must be translated and none
may be fuzzy (a guess by msgmerge that Django would silently ignore). Arabic and Turkish may
still have gaps (the English source shows then), but every catalogue's compiled .mo must be
exactly what msgfmt makes of its .po, so nobody ships an edit that was never compiled.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", ".git", "node_modules", "staticfiles", "private-media"}


def catalogues(language: str | None = None) -> list[Path]:
    found = []
    for po in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/django.po")):
        if SKIP.intersection(po.relative_to(ROOT).parts):
            continue
        if language is None or po.parent.parent.name == language:
            found.append(po)
    return found


def _unquote(line: str) -> str:
    text = line[line.index('"') + 1 : line.rindex('"')]
    return (
        text.replace("\\\\", "\0")
        .replace('\\"', '"')
        .replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\0", "\\")
    )


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list) and flags.

    A small reader of the gettext format, enough for catalogues written by makemessages
    (obsolete `#~` entries are skipped; the header entry, msgid "", is included).
    """
    entries = []
    entry = None
    key = None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#~"):
            continue
        if not line:
            finish()
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if isinstance(key, int):
                entry["msgstr"][key] += _unquote(line)
            else:
                entry[key] += _unquote(line)
        else:
            keyword = line.split(" ", 1)[0]
            if keyword.startswith("msgstr["):
                key = int(keyword[7:-1])
                entry["msgstr"][key] = _unquote(line)
            elif keyword == "msgstr":
                key = 0
                entry["msgstr"][0] = _unquote(line)
            else:
                if "msgstr" in entry and entry["msgstr"] and keyword in ("msgctxt", "msgid"):
                    # A new entry without a blank line before it.
                    finish()
                    entry = {"flags": set(), "msgstr": {}}
                key = keyword
                entry[key] = _unquote(line)
    finish()
    for item in entries:
        item["msgstr"] = [item["msgstr"][n] for n in sorted(item["msgstr"])]
    return entries


def label(entry: dict) -> str:
    context = f"[{entry['msgctxt']}] " if "msgctxt" in entry else ""
    return context + entry["msgid"][:70]


GERMAN = catalogues("de")


def test_there_is_a_german_catalogue_for_the_portal_and_each_app():
    places = {po.relative_to(ROOT).parts[0] for po in GERMAN}
    assert {"locale", "organisations", "actionfund", "qualification"} <= places, places


@pytest.mark.parametrize("po", GERMAN, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_german_string_is_translated_and_none_is_fuzzy(po):
    entries = [e for e in parse_po(po) if e["msgid"]]
    assert entries, f"{po} has no entries"
    untranslated = [label(e) for e in entries if not all(e["msgstr"])]
    fuzzy = [label(e) for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"{po}: {len(untranslated)} untranslated:\n" + "\n".join(untranslated)
    assert not fuzzy, f"{po}: {len(fuzzy)} fuzzy:\n" + "\n".join(fuzzy)


def test_the_reader_sees_what_msgattrib_sees():
    """The little parser above agrees with GNU gettext's own count of open entries."""
    if not shutil.which("msgattrib"):
        pytest.skip("GNU gettext is not installed")
    for po in catalogues():
        mine = sum(1 for e in parse_po(po) if e["msgid"] and not all(e["msgstr"]))
        output = subprocess.run(
            ["msgattrib", "--untranslated", "--no-obsolete", str(po)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        theirs = max(output.count("\nmsgid ") + output.startswith("msgid ") - 1, 0)
        assert mine == theirs, f"{po}: parser {mine}, msgattrib {theirs}"


@pytest.mark.parametrize("po", catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_matches_its_source(po, tmp_path):
    if not shutil.which("msgfmt"):
        pytest.skip("GNU gettext is not installed")
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing (run scripts/messages.sh)"
    fresh = tmp_path / "django.mo"
    # --check-format: a translation must keep every %(name)s placeholder of its source.
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
    assert fresh.read_bytes() == mo.read_bytes(), f"{mo} is stale (run scripts/messages.sh)"


@pytest.mark.parametrize("language", ["ar", "tr"])
def test_arabic_and_turkish_have_catalogues_with_the_right_plural_rules(language):
    found = catalogues(language)
    assert found, f"no {language} catalogues"
    nplurals = {"ar": 6, "tr": 2}[language]
    for po in found:
        header = parse_po(po)[0]
        assert header["msgid"] == ""
        assert f"Plural-Forms: nplurals={nplurals};" in header["msgstr"][0], po
        # A fuzzy header is left out by msgfmt, and with it the plural rule.
        assert "fuzzy" not in header["flags"], po
        assert f"Language: {language}\n" in header["msgstr"][0], po
        for entry in parse_po(po)[1:]:
            if "msgid_plural" in entry and any(entry["msgstr"]):
                assert len(entry["msgstr"]) == nplurals, (po, label(entry))


def test_arabic_counts_use_their_own_plural_forms():
    with translation.override("ar"):
        three = translation.ngettext("%(shown)s application", "%(shown)s applications", 3)
        eleven = translation.ngettext("%(shown)s application", "%(shown)s applications", 11)
    assert three % {"shown": 3} == "3 طلبات"
    assert eleven % {"shown": 11} == "11 طلبًا"


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # The portal's own strings on the applicant's way.
        ("ar", "Sign in", "تسجيل الدخول"),
        ("tr", "Sign in", "Giriş yap"),
        ("ar", "My applications", "طلباتي"),
        ("tr", "My applications", "Başvurularım"),
        # allauth's own catalogues cover its forms.
        ("ar", "Forgot your password?", None),
        ("tr", "Forgot your password?", None),
    ],
)
def test_the_applicant_journey_reads_in_arabic_and_turkish(language, text, expected):
    with translation.override(language):
        shown = str(translation.gettext(text))
    if expected is None:
        assert shown != text, f"{text!r} is not translated in {language}"
    else:
        assert shown == expected


@pytest.mark.parametrize("language", ["ar", "tr"])
def test_application_status_names_are_translated(language):
    from actionfund.models import Status

    with translation.override("en"):
        english = {status.value: str(status.label) for status in Status}
    with translation.override(language):
        shown = {status.value: str(status.label) for status in Status}
    untranslated = [value for value in english if shown[value] == english[value]]
    assert not untranslated, untranslated
