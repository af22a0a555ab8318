/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-member-loader"

#include "config.h"

#include "cohort-member-loader.h"

#include "cohort-csv-writer.h"
#include "cohort-settings.h"

#include <glib/gi18n.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* Data                                                                                        */

static void
members_data_clear (CohortMembersData *data)
{
  g_clear_pointer (&data->snapshot, cohort_snapshot_free);
  g_clear_pointer (&data->extras, cohort_member_extras_free);
  g_clear_pointer (&data->table, cohort_member_table_free);
  g_clear_pointer (&data->haystack, g_strfreev);
  g_clear_pointer (&data->collate, g_strfreev);
}

CohortMembersData *
cohort_members_data_ref (CohortMembersData *data)
{
  g_return_val_if_fail (data != NULL, NULL);
  return g_atomic_rc_box_acquire (data);
}

void
cohort_members_data_unref (CohortMembersData *data)
{
  if (data != NULL)
    g_atomic_rc_box_release_full (data, (GDestroyNotify)members_data_clear);
}

/* Search text and sort keys, once per load rather than once per keystroke. */
static void
index_members (CohortMembersData *data)
{
  CohortSnapshot *s = data->snapshot;

  data->haystack = g_new0 (char *, s->n_members + 1);
  data->collate = g_new0 (char *, s->n_members + 1);
  for (guint m = 0; m < s->n_members; m++)
    {
      g_autoptr(GString) text = g_string_new (s->member_name[m]);
      char **tags = data->extras->tags[m];

      g_string_append_c (text, '\n');
      g_string_append (text, s->member_uid[m]);
      for (guint t = 0; tags != NULL && tags[t] != NULL; t++)
        g_string_append_printf (text, "\n%s", tags[t]);
      data->haystack[m] = g_utf8_casefold (text->str, -1);
      data->collate[m] = g_utf8_collate_key (s->member_name[m] ? s->member_name[m] : "", -1);
    }
}

CohortMembersData *
cohort_members_data_load (const char                *db_path,
                          gint64                     community,
                          int                        asof,
                          gint64                     now,
                          const CohortSegmentParams *params,
                          GError                   **error)
{
  g_autoptr(CohortMembersData) data = g_atomic_rc_box_new0 (CohortMembersData);
  CohortCommunitySettings settings;
  CohortSegmentParams community_params;
  CohortDb *db;

  g_return_val_if_fail (db_path != NULL, NULL);

  cohort_community_settings_init_default (&settings);
  if (!(db = cohort_db_open (db_path, TRUE, error)))
    return NULL;
  data->community = community;
  data->snapshot = cohort_db_load_snapshot (db, community, error);
  if (data->snapshot != NULL && cohort_settings_load (db, community, &settings, error))
    data->extras = cohort_db_load_member_extras (db, community, data->snapshot, error);
  cohort_db_close (db);
  /* The community's Settings, unless the caller brings thresholds of its own. */
  if (params == NULL)
    {
      cohort_settings_segment_params (&settings, &community_params);
      params = &community_params;
    }
  if (data->extras == NULL)
    return NULL;

  data->asof = asof != COHORT_DAY_NONE ? asof
                                       : cohort_snapshot_local_day (data->snapshot, now) - 1;
  data->table = cohort_member_table_compute (data->snapshot, data->asof, params,
                                             data->extras->invites, data->extras->orders,
                                             data->extras->reach);
  index_members (data);
  return g_steal_pointer (&data);
}

typedef struct
{
  char               *db_path;
  gint64              community;
  gint64              now;
  CohortSegmentParams params;
  gboolean            has_params;
} LoadRequest;

static void
load_request_free (LoadRequest *req)
{
  g_free (req->db_path);
  g_free (req);
}

static void
load_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  LoadRequest *req = task_data;
  GError *error = NULL;
  CohortMembersData *data;

  data = cohort_members_data_load (req->db_path, req->community, COHORT_DAY_NONE, req->now,
                                   req->has_params ? &req->params : NULL, &error);
  if (data == NULL)
    g_task_return_error (task, error);
  else if (g_task_return_error_if_cancelled (task))
    cohort_members_data_unref (data);
  else
    g_task_return_pointer (task, data, (GDestroyNotify)cohort_members_data_unref);
}

void
cohort_members_data_load_async (const char                *db_path,
                                gint64                     community,
                                gint64                     now,
                                const CohortSegmentParams *params,
                                GCancellable              *cancellable,
                                GAsyncReadyCallback        callback,
                                gpointer                   user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadRequest *req = g_new0 (LoadRequest, 1);

  req->db_path = g_strdup (db_path);
  req->community = community;
  req->now = now;
  if (params != NULL)
    {
      req->params = *params;
      req->has_params = TRUE;
    }
  g_task_set_source_tag (task, cohort_members_data_load_async);
  g_task_set_task_data (task, req, (GDestroyNotify)load_request_free);
  g_task_run_in_thread (task, load_in_thread);
}

CohortMembersData *
cohort_members_data_load_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* Queries                                                                                     */

static const char * const sort_ids[] = {
  [COHORT_MEMBER_SORT_NAME] = "name",
  [COHORT_MEMBER_SORT_MESSAGES] = "messages",
  [COHORT_MEMBER_SORT_ACTIVE_DAYS] = "active-days",
  [COHORT_MEMBER_SORT_LAST_SEEN] = "last-seen",
  [COHORT_MEMBER_SORT_TENURE] = "tenure",
  [COHORT_MEMBER_SORT_SCORE] = "score",
  [COHORT_MEMBER_SORT_POINTS] = "points",
  [COHORT_MEMBER_SORT_SILENT] = "silent-days",
};

const char *
cohort_member_sort_id (CohortMemberSort sort)
{
  return sort < G_N_ELEMENTS (sort_ids) ? sort_ids[sort] : NULL;
}

gboolean
cohort_member_sort_from_id (const char       *id,
                            CohortMemberSort *sort)
{
  for (guint i = 0; i < G_N_ELEMENTS (sort_ids); i++)
    if (g_strcmp0 (id, sort_ids[i]) == 0)
      {
        *sort = i;
        return TRUE;
      }
  return FALSE;
}

void
cohort_member_query_init (CohortMemberQuery *query)
{
  g_return_if_fail (query != NULL);

  *query = (CohortMemberQuery) {
    .lifecycle = -1, .tier = -1, .churn = -1, .rfm = -1, .rfm8 = -1,
    .kind = COHORT_MEMBER_KIND_ANY, .sort = COHORT_MEMBER_SORT_MESSAGES, .descending = TRUE,
  };
}

static gboolean
has_tag (char       **tags,
         const char  *tag)
{
  return tags != NULL && g_strv_contains ((const char * const *)tags, tag);
}

static gboolean
kind_matches (const CohortMemberRow *row,
              CohortSnapshot        *s,
              CohortMemberKind       kind)
{
  switch (kind)
    {
    case COHORT_MEMBER_KIND_COUNTED:
      return row->counted;
    case COHORT_MEMBER_KIND_STAFF:
      return s->member_is_staff[row->member];
    case COHORT_MEMBER_KIND_BOT:
      return s->member_is_bot[row->member];
    case COHORT_MEMBER_KIND_PRESENT:
      return row->counted && row->present;
    case COHORT_MEMBER_KIND_ANY:
    default:
      return TRUE;
    }
}

static gboolean
row_matches (CohortMembersData       *data,
             const CohortMemberRow   *row,
             const CohortMemberQuery *q,
             const char              *needle)
{
  if ((q->lifecycle >= 0 && (int)row->lifecycle != q->lifecycle) ||
      (q->tier >= 0 && (int)row->tier != q->tier) ||
      (q->churn >= 0 && (int)row->churn != q->churn) ||
      (q->rfm >= 0 && (int)row->rfm_segment != q->rfm) ||
      (q->rfm8 >= 0 && (int)row->rfm8 != q->rfm8))
    return FALSE;
  if (q->tag != NULL && !has_tag (data->extras->tags[row->member], q->tag))
    return FALSE;
  if (!kind_matches (row, data->snapshot, q->kind))
    return FALSE;
  return needle == NULL || strstr (data->haystack[row->member], needle) != NULL;
}

static gint64
sort_key (CohortMembersData *data,
          guint              m,
          CohortMemberSort   sort)
{
  const CohortMemberRow *row = &data->table->rows[m];

  switch (sort)
    {
    case COHORT_MEMBER_SORT_MESSAGES:
      return row->messages;
    case COHORT_MEMBER_SORT_ACTIVE_DAYS:
      return row->active_days;
    case COHORT_MEMBER_SORT_LAST_SEEN:
      return row->last_day;
    case COHORT_MEMBER_SORT_TENURE:
      return row->tenure;
    case COHORT_MEMBER_SORT_SCORE:
      /* scores are multiples of 1/(2|S|) ≥ 1e-6 apart at 100k members; unscored last */
      return row->koc_scored ? (gint64)(row->koc_score * 1e9 + 0.5) : -1;
    case COHORT_MEMBER_SORT_POINTS:
      return row->points;
    case COHORT_MEMBER_SORT_SILENT:
      return row->silent_days;
    case COHORT_MEMBER_SORT_NAME:
    case COHORT_MEMBER_N_SORTS:
    default:
      return 0;
    }
}

typedef struct
{
  guint  member;
  gint64 key;
} SortItem;

static int
compare_items (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const SortItem *x = a, *y = b;
  const CohortMemberQuery *q = ((gpointer *)user_data)[0];
  CohortMembersData *data = ((gpointer *)user_data)[1];
  int c;

  if (q->sort == COHORT_MEMBER_SORT_NAME)
    c = strcmp (data->collate[x->member], data->collate[y->member]);
  else
    c = x->key < y->key ? -1 : x->key > y->key;
  if (q->descending)
    c = -c;
  /* ties in snapshot order, so the list is stable between reloads */
  return c != 0 ? c : (x->member < y->member ? -1 : x->member > y->member);
}

GArray *
cohort_members_data_query (CohortMembersData       *data,
                           const CohortMemberQuery *query)
{
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (SortItem));
  g_autofree char *needle = NULL;
  gpointer ctx[2] = { (gpointer)query, data };
  GArray *out;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (query->search != NULL && *query->search != '\0')
    needle = g_utf8_casefold (query->search, -1);
  for (guint m = 0; m < data->table->n_rows; m++)
    if (row_matches (data, &data->table->rows[m], query, needle))
      g_array_append_val (items, ((SortItem) { m, sort_key (data, m, query->sort) }));

  g_qsort_with_data (items->data, items->len, sizeof (SortItem), compare_items, ctx);
  out = g_array_sized_new (FALSE, FALSE, sizeof (guint), items->len);
  for (guint i = 0; i < items->len; i++)
    g_array_append_val (out, g_array_index (items, SortItem, i).member);
  return out;
}

/* ------------------------------------------------------------------------------------------ */
/* CSV                                                                                         */

static void
append_day (GString *line,
            int      day)
{
  if (day == COHORT_DAY_NONE)
    cohort_csv_append_field (line, NULL);
  else
    cohort_csv_append_day (line, day);
}

static const char *
churn_name (CohortChurnLevel level)
{
  switch (level)
    {
    case COHORT_CHURN_WATCH:
      return C_("churn level", "Slipping");
    case COHORT_CHURN_WARN:
      return C_("churn level", "Warning");
    case COHORT_CHURN_HIGH:
      return C_("churn level", "High risk");
    case COHORT_CHURN_NONE:
    default:
      return "";
    }
}

static void
append_row (CohortMembersData *data,
            guint              m,
            GString           *line)
{
  const CohortMemberRow *row = &data->table->rows[m];
  CohortSnapshot *s = data->snapshot;
  g_autofree char *tags = data->extras->tags[m] ? g_strjoinv (", ", data->extras->tags[m]) : NULL;
  g_autofree char *score = row->koc_scored ? g_strdup_printf ("%.4f", row->koc_score) : NULL;

  cohort_csv_append_field (line, s->member_uid[m]);
  cohort_csv_append_field (line, s->member_name[m]);
  cohort_csv_append_field (line, s->member_is_staff[m] ? "1" : "0");
  cohort_csv_append_field (line, s->member_is_bot[m] ? "1" : "0");
  cohort_csv_append_field (line, row->present ? "1" : "0");
  cohort_csv_append_int (line, row->messages);
  cohort_csv_append_int (line, row->genuine);
  cohort_csv_append_int (line, row->active_days);
  append_day (line, row->join_day);
  append_day (line, row->last_day);
  if (row->tenure >= 0)
    cohort_csv_append_int (line, row->tenure);
  else
    cohort_csv_append_field (line, NULL);
  if (row->silent_days >= 0)
    cohort_csv_append_int (line, row->silent_days);
  else
    cohort_csv_append_field (line, NULL);
  cohort_csv_append_field (line, churn_name (row->churn));
  cohort_csv_append_field (line, row->lifecycle != COHORT_LIFECYCLE_UNKNOWN
                      ? cohort_lifecycle_name (row->lifecycle) : NULL);
  cohort_csv_append_field (line, row->tier != COHORT_TIER_NONE ? cohort_tier_name (row->tier) : NULL);
  cohort_csv_append_field (line, score);
  cohort_csv_append_field (line, row->is_koc ? "1" : "0");
  cohort_csv_append_field (line, row->is_kol ? "1" : "0");
  cohort_csv_append_field (line, row->rfm_segment != COHORT_RFM_NONE
                      ? cohort_rfm_segment_name (row->rfm_segment) : NULL);
  cohort_csv_append_field (line, row->rfm8 != COHORT_RFM8_NONE ? cohort_rfm8_name (row->rfm8) : NULL);
  cohort_csv_append_int (line, row->points);
  cohort_csv_append_int (line, row->invites);
  cohort_csv_append_int (line, row->orders);
  {
    g_autofree char *amount = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", row->revenue_cents / 100,
                                               (int)(ABS (row->revenue_cents) % 100));

    cohort_csv_append_field (line, amount);
  }
  cohort_csv_append_field (line, tags);
  g_string_append (line, "\r\n");
}

gboolean
cohort_members_data_write_csv (CohortMembersData  *data,
                               const GArray       *rows,
                               GOutputStream      *out,
                               GCancellable       *cancellable,
                               GError            **error)
{
  /* the context keeps short words apart from the same words elsewhere in the app */
  const char *headers[] = {
    NC_("member column", "ID"),
    NC_("member column", "Name"),
    NC_("member column", "Staff"),
    NC_("member column", "Bot"),
    NC_("member column", "Member"),
    NC_("member column", "Messages"),
    NC_("member column", "Genuine messages"),
    NC_("member column", "Active days"),
    NC_("member column", "Joined"),
    NC_("member column", "Last seen"),
    NC_("member column", "Tenure (days)"),
    NC_("member column", "Silent days"),
    NC_("member column", "Churn warning"),
    NC_("member column", "Lifecycle"),
    NC_("member column", "Engagement"),
    NC_("member column", "KOC score"),
    NC_("member column", "KOC"),
    NC_("member column", "KOL"),
    NC_("member column", "RFM segment"),
    NC_("member column", "RFM (median view)"),
    NC_("member column", "Points (90 days)"),
    NC_("member column", "Valid invitees"),
    NC_("member column", "Paid orders (365 days)"),
    NC_("member column", "Paid amount (365 days)"),
    NC_("member column", "Tags"),
  };
  g_autoptr(GString) line = g_string_new ("\xEF\xBB\xBF");   /* BOM: spreadsheets read UTF-8 */

  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (rows != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      if (i > 0)
        g_string_append_c (line, ',');
      g_string_append (line, g_dpgettext2 (NULL, "member column", headers[i]));
    }
  g_string_append (line, "\r\n");

  for (guint i = 0; i < rows->len; i++)
    {
      append_row (data, g_array_index (rows, guint, i), line);
      if (line->len > 65536 || i + 1 == rows->len)
        {
          if (!g_output_stream_write_all (out, line->str, line->len, NULL, cancellable, error))
            return FALSE;
          g_string_truncate (line, 0);
        }
    }
  if (line->len > 0 && !g_output_stream_write_all (out, line->str, line->len, NULL, cancellable, error))
    return FALSE;
  return g_output_stream_close (out, cancellable, error);
}

gboolean
cohort_members_data_save_csv (CohortMembersData  *data,
                              const GArray       *rows,
                              GFile              *file,
                              GError            **error)
{
  g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE,
                                                     NULL, error);

  if (out == NULL)
    return FALSE;
  return cohort_members_data_write_csv (data, rows, G_OUTPUT_STREAM (out), NULL, error);
}
