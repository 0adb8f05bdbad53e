#!/usr/bin/env bash
# check-programs.sh [--packages] [PROGRAM…] - are the programs that Ferry, its
# tests and its demo run installed? The table is build-aux/programs.txt.
#
#   check-programs.sh              every program of the table
#   check-programs.sh virsh nc     just these (each must be in the table)
#   check-programs.sh --packages   print the table's packages, one a line
#
# One line per missing program, naming the Debian package that has it; exit 1
# if any is missing, 2 for a program the table does not know.
set -euo pipefail

table="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/programs.txt"
[ -r "$table" ] || { echo "check-programs: $table is missing" >&2; exit 2; }

rows() { sed -e 's/#.*//' "$table" | awk 'NF >= 2 { print $1, $2 }'; }

if [ "${1:-}" = --packages ]; then
  rows | awk '{ print $2 }' | sort -u
  exit 0
fi

present() { # present PROGRAM: installed and usable?
  case "$1" in
    python3:*) [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import ${1#python3:}" >/dev/null 2>&1 ;;
    /*) [ -e "$1" ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

declare -A pkg=()
while read -r prog p; do pkg[$prog]=$p; done < <(rows)

want=("$@")
[ ${#want[@]} -gt 0 ] || mapfile -t want < <(rows | awk '{ print $1 }')

missing=0
for prog in "${want[@]}"; do
  if [ -z "${pkg[$prog]:-}" ]; then
    echo "check-programs: '$prog' is not in $table (add it with the package that provides it)" >&2
    exit 2
  fi
  if ! present "$prog"; then
    echo "missing: $prog (Debian package ${pkg[$prog]}; build-aux/install-deps.sh installs it)" >&2
    missing=1
  fi
done
exit $missing
