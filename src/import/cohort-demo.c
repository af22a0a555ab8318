/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-demo"

#include "config.h"

#include "cohort-demo.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/*
 * The demo community: a Chinese city running club with an English-speaking minority, six
 * months old, grown by invite links with two campaign spikes, with lurkers, regulars who
 * drift away, a few who leave, and a daily rhythm around 07:00, 12:00 and 20:00.  It is
 * written as a real Telegram export so that a newcomer's first dashboard goes through the
 * same importer as their own data.
 */

#define DAYS 180
#define PEOPLE 460
#define TZ_OFFSET (8 * 3600)

typedef struct
{
  char  *name;
  int    join_day;     /* -1: founding member */
  int    leave_day;    /* DAYS: stays */
  int    quiet_from;   /* stops talking from this day */
  double weight;       /* 0 for lurkers */
  int    route;        /* 0 link, 1 added by an admin, 2 request */
  int    inviter;
} Person;

static const char *family[] = {
  "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
  "何", "林", "高", "罗",
};
static const char *given[] = {
  "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚",
  "婷", "鑫", "晨", "悦", "宇", "欣", "浩", "琳",
};
static const char *latin[] = {
  "Alex", "Sam", "Maya", "Leo", "Nina", "Tom", "Iris", "Ben", "Zoe", "Kai", "Lena", "Omar",
};
static const char *talk[] = {
  "今晚八点滨江步道夜跑，有人一起吗？", "周末长距离拉练，配速6分左右，欢迎新手",
  "新买的跑鞋太舒服了，推荐给大家", "膝盖有点疼，大家一般怎么放松？", "今天完成了半马，破PB了！",
  "明早六点半公园集合，别迟到哦", "请问报名马拉松的链接在哪里？", "下雨了，今晚的训练改到室内吗？",
  "分享一下我的训练计划，欢迎拍砖", "有没有人知道附近哪里有跑步机比较多的健身房",
  "这周的打卡统计出来了，大家太棒了", "第一次参加团跑，有点紧张", "补给站的位置我发在群文件里了",
  "Anyone up for an easy 5k tomorrow morning?", "Great run today, thanks for pacing me!",
  "Is the Saturday long run still on?", "I uploaded the route map to the group files.",
  "新人报到，之前一直自己跑，请多关照", "配速怎么提升比较科学？", "下个月的比赛有人组队吗",
};
static const char *mechanical[] = {
  "收到", "好的", "👍", "+1", "哈哈哈", "谢谢", "ok", "👍👍", "666", "收到收到",
};
static const char *emoji[] = { "👍", "❤", "🔥", "😂", "🎉" };

static void
append_escaped (GString    *out,
                const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* Logistic growth, plus two campaign spikes (day 60 and day 130). */
static int
pick_join_day (GRand *rand)
{
  for (;;)
    {
      int day = g_rand_int_range (rand, 0, DAYS);
      double x = (day - 70.0) / 25.0;
      double density = 1.0 / (1.0 + exp (-x)) * 0.7 + 0.1;

      if ((day >= 60 && day <= 62) || (day >= 130 && day <= 131))
        density += 2.5;
      if (g_rand_double (rand) * 3.3 < density)
        return day;
    }
}

static void
make_people (GRand  *rand,
             Person *people)
{
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);

  for (int i = 0; i < PEOPLE; i++)
    {
      Person *p = &people[i];
      int rank;

      /* Names are unique, as invites and removals name people only by display name. */
      do
        {
          g_free (p->name);
          if (g_rand_int_range (rand, 0, 10) == 0)
            p->name = g_strdup_printf ("%s %s", latin[g_rand_int_range (rand, 0, G_N_ELEMENTS (latin))],
                                       family[g_rand_int_range (rand, 0, G_N_ELEMENTS (family))]);
          else
            p->name = g_strdup_printf ("%s%s%s", family[g_rand_int_range (rand, 0, G_N_ELEMENTS (family))],
                                       given[g_rand_int_range (rand, 0, G_N_ELEMENTS (given))],
                                       i % 3 ? given[g_rand_int_range (rand, 0, G_N_ELEMENTS (given))] : "");
        }
      while (g_hash_table_contains (used, p->name));
      g_hash_table_add (used, p->name);
      p->join_day = i < 12 ? -1 : pick_join_day (rand);
      p->leave_day = DAYS;
      /* Some newcomers leave within days (they found the wrong group); others much later. */
      if (p->join_day >= 0 && g_rand_int_range (rand, 0, 100) < 20)
        p->leave_day = MIN (DAYS, p->join_day + (g_rand_int_range (rand, 0, 100) < 45
                                                 ? 1 + g_rand_int_range (rand, 0, 6)
                                                 : 8 + g_rand_int_range (rand, 0, 110)));
      /* 40 % lurk; the rest follow a Zipf-like weight. */
      rank = i + 1;
      p->weight = (i >= 12 && g_rand_int_range (rand, 0, 100) < 40) ? 0 : 1.0 / pow (rank, 0.75);
      p->quiet_from = DAYS;
      if (p->weight > 0 && g_rand_int_range (rand, 0, 100) < 22)
        p->quiet_from = MAX (p->join_day + 5, DAYS - 15 - g_rand_int_range (rand, 0, 80));
      p->route = g_rand_int_range (rand, 0, 10) < 7 ? 0 : g_rand_int_range (rand, 0, 3) ? 1 : 2;
      p->inviter = i < 12 ? -1 : g_rand_int_range (rand, 0, MIN (i, 40));
    }
  /* The organisers stay and talk. */
  for (int i = 0; i < 3; i++)
    people[i].weight = 1.2;
}

typedef struct
{
  GString *out;
  gint64 next_id;
  gint64 day0_utc;
  gboolean first;
} Writer;

static void
begin_message (Writer     *w,
               gint64      ts,
               const char *type)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_utc (ts + TZ_OFFSET);
  g_autofree char *date = g_date_time_format (local, "%Y-%m-%dT%H:%M:%S");

  g_string_append_printf (w->out, "%s\n  {\"id\": %" G_GINT64_FORMAT ", \"type\": \"%s\", "
                          "\"date\": \"%s\", \"date_unixtime\": \"%" G_GINT64_FORMAT "\"",
                          w->first ? "" : ",", w->next_id++, type, date, ts);
  w->first = FALSE;
}

static void
write_service (Writer       *w,
               gint64        ts,
               const Person *actor,
               int           actor_index,
               const char   *action,
               const char   *extra)
{
  begin_message (w, ts, "service");
  g_string_append (w->out, ", \"actor\": ");
  append_escaped (w->out, actor->name);
  g_string_append_printf (w->out, ", \"actor_id\": \"user%d\", \"action\": \"%s\"%s}",
                          100000 + actor_index, action, extra ? extra : "");
}

static void
write_join (Writer *w,
            Person *people,
            int     i,
            gint64  ts)
{
  Person *p = &people[i];
  g_autoptr(GString) extra = g_string_new (NULL);

  if (p->route == 0 && p->inviter >= 0)
    {
      g_string_append (extra, ", \"inviter\": ");
      append_escaped (extra, people[p->inviter].name);
      write_service (w, ts, p, i, "join_group_by_link", extra->str);
    }
  else if (p->route == 1)
    {
      g_string_append (extra, ", \"members\": [");
      append_escaped (extra, p->name);
      g_string_append (extra, "]");
      write_service (w, ts, &people[i % 3], i % 3, "invite_members", extra->str);
    }
  else
    write_service (w, ts, p, i, "join_group_by_request", NULL);
}

static void
write_leave (Writer *w,
             Person *people,
             int     i,
             gint64  ts)
{
  g_autoptr(GString) extra = g_string_new (", \"members\": [");
  gboolean kicked = i % 5 == 0;

  append_escaped (extra, people[i].name);
  g_string_append (extra, "]");
  write_service (w, ts, kicked ? &people[0] : &people[i], kicked ? 0 : i, "remove_members", extra->str);
}

/* Hours weighted toward 07, 12 and 20 local. */
static int
pick_hour (GRand *rand)
{
  static const int weights[24] = { 2, 1, 1, 1, 1, 2, 6, 12, 9, 6, 5, 6, 14, 10, 5, 4, 4, 5, 7, 11,
                                   18, 15, 9, 4 };
  int total = 0, r;

  for (int h = 0; h < 24; h++)
    total += weights[h];
  r = g_rand_int_range (rand, 0, total);
  for (int h = 0; h < 24; h++)
    if ((r -= weights[h]) < 0)
      return h;
  return 20;
}

static int
pick_speaker (GRand        *rand,
              const Person *people,
              int           day)
{
  double total = 0, r;

  for (int i = 0; i < PEOPLE; i++)
    if (people[i].join_day <= day && day < people[i].leave_day && day < people[i].quiet_from)
      total += people[i].weight;
  if (total <= 0)
    return 0;
  r = g_rand_double (rand) * total;
  for (int i = 0; i < PEOPLE; i++)
    if (people[i].join_day <= day && day < people[i].leave_day && day < people[i].quiet_from &&
        (r -= people[i].weight) < 0)
      return i;
  return 0;
}

static void
write_message (Writer       *w,
               GRand        *rand,
               const Person *people,
               int           speaker,
               gint64        ts,
               gint64        recent_id)
{
  int roll = g_rand_int_range (rand, 0, 100);

  begin_message (w, ts, "message");
  g_string_append (w->out, ", \"from\": ");
  append_escaped (w->out, people[speaker].name);
  g_string_append_printf (w->out, ", \"from_id\": \"user%d\"", 100000 + speaker);
  if (recent_id > 0 && g_rand_int_range (rand, 0, 4) == 0)
    g_string_append_printf (w->out, ", \"reply_to_message_id\": %" G_GINT64_FORMAT, recent_id);
  if (roll < 5)
    g_string_append (w->out, ", \"file\": \"(File not included. Change data exporting settings "
                             "to download.)\", \"media_type\": \"sticker\", \"sticker_emoji\": "
                             "\"👍\", \"text\": \"\"");
  else
    {
      const char *text = roll < 22 ? mechanical[g_rand_int_range (rand, 0, G_N_ELEMENTS (mechanical))]
                                   : talk[g_rand_int_range (rand, 0, G_N_ELEMENTS (talk))];
      g_string_append (w->out, ", \"text\": ");
      append_escaped (w->out, text);
      if (roll >= 90)
        g_string_append (w->out, ", \"photo\": \"(File not included. Change data exporting "
                                 "settings to download.)\", \"width\": 1280, \"height\": 960");
    }
  if (g_rand_int_range (rand, 0, 10) == 0)
    g_string_append_printf (w->out, ", \"reactions\": [{\"type\": \"emoji\", \"count\": %d, "
                            "\"emoji\": \"%s\"}]", g_rand_int_range (rand, 1, 9),
                            emoji[g_rand_int_range (rand, 0, G_N_ELEMENTS (emoji))]);
  g_string_append (w->out, "}");
}

static int
compare_ts (gconstpointer a,
            gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return (x > y) - (x < y);
}

static void
write_day (Writer *w,
           GRand  *rand,
           Person *people,
           int     day)
{
  gint64 start = w->day0_utc + (gint64)day * 86400;
  int present = 0, n_messages;
  gint64 recent = 0;
  GArray *stamps = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (int i = 0; i < PEOPLE; i++)
    {
      if (people[i].join_day == day)
        write_join (w, people, i, start + 3600 * 8 + i * 37 % 3600 * 10);
      if (people[i].join_day <= day && day < people[i].leave_day)
        present++;
    }

  /* About one message a day per four present members, more at the weekend. */
  n_messages = present / 4 + g_rand_int_range (rand, 0, 10);
  if ((day + 4) % 7 >= 5)
    n_messages += n_messages / 4;
  for (int k = 0; k < n_messages; k++)
    {
      gint64 ts = start + pick_hour (rand) * 3600 + g_rand_int_range (rand, 0, 3600);
      g_array_append_val (stamps, ts);
    }
  g_array_sort (stamps, compare_ts);
  for (guint k = 0; k < stamps->len; k++)
    {
      gint64 ts = g_array_index (stamps, gint64, k);
      int speaker = pick_speaker (rand, people, day);

      write_message (w, rand, people, speaker, ts, recent);
      recent = w->next_id - 1 - g_rand_int_range (rand, 0, 3);
    }
  g_array_unref (stamps);

  for (int i = 0; i < PEOPLE; i++)
    if (people[i].leave_day == day)
      write_leave (w, people, i, start + 23 * 3600 + i);
}

gboolean
cohort_demo_write (const char  *path,
                   gint64       now,
                   GError     **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240304);
  g_autoptr(GString) out = g_string_new (NULL);
  Person *people = g_new0 (Person, PEOPLE);
  Writer w = { out, 1, 0, TRUE };
  gint64 today = (now + TZ_OFFSET) / 86400;
  gboolean ok;

  /* Local midnight (UTC+8) of the first day, so the last demo day is yesterday. */
  w.day0_utc = (today - DAYS) * 86400 - TZ_OFFSET;
  make_people (rand, people);

  g_string_append (out, "{\n \"name\": \"Cohort Demo · 城市跑团 City Runners\",\n"
                        " \"type\": \"private_supergroup\",\n \"id\": " COHORT_DEMO_COMMUNITY_ID ",\n"
                        " \"messages\": [");
  {
    g_autoptr(GString) founders = g_string_new (", \"title\": \"城市跑团 City Runners\", \"members\": [");
    for (int i = 1; i < 12; i++)
      {
        append_escaped (founders, people[i].name);
        g_string_append (founders, i < 11 ? ", " : "]");
      }
    write_service (&w, w.day0_utc + 9 * 3600, &people[0], 0, "create_group", founders->str);
  }
  for (int day = 0; day < DAYS; day++)
    write_day (&w, rand, people, day);
  g_string_append (out, "\n ]\n}\n");

  ok = g_file_set_contents (path, out->str, out->len, error);
  for (int i = 0; i < PEOPLE; i++)
    g_free (people[i].name);
  g_free (people);
  return ok;
}

static CohortImportResult *
result_for_existing (gint64 community)
{
  CohortImportResult *result = cohort_import_result_new (NULL);

  result->format = g_strdup ("telegram");
  result->opened_only = TRUE;
  g_ptr_array_add (result->community_ids, g_memdup2 (&community, sizeof community));
  return result;
}

CohortImportResult *
cohort_demo_import (CohortDb     *db,
                    gint64        now,
                    GCancellable *cancellable,
                    GError      **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  CohortImportResult *result;
  CohortImportOptions options = { "Asia/Shanghai", NULL };
  gint64 existing = cohort_db_find_community_with_messages (db, "telegram",
                                                            COHORT_DEMO_COMMUNITY_ID);

  if (existing != 0)
    return result_for_existing (existing);
  if ((dir = g_dir_make_tmp ("cohort-demo-XXXXXX", error)) == NULL)
    return NULL;
  /* The name the imports history shows for it. */
  path = g_build_filename (dir, "cohort-demo.json", NULL);
  if (!cohort_demo_write (path, now, error))
    return NULL;
  file = g_file_new_for_path (path);
  result = cohort_import_file (db, file, &options, NULL, NULL, cancellable, error);
  g_unlink (path);
  g_rmdir (dir);
  return result;
}
