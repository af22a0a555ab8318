/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-mech"

#include "config.h"

#include "cohort-mech-private.h"

#include "cohort-snapshot.h"

#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#define DUP_WINDOW_S   60
#define ECHO_WINDOW_S  (5 * 60)
#define ECHO_MEMBERS   3
#define ECHO_MAX_CORE  10

/* ------------------------------------------------------------------------------------ */
/* Static lists (METRICS.md §A rules 2–5)                                              */

static const char * const stop_zh[] = {
  "收到", "收到收到", "收到了", "好", "好的", "好滴", "好哒", "好嘞", "好吧", "嗯", "嗯嗯",
  "恩恩", "哦", "哦哦", "噢", "喔", "了解", "明白", "明白了", "知道了", "懂了", "可以", "行",
  "同上", "同意", "支持", "顶", "赞", "点赞", "棒", "厉害", "牛", "牛逼", "谢谢", "谢谢老师",
  "感谢", "多谢", "辛苦了", "辛苦", "早", "早安", "早上好", "午安", "晚安", "在", "在的", "到",
  "已阅", "已读", "签到", "打卡", "冒泡", "路过", "围观", "沙发", "加一", "加1", "扣1", "接",
  "鼓掌", "哈哈", "呵呵", "嘻嘻", "嘿嘿",
};

static const char * const stop_en[] = {
  "ok", "okay", "k", "kk", "okk", "yes", "yep", "yeah", "ya", "yup", "thanks", "thx", "ty",
  "tks", "thank you", "thank u", "lol", "lmao", "rofl", "nice", "cool", "great", "wow", "gg",
  "noted", "got it", "same", "this", "bump", "gm", "gn", "welcome", "agreed", "^", "^^",
};

/* WeChat "[名字]" and QQ "/名字" emoticon names, lowercased (WeChat's English client
 * writes "[OK]", "[Smile]", …).  Covers the default panels of both apps. */
static const char * const emoticon_names[] = {
  "微笑", "撇嘴", "色", "发呆", "得意", "流泪", "害羞", "闭嘴", "睡", "大哭", "尴尬", "发怒",
  "调皮", "呲牙", "惊讶", "难过", "酷", "冷汗", "抓狂", "吐", "偷笑", "可爱", "愉快", "白眼",
  "傲慢", "饥饿", "困", "惊恐", "流汗", "憨笑", "悠闲", "大兵", "奋斗", "咒骂", "疑问", "嘘",
  "晕", "衰", "骷髅", "敲打", "再见", "擦汗", "抠鼻", "鼓掌", "糗大了", "坏笑", "左哼哼",
  "右哼哼", "哈欠", "鄙视", "委屈", "快哭了", "阴险", "亲亲", "吓", "可怜", "笑脸", "生病",
  "脸红", "破涕为笑", "恐惧", "失望", "无语", "嘿哈", "捂脸", "奸笑", "机智", "皱眉", "耶",
  "吃瓜", "加油", "汗", "天啊", "社会社会", "旺柴", "好的", "打脸", "哇", "翻白眼", "666",
  "让我看看", "叹气", "苦涩", "裂开", "嘴唇", "爱心", "心碎", "拥抱", "强", "弱", "握手",
  "胜利", "抱拳", "勾引", "拳头", "ok", "合十", "啤酒", "咖啡", "蛋糕", "玫瑰", "凋谢", "菜刀",
  "炸弹", "便便", "月亮", "太阳", "庆祝", "礼物", "红包", "發", "福", "烟花", "爆竹", "猪头",
  "跳跳", "发抖", "转圈", "西瓜", "示爱", "闪电", "差劲", "爱你", "no", "smile", "grin",
  "thumbsup", "strong", "rose", "facepalm", "hug", "salute", "fist", "peace", "clap",
  "laugh", "shy", "awesome", "wow", "sigh", "smart", "trick",
};

/* Placeholders that exporters write instead of a sticker (rule 1). */
static const char * const sticker_placeholders[] = {
  "[动画表情]", "<sticker omitted>", "sticker omitted", "[sticker]",
};

#define MAX_PHRASES 192
#define MASK_WORDS  (MAX_PHRASES / 64)

typedef struct
{
  guint64 bits[MASK_WORDS];     /* bit i = phrases[i] */
} PhraseMask;

typedef struct
{
  GHashTable *stop_zh;          /* t -> TRUE */
  GHashTable *stop_en;
  GHashTable *emoticons;        /* name -> TRUE */
  gsize       stop_max_bytes;   /* the longest entry of either stop list */
  char      **phrases;          /* core forms, ≥ 2 chars, longest first, NULL-terminated */
  guint       n_phrases;
  /* The phrases starting with each byte pair: pair_slot[(b0 << 8) | b1] is 0 or 1 + an
   * index into pair_masks. */
  guint8     *pair_slot;
  PhraseMask  pair_masks[MAX_PHRASES];
} Tables;

static void append_core_char (GString *core, gunichar c);

static char *
core_of_phrase (const char *phrase)
{
  GString *s = g_string_new (NULL);

  for (const char *p = phrase; *p; p = g_utf8_next_char (p))
    append_core_char (s, g_utf8_get_char (p));
  return g_string_free (s, FALSE);
}

static int
cmp_phrase_len_desc (gconstpointer a,
                     gconstpointer b)
{
  const char *pa = *(const char * const *) a;
  const char *pb = *(const char * const *) b;
  glong la = g_utf8_strlen (pa, -1);
  glong lb = g_utf8_strlen (pb, -1);

  if (la != lb)
    return la > lb ? -1 : 1;
  return strcmp (pa, pb);
}

/* The key a phrase is filed under in pair_slot: its first two bytes when it starts with
 * ASCII, else a 15-bit hash of its first three bytes — all of a CJK character, so 了解 is
 * not a candidate wherever 亮 (the same first two bytes) occurs.  p must have the bytes. */
static inline guint
phrase_key (const guchar *p)
{
  if (p[0] < 0x80)
    return ((guint) p[0] << 8) | p[1];
  return 0x8000 | ((((guint) p[0] << 12) ^ ((guint) p[1] << 6) ^ p[2]) & 0x7FFF);
}

static void
index_phrase_pairs (Tables *t)
{
  guint n_slots = 0;

  /* Without room for a bit per phrase the fast residual is simply not used. */
  if (t->n_phrases > MAX_PHRASES)
    return;
  t->pair_slot = g_malloc0 (1 << 16);
  for (guint i = 0; i < t->n_phrases; i++)
    {
      /* ≥ 2 characters: two bytes after ASCII, four or more after anything else. */
      guint pair = phrase_key ((const guchar *) t->phrases[i]);

      if (t->pair_slot[pair] == 0)
        t->pair_slot[pair] = (guint8) ++n_slots;
      t->pair_masks[t->pair_slot[pair] - 1].bits[i / 64] |= G_GUINT64_CONSTANT (1) << (i % 64);
    }
}

static gpointer
tables_init (gpointer data)
{
  Tables *t = g_new0 (Tables, 1);
  GPtrArray *phrases = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  t->stop_zh = g_hash_table_new (g_str_hash, g_str_equal);
  t->stop_en = g_hash_table_new (g_str_hash, g_str_equal);
  t->emoticons = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (stop_zh); i++)
    {
      g_hash_table_add (t->stop_zh, (gpointer) stop_zh[i]);
      t->stop_max_bytes = MAX (t->stop_max_bytes, strlen (stop_zh[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (stop_en); i++)
    {
      g_hash_table_add (t->stop_en, (gpointer) stop_en[i]);
      t->stop_max_bytes = MAX (t->stop_max_bytes, strlen (stop_en[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (emoticon_names); i++)
    g_hash_table_add (t->emoticons, (gpointer) emoticon_names[i]);

  /* Single-character entries are never deleted from inside other text (不行, 早上, 链接
   * must stay genuine), so only phrases of ≥ 2 characters in core form go in. */
  for (guint l = 0; l < 2; l++)
    {
      const char * const *list = l == 0 ? stop_zh : stop_en;
      guint n = l == 0 ? G_N_ELEMENTS (stop_zh) : G_N_ELEMENTS (stop_en);

      for (guint i = 0; i < n; i++)
        {
          char *core = core_of_phrase (list[i]);

          if (g_utf8_strlen (core, -1) >= 2 && !g_hash_table_contains (seen, core))
            {
              g_hash_table_add (seen, core);
              g_ptr_array_add (phrases, core);
            }
          else
            g_free (core);
        }
    }
  g_ptr_array_sort (phrases, cmp_phrase_len_desc);
  t->n_phrases = phrases->len;
  g_ptr_array_add (phrases, NULL);
  t->phrases = (char **) g_ptr_array_free (phrases, FALSE);
  index_phrase_pairs (t);

  return t;
}

static const Tables *
tables_get (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, tables_init, NULL);
}

/* ------------------------------------------------------------------------------------ */
/* Character classes                                                                    */

static gboolean
is_zero_width (gunichar c)
{
  /* U+200E/U+200F (bidi marks) are not in the spec's list, but WhatsApp prefixes its
   * "sticker omitted" lines with U+200E and they are just as invisible. */
  return (c >= 0x200B && c <= 0x200F) || c == 0x2060 || c == 0xFEFF;
}

static gboolean
is_punct (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONNECT_PUNCTUATION:
    case G_UNICODE_DASH_PUNCTUATION:
    case G_UNICODE_CLOSE_PUNCTUATION:
    case G_UNICODE_FINAL_PUNCTUATION:
    case G_UNICODE_INITIAL_PUNCTUATION:
    case G_UNICODE_OTHER_PUNCTUATION:
    case G_UNICODE_OPEN_PUNCTUATION:
      return TRUE;
    default:
      return c < 0x80 && g_ascii_ispunct ((char) c);
    }
}

static gboolean
is_symbol (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_MATH_SYMBOL:
    case G_UNICODE_MODIFIER_SYMBOL:
    case G_UNICODE_OTHER_SYMBOL:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Invisible parts of emoji sequences: variation selectors, keycap, ZWJ, tags. */
static gboolean
is_emoji_component (gunichar c)
{
  return (c >= 0xFE00 && c <= 0xFE0F) || c == 0x20E3 || c == 0x200D ||
         (c >= 0xE0020 && c <= 0xE007F);
}

static gboolean
is_dropped_from_core (gunichar c)
{
  /* `core` drops punctuation, whitespace and symbols ("+1" → "1", "～" → ""), and the
   * invisible emoji components left over after a non-emoji base character. */
  return g_unichar_isspace (c) || is_punct (c) || is_symbol (c) || is_emoji_component (c);
}

static void
append_core_char (GString  *core,
                  gunichar  c)
{
  if (!is_dropped_from_core (c))
    g_string_append_unichar (core, c);
}

/* ------------------------------------------------------------------------------------ */
/* Character facts for the fast paths                                                   */

/*
 * The classifier asks the same few questions of every character (is it NFKC-inert, a
 * grapheme cluster of its own, pictographic, part of `core`, a space, cased?).  Asking
 * ICU and GLib per character cost about half of an import's classifier time, so the
 * answers are kept in a table of 256-character blocks, each filled on first use from the
 * very calls the reference path makes.  Code points from U+20000 up (rare CJK
 * extensions, tags) are asked directly.
 */
enum
{
  CP_NFKC_INERT     = 1 << 0,   /* unorm2_isInert: never changes nor combines under NFKC */
  CP_GRAPHEME_SOLO  = 1 << 1,   /* Grapheme_Cluster_Break Other, Control or LF */
  CP_PICTOGRAPHIC   = 1 << 2,   /* Extended_Pictographic */
  CP_NOT_CORE       = 1 << 3,   /* is_dropped_from_core () */
  CP_SPACE          = 1 << 4,   /* g_unichar_isspace () */
  CP_CASE_CONTEXT   = 1 << 5,   /* g_utf8_strdown may change it or look around it */
  CP_ZERO_WIDTH     = 1 << 6,   /* is_zero_width () */
};

#define CP_TABLE_LIMIT 0x20000

static guint8 *cp_blocks[CP_TABLE_LIMIT >> 8];

static gboolean
has_case_context (gunichar c)
{
  GUnicodeType type;

  /* ASCII: only I (Turkic dotless ı) and J (Lithuanian) depend on the locale; A–Z
   * otherwise map to a–z, which the fast lowercasing does itself. */
  if (c < 0x80)
    return c == 'I' || c == 'J';
  /* g_unichar_totitle (c) != c only for letters of these three types (test-mech checks
   * every code point), so it is not asked: it searches GLib's title table linearly, which
   * was 40 % of filling a block of the table below. */
  type = g_unichar_type (c);
  return type == G_UNICODE_UPPERCASE_LETTER || type == G_UNICODE_LOWERCASE_LETTER ||
         type == G_UNICODE_TITLECASE_LETTER || g_unichar_tolower (c) != c ||
         g_unichar_toupper (c) != c;
}

static guint
cp_flags_compute (gunichar c)
{
  UErrorCode status = U_ZERO_ERROR;
  const UNormalizer2 *n2 = unorm2_getNFKCInstance (&status);
  int gcb = u_getIntPropertyValue ((UChar32) c, UCHAR_GRAPHEME_CLUSTER_BREAK);
  guint flags = 0;

  if (U_SUCCESS (status) && unorm2_isInert (n2, (UChar32) c))
    flags |= CP_NFKC_INERT;
  if (gcb == U_GCB_OTHER || gcb == U_GCB_CONTROL || gcb == U_GCB_LF)
    flags |= CP_GRAPHEME_SOLO;
  if (u_hasBinaryProperty ((UChar32) c, UCHAR_EXTENDED_PICTOGRAPHIC))
    flags |= CP_PICTOGRAPHIC;
  if (is_dropped_from_core (c))
    flags |= CP_NOT_CORE;
  if (g_unichar_isspace (c))
    flags |= CP_SPACE;
  if (has_case_context (c))
    flags |= CP_CASE_CONTEXT;
  if (is_zero_width (c))
    flags |= CP_ZERO_WIDTH;
  return flags;
}

static guint
cp_flags_slow (gunichar c)
{
  guint8 *block, *fresh;

  if (c >= CP_TABLE_LIMIT)
    return cp_flags_compute (c);

  /* Import threads may race to fill a block; the loser frees its copy. */
  fresh = g_malloc (256);
  for (guint i = 0; i < 256; i++)
    fresh[i] = (guint8) cp_flags_compute ((c & ~0xFFu) | i);
  if (g_atomic_pointer_compare_and_exchange (&cp_blocks[c >> 8], NULL, fresh))
    block = fresh;
  else
    {
      g_free (fresh);
      block = g_atomic_pointer_get (&cp_blocks[c >> 8]);
    }
  return block[c & 0xFF];
}

static inline guint
cp_flags (gunichar c)
{
  if (G_LIKELY (c < CP_TABLE_LIMIT))
    {
      const guint8 *block = g_atomic_pointer_get (&cp_blocks[c >> 8]);

      if (G_LIKELY (block != NULL))
        return block[c & 0xFF];
    }
  return cp_flags_slow (c);
}

/* The code point at p and, in *len, its length in bytes.  p must be valid UTF-8 (every
 * caller's text has been through g_utf8_validate or comes out of one that has). */
static inline gunichar
next_char (const char *p,
           gsize      *len)
{
  const guchar *u = (const guchar *) p;

  if (u[0] < 0x80)
    {
      *len = 1;
      return u[0];
    }
  if (u[0] < 0xE0)
    {
      *len = 2;
      return ((u[0] & 0x1F) << 6) | (u[1] & 0x3F);
    }
  if (u[0] < 0xF0)
    {
      *len = 3;
      return ((u[0] & 0x0F) << 12) | ((u[1] & 0x3F) << 6) | (u[2] & 0x3F);
    }
  *len = 4;
  return ((u[0] & 0x07) << 18) | ((u[1] & 0x3F) << 12) | ((u[2] & 0x3F) << 6) | (u[3] & 0x3F);
}

/* One character's bytes (len from next_char ()).  A memcpy of a variable length is a call,
 * which cost more than the copy on text that is mostly 3-byte CJK. */
static inline void
copy_char (char       *to,
           const char *from,
           gsize       len)
{
  to[0] = from[0];
  if (len > 1)
    {
      to[1] = from[1];
      if (len > 2)
        {
          to[2] = from[2];
          if (len > 3)
            to[3] = from[3];
        }
    }
}

/*
 * memmem for the short needles here: memchr for the first byte, then memcmp.  glibc's
 * strstr and memmem set up a two-way search on every call, which costs more than the
 * search itself on chat-sized text.
 */
static const char *
find_bytes (const char *hay,
            gsize       hay_len,
            const char *needle,
            gsize       needle_len)
{
  const char *end = hay + hay_len;

  if (needle_len == 0)
    return hay;
  for (const char *p = hay; (gsize) (end - p) >= needle_len; p++)
    {
      p = memchr (p, needle[0], (gsize) (end - p) - needle_len + 1);
      if (p == NULL)
        return NULL;
      if (memcmp (p, needle, needle_len) == 0)
        return p;
    }
  return NULL;
}

/* Whether every character of text has all of the flags. */
static gboolean
all_chars_have (const char *text,
                guint       flags)
{
  gsize len;

  for (const char *p = text; *p; p += len)
    if ((cp_flags (next_char (p, &len)) & flags) != flags)
      return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* Normalisation                                                                        */

static char *
nfkc (const char *text)
{
  UErrorCode status = U_ZERO_ERROR;
  const UNormalizer2 *n2;
  g_autofree gunichar2 *src = NULL;
  g_autofree UChar *dst = NULL;
  glong src_len = 0;
  int32_t cap, len;
  gboolean ascii = TRUE;
  char *out;

  /* ASCII is already NFKC; most English chat never pays for the round trip. */
  for (const char *p = text; *p; p++)
    if ((guchar) *p >= 0x80)
      {
        ascii = FALSE;
        break;
      }
  if (ascii)
    return g_strdup (text);

  n2 = unorm2_getNFKCInstance (&status);   /* a process-wide singleton inside ICU */
  src = g_utf8_to_utf16 (text, -1, NULL, &src_len, NULL);
  if (U_FAILURE (status) || src == NULL)
    return g_strdup (text);

  if (unorm2_isNormalized (n2, (const UChar *) src, (int32_t) src_len, &status) &&
      U_SUCCESS (status))
    return g_strdup (text);

  status = U_ZERO_ERROR;
  cap = (int32_t) src_len * 2 + 16;
  dst = g_new (UChar, cap);
  len = unorm2_normalize (n2, (const UChar *) src, (int32_t) src_len, dst, cap, &status);
  if (status == U_BUFFER_OVERFLOW_ERROR)
    {
      status = U_ZERO_ERROR;
      cap = len + 1;
      dst = g_renew (UChar, dst, cap);
      len = unorm2_normalize (n2, (const UChar *) src, (int32_t) src_len, dst, cap, &status);
    }
  if (U_FAILURE (status))
    return g_strdup (text);

  out = g_utf16_to_utf8 ((const gunichar2 *) dst, len, NULL, NULL, NULL);
  return out ? out : g_strdup (text);
}

/* A WeChat quote separator line: "- - - - - - - - - - - - - - -". */
static gboolean
is_quote_separator (const char *line,
                    gsize       len)
{
  guint dashes = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (line[i] == '-')
        dashes++;
      else if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
        return FALSE;
    }
  return dashes >= 3;
}

static gboolean
is_quote_line (const char *line,
               gsize       len)
{
  while (len > 0 && (*line == ' ' || *line == '\t'))
    line++, len--;
  while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r'))
    len--;
  if (len > 0 && line[0] == '>')
    return TRUE;                        /* Markdown / Discord / Slack quote */
  /* WeChat mobile copies a reply as "「张三：原文」" on its own line. */
  if (len >= 6 && memcmp (line, "「", 3) == 0 && memcmp (line + len - 3, "」", 3) == 0)
    {
      g_autofree char *inner = g_strndup (line, len);
      return strstr (inner, "：") != NULL || strchr (inner, ':') != NULL;
    }
  return FALSE;
}

/* Removes the quoted/replied block: everything up to a WeChat separator line, and
 * quote lines.  "A reply quote does not count toward length." */
static void
strip_quotes (GString *s)
{
  const char *start = s->str;
  const char *line = s->str;
  GString *out;

  if (strchr (s->str, '>') == NULL && strstr (s->str, "「") == NULL &&
      strstr (s->str, "---") == NULL && strstr (s->str, "- -") == NULL)
    return;

  while (*line)
    {
      const char *nl = strchr (line, '\n');
      gsize len = nl ? (gsize) (nl - line) : strlen (line);

      if (is_quote_separator (line, len))
        start = nl ? nl + 1 : line + len;
      if (!nl)
        break;
      line = nl + 1;
    }

  out = g_string_sized_new (s->len);
  line = start;
  while (*line)
    {
      const char *nl = strchr (line, '\n');
      gsize len = nl ? (gsize) (nl - line) : strlen (line);

      if (!is_quote_line (line, len))
        {
          g_string_append_len (out, line, len);
          g_string_append_c (out, '\n');
        }
      if (!nl)
        break;
      line = nl + 1;
    }
  g_string_assign (s, out->str);
  g_string_free (out, TRUE);
}

static gboolean
is_trailing_trim (gunichar c)
{
  switch (c)
    {
    case 0x3002: /* 。 */
    case 0xFF01: /* ！ */
    case '!':
    case '~':
    case 0xFF5E: /* ～ */
    case '.':
    case 0x2026: /* … */
    case '?':
    case 0xFF1F: /* ？ */
      return TRUE;
    default:
      return g_unichar_isspace (c);
    }
}

/*
 * NFKC of text made of ASCII, NFKC-inert characters and the full-width forms of ASCII
 * (U+FF01–U+FF5E, and U+3000 ideographic space), the usual Chinese chat: each full-width
 * form decomposes to its one ASCII character, and nothing in such a text composes (ASCII
 * only composes with following marks, which are not inert).  NULL for any other text.
 */
static char *
nfkc_simple (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));
  const char *run = text;       /* start of the characters kept as they are */
  const char *p;
  gsize len;

  for (p = text; *p; p += len)
    {
      gunichar ch = next_char (p, &len);

      if (len == 1 || (ch < 0xFF01 && ch != 0x3000 && (cp_flags (ch) & CP_NFKC_INERT)))
        continue;
      if (ch == 0x3000 || (ch >= 0xFF01 && ch <= 0xFF5E))
        {
          g_string_append_len (out, run, p - run);
          g_string_append_c (out, ch == 0x3000 ? ' ' : (char) (ch - 0xFEE0));
          run = p + len;
        }
      else if (!(cp_flags (ch) & CP_NFKC_INERT))
        {
          g_string_free (out, TRUE);
          return NULL;
        }
    }
  g_string_append_len (out, run, p - run);
  return g_string_free (out, FALSE);
}

static gboolean
any_char_has (const char *text,
              guint       flags)
{
  gsize len;

  for (const char *p = text; *p; p += len)
    if (cp_flags (next_char (p, &len)) & flags)
      return TRUE;
  return FALSE;
}

/* g_utf8_strdown for text without a character whose lowercase depends on the locale or
 * the neighbours (CP_CASE_CONTEXT): A–Z become a–z, the rest stays.  Otherwise it is
 * g_utf8_strdown itself. */
static char *
strdown_fast (const char *text,
              gsize       n)
{
  char *out = g_malloc (n + 1);
  gsize len;

  for (gsize i = 0; i < n; i += len)
    {
      gunichar ch = next_char (text + i, &len);

      if (cp_flags (ch) & CP_CASE_CONTEXT)
        {
          g_free (out);
          return g_utf8_strdown (text, (gssize) n);
        }
      if (len == 1)
        out[i] = g_ascii_tolower (text[i]);
      else
        memcpy (out + i, text + i, len);
    }
  out[n] = '\0';
  return out;
}

/* The length of the leading mentions of s: "@张三 " (WeChat's U+2005 is a space after NFKC)
 * and Discord "<@123>".  A mention not followed by whitespace is kept: without a separator
 * we cannot tell where the name ends, and eating the whole message would make it SHORT. */
static gsize
leading_mentions_length (const char *s)
{
  const char *start = s;

  for (;;)
    {
      gsize cut = 0;

      if (s[0] == '@')
        {
          const char *sp = strpbrk (s, " \n");
          if (sp)
            cut = (gsize) (sp - s) + 1;
        }
      else if (s[0] == '<' && s[1] == '@')
        {
          const char *gt = strchr (s, '>');
          if (gt)
            {
              cut = (gsize) (gt - s) + 1;
              if (s[cut] == ' ' || s[cut] == '\n')
                cut++;
            }
        }
      if (cut == 0)
        return (gsize) (s - start);
      s += cut;
    }
}

static gboolean
has_question_mark (const char *s)
{
  gsize n = strlen (s);

  return memchr (s, '?', n) != NULL || find_bytes (s, n, "？", strlen ("？")) != NULL;
}

/* Trims trailing punctuation 。！!~～.…?？ (and the spaces between them) in place. */
static void
trim_trailing (char *s)
{
  char *end = s + strlen (s);

  /* s is valid UTF-8: the character before end starts at the first byte that is not a
   * continuation byte. */
  while (end > s)
    {
      char *prev = end - 1;
      gsize len;

      while (prev > s && ((guchar) *prev & 0xC0) == 0x80)
        prev--;
      if (!is_trailing_trim (next_char (prev, &len)))
        break;
      end = prev;
    }
  *end = '\0';
}

/* Whether this process lowercases I and J to i and j: not under a Turkic locale (İ/ı).
 * Lithuanian differs only before combining marks, which are not NFKC-inert, so text with
 * them never reaches the fast path. */
static gboolean
plain_i_and_j (void)
{
  static gsize plain = 0;

  if (g_once_init_enter (&plain))
    {
      g_autofree char *lower = g_utf8_strdown ("IJ", -1);

      g_once_init_leave (&plain, strcmp (lower, "ij") == 0 ? 2 : 1);
    }
  return plain == 2;
}

/*
 * normalize_full () in one pass, for the usual chat text: every character ASCII, NFKC-inert
 * or a full-width form of ASCII (so NFKC maps each character on its own, as nfkc_simple ()
 * explains); no zero-width character; no character whose lowercase depends on the locale or
 * its neighbours (CP_CASE_CONTEXT, as strdown_fast ()); and no line strip_quotes () could
 * drop or keep from — that needs a line starting with '>' or '-' (after spaces, tabs and CR)
 * or a 「 quote.  Mapping, whitespace collapsing and lowercasing then commute, so they are
 * done together into one buffer.  NULL for any other text, which takes the general path.
 */
static char *
normalize_fast (const char *text,
                gsize       n,
                gboolean   *has_question,
                gboolean   *all_solo)
{
  g_autofree char *out = g_malloc (n + 1);   /* no step makes the text longer */
  gboolean pending_space = FALSE, pending_nl = FALSE, line_start = TRUE, solo = TRUE;
  gsize w = 0, len, cut;

  for (const char *p = text; *p; p += len)
    {
      gunichar ch = next_char (p, &len);
      guint flags;

      if (ch == 0x3000)
        ch = ' ';
      else if (ch >= 0xFF01 && ch <= 0xFF5E)
        ch -= 0xFEE0;
      flags = cp_flags (ch);
      if ((ch == 'I' || ch == 'J') && plain_i_and_j ())
        flags &= ~CP_CASE_CONTEXT;
      if ((ch >= 0x80 && !(flags & CP_NFKC_INERT)) || (flags & (CP_ZERO_WIDTH | CP_CASE_CONTEXT)) ||
          ch == 0x300C /* 「 */)
        return NULL;
      if (line_start)
        {
          if (ch == '>' || ch == '-')
            return NULL;
          line_start = ch == ' ' || ch == '\t' || ch == '\r';
        }
      if (ch == '\n')
        line_start = TRUE;

      if (flags & CP_SPACE)
        {
          pending_space = TRUE;
          pending_nl |= (ch == '\n' || ch == '\r' || ch == 0x2028 || ch == 0x2029);
          continue;
        }
      if (pending_space && w > 0)
        out[w++] = pending_nl ? '\n' : ' ';
      pending_space = pending_nl = FALSE;
      solo &= (flags & CP_GRAPHEME_SOLO) != 0;
      if (ch < 0x80)
        out[w++] = (char) (ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch);
      else
        {
          copy_char (out + w, p, len);
          w += len;
        }
    }
  out[w] = '\0';

  if ((cut = leading_mentions_length (out)) > 0)
    memmove (out, out + cut, w - cut + 1);
  /* U+FF1F ？ became '?' above. */
  if (has_question)
    *has_question = memchr (out, '?', w - cut) != NULL;
  trim_trailing (out);
  /* Every character written is a grapheme cluster of its own (the collapsed spaces are
   * ' ' and '\n'), and cutting and trimming only take characters away. */
  if (all_solo)
    *all_solo = solo;
  return g_steal_pointer (&out);
}

/* all_solo, when not NULL, is set TRUE only when every character of the result is known
 * to be a grapheme cluster of its own (CP_GRAPHEME_SOLO); FALSE says nothing. */
static char *
normalize_full (const char *text,
                gboolean    reference,
                gboolean   *has_question,
                gboolean   *all_solo)
{
  g_autofree char *valid = NULL;
  g_autofree char *folded = NULL;
  g_autoptr(GString) s = NULL;
  g_autoptr(GString) c = NULL;
  gboolean pending_space = FALSE, pending_nl = FALSE;
  const char *run, *p;
  char *lower, *fast;
  gsize len;

  if (text == NULL)
    text = "";
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);
  if (all_solo)
    *all_solo = FALSE;
  if (!reference && (fast = normalize_fast (text, strlen (text), has_question, all_solo)) != NULL)
    return fast;

  if (reference || (folded = nfkc_simple (text)) == NULL)
    folded = nfkc (text);

  s = g_string_sized_new (strlen (folded));
  if (!reference && !any_char_has (folded, CP_ZERO_WIDTH))
    g_string_append (s, folded);
  else
    for (const char *p = folded; *p; p = g_utf8_next_char (p))
      {
        gunichar ch = g_utf8_get_char (p);

        if (!is_zero_width (ch))
          g_string_append_unichar (s, ch);
      }

  strip_quotes (s);

  /* Collapse whitespace.  Runs containing a line break become one "\n" rather than a
   * space, because rule 9 (CHAIN) counts lines; everything else is a single space. */
  c = g_string_sized_new (s->len);
  run = s->str;
  for (p = s->str; *p; p += len)
    {
      gunichar ch = next_char (p, &len);
      gboolean space = reference ? g_unichar_isspace (ch) : (cp_flags (ch) & CP_SPACE) != 0;

      if (space)
        {
          /* The word before the spaces goes out as it is: valid UTF-8 re-encodes to the
           * same bytes. */
          g_string_append_len (c, run, p - run);
          run = p + len;
          pending_space = TRUE;
          pending_nl |= (ch == '\n' || ch == '\r' || ch == 0x2028 || ch == 0x2029);
          continue;
        }
      if (pending_space && c->len > 0)
        g_string_append_c (c, pending_nl ? '\n' : ' ');
      pending_space = pending_nl = FALSE;
    }
  g_string_append_len (c, run, p - run);

  g_string_erase (c, 0, (gssize) leading_mentions_length (c->str));

  if (has_question)
    *has_question = has_question_mark (c->str);

  lower = reference ? g_utf8_strdown (c->str, (gssize) c->len) : strdown_fast (c->str, c->len);
  trim_trailing (lower);
  return lower;
}

char *
cohort_mech_normalize (const char *text)
{
  return normalize_full (text, FALSE, NULL, NULL);
}

char *
_cohort_mech_normalize_reference (const char *text)
{
  return normalize_full (text, TRUE, NULL, NULL);
}

/* ------------------------------------------------------------------------------------ */
/* Emoji, emoticon codes and `core`                                                     */

static gboolean
is_discord_name_char (char ch)
{
  return g_ascii_isalnum (ch) || ch == '_' || ch == '-' || ch == '+';
}

/* Length in bytes of an emoticon code at p (t is lowercase), or 0. */
static gsize
match_emoticon_code (const Tables *tab,
                     const char   *p)
{
  if (p[0] == '[')
    {
      const char *close = strchr (p + 1, ']');

      if (close && close - p <= 40)
        {
          char name[48];
          gsize n = (gsize) (close - p - 1);

          memcpy (name, p + 1, n);
          name[n] = '\0';
          if (g_hash_table_contains (tab->emoticons, name))
            return n + 2;
        }
      return 0;
    }

  if (p[0] == '/' && (guchar) p[1] >= 0x80)
    {
      gsize best = 0;

      /* QQ codes have no terminator: take the longest known name.  Only CJK names,
       * so "yes/no" or "and/ok" keep their words. */
      for (guint i = 0; i < G_N_ELEMENTS (emoticon_names); i++)
        {
          const char *name = emoticon_names[i];
          gsize n = strlen (name);

          if ((guchar) name[0] >= 0x80 && n > best && strncmp (p + 1, name, n) == 0)
            best = n;
        }
      return best ? best + 1 : 0;
    }

  if (p[0] == ':')
    {
      gsize n = 1;
      gboolean letter = FALSE;

      /* Discord ":name:" — require a letter so "10:30:00" is not an emoji. */
      while (n <= 33 && is_discord_name_char (p[n]))
        letter |= g_ascii_isalpha (p[n++]);
      if (p[n] == ':' && n >= 3 && letter)
        return n + 1;
      return 0;
    }

  if (p[0] == '<' && (g_str_has_prefix (p, "<:") || g_str_has_prefix (p, "<a:")))
    {
      gsize n = p[1] == ':' ? 2 : 3;
      gsize start = n;

      while (is_discord_name_char (p[n]))
        n++;
      if (n == start || p[n] != ':')
        return 0;
      start = ++n;
      while (g_ascii_isdigit (p[n]))
        n++;
      if (n == start || p[n] != '>')
        return 0;
      return n + 1;
    }

  return 0;
}

static gboolean
cluster_is_emoji (const char *p,
                  const char *end,
                  gboolean    reference)
{
  gsize len;
  gunichar first = next_char (p, &len);
  guint ri = 0;
  gboolean keycap = FALSE;

  for (const char *q = p; q < end; q += len)
    {
      gunichar ch = next_char (q, &len);

      if (reference ? u_hasBinaryProperty ((UChar32) ch, UCHAR_EXTENDED_PICTOGRAPHIC)
                    : (cp_flags (ch) & CP_PICTOGRAPHIC) != 0)
        return TRUE;
      if (ch >= 0x1F1E6 && ch <= 0x1F1FF)
        ri++;
      if (ch == 0x20E3)
        keycap = TRUE;
    }
  /* Keycap "1️⃣": digit (or # *) + optional FE0F + U+20E3.  A bare digit is not
   * Extended_Pictographic, so "1" falls through to rule 5. */
  if (keycap && first < 0x80 && (g_ascii_isdigit ((char) first) || first == '#' || first == '*'))
    return TRUE;
  return ri == 2;
}

struct _CohortMech
{
  UBreakIterator *chars;        /* grapheme iterator, reused via ubrk_setText */
  GHashTable     *members;      /* uid (owned) -> MemberState */
  GHashTable     *echo;         /* t (owned by entry) -> EchoEntry */
  GQueue          echo_order;   /* EchoEntry*, one link per hit, oldest first */
  GPtrArray      *echo_spare;   /* EchoEntry whose last hit left the window, t freed */
  char           *chain;        /* numbered lines of the last chain-like message */
  guint           chain_lines;
  gboolean        reference;    /* no fast paths: ICU and GLib per message and character */
  GString        *core;         /* scratch for each message's `core` */
};

/*
 * Walks t once, building `core` and telling whether every non-space token is an emoji
 * cluster or an emoticon code.  Grapheme clusters come from ICU; their boundaries are
 * mapped back to UTF-8 byte offsets so the rest can stay in UTF-8.
 */
static void
analyse (CohortMech *self,
         const char *t,
         gboolean    known_solo,
         GString    *core,
         glong      *core_chars,
         gboolean   *all_emoji)
{
  const Tables *tab = tables_get ();
  gsize n8 = strlen (t);
  g_autofree guint8 *bound = NULL;
  gboolean ascii = TRUE;
  gsize pos = 0, len, base = core->len;
  char *w;

  *all_emoji = n8 > 0;
  *core_chars = 0;

  for (gsize i = 0; i < n8; i++)
    if ((guchar) t[i] >= 0x80)
      {
        ascii = FALSE;
        break;
      }

  /* When every character is a grapheme cluster of its own (no combining marks, ZWJ,
   * variation selectors, regional indicators, Hangul jamo or CR), the boundaries are the
   * code points, which is what the loop below does without the iterator. */
  if (!ascii && self != NULL && self->chars != NULL &&
      (self->reference || (!known_solo && !all_chars_have (t, CP_GRAPHEME_SOLO))))
    {
      g_autofree gunichar2 *u16 = NULL;
      glong n16 = 0;
      UErrorCode status = U_ZERO_ERROR;

      u16 = g_utf8_to_utf16 (t, -1, NULL, &n16, NULL);
      if (u16 != NULL)
        {
          ubrk_setText (self->chars, (const UChar *) u16, (int32_t) n16, &status);
          if (U_SUCCESS (status))
            {
              const char *p = t;
              int32_t i16 = 0;

              bound = g_malloc0 (n8 + 1);
              for (int32_t b = ubrk_first (self->chars); b != UBRK_DONE;
                   b = ubrk_next (self->chars))
                {
                  while (i16 < b && *p)
                    {
                      i16 += g_utf8_get_char (p) > 0xFFFF ? 2 : 1;
                      p = g_utf8_next_char (p);
                    }
                  bound[p - t] = 1;
                }
              /* Do not keep a pointer to u16 in the iterator after it is freed. */
              ubrk_setText (self->chars, NULL, 0, &status);
            }
        }
    }

  /* core is t less some characters, so it fits: written in place, one byte copy each. */
  g_string_set_size (core, base + n8);
  w = core->str + base;
  while (pos < n8)
    {
      gsize code, end, first_len;
      gunichar first;

      if (t[pos] == ' ' || t[pos] == '\n')
        {
          pos++;
          continue;
        }
      code = match_emoticon_code (tab, t + pos);
      if (code > 0)
        {
          pos += code;
          continue;
        }

      /* Without the iterator (ASCII text, or ICU failed) a cluster is a code point
       * with its trailing emoji components. */
      first = next_char (t + pos, &first_len);
      end = pos + first_len;
      if (bound != NULL)
        {
          while (end < n8 && !bound[end])
            end++;
        }
      else
        {
          while (end < n8 && is_emoji_component (next_char (t + end, &len)))
            end += len;
        }

      if (end == pos + first_len && self != NULL && !self->reference)
        {
          /* A cluster of one character, most of chat text: an emoji only when it is
           * pictographic (one regional indicator or a keycap mark alone is not one), as
           * cluster_is_emoji () finds, from the one lookup of its flags. */
          guint flags = cp_flags (first);

          if (!(flags & CP_PICTOGRAPHIC))
            {
              *all_emoji = FALSE;
              if (!(flags & CP_NOT_CORE))
                {
                  copy_char (w, t + pos, first_len);
                  w += first_len;
                  ++*core_chars;
                }
            }
        }
      else if (!cluster_is_emoji (t + pos, t + end, self == NULL || self->reference))
        {
          *all_emoji = FALSE;
          for (const char *q = t + pos; q < t + end; q += len)
            {
              gunichar ch = next_char (q, &len);
              gboolean dropped = self == NULL || self->reference ? is_dropped_from_core (ch)
                                                                 : (cp_flags (ch) & CP_NOT_CORE) != 0;

              /* Valid UTF-8 re-encodes to the same bytes. */
              if (!dropped)
                {
                  copy_char (w, q, len);
                  w += len;
                  ++*core_chars;
                }
            }
        }
      pos = end;
    }
  g_string_truncate (core, (gsize) (w - core->str));
}

/* ------------------------------------------------------------------------------------ */
/* Rule 5 patterns                                                                      */

/* Whether s is ≥ min_reps repetitions of the alternatives (a regex "(a|b|…){min,}"),
 * optionally followed by one 'h'.  Dynamic programming, so overlapping alternatives
 * such as 好 / 好的 cannot blow up. */
static gboolean
match_repeat (const char         *s,
              const char * const *alts,
              guint               n_alts,
              guint               min_reps,
              gboolean            final_h)
{
  gsize n;
  gint8 reps[257];
  gboolean starts = FALSE;

  /* Most texts start with none of the alternatives: no table to fill. */
  for (guint a = 0; a < n_alts && !starts; a++)
    starts = s[0] == alts[a][0] && strncmp (s, alts[a], strlen (alts[a])) == 0;
  if (!starts)
    return FALSE;
  n = strlen (s);
  if (n > 256)
    return FALSE;
  memset (reps, -1, sizeof reps);       /* -1: unreachable; else repetitions, capped */
  reps[0] = 0;
  for (gsize i = 0; i < n; i++)
    {
      if (reps[i] < 0)
        continue;
      for (guint a = 0; a < n_alts; a++)
        {
          gsize l = strlen (alts[a]);

          if (i + l <= n && memcmp (s + i, alts[a], l) == 0)
            reps[i + l] = MAX (reps[i + l], (gint8) MIN ((guint) reps[i] + 1, min_reps));
        }
    }
  if (reps[n] >= (gint8) min_reps)
    return TRUE;
  return final_h && s[n - 1] == 'h' && reps[n - 1] >= (gint8) min_reps;
}

static gboolean
is_pattern (const char *t)
{
  static const char * const laugh_en[] = { "ha", "he", "hi", "xi" };
  static const char * const laugh_zh[] = { "哈", "呵", "嘿", "嘻" };
  static const char * const repeats[] = { "ok", "好的", "好", "嗯", "哦", "噢", "收到", "谢谢", "赞" };
  const char *p = t;
  gsize n = 0;
  gboolean all_68 = TRUE, all_punct = TRUE;

  if (*t == '\0')
    return FALSE;

  /* ^\+?\d{1,3}$ */
  if (*p == '+')
    p++;
  while (g_ascii_isdigit (p[n]))
    n++;
  if (p[n] == '\0' && n >= 1 && n <= 3)
    return TRUE;

  /* ^[68]{2,}$ and punctuation only */
  for (p = t, n = 0; *p && (all_68 || all_punct); p = g_utf8_next_char (p), n++)
    {
      gunichar ch = g_utf8_get_char (p);

      all_68 &= (ch == '6' || ch == '8');
      all_punct &= (is_punct (ch) || ch == 0xFF5E);
    }
  if ((all_68 && n >= 2) || all_punct)
    return TRUE;

  return match_repeat (t, laugh_zh, G_N_ELEMENTS (laugh_zh), 2, FALSE) ||
         match_repeat (t, laugh_en, G_N_ELEMENTS (laugh_en), 2, TRUE) ||
         match_repeat (t, repeats, G_N_ELEMENTS (repeats), 2, FALSE);
}

/* The phrases that may occur in s: those whose first two bytes occur in it.  FALSE if
 * there are none. */
static gboolean
possible_phrases (const Tables *tab,
                  const char   *s,
                  gsize         n,
                  PhraseMask   *mask)
{
  guint64 any = 0;

  memset (mask, 0, sizeof *mask);
  /* A phrase starts where a character does: s is valid UTF-8 (a core, or one with whole
   * phrases taken out), so i steps from lead byte to lead byte. */
  for (gsize i = 0, len; i + 1 < n; i += len)
    {
      guchar b = (guchar) s[i];
      guint slot;

      len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      if (b >= 0x80 && i + 2 >= n)
        break;
      slot = tab->pair_slot[phrase_key ((const guchar *) s + i)];

      if (slot != 0)
        for (guint w = 0; w < MASK_WORDS; w++)
          {
            mask->bits[w] |= tab->pair_masks[slot - 1].bits[w];
            any |= mask->bits[w];
          }
    }
  return any != 0;
}

/* The first phrase at or after `from` that the mask allows, or MAX_PHRASES. */
static guint
next_phrase (const PhraseMask *mask,
             guint             from)
{
  for (guint w = from / 64; w < MASK_WORDS; w++)
    {
      guint64 bits = mask->bits[w];

      if (w == from / 64)
        bits &= ~G_GUINT64_CONSTANT (0) << (from % 64);
      if (bits != 0)
        return w * 64 + (guint) __builtin_ctzll (bits);
    }
  return MAX_PHRASES;
}

/* residual_length () that looks only for the phrases whose key (phrase_key ()) occurs in
 * the text, recomputed after each deletion (a deletion can join a new pair), in a buffer
 * of its own on the stack when the text is short. */
static glong
residual_length_fast (const Tables *tab,
                      const char   *core,
                      gsize         core_bytes,
                      glong         core_len)
{
  char stack[512];
  g_autofree char *heap = NULL;
  char *r;
  gsize n = core_bytes;
  PhraseMask mask;
  gboolean any = possible_phrases (tab, core, core_bytes, &mask);

  /* Deleting only shortens: a core of at most one character is short already, and one
   * without a phrase's key stays as it is. */
  if (core_len <= 1 || !any)
    return core_len;
  r = core_bytes < sizeof stack ? stack : (heap = g_malloc (core_bytes + 1));
  memcpy (r, core, core_bytes + 1);
  for (guint i = next_phrase (&mask, 0); i < tab->n_phrases && n > 0; i = next_phrase (&mask, i + 1))
    {
      const char *ph = tab->phrases[i];
      gsize l = strlen (ph);
      gboolean erased = FALSE;
      char *hit;

      while ((hit = (char *) find_bytes (r, n, ph, l)) != NULL)
        {
          memmove (hit, hit + l, n - (gsize) (hit - r) - l + 1);
          n -= l;
          erased = TRUE;
        }
      if (erased && !possible_phrases (tab, r, n, &mask))
        break;
    }
  return g_utf8_strlen (r, (gssize) n);
}

static glong
residual_length (const Tables *tab,
                 const char   *core)
{
  g_autoptr(GString) r = g_string_new (core);

  /* Longest phrase first, so 谢谢老师 goes before 谢谢 can split it. */
  for (char **ph = tab->phrases; *ph && r->len > 0; ph++)
    {
      gsize l = strlen (*ph);
      char *hit;

      while ((hit = strstr (r->str, *ph)) != NULL)
        g_string_erase (r, hit - r->str, (gssize) l);
    }
  return g_utf8_strlen (r->str, -1);
}

static gboolean
has_url (const char *t,
         gsize       n)
{
  /* One search for "://" instead of one per scheme. */
  for (const char *sep = find_bytes (t, n, "://", 3); sep != NULL;
       sep = find_bytes (sep + 1, n - (gsize) (sep + 1 - t), "://", 3))
    if ((sep - t >= 4 && memcmp (sep - 4, "http", 4) == 0) ||
        (sep - t >= 5 && memcmp (sep - 5, "https", 5) == 0))
      return TRUE;
  return find_bytes (t, n, "www.", 4) != NULL;
}

/* ------------------------------------------------------------------------------------ */
/* Rule 9                                                                               */

/* ^\d+[.、]\s*\S{1,20}$ (lines of t have no leading/trailing spaces). */
static gboolean
is_numbered_line (const char *line,
                  gsize       len)
{
  gsize i = 0;
  guint chars = 0;

  while (i < len && g_ascii_isdigit (line[i]))
    i++;
  if (i == 0 || i == len)
    return FALSE;
  if (line[i] == '.')
    i++;
  else if (len - i >= 3 && memcmp (line + i, "、", 3) == 0)
    i += 3;
  else
    return FALSE;
  if (i < len && line[i] == ' ')
    i++;
  for (; i < len; i = (gsize) (g_utf8_next_char (line + i) - line))
    {
      if (line[i] == ' ')
        return FALSE;
      chars++;
    }
  return chars >= 1 && chars <= 20;
}

static gboolean
has_line_starting_with_digit (const char *t)
{
  if (g_ascii_isdigit (t[0]))
    return TRUE;
  for (const char *nl = strchr (t, '\n'); nl != NULL; nl = strchr (nl + 1, '\n'))
    if (g_ascii_isdigit (nl[1]))
      return TRUE;
  return FALSE;
}

static gboolean
check_chain (CohortMech *self,
             const char *t)
{
  g_autoptr(GString) numbered = NULL;
  guint n_lines = 0, n_numbered = 0;
  gboolean chain = g_str_has_prefix (t, "#接龙");
  gboolean chain_like;

  /* Without a numbered line the state stays as it is: most messages end here. */
  if (!has_line_starting_with_digit (t))
    return chain;

  numbered = g_string_new (NULL);

  for (const char *line = t; *line;)
    {
      const char *nl = strchr (line, '\n');
      gsize len = nl ? (gsize) (nl - line) : strlen (line);

      n_lines++;
      if (is_numbered_line (line, len))
        {
          if (n_numbered++ > 0)
            g_string_append_c (numbered, '\n');
          g_string_append_len (numbered, line, len);
        }
      if (!nl)
        break;
      line = nl + 1;
    }

  chain_like = n_numbered > 0 && n_numbered * 5 >= n_lines * 4;
  if (chain_like && self->chain != NULL && n_numbered == self->chain_lines + 1 &&
      g_str_has_prefix (numbered->str, self->chain) &&
      numbered->str[strlen (self->chain)] == '\n')
    chain = TRUE;

  if (n_numbered > 0 && (chain_like || chain))
    {
      g_free (self->chain);
      self->chain = g_strdup (numbered->str);
      self->chain_lines = n_numbered;
    }
  return chain;
}

/* ------------------------------------------------------------------------------------ */
/* State for rules 7–8                                                                  */

typedef struct
{
  char   *last_t;
  gint64  last_ts;
} MemberState;

typedef struct
{
  const char *member;           /* key of self->members, stable for the classifier's life */
  gint64      ts;
} EchoHit;

typedef struct
{
  char   *t;
  GArray *hits;                 /* EchoHit, oldest first */
} EchoEntry;

static void
member_state_free (gpointer data)
{
  MemberState *m = data;

  g_free (m->last_t);
  g_free (m);
}

static void
echo_entry_free (gpointer data)
{
  EchoEntry *e = data;

  g_array_unref (e->hits);
  g_free (e->t);
  g_free (e);
}

CohortMech *
cohort_mech_new (void)
{
  CohortMech *self = g_new0 (CohortMech, 1);
  UErrorCode status = U_ZERO_ERROR;

  tables_get ();
  self->chars = ubrk_open (UBRK_CHARACTER, "", NULL, 0, &status);
  if (U_FAILURE (status))
    {
      g_warning ("ICU character break iterator unavailable (%s); emoji clusters are approximated",
                 u_errorName (status));
      self->chars = NULL;
    }
  self->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, member_state_free);
  self->echo = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, echo_entry_free);
  self->echo_spare = g_ptr_array_new_with_free_func (echo_entry_free);
  g_queue_init (&self->echo_order);
  self->core = g_string_sized_new (256);
  return self;
}

void
cohort_mech_free (CohortMech *self)
{
  if (self == NULL)
    return;
  if (self->chars)
    ubrk_close (self->chars);
  g_queue_clear (&self->echo_order);
  g_hash_table_unref (self->echo);
  g_ptr_array_unref (self->echo_spare);
  g_hash_table_unref (self->members);
  g_free (self->chain);
  g_string_free (self->core, TRUE);
  g_free (self);
}

static void
echo_prune (CohortMech *self,
            gint64      now)
{
  EchoEntry *e;

  /* The queue is in insertion order, which is each entry's hit order too, so the head
   * is always the oldest hit of its entry. */
  while ((e = g_queue_peek_head (&self->echo_order)) != NULL &&
         g_array_index (e->hits, EchoHit, 0).ts < now - ECHO_WINDOW_S)
    {
      g_queue_pop_head (&self->echo_order);
      g_array_remove_index (e->hits, 0);
      if (e->hits->len == 0)
        {
          /* Kept with its array for the next new text: a text of ten characters or less
           * leaves the window about every fourth message. */
          g_hash_table_steal (self->echo, e->t);
          g_clear_pointer (&e->t, g_free);
          g_ptr_array_add (self->echo_spare, e);
        }
    }
}

/* Records the hit and returns whether ≥ 3 distinct members posted t in the window. */
static gboolean
echo_add (CohortMech *self,
          const char *member,
          gint64      ts,
          const char *t)
{
  EchoEntry *e = g_hash_table_lookup (self->echo, t);
  EchoHit hit = { member, ts };
  const char *distinct[ECHO_MEMBERS];
  guint n_distinct = 0;

  if (e == NULL)
    {
      if (self->echo_spare->len > 0)
        e = g_ptr_array_steal_index_fast (self->echo_spare, self->echo_spare->len - 1);
      else
        {
          e = g_new0 (EchoEntry, 1);
          e->hits = g_array_new (FALSE, FALSE, sizeof (EchoHit));
        }
      e->t = g_strdup (t);
      g_hash_table_insert (self->echo, e->t, e);
    }
  g_array_append_val (e->hits, hit);
  g_queue_push_tail (&self->echo_order, e);

  /* Member keys are interned in self->members, so pointer equality is identity. */
  for (guint i = 0; i < e->hits->len && n_distinct < ECHO_MEMBERS; i++)
    {
      const char *m = g_array_index (e->hits, EchoHit, i).member;
      gboolean seen = FALSE;

      for (guint j = 0; j < n_distinct; j++)
        seen |= distinct[j] == m;
      if (!seen)
        distinct[n_distinct++] = m;
    }
  return n_distinct >= ECHO_MEMBERS;
}

CohortMechReason
cohort_mech_classify (CohortMech *self,
                      const char *member_uid,
                      gint64      ts,
                      const char *text,
                      int         kind,
                      gboolean    has_attachment_or_url)
{
  const Tables *tab = tables_get ();
  CohortMechReason reason = COHORT_MECH_NONE;
  MemberState *m = NULL;
  g_autofree char *t = NULL;
  GString *core = self->core;
  gboolean has_q = FALSE, all_emoji = FALSE, exempt, dup = FALSE, echo = FALSE, chain;
  gboolean all_solo = FALSE;
  glong core_len;
  gsize t_bytes;

  g_return_val_if_fail (self != NULL, COHORT_MECH_NONE);

  if (kind == COHORT_MESSAGE_SYSTEM)
    return COHORT_MECH_NONE;

  t = normalize_full (text, self->reference, &has_q, &all_solo);
  t_bytes = strlen (t);
  g_string_truncate (core, 0);
  analyse (self, t, all_solo, core, &core_len, &all_emoji);

  exempt = has_attachment_or_url || has_url (t, t_bytes) ||
           kind == COHORT_MESSAGE_IMAGE || kind == COHORT_MESSAGE_VOICE ||
           kind == COHORT_MESSAGE_VIDEO || kind == COHORT_MESSAGE_FILE ||
           kind == COHORT_MESSAGE_LINK;

  /* Rules 1–6: the message alone. */
  if (kind == COHORT_MESSAGE_STICKER)
    reason = COHORT_MECH_STICKER;
  for (guint i = 0; reason == COHORT_MECH_NONE && i < G_N_ELEMENTS (sticker_placeholders); i++)
    if (t[0] == sticker_placeholders[i][0] && strcmp (t, sticker_placeholders[i]) == 0)
      reason = COHORT_MECH_STICKER;

  if (reason == COHORT_MECH_NONE && !exempt)
    {
      if (t[0] != '\0' && all_emoji)
        reason = COHORT_MECH_EMOJI_ONLY;
      else if (t_bytes <= tab->stop_max_bytes && g_hash_table_contains (tab->stop_zh, t))
        reason = COHORT_MECH_STOPLIST_ZH;
      else if (t_bytes <= tab->stop_max_bytes && g_hash_table_contains (tab->stop_en, t))
        reason = COHORT_MECH_STOPLIST_EN;
      else if (is_pattern (t))
        reason = COHORT_MECH_PATTERN;
      else if ((self->reference || tab->pair_slot == NULL
                  ? residual_length (tab, core->str)
                  : residual_length_fast (tab, core->str, core->len, core_len)) <= 1 &&
               !(has_q && core_len >= 2))
        reason = COHORT_MECH_SHORT;
    }

  /* Rules 7–9 always update the history, whichever rule decides.  An empty `t`
   * (a picture without caption) never matches: different pictures are not copies. */
  echo_prune (self, ts);
  if (member_uid != NULL)
    {
      gpointer key = NULL, value = NULL;

      if (g_hash_table_lookup_extended (self->members, member_uid, &key, &value))
        {
          m = value;
          /* The time first: it is at hand, the last text is elsewhere in memory. */
          dup = t[0] != '\0' && ts - m->last_ts <= DUP_WINDOW_S && m->last_t != NULL &&
                strcmp (m->last_t, t) == 0;
        }
      else
        {
          m = g_new0 (MemberState, 1);
          key = g_strdup (member_uid);
          g_hash_table_insert (self->members, key, m);
        }
      m->last_ts = ts;

      if (t[0] != '\0' && core_len <= ECHO_MAX_CORE)
        echo = echo_add (self, key, ts, t);
    }
  chain = t[0] != '\0' && check_chain (self, t);
  if (m != NULL)
    {
      /* The member keeps this t as their last. */
      g_free (m->last_t);
      m->last_t = g_steal_pointer (&t);
    }

  if (reason != COHORT_MECH_NONE)
    return reason;
  if (dup)
    return COHORT_MECH_DUP_SELF;
  if (echo)
    return COHORT_MECH_ECHO;
  if (chain)
    return COHORT_MECH_CHAIN;
  return COHORT_MECH_NONE;
}

void
_cohort_mech_set_reference (CohortMech *self,
                            gboolean    reference)
{
  self->reference = reference;
}

const char * const *
cohort_mech_stop_list (gboolean  english,
                       guint    *n)
{
  g_return_val_if_fail (n != NULL, NULL);

  *n = english ? G_N_ELEMENTS (stop_en) : G_N_ELEMENTS (stop_zh);
  return english ? stop_en : stop_zh;
}

const char *
cohort_mech_reason_to_string (CohortMechReason reason)
{
  switch (reason)
    {
    case COHORT_MECH_STICKER: return "STICKER";
    case COHORT_MECH_EMOJI_ONLY: return "EMOJI_ONLY";
    case COHORT_MECH_STOPLIST_ZH: return "STOPLIST_ZH";
    case COHORT_MECH_STOPLIST_EN: return "STOPLIST_EN";
    case COHORT_MECH_PATTERN: return "PATTERN";
    case COHORT_MECH_SHORT: return "SHORT";
    case COHORT_MECH_DUP_SELF: return "DUP_SELF";
    case COHORT_MECH_ECHO: return "ECHO";
    case COHORT_MECH_CHAIN: return "CHAIN";
    case COHORT_MECH_NONE:
    default:
      return NULL;
    }
}
