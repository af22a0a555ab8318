/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-sources"

#include "config.h"

#include "cohort-source-list.h"

#include <glib/gi18n-lib.h>

#include "cohort-sync-job.h"

void
cohort_source_row_free (CohortSourceRow *row)
{
  if (row == NULL)
    return;
  cohort_source_info_free (row->info);
  g_free (row->platform_line);
  g_free (row->cohort_line);
  g_free (row);
}

/* ------------------------------------------------------------------------------------------ */
/* List                                                                                        */

/* The latest value of each metric: stats come sorted by metric, then day. */
static double
latest_stat (GPtrArray  *stats,
             const char *metric,
             gboolean   *found)
{
  double value = 0;

  for (guint i = 0; i < stats->len; i++)
    {
      const CohortPlatformStat *stat = g_ptr_array_index (stats, i);

      if (g_str_equal (stat->metric, metric) && stat->scope[0] == '\0')
        {
          value = stat->value;
          *found = TRUE;
        }
    }
  return value;
}

static char *
format_count (double value)
{
  return g_strdup_printf ("%.0f", value);
}

static void
describe_discourse (CohortDb                  *db,
                    CohortSourceRow           *row,
                    const CohortCommunityInfo *community)
{
  g_autoptr(GPtrArray) stats =
    cohort_db_list_platform_stats (db, community->id, "discourse.about.", NULL);
  gboolean found = FALSE;
  g_autofree char *users = NULL, *posts = NULL, *likes = NULL;
  g_autofree char *members = NULL, *messages = NULL, *reactions = NULL;

  if (stats == NULL)
    return;
  users = format_count (latest_stat (stats, "discourse.about.user_count", &found));
  posts = format_count (latest_stat (stats, "discourse.about.post_count", &found));
  likes = format_count (latest_stat (stats, "discourse.about.like_count", &found));
  if (!found)
    return;
  members = format_count (community->members);
  messages = format_count (community->messages + community->system_messages);
  reactions = format_count (community->reactions);
  row->platform_line = g_strdup_printf (_("The forum reports %s users, %s posts, %s likes"),
                                        users, posts, likes);
  row->cohort_line = g_strdup_printf (_("Cohort counts %s members, %s posts, %s liked posts"),
                                      members, messages, reactions);
}

/* WeCom's corp-wide numbers of the latest day next to the groups Cohort has from it. */
static void
describe_wecom (CohortDb        *db,
                CohortSourceRow *row,
                GPtrArray       *communities,
                GArray          *ids)
{
  g_autoptr(GPtrArray) stats = cohort_db_list_source_stats (db, row->info->id, "wecom.", NULL);
  g_autofree char *members = NULL, *groups = NULL, *day = NULL;
  g_autofree char *own_members = NULL, *own_groups = NULL;
  gboolean found = FALSE;
  gint64 member_sum = 0;
  double member_total, chat_total;

  if (stats == NULL)
    return;
  member_total = latest_stat (stats, "wecom.member_total", &found);
  chat_total = latest_stat (stats, "wecom.chat_total", &found);
  if (!found)
    return;
  for (guint i = stats->len; i > 0; i--)
    {
      const CohortPlatformStat *stat = g_ptr_array_index (stats, i - 1);

      if (g_str_equal (stat->metric, "wecom.member_total"))
        {
          day = g_strdup (stat->day);
          break;
        }
    }
  for (guint i = 0; i < communities->len; i++)
    {
      const CohortCommunityInfo *community = g_ptr_array_index (communities, i);

      for (guint j = 0; j < ids->len; j++)
        if (community->id == g_array_index (ids, gint64, j))
          member_sum += community->members;
    }
  members = format_count (member_total);
  groups = format_count (chat_total);
  own_members = format_count (member_sum);
  own_groups = format_count (ids->len);
  row->platform_line = g_strdup_printf (_("WeCom reports %s members in %s groups on %s"),
                                        members, groups, day ? day : "?");
  row->cohort_line = g_strdup_printf (_("Cohort has %s members in %s groups from it"),
                                      own_members, own_groups);
}

static void
describe_numbers (CohortDb        *db,
                  CohortSourceRow *row,
                  GPtrArray       *communities)
{
  g_autoptr(GArray) ids = cohort_db_source_communities (db, row->info->id, NULL);

  if (ids == NULL || ids->len == 0)
    return;
  if (g_str_equal (row->info->kind, "wecom"))
    {
      describe_wecom (db, row, communities, ids);
      return;
    }
  for (guint i = 0; i < communities->len; i++)
    {
      const CohortCommunityInfo *community = g_ptr_array_index (communities, i);

      if (community->id != g_array_index (ids, gint64, 0))
        continue;
      if (g_str_equal (row->info->kind, "discourse"))
        describe_discourse (db, row, community);
    }
}

static void
list_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_source_row_free);
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GPtrArray) communities = NULL;
  GError *error = NULL;
  CohortDb *db;

  /* No database yet simply means no sources yet. */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_task_return_pointer (task, g_steal_pointer (&rows), (GDestroyNotify)g_ptr_array_unref);
      return;
    }
  if (!(db = cohort_db_open (path, TRUE, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  sources = cohort_db_list_sources (db, &error);
  communities = sources ? cohort_db_list_communities (db, &error) : NULL;
  if (communities != NULL)
    for (guint i = 0; i < sources->len; i++)
      {
        CohortSourceRow *row = g_new0 (CohortSourceRow, 1);

        row->info = cohort_source_info_copy (g_ptr_array_index (sources, i));
        describe_numbers (db, row, communities);
        g_ptr_array_add (rows, row);
      }
  cohort_db_close (db);
  if (communities == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&rows), (GDestroyNotify)g_ptr_array_unref);
}

void
cohort_source_list_async (const char          *db_path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, cohort_source_list_async);
  g_task_set_task_data (task, g_strdup (db_path), g_free);
  g_task_run_in_thread (task, list_in_thread);
}

GPtrArray *
cohort_source_list_finish (GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* Add and remove                                                                              */

typedef struct
{
  char              *db_path;
  CohortSecretStore *secrets;
  char              *kind;
  char              *name;
  char              *base_url;
  char              *username;
  char              *secret;
  char              *uid;
  gint64             id;
  GError            *error;   /* why an add was undone */
} Change;

static void
change_free (Change *change)
{
  g_free (change->db_path);
  g_clear_object (&change->secrets);
  g_free (change->kind);
  g_free (change->name);
  g_free (change->base_url);
  g_free (change->username);
  g_free (change->secret);
  g_free (change->uid);
  g_clear_error (&change->error);
  g_free (change);
}

static void
add_row_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Change *change = task_data;
  g_autoptr(CohortSourceInfo) info = NULL;
  GError *error = NULL;
  CohortDb *db = cohort_db_open (change->db_path, FALSE, &error);

  if (db == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  change->id = cohort_db_add_source (db, change->kind, change->name, change->base_url,
                                     change->username, &error);
  if (change->id != 0)
    info = cohort_db_find_source (db, change->name, &error);
  cohort_db_close (db);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  change->uid = g_strdup (info->uid);
  g_task_return_boolean (task, TRUE);
}

static void
remove_row_in_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  Change *change = task_data;
  GError *error = NULL;
  CohortDb *db = cohort_db_open (change->db_path, FALSE, &error);
  gboolean ok;

  if (db == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  ok = cohort_db_remove_source (db, change->id, &error);
  cohort_db_close (db);
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
undo_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Change *change = g_task_get_task_data (task);

  g_task_return_error (task, g_steal_pointer (&change->error));
}

static void
secret_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Change *change = g_task_get_task_data (task);
  GError *error = NULL;

  if (cohort_secret_store_store_finish (COHORT_SECRET_STORE (object), result, &error))
    {
      g_task_return_int (task, change->id);
      return;
    }
  {
    /* The keyring refused: take the row back so no source is left without its secret. */
    g_autoptr(GTask) undo = g_task_new (NULL, NULL, undo_done_cb, g_steal_pointer (&task));

    change->error = error;
    g_task_set_task_data (undo, change, NULL);
    g_task_run_in_thread (undo, remove_row_in_thread);
  }
}

static void
row_added_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Change *change = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* chatlog has no key: nothing goes to the keyring. */
  if (change->secret == NULL || *change->secret == '\0')
    {
      g_task_return_int (task, change->id);
      return;
    }
  cohort_secret_store_store_async (change->secrets, change->uid, change->name, change->secret,
                                   cancellable, secret_stored_cb, g_steal_pointer (&task));
}

void
cohort_source_add_async (const char          *db_path,
                         CohortSecretStore   *secrets,
                         const char          *kind,
                         const char          *name,
                         const char          *base_url,
                         const char          *username,
                         const char          *secret,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GTask) row = NULL;
  Change *change = g_new0 (Change, 1);

  change->db_path = g_strdup (db_path);
  change->secrets = g_object_ref (secrets);
  change->kind = g_strdup (kind);
  change->name = g_strdup (name);
  change->base_url = g_strdup (base_url);
  change->username = username && *username ? g_strdup (username) : NULL;
  change->secret = secret && *secret ? g_strdup (secret) : NULL;
  g_task_set_source_tag (task, cohort_source_add_async);
  g_task_set_task_data (task, change, (GDestroyNotify)change_free);

  row = g_task_new (NULL, cancellable, row_added_cb, g_steal_pointer (&task));
  g_task_set_task_data (row, change, NULL);
  g_task_run_in_thread (row, add_row_in_thread);
}

gint64
cohort_source_add_finish (GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_int (G_TASK (result), error);
}

static void
row_removed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
secret_cleared_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Change *change = g_task_get_task_data (task);
  g_autoptr(GTask) row = NULL;
  GError *error = NULL;

  /* The secret goes first: a row without a secret can be removed again, a secret without a
   * row would stay in the keyring forever. */
  if (!cohort_secret_store_clear_finish (COHORT_SECRET_STORE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  row = g_task_new (NULL, NULL, row_removed_cb, g_steal_pointer (&task));
  g_task_set_task_data (row, change, NULL);
  g_task_run_in_thread (row, remove_row_in_thread);
}

void
cohort_source_remove_async (const char             *db_path,
                            CohortSecretStore      *secrets,
                            const CohortSourceInfo *source,
                            GCancellable           *cancellable,
                            GAsyncReadyCallback     callback,
                            gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Change *change = g_new0 (Change, 1);

  change->db_path = g_strdup (db_path);
  change->id = source->id;
  g_task_set_source_tag (task, cohort_source_remove_async);
  g_task_set_task_data (task, change, (GDestroyNotify)change_free);
  if (!cohort_sync_kind_needs_secret (source->kind))
    {
      g_autoptr(GTask) row = g_task_new (NULL, NULL, row_removed_cb, g_steal_pointer (&task));

      g_task_set_task_data (row, change, NULL);
      g_task_run_in_thread (row, remove_row_in_thread);
      return;
    }
  cohort_secret_store_clear_async (secrets, source->uid, cancellable, secret_cleared_cb,
                                   g_steal_pointer (&task));
}

gboolean
cohort_source_remove_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
