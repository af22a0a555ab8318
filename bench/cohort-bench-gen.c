/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/*
 * cohort-bench-gen: writes a realistic community export of any size, deterministically from a
 * seed, in the exact real formats (Telegram Desktop JSON, WhatsApp Android .txt,
 * DiscordChatExporter JSON).  One year ending 2026-06-30 (UTC+8 wall time): logistic member
 * growth with two viral spikes, 40 % lurkers, Zipf-like activity, churn, a daily and weekly
 * rhythm, Chinese and English text with emoji, replies, reactions, joins, leaves and invites,
 * edits and media.
 */

#define DAYS 365
#define TZ_OFFSET (8 * 3600)
#define END_DAY 20634            /* 2026-06-30 as days since 1970-01-01: the first day after the data */

typedef enum { FMT_TELEGRAM, FMT_WHATSAPP, FMT_DISCORD } Format;

typedef struct
{
  char  *name;
  gint64 id;
  int    join_day;
  int    leave_day;
  double weight;
  int    inviter;
} Person;

typedef struct
{
  Format format;
  FILE *out;
  GRand *rand;
  Person *people;
  int n_people;
  gint64 n_messages;
  gint64 written;
  double owed;              /* the fraction of a message the days so far rounded away */
  gint64 next_id;
  gboolean first;
  double *cumulative;       /* per-day speaker sampling table */
  int *eligible;
  int n_eligible;
} Gen;

static const char *family[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
                                 "马", "朱", "胡", "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋" };
static const char *given[] = { "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明",
                               "超", "霞", "平", "刚", "婷", "鑫", "晨", "悦", "宇", "欣", "浩", "琳" };
static const char *latin[] = { "Alex", "Sam", "Maya", "Leo", "Nina", "Tom", "Iris", "Ben", "Zoe",
                               "Kai", "Lena", "Omar", "Ravi", "Yuki", "Ana", "Jon" };
static const char *talk[] = {
  "今晚八点滨江步道夜跑，有人一起吗？", "周末长距离拉练，配速6分左右，欢迎新手 🏃",
  "新买的跑鞋太舒服了，推荐给大家", "膝盖有点疼，大家一般怎么放松？", "今天完成了半马，破PB了！🎉",
  "明早六点半公园集合，别迟到哦", "请问报名马拉松的链接在哪里？", "下雨了，今晚的训练改到室内吗？",
  "分享一下我的训练计划，欢迎拍砖", "这周的打卡统计出来了，大家太棒了 💪", "第一次参加团跑，有点紧张",
  "Anyone up for an easy 5k tomorrow morning?", "Great run today, thanks for pacing me!",
  "Is the Saturday long run still on?", "I uploaded the route map to the group files.",
  "新人报到，之前一直自己跑，请多关照", "配速怎么提升比较科学？", "下个月的比赛有人组队吗",
  "补给站的位置我发在群文件里了 https://example.org/map", "谁有多余的号码布？",
};
static const char *mechanical[] = { "收到", "好的", "👍", "+1", "哈哈哈", "谢谢", "ok", "👍👍", "666", "收到收到" };
static const char *emoji[] = { "👍", "❤", "🔥", "😂", "🎉" };

/* ------------------------------------------------------------------------------------------ */

static void
put_json_string (FILE       *out,
                 const char *text)
{
  fputc ('"', out);
  for (const char *p = text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        fputc ('\\', out);
      fputc (*p, out);
    }
  fputc ('"', out);
}

static int
pick_join_day (GRand *rand)
{
  for (;;)
    {
      int day = g_rand_int_range (rand, 0, DAYS);
      double density = 1.0 / (1.0 + exp (-(day - 150.0) / 40.0)) * 0.8 + 0.1;

      if ((day >= 120 && day <= 122) || (day >= 270 && day <= 271))
        density += 3.0;
      if (g_rand_double (rand) * 4.0 < density)
        return day;
    }
}

static void
make_people (Gen *g)
{
  g_autoptr(GHashTable) used = g_hash_table_new (g_str_hash, g_str_equal);

  g->people = g_new0 (Person, g->n_people);
  for (int i = 0; i < g->n_people; i++)
    {
      Person *p = &g->people[i];

      do
        {
          g_free (p->name);
          if (g_rand_int_range (g->rand, 0, 8) == 0)
            p->name = g_strdup_printf ("%s %s%d", latin[g_rand_int_range (g->rand, 0, G_N_ELEMENTS (latin))],
                                       family[g_rand_int_range (g->rand, 0, G_N_ELEMENTS (family))],
                                       g_rand_int_range (g->rand, 0, 100));
          else
            p->name = g_strdup_printf ("%s%s%s%d", family[g_rand_int_range (g->rand, 0, G_N_ELEMENTS (family))],
                                       given[g_rand_int_range (g->rand, 0, G_N_ELEMENTS (given))],
                                       given[g_rand_int_range (g->rand, 0, G_N_ELEMENTS (given))],
                                       g_rand_int_range (g->rand, 0, 100));
        }
      while (g_hash_table_contains (used, p->name));
      g_hash_table_add (used, p->name);
      p->id = 100000000 + i * 7919;
      p->join_day = i < 20 ? -1 : pick_join_day (g->rand);
      p->leave_day = DAYS;
      if (p->join_day >= 0 && g_rand_int_range (g->rand, 0, 100) < 15)
        p->leave_day = MIN (DAYS, p->join_day + 1 + g_rand_int_range (g->rand, 0, 150));
      /* 40 % lurk; the rest talk with a Zipf-like weight. */
      p->weight = (i >= 20 && g_rand_int_range (g->rand, 0, 100) < 40) ? 0 : 1.0 / pow (i + 1, 0.8);
      p->inviter = i < 20 ? -1 : g_rand_int_range (g->rand, 0, MIN (i, 200));
    }
}

static gint64
day_start_utc (int day)
{
  return (gint64)(END_DAY - DAYS + day) * 86400 - TZ_OFFSET;
}

static void
prepare_speakers (Gen *g,
                  int  day)
{
  double total = 0;

  g->n_eligible = 0;
  for (int i = 0; i < g->n_people; i++)
    if (g->people[i].join_day <= day && day < g->people[i].leave_day && g->people[i].weight > 0)
      {
        total += g->people[i].weight;
        g->eligible[g->n_eligible] = i;
        g->cumulative[g->n_eligible++] = total;
      }
}

static int
pick_speaker (Gen *g)
{
  double r;
  int lo = 0, hi = g->n_eligible - 1;

  if (g->n_eligible == 0)
    return 0;
  r = g_rand_double (g->rand) * g->cumulative[g->n_eligible - 1];
  while (lo < hi)
    {
      int mid = (lo + hi) / 2;
      if (g->cumulative[mid] < r)
        lo = mid + 1;
      else
        hi = mid;
    }
  return g->eligible[lo];
}

static int
pick_hour (GRand *rand)
{
  static const int weights[24] = { 2, 1, 1, 1, 1, 2, 6, 12, 9, 6, 5, 6, 14, 10, 5, 4, 4, 5, 7, 11,
                                   18, 15, 9, 4 };
  int r = g_rand_int_range (rand, 0, 158);

  for (int h = 0; h < 24; h++)
    if ((r -= weights[h]) < 0)
      return h;
  return 20;
}

/* ------------------------------------------------------------------------------------------ */
/* Writers                                                                                     */

static void
local_time (gint64  ts,
            char   *buf,
            gsize   len,
            const char *format)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ts + TZ_OFFSET);
  g_autofree char *text = g_date_time_format (dt, format);

  g_strlcpy (buf, text, len);
}

static void
telegram_begin (Gen *g)
{
  fputs ("{\n \"name\": \"Bench 跑团 Runners\",\n \"type\": \"private_supergroup\",\n \"id\": 1777000001,\n \"messages\": [", g->out);
}

static void
telegram_message (Gen        *g,
                  gint64      ts,
                  int         who,
                  const char *text,
                  int         media,
                  gint64      reply_to,
                  gboolean    edited,
                  int         reaction)
{
  char date[32];

  local_time (ts, date, sizeof date, "%Y-%m-%dT%H:%M:%S");
  fprintf (g->out, "%s\n  {\n   \"id\": %" G_GINT64_FORMAT ",\n   \"type\": \"message\",\n   \"date\": \"%s\",\n"
           "   \"date_unixtime\": \"%" G_GINT64_FORMAT "\",\n", g->first ? "" : ",", g->next_id, date, ts);
  if (edited)
    fprintf (g->out, "   \"edited\": \"%s\",\n   \"edited_unixtime\": \"%" G_GINT64_FORMAT "\",\n", date, ts + 60);
  fputs ("   \"from\": ", g->out);
  put_json_string (g->out, g->people[who].name);
  fprintf (g->out, ",\n   \"from_id\": \"user%" G_GINT64_FORMAT "\",\n", g->people[who].id);
  if (reply_to > 0)
    fprintf (g->out, "   \"reply_to_message_id\": %" G_GINT64_FORMAT ",\n", reply_to);
  if (media == 1)
    fputs ("   \"photo\": \"(File not included. Change data exporting settings to download.)\",\n"
           "   \"photo_file_size\": 183211,\n   \"width\": 1280,\n   \"height\": 960,\n", g->out);
  else if (media == 2)
    fputs ("   \"file\": \"(File not included. Change data exporting settings to download.)\",\n"
           "   \"file_size\": 30211,\n   \"thumbnail\": \"(File not included. Change data exporting settings to download.)\",\n"
           "   \"media_type\": \"sticker\",\n   \"sticker_emoji\": \"👍\",\n   \"width\": 512,\n   \"height\": 512,\n", g->out);
  fputs ("   \"text\": ", g->out);
  put_json_string (g->out, text);
  fputs (",\n   \"text_entities\": [", g->out);
  if (*text)
    {
      fputs ("\n    {\n     \"type\": \"plain\",\n     \"text\": ", g->out);
      put_json_string (g->out, text);
      fputs ("\n    }\n   ", g->out);
    }
  fputs ("]", g->out);
  if (reaction >= 0)
    fprintf (g->out, ",\n   \"reactions\": [\n    {\n     \"type\": \"emoji\",\n     \"count\": %d,\n     \"emoji\": \"%s\"\n    }\n   ]",
             1 + reaction % 7, emoji[reaction % G_N_ELEMENTS (emoji)]);
  fputs ("\n  }", g->out);
  g->first = FALSE;
}

static void
telegram_service (Gen        *g,
                  gint64      ts,
                  int         actor,
                  const char *action,
                  int         member)
{
  char date[32];

  local_time (ts, date, sizeof date, "%Y-%m-%dT%H:%M:%S");
  fprintf (g->out, "%s\n  {\n   \"id\": %" G_GINT64_FORMAT ",\n   \"type\": \"service\",\n   \"date\": \"%s\",\n"
           "   \"date_unixtime\": \"%" G_GINT64_FORMAT "\",\n   \"actor\": ", g->first ? "" : ",", g->next_id, date, ts);
  put_json_string (g->out, g->people[actor].name);
  fprintf (g->out, ",\n   \"actor_id\": \"user%" G_GINT64_FORMAT "\",\n   \"action\": \"%s\"", g->people[actor].id, action);
  if (member >= 0 && strcmp (action, "join_group_by_link") == 0)
    {
      fputs (",\n   \"inviter\": ", g->out);
      put_json_string (g->out, g->people[member].name);
    }
  else if (member >= 0)
    {
      fputs (",\n   \"members\": [\n    ", g->out);
      put_json_string (g->out, g->people[member].name);
      fputs ("\n   ]", g->out);
    }
  fputs (",\n   \"text\": \"\",\n   \"text_entities\": []\n  }", g->out);
  g->first = FALSE;
}

static void
whatsapp_line (Gen        *g,
               gint64      ts,
               int         who,
               const char *text)
{
  char stamp[32];

  local_time (ts, stamp, sizeof stamp, "%d/%m/%Y, %H:%M");
  if (who >= 0)
    fprintf (g->out, "%s - %s: %s\n", stamp, g->people[who].name, text);
  else
    fprintf (g->out, "%s - %s\n", stamp, text);
}

static void
discord_begin (Gen *g)
{
  fputs ("{\n  \"guild\": {\n    \"id\": \"880000000000000001\",\n    \"name\": \"Bench Runners\",\n"
         "    \"iconUrl\": \"https://cdn.discordapp.com/embed/avatars/0.png\"\n  },\n"
         "  \"channel\": {\n    \"id\": \"880000000000000002\",\n    \"type\": \"GuildTextChat\",\n"
         "    \"categoryId\": \"880000000000000003\",\n    \"category\": \"Text Channels\",\n"
         "    \"name\": \"general\",\n    \"topic\": null\n  },\n  \"dateRange\": {\n    \"after\": null,\n"
         "    \"before\": null\n  },\n  \"exportedAt\": \"2026-07-01T00:00:00.0000000+08:00\",\n  \"messages\": [", g->out);
}

static void
discord_author (Gen *g,
                int  who)
{
  fprintf (g->out, "      \"author\": {\n        \"id\": \"%" G_GINT64_FORMAT "\",\n        \"name\": \"runner%d\",\n"
           "        \"discriminator\": \"0000\",\n        \"nickname\": ", g->people[who].id, who);
  put_json_string (g->out, g->people[who].name);
  fprintf (g->out, ",\n        \"color\": null,\n        \"isBot\": false,\n        \"roles\": [],\n"
           "        \"avatarUrl\": \"https://cdn.discordapp.com/embed/avatars/%d.png\"\n      },\n", who % 5);
}

static void
discord_message (Gen        *g,
                 gint64      ts,
                 int         who,
                 const char *type,
                 const char *text,
                 int         media,
                 gint64      reply_to,
                 gboolean    edited,
                 int         reaction)
{
  char stamp[40];

  local_time (ts, stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S.000+08:00");
  fprintf (g->out, "%s\n    {\n      \"id\": \"%" G_GINT64_FORMAT "\",\n      \"type\": \"%s\",\n"
           "      \"timestamp\": \"%s\",\n      \"timestampEdited\": %s%s%s,\n      \"callEndedTimestamp\": null,\n"
           "      \"isPinned\": false,\n      \"content\": ",
           g->first ? "" : ",", 900000000000000000 + g->next_id, type, stamp,
           edited ? "\"" : "", edited ? stamp : "null", edited ? "\"" : "");
  put_json_string (g->out, text);
  fputs (",\n", g->out);
  discord_author (g, who);
  if (media == 1)
    fprintf (g->out, "      \"attachments\": [\n        {\n          \"id\": \"%" G_GINT64_FORMAT "\",\n"
             "          \"url\": \"https://cdn.discordapp.com/attachments/1/2/IMG_%" G_GINT64_FORMAT ".jpg\",\n"
             "          \"fileName\": \"IMG_%" G_GINT64_FORMAT ".jpg\",\n          \"fileSizeBytes\": 183211\n        }\n      ],\n",
             g->next_id, g->next_id, g->next_id);
  else
    fputs ("      \"attachments\": [],\n", g->out);
  fputs ("      \"embeds\": [],\n", g->out);
  if (media == 2)
    fputs ("      \"stickers\": [\n        {\n          \"id\": \"749054660769218631\",\n          \"name\": \"Wave\",\n"
           "          \"format\": \"Lottie\",\n          \"sourceUrl\": \"https://cdn.discordapp.com/stickers/749054660769218631.json\"\n        }\n      ],\n", g->out);
  else
    fputs ("      \"stickers\": [],\n", g->out);
  if (reaction >= 0)
    fprintf (g->out, "      \"reactions\": [\n        {\n          \"emoji\": {\n            \"id\": \"\",\n            \"name\": \"%s\",\n"
             "            \"code\": \"thumbsup\",\n            \"isAnimated\": false,\n            \"imageUrl\": \"https://cdn.jsdelivr.net/gh/twitter/twemoji@latest/assets/svg/1f44d.svg\"\n"
             "          },\n          \"count\": %d,\n          \"users\": []\n        }\n      ],\n",
             emoji[reaction % G_N_ELEMENTS (emoji)], 1 + reaction % 7);
  else
    fputs ("      \"reactions\": [],\n", g->out);
  fputs ("      \"mentions\": [],\n", g->out);
  if (reply_to > 0)
    fprintf (g->out, "      \"reference\": {\n        \"messageId\": \"%" G_GINT64_FORMAT "\",\n"
             "        \"channelId\": \"880000000000000002\",\n        \"guildId\": \"880000000000000001\"\n      },\n",
             900000000000000000 + reply_to);
  fputs ("      \"inlineEmojis\": []\n    }", g->out);
  g->first = FALSE;
}

/* ------------------------------------------------------------------------------------------ */

static void
write_join (Gen   *g,
            int    who,
            gint64 ts)
{
  Person *p = &g->people[who];

  switch (g->format)
    {
    case FMT_TELEGRAM:
      if (p->inviter >= 0 && who % 10 < 7)
        telegram_service (g, ts, who, "join_group_by_link", p->inviter);
      else
        telegram_service (g, ts, who % 3, "invite_members", who);
      break;
    case FMT_WHATSAPP:
      {
        g_autofree char *line = p->inviter >= 0 && who % 10 < 7
          ? g_strdup_printf ("%s joined using this group's invite link", p->name)
          : g_strdup_printf ("%s added %s", g->people[who % 3].name, p->name);
        whatsapp_line (g, ts, -1, line);
      }
      break;
    case FMT_DISCORD:
      discord_message (g, ts, who, "GuildMemberJoin", "Joined the server.", 0, 0, FALSE, -1);
      break;
    }
  g->next_id++;
}

static void
write_leave (Gen   *g,
             int    who,
             gint64 ts)
{
  switch (g->format)
    {
    case FMT_TELEGRAM:
      telegram_service (g, ts, who, "remove_members", who);
      break;
    case FMT_WHATSAPP:
      {
        g_autofree char *line = g_strdup_printf ("%s left", g->people[who].name);
        whatsapp_line (g, ts, -1, line);
      }
      break;
    case FMT_DISCORD:
      return;   /* DiscordChatExporter never records leaves */
    }
  g->next_id++;
}

static void
write_message (Gen   *g,
               int    who,
               gint64 ts,
               gint64 recent)
{
  int roll = g_rand_int_range (g->rand, 0, 100);
  int media = roll < 4 ? 2 : roll >= 92 ? 1 : 0;
  const char *text = media == 2 ? "" : roll < 20 ? mechanical[g_rand_int_range (g->rand, 0, G_N_ELEMENTS (mechanical))]
                                                 : talk[g_rand_int_range (g->rand, 0, G_N_ELEMENTS (talk))];
  gint64 reply = recent > 0 && g_rand_int_range (g->rand, 0, 5) == 0 ? recent : 0;
  gboolean edited = g_rand_int_range (g->rand, 0, 33) == 0;
  int reaction = g_rand_int_range (g->rand, 0, 12) == 0 ? g_rand_int_range (g->rand, 0, 35) : -1;

  switch (g->format)
    {
    case FMT_TELEGRAM:
      telegram_message (g, ts, who, text, media, reply, edited, reaction);
      break;
    case FMT_WHATSAPP:
      whatsapp_line (g, ts, who, media == 2 ? "<Media omitted>" : media == 1 ? "IMG-20260101-WA0001.jpg (file attached)"
                                : text);
      break;
    case FMT_DISCORD:
      discord_message (g, ts, who, reply ? "Reply" : "Default", text, media, reply, edited, reaction);
      break;
    }
  g->next_id++;
  g->written++;
}

static int
compare_ts (gconstpointer a,
            gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return (x > y) - (x < y);
}

/* Weekends a little busier.  The per-day weight is normalised with this factor in it: without
 * it the year's messages were spent 6 % early and the export's last week was silent, so every
 * member looked as if they had drifted away. */
static double
weekday_factor (int day)
{
  return (day + 3) % 7 >= 5 ? 1.2 : 1.0;
}

static void
write_day (Gen    *g,
           int     day,
           double  per_day_weight)
{
  gint64 start = day_start_utc (day);
  g_autoptr(GArray) stamps = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 target, recent = 0;
  int present = 0;

  for (int i = 0; i < g->n_people; i++)
    {
      if (g->people[i].join_day == day)
        write_join (g, i, start + 7 * 3600 + (i * 37) % 3600);
      if (g->people[i].join_day <= day && day < g->people[i].leave_day)
        present++;
    }

  prepare_speakers (g, day);
  /* Messages are spread in proportion to the members present; the fractions a day rounds
   * away are carried to the next, not piled on the last. */
  g->owed += present * per_day_weight * weekday_factor (day);
  target = (gint64)g->owed;
  g->owed -= target;
  target = MIN (target, g->n_messages - g->written);
  if (day == DAYS - 1)
    target = g->n_messages - g->written;
  for (gint64 k = 0; k < target; k++)
    {
      gint64 ts = start + pick_hour (g->rand) * 3600 + g_rand_int_range (g->rand, 0, 3600);
      g_array_append_val (stamps, ts);
    }
  g_array_sort (stamps, compare_ts);
  for (guint k = 0; k < stamps->len; k++)
    {
      write_message (g, pick_speaker (g), g_array_index (stamps, gint64, k), recent);
      recent = g->next_id - 1 - g_rand_int_range (g->rand, 0, 3);
    }

  for (int i = 0; i < g->n_people; i++)
    if (g->people[i].leave_day == day)
      write_leave (g, i, start + 23 * 3600 + i % 3600);
}

int
main (int    argc,
      char **argv)
{
  static char *format = NULL, *path = NULL;
  static gint64 messages = 10000;
  static int seed = 42;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "telegram, whatsapp or discord", "NAME" },
    { "messages", 0, 0, G_OPTION_ARG_INT64, &messages, "How many chat messages", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Random seed", "N" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &path, "Output file", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- write a synthetic community export");
  g_autoptr(GError) error = NULL;
  Gen g = { 0, };
  double present_days = 0, per_day;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || path == NULL || format == NULL)
    {
      g_printerr ("%s\n", error ? error->message : "Usage: cohort-bench-gen --format NAME --messages N --out FILE");
      return 2;
    }
  g.format = g_str_equal (format, "telegram") ? FMT_TELEGRAM : g_str_equal (format, "whatsapp") ? FMT_WHATSAPP
           : g_str_equal (format, "discord") ? FMT_DISCORD : -1;
  if ((int)g.format < 0 || !(g.out = fopen (path, "w")))
    {
      g_printerr ("Unknown format or cannot write %s\n", path);
      return 2;
    }
  g.rand = g_rand_new_with_seed (seed);
  g.n_messages = messages;
  g.n_people = (int)MAX (60, messages / 150);
  g.next_id = 1;
  g.first = TRUE;
  make_people (&g);
  g.cumulative = g_new (double, g.n_people);
  g.eligible = g_new (int, g.n_people);
  for (int day = 0; day < DAYS; day++)
    for (int i = 0; i < g.n_people; i++)
      if (g.people[i].join_day <= day && day < g.people[i].leave_day)
        present_days += weekday_factor (day);
  per_day = messages / MAX (present_days, 1);

  if (g.format == FMT_TELEGRAM)
    telegram_begin (&g);
  else if (g.format == FMT_DISCORD)
    discord_begin (&g);
  for (int day = 0; day < DAYS; day++)
    write_day (&g, day, per_day);
  if (g.format == FMT_TELEGRAM)
    fputs ("\n ]\n}\n", g.out);
  else if (g.format == FMT_DISCORD)
    fprintf (g.out, "\n  ],\n  \"messageCount\": %" G_GINT64_FORMAT "\n}\n", g.written);
  fclose (g.out);
  g_print ("%s: %" G_GINT64_FORMAT " messages, %d members\n", path, g.written, g.n_people);
  for (int i = 0; i < g.n_people; i++)
    g_free (g.people[i].name);
  g_free (g.people);
  g_free (g.cumulative);
  g_free (g.eligible);
  g_rand_free (g.rand);
  return 0;
}
