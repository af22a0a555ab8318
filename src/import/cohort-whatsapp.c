/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-whatsapp"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "cohort-format.h"
#include "cohort-import-pipe.h"
#include "cohort-mech.h"
#include "cohort-snapshot.h"

/*
 * WhatsApp "Export chat" text (FORMATS.md §2c), as a .txt or inside a .zip.
 *
 * The text has local wall times without offset and dates whose order (day or month first)
 * is only known from the whole file, so the file is read twice as a stream: pass 1 parses
 * only the headers' numbers (and the "created group" line that names the chat), decides the
 * date order, and checks that this really is a WhatsApp export; pass 2 imports.  Memory is
 * bounded by one message (capped) plus the content-key table.
 *
 * WhatsApp has no ids: members are keyed by display name ("name:Alice"), messages by a
 * content key.  System lines are recognised by their text, since iOS (and newer Android)
 * attribute them to the group name or to the actor like ordinary messages.
 */

#define CHUNK_SIZE       (64 * 1024)
#define MAX_LINE         (256 * 1024)   /* longer lines are cut: a binary file has no newlines */
#define MAX_MESSAGE      (256 * 1024)
#define CHECK_EVERY      4096
#define PROGRESS_EVERY   10000
#define YOU_UID          "name:You"

/* ------------------------------------------------------------------------------------------ */
/* Reading lines from a .txt stream or a zip entry                                            */

/*
 * Lines are found with memchr in one buffer of MAX_LINE bytes and handed out in place,
 * NUL-terminated over their line break, so a line costs no copy and no allocation.  A line
 * cut by the end of the buffer is moved to its start before the next read; only a line
 * longer than the whole buffer (cut to MAX_LINE, as before) is copied aside.
 */
typedef struct
{
  GInputStream   *stream;       /* .txt: ctx->stream or a reopened file */
  struct archive *archive;      /* .zip: positioned at the chat entry's data */
  GCancellable   *cancellable;
  char           *buf;          /* MAX_LINE + 1: room for the NUL after a last line */
  gsize           len;
  gsize           pos;          /* where the next line starts */
  gsize           lf;           /* no LF in [pos, lf); lf == len: none known */
  gsize           cr;           /* the same for CR */
  gboolean        eof;
  gboolean        skip_lf;      /* the previous line ended in CR: a following LF belongs to it */
  GString        *long_line;    /* the first MAX_LINE bytes of a line longer than buf */
  const char     *line;         /* the current line, NUL-terminated */
  gsize           line_len;
  const char     *display_name; /* for errors */
  guint64         line_no;
  goffset         bytes;
} LineReader;

static void
line_reader_init (LineReader   *r,
                  GCancellable *cancellable)
{
  memset (r, 0, sizeof *r);
  r->cancellable = cancellable;
  r->buf = g_malloc (MAX_LINE + 1);
  r->long_line = g_string_new (NULL);
}

static void
line_reader_clear (LineReader *r)
{
  g_clear_object (&r->stream);
  if (r->archive != NULL)
    archive_read_free (r->archive);
  r->archive = NULL;
  g_clear_pointer (&r->buf, g_free);
  if (r->long_line != NULL)
    g_string_free (r->long_line, TRUE);
  r->long_line = NULL;
}

/* Appends what the source gives to buf[len…MAX_LINE). */
static gboolean
line_reader_fill (LineReader  *r,
                  GError     **error)
{
  gsize room = MAX_LINE - r->len;
  gssize n;

  if (r->archive != NULL)
    {
      n = archive_read_data (r->archive, r->buf + r->len, room);
      if (n < 0)
        {
          g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_READ, "%s",
                       archive_error_string (r->archive) ? archive_error_string (r->archive) : "zip");
          return FALSE;
        }
    }
  else
    {
      n = g_input_stream_read (r->stream, r->buf + r->len, room, r->cancellable, error);
      if (n < 0)
        return FALSE;
    }
  r->len += n;
  r->bytes += n;
  r->eof = n == 0;
  return TRUE;
}

/* Moves the unread tail of buf to its start, to make room for a read. */
static void
line_reader_shift (LineReader *r)
{
  memmove (r->buf, r->buf + r->pos, r->len - r->pos);
  r->len -= r->pos;
  r->lf -= r->pos;
  r->cr -= r->pos;
  r->pos = 0;
}

/* The first c in [pos, len), or len; *at remembers how far there is none. */
static gsize
find_break (LineReader *r,
            char        c,
            gsize      *at)
{
  const char *hit;

  if (*at < r->pos)
    *at = r->pos;
  if (*at < r->len && r->buf[*at] != c)
    {
      hit = memchr (r->buf + *at, c, r->len - *at);
      *at = hit != NULL ? (gsize)(hit - r->buf) : r->len;
    }
  return *at;
}

static gboolean
too_long (LineReader  *r,
          GError     **error)
{
  g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_MALFORMED,
               _("%s has a line longer than %d MB. No chat export has lines "
                 "that long: the file is damaged or is not a chat export."),
               r->display_name, COHORT_MAX_LINE >> 20);
  return FALSE;
}

/* buf holds MAX_LINE bytes of one line: keep them, and drop the rest of the line. */
static gboolean
line_reader_take_long (LineReader  *r,
                       GError     **error)
{
  guint64 dropped = 0;

  g_string_truncate (r->long_line, 0);
  g_string_append_len (r->long_line, r->buf, MAX_LINE);
  for (;;)
    {
      gsize end;

      r->pos = r->len = r->lf = r->cr = 0;
      if (!line_reader_fill (r, error))
        return FALSE;
      if (r->eof)
        break;
      end = MIN (find_break (r, '\n', &r->lf), find_break (r, '\r', &r->cr));
      dropped += end;
      if (dropped > COHORT_MAX_LINE)
        return too_long (r, error);
      if (end < r->len)
        {
          r->skip_lf = r->buf[end] == '\r';
          r->pos = end + 1;
          break;
        }
    }
  r->line = r->long_line->str;
  r->line_len = r->long_line->len;
  return TRUE;
}

/* Splits on LF, CRLF and lone CR (old Mac exports), which GDataInputStream cannot bound in
 * length.  Returns 1 with a line in r->line (valid until the next call), 0 at the end, -1 on
 * error. */
static int
line_reader_next (LineReader  *r,
                  GError     **error)
{
  for (;;)
    {
      gsize end;

      if (r->skip_lf && r->pos < r->len)
        {
          r->skip_lf = FALSE;
          if (r->buf[r->pos] == '\n')
            r->pos++;
        }
      end = MIN (find_break (r, '\n', &r->lf), find_break (r, '\r', &r->cr));
      if (end < r->len || (r->eof && r->pos < r->len))
        {
          r->skip_lf = end < r->len && r->buf[end] == '\r';
          r->buf[end] = '\0';
          r->line = r->buf + r->pos;
          r->line_len = end - r->pos;
          r->pos = end < r->len ? end + 1 : end;
          r->line_no++;
          return 1;
        }
      if (r->eof)
        return 0;
      if (r->pos == 0 && r->len == MAX_LINE)
        {
          if (!line_reader_take_long (r, error))
            return -1;
          r->line_no++;
          return 1;
        }
      line_reader_shift (r);
      if (!line_reader_fill (r, error))
        return -1;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Cleaning and the header grammar                                                            */

/* FORMATS.md §2 general rules: drop BOMs and directional marks, turn the exotic spaces into
 * plain ones.  LRM/RLM are kept (as U+200E) because iOS prefixes system texts with them;
 * they are removed once the body has been classified. */
/*
 * Whether a line needs no cleaning: well-formed UTF-8 as g_utf8_validate_len () takes it
 * (no NUL, no overlong forms, no surrogates, nothing past U+10FFFF) without any character
 * clean_line drops or replaces.  One pass, eight ASCII bytes at a time, instead of GLib's
 * validation and a second scan for the marks.
 */
static gboolean
needs_no_cleaning (const char *text,
                   gsize       len)
{
  const guchar *u = (const guchar *) text;
  gsize i = 0;

  while (i < len)
    {
      guchar c = u[i];

      if (c < 0x80)
        {
          guint64 word;

          if (c == 0)
            return FALSE;
          /* Eight plain bytes at once: none with the top bit set, none zero. */
          if (i + 8 <= len)
            {
              memcpy (&word, u + i, 8);
              if ((word & 0x8080808080808080ULL) == 0 &&
                  ((word - 0x0101010101010101ULL) & ~word & 0x8080808080808080ULL) == 0)
                {
                  i += 8;
                  continue;
                }
            }
          i++;
        }
      else if (c < 0xC2)
        return FALSE;
      else if (c < 0xE0)
        {
          if (i + 2 > len || (u[i + 1] & 0xC0) != 0x80 || (c == 0xC2 && u[i + 1] == 0xA0))
            return FALSE;
          i += 2;
        }
      else if (c < 0xF0)
        {
          guchar c1, c2;

          if (i + 3 > len)
            return FALSE;
          c1 = u[i + 1];
          c2 = u[i + 2];
          if ((c1 & 0xC0) != 0x80 || (c2 & 0xC0) != 0x80 ||
              (c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F))
            return FALSE;
          if (c == 0xE2 && c1 == 0x80 &&                                     /* U+2000–U+203F */
              ((c2 >= 0xAA && c2 <= 0xAE) || c2 == 0x8F || c2 == 0x89 || c2 == 0xAF || c2 == 0x87))
            return FALSE;
          if (c == 0xEF && c1 == 0xBB && c2 == 0xBF)                         /* U+FEFF */
            return FALSE;
          i += 3;
        }
      else if (c < 0xF5)
        {
          if (i + 4 > len || (u[i + 1] & 0xC0) != 0x80 || (u[i + 2] & 0xC0) != 0x80 ||
              (u[i + 3] & 0xC0) != 0x80 || (c == 0xF0 && u[i + 1] < 0x90) ||
              (c == 0xF4 && u[i + 1] > 0x8F))
            return FALSE;
          i += 4;
        }
      else
        return FALSE;
    }
  return TRUE;
}

/* raw[len] must be NUL.  Returns raw itself when it needs no cleaning, else the cleaned
 * text in out. */
static const char *
clean_line (const char *raw,
            gsize       len,
            GString    *out)
{
  g_autofree char *valid = NULL;
  const char *p;

  /* Nearly every line is valid UTF-8 (no NUL) without marks: one scan, no copy. */
  if (needs_no_cleaning (raw, len))
    return raw;

  valid = g_utf8_make_valid (raw, len);
  g_string_truncate (out, 0);
  p = valid;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);

      switch (c)
        {
        case 0xFEFF: case 0x202A: case 0x202B: case 0x202C: case 0x202D: case 0x202E:
        case '\0':
          break;
        case 0x200F:
          g_string_append (out, "\u200e");
          break;
        case 0x00A0: case 0x2009: case 0x202F: case 0x2007:
          g_string_append_c (out, ' ');
          break;
        default:
          g_string_append_len (out, p, next - p);
          break;
        }
      p = next;
    }
  return out->str;
}

/* The first U+200E in s: its lead byte found with strchr (), which is much faster than
 * glibc's strstr () for a three-byte needle. */
static const char *
find_mark (const char *s)
{
  while ((s = strchr (s, '\xe2')) != NULL)
    {
      if ((guchar) s[1] == 0x80 && (guchar) s[2] == 0x8e)
        return s;
      s++;
    }
  return NULL;
}

static char *
strip_marks (const char *s)
{
  GString *out;
  const char *hit;

  /* Most bodies have none. */
  if (find_mark (s) == NULL)
    return g_strdup (s);
  out = g_string_new (NULL);
  /* Copy the runs between marks. */
  while ((hit = find_mark (s)) != NULL)
    {
      g_string_append_len (out, s, hit - s);
      s = hit + strlen ("\u200e");
    }
  g_string_append (out, s);
  return g_string_free (out, FALSE);
}

static const char *
skip_marks (const char *p)
{
  for (;;)
    {
      if ((guchar) p[0] == 0xe2 && g_str_has_prefix (p, "\u200e"))
        p += strlen ("\u200e");
      else if (*p == ' ' || *p == '\t')
        p++;
      else
        return p;
    }
}

typedef struct
{
  int n[3];            /* the date's three numbers in file order */
  int digits[3];
  int hour;
  int minute;
  int second;
  const char *body;    /* into the line */
} Header;

static gboolean
parse_number (const char **p,
              int          min_digits,
              int          max_digits,
              int         *value,
              int         *digits)
{
  int n = 0, d = 0;

  while (g_ascii_isdigit ((*p)[d]) && d <= max_digits)
    n = n * 10 + ((*p)[d++] - '0');
  if (d < min_digits || d > max_digits)
    return FALSE;
  *p += d;
  *value = n;
  if (digits != NULL)
    *digits = d;
  return TRUE;
}

static gboolean
parse_date (const char **pp,
            Header      *h)
{
  const char *p = *pp;
  char sep = 0;

  for (int i = 0; i < 3; i++)
    {
      if (!parse_number (&p, 1, 4, &h->n[i], &h->digits[i]))
        return FALSE;
      if (i == 2)
        break;
      if (*p != '/' && *p != '.' && *p != '-')
        return FALSE;
      if (sep != 0 && *p != sep)
        return FALSE;
      sep = *p++;
      if (*p == ' ')
        p++;
    }
  *pp = p;
  return TRUE;
}

/* "Looks like a header": starts with three numbers in a date shape.  Used to tell a foreign
 * file (few of these parse as full headers) from a WhatsApp one. */
static gboolean
looks_like_header (const char *line)
{
  const char *p = skip_marks (line);
  Header h;

  if (*p == '[')
    p++;
  return parse_date (&p, &h);
}

/* AM/PM after the time in any spelling: AM, am, a.m., a. m., p.m (0 = none, 1 = am, 2 = pm). */
static int
parse_meridiem (const char **pp)
{
  const char *p = *pp;
  int m;

  if (*p == 'a' || *p == 'A')
    m = 1;
  else if (*p == 'p' || *p == 'P')
    m = 2;
  else
    return 0;
  p++;
  if (*p == '.')
    p++;
  if (*p == ' ')
    p++;
  if (*p != 'm' && *p != 'M')
    return 0;
  p++;
  if (*p == '.')
    p++;
  if (g_ascii_isalpha (*p))
    return 0;
  *pp = p;
  return m;
}

/* Words between date and time ("klo", "à", 上午/下午, 오전/오후); returns the meridiem they give. */
static gboolean
skip_time_words (const char **pp,
                 int         *meridiem)
{
  const char *p = *pp;
  const char *start = p;

  while (*p != '\0' && !g_ascii_isdigit (*p))
    {
      if (p - start > 24 || *p == '-' || *p == ']' || *p == '[')
        return FALSE;
      if (g_str_has_prefix (p, "上午") || g_str_has_prefix (p, "오전") || g_str_has_prefix (p, "午前"))
        *meridiem = 1;
      else if (g_str_has_prefix (p, "下午") || g_str_has_prefix (p, "오후") || g_str_has_prefix (p, "午後"))
        *meridiem = 2;
      p++;
    }
  *pp = p;
  return *p != '\0';
}

static gboolean
parse_time (const char **pp,
            Header      *h,
            int         *meridiem)
{
  const char *p = *pp;
  char sep;

  if (!parse_number (&p, 1, 2, &h->hour, NULL))
    return FALSE;
  if (*p != ':' && *p != '.')
    return FALSE;
  sep = *p++;
  if (!parse_number (&p, 2, 2, &h->minute, NULL))
    return FALSE;
  h->second = 0;
  if (*p == sep && g_ascii_isdigit (p[1]))
    {
      p++;
      if (!parse_number (&p, 2, 2, &h->second, NULL))
        return FALSE;
    }
  while (*p == ' ')
    p++;
  if (*meridiem == 0)
    *meridiem = parse_meridiem (&p);
  *pp = p;
  return TRUE;
}

static gboolean
parse_header (const char *line,
              Header     *h)
{
  const char *p = skip_marks (line);
  gboolean bracket = FALSE;
  int meridiem = 0;

  if (*p == '[')
    {
      bracket = TRUE;
      p++;
    }
  if (!parse_date (&p, h))
    return FALSE;
  if (*p == ',' || *p == '.')
    p++;
  if (*p != ' ' && *p != '\t')
    return FALSE;
  while (*p == ' ' || *p == '\t')
    p++;
  if (!skip_time_words (&p, &meridiem) || !parse_time (&p, h, &meridiem))
    return FALSE;

  /* "2022/12/24, 13:01. - …" */
  if (*p == '.')
    p++;
  while (*p == ' ')
    p++;
  if (bracket)
    {
      if (*p++ != ']')
        return FALSE;
      while (*p == ' ')
        p++;
      if (*p == '-' && p[1] == ' ')
        p += 2;
    }
  else
    {
      if (*p++ != '-' || (*p != ' ' && *p != '\0'))
        return FALSE;
      if (*p == ' ')
        p++;
    }

  if (meridiem != 0)
    {
      if (h->hour < 1 || h->hour > 12)
        return FALSE;
      h->hour = h->hour % 12 + (meridiem == 2 ? 12 : 0);
    }
  if (h->hour > 23 || h->minute > 59 || h->second > 60)
    return FALSE;
  h->body = p;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Date order (FORMATS.md §2c)                                                                 */

typedef struct
{
  int year_index;       /* position of the year: 0 (y first) or 2; set by the override */
  gboolean day_first;   /* of the two other numbers, the first is the day */
} DateOrder;

typedef struct
{
  gboolean first_over12, second_over12;
  gboolean have_prev;
  gboolean year_first;  /* "2020/1/5": ISO-like, month before day unless shown otherwise */
  int prev_year, prev_a, prev_b;
  gboolean run_decided;
  gboolean decrease_first, decrease_second;
  guint64 changes_first, changes_second;
} OrderStats;

/* The year is the longest number; on a tie (1/2/18) the last one. */
static int
year_index (const Header *h)
{
  int best = 2;

  for (int i = 1; i >= 0; i--)
    if (h->digits[i] > h->digits[best])
      best = i;
  return best;
}

static void
other_two (int  yi,
           int *a,
           int *b)
{
  *a = yi == 0 ? 1 : 0;
  *b = yi == 2 ? 1 : 2;
}

static void
order_stats_add (OrderStats   *s,
                 const Header *h)
{
  int yi = year_index (h), ia, ib, a, b, year;

  other_two (yi, &ia, &ib);
  a = h->n[ia];
  b = h->n[ib];
  year = h->n[yi];
  if (!s->have_prev)
    s->year_first = yi == 0;
  s->first_over12 |= a > 12;
  s->second_over12 |= b > 12;
  if (s->have_prev && year == s->prev_year)
    {
      /* Within one year the month never goes back, so whichever number goes back first
       * is the day. */
      if (!s->run_decided && a < s->prev_a)
        s->decrease_first = s->run_decided = TRUE;
      else if (!s->run_decided && b < s->prev_b)
        s->decrease_second = s->run_decided = TRUE;
    }
  else
    s->run_decided = FALSE;
  if (s->have_prev)
    {
      s->changes_first += a != s->prev_a;
      s->changes_second += b != s->prev_b;
    }
  s->have_prev = TRUE;
  s->prev_year = year;
  s->prev_a = a;
  s->prev_b = b;
}

static gboolean
order_stats_day_first (const OrderStats *s)
{
  if (s->first_over12)
    return TRUE;
  if (s->second_over12)
    return FALSE;
  if (s->decrease_first)
    return TRUE;
  if (s->decrease_second)
    return FALSE;
  if (s->changes_first != s->changes_second)
    return s->changes_first > s->changes_second;
  return !s->year_first;
}

/*
 * A GDateTime a line cost more than the rest of the header.  Most days have one UTC offset
 * from 00:00:00 to 23:59:59, and then a time is that day's start plus its seconds; the
 * zone's rules are asked once a day (with GDateTime, as before) whether the day is such a
 * one.  Days with a transition, and dates that do not exist, take the GDateTime path.
 */
typedef struct
{
  int year, month, day;   /* the day cached; year 0: none */
  gboolean even;          /* one offset all day: ts = start + seconds since midnight */
  gint64 start;
} DayCache;

static void
day_cache_fill (DayCache  *cache,
                GTimeZone *tz,
                int        year,
                int        month,
                int        day)
{
  g_autoptr(GDateTime) first = g_date_time_new (tz, year, month, day, 0, 0, 0);
  g_autoptr(GDateTime) last = g_date_time_new (tz, year, month, day, 23, 59, 59);
  gint64 midnight = (gint64) cohort_day_from_ymd (year, month, day) * 86400;
  gint64 u0, u1, o0, o1;

  cache->year = year;
  cache->month = month;
  cache->day = day;
  cache->even = FALSE;
  if (first == NULL || last == NULL)
    return;
  u0 = g_date_time_to_unix (first);
  u1 = g_date_time_to_unix (last);
  o0 = g_date_time_get_utc_offset (first) / G_TIME_SPAN_SECOND;
  o1 = g_date_time_get_utc_offset (last) / G_TIME_SPAN_SECOND;
  /* Both ends at their wall time (no gap moved them) with one offset, in one interval of
   * the zone: no transition lies between them. */
  cache->even = o0 == o1 && u0 == midnight - o0 && u1 == midnight + 86399 - o1 &&
                g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, u0) ==
                g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, u1);
  cache->start = u0;
}

static gboolean
header_to_utc (const Header    *h,
               const DateOrder *order,
               GTimeZone       *tz,
               DayCache        *cache,
               gint64          *ts)
{
  int yi = order->year_index >= 0 ? order->year_index : year_index (h);
  int ia, ib, year, month, day;
  g_autoptr(GDateTime) dt = NULL;

  other_two (yi, &ia, &ib);
  year = h->n[yi];
  if (h->digits[yi] <= 2)
    year += 2000;
  day = order->day_first ? h->n[ia] : h->n[ib];
  month = order->day_first ? h->n[ib] : h->n[ia];
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31)
    return FALSE;
  if (cache->year != year || cache->month != month || cache->day != day)
    day_cache_fill (cache, tz, year, month, day);
  if (cache->even)
    {
      *ts = cache->start + h->hour * 3600 + h->minute * 60 + MIN (h->second, 59);
      return TRUE;
    }
  dt = g_date_time_new (tz, year, month, day, h->hour, h->minute, MIN (h->second, 59));
  if (dt == NULL)
    return FALSE;
  *ts = g_date_time_to_unix (dt);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* System texts                                                                                */

typedef enum
{
  SYS_NONE,        /* not a system text */
  SYS_OTHER,       /* a system text with no membership change */
  SYS_CREATE,
  SYS_ADD,
  SYS_REMOVE,
  SYS_LEAVE,
  SYS_JOIN_LINK,
  SYS_JOIN,
} SysKind;

typedef struct
{
  SysKind kind;
  char *actor;
  char *group;         /* SYS_CREATE: the group's name, if quoted */
  GPtrArray *targets;  /* SYS_ADD, SYS_REMOVE */
} Sys;

static void
sys_clear (Sys *s)
{
  g_clear_pointer (&s->actor, g_free);
  g_clear_pointer (&s->group, g_free);
  g_clear_pointer (&s->targets, g_ptr_array_unref);
  s->kind = SYS_NONE;
}

/* A name captured from a system text: no line break, no "Author: " inside (else the pattern
 * ran across a message's author separator), not empty. */
static char *
take_name (const char *start,
           gsize       len)
{
  g_autofree char *name = g_strstrip (g_strndup (start, len));

  if (*name == '\0' || strchr (name, '\n') != NULL || strstr (name, ": ") != NULL)
    return NULL;
  return g_steal_pointer (&name);
}

static char *
unquote (const char *s)
{
  static const char * const quotes[] = { "\"", "“", "”", "„", "«", "»", "「", "」" };
  g_autofree char *t = g_strstrip (g_strdup (s));
  gboolean changed = TRUE;

  while (changed)
    {
      changed = FALSE;
      for (guint i = 0; i < G_N_ELEMENTS (quotes); i++)
        {
          if (g_str_has_prefix (t, quotes[i]))
            {
              memmove (t, t + strlen (quotes[i]), strlen (t) - strlen (quotes[i]) + 1);
              changed = TRUE;
            }
          if (g_str_has_suffix (t, quotes[i]) && strlen (t) >= strlen (quotes[i]))
            {
              t[strlen (t) - strlen (quotes[i])] = '\0';
              changed = TRUE;
            }
        }
    }
  return g_steal_pointer (&t);
}

/* "Bob, Carol and Dave" / "Bob、Carol和Dave" → the names. */
static GPtrArray *
split_names (const char *list)
{
  static const char * const seps[] = { ", ", " and ", " und ", " y ", "、", "，", "和", "及" };
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *rest = g_strdup (list);
  char *p = rest;

  while (*p != '\0')
    {
      char *cut = NULL;
      gsize seplen = 0;

      for (guint i = 0; i < G_N_ELEMENTS (seps); i++)
        {
          char *hit = strstr (p, seps[i]);
          if (hit != NULL && (cut == NULL || hit < cut))
            {
              cut = hit;
              seplen = strlen (seps[i]);
            }
        }
      {
        char *name = take_name (p, cut ? (gsize)(cut - p) : strlen (p));
        if (name == NULL)
          return NULL;
        g_ptr_array_add (names, name);
      }
      if (cut == NULL)
        break;
      p = cut + seplen;
    }
  return names->len > 0 ? g_steal_pointer (&names) : NULL;
}

/* The exporting user, however the language says "you". */
static gboolean
is_you (const char *name)
{
  static const char * const you[] = { "You", "you", "dich", "Dich", "你", "您", "Tú", "tú" };

  for (guint i = 0; i < G_N_ELEMENTS (you); i++)
    if (strcmp (name, you[i]) == 0)
      return TRUE;
  return FALSE;
}

/* "<prefix>X<suffix>": X, when the text is exactly that. */
static char *
match_around (const char *text,
              const char *prefix,
              const char *suffix)
{
  gsize len = strlen (text), pl = strlen (prefix), sl = strlen (suffix);

  if (len < pl + sl || strncmp (text, prefix, pl) != 0 || strcmp (text + len - sl, suffix) != 0)
    return NULL;
  return take_name (text + pl, len - pl - sl);
}

/* "X<infix>Y<suffix>" split at the first infix. */
static gboolean
match_pair (const char  *text,
            const char  *infix,
            const char  *suffix,
            char       **x,
            char       **y)
{
  const char *hit = strstr (text, infix);
  gsize len = strlen (text), sl = strlen (suffix);
  const char *y_start;

  if (hit == NULL || len < sl || strcmp (text + len - sl, suffix) != 0)
    return FALSE;
  y_start = hit + strlen (infix);
  if (y_start > text + len - sl)
    return FALSE;
  *x = take_name (text, hit - text);
  *y = take_name (y_start, text + len - sl - y_start);
  if (*x == NULL || *y == NULL)
    {
      g_clear_pointer (x, g_free);
      g_clear_pointer (y, g_free);
      return FALSE;
    }
  return TRUE;
}

static gboolean
sys_set_pair (Sys        *s,
              SysKind     kind,
              char       *actor,
              char       *list)
{
  g_autofree char *owned_list = list;

  s->actor = actor;
  s->targets = split_names (owned_list);
  if (s->targets == NULL)
    {
      g_clear_pointer (&s->actor, g_free);
      return FALSE;
    }
  s->kind = kind;
  return TRUE;
}

static gboolean
match_created (const char *text,
               Sys        *s)
{
  g_autofree char *mine = match_around (text, "Du hast die Gruppe ", " erstellt");
  char *x = NULL, *n = NULL;

  if (mine != NULL)
    {
      s->actor = g_strdup ("You");
      s->group = unquote (mine);
    }
  else if (match_pair (text, " created group ", "", &x, &n) ||
           match_pair (text, " hat die Gruppe ", " erstellt", &x, &n) ||
           match_pair (text, "创建了群组", "", &x, &n) ||
           match_pair (text, "建立了群組", "", &x, &n))
    {
      s->actor = x;
      s->group = unquote (n);
      g_free (n);
    }
  else if ((x = match_around (text, "", "创建了此群组")) || (x = match_around (text, "", "建立了此群組")))
    s->actor = x;
  else
    return FALSE;
  if (s->group != NULL && *s->group == '\0')
    g_clear_pointer (&s->group, g_free);
  s->kind = SYS_CREATE;
  return TRUE;
}

static gboolean
match_membership (const char *text,
                  Sys        *s)
{
  char *x = NULL, *y = NULL;

  if (strcmp (text, "You were added") == 0 || strcmp (text, "你已被添加") == 0)
    {
      s->kind = SYS_JOIN;
      s->actor = g_strdup ("You");
      return TRUE;
    }
  if ((s->actor = match_around (text, "", " joined using this group's invite link")) ||
      (s->actor = match_around (text, "", " joined using this group’s invite link")) ||
      (s->actor = match_around (text, "", " ist über den Einladungslink dieser Gruppe beigetreten")) ||
      (s->actor = match_around (text, "", " ist dieser Gruppe über den Einladungslink beigetreten")) ||
      (s->actor = match_around (text, "", "通过此群组的邀请链接加入群组")) ||
      (s->actor = match_around (text, "", "通过群组邀请链接加入群组")) ||
      (s->actor = match_around (text, "", "已透過此群組的邀請連結加入")) ||
      (s->actor = match_around (text, "", "透過邀請連結加入了群組")))
    {
      s->kind = SYS_JOIN_LINK;
      return TRUE;
    }
  if ((s->actor = match_around (text, "", "加入群组")) ||
      (s->actor = match_around (text, "", "加入了群组")) ||
      (s->actor = match_around (text, "", "加入了群組")) ||
      (s->actor = match_around (text, "", " joined")))
    {
      s->kind = SYS_JOIN;
      return TRUE;
    }
  if ((s->actor = match_around (text, "", " left")) ||
      (s->actor = match_around (text, "", " hat die Gruppe verlassen")) ||
      (s->actor = match_around (text, "", "退出了群组")) ||
      (s->actor = match_around (text, "", "已退出群组")) ||
      (s->actor = match_around (text, "", "已離開群組")) ||
      (s->actor = match_around (text, "", "已離開")))
    {
      s->kind = SYS_LEAVE;
      return TRUE;
    }
  if (g_str_has_prefix (text, "Du hast die Gruppe verlassen"))
    {
      s->kind = SYS_LEAVE;
      s->actor = g_strdup ("You");
      return TRUE;
    }

  if (g_str_has_prefix (text, "Du hast ") &&
      ((y = match_around (text, "Du hast ", " hinzugefügt")) || (y = match_around (text, "Du hast ", " entfernt"))))
    return sys_set_pair (s, g_str_has_suffix (text, "entfernt") ? SYS_REMOVE : SYS_ADD, g_strdup ("You"), y);
  if (match_pair (text, " hat ", " hinzugefügt", &x, &y) || match_pair (text, " added ", "", &x, &y) ||
      match_pair (text, "添加了", "", &x, &y) || match_pair (text, "已新增", "", &x, &y))
    return sys_set_pair (s, SYS_ADD, x, y);
  if (match_pair (text, " hat ", " entfernt", &x, &y) || match_pair (text, " removed ", "", &x, &y) ||
      match_pair (text, "移除了", "", &x, &y) || match_pair (text, "已移除", "", &x, &y))
    return sys_set_pair (s, SYS_REMOVE, x, y);
  return FALSE;
}

/* The encryption notice: unmistakable, whoever it is attributed to. */
static gboolean
is_e2e_notice (const char *text)
{
  static const char * const prefixes[] = {
    "Messages and calls are end-to-end encrypted", "Messages to this group are now secured",
    "Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt", "消息和通话已进行端到端加密",
    "訊息與通話已受端對端加密保護",
  };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (text, prefixes[i]))
      return TRUE;
  return FALSE;
}

/* Texts that are system notices without a membership change. */
static gboolean
match_other (const char *text)
{
  static const char * const prefixes[] = {
    "You're now an admin", "You’re now an admin",
    "You changed ", "Du hast den Betreff ", "Du hast das Gruppenbild ", "Du bist jetzt Admin",
  };
  static const char * const infixes[] = {
    " changed the subject ", " changed the group name", " changed this group's icon",
    " changed this group’s icon", " changed the group description", " deleted this group's icon",
    " changed their phone number", " hat den Betreff ", " hat das Gruppenbild ",
    "更改了本群组", "更改了群组", "變更了群組", "更改了此群組",
  };

  if (is_e2e_notice (text))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (text, prefixes[i]))
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (infixes); i++)
    {
      const char *hit = strstr (text, infixes[i]);
      g_autofree char *who = hit ? take_name (text, hit - text) : NULL;

      if (who != NULL)
        return TRUE;
    }
  return FALSE;
}

/*
 * Whether text contains a piece that every system text matched below contains: each
 * pattern of match_created, match_membership and match_other (English, German and Chinese)
 * holds at least one of these.  Most bodies hold none, and are then told apart in one pass
 * instead of some fifty prefix, suffix and infix comparisons.  The pass looks up each pair
 * of bytes in a bitmap of the anchors' first two bytes, since single first bytes (a space,
 * the lead byte of most Chinese characters) start a candidate at nearly every character.
 */
static const char * const system_anchors[] = {
  "You", "Du ", "Messages", "Nachrichten", " created group ", " hat ", " ist ", " joined",
  " left", " added ", " removed ", " changed ", " deleted ",
  "群", "離開", "添加", "新增", "移除", "端",
};

static guint
byte_pair (const char *p)
{
  return (guint)(guchar) p[0] << 8 | (guchar) p[1];
}

/* A set of byte pairs, and of their first bytes for a cheaper first test. */
typedef struct
{
  guint8 pairs[256 * 256 / 8];
  guint8 firsts[256];
} PairSet;

static void
pair_set_add (PairSet *set,
              guint    pair)
{
  set->pairs[pair >> 3] |= 1 << (pair & 7);
  set->firsts[pair >> 8] = 1;
}

/* Whether the pair starting at p is in the set; p[1] must be readable. */
static inline gboolean
pair_set_has (const PairSet *set,
              const char    *p)
{
  guint pair;

  if (!set->firsts[(guchar) p[0]])
    return FALSE;
  pair = byte_pair (p);
  return (set->pairs[pair >> 3] & (1 << (pair & 7))) != 0;
}

static PairSet system_pairs;

static gboolean
has_system_anchor (const char *text)
{
  static gsize pairs_ready = 0;

  if (g_once_init_enter (&pairs_ready))
    {
      for (guint i = 0; i < G_N_ELEMENTS (system_anchors); i++)
        pair_set_add (&system_pairs, byte_pair (system_anchors[i]));
      g_once_init_leave (&pairs_ready, 1);
    }

  for (const char *p = text; p[0] != '\0'; p++)
    {
      if (!pair_set_has (&system_pairs, p))
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (system_anchors); i++)
        if (byte_pair (system_anchors[i]) == byte_pair (p) &&
            strncmp (p, system_anchors[i], strlen (system_anchors[i])) == 0)
          return TRUE;
    }
  return FALSE;
}

/* Classifies a body (marks already removed) that has_system_anchor () let through. */
static gboolean
match_system_text (const char *body,
                   Sys        *s)
{
  g_autofree char *text = g_strstrip (g_strdup (body));
  gsize len = strlen (text);

  /* German notices end in a full stop. */
  if (len > 0 && text[len - 1] == '.')
    text[len - 1] = '\0';
  if (match_created (text, s) || match_membership (text, s))
    return TRUE;
  sys_clear (s);
  if (match_other (text))
    {
      s->kind = SYS_OTHER;
      return TRUE;
    }
  return FALSE;
}

/* Classifies a body (marks already removed) as a system text, into an emptied s: the first
 * pass asks twice for one line (the body, then the text after an author), and the matchers
 * assign s's fields without freeing what an earlier answer left there. */
static gboolean
match_system (const char *body,
              Sys        *s)
{
  sys_clear (s);
  if (!has_system_anchor (body))
    return FALSE;
  return match_system_text (body, s);
}

/* ------------------------------------------------------------------------------------------ */
/* Message bodies                                                                              */

static gboolean
is_deleted (const char *text)
{
  static const char * const deleted[] = {
    "This message was deleted", "You deleted this message", "此消息已删除", "这条消息已删除",
    "你删除了此消息", "此訊息已刪除", "你已刪除此訊息", "Diese Nachricht wurde gelöscht",
    "Du hast diese Nachricht gelöscht", "Se eliminó este mensaje", "Eliminaste este mensaje",
  };

  for (guint i = 0; i < G_N_ELEMENTS (deleted); i++)
    {
      gsize n;

      if (text[0] != deleted[i][0])
        continue;
      /* The text, or the text and a full stop. */
      n = strlen (deleted[i]);
      if (strncmp (text, deleted[i], n) == 0 &&
          (text[n] == '\0' || (text[n] == '.' && text[n + 1] == '\0')))
        return TRUE;
    }
  return FALSE;
}

static CohortMessageKind
kind_of_file (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (strstr (lower, "sticker") != NULL || g_str_has_prefix (lower, "stk-"))
    return COHORT_MESSAGE_STICKER;
  if (g_str_has_prefix (lower, "ptt-") || strstr (lower, "-audio-") != NULL ||
      g_str_has_prefix (lower, "aud-") || g_str_has_suffix (lower, ".opus"))
    return COHORT_MESSAGE_VOICE;
  if (strstr (lower, "-photo-") != NULL || g_str_has_prefix (lower, "img-") ||
      g_str_has_suffix (lower, ".jpg") || g_str_has_suffix (lower, ".jpeg") ||
      g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".webp"))
    return COHORT_MESSAGE_IMAGE;
  if (strstr (lower, "-video-") != NULL || g_str_has_prefix (lower, "vid-") ||
      strstr (lower, "-gif-") != NULL || g_str_has_suffix (lower, ".mp4"))
    return COHORT_MESSAGE_VIDEO;
  return COHORT_MESSAGE_FILE;
}

/* g_str_has_suffix () for a text whose length is known. */
static gboolean
has_suffix_len (const char *text,
                gsize       len,
                const char *suffix)
{
  gsize n = strlen (suffix);

  return len >= n && memcmp (text + len - n, suffix, n) == 0;
}

/* A media marker on the message's first line: its kind, and *rest is the caption after it.
 * Returns -1 when the line is no marker. */
static int
media_marker (const char *first,
              gboolean   *is_marker)
{
  static const char * const omitted[] = {
    "<Media omitted>", "<省略多媒体文件>", "<忽略多媒體檔>", "<已省略多媒體檔案>",
    "<Medien ausgeschlossen>", "<Multimedia omitido>", "<Media weggelaten>",
  };
  static const struct { const char *suffix; CohortMessageKind kind; } ios[] = {
    { "image omitted", COHORT_MESSAGE_IMAGE }, { "video omitted", COHORT_MESSAGE_VIDEO },
    { "audio omitted", COHORT_MESSAGE_VOICE }, { "sticker omitted", COHORT_MESSAGE_STICKER },
    { "GIF omitted", COHORT_MESSAGE_VIDEO }, { "document omitted", COHORT_MESSAGE_FILE },
    { "Bild weggelassen", COHORT_MESSAGE_IMAGE }, { "Video weggelassen", COHORT_MESSAGE_VIDEO },
    { "Audio weggelassen", COHORT_MESSAGE_VOICE }, { "Sticker weggelassen", COHORT_MESSAGE_STICKER },
  };
  static const char * const attached[] = { " (file attached)", " (Datei angehängt)", " (archivo adjunto)" };

  gsize len = strlen (first);

  *is_marker = TRUE;
  if (first[0] == '<')
    for (guint i = 0; i < G_N_ELEMENTS (omitted); i++)
      if (strcmp (first, omitted[i]) == 0)
        return COHORT_MESSAGE_IMAGE;   /* the kind is not exported; most media are photos */
  /* Every iOS marker ends in one of these two words. */
  if (has_suffix_len (first, len, "omitted") || has_suffix_len (first, len, "weggelassen"))
    for (guint i = 0; i < G_N_ELEMENTS (ios); i++)
      if (has_suffix_len (first, len, ios[i].suffix))
        return ios[i].kind;
  if (g_str_has_prefix (first, "<attached: ") && has_suffix_len (first, len, ">"))
    {
      g_autofree char *name = g_strndup (first + 11, len - 12);
      return kind_of_file (name);
    }
  if (len > 0 && first[len - 1] == ')')
    for (guint i = 0; i < G_N_ELEMENTS (attached); i++)
      if (has_suffix_len (first, len, attached[i]))
        {
          g_autofree char *name = g_strndup (first, len - strlen (attached[i]));
          return kind_of_file (name);
        }
  *is_marker = FALSE;
  if (g_str_has_prefix (first, "location: ") || strcmp (first, "live location shared") == 0)
    return COHORT_MESSAGE_OTHER;
  return -1;
}

/* "http://", "https://" or "www." anywhere: tried where an h or a w is. */
static gboolean
has_link (const char *text)
{
  for (const char *p = text; (p = strpbrk (p, "hw")) != NULL; p++)
    if (strncmp (p, "http://", 7) == 0 || strncmp (p, "https://", 8) == 0 ||
        strncmp (p, "www.", 4) == 0)
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* The import                                                                                  */

typedef struct
{
  CohortImportContext *ctx;
  CohortImportPipe *pipe;   /* pass 2 runs on the pipe's parse thread */
  gboolean is_zip;
  char *entry;              /* zip: the chat .txt */
  char *chat_name;
  DateOrder order;
  GTimeZone *tz;
  DayCache day;             /* the last header's day */
  char *tz_id;
  guint community;          /* the pipe's handle */
  CohortMech *mech;
  CohortContentKeys *keys;  /* content keys seen */
  GHashTable *members;      /* uids already added in this run */
  GHashTable *names;        /* name → its uid, for the names met so far */

  /* the message being assembled */
  GString *cur;
  gboolean have_cur;
  gint64 cur_ts;

  guint64 bad_dates;
  guint64 bad_date_line;
  guint64 orphan_lines;
  guint64 deleted;
  gint64 messages;
} Import;

static gboolean
reader_open (Import      *im,
             LineReader  *r,
             gboolean     rewind,
             GError     **error)
{
  CohortImportContext *ctx = im->ctx;

  line_reader_init (r, ctx->cancellable);
  r->display_name = ctx->display_name;
  if (im->is_zip)
    {
      g_autofree char *path = g_file_get_path (ctx->file);
      struct archive_entry *entry;

      r->archive = archive_read_new ();
      archive_read_support_format_zip (r->archive);
      if (path == NULL || archive_read_open_filename (r->archive, path, CHUNK_SIZE) != ARCHIVE_OK)
        goto zip_error;
      while (archive_read_next_header (r->archive, &entry) == ARCHIVE_OK)
        {
          const char *name = archive_entry_pathname_utf8 (entry);
          if (name == NULL)
            name = archive_entry_pathname (entry);
          if (g_strcmp0 (name, im->entry) == 0)
            return TRUE;
          archive_read_data_skip (r->archive);
        }
    zip_error:
      g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_READ, _("Cannot read %s: %s"),
                   ctx->display_name, r->archive && archive_error_string (r->archive)
                   ? archive_error_string (r->archive) : _("the zip file is damaged"));
      return FALSE;
    }

  if (!rewind)
    {
      r->stream = g_object_ref (ctx->stream);
      return TRUE;
    }
  if (G_IS_SEEKABLE (ctx->stream) && g_seekable_can_seek (G_SEEKABLE (ctx->stream)))
    {
      if (!g_seekable_seek (G_SEEKABLE (ctx->stream), 0, G_SEEK_SET, ctx->cancellable, error))
        return FALSE;
      r->stream = g_object_ref (ctx->stream);
      return TRUE;
    }
  r->stream = G_INPUT_STREAM (g_file_read (ctx->file, ctx->cancellable, error));
  return r->stream != NULL;
}

/* The chat .txt of a zip: _chat.txt (iOS), else the first .txt. */
static gboolean
choose_entry (Import  *im,
              GError **error)
{
  g_autofree char *path = g_file_get_path (im->ctx->file);
  g_autoptr(GString) seen = g_string_new (NULL);
  struct archive *a = archive_read_new ();
  struct archive_entry *entry;
  guint n = 0;

  archive_read_support_format_zip (a);
  if (path != NULL && archive_read_open_filename (a, path, CHUNK_SIZE) == ARCHIVE_OK)
    while (archive_read_next_header (a, &entry) == ARCHIVE_OK)
      {
        const char *name = archive_entry_pathname_utf8 (entry);
        g_autofree char *base = NULL;

        if (name == NULL)
          name = archive_entry_pathname (entry);
        if (name == NULL)
          continue;
        base = g_path_get_basename (name);
        if (strcmp (base, "_chat.txt") == 0)
          {
            g_free (im->entry);
            im->entry = g_strdup (name);
            break;
          }
        if (im->entry == NULL && g_str_has_suffix (base, ".txt"))
          im->entry = g_strdup (name);
        if (n++ < 5)
          g_string_append_printf (seen, "%s%s", seen->len ? ", " : "", name);
        archive_read_data_skip (a);
      }
  archive_read_free (a);
  if (im->entry != NULL)
    return TRUE;
  if (n > 5)
    g_string_append (seen, ", …");
  g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
               _("%s holds no WhatsApp chat: a WhatsApp export zip contains _chat.txt or a "
                 "“WhatsApp Chat …” .txt file, but this one contains: %s"),
               im->ctx->display_name, n > 0 ? seen->str : _("nothing"));
  return FALSE;
}

static gboolean
check_cancel (Import      *im,
              LineReader  *r,
              GError     **error)
{
  return r->line_no % CHECK_EVERY != 0 ||
         !g_cancellable_set_error_if_cancelled (im->ctx->cancellable, error);
}

static goffset
reader_position (LineReader *r)
{
  if (r->archive != NULL)
    return archive_filter_bytes (r->archive, -1);
  return r->bytes;
}

/* Splits "Author: text"; FALSE when the body has no author. */
static gboolean
split_author (const char  *body,
              char       **author,
              const char **text)
{
  const char *nl = strchr (body, '\n');
  const char *colon = strstr (body, ": ");
  gsize first_len = nl ? (gsize)(nl - body) : strlen (body);

  if (colon == NULL || (gsize)(colon - body) >= first_len)
    {
      /* "Carol:" with an empty (view-once) body */
      if (first_len > 1 && body[first_len - 1] == ':' && nl == NULL)
        colon = body + first_len - 1;
      else
        return FALSE;
    }
  *author = g_strstrip (g_strndup (body, colon - body));
  *text = colon[1] == ' ' ? colon + 2 : colon + 1;
  if (**author == '\0')
    {
      g_clear_pointer (author, g_free);
      return FALSE;
    }
  return TRUE;
}

/* ---- pass 1 ---- */

typedef struct
{
  guint64 looks;
  guint64 parsed;
  guint64 first_bad_line;
  OrderStats stats;
} Scan;

/*
 * Whether a raw body may, once cleaned and rid of its marks, hold a "created group" notice:
 * each pattern of match_created contains one of name_anchors, and cleaning changes text
 * only at a NUL or at a character beginning C2 A0, EF BB or E2 80 (marks and exotic
 * spaces; dropping one could join a pattern's pieces).  One pass over the bytes, looking up
 * each pair in a bitmap of those beginnings, instead of four strstr () calls and the checks
 * for cleaning; rare hits are then looked at closely.  TRUE only means "look closely".
 */
static const char * const name_anchors[] = { " created group ", "Gruppe ", "创建了", "建立了" };

static PairSet name_pairs;

static gboolean
is_mark_or_exotic_space (const guchar *u,
                         gsize         left)
{
  if (u[0] == 0xC2)
    return left >= 2 && u[1] == 0xA0;
  if (u[0] == 0xEF)
    return left >= 3 && u[1] == 0xBB && u[2] == 0xBF;
  return left >= 3 && u[1] == 0x80 &&
         ((u[2] >= 0xAA && u[2] <= 0xAE) || u[2] == 0x8E || u[2] == 0x8F ||
          u[2] == 0x89 || u[2] == 0xAF || u[2] == 0x87);
}

static gboolean
raw_body_may_name_group (const char *text,
                         gsize       len)
{
  static gsize pairs_ready = 0;
  const guchar *u = (const guchar *) text;

  if (g_once_init_enter (&pairs_ready))
    {
      for (guint i = 0; i < G_N_ELEMENTS (name_anchors); i++)
        pair_set_add (&name_pairs, byte_pair (name_anchors[i]));
      pair_set_add (&name_pairs, 0xC2A0);
      pair_set_add (&name_pairs, 0xEFBB);
      pair_set_add (&name_pairs, 0xE280);
      for (guint b = 0; b < 256; b++)
        pair_set_add (&name_pairs, b);          /* a NUL, then anything */
      g_once_init_leave (&pairs_ready, 1);
    }

  /* text[len] is the line's NUL, so the last pair is in bounds. */
  for (gsize i = 0; i < len; i++)
    {
      if (!pair_set_has (&name_pairs, text + i))
        continue;
      if (u[i] == 0 || ((u[i] == 0xC2 || u[i] == 0xEF || u[i] == 0xE2) &&
                        is_mark_or_exotic_space (u + i, len - i)))
        return TRUE;
      for (guint a = 0; a < G_N_ELEMENTS (name_anchors); a++)
        {
          gsize n = strlen (name_anchors[a]);

          if (n <= len - i && memcmp (text + i, name_anchors[a], n) == 0)
            return TRUE;
        }
    }
  return FALSE;
}

/* The same question for a cleaned text without marks. */
static gboolean
may_name_group (const char *text)
{
  for (guint a = 0; a < G_N_ELEMENTS (name_anchors); a++)
    if (strstr (text, name_anchors[a]) != NULL)
      return TRUE;
  return FALSE;
}

/* Whether bytes [0, n) are ASCII without NUL: cleaning leaves them as they are. */
static gboolean
is_plain_prefix (const char *text,
                 gsize       n)
{
  for (gsize i = 0; i < n; i++)
    if ((guchar) text[i] == 0 || (guchar) text[i] >= 0x80)
      return FALSE;
  return TRUE;
}

/* Cleaning never changes plain ASCII, and acts on each character by itself, so a header
 * read from the raw line within its plain ASCII start is the cleaned line's header.
 * parse_header reads up to the byte before the body, or, after "]", the body's first one
 * or two (to look for "- "); and stopped at a NUL only if that NUL ends the line. */
static gboolean
parse_raw_header (const char *raw,
                  gsize       len,
                  Header     *h)
{
  gsize body, read;

  if (!parse_header (raw, h))
    return FALSE;
  body = h->body - raw;
  read = body;
  if (*skip_marks (raw) == '[')
    read += raw[body] == '-' ? 2 : 1;
  if (body == len)
    read = len;
  return is_plain_prefix (raw, MIN (read, len));
}

typedef enum
{
  RAW_NO_HEADER,   /* neither looks like a header nor is one, cleaned or not */
  RAW_HEADER,      /* a header, the same as the cleaned line's */
  RAW_UNSURE,      /* clean the line and look again */
} RawLine;

static RawLine
scan_raw_line (Import     *im,
               LineReader *r,
               Header     *h)
{
  guchar first = r->line[0];

  /* skip_marks, '[' and parse_date would stop at once on any other plain byte. */
  if (first != 0 && first < 0x80 && first != ' ' && first != '\t' && first != '[' &&
      !g_ascii_isdigit (first))
    return RAW_NO_HEADER;
  if (r->line_len == 0)
    return RAW_NO_HEADER;
  if (!parse_raw_header (r->line, r->line_len, h))
    return RAW_UNSURE;
  if (im->chat_name == NULL &&
      raw_body_may_name_group (h->body, r->line_len - (h->body - r->line)))
    return RAW_UNSURE;
  return RAW_HEADER;
}

/* One cleaned line of pass 1. */
static void
scan_line (Import     *im,
           Scan       *scan,
           LineReader *r,
           const char *line)
{
  Header h;

  if (!looks_like_header (line))
    return;
  scan->looks++;
  if (!parse_header (line, &h))
    {
      if (scan->first_bad_line == 0)
        scan->first_bad_line = r->line_no;
      return;
    }
  scan->parsed++;
  order_stats_add (&scan->stats, &h);
  if (im->chat_name == NULL && may_name_group (h.body))
    {
      g_autofree char *body = strip_marks (h.body);
      g_autofree char *author = NULL;
      const char *text = NULL;
      Sys s = { 0, };

      if ((match_system (body, &s) && s.kind == SYS_CREATE) ||
          (split_author (body, &author, &text) && match_system (text, &s) && s.kind == SYS_CREATE))
        im->chat_name = g_steal_pointer (&s.group);
      sys_clear (&s);
    }
}

/* Pass 1: the headers' numbers, how many lines look like headers and are ones, and the
 * chat's name.  Most lines are settled on the raw bytes; the rest are cleaned first. */
static gboolean
scan_file (Import  *im,
           Scan    *scan,
           GError **error)
{
  g_autoptr(GString) cleaned = g_string_new (NULL);
  LineReader r;
  gboolean ok = FALSE;
  int rc;

  if (!reader_open (im, &r, FALSE, error))
    goto out;
  while ((rc = line_reader_next (&r, error)) > 0)
    {
      Header h;

      if (!check_cancel (im, &r, error))
        goto out;
      switch (scan_raw_line (im, &r, &h))
        {
        case RAW_NO_HEADER:
          break;
        case RAW_HEADER:
          scan->looks++;
          scan->parsed++;
          order_stats_add (&scan->stats, &h);
          break;
        case RAW_UNSURE:
        default:
          scan_line (im, scan, &r, clean_line (r.line, r.line_len, cleaned));
          break;
        }
    }
  ok = rc == 0;

out:
  line_reader_clear (&r);
  return ok;
}

/* ---- pass 2 ---- */

/* The uid of a sender or a name in a system text; the first time a uid is seen, its
 * member is sent.  Names already met are looked up once, without building the uid. */
static char *
ensure_member (Import     *im,
               const char *name)
{
  const char *known = g_hash_table_lookup (im->names, name);
  char *uid;

  if (known != NULL)
    return g_strdup (known);
  uid = is_you (name) ? g_strdup (YOU_UID) : g_strconcat ("name:", name, NULL);
  if (!g_hash_table_contains (im->members, uid))
    {
      cohort_import_pipe_member (im->pipe, im->community, uid, is_you (name) ? "You" : name,
                                 FALSE);
      g_hash_table_add (im->members, g_strdup (uid));
    }
  g_hash_table_insert (im->names, g_strdup (name), g_strdup (uid));
  return uid;
}

static void
apply_event (Import *im,
             Sys    *s,
             gint64  ts)
{
  g_autofree char *actor = NULL;
  guint c = im->community;

  if (s->kind == SYS_OTHER || s->kind == SYS_NONE)
    return;
  actor = ensure_member (im, s->actor);
  switch (s->kind)
    {
    case SYS_CREATE:
      cohort_import_pipe_event (im->pipe, c, actor, ts, "join", "create_group");
      break;
    case SYS_JOIN:
      cohort_import_pipe_event (im->pipe, c, actor, ts, "join", NULL);
      break;
    case SYS_JOIN_LINK:
      cohort_import_pipe_event (im->pipe, c, actor, ts, "join", "link");
      break;
    case SYS_LEAVE:
      cohort_import_pipe_event (im->pipe, c, actor, ts, "leave", NULL);
      break;
    case SYS_ADD:
    case SYS_REMOVE:
      for (guint i = 0; i < s->targets->len; i++)
        {
          g_autofree char *target = ensure_member (im, s->targets->pdata[i]);
          gboolean self = strcmp (target, actor) == 0;

          if (s->kind == SYS_REMOVE)
            cohort_import_pipe_event (im->pipe, c, target, ts, self ? "leave" : "kick", NULL);
          if (s->kind == SYS_ADD)
            {
              cohort_import_pipe_event (im->pipe, c, target, ts, "join", self ? "self" : "invite");
              if (!self)
                cohort_import_pipe_invite (im->pipe, c, actor, target, ts, NULL);
            }
        }
      break;
    case SYS_NONE:
    case SYS_OTHER:
    default:
      break;
    }
}

/* g_utf8_strlen () of a valid text (every text here comes from clean_line ()): the bytes
 * that do not continue a character, counted in a loop the compiler vectorises. */
static glong
utf8_length (const char *text)
{
  gsize len = strlen (text);
  glong n = 0;

  for (gsize i = 0; i < len; i++)
    n += ((guchar) text[i] & 0xC0) != 0x80;
  return n;
}

static void
store_system (Import     *im,
              const char *text,
              Sys        *s)
{
  g_autofree char *key = cohort_content_keys_make (im->keys, NULL, im->cur_ts, text);
  CohortMessageRecord record = { 0, };

  record.platform_msg_id = key;
  record.ts = im->cur_ts;
  record.kind = COHORT_MESSAGE_SYSTEM;
  record.text = text;
  record.length = utf8_length (text);
  cohort_import_pipe_message (im->pipe, im->community, &record);
  apply_event (im, s, im->cur_ts);
}

static void
store_message (Import     *im,
               const char *author,
               char       *owned_text)
{
  static const char edited[] = " <This message was edited>";
  g_autofree char *uid = NULL;
  g_autofree char *text = owned_text;
  g_autofree char *key = NULL;
  CohortMessageRecord record = { 0, };
  CohortContentDigest digest;
  CohortMechReason reason;
  gboolean marker = FALSE;
  char *nl;
  int kind;

  uid = ensure_member (im, author);
  if (g_str_has_suffix (text, edited))
    text[strlen (text) - strlen (edited)] = '\0';
  if (is_deleted (text))
    {
      /* Tombstones are not messages (METRICS.md §0.5). */
      im->deleted++;
      return;
    }

  /* The first line, ended in place for media_marker (). */
  nl = strchr (text, '\n');
  if (nl != NULL)
    *nl = '\0';
  kind = media_marker (text, &marker);
  if (nl != NULL)
    *nl = '\n';
  if (marker)
    {
      /* The marker is a placeholder, not content: keep only the caption. */
      char *caption = g_strdup (nl ? nl + 1 : "");
      g_free (text);
      text = caption;
    }
  if (kind < 0)
    kind = has_link (text) ? COHORT_MESSAGE_LINK : COHORT_MESSAGE_TEXT;

  /* The classifier runs while the key's slot loads. */
  cohort_content_keys_hash (im->keys, uid, im->cur_ts, text, &digest);
  reason = cohort_mech_classify (im->mech, uid, im->cur_ts, text, kind,
                                 (marker && kind != COHORT_MESSAGE_STICKER) || kind == COHORT_MESSAGE_LINK);
  key = cohort_content_keys_take (im->keys, &digest);
  record.platform_msg_id = key;
  record.member_uid = uid;
  record.ts = im->cur_ts;
  record.kind = kind;
  record.text = text;
  record.length = utf8_length (text);
  record.is_mech = reason != COHORT_MECH_NONE;
  record.mech_reason = cohort_mech_reason_to_string (reason);
  im->messages++;
  cohort_import_pipe_message (im->pipe, im->community, &record);
}

static void
flush_entry (Import *im)
{
  g_autofree char *clean = NULL;
  g_autofree char *author = NULL;
  const char *text = NULL;
  gboolean anchored;
  Sys s = { 0, };

  if (!im->have_cur)
    return;
  im->have_cur = FALSE;
  clean = strip_marks (im->cur->str);
  /* The body after the author is a tail of clean: without an anchor in clean it has none. */
  anchored = has_system_anchor (clean);

  /* Android: no author; a system text is the whole body. */
  if (anchored && match_system_text (clean, &s))
    store_system (im, g_strstrip (clean), &s);
  else if (!split_author (im->cur->str, &author, &text))
    {
      s.kind = SYS_OTHER;
      store_system (im, g_strstrip (clean), &s);
    }
  else
    {
      /* iOS attributes system texts to the group or the actor, marked with a leading LRM.
       * Without the mark only unmistakable texts count, so "Alice: Bob left" stays a message. */
      gboolean marked = g_str_has_prefix (text, "\u200e");
      gboolean media = FALSE;
      g_autofree char *who = strip_marks (author);
      g_autofree char *body = strip_marks (text);

      if (anchored && match_system (body, &s) &&
          (marked || is_e2e_notice (body) || g_strcmp0 (who, im->chat_name) == 0 ||
           (s.kind == SYS_CREATE && g_strcmp0 (who, s.actor) == 0)))
        store_system (im, body, &s);
      else if (marked && g_strcmp0 (who, im->chat_name) == 0 && !is_deleted (body) &&
               media_marker (body, &media) < 0)
        {
          sys_clear (&s);
          s.kind = SYS_OTHER;
          store_system (im, body, &s);
        }
      else
        store_message (im, g_strstrip (who), g_steal_pointer (&body));
    }
  sys_clear (&s);
}

static void
handle_line (Import     *im,
             LineReader *r,
             const char *line)
{
  Header h;
  gint64 ts;

  if (parse_header (line, &h))
    {
      if (header_to_utc (&h, &im->order, im->tz, &im->day, &ts))
        {
          flush_entry (im);
          g_string_assign (im->cur, h.body);
          im->cur_ts = ts;
          im->have_cur = TRUE;
          return;
        }
      if (im->bad_dates++ == 0)
        im->bad_date_line = r->line_no;
    }
  if (!im->have_cur)
    {
      im->orphan_lines++;
      return;
    }
  if (im->cur->len < MAX_MESSAGE)
    {
      g_string_append_c (im->cur, '\n');
      g_string_append (im->cur, line);
    }
}

/* Pass 2, on the pipe's parse thread: the chat's community, then every entry. */
static gboolean
import_file (CohortImportPipe  *pipe,
             gpointer           data,
             GError           **error)
{
  Import *im = data;
  g_autofree char *platform_id = g_strdup_printf ("name:%s", im->chat_name);
  g_autoptr(GString) cleaned = g_string_new (NULL);
  LineReader r;
  gboolean ok = FALSE;
  int rc;

  im->pipe = pipe;
  im->community = cohort_import_pipe_community (pipe, "whatsapp", platform_id, im->chat_name,
                                                "group", im->tz_id);
  if (!reader_open (im, &r, TRUE, error))
    goto out;
  while ((rc = line_reader_next (&r, error)) > 0)
    {
      const char *line = clean_line (r.line, r.line_len, cleaned);

      if (!check_cancel (im, &r, error) ||
          (r.line_no % CHECK_EVERY == 0 && cohort_import_pipe_failed (pipe)))
        goto out;
      handle_line (im, &r, line);
      if (r.line_no % PROGRESS_EVERY == 0)
        cohort_import_pipe_context_progress (pipe, im->ctx, reader_position (&r), im->messages);
    }
  if (rc < 0)
    goto out;
  flush_entry (im);
  cohort_import_pipe_context_progress (pipe, im->ctx,
                                       im->ctx->size > 0 ? im->ctx->size : reader_position (&r),
                                       im->messages);
  ok = TRUE;

out:
  line_reader_clear (&r);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Chat name, zone, order                                                                      */

/* "WhatsApp Chat with Alice.txt" → "Alice"; NULL when the name has no known prefix. */
static char *
name_from_file (const char *file_name)
{
  static const char * const prefixes[] = {
    "WhatsApp Chat with ", "WhatsApp Chat - ", "WhatsApp Chat mit ", "WhatsApp-Chat mit ",
    "Chat de WhatsApp con ", "Чат WhatsApp с ", "Conversa do WhatsApp com ",
    "Discussion WhatsApp avec ", "WhatsApp Chat met ",
  };
  static const struct { const char *prefix, *suffix; } around[] = {
    { "与", "的 WhatsApp 聊天" }, { "与", "的WhatsApp聊天" },
    { "與", "的WhatsApp對話" }, { "與", "的 WhatsApp 對話" },
  };
  g_autofree char *base = g_path_get_basename (file_name);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  g_strdelimit (base, "_", ' ');
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (base, prefixes[i]) && base[strlen (prefixes[i])] != '\0')
      return g_strstrip (g_strdup (base + strlen (prefixes[i])));
  for (guint i = 0; i < G_N_ELEMENTS (around); i++)
    {
      g_autofree char *name = match_around (base, around[i].prefix, around[i].suffix);
      if (name != NULL)
        return g_steal_pointer (&name);
    }
  return NULL;
}

static void
choose_chat_name (Import *im)
{
  g_autofree char *base = NULL;
  char *dot;

  if (im->chat_name != NULL && *im->chat_name != '\0')
    return;
  g_clear_pointer (&im->chat_name, g_free);
  im->chat_name = name_from_file (im->ctx->display_name);
  if (im->chat_name == NULL && im->entry != NULL)
    im->chat_name = name_from_file (im->entry);
  if (im->chat_name != NULL)
    return;
  base = g_path_get_basename (im->ctx->display_name);
  if ((dot = strrchr (base, '.')) != NULL && dot != base)
    *dot = '\0';
  im->chat_name = g_steal_pointer (&base);
}

static void
choose_zone (Import *im)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  const char *fallback = g_time_zone_get_identifier (local);
  const char *id;

  if (fallback == NULL || *fallback == '\0' || strcmp (fallback, "Local") == 0)
    fallback = "UTC";
  id = cohort_import_context_zone (im->ctx, fallback);
  im->tz = g_time_zone_new_identifier (id);
  if (im->tz == NULL)
    {
      cohort_import_context_warn (im->ctx, _("Unknown time zone “%s”; %s was read as UTC."),
                                  id, im->ctx->display_name);
      im->tz = g_time_zone_new_utc ();
      id = "UTC";
    }
  im->tz_id = g_strdup (id);
}

static void
choose_order (Import     *im,
              const Scan *scan)
{
  const char *forced = im->ctx->options ? im->ctx->options->date_order : NULL;

  im->order.year_index = -1;
  if (g_strcmp0 (forced, "dmy") == 0 || g_strcmp0 (forced, "mdy") == 0)
    {
      im->order.year_index = 2;
      im->order.day_first = forced[0] == 'd';
    }
  else if (g_strcmp0 (forced, "ymd") == 0)
    {
      im->order.year_index = 0;
      im->order.day_first = FALSE;
    }
  else
    im->order.day_first = order_stats_day_first (&scan->stats);
}

static void
import_clear (Import *im)
{
  g_free (im->entry);
  g_free (im->chat_name);
  g_free (im->tz_id);
  g_clear_pointer (&im->tz, g_time_zone_unref);
  g_clear_pointer (&im->mech, cohort_mech_free);
  g_clear_pointer (&im->keys, cohort_content_keys_free);
  g_clear_pointer (&im->members, g_hash_table_unref);
  g_clear_pointer (&im->names, g_hash_table_unref);
  if (im->cur != NULL)
    g_string_free (im->cur, TRUE);
}

static gboolean
check_scan (Import      *im,
            const Scan  *scan,
            GError     **error)
{
  if (scan->parsed > 0 && scan->parsed * 2 >= scan->looks)
    return TRUE;
  g_set_error (error, COHORT_IMPORT_ERROR, COHORT_IMPORT_ERROR_UNSUPPORTED,
               _("%s, line %" PRIu64 ": this is not a WhatsApp chat export (only %"
                 PRIu64 " of %" PRIu64 " lines that start with a date have "
                 "the WhatsApp date, time and sender layout)."),
               im->ctx->display_name, scan->first_bad_line ? scan->first_bad_line : 1,
               scan->parsed, scan->looks);
  return FALSE;
}

static void
report_quality (Import *im)
{
  if (im->bad_dates > 0)
    cohort_import_context_warn (im->ctx, _("%s, line %" PRIu64 ": %" PRIu64
                                           " lines have a date that does not exist in the chosen "
                                           "date order; they were kept as message text."),
                                im->ctx->display_name, im->bad_date_line, im->bad_dates);
  if (im->orphan_lines > 0)
    cohort_import_context_warn (im->ctx, _("%s: %" PRIu64 " lines before the first "
                                           "message were skipped."),
                                im->ctx->display_name, im->orphan_lines);
  /* Deleted messages are expected in every chat: counted, not warned about. */
  g_debug ("%" G_GUINT64_FORMAT " deleted-message placeholders skipped", im->deleted);
}

/* The importer hands over a buffered stream whose head is already read. */
static gboolean
stream_is_zip (GInputStream *stream)
{
  const guchar *head;
  gsize len = 0;

  if (!G_IS_BUFFERED_INPUT_STREAM (stream))
    return FALSE;
  head = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (stream), &len);
  return len >= 4 && memcmp (head, "PK\x03\x04", 4) == 0;
}

static gboolean
whatsapp_import (CohortImportTx      *tx,
                 CohortImportContext *ctx,
                 GError             **error)
{
  Import im = { 0, };
  Scan scan = { 0, };
  gboolean ok = FALSE;

  im.ctx = ctx;
  im.is_zip = stream_is_zip (ctx->stream);
  im.cur = g_string_new (NULL);
  im.keys = cohort_content_keys_new ();
  im.members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  im.names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  im.mech = cohort_mech_new ();

  if (g_cancellable_set_error_if_cancelled (ctx->cancellable, error))
    goto out;
  if (im.is_zip && !choose_entry (&im, error))
    goto out;
  if (!scan_file (&im, &scan, error) || !check_scan (&im, &scan, error))
    goto out;
  /* Every entry gets a content key: the first pass counted them. */
  g_clear_pointer (&im.keys, cohort_content_keys_free);
  im.keys = cohort_content_keys_new_sized (scan.parsed);
  choose_order (&im, &scan);
  choose_chat_name (&im);
  choose_zone (&im);

  /* WhatsApp writes the phone's local times without an offset. */
  cohort_import_tx_set_wall_clock (tx, TRUE);
  if (!cohort_import_tx_expect_messages (tx, scan.parsed, error))
    goto out;
  if (!cohort_import_pipe_run (tx, import_file, &im, ctx->result, ctx->progress,
                               ctx->progress_data, ctx->cancellable, error))
    goto out;
  report_quality (&im);
  ok = TRUE;

out:
  import_clear (&im);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Sniffing                                                                                    */

static int
sniff_zip (const char * const *entries)
{
  for (guint i = 0; entries[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (entries[i]);

      if (strcmp (base, "_chat.txt") == 0 ||
          (g_str_has_suffix (base, ".txt") && strstr (base, "WhatsApp") != NULL))
        return 90;
    }
  return 0;
}

static int
whatsapp_sniff (const guchar       *head,
                gsize               len,
                const char * const *zip_entries)
{
  const char *p = (const char *)head, *end = p + len;
  g_autoptr(GString) cleaned = g_string_new (NULL);
  guint checked = 0, good = 0;

  if (zip_entries != NULL)
    return sniff_zip (zip_entries);
  if (len >= 4 && memcmp (head, "PK\x03\x04", 4) == 0)
    return 0;

  /* The first non-empty lines must be headers (a chat starts with one); the last line of
   * the head may be cut, so only complete lines are looked at. */
  while (p < end && checked < 5)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *cr = memchr (p, '\r', (nl ? nl : end) - p);
      const char *stop = cr ? cr : nl;
      g_autofree char *raw = NULL;
      g_autofree char *line = NULL;
      Header h;

      if (stop == NULL && len < COHORT_SNIFF_SIZE)
        stop = end;   /* the whole file is in the head */
      else if (stop == NULL)
        break;
      raw = g_strndup (p, stop - p);
      line = g_strdup (clean_line (raw, stop - p, cleaned));
      p = stop + 1;
      if (*g_strstrip (line) == '\0')
        continue;
      if (!looks_like_header (line))
        {
          if (checked == 0)
            return 0;
          continue;   /* a multi-line message */
        }
      checked++;
      good += parse_header (line, &h);
    }
  if (checked == 0 || good * 2 < checked)
    return 0;
  return 80;
}

const CohortFormat cohort_format_whatsapp = {
  "whatsapp",
  N_("WhatsApp chat export (.txt or .zip)"),
  N_("In WhatsApp open the chat, tap ⋮ → More → Export chat (iPhone: the chat name → Export "
     "Chat), choose Without media or Attach media, and save the .txt or .zip."),
  whatsapp_sniff,
  whatsapp_import,
};
