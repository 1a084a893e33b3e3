#!/usr/bin/env python
"""Take screenshots of the key pages for the README and for review.

Runs the portal on 127.0.0.1 (a free port) against a throw-away SQLite database with the
fictional demo data, signs in as the demo personas through the real login form, and saves
PNGs into docs/screenshots/ (1280 px wide desktop, 390 px wide phone).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only NAME ...]

Needs Debian's chromium (/usr/bin/chromium); no browser is ever downloaded.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import hmac
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "ikmo-demo-2026"  # printed by `manage.py seed_demo`, fictional accounts only
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def totp(secret: str, period: int = 30, digits: int = 6) -> str:
    """The current RFC 6238 code, as an authenticator app shows it."""
    while time.time() % period > period - 2:  # too close to the next window
        time.sleep(0.2)
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // period), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


@contextlib.contextmanager
def portal(workdir: Path):
    """Migrate, seed and serve a private copy of the portal; stop it afterwards."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ikmo.settings.local",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(workdir / "media"),
        "REDIS_URL": "",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "seed_demo")
    port = free_port()
    log = open(workdir / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the portal did not start; see {workdir / 'server.log'}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def shrink(path: Path) -> None:
    """A 256-colour palette keeps UI screenshots sharp at a fraction of the size."""
    from PIL import Image  # Pillow comes with WeasyPrint

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    small.save(path, optimize=True)


class Shooter:
    def __init__(self, browser: Browser, base: str, out: Path, only: set[str]):
        self.browser, self.base, self.out, self.only = browser, base, out, only
        self.taken: list[Path] = []

    def page(self, *, email: str | None = None, language: str = "de", phone: bool = False) -> Page:
        context = self.browser.new_context(
            viewport=PHONE if phone else DESKTOP,
            device_scale_factor=1,
            locale=language,
            is_mobile=phone,
            has_touch=phone,
        )
        context.add_cookies([{"name": "django_language", "value": language, "url": self.base}])
        page = context.new_page()
        if email:
            page.goto(f"{self.base}/accounts/login/")
            page.fill("input[name=login]", email)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("form.allauth-form-login button[type=submit]")
            page.wait_for_url(lambda url: "/accounts/login" not in url)
        return page

    def shot(self, name: str, page: Page, *, full_page: bool = True) -> None:
        if self.only and name not in self.only:
            return
        page.wait_for_load_state("networkidle")
        path = self.out / f"{name}.png"
        # The settled page: no blinking caret, no running transitions.
        page.screenshot(path=str(path), full_page=full_page, caret="hide", animations="disabled")
        shrink(path)
        self.taken.append(path)
        print(f"  {path.relative_to(ROOT)}")


def scenes(s: Shooter) -> list[tuple[str, Callable[[], None]]]:
    base = s.base

    def public():
        page = s.page()
        page.goto(f"{base}/")
        s.shot("home-public", page)
        page.goto(f"{base}/accounts/login/")
        s.shot("login", page)
        page.fill("input[name=login]", "mo-a@ikmo.example")
        page.fill("input[name=password]", "wrong password")
        page.click("form.allauth-form-login button[type=submit]")
        page.wait_for_selector("[data-error-summary]")
        s.shot("login-error", page)
        page.goto(f"{base}/accounts/signup/")
        s.shot("signup", page)
        page.goto(f"{base}/accounts/password/reset/")
        s.shot("password-reset", page)
        page.fill("input[name=email]", "mo-a@ikmo.example")
        page.click("main form button[type=submit]")
        page.wait_for_url("**/accounts/password/reset/done/")
        s.shot("password-reset-done", page)
        page.context.close()

    def organisation_member():
        page = s.page(email="mo-a@ikmo.example")
        page.goto(f"{base}/")
        s.shot("home-member", page)
        page.get_by_role("link", name="Brückenbau e.V.").first.click()
        page.wait_for_selector("h1")
        # The timeline loads after the page (htmx): the screenshot shows it, not the spinner.
        page.wait_for_selector("section[aria-labelledby=activity] ol.timeline")
        s.shot("organisation-detail", page)
        page.click("form[action$='/profile-sheet/'] button")
        page.wait_for_selector("#document-status a[href$='/download/']")
        s.shot("profile-sheet", page)
        page.goto(f"{base}/accounts/email/")
        s.shot("account-email", page)
        page.context.close()

    def staff():
        page = s.page(email="lead@ikmo.example")
        page.goto(f"{base}/")
        s.shot("home-staff", page)
        page.goto(f"{base}/organisations/")
        page.select_option("select[name=district]", label="Neukölln")
        page.click("form[role=search] button[type=submit]")
        page.wait_for_url("**district=*")
        s.shot("directory", page)
        page.goto(f"{base}/organisations/registrations/")
        s.shot("registrations", page)
        page.context.close()

    def consultant_mfa():
        page = s.page(email="consultant@ikmo.example")
        page.goto(f"{base}/accounts/2fa/")
        s.shot("mfa-index", page)
        page.goto(f"{base}/accounts/2fa/totp/activate/")
        if "/accounts/reauthenticate/" in page.url:
            # allauth asks for the password again before a security change.
            s.shot("reauthenticate", page)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("main form button[type=submit]")
            page.wait_for_url("**/accounts/2fa/totp/activate/")
        s.shot("mfa-activate", page)
        secret = page.input_value("#authenticator_secret")
        page.fill("input[name=code]", totp(secret))
        page.click("main form button[type=submit]")
        page.wait_for_url(lambda url: "/totp/activate" not in url)
        s.shot("mfa-recovery-codes", page)
        page.goto(f"{base}/accounts/logout/")
        s.shot("logout", page)
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=login]", "consultant@ikmo.example")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form.allauth-form-login button[type=submit]")
        page.wait_for_url("**/accounts/2fa/authenticate/")
        s.shot("mfa-authenticate", page)
        page.context.close()

    def phone():
        page = s.page(phone=True)
        page.goto(f"{base}/")
        s.shot("phone-home", page)
        page.context.close()
        page = s.page(email="lead@ikmo.example", phone=True)
        page.goto(f"{base}/organisations/")
        s.shot("phone-directory", page)
        page.goto(f"{base}/organisations/register/")
        s.shot("phone-organisation-form", page)
        page.context.close()

    def arabic():
        page = s.page(email="mo-a@ikmo.example", language="ar")
        page.goto(f"{base}/")
        s.shot("rtl-home", page)
        page.context.close()
        page = s.page(language="ar", phone=True)
        page.goto(f"{base}/accounts/login/")
        s.shot("rtl-phone-login", page)
        page.context.close()

    return [
        ("public", public),
        ("member", organisation_member),
        ("staff", staff),
        ("consultant", consultant_mfa),
        ("phone", phone),
        ("arabic", arabic),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", default=[], help="screenshot names to retake")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found: apt-get install chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="ikmo-shots-") as tmp,
        portal(Path(tmp)) as base,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            shooter = Shooter(browser, base, args.out, set(args.only))
            print(f"Screenshots of {base} into {args.out}:")
            for _name, scene in scenes(shooter):
                scene()
        finally:
            browser.close()
    print(f"{len(shooter.taken)} screenshots taken.")


if __name__ == "__main__":
    main()
