/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-store"

#include "config.h"

#include "cohort-store-csv.h"

#include "cohort-store-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Remembered mappings                                                                         */

static char *
load_mapping (CohortDb   *db,
              const char *signature)
{
  sqlite3_stmt *stmt = NULL;
  char *mapping = NULL;

  if (sqlite3_prepare_v2 (db->db, "SELECT mapping FROM csv_mapping WHERE signature = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, signature, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    mapping = cohort_db_column_strdup (stmt, 0);
  sqlite3_finalize (stmt);
  return mapping;
}

static gboolean
save_mapping (CohortDb    *db,
              const char  *signature,
              const char  *mapping,
              GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db->db,
                          "INSERT INTO csv_mapping (signature, mapping, updated_ts) "
                          "VALUES (?1, ?2, strftime('%s','now')) "
                          "ON CONFLICT (signature) DO UPDATE SET mapping = excluded.mapping, "
                          "updated_ts = excluded.updated_ts WHERE mapping != excluded.mapping",
                          -1, &stmt, NULL) != SQLITE_OK)
    return cohort_db_set_sql_error (db, error, "save CSV mapping");
  sqlite3_bind_text (stmt, 1, signature, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, mapping, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "save CSV mapping");
  return TRUE;
}

char *
cohort_import_tx_load_csv_mapping (CohortImportTx *tx,
                                   const char     *signature)
{
  return load_mapping (_cohort_import_tx_get_db (tx), signature);
}

gboolean
cohort_import_tx_save_csv_mapping (CohortImportTx  *tx,
                                   const char      *signature,
                                   const char      *mapping,
                                   GError         **error)
{
  return save_mapping (_cohort_import_tx_get_db (tx), signature, mapping, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Orders                                                                                      */

struct _CohortOrderWriter
{
  CohortImportTx *tx;      /* borrowed: the writer lives inside its transaction */
  sqlite3_stmt   *insert;  /* owned */
};

CohortOrderWriter *
cohort_order_writer_new (CohortImportTx  *tx,
                         GError         **error)
{
  CohortDb *db = _cohort_import_tx_get_db (tx);
  g_autofree CohortOrderWriter *writer = g_new0 (CohortOrderWriter, 1);

  writer->tx = tx;
  /* The WHERE makes an unchanged row a no-op, so changes() counts only real news. */
  if (sqlite3_prepare_v2 (db->db,
                          "INSERT INTO orders (community, platform_order_id, member, ts, amount, "
                          "status, campaign, channel, import_run) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                          "ON CONFLICT (community, platform_order_id) DO UPDATE SET "
                          "status = excluded.status, amount = excluded.amount "
                          "WHERE status != excluded.status OR amount != excluded.amount",
                          -1, &writer->insert, NULL) != SQLITE_OK)
    {
      cohort_db_set_sql_error (db, error, "add order");
      sqlite3_finalize (writer->insert);
      return NULL;
    }
  return g_steal_pointer (&writer);
}

void
cohort_order_writer_free (CohortOrderWriter *writer)
{
  if (writer == NULL)
    return;
  sqlite3_finalize (writer->insert);
  g_free (writer);
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           col,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, col, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, col);
}

gboolean
cohort_order_writer_add (CohortOrderWriter  *writer,
                         gint64              community,
                         const char         *order_id,
                         const char         *member_uid,
                         gint64              ts,
                         double              amount,
                         const char         *status,
                         const char         *campaign,
                         const char         *channel,
                         GError            **error)
{
  CohortDb *db = _cohort_import_tx_get_db (writer->tx);
  sqlite3_stmt *stmt = writer->insert;
  gint64 member = 0;

  g_return_val_if_fail (order_id != NULL && status != NULL, FALSE);

  if (member_uid != NULL &&
      (member = _cohort_import_tx_ensure_member (writer->tx, community, member_uid, error)) == 0)
    return FALSE;
  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, community);
  sqlite3_bind_text (stmt, 2, order_id, -1, SQLITE_TRANSIENT);
  if (member != 0)
    sqlite3_bind_int64 (stmt, 3, member);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_int64 (stmt, 4, ts);
  sqlite3_bind_double (stmt, 5, amount);
  sqlite3_bind_text (stmt, 6, status, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 7, campaign);
  bind_text_or_null (stmt, 8, channel);
  sqlite3_bind_int64 (stmt, 9, cohort_import_tx_get_run (writer->tx));
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return cohort_db_set_sql_error (db, error, "add order");
  _cohort_import_tx_counts (writer->tx)->orders_added += sqlite3_changes (db->db);
  return TRUE;
}
