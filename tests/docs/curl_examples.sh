#!/usr/bin/env bash
# Runs the curl examples of a Markdown document against a live server:
#   tests/docs/curl_examples.sh DOC BASE_URL
# Every ```sh block of DOC runs in order, in this one bash process (variables and functions
# carry over from block to block), with `set -euo pipefail`. BASE_URL is given to the blocks
# as $NNW. `curl` inside a block is a wrapper around the real curl that adds -sS and
# --max-time 30 and records each answer's HTTP status:
#   - a block without an expectation must succeed: every curl call gets --fail-with-body (an
#     HTTP status of 400 or more fails the call, and so the block), and any other failing
#     command fails it too;
#   - a block with a line `# expect: STATUS [CODE]` (STATUS like 409 or 4xx) shows an error
#     on purpose: every curl call in it must answer STATUS, and when CODE is given some answer
#     must carry "code":"CODE".
# Blocks must not pass -o, -D or -w to curl (the wrapper uses them; -i is fine).
# Stops at the first failing block, printing its number, its line in DOC and its text.
# Ends with the line "N passed, 0 failed" (exit 0) or "N passed, 1 failed" (exit 1).
set -euo pipefail
shopt -s inherit_errexit

if [ $# -ne 2 ]; then
  echo "usage: $0 DOC BASE_URL" >&2
  exit 2
fi
__ex_doc=$1
NNW=${2%/}
export NNW
[ -r "$__ex_doc" ] || { echo "$0: cannot read $__ex_doc" >&2; exit 2; }

__ex_dir=$(mktemp -d)
__ex_blocks=()   # texts
__ex_lines=()    # line numbers of the opening fences
__ex_index=-1    # the block being run, -1 outside blocks
__ex_passed=0
__ex_expect=""   # the running block's expected status pattern, "" for success
__ex_expect_code=""

# The blocks, in order: a block opens with a line that is exactly ```sh and closes with ```.
while IFS= read -r -d '' __ex_record; do
  __ex_lines+=("${__ex_record%%$'\n'*}")
  __ex_blocks+=("${__ex_record#*$'\n'}")
done < <(awk '
  !inside && /^```sh[ \t]*$/ { inside = 1; text = ""; start = NR; next }
  inside && /^```[ \t]*$/   { inside = 0; printf "%d\n%s%c", start, text, 0; next }
  inside                     { text = text $0 "\n" }
  END { if (inside) { printf "unclosed ```sh block at line %d\n", start > "/dev/stderr"; exit 1 } }
' "$__ex_doc")

if [ ${#__ex_blocks[@]} -eq 0 ]; then
  echo "$0: no \`\`\`sh blocks in $__ex_doc" >&2
  exit 2
fi

__ex_finish() {
  local status=$?
  set +e
  if [ "$__ex_index" -ge 0 ]; then
    [ -n "$__ex_reason" ] || __ex_reason="a command exited with status $status"
    echo
    echo "FAILED: block $((__ex_index + 1)) of ${#__ex_blocks[@]} (line ${__ex_lines[$__ex_index]} of $__ex_doc)${__ex_reason:+: $__ex_reason}"
    if [ -s "$__ex_dir/status" ]; then
      echo "HTTP statuses in this block: $(tr '\n' ' ' < "$__ex_dir/status")"
    fi
    echo "--- block text ---"
    printf '%s' "${__ex_blocks[$__ex_index]}"
    echo "------------------"
    echo "$__ex_passed passed, 1 failed"
    status=1
  fi
  rm -rf "$__ex_dir"
  exit "$status"
}
trap __ex_finish EXIT
__ex_reason=""

curl() {
  local body rc=0
  body=$(mktemp "$__ex_dir/body.XXXXXX")
  local -a flags=(-sS --max-time 30 -o "$body" -w '%{http_code}\n')
  [ -n "$__ex_expect" ] || flags+=(--fail-with-body)
  command curl "${flags[@]}" "$@" >>"$__ex_dir/status" || rc=$?
  cat "$body"
  # Answers end without a newline; one keeps this script's own output readable.
  [ ! -s "$body" ] || [ -z "$(tail -c 1 "$body")" ] || echo
  cat "$body" >>"$__ex_dir/bodies"
  rm -f "$body"
  return "$rc"
}

__ex_fail() {
  __ex_reason=$1
  exit 1
}

for __ex_i in "${!__ex_blocks[@]}"; do
  __ex_text=${__ex_blocks[$__ex_i]}
  __ex_expect=""
  __ex_expect_code=""
  __ex_spec=$(printf '%s' "$__ex_text" | sed -n 's/^[[:space:]]*# expect:[[:space:]]*//p' | sed -n 1p)
  if [ -n "$__ex_spec" ]; then
    read -r __ex_expect __ex_expect_code __ex_rest <<<"$__ex_spec" || true
    if ! [[ $__ex_expect =~ ^[1-5][0-9x][0-9x]$ ]]; then
      __ex_index=$__ex_i
      __ex_fail "bad expectation '# expect: $__ex_spec' (want e.g. 409 or 4xx, then an optional error code)"
    fi
  fi
  : >"$__ex_dir/status"
  : >"$__ex_dir/bodies"
  echo "== block $((__ex_i + 1)) (line ${__ex_lines[$__ex_i]})${__ex_expect:+ expect $__ex_expect${__ex_expect_code:+ $__ex_expect_code}}"
  __ex_index=$__ex_i
  eval "$__ex_text"
  echo
  mapfile -t __ex_codes <"$__ex_dir/status"
  if [ -n "$__ex_expect" ]; then
    [ ${#__ex_codes[@]} -gt 0 ] || __ex_fail "the block expects HTTP $__ex_expect but made no curl call"
    __ex_glob=${__ex_expect//x/?}
    for __ex_code in "${__ex_codes[@]}"; do
      # shellcheck disable=SC2053  # a glob on purpose
      [[ $__ex_code == $__ex_glob ]] || __ex_fail "expected HTTP $__ex_expect, got $__ex_code"
    done
    if [ -n "$__ex_expect_code" ] && ! grep -q "\"code\":\"$__ex_expect_code\"" "$__ex_dir/bodies"; then
      __ex_fail "no answer carries \"code\":\"$__ex_expect_code\""
    fi
  else
    for __ex_code in "${__ex_codes[@]}"; do
      [[ $__ex_code =~ ^[123][0-9][0-9]$ ]] || __ex_fail "HTTP $__ex_code in a block that must succeed"
    done
  fi
  __ex_index=-1
  __ex_passed=$((__ex_passed + 1))
done

echo "$__ex_passed passed, 0 failed"
