import pytest

from tests.security.world import build_world

from .forms_crawler import crawl


@pytest.mark.django_db
def test_print():
    w = build_world()
    forms = crawl(w)
    with open("/tmp/crawl/out.txt", "w") as out:
        for k, f in sorted(forms.items()):
            if f.action in ("account_logout", "set_language"):
                continue
            kind = "T" if f.typed_fields else "B"
            out.write(f'{kind}\t"{k}": ("{f.persona}", {f.index}),\t{len(f.named_submitters)}\n')
