#!/bin/sh
# The generator's exports must keep the community alive to its last day: a silent last week
# made every member look as if they had drifted away (churn warnings for all, a weekly-active
# line falling to zero).  Usage: check-gen.sh COHORT-BENCH-GEN
set -eu
gen=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$gen" --format telegram --messages 10000 --seed 42 --out "$out/t.json" >/dev/null

# Every message, once: the requested count, no more and no fewer.
total=$(grep -c '"type": "message"' "$out/t.json")
[ "$total" -eq 10000 ] || { echo "wrote $total messages, not 10000"; exit 1; }

# Messages a day over the year's last fourteen days (about 45 each at this size).
awk '/"type": "message"/ { m = 1; next } m && /"date": "/ { print substr ($2, 2, 10) } { m = 0 }' \
  "$out/t.json" | sort | uniq -c | tail -14 > "$out/days"
# The year ends on 2026-06-29 in the export's local dates (END_DAY in cohort-bench-gen.c).
expected="2026-06-16 2026-06-17 2026-06-18 2026-06-19 2026-06-20 2026-06-21 2026-06-22
2026-06-23 2026-06-24 2026-06-25 2026-06-26 2026-06-27 2026-06-28 2026-06-29"
found=$(awk '{ print $2 }' "$out/days" | tr '\n' ' ')
[ "$(echo $found)" = "$(echo $expected)" ] || { echo "last days with messages: $found"; exit 1; }
awk '$1 < 20 || $1 > 120 { print "day " $2 ": " $1 " messages"; bad = 1 } END { exit bad }' "$out/days"
