#!/bin/sh
# po/zh_CN.po must translate every string in the sources listed in po/POTFILES.in:
# extract a fresh template, merge, and fail on any untranslated or fuzzy entry.
set -eu
srcdir="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$srcdir"
xgettext --from-code=UTF-8 --add-comments=Translators \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
  -f po/POTFILES.in -D "$srcdir" -o "$work/cohort.pot"
msgmerge --quiet --no-fuzzy-matching po/zh_CN.po "$work/cohort.pot" -o "$work/zh_CN.po"
stats="$(msgfmt --check --statistics -o /dev/null "$work/zh_CN.po" 2>&1)"
echo "$stats"
case "$stats" in
  *untranslated*|*fuzzy*) echo "po/zh_CN.po is incomplete: run 'meson compile cohort-update-po' and translate" >&2; exit 1 ;;
esac
