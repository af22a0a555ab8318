/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-keywords"

#include "config.h"

#include "cohort-keywords.h"

#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>

/* Function words of Chinese and English, plus METRICS.md §A rules 3 and 4. */
static const char * const stopwords[] = {
  /* Chinese function words and fillers */
  "的", "了", "是", "在", "我", "你", "他", "她", "它", "们", "我们", "你们", "他们", "她们",
  "咱们", "这", "那", "这个", "那个", "这些", "那些", "这里", "那里", "这边", "那边", "什么",
  "怎么", "怎么样", "怎样", "为什么", "为啥", "哪里", "哪个", "就", "都", "也", "还", "和",
  "与", "及", "或", "或者", "而", "但", "但是", "不过", "因为", "所以", "如果", "的话",
  "可以", "没有", "没", "不是", "就是", "还是", "一个", "一下", "一些", "有点", "有些",
  "现在", "今天", "明天", "昨天", "大家", "自己", "知道", "觉得", "然后", "已经", "应该",
  "可能", "这样", "那样", "这么", "那么", "时候", "一起", "一直", "真的", "其实", "比较",
  "非常", "还有", "以及", "关于", "对于", "进行", "需要", "一样", "有没有", "是不是",
  "不要", "不会", "不能", "能不能", "可不可以", "吗", "呢", "吧", "啊", "呀", "哇", "嘛",
  "么", "哦", "嗯", "哈", "啦", "喔", "噢", "诶", "哎", "老师", "请问", "一般", "我的",
  "你的", "他的", "有人", "左右", "大概", "一点", "怎么办", "多少", "东西",
  /* §A rule 3 */
  "收到", "收到收到", "收到了", "好", "好的", "好滴", "好哒", "好嘞", "好吧", "嗯嗯", "恩恩",
  "哦哦", "了解", "明白", "明白了", "知道了", "懂了", "行", "同上", "同意", "支持", "顶",
  "赞", "点赞", "棒", "厉害", "牛", "牛逼", "谢谢", "谢谢老师", "感谢", "多谢", "辛苦了",
  "辛苦", "早", "早安", "早上好", "午安", "晚安", "在的", "到", "已阅", "已读", "签到",
  "打卡", "冒泡", "路过", "围观", "沙发", "加一", "扣1", "接", "鼓掌", "哈哈", "呵呵",
  "嘻嘻", "嘿嘿",
  /* English function words */
  "the", "an", "and", "or", "but", "is", "are", "was", "were", "be", "been", "am", "to",
  "of", "in", "on", "at", "for", "with", "from", "by", "as", "it", "its", "that", "these",
  "those", "you", "he", "she", "we", "they", "me", "my", "your", "our", "their", "his",
  "her", "them", "us", "not", "no", "do", "does", "did", "have", "has", "had", "can",
  "could", "will", "would", "should", "just", "so", "if", "then", "than", "there", "here",
  "what", "which", "who", "how", "why", "when", "where", "all", "any", "some", "im",
  "it's", "i'm", "don't", "dont", "also", "about", "out", "up", "get", "got", "one",
  "too", "very", "really", "now", "into", "more",
  /* §A rule 4 */
  "ok", "okay", "kk", "okk", "yes", "yep", "yeah", "ya", "yup", "thanks", "thx", "ty",
  "tks", "thank", "lol", "lmao", "rofl", "nice", "cool", "great", "wow", "gg", "noted",
  "same", "this", "bump", "gm", "gn", "welcome", "agreed",
};

/* The (term, member) pairs counted, as an open-addressing set of nonzero 64-bit keys: a GLib
 * set of members per term cost a third of a range change's computation in its adds. */
typedef struct
{
  guint64 *slots;     /* 0 = empty */
  gsize    mask;      /* slots - 1, a power of two minus one */
  gsize    used;
} PairSet;

static gsize
pair_slot (guint64 key,
           gsize   mask)
{
  key *= G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  return (gsize)(key >> 29) & mask;
}

static void
pair_set_grow (PairSet *set)
{
  gsize old_size = set->slots != NULL ? set->mask + 1 : 0;
  gsize size = old_size != 0 ? old_size * 2 : 1024;
  guint64 *old = set->slots;

  set->slots = g_new0 (guint64, size);
  set->mask = size - 1;
  for (gsize i = 0; i < old_size; i++)
    if (old[i] != 0)
      {
        gsize j = pair_slot (old[i], set->mask);

        while (set->slots[j] != 0)
          j = (j + 1) & set->mask;
        set->slots[j] = old[i];
      }
  g_free (old);
}

/* TRUE when key was not in the set yet. */
static gboolean
pair_set_add (PairSet *set,
              guint64  key)
{
  gsize j;

  if (set->slots == NULL || (set->used + 1) * 2 > set->mask + 1)
    pair_set_grow (set);
  for (j = pair_slot (key, set->mask); set->slots[j] != 0; j = (j + 1) & set->mask)
    if (set->slots[j] == key)
      return FALSE;
  set->slots[j] = key;
  set->used++;
  return TRUE;
}

struct _CohortKeywordCounter
{
  GHashTable      *terms;     /* term → TermCount */
  GHashTable      *cache;     /* text → GPtrArray of its tokens; may be shared by counters */
  /* GPtrArray of tokens (from cache) → GPtrArray of their TermCount in terms, so that a text
   * seen before costs one hash of the text instead of one per token */
  GHashTable      *resolved;
  PairSet          pairs;
  UBreakIterator  *words;
};

typedef struct
{
  gint64      occurrences;
  guint       index;          /* its number in the counter, from 1 */
  gint64      members;        /* distinct members who used it */
} TermCount;

/* ------------------------------------------------------------------------------------------ */
/* Cleaning and tokens                                                                         */

static GHashTable *
stopword_set (void)
{
  static GHashTable *set;

  if (g_once_init_enter (&set))
    {
      GHashTable *s = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; i < G_N_ELEMENTS (stopwords); i++)
        g_hash_table_add (s, (gpointer)stopwords[i]);
      g_once_init_leave (&set, s);
    }
  return set;
}

gboolean
cohort_keywords_is_stopword (const char *token)
{
  return g_hash_table_contains (stopword_set (), token);
}

static gboolean
starts_url (const char *p)
{
  return g_str_has_prefix (p, "http://") || g_str_has_prefix (p, "https://") ||
         g_str_has_prefix (p, "www.");
}

/* Skips a WeChat/QQ emoticon code such as "[微笑]" or "[OK]": a bracket pair around at most
 * six characters with no space.  Returns the position after it, or NULL. */
static const char *
skip_emoticon_code (const char *p)
{
  const char *q = g_utf8_next_char (p);

  for (int n = 0; *q != '\0' && n <= 6; n++, q = g_utf8_next_char (q))
    {
      if (*q == ']')
        return n > 0 ? q + 1 : NULL;
      if (g_unichar_isspace (g_utf8_get_char (q)) || *q == '[')
        return NULL;
    }
  return NULL;
}

/* The corpus text of §10.2: URLs, @mentions and emoticon codes become spaces (emoji are
 * dropped by the word filter, which keeps letters and ideographs only). */
static char *
clean_text (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));
  const char *p = text;

  while (*p != '\0')
    {
      const char *skip = NULL;

      if (starts_url (p) || *p == '@')
        {
          skip = p;
          while (*skip != '\0' && !g_unichar_isspace (g_utf8_get_char (skip)))
            skip = g_utf8_next_char (skip);
        }
      else if (*p == '[')
        skip = skip_emoticon_code (p);

      if (skip != NULL)
        {
          g_string_append_c (out, ' ');
          p = skip;
          continue;
        }
      g_string_append_unichar (out, g_utf8_get_char (p));
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_han (gunichar c)
{
  return g_unichar_get_script (c) == G_UNICODE_SCRIPT_HAN;
}

static gboolean
all_han (const char *word)
{
  for (const char *p = word; *p != '\0'; p = g_utf8_next_char (p))
    if (!is_han (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static void
add_token (GPtrArray *tokens,
           char      *token)
{
  if (cohort_keywords_is_stopword (token))
    g_free (token);
  else
    g_ptr_array_add (tokens, token);
}

/* A run of single Han characters the dictionary could not join: two characters are taken
 * as one unknown word, a longer run gives its bigrams. */
static void
flush_single_run (GPtrArray *tokens,
                  GString   *run)
{
  glong n = g_utf8_strlen (run->str, -1);
  const char *p = run->str;

  if (n == 2)
    {
      add_token (tokens, g_strdup (run->str));
      g_string_truncate (run, 0);
      return;
    }
  for (glong i = 0; i + 1 < n; i++)
    {
      const char *next = g_utf8_next_char (p);
      const char *end = g_utf8_next_char (next);

      add_token (tokens, g_strndup (p, end - p));
      p = next;
    }
  g_string_truncate (run, 0);
}

static void
add_word (GPtrArray  *tokens,
          GString    *single_run,
          const char *word)
{
  glong len = g_utf8_strlen (word, -1);

  if (all_han (word))
    {
      /* a single-character function word (的, 了, 吗…) ends the run instead of joining it */
      if (len == 1 && !cohort_keywords_is_stopword (word))
        {
          g_string_append (single_run, word);
          return;
        }
      flush_single_run (tokens, single_run);
      if (len >= 2)
        add_token (tokens, g_strdup (word));
      return;
    }
  flush_single_run (tokens, single_run);
  if (len >= 2 && g_unichar_isalpha (g_utf8_get_char (word)))
    add_token (tokens, g_utf8_strdown (word, -1));
}

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar)*p >= 0x80)
      return FALSE;
  return TRUE;
}

/* ASCII text needs no dictionary: words are runs of letters, digits and inner apostrophes,
 * as ICU's word rules have them, and only those starting with a letter are kept. */
static void
tokenize_ascii (const char *clean,
                GPtrArray  *tokens)
{
  const char *p = clean;

  while (*p != '\0')
    {
      const char *start;

      while (*p != '\0' && !g_ascii_isalnum (*p))
        p++;
      start = p;
      while (g_ascii_isalnum (*p) || (*p == '\'' && g_ascii_isalnum (p[1]) && p > start))
        p++;
      if (p - start >= 2 && g_ascii_isalpha (*start))
        add_token (tokens, g_ascii_strdown (start, p - start));
    }
}

static void
tokenize_into (UBreakIterator *words,
               const char     *text,
               GPtrArray      *tokens)
{
  g_autofree char *clean = NULL;
  g_autofree UChar *utf16 = NULL;
  g_autoptr(GString) single_run = g_string_new (NULL);
  UErrorCode status = U_ZERO_ERROR;
  int32_t len = 0, start, end;

  if (text == NULL || *text == '\0')
    return;
  clean = clean_text (text);
  if (is_ascii (clean))
    {
      tokenize_ascii (clean, tokens);
      return;
    }
  u_strFromUTF8 (NULL, 0, &len, clean, -1, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE (status))
    return;
  status = U_ZERO_ERROR;
  utf16 = g_new (UChar, len + 1);
  u_strFromUTF8 (utf16, len + 1, NULL, clean, -1, &status);
  if (U_FAILURE (status))
    return;
  ubrk_setText (words, utf16, len, &status);
  if (U_FAILURE (status))
    return;

  for (start = ubrk_first (words), end = ubrk_next (words); end != UBRK_DONE;
       start = end, end = ubrk_next (words))
    {
      int32_t rule = ubrk_getRuleStatus (words);
      g_autofree char *word = NULL;

      /* letters, kana and ideographs; numbers, spaces, punctuation and emoji end a run */
      if (rule < UBRK_WORD_LETTER || rule >= UBRK_WORD_IDEO_LIMIT)
        {
          flush_single_run (tokens, single_run);
          continue;
        }
      word = g_utf16_to_utf8 (utf16 + start, end - start, NULL, NULL, NULL);
      if (word != NULL)
        add_word (tokens, single_run, word);
    }
  flush_single_run (tokens, single_run);
}

static UBreakIterator *
open_word_iterator (void)
{
  UErrorCode status = U_ZERO_ERROR;
  UBreakIterator *words = ubrk_open (UBRK_WORD, "zh", NULL, 0, &status);

  if (U_FAILURE (status))
    g_error ("ICU word break iterator: %s", u_errorName (status));
  return words;
}

GPtrArray *
cohort_keywords_tokenize (const char *text)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_free);
  UBreakIterator *words = open_word_iterator ();

  tokenize_into (words, text, tokens);
  ubrk_close (words);
  return tokens;
}

/* ------------------------------------------------------------------------------------------ */
/* Counting                                                                                    */

/* Every message's whole text is looked up in the token cache, and g_str_hash's loop of a
 * byte at a time was a fifth of a range change's computation: this one mixes eight bytes a
 * step (multiply and fold, as in MurmurHash3's finaliser). */
static guint
text_hash (gconstpointer key)
{
  const char *p = key;
  gsize len = strlen (p);
  guint64 h = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) ^ len;
  guint64 word;

  for (; len >= 8; p += 8, len -= 8)
    {
      memcpy (&word, p, 8);
      h = (h ^ word) * G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
      h ^= h >> 32;
    }
  if (len > 0)
    {
      word = 0;
      memcpy (&word, p, len);
      h = (h ^ word) * G_GUINT64_CONSTANT (0xc4ceb9fe1a85ec53);
    }
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 29;
  return (guint)h;
}

CohortKeywordCounter *
cohort_keyword_counter_new (CohortKeywordCounter *share_cache_with)
{
  CohortKeywordCounter *self = g_new0 (CohortKeywordCounter, 1);

  self->terms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cache = share_cache_with != NULL
                ? g_hash_table_ref (share_cache_with->cache)
                : g_hash_table_new_full (text_hash, g_str_equal, g_free,
                                         (GDestroyNotify)g_ptr_array_unref);
  self->resolved = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                          (GDestroyNotify)g_ptr_array_unref);
  self->words = open_word_iterator ();
  return self;
}

void
cohort_keyword_counter_free (CohortKeywordCounter *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->resolved);
  g_free (self->pairs.slots);
  g_hash_table_unref (self->terms);
  g_hash_table_unref (self->cache);
  ubrk_close (self->words);
  g_free (self);
}

/* The TermCount of each token, in order, created at zero where the term is new. */
static GPtrArray *
resolve_terms (CohortKeywordCounter *self,
               GPtrArray            *tokens)
{
  GPtrArray *counts = g_ptr_array_sized_new (tokens->len);

  for (guint i = 0; i < tokens->len; i++)
    {
      const char *term = g_ptr_array_index (tokens, i);
      TermCount *count = g_hash_table_lookup (self->terms, term);

      if (count == NULL)
        {
          count = g_new0 (TermCount, 1);
          count->index = g_hash_table_size (self->terms) + 1;
          g_hash_table_insert (self->terms, g_strdup (term), count);
        }
      g_ptr_array_add (counts, count);
    }
  return counts;
}

void
cohort_keyword_counter_add (CohortKeywordCounter *self,
                            guint                 member,
                            const char           *text)
{
  GPtrArray *tokens;
  GPtrArray *counts;

  if (text == NULL)
    return;
  /* chats repeat themselves: cut each distinct text once */
  if ((tokens = g_hash_table_lookup (self->cache, text)) == NULL)
    {
      tokens = g_ptr_array_new_with_free_func (g_free);
      tokenize_into (self->words, text, tokens);
      g_hash_table_insert (self->cache, g_strdup (text), tokens);
    }
  if ((counts = g_hash_table_lookup (self->resolved, tokens)) == NULL)
    {
      counts = resolve_terms (self, tokens);
      g_hash_table_insert (self->resolved, tokens, counts);
    }
  for (guint i = 0; i < counts->len; i++)
    {
      TermCount *count = g_ptr_array_index (counts, i);

      count->occurrences++;
      if (pair_set_add (&self->pairs, ((guint64)count->index << 32) | (member + 1u)))
        count->members++;
    }
}

gint64
cohort_keyword_counter_members (CohortKeywordCounter *self,
                                const char           *term)
{
  TermCount *count = g_hash_table_lookup (self->terms, term);

  return count != NULL ? count->members : 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Ranking                                                                                     */

void
cohort_keyword_free (CohortKeyword *keyword)
{
  if (keyword == NULL)
    return;
  g_free (keyword->term);
  g_free (keyword);
}

static int
compare_hot (gconstpointer a,
             gconstpointer b)
{
  const CohortKeyword *x = *(CohortKeyword * const *)a;
  const CohortKeyword *y = *(CohortKeyword * const *)b;

  if (x->members != y->members)
    return x->members > y->members ? -1 : 1;
  if (x->occurrences != y->occurrences)
    return x->occurrences > y->occurrences ? -1 : 1;
  return strcmp (x->term, y->term);
}

static int
compare_rising (gconstpointer a,
                gconstpointer b)
{
  const CohortKeyword *x = *(CohortKeyword * const *)a;
  const CohortKeyword *y = *(CohortKeyword * const *)b;

  if (x->rising != y->rising)
    return x->rising > y->rising ? -1 : 1;
  return compare_hot (a, b);
}

static CohortKeyword *
keyword_copy (const CohortKeyword *keyword)
{
  CohortKeyword *copy = g_memdup2 (keyword, sizeof *keyword);

  copy->term = g_strdup (keyword->term);
  return copy;
}

GPtrArray *
cohort_keywords_rank (CohortKeywordCounter *current,
                      CohortKeywordCounter *previous,
                      gint64                active,
                      gint64                prev_active,
                      guint                 limit,
                      GPtrArray           **rising)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_keyword_free);
  g_autoptr(GPtrArray) flagged = g_ptr_array_new_with_free_func ((GDestroyNotify)cohort_keyword_free);
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (current != NULL, NULL);

  g_hash_table_iter_init (&iter, current->terms);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TermCount *count = value;
      CohortKeyword *keyword;
      gint64 members = count->members;

      if (members < COHORT_KEYWORD_MIN_MEMBERS)
        continue;
      keyword = g_new0 (CohortKeyword, 1);
      keyword->term = g_strdup (key);
      keyword->members = members;
      keyword->occurrences = count->occurrences;
      keyword->prev_members = previous != NULL ? cohort_keyword_counter_members (previous, key) : 0;
      keyword->rising = (double)(members + 1) / (double)(keyword->prev_members + 1) *
                        (double)(prev_active + 1) / (double)(active + 1);
      keyword->is_rising = keyword->rising >= COHORT_KEYWORD_RISING_RATIO;
      g_ptr_array_add (all, keyword);
      if (keyword->is_rising)
        g_ptr_array_add (flagged, keyword_copy (keyword));
    }

  g_ptr_array_sort (all, compare_hot);
  g_ptr_array_sort (flagged, compare_rising);
  if (all->len > limit)
    g_ptr_array_set_size (all, limit);
  if (flagged->len > limit)
    g_ptr_array_set_size (flagged, limit);
  if (rising != NULL)
    *rising = g_steal_pointer (&flagged);
  return g_steal_pointer (&all);
}
