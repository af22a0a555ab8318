#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when C sources build SQL from strings instead of binding parameters.

Usage: check-sql.py DIR...   (every *.c and *.h below each DIR is read)

Rules, each reported with file:line:
  1. SQL text (SELECT / INSERT INTO / UPDATE … SET / DELETE FROM / CREATE / DROP / PRAGMA /
     ATTACH) in a string literal outside src/core: SQL lives in the store only.
  2. A string literal that holds SQL and a printf directive (%s, %d, %q, %" PRId64 …): a
     value spliced into SQL text instead of bound with sqlite3_bind_*.
  3. sqlite3_mprintf / sqlite3_snprintf / sqlite3_vmprintf anywhere: SQLite's own string
     building, the classic way to build SQL.
  4. SQL text joined at run time (g_strconcat, g_string_append*, strcat) in the store.

The statements that must name something SQLite cannot bind (a table from a fixed list,
the schema version number) are allowed below by their exact text; any other needs review
and an entry here.
"""
import os
import re
import sys

ALLOWED = {
    # cohort_db_count: the table name comes from a fixed whitelist, never from the caller.
    ('cohort-store.c', '"SELECT count(*) FROM %s"'),
    # migrate: PRAGMA user_version takes no bound parameter; the value is an int.
    ('cohort-store.c', '"PRAGMA user_version = %d"'),
    # cohort_db_create_from_template: the same, with the template's version.
    ('cohort-store-schema.c', '"PRAGMA user_version = %d"'),
}

SQL = re.compile(r'\b(SELECT\b.*\bFROM\b|SELECT\s+\w+\s*\(|INSERT\s+(OR\s+\w+\s+)?INTO\b|'
                 r'UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|CREATE\s+(TABLE|INDEX|VIEW|TRIGGER)\b|'
                 r'DROP\s+(TABLE|INDEX)\b|PRAGMA\s+\w+|ATTACH\s+DATABASE\b)')
LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"')
DIRECTIVE = re.compile(r'%[-+ #0-9.]*[lhzjt]*[sdiuxXqQwfgc]|%"\s*(PRI|G_G)')
MPRINTF = re.compile(r'\bsqlite3_v?(m|sn)printf\s*\(')
JOIN = re.compile(r'\b(g_strconcat|g_string_append\w*|g_string_prepend\w*|strcat|strncat)\s*\(')


def strip_comments(text):
    """Blanks out comments but keeps line numbers and string literals."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif text[i] == '"':
            m = LITERAL.match(text, i)
            j = m.end() if m else i + 1
            out.append(text[i:j])
            i = j
        elif text[i] == "'":
            j = text.find("'", i + 1)
            while j > 0 and text[j - 1] == '\\' and text[j - 2] != '\\':
                j = text.find("'", j + 1)
            j = n if j < 0 else j + 1
            out.append(text[i:j])
            i = j
        else:
            out.append(text[i])
            i += 1
    return ''.join(out)


RUN = re.compile(r'"(?:[^"\\\n]|\\.)*"(?:\s*(?:"(?:[^"\\\n]|\\.)*"|PRI\w+|G_G\w+))*')


def check_file(path, problems):
    base = os.path.basename(path)
    in_core = (os.sep + 'core' + os.sep) in (os.sep + path)
    with open(path, encoding='utf-8', errors='replace') as f:
        text = strip_comments(f.read())
    line_starts = [0] + [m.end() for m in re.finditer('\n', text)]

    def where(offset):
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return f'{path}:{lo + 1}'

    for m in MPRINTF.finditer(text):
        problems.append(f'{where(m.start())}: SQLite string building (sqlite3_*printf)')
    # Adjacent literals are one string to the compiler, so a statement split over lines is
    # checked as a whole; PRId64 and friends between literals are format directives.
    for m in RUN.finditer(text):
        run = m.group(0)
        literals = LITERAL.findall(run)
        joined = ''.join(l[1:-1] for l in literals)
        if not SQL.search(joined):
            continue
        if len(literals) == 1 and (base, literals[0]) in ALLOWED:
            continue
        # strftime('%s', 'now') is SQL's own format inside an SQL string, not a splice.
        sql_code = re.sub(r"strftime\s*\(\s*'[^']*'", "strftime(''", joined)
        spliced = DIRECTIVE.search(sql_code) or re.search(r'"\s*(PRI[diouxX]|G_G)', run)
        before = text[max(0, m.start() - 60):m.start()]
        if not in_core:
            problems.append(f'{where(m.start())}: SQL outside src/core: {joined[:60]}')
        elif spliced:
            problems.append(f'{where(m.start())}: a value formatted into SQL: {joined[:60]}')
        elif JOIN.search(before.split(';')[-1]):
            problems.append(f'{where(m.start())}: SQL joined at run time: {joined[:60]}')


def main(args):
    expect = None
    if args and args[0].startswith('--expect='):
        expect = int(args[0].split('=', 1)[1])
        args = args[1:]
    problems, files = [], 0
    for top in args:
        for root, _, names in os.walk(top):
            for name in sorted(names):
                if name.endswith(('.c', '.h')):
                    files += 1
                    check_file(os.path.join(root, name), problems)
    for p in problems:
        print(p)
    print(f'{files} files checked, {len(problems)} problems')
    if files == 0:
        print('no C files found: wrong directory?')
        return 1
    if expect is not None:
        # The self-test: the sample holds exactly this many faults, and each must be found.
        return 0 if len(problems) == expect else 1
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
