/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/*
 * WeCom's customer-group API on 127.0.0.1 (port 0), replaying tests/data/sources/wecom:
 * gettoken (issues TOKEN-1, TOKEN-2, … and accepts only the newest), groupchat/list (two
 * pages), groupchat/get (group-<chat_id>.json, or -later.json once a group "changed"), and
 * statistic_group_by_day (one item for the first and one for the last day asked for, with
 * fixed values).  Every answer is HTTP 200 with errcode, as WeCom does.
 */

typedef struct
{
  SoupServer *server;
  char       *base_url;
  char       *corp_id;
  char       *secret;
  guint       tokens_issued;
  char       *valid_token;
  GHashTable *hits;           /* path → count */
  GHashTable *later;          /* chat ids answered from their -later.json */
  GArray     *stats_windows;  /* gint64 pairs: day_begin_time, day_end_time */
  char       *stats_owners;   /* the last userid_list, joined by "," */
  gint64      fault_errcode;  /* answered once on fault_path instead of the data */
  char       *fault_path;
} CohortTestWecom;

CohortTestWecom *cohort_test_wecom_new   (const char      *corp_id,
                                          const char      *secret);
void             cohort_test_wecom_free  (CohortTestWecom *corp);
guint            cohort_test_wecom_hits  (CohortTestWecom *corp,
                                          const char      *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortTestWecom, cohort_test_wecom_free)

G_END_DECLS
