#!/usr/bin/env bash
# Extract and compile the translation catalogues (needs GNU gettext).
#   scripts/messages.sh          update every .po from the sources, then compile the .mo files
#   scripts/messages.sh --check  fail if a catalogue is stale, a German string is missing or
#                                fuzzy, or a committed .mo does not match its .po (CI)
# Each app keeps its catalogue in <app>/locale; templates/ and ikmo/ use ./locale.
# German must be complete; English is the source language; Arabic and Turkish may have gaps
# (Django then falls back to the default language's text).
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=ikmo.settings.local
PY=.venv/bin/python
LOCALES=(-l de -l en -l ar -l tr)
IGNORE=(--ignore=.venv --ignore=static/vendor --ignore=tests --ignore=bench --ignore=scripts
        --ignore=docs --ignore=private-media --ignore=staticfiles)
mapfile -t CATALOGUES < <(find . -path ./.venv -prune -o -name django.po -path '*/LC_MESSAGES/*' -print | sort)

if [[ "${1:-}" == "--check" ]]; then
  status=0
  for po in "${CATALOGUES[@]}"; do
    mo="${po%.po}.mo"
    if ! msgfmt --check-format -o - "$po" | cmp -s - "$mo"; then
      echo "stale or missing: $mo (run scripts/messages.sh)"; status=1
    fi
    if [[ "$po" == */de/* ]]; then
      untranslated=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)
      fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
      # msgattrib prints the header entry too when there is anything to print.
      if (( untranslated > 1 || fuzzy > 1 )); then
        echo "$po: $((untranslated > 0 ? untranslated - 1 : 0)) untranslated, $((fuzzy > 0 ? fuzzy - 1 : 0)) fuzzy"
        status=1
      fi
    fi
  done
  # Re-extract in a scratch copy, so the working tree (and anyone's unsaved catalogue work)
  # is never touched, and compare ignoring the extraction date and source line references.
  scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
  tar --exclude=./.venv --exclude=./.git --exclude=./private-media --exclude=./staticfiles -cf - . \
    | tar -xf - -C "$scratch"
  (cd "$scratch" && "$OLDPWD/$PY" manage.py makemessages "${LOCALES[@]}" --no-obsolete "${IGNORE[@]}" -v0)
  for po in "${CATALOGUES[@]}"; do
    if ! diff -q -I '^"POT-Creation-Date' -I '^#: ' "$po" "$scratch/$po" >/dev/null; then
      echo "out of date with the sources: $po (run scripts/messages.sh)"
      diff -I '^"POT-Creation-Date' -I '^#: ' "$po" "$scratch/$po" | head -20
      status=1
    fi
  done
  exit $status
fi

$PY manage.py makemessages "${LOCALES[@]}" --no-obsolete "${IGNORE[@]}"
$PY manage.py compilemessages --ignore=.venv -v0
echo "Catalogues updated. Translate the empty German entries (msgattrib --untranslated), then run me again."
