/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Not compiled: the sample check-privacy.py must reject, with five findings together with
 * manifest.json (see tests/meson.build). */

static void
leaky (const CohortMessageRecord *record,
       const char                *api_key)
{
  /* 1: message text in a log */
  g_debug ("importing %s", record->text);
  /* 2: a secret in a log */
  g_warning ("sync failed with key %s", api_key);
  /* 3: an importer running a program */
  g_spawn_command_line_async ("xdg-open attachment.html", NULL);
  /* 4: an importer fetching something */
  soup_session_send_async (session, msg, 0, NULL, NULL, NULL);
  /* Fine: only the id of the message. */
  g_debug ("importing message %s", record->platform_msg_id);
}
