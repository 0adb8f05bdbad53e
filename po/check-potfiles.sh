#!/usr/bin/env bash
# Checks po/POTFILES.in against the sources:
#   - every source file under app/ or ui/ that marks a string for translation
#     must be listed (unless it is in po/POTFILES.skip);
#   - every file listed must exist.
# Usage: check-potfiles.sh [SOURCE_ROOT]   (default: the parent of this script's directory)
# Exits 1 and names the offending files when the list is wrong.

set -euo pipefail

srcdir=${1:-"$(dirname "${BASH_SOURCE[0]}")/.."}
cd "$srcdir"

potfiles=po/POTFILES.in
skipfiles=po/POTFILES.skip

if [[ ! -f $potfiles ]]; then
  echo "check-potfiles: $srcdir/$potfiles not found" >&2
  exit 1
fi

# A list file's entries: comments and blank lines dropped, an optional
# "[type: …]" prefix removed, surrounding blanks trimmed.
read_list () {
  [[ -f $1 ]] || return 0
  sed -e 's/#.*//' -e 's/^[[:space:]]*\[[^]]*\][[:space:]]*//' \
      -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$1"
}

declare -A listed=()
while IFS= read -r f; do listed[$f]=1; done < <(read_list "$potfiles"; read_list "$skipfiles")

# Source files: those git knows of (tracked, or new and not ignored) when
# this is a git checkout, otherwise everything on disk.
list_sources () {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files --cached --others --exclude-standard -- app ui
  else
    find app ui -type f 2>/dev/null
  fi
}

# _("…"), N_("…"), C_("…", "…"), NC_(…), ngettext/g_dngettext (…), with or
# without the GNU-style space before the parenthesis; translatable="yes" in
# GtkBuilder files.
pattern='(^|[^[:alnum:]_])(N|C|NC)?_ ?\(|ngettext ?\(|translatable=["'"'"']yes["'"'"']'

status=0
missing=()
while IFS= read -r f; do
  case $f in
    *.c|*.h|*.ui|*.blp) ;;
    *) continue ;;
  esac
  [[ -f $f ]] || continue          # tracked but deleted in the work tree
  [[ -n ${listed[$f]:-} ]] && continue
  if grep -Eq "$pattern" "$f"; then
    missing+=("$f")
  fi
done < <(list_sources | LC_ALL=C sort -u)

if (( ${#missing[@]} )); then
  echo "Files with translatable strings missing from $potfiles:"
  printf '  %s\n' "${missing[@]}"
  status=1
fi

absent=()
while IFS= read -r f; do
  [[ -e $f ]] || absent+=("$f")
done < <(read_list "$potfiles")

if (( ${#absent[@]} )); then
  echo "Files listed in $potfiles that do not exist:"
  printf '  %s\n' "${absent[@]}"
  status=1
fi

if (( status == 0 )); then
  echo "$potfiles is complete."
fi
exit $status
