#!/usr/bin/env bash
# Checks the translations listed in po/LINGUAS.
#
#   check-translation.sh SOURCE_ROOT
#     Each po/LL.po must compile with every check msgfmt has (format strings
#     identical to the English ones, plural forms as the header declares,
#     one mnemonic "_" where the English has one), and be complete: no
#     untranslated and no fuzzy message. Exits 1 otherwise, naming them.
#
#   check-translation.sh --up-to-date SOURCE_ROOT
#     Extracts the strings of the sources listed in po/POTFILES.in (as
#     `ninja ferry-pot` would, into a temporary directory) and checks that
#     each translation covers them all. A string added to the sources and
#     not translated yet makes it exit 77 (meson's "skipped"), listing it:
#     run `ninja -C BUILD ferry-update-po` and translate it.
#
#   check-translation.sh --self-test SOURCE_ROOT
#     Checks the check: broken copies of each translation (a fuzzy message,
#     an untranslated one, a format string changed, a mnemonic lost) must
#     be refused, and the translation as it is accepted.
#
# Needs gettext (msgfmt, xgettext, msgmerge, msgattrib).

set -euo pipefail

mode=complete
case ${1:-} in
  --up-to-date) mode=up-to-date; shift ;;
  --self-test)  mode=self-test; shift ;;
esac
srcdir=${1:-"$(dirname "${BASH_SOURCE[0]}")/.."}
cd "$srcdir"

langs=$(sed -e 's/#.*//' po/LINGUAS | tr -s '[:space:]' ' ')
if [[ -z ${langs// /} ]]; then
  echo "check-translation: po/LINGUAS lists no language" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# msgfmt --statistics says "12 translated messages, 3 fuzzy translations,
# 4 untranslated messages." (the parts that are 0 left out).
stats () {
  local line
  line=$(LC_ALL=C msgfmt --statistics -o /dev/null "$1" 2>&1 | tail -n1)
  translated=$(grep -oE '[0-9]+ translated' <<<"$line" | grep -oE '[0-9]+' || echo 0)
  fuzzy=$(grep -oE '[0-9]+ fuzzy' <<<"$line" | grep -oE '[0-9]+' || echo 0)
  untranslated=$(grep -oE '[0-9]+ untranslated' <<<"$line" | grep -oE '[0-9]+' || echo 0)
}
list_missing () {
  # The msgids of untranslated and fuzzy messages, one line each.
  { msgattrib --untranslated --no-wrap --no-obsolete "$1"
    msgattrib --only-fuzzy --no-wrap --no-obsolete "$1"; } 2>/dev/null |
    sed -n 's/^msgid "\(..*\)"$/  \1/p'
}

status=0

if [[ $mode == self-test ]]; then
  self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
  # Each case: a sed script that breaks one message of the .po file.
  # The message chosen is the first one of its kind; the edits keep the
  # file parseable, so only the check under test can refuse it.
  cases=(
    'fuzzy|0,/^#, c-format$/s//#, fuzzy, c-format/'
    'untranslated|0,/^msgstr "[^"].*"$/s//msgstr ""/'
    'format|0,/^msgstr "\(.*\)%s/s//msgstr "\1%d/'
    'mnemonic|0,/^msgstr "\(.*\)_\([^"]*\)"$/s//msgstr "\1\2"/'
  )
  for lang in $langs; do
    mkdir -p "$tmp/ok/po"
    cp po/LINGUAS "po/$lang.po" "$tmp/ok/po/"
    if ! bash "$self" "$tmp/ok" >"$tmp/out" 2>&1; then
      echo "self-test: po/$lang.po as it is was refused:"; sed 's/^/  /' "$tmp/out"
      status=1
    fi
    for c in "${cases[@]}"; do
      name=${c%%|*}
      dir=$tmp/$lang-$name
      mkdir -p "$dir/po"
      echo "$lang" >"$dir/po/LINGUAS"
      sed -e "${c#*|}" "po/$lang.po" >"$dir/po/$lang.po"
      if cmp -s "po/$lang.po" "$dir/po/$lang.po"; then
        echo "self-test: case $name changed nothing in po/$lang.po"
        status=1
      elif bash "$self" "$dir" >"$tmp/out" 2>&1; then
        echo "self-test: po/$lang.po with a broken message ($name) was accepted"
        status=1
      else
        echo "self-test: po/$lang.po with a broken message ($name) refused: $(grep -m1 -E "po:[0-9]+:|[1-9][0-9]* (fuzzy|untranslated)" "$tmp/out" | sed "s/^ *//")"
      fi
    done
  done
  exit $status
fi

if [[ $mode == complete ]]; then
  for lang in $langs; do
    po=po/$lang.po
    if [[ ! -f $po ]]; then
      echo "$po: listed in po/LINGUAS but missing"
      status=1
      continue
    fi
    if ! LC_ALL=C msgfmt --check --check-accelerators=_ -o /dev/null "$po" 2>"$tmp/errors"; then
      echo "$po: msgfmt --check found errors:"
      sed 's/^/  /' "$tmp/errors"
      status=1
      continue
    fi
    stats "$po"
    echo "$po: $translated translated, $fuzzy fuzzy, $untranslated untranslated"
    if (( translated == 0 || fuzzy > 0 || untranslated > 0 )); then
      echo "$po is not complete; translate (and unmark as fuzzy):"
      list_missing "$po"
      status=1
    fi
  done
  exit $status
fi

# --up-to-date: the same extraction as meson's i18n.gettext (preset glib).
xgettext --package-name=ferry --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --files-from=po/POTFILES.in --directory=. --output="$tmp/ferry.pot" 2>"$tmp/xgettext.log" || {
  echo "xgettext failed:"; sed 's/^/  /' "$tmp/xgettext.log"; exit 1; }

for lang in $langs; do
  po=po/$lang.po
  [[ -f $po ]] || { echo "$po: listed in po/LINGUAS but missing"; status=1; continue; }
  msgmerge --quiet --no-fuzzy-matching -o "$tmp/$lang.po" "$po" "$tmp/ferry.pot"
  stats "$tmp/$lang.po"
  if (( untranslated > 0 || fuzzy > 0 )); then
    echo "$po lacks $((untranslated + fuzzy)) string(s) of the sources; run"
    echo "\`ninja -C BUILD ferry-update-po\` and translate:"
    list_missing "$tmp/$lang.po"
    (( status == 0 )) && status=77
  else
    echo "$po covers every string of the sources ($translated)."
  fi
done
exit $status
