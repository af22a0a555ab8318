/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-sync"

#include "config.h"

#include "cohort-sync-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (cohort-sync-error, cohort_sync_error)

GError *
cohort_sync_error_from_transport (GError     *error,
                                  const char *host)
{
  g_autoptr(GError) owned = error;
  CohortSyncError code = COHORT_SYNC_ERROR_OFFLINE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    code = COHORT_SYNC_ERROR_CANCELLED;
  else if (error->domain == G_TLS_ERROR)
    code = COHORT_SYNC_ERROR_TLS;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    code = COHORT_SYNC_ERROR_TIMEOUT;
  else if (error->domain == SOUP_SESSION_ERROR)
    code = COHORT_SYNC_ERROR_MALFORMED;

  /* The technical text stays in the message for the log; describe() gives the words. */
  return g_error_new (COHORT_SYNC_ERROR, code, "%s: %s", host ? host : "?", error->message);
}

GError *
cohort_sync_error_from_status (guint       status,
                               const char *host)
{
  CohortSyncError code;

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return NULL;
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    code = COHORT_SYNC_ERROR_AUTH;
  else if (status == COHORT_HTTP_TOO_MANY_REQUESTS)
    code = COHORT_SYNC_ERROR_RATE_LIMIT;
  else if (status == SOUP_STATUS_NOT_FOUND)
    code = COHORT_SYNC_ERROR_NOT_FOUND;
  else
    code = COHORT_SYNC_ERROR_SERVER;
  return g_error_new (COHORT_SYNC_ERROR, code, "%s answered HTTP %u", host ? host : "?", status);
}

gboolean
cohort_sync_error_is_cancelled (const GError *error)
{
  return g_error_matches (error, COHORT_SYNC_ERROR, COHORT_SYNC_ERROR_CANCELLED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

char *
cohort_sync_error_describe (const GError *error)
{
  if (error == NULL)
    return NULL;
  if (error->domain != COHORT_SYNC_ERROR)
    return g_strdup (error->message);

  switch ((CohortSyncError)error->code)
    {
    case COHORT_SYNC_ERROR_AUTH:
      /* WeCom accepts only a self-built app's secret since 2023-12 (FORMATS.md §2g). */
      if (strstr (error->message, "WeCom") != NULL)
        return g_strdup (_("WeCom refused the corp ID or app secret. Use the secret of a "
                           "self-built app listed under 客户联系 → 可调用接口的应用, and check that "
                           "this computer's IP address is allowed."));
      return g_strdup (_("The server refused the key. Check the API key (or app secret) and the "
                         "user name, and that the key is allowed to read this data."));
    case COHORT_SYNC_ERROR_RATE_LIMIT:
      return g_strdup (_("The server is limiting requests and still refused after waiting. "
                         "Try again in a few minutes."));
    case COHORT_SYNC_ERROR_SERVER:
      return g_strdup_printf (_("The server had a problem (%s). Nothing was changed; try again "
                                "later."), error->message);
    case COHORT_SYNC_ERROR_NOT_FOUND:
      return g_strdup (_("The address does not lead to the expected service. Check the URL."));
    case COHORT_SYNC_ERROR_TLS:
      return g_strdup (_("The secure connection failed: the server's certificate is not trusted "
                         "or the handshake broke. Check the address (https) and the system time."));
    case COHORT_SYNC_ERROR_TIMEOUT:
      return g_strdup (_("The server did not answer in time. Check the connection and try again."));
    case COHORT_SYNC_ERROR_OFFLINE:
      return g_strdup (_("Cannot reach the server. Check that you are online, that the address is "
                         "right, and for chatlog that it is running."));
    case COHORT_SYNC_ERROR_MALFORMED:
      return g_strdup (_("The server answered with something that is not the expected data. "
                         "Check the address; nothing was changed."));
    case COHORT_SYNC_ERROR_TOKEN_EXPIRED:
      return g_strdup (_("The access token kept expiring. Try again; if it persists, check the "
                         "app secret."));
    case COHORT_SYNC_ERROR_CONFIG:
      return g_strdup_printf (_("The source is not set up completely: %s"), error->message);
    case COHORT_SYNC_ERROR_CANCELLED:
      return g_strdup (_("Cancelled. Nothing was changed."));
    default:
      return g_strdup (error->message);
    }
}

char *
cohort_sync_error_to_stored (const GError *error)
{
  if (error->domain != COHORT_SYNC_ERROR)
    return g_strdup (error->message);
  return g_strdup_printf ("sync-error:%d\t%s", error->code, error->message);
}

char *
cohort_sync_error_describe_stored (const char *stored)
{
  g_autoptr(GError) error = NULL;
  const char *tab;
  char *end = NULL;
  gint64 code;

  if (stored == NULL)
    return NULL;
  if (!g_str_has_prefix (stored, "sync-error:") || (tab = strchr (stored, '\t')) == NULL)
    return g_strdup (stored);
  code = g_ascii_strtoll (stored + strlen ("sync-error:"), &end, 10);
  if (end != tab || code < 0 || code > COHORT_SYNC_ERROR_CANCELLED)
    return g_strdup (stored);
  error = g_error_new_literal (COHORT_SYNC_ERROR, (int)code, tab + 1);
  return cohort_sync_error_describe (error);
}
