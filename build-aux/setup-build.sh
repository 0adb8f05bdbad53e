# setup_build DIR MESON-OPTIONS…: `meson setup` (or --reconfigure) of DIR. Its
# output goes to DIR's setup log; when it fails, the log's end is printed
# with a line that says so. Sourced by test.sh and demo.sh.
setup_build () {
  local dir=$1 log
  shift
  mkdir -p "$dir"
  log="$dir/setup.log"
  if [ -f "$dir/build.ninja" ]; then
    set -- --reconfigure "$dir" "$@"
  else
    set -- "$dir" "$@"
  fi
  if ! meson setup "$@" > "$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "meson setup $dir failed (above; the whole output is in $log)" >&2
    return 1
  fi
}
