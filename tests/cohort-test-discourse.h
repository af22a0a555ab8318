/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/*
 * A Discourse forum on 127.0.0.1 (port 0) that replays the hand-written responses in
 * tests/data/sources/discourse: /about.json, /posts.json?before= (sliced from posts.json,
 * page_size posts a page), /directory_items.json?page=N, /admin/reports/TYPE.json.  Requests
 * without the expected Api-Key are refused with 403, like a real forum.  A fault can be put on
 * one path (and optionally one query): a status (429 comes with Retry-After), malformed JSON,
 * or an answer that never comes.
 */

typedef enum
{
  TEST_FAULT_NONE,
  TEST_FAULT_STATUS,
  TEST_FAULT_MALFORMED,
  TEST_FAULT_HANG,
} TestFaultKind;

typedef struct
{
  SoupServer    *server;
  char          *base_url;
  char          *api_key;        /* expected Api-Key */
  GPtrArray     *posts;          /* JsonNode (object), newest first */
  guint          page_size;
  GHashTable    *hits;           /* "path" and "path?query" → count */
  gboolean       refuse_reports;
  TestFaultKind  fault;
  char          *fault_path;
  char          *fault_query;    /* NULL: any query */
  guint          fault_status;
  guint          fault_times;
  GSourceFunc    hang_cb;        /* called from an idle once a request hangs */
  gpointer       hang_data;
} CohortTestDiscourse;

CohortTestDiscourse *cohort_test_discourse_new       (const char          *api_key,
                                                      gboolean             tls);
void                 cohort_test_discourse_free      (CohortTestDiscourse *forum);
void                 cohort_test_discourse_add_post  (CohortTestDiscourse *forum,
                                                      const char          *fixture);
void                 cohort_test_discourse_set_fault (CohortTestDiscourse *forum,
                                                      TestFaultKind        kind,
                                                      const char          *path,
                                                      const char          *query,
                                                      guint                status,
                                                      guint                times);
guint                cohort_test_discourse_hits      (CohortTestDiscourse *forum,
                                                      const char          *path_and_query);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortTestDiscourse, cohort_test_discourse_free)

G_END_DECLS
