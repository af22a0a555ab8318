#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when the sources could leak what operators trust Cohort with.

Usage: check-privacy.py [--expect=N] SRCDIR [MANIFEST]

  1. A log call (g_debug, g_message, g_info, g_warning, g_critical) whose arguments name
     message text or a secret (->text, .text, content, token, secret, password, api_key).
  2. In the importers (any folder named "import"): anything that runs a program or reaches
     the network (g_spawn*, system, popen, exec*, GSubprocess, g_app_info_launch*, soup_*,
     g_socket_client*, GResolver): an export opened from an untrusted source is only read.
  3. The Flatpak manifest (when given) grants no broad file access: files come through
     portals, so --filesystem=home, =host and their kin are refused.

With --expect=N it passes only when exactly N problems are found (its self-test).
"""
import json
import os
import re
import sys

LOG_CALL = re.compile(r'\bg_(debug|message|info|warning|critical)\s*\(')
SECRETISH = re.compile(r'(->|\.)text\b|\bcontent\b|\btoken\b|\bsecret\b|\bpassword\b|\bapi_key\b',
                       re.IGNORECASE)
RUNS_OR_FETCHES = re.compile(r'\b(g_spawn\w*|system|popen|exec[lv]p?e?|g_subprocess\w*|'
                             r'g_app_info_launch\w*|soup_\w+|g_socket_client\w*|'
                             r'g_resolver\w*)\s*\(')
BROAD_FILESYSTEM = re.compile(r'^--filesystem=(home|host|host-os|host-etc|~)(:rw|:ro|:create)?$')


def call_args(text, start):
    """The text of the call's argument list that opens at text[start] == '('."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
        elif c == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == '\\' else 1
        i += 1
    return text[start:]


def without_strings(text):
    return re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)


def check_sources(top, problems):
    files = 0
    for root, _, names in os.walk(top):
        for name in sorted(names):
            if not name.endswith(('.c', '.h')):
                continue
            files += 1
            path = os.path.join(root, name)
            text = open(path, encoding='utf-8', errors='replace').read()
            for m in LOG_CALL.finditer(text):
                args = without_strings(call_args(text, m.end() - 1))
                if SECRETISH.search(args):
                    line = text.count('\n', 0, m.start()) + 1
                    problems.append(f'{path}:{line}: a log call with message text or a secret')
            if os.sep + 'import' + os.sep in os.sep + path:
                # Comments blanked, their newlines kept, so line numbers stay right.
                code = without_strings(re.sub(r'/\*.*?\*/',
                                              lambda c: '\n' * c.group(0).count('\n'),
                                              text, flags=re.S))
                for m in RUNS_OR_FETCHES.finditer(code):
                    line = code.count('\n', 0, m.start()) + 1
                    problems.append(f'{path}:{line}: an importer runs or fetches: {m.group(1)}')
    return files


def check_manifest(path, problems):
    manifest = json.load(open(path, encoding='utf-8'))
    for arg in manifest.get('finish-args', []):
        if BROAD_FILESYSTEM.match(arg):
            problems.append(f'{path}: {arg}: files must come through portals')


def main(args):
    expect = None
    if args and args[0].startswith('--expect='):
        expect = int(args[0].split('=', 1)[1])
        args = args[1:]
    problems = []
    files = check_sources(args[0], problems)
    if len(args) > 1:
        check_manifest(args[1], problems)
    for p in problems:
        print(p)
    print(f'{files} files checked, {len(problems)} problems')
    if files == 0:
        return 1
    if expect is not None:
        return 0 if len(problems) == expect else 1
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
