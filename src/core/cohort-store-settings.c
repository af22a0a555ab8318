/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-store"

#include "config.h"

#include "cohort-store-settings.h"
#include "cohort-store-private.h"

#include <glib/gi18n-lib.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/*
 * The SQL of community settings.  The week start has had its own column since schema v1;
 * every other setting is a row of community_setting, written only when it differs from the
 * default, so that a later change of a default reaches every community that never chose.
 */

/* ------------------------------------------------------------------------------------------ */
/* Keys                                                                                        */

typedef enum
{
  KEY_WEEKDAY,
  KEY_INT,
  KEY_DOUBLE,
} KeyType;

typedef struct
{
  const char *key;
  KeyType     type;
  gsize       offset;
  double      min;
  double      max;
} SettingKey;

#define FIELD(f) offsetof (CohortCommunitySettings, f)

static const SettingKey setting_keys[] = {
  { "week-start", KEY_WEEKDAY, FIELD (week_start), 1, 7 },
  { "churn-watch-days", KEY_INT, FIELD (churn_watch_days), 1, 3650 },
  { "churn-warn-days", KEY_INT, FIELD (churn_warn_days), 1, 3650 },
  { "churn-high-days", KEY_INT, FIELD (churn_high_days), 1, 3650 },
  { "new-member-days", KEY_INT, FIELD (new_member_days), 1, 365 },
  { "fan-min-active-days", KEY_INT, FIELD (fan_min_active_days), 1, 30 },
  { "koc-min-score", KEY_DOUBLE, FIELD (koc_min_score), 0, 1 },
  { "koc-min-messages", KEY_INT, FIELD (koc_min_messages), 0, 100000 },
  { "koc-min-reach", KEY_INT, FIELD (koc_min_reach), 0, 100000 },
  { "koc-top-share", KEY_DOUBLE, FIELD (koc_top_share), 0, 1 },
  { "kol-min-followers", KEY_INT, FIELD (kol_min_followers), 0, 100000000 },
};

void
cohort_community_settings_init_default (CohortCommunitySettings *settings)
{
  g_return_if_fail (settings != NULL);

  *settings = (CohortCommunitySettings) {
    .week_start = 1,
    .churn_watch_days = 14,
    .churn_warn_days = 30,
    .churn_high_days = 60,
    .new_member_days = 30,
    .fan_min_active_days = 7,
    .koc_min_score = 0.75,
    .koc_min_messages = 20,
    .koc_min_reach = 5,
    .koc_top_share = 0.05,
    .kol_min_followers = 500,
  };
}

const char * const *
cohort_community_settings_keys (void)
{
  static const char *keys[G_N_ELEMENTS (setting_keys) + 1];

  if (keys[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (setting_keys); i++)
      keys[i] = setting_keys[i].key;
  return keys;
}

static const SettingKey *
find_key (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (setting_keys); i++)
    if (g_strcmp0 (setting_keys[i].key, key) == 0)
      return &setting_keys[i];
  return NULL;
}

static gboolean
parse_weekday (const char *value,
               int        *weekday)
{
  if (g_ascii_strcasecmp (value, "monday") == 0 || g_strcmp0 (value, "1") == 0)
    *weekday = 1;
  else if (g_ascii_strcasecmp (value, "sunday") == 0 || g_strcmp0 (value, "7") == 0 ||
           g_strcmp0 (value, "0") == 0)
    *weekday = 7;
  else
    return FALSE;
  return TRUE;
}

gboolean
cohort_community_settings_set (CohortCommunitySettings  *settings,
                               const char               *key,
                               const char               *value,
                               GError                  **error)
{
  const SettingKey *k = find_key (key);
  char *field = (char *)settings;
  char *end = NULL;
  double number;

  g_return_val_if_fail (settings != NULL, FALSE);

  if (k == NULL)
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                   _("There is no setting “%s”."), key ? key : "");
      return FALSE;
    }
  if (k->type == KEY_WEEKDAY)
    {
      if (value == NULL || !parse_weekday (value, (int *)(field + k->offset)))
        {
          g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA,
                       _("A week starts on monday or sunday, not “%s”."), value ? value : "");
          return FALSE;
        }
      return TRUE;
    }

  number = value != NULL ? g_ascii_strtod (value, &end) : 0;
  if (value == NULL || end == value || *end != '\0' || number < k->min || number > k->max ||
      (k->type == KEY_INT && number != (int)number))
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA,
                   k->type == KEY_INT ? _("%s takes a whole number from %g to %g, not “%s”.")
                                      : _("%s takes a number from %g to %g, not “%s”."),
                   k->key, k->min, k->max, value ? value : "");
      return FALSE;
    }
  if (k->type == KEY_INT)
    *(int *)(field + k->offset) = (int)number;
  else
    *(double *)(field + k->offset) = number;
  return TRUE;
}

char *
cohort_community_settings_get (const CohortCommunitySettings *settings,
                               const char                    *key)
{
  const SettingKey *k = find_key (key);
  const char *field = (const char *)settings;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (settings != NULL, NULL);

  if (k == NULL)
    return NULL;
  switch (k->type)
    {
    case KEY_WEEKDAY:
      return g_strdup (*(const int *)(field + k->offset) == 7 ? "sunday" : "monday");
    case KEY_INT:
      return g_strdup_printf ("%d", *(const int *)(field + k->offset));
    case KEY_DOUBLE:
    default:
      return g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", *(const double *)(field + k->offset)));
    }
}

gboolean
cohort_community_settings_validate (const CohortCommunitySettings  *settings,
                                    GError                        **error)
{
  g_return_val_if_fail (settings != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (setting_keys); i++)
    {
      g_autofree char *value = cohort_community_settings_get (settings, setting_keys[i].key);
      CohortCommunitySettings probe = *settings;

      if (!cohort_community_settings_set (&probe, setting_keys[i].key, value, error))
        return FALSE;
    }
  if (settings->week_start != 1 && settings->week_start != 7)
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA,
                   _("A week starts on monday or sunday."));
      return FALSE;
    }
  if (!(settings->churn_watch_days < settings->churn_warn_days &&
        settings->churn_warn_days < settings->churn_high_days))
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA,
                   _("The churn levels need more silent days each: slipping (%d) < warning (%d) "
                     "< high risk (%d)."),
                   settings->churn_watch_days, settings->churn_warn_days,
                   settings->churn_high_days);
      return FALSE;
    }
  return TRUE;
}

gboolean
cohort_community_settings_equal (const CohortCommunitySettings *a,
                                 const CohortCommunitySettings *b)
{
  for (guint i = 0; i < G_N_ELEMENTS (setting_keys); i++)
    {
      g_autofree char *va = cohort_community_settings_get (a, setting_keys[i].key);
      g_autofree char *vb = cohort_community_settings_get (b, setting_keys[i].key);

      if (g_strcmp0 (va, vb) != 0)
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Reading and writing settings                                                                */

static gboolean
community_exists (CohortDb  *db,
                  gint64     community,
                  int       *week_start,
                  GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  if (sqlite3_prepare_v2 (db->db, "SELECT week_start FROM community WHERE id = ?1", -1, &stmt,
                          NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "read week start");
  sqlite3_bind_int64 (stmt, 1, community);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      found = TRUE;
      if (week_start != NULL)
        *week_start = sqlite3_column_int (stmt, 0) == 1 ? 1 : 7;
    }
  sqlite3_finalize (stmt);
  if (!found)
    g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                 "There is no community %" G_GINT64_FORMAT ".", community);
  return found;
}

gboolean
cohort_db_get_community_settings (CohortDb                 *db,
                                  gint64                    community,
                                  CohortCommunitySettings  *settings,
                                  GError                  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  cohort_db_assert_owner (db);
  g_return_val_if_fail (settings != NULL, FALSE);

  cohort_community_settings_init_default (settings);
  if (!community_exists (db, community, &settings->week_start, error))
    return FALSE;
  if (sqlite3_prepare_v2 (db->db, "SELECT key, value FROM community_setting WHERE community = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "read settings");
  sqlite3_bind_int64 (stmt, 1, community);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *)sqlite3_column_text (stmt, 0);
      const char *value = (const char *)sqlite3_column_text (stmt, 1);
      CohortCommunitySettings probe = *settings;

      /* A key a later version wrote, or a value it allowed, leaves the default in place. */
      if (cohort_community_settings_set (&probe, key, value, NULL))
        *settings = probe;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "read settings");
  /* Levels written one by one by an older client could cross; the defaults never do. */
  if (!cohort_community_settings_validate (settings, NULL))
    {
      int week_start = settings->week_start;

      cohort_community_settings_init_default (settings);
      settings->week_start = week_start;
    }
  return TRUE;
}

static gboolean
write_settings (CohortDb                      *db,
                gint64                         community,
                const CohortCommunitySettings *settings)
{
  CohortCommunitySettings defaults;
  sqlite3_stmt *week = NULL, *clear = NULL, *insert = NULL;
  gboolean ok = FALSE;

  cohort_community_settings_init_default (&defaults);
  if (sqlite3_prepare_v2 (db->db, "UPDATE community SET week_start = ?2 WHERE id = ?1", -1,
                          &week, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db->db, "DELETE FROM community_setting WHERE community = ?1", -1,
                          &clear, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db->db,
                          "INSERT INTO community_setting (community, key, value) VALUES (?1, ?2, ?3)",
                          -1, &insert, NULL) != SQLITE_OK)
    goto out;

  sqlite3_bind_int64 (week, 1, community);
  sqlite3_bind_int (week, 2, settings->week_start);
  sqlite3_bind_int64 (clear, 1, community);
  if (sqlite3_step (week) != SQLITE_DONE || sqlite3_step (clear) != SQLITE_DONE)
    goto out;

  for (guint i = 0; i < G_N_ELEMENTS (setting_keys); i++)
    {
      g_autofree char *value = NULL;
      g_autofree char *fallback = NULL;

      if (setting_keys[i].type == KEY_WEEKDAY)
        continue;
      value = cohort_community_settings_get (settings, setting_keys[i].key);
      fallback = cohort_community_settings_get (&defaults, setting_keys[i].key);
      if (g_strcmp0 (value, fallback) == 0)
        continue;
      sqlite3_reset (insert);
      sqlite3_bind_int64 (insert, 1, community);
      sqlite3_bind_text (insert, 2, setting_keys[i].key, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 3, value, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (insert) != SQLITE_DONE)
        goto out;
    }
  ok = TRUE;

out:
  sqlite3_finalize (week);
  sqlite3_finalize (clear);
  sqlite3_finalize (insert);
  return ok;
}

gboolean
cohort_db_set_community_settings (CohortDb                       *db,
                                  gint64                          community,
                                  const CohortCommunitySettings  *settings,
                                  GError                        **error)
{
  cohort_db_assert_owner (db);
  g_return_val_if_fail (!db->read_only, FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);

  if (!cohort_community_settings_validate (settings, error))
    return FALSE;
  if (!cohort_db_begin_write (db, error))
    return FALSE;
  if (!community_exists (db, community, NULL, error))
    goto fail;
  if (!write_settings (db, community, settings))
    {
      cohort_db_set_sql_error (db, error, "write settings");
      goto fail;
    }
  return cohort_db_exec (db, "COMMIT", error) || (cohort_db_exec (db, "ROLLBACK", NULL), FALSE);

fail:
  cohort_db_exec (db, "ROLLBACK", NULL);
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Mechanical-reply rules                                                                      */

void
cohort_mech_rule_free (CohortMechRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->text);
  g_free (rule);
}

/* text → the rule (CohortMechRule*, owned by rules) */
static GPtrArray *
load_rules (CohortDb    *db,
            gint64       community,
            GHashTable **index,
            GError     **error)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_mech_rule_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db->db,
                          "SELECT text, mechanical FROM mech_rule WHERE community = ?1 "
                          "ORDER BY mechanical DESC, text",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "read rules"), NULL;
  sqlite3_bind_int64 (stmt, 1, community);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CohortMechRule *rule = g_new0 (CohortMechRule, 1);

      rule->text = cohort_db_column_strdup (stmt, 0);
      rule->mechanical = sqlite3_column_int (stmt, 1) != 0;
      rule->matches = -1;
      g_ptr_array_add (rules, rule);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "read rules"), NULL;

  *index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < rules->len; i++)
    {
      CohortMechRule *rule = rules->pdata[i];

      g_hash_table_insert (*index, rule->text, rule);
    }
  return g_steal_pointer (&rules);
}

typedef enum
{
  REASON_KEEP,
  REASON_CUSTOM,
  REASON_CLEAR,
} ReasonChange;

typedef struct
{
  gint64       id;
  gboolean     is_mech;
  ReasonChange reason;
} Remark;

/*
 * Visits the non-system messages of a community (of one import run when run is not 0) and,
 * with remarks, collects every one whose is_mech must change under the rules; with count,
 * counts each rule's matches.  The built-in verdict is mech_reason unless that is CUSTOM.
 */
static gboolean
visit_messages (CohortDb                *db,
                gint64                   community,
                gint64                   run,
                GHashTable              *rules,
                CohortTextNormalizeFunc  normalize,
                GArray                  *remarks,
                gboolean                 count,
                GError                 **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db->db,
                          "SELECT id, text, is_mech, mech_reason FROM message "
                          "WHERE community = ?1 AND kind != ?2 AND (?3 = 0 OR import_run = ?3)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "read messages");
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_int (stmt, 2, COHORT_MESSAGE_SYSTEM);
  sqlite3_bind_int64 (stmt, 3, run);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *text = (const char *)sqlite3_column_text (stmt, 1);
      gboolean is_mech = sqlite3_column_int (stmt, 2) != 0;
      const char *reason = (const char *)sqlite3_column_text (stmt, 3);
      gboolean custom = g_strcmp0 (reason, COHORT_MECH_REASON_CUSTOM) == 0;
      gboolean builtin = reason != NULL && !custom;
      CohortMechRule *rule = NULL;
      gboolean want;

      if (text != NULL && text[0] != '\0' && g_hash_table_size (rules) > 0)
        {
          g_autofree char *t = normalize (text);

          rule = g_hash_table_lookup (rules, t);
        }
      if (count && rule != NULL)
        rule->matches++;
      if (remarks == NULL)
        continue;

      want = rule != NULL ? rule->mechanical : builtin;
      if (want != is_mech || (custom && !want) || (!builtin && want && !custom))
        {
          Remark r = { sqlite3_column_int64 (stmt, 0), want, REASON_KEEP };

          if (!builtin)
            r.reason = want ? REASON_CUSTOM : REASON_CLEAR;
          g_array_append_val (remarks, r);
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "read messages");
  return TRUE;
}

static gboolean
write_remarks (CohortDb  *db,
               GArray    *remarks,
               GError   **error)
{
  sqlite3_stmt *stmt = NULL;

  if (remarks->len == 0)
    return TRUE;
  if (sqlite3_prepare_v2 (db->db,
                          "UPDATE message SET is_mech = ?2, mech_reason = CASE ?3 "
                          "WHEN 0 THEN mech_reason WHEN 1 THEN ?4 ELSE NULL END WHERE id = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "mark messages");
  for (guint i = 0; i < remarks->len; i++)
    {
      const Remark *r = &g_array_index (remarks, Remark, i);

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, r->id);
      sqlite3_bind_int (stmt, 2, r->is_mech ? 1 : 0);
      sqlite3_bind_int (stmt, 3, r->reason);
      sqlite3_bind_text (stmt, 4, COHORT_MECH_REASON_CUSTOM, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          sqlite3_finalize (stmt);
          return cohort_db_set_sql_error (db, error, "mark messages");
        }
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

/* Inside the caller's transaction.  With rules_out, the same pass counts each rule's
 * matches and hands the rules over. */
static gboolean
remark_community (CohortDb                 *db,
                  gint64                    community,
                  gint64                    run,
                  CohortTextNormalizeFunc   normalize,
                  GPtrArray               **rules_out,
                  GError                  **error)
{
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GPtrArray) rules = load_rules (db, community, &index, error);
  g_autoptr(GArray) remarks = g_array_new (FALSE, FALSE, sizeof (Remark));

  if (rules == NULL)
    return FALSE;
  for (guint i = 0; rules_out != NULL && i < rules->len; i++)
    ((CohortMechRule *)rules->pdata[i])->matches = 0;
  if (!visit_messages (db, community, run, index, normalize, remarks, rules_out != NULL, error) ||
      !write_remarks (db, remarks, error))
    return FALSE;
  /* the snapshot holds is_mech: a cached one is stale once any message changed */
  if (remarks->len > 0 && !_cohort_db_bump_generation (db, community, error))
    return FALSE;
  if (rules_out != NULL)
    *rules_out = g_steal_pointer (&rules);
  return TRUE;
}

GPtrArray *
cohort_db_list_mech_rules (CohortDb                 *db,
                           gint64                    community,
                           CohortTextNormalizeFunc   normalize,
                           GError                  **error)
{
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GPtrArray) rules = NULL;

  cohort_db_assert_owner (db);

  if (!community_exists (db, community, NULL, error) ||
      !(rules = load_rules (db, community, &index, error)))
    return NULL;
  if (normalize != NULL && rules->len > 0)
    {
      for (guint i = 0; i < rules->len; i++)
        ((CohortMechRule *)rules->pdata[i])->matches = 0;
      if (!visit_messages (db, community, 0, index, normalize, NULL, TRUE, error))
        return NULL;
    }
  return g_steal_pointer (&rules);
}

static char *
normalize_rule_text (const char               *text,
                     CohortTextNormalizeFunc   normalize,
                     GError                  **error)
{
  g_autofree char *t = text != NULL && g_utf8_validate (text, -1, NULL) ? normalize (text) : NULL;

  if (t == NULL || t[0] == '\0')
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_INVALID_DATA,
                   _("“%s” is empty once normalised: there is nothing to match."),
                   text != NULL && g_utf8_validate (text, -1, NULL) ? text : "");
      return NULL;
    }
  return g_steal_pointer (&t);
}

static gboolean
change_rule (CohortDb                 *db,
             gint64                    community,
             const char               *text,
             gboolean                  add,
             gboolean                  mechanical,
             CohortTextNormalizeFunc   normalize,
             GPtrArray               **rules,
             GError                  **error)
{
  g_autofree char *t = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean changed;

  cohort_db_assert_owner (db);
  g_return_val_if_fail (!db->read_only, FALSE);
  g_return_val_if_fail (normalize != NULL, FALSE);

  if (!(t = normalize_rule_text (text, normalize, error)))
    return FALSE;
  if (!cohort_db_begin_write (db, error))
    return FALSE;
  if (!community_exists (db, community, NULL, error))
    goto fail;

  /* A new rule gets a new id (never reused), which is what tells a page's cached snapshot
   * that the rules changed (cohort_db_community_fingerprint). */
  if (sqlite3_prepare_v2 (db->db, "DELETE FROM mech_rule WHERE community = ?1 AND text = ?2",
                          -1, &stmt, NULL) != SQLITE_OK)
    goto sql_fail;
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_text (stmt, 2, t, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    goto sql_fail;
  changed = sqlite3_changes (db->db) > 0;
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!add && !changed)
    {
      g_set_error (error, COHORT_STORE_ERROR, COHORT_STORE_ERROR_NOT_FOUND,
                   _("There is no rule for “%s”."), t);
      goto fail;
    }
  if (add)
    {
      if (sqlite3_prepare_v2 (db->db,
                              "INSERT INTO mech_rule (community, text, mechanical, created_ts) "
                              "VALUES (?1, ?2, ?3, strftime('%s','now'))",
                              -1, &stmt, NULL) != SQLITE_OK)
        goto sql_fail;
      sqlite3_bind_int64 (stmt, 1, community);
      sqlite3_bind_text (stmt, 2, t, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, mechanical ? 1 : 0);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        goto sql_fail;
      g_clear_pointer (&stmt, sqlite3_finalize);
    }
  if (!remark_community (db, community, 0, normalize, rules, error))
    goto fail;
  return cohort_db_exec (db, "COMMIT", error) || (cohort_db_exec (db, "ROLLBACK", NULL), FALSE);

sql_fail:
  cohort_db_set_sql_error (db, error, "change rule");
fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  cohort_db_exec (db, "ROLLBACK", NULL);
  return FALSE;
}

gboolean
cohort_db_set_mech_rule (CohortDb                 *db,
                         gint64                    community,
                         const char               *text,
                         gboolean                  mechanical,
                         CohortTextNormalizeFunc   normalize,
                         GPtrArray               **rules,
                         GError                  **error)
{
  return change_rule (db, community, text, TRUE, mechanical, normalize, rules, error);
}

gboolean
cohort_db_delete_mech_rule (CohortDb                 *db,
                            gint64                    community,
                            const char               *text,
                            CohortTextNormalizeFunc   normalize,
                            GPtrArray               **rules,
                            GError                  **error)
{
  return change_rule (db, community, text, FALSE, FALSE, normalize, rules, error);
}

gboolean
cohort_import_tx_apply_mech_rules (CohortImportTx           *tx,
                                   CohortTextNormalizeFunc   normalize,
                                   GError                  **error)
{
  CohortDb *db = _cohort_import_tx_get_db (tx);
  g_autoptr(GArray) communities = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 run = cohort_import_tx_get_run (tx);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (normalize != NULL, FALSE);

  if (sqlite3_prepare_v2 (db->db, "SELECT DISTINCT community FROM mech_rule", -1, &stmt,
                          NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "read rules");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (communities, id);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "read rules");

  for (guint i = 0; i < communities->len; i++)
    if (!remark_community (db, g_array_index (communities, gint64, i), run, normalize, NULL,
                           error))
      return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Staff and bot lists                                                                         */

void
cohort_member_ref_free (CohortMemberRef *member)
{
  if (member == NULL)
    return;
  g_free (member->uid);
  g_free (member->name);
  g_free (member);
}

static GPtrArray *
query_members (CohortDb      *db,
               const char    *sql,
               gint64         community,
               const char    *pattern,
               guint          limit,
               GError       **error)
{
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_member_ref_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  cohort_db_assert_owner (db);

  if (sqlite3_prepare_v2 (db->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "list members"), NULL;
  sqlite3_bind_int64 (stmt, 1, community);
  if (pattern != NULL)
    sqlite3_bind_text (stmt, 2, pattern, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CohortMemberRef *member = g_new0 (CohortMemberRef, 1);

      member->uid = cohort_db_column_strdup (stmt, 0);
      member->name = cohort_db_column_strdup (stmt, 1);
      member->is_staff = sqlite3_column_int (stmt, 2) != 0;
      member->is_bot = sqlite3_column_int (stmt, 3) != 0;
      g_ptr_array_add (members, member);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "list members"), NULL;
  return g_steal_pointer (&members);
}

GPtrArray *
cohort_db_list_flagged_members (CohortDb  *db,
                                gint64     community,
                                GError   **error)
{
  return query_members (db,
                        "SELECT platform_uid, display_name, is_staff, is_bot FROM member "
                        "WHERE community = ?1 AND (is_staff != 0 OR is_bot != 0) AND ?2 IS NULL "
                        "ORDER BY coalesce(display_name, platform_uid), platform_uid LIMIT ?3",
                        community, NULL, G_MAXINT, error);
}

GPtrArray *
cohort_db_search_members (CohortDb    *db,
                          gint64       community,
                          const char  *query,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(GString) pattern = g_string_new ("%");

  g_return_val_if_fail (query != NULL, NULL);

  /* LIKE wildcards in the query are literal characters */
  for (const char *p = query; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return query_members (db,
                        "SELECT platform_uid, display_name, is_staff, is_bot FROM member "
                        "WHERE community = ?1 AND (display_name LIKE ?2 ESCAPE '\\' "
                        "OR platform_uid LIKE ?2 ESCAPE '\\') "
                        "ORDER BY coalesce(display_name, platform_uid), platform_uid LIMIT ?3",
                        community, pattern->str, limit, error);
}
