/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-format"

#include "config.h"

#include <inttypes.h>

#include "cohort-format.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* The order formats are listed to users; detection does not depend on it. */
static const CohortFormat * const formats[] = {
  &cohort_format_telegram,
  &cohort_format_whatsapp,
  &cohort_format_wechat,
  &cohort_format_qq,
  &cohort_format_discord,
  &cohort_format_slack,
  &cohort_format_chatlab,
  &cohort_format_csv,        /* last: it takes any table the others leave */
  NULL
};

const CohortFormat * const *
cohort_formats_list (void)
{
  return formats;
}

const CohortFormat *
cohort_formats_find (const char *name)
{
  for (guint i = 0; formats[i] != NULL; i++)
    if (g_ascii_strcasecmp (formats[i]->name, name) == 0)
      return formats[i];
  return NULL;
}

void
cohort_import_context_progress (CohortImportContext *ctx,
                                goffset              done,
                                gint64               messages)
{
  g_autofree char *message = NULL;

  if (ctx->progress == NULL)
    return;
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reading %s: %" PRId64 " message",
                                          "Reading %s: %" PRId64 " messages", messages),
                             ctx->display_name, messages);
  ctx->progress (ctx->size > 0 ? MIN (1.0, (double)done / ctx->size) : -1, message, ctx->progress_data);
}

void
cohort_import_context_add_community (CohortImportContext *ctx,
                                     gint64               community)
{
  for (guint i = 0; i < ctx->result->community_ids->len; i++)
    if (*(gint64 *)ctx->result->community_ids->pdata[i] == community)
      return;
  g_ptr_array_add (ctx->result->community_ids, g_memdup2 (&community, sizeof community));
}

void
cohort_import_context_warn (CohortImportContext *ctx,
                            const char          *format,
                            ...)
{
  va_list args;

  /* Keep the summary readable on huge exports. */
  if (ctx->result->warnings->len >= 200)
    return;
  va_start (args, format);
  g_ptr_array_add (ctx->result->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

const char *
cohort_import_context_zone (CohortImportContext *ctx,
                            const char          *fallback)
{
  if (ctx->options != NULL && ctx->options->tz != NULL)
    return ctx->options->tz;
  return fallback;
}

char *
cohort_import_content_key (GHashTable *seen,
                           const char *member_uid,
                           gint64      ts,
                           const char *text)
{
  g_autofree char *material = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT "\x1f%s",
                                               member_uid ? member_uid : "", ts, text ? text : "");
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA1, material, -1);
  guint n;

  digest[20] = '\0';
  n = GPOINTER_TO_UINT (g_hash_table_lookup (seen, digest));
  g_hash_table_insert (seen, g_strdup (digest), GUINT_TO_POINTER (n + 1));
  return g_strdup_printf ("c:%s:%u", digest, n);
}

/* JSON numbers with a fraction or exponent are doubles, the rest integers (ids, counts and
 * epoch seconds must stay exact). */
void
cohort_json_builder_add_number (JsonBuilder *builder,
                                const char  *text,
                                gsize        len)
{
  g_autofree char *number = g_strndup (text, len);

  if (strpbrk (number, ".eE") != NULL)
    json_builder_add_double_value (builder, g_ascii_strtod (number, NULL));
  else
    json_builder_add_int_value (builder, g_ascii_strtoll (number, NULL, 10));
}

void
cohort_json_builder_add_string (JsonBuilder *builder,
                                const char  *text,
                                gsize        len)
{
  g_autofree char *copy = g_strndup (text, len);

  json_builder_add_string_value (builder, copy);
}
