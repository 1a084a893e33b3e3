"""Staff lists marked `.table-stack` show each row as a card on a phone (390×844): every
value stands under its column's name, and nothing is reached by swiping the table sideways.
From a tablet's width on they are ordinary tables. The names come from the header row
(static/js/app.js, `stackTables`) unless a template gave a cell its own; the cards keep
their table roles for screen readers (Chrome's accessibility tree is read, not the HTML).

The pages are those of tests/security/expectations.py in the fixture world of
tests/security/world.py, as the project lead (who sees every sub-project's lists).
"""

import pytest
from playwright.sync_api import expect

from devtools import factories
from tests.security.world import build_world

from .forms_crawler import page_urls
from .helpers import axe_violations, log_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The lists shown as cards on a phone: before, each was wider than the screen and its last
# columns (often the status) were reached only by swiping the table.
STACKED = [
    "volunteering:placements",
    "volunteering:organisations",
    "volunteering:seminars",
    "volunteering:consultations",
    "volunteering:contingents",
    "mentoring:tandem_list",
    "mentoring:contact_list",
    "participation_check:home",
    "participation_check:report",
    "actionfund:call_ranking",
    "actionfund:call_ledger",
    "reporting:reach",
    "reporting:periods",
    "reporting:records",
    "qualification:coaching",
    "organisations:members",
    # An application's budget lines (the page, the scoring page, a partner's invitation):
    # the amount was the column cut off.
    "actionfund:application_detail",
    "privacy:people",
    # The registry: it was a table for wide screens and a second list of cards for phones,
    # every row rendered twice (a third of the page's HTML and time).
    "organisations:directory",
]

# For each stacked table: its column names (without screen-reader-only text), and for each
# body cell of one column its label as drawn (the ::before content), its display and role.
CELLS = """() => Array.from(document.querySelectorAll('table.table-stack')).map(table => {
    const names = Array.from(table.tHead ? table.tHead.rows[0].cells : []).map(th => {
        const copy = th.cloneNode(true);
        copy.querySelectorAll('.visually-hidden').forEach(e => e.remove());
        return copy.textContent.replace(/\\s+/g, ' ').trim();
    });
    const box = table.closest('.table-responsive');
    const rows = Array.from(table.tBodies).flatMap(b => Array.from(b.rows));
    return {
        names,
        scrolls: box ? box.scrollWidth > box.clientWidth + 1 : false,
        rowDisplay: rows.length ? getComputedStyle(rows[0]).display : null,
        cells: rows.flatMap(row => Array.from(row.cells).filter(c => c.colSpan === 1).map(
            (cell, column) => ({
                column,
                label: getComputedStyle(cell, '::before').content,
                role: cell.getAttribute('role'),
            }))),
    };
})"""


# Who opens the page: the project lead (every sub-project's lists), but the coaching log
# lists the sessions of the consultant who opens it, an organisation's members are managed
# by its admin, and the people with personal data by the portal's admin.
OPENED_BY = {
    "qualification:coaching": "consultant",
    "organisations:members": "admin_a",
    "privacy:people": "admin",
}


def _urls(world):
    """Each stacked page's (app, persona, url) as the crawl of every page has them, with a
    row in each list."""
    analysis = world.objects["published_analysis"]
    factories.ParticipationStructureFactory(analysis=analysis)
    factories.RecommendationFactory(analysis=analysis)
    factories.BudgetLineFactory(application=world.objects["af_review"])
    found = {}
    for name, app, persona, url in page_urls(world):
        if name in STACKED and persona == OPENED_BY.get(name, "lead"):
            found[name] = (app, persona, url)
    assert set(found) == set(STACKED), f"no fixture page for {set(STACKED) - set(found)}"
    return found


def _open(page, world, app, persona, url, signed_in_as):
    """Open `url` as the persona (each sub-project has its own lead); returns who that is."""
    user = world.persona(persona, app)
    if user != signed_in_as:
        page.context.clear_cookies()
        log_in_by_cookie(page, user)
    response = page.goto(url)
    assert response.status == 200, url
    return user


def test_staff_lists_are_cards_on_a_phone_and_tables_on_a_desktop(new_page):
    world = build_world()
    urls = _urls(world)
    phone, desktop = new_page(phone=True), new_page()
    phone_as = desktop_as = None
    problems = []
    for name, (app, persona, url) in urls.items():
        phone_as = _open(phone, world, app, persona, url, phone_as)
        tables = phone.evaluate(CELLS)
        assert tables, f"{name}: no stacked table"
        labelled = 0
        for table in tables:
            if table["scrolls"]:
                problems.append(f"{name}: the list still scrolls sideways on a phone")
            for cell in table["cells"]:
                name_of_column = table["names"][cell["column"]] if table["names"] else ""
                if cell["role"] != "cell" and cell["role"] != "rowheader":
                    problems.append(f"{name}: a cell without its role ({cell['role']})")
                if name_of_column:
                    labelled += 1
                    # Drawn as "Name: " with the alternative text "" (screen readers hear
                    # the column header instead).
                    if f'"{name_of_column}: "' not in cell["label"]:
                        problems.append(
                            f"{name}: column {name_of_column!r} is labelled {cell['label']}"
                        )
        if not labelled:
            problems.append(f"{name}: the fixture list has no row to look at")
        if phone.evaluate("() => document.scrollingElement.scrollWidth") > 390:
            problems.append(f"{name}: the page is wider than the phone")
        problems.extend(f"{name}: axe {v['id']}" for v in axe_violations(phone))

        desktop_as = _open(desktop, world, app, persona, url, desktop_as)
        for table in desktop.evaluate(CELLS):
            if table["rowDisplay"] not in (None, "table-row"):
                problems.append(f"{name}: rows on a desktop are {table['rowDisplay']}")
            if any(cell["label"] != "none" for cell in table["cells"]):
                problems.append(f"{name}: a desktop cell is labelled")
    assert not problems, "\n".join(problems)


def test_a_list_shown_as_cards_keeps_its_rows_and_cells_for_a_screen_reader(new_page):
    """Laid out as blocks, a table's parts lose their table semantics in some browsers
    (Safari, older Firefox); the roles app.js gives them keep the rows and cells. Checked in
    Chrome's accessibility tree: a table with its rows and cells, and the drawn column names
    are not read a second time."""
    world = build_world()
    app, persona, url = _urls(world)["volunteering:placements"]
    page = new_page(phone=True)
    _open(page, world, app, persona, url, None)
    first = page.locator("table.table-stack tbody tr").first
    expect(first).to_have_css("display", "block")
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    roles = [node.get("role", {}).get("value") for node in nodes]
    assert "table" in roles
    assert roles.count("row") >= 2  # the header row and at least one placement
    cells = [node for node in nodes if node.get("role", {}).get("value") == "cell"]
    assert cells
    # The drawn "Freiwillige*r: " is for the eye only: no cell's name starts with it.
    volunteer = page.locator("table.table-stack thead th").first.inner_text().strip()
    names = [str(node.get("name", {}).get("value", "")) for node in cells]
    assert not [n for n in names if n.startswith(f"{volunteer}:")], names
    assert first.get_attribute("role") == "row"
