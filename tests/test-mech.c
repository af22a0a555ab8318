/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-mech-private.h"
#include "cohort-snapshot.h"

#define T0 G_GINT64_CONSTANT (1709483400)

/* Classifies one text message with a fresh classifier and returns the reason string
 * ("" for genuine), so a failing assertion prints both sides readably. */
static const char *
classify1 (const char *text)
{
  g_autoptr(CohortMech) mech = cohort_mech_new ();
  const char *s = cohort_mech_reason_to_string (
      cohort_mech_classify (mech, "u1", T0, text, COHORT_MESSAGE_TEXT, FALSE));

  return s ? s : "";
}

typedef struct
{
  const char *text;
  const char *reason;   /* "" = genuine */
} Vector;

/* METRICS.md §A "Test vectors", in the order listed there. */
static const Vector spec_vectors[] = {
  { "收到", "STOPLIST_ZH" },
  { "收到！！", "STOPLIST_ZH" },
  { "＋１", "PATTERN" },
  { "1", "PATTERN" },
  { "666", "PATTERN" },
  { "哈哈哈哈", "PATTERN" },
  { "hahaha", "PATTERN" },
  { "不行", "" },
  { "早上好啊大家", "" },
  { "👍👍", "EMOJI_ONLY" },
  { "[强][强]", "EMOJI_ONLY" },
  { "1️⃣", "EMOJI_ONLY" },
  { "OK", "STOPLIST_EN" },
  { "thx!", "STOPLIST_EN" },
  { "?", "SHORT" },
  { "在吗？", "" },
  { "谢谢老师！辛苦了", "SHORT" },
  { "好的好的好的", "PATTERN" },
  { "收到，明天下午三点发报表", "" },
  { "2024", "" },
  { "https://x.cn/a", "" },
  { "@张三 好的", "STOPLIST_ZH" },
};

static void
test_spec_vectors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (spec_vectors); i++)
    {
      g_test_message ("%s", spec_vectors[i].text);
      g_assert_cmpstr (classify1 (spec_vectors[i].text), ==, spec_vectors[i].reason);
    }
}

static void
test_sticker (void)
{
  g_autoptr(CohortMech) mech = cohort_mech_new ();

  /* A sticker message (spec vector), with and without the sticker's emoji as text. */
  g_assert_cmpint (cohort_mech_classify (mech, "u1", T0, NULL, COHORT_MESSAGE_STICKER, FALSE),
                   ==, COHORT_MECH_STICKER);
  g_assert_cmpint (cohort_mech_classify (mech, "u2", T0 + 1, "😀", COHORT_MESSAGE_STICKER, TRUE),
                   ==, COHORT_MECH_STICKER);
  g_assert_cmpstr (classify1 ("[动画表情]"), ==, "STICKER");
  g_assert_cmpstr (classify1 ("\u200esticker omitted"), ==, "STICKER");
}

static void
test_same_member_repeat (void)
{
  g_autoptr(CohortMech) mech = cohort_mech_new ();

  /* Spec vector: 好的 twice within 20 s; the first matching rule is the stoplist. */
  g_assert_cmpint (cohort_mech_classify (mech, "u1", T0, "好的", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_STOPLIST_ZH);
  g_assert_cmpint (cohort_mech_classify (mech, "u1", T0 + 20, "好的", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_STOPLIST_ZH);
}

static void
test_normalize (void)
{
  struct { const char *in, *out; } cases[] = {
    { "＋１", "+1" },
    { "收到！！", "收到" },
    { "  Hello \t  World~～…  ", "hello world" },
    { "a\u200bb\u2060c\ufeff", "abc" },
    { "@张三\u2005@李四 好的", "好的" },
    { "<@12345> gm", "gm" },
    { "@张三明天开会吗", "@张三明天开会吗" },        /* no separator: not stripped */
    { "第一行\n\n  第二行  ", "第一行\n第二行" },
    { "「张三：明天开会吗」\n- - - - - - - - - - - - - - -\n收到", "收到" },
    { "> quoted text\nthanks", "thanks" },
    { "thx!", "thx" },
    { "?", "" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *t = cohort_mech_normalize (cases[i].in);
      g_assert_cmpstr (t, ==, cases[i].out);
    }
  {
    g_autofree char *t = cohort_mech_normalize (NULL);
    g_assert_cmpstr (t, ==, "");
  }
}

static void
test_emoji (void)
{
  g_assert_cmpstr (classify1 ("🇨🇳"), ==, "EMOJI_ONLY");               /* regional pair */
  g_assert_cmpstr (classify1 ("👍🏻 🎉"), ==, "EMOJI_ONLY");           /* skin tone, space */
  g_assert_cmpstr (classify1 ("👨‍👩‍👧"), ==, "EMOJI_ONLY");               /* ZWJ family */
  g_assert_cmpstr (classify1 ("#️⃣"), ==, "EMOJI_ONLY");
  g_assert_cmpstr (classify1 ("❤️"), ==, "EMOJI_ONLY");
  g_assert_cmpstr (classify1 ("[微笑] [OK][抱拳][玫瑰][捂脸]"), ==, "EMOJI_ONLY");
  g_assert_cmpstr (classify1 ("/微笑/强"), ==, "EMOJI_ONLY");
  g_assert_cmpstr (classify1 (":thumbsup: :tada:"), ==, "EMOJI_ONLY");
  g_assert_cmpstr (classify1 ("<:pepe:123456789><a:party_blob:42>"), ==, "EMOJI_ONLY");
  /* Unknown bracket names are text, digits are not emoji, times are not codes. */
  g_assert_cmpstr (classify1 ("[项目进度]"), ==, "");
  g_assert_cmpstr (classify1 ("10:30:00"), ==, "");
  g_assert_cmpstr (classify1 ("👍 明天见大家"), ==, "");
  /* Emoji and codes do not count toward core: "收到👍" is still just 收到. */
  g_assert_cmpstr (classify1 ("收到👍[强]"), ==, "SHORT");
}

static void
test_stoplists_and_patterns (void)
{
  g_assert_cmpstr (classify1 ("Thank  You!"), ==, "STOPLIST_EN");
  g_assert_cmpstr (classify1 ("^^"), ==, "STOPLIST_EN");
  g_assert_cmpstr (classify1 ("早"), ==, "STOPLIST_ZH");
  g_assert_cmpstr (classify1 ("+10"), ==, "PATTERN");
  g_assert_cmpstr (classify1 ("888888"), ==, "PATTERN");
  g_assert_cmpstr (classify1 ("哈呵嘿嘻"), ==, "PATTERN");
  g_assert_cmpstr (classify1 ("hahah"), ==, "PATTERN");
  g_assert_cmpstr (classify1 ("xixi"), ==, "PATTERN");
  g_assert_cmpstr (classify1 ("好好的收到赞"), ==, "PATTERN");
  g_assert_cmpstr (classify1 ("okok"), ==, "PATTERN");
  g_assert_cmpstr (classify1 ("，，，"), ==, "PATTERN");
  g_assert_cmpstr (classify1 ("1234"), ==, "");
  /* A single Latin syllable is not laughter, and "he" is not on a list. */
  g_assert_cmpstr (classify1 ("he"), ==, "");
}

static void
test_short (void)
{
  /* Single-character entries are not deleted from inside words. */
  g_assert_cmpstr (classify1 ("链接"), ==, "");
  g_assert_cmpstr (classify1 ("早上"), ==, "");
  g_assert_cmpstr (classify1 ("好的，收到，谢谢"), ==, "SHORT");
  g_assert_cmpstr (classify1 ("嗯嗯 好的 👌"), ==, "SHORT");
  g_assert_cmpstr (classify1 ("啊"), ==, "SHORT");
  g_assert_cmpstr (classify1 ("啊？"), ==, "SHORT");                 /* core < 2 */
  g_assert_cmpstr (classify1 ("谁？"), ==, "SHORT");
  g_assert_cmpstr (classify1 ("收到，明天下午三点我把报表发群里"), ==, "");
  /* A reply quote does not count toward length. */
  g_assert_cmpstr (classify1 ("「张三：明天下午三点开会，大家记得带电脑」\n- - - - - - - - - - - - - - -\n收到"),
                   ==, "STOPLIST_ZH");
}

static void
test_exempt (void)
{
  g_autoptr(CohortMech) mech = cohort_mech_new ();

  g_assert_cmpint (cohort_mech_classify (mech, "u1", T0, "收到", COHORT_MESSAGE_TEXT, TRUE),
                   ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "u2", T0, "好", COHORT_MESSAGE_IMAGE, FALSE),
                   ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "u3", T0, "", COHORT_MESSAGE_FILE, FALSE),
                   ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "u3", T0 + 5, "", COHORT_MESSAGE_VOICE, FALSE),
                   ==, COHORT_MECH_NONE);
  g_assert_cmpstr (classify1 ("看 www.example.com"), ==, "");
  g_assert_cmpstr (classify1 ("ＨＴＴＰＳ://example.com"), ==, "");
  /* Rule 1 still applies to attachments; system messages are never mechanical. */
  g_assert_cmpint (cohort_mech_classify (mech, "u4", T0, "", COHORT_MESSAGE_STICKER, TRUE),
                   ==, COHORT_MECH_STICKER);
  g_assert_cmpint (cohort_mech_classify (mech, "u4", T0, "收到", COHORT_MESSAGE_SYSTEM, FALSE),
                   ==, COHORT_MECH_NONE);
}

static void
test_dup_self (void)
{
  g_autoptr(CohortMech) mech = cohort_mech_new ();
  const char *msg = "明天下午三点开会";

  g_assert_cmpint (cohort_mech_classify (mech, "u1", T0, msg, COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);
  /* Normalisation applies: full-width punctuation and case do not hide a copy. */
  g_assert_cmpint (cohort_mech_classify (mech, "u1", T0 + 30, "明天下午三点开会！", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_DUP_SELF);
  g_assert_cmpint (cohort_mech_classify (mech, "u1", T0 + 90, msg, COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_DUP_SELF);      /* 60 s after the previous copy */
  g_assert_cmpint (cohort_mech_classify (mech, "u1", T0 + 151, msg, COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);          /* 61 s */
  /* Another member's copy is not DUP_SELF. */
  g_assert_cmpint (cohort_mech_classify (mech, "u2", T0 + 152, msg, COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);
  /* Only the previous message counts: an intervening different text breaks it. */
  g_assert_cmpint (cohort_mech_classify (mech, "u1", T0 + 153, "另一件事情说一下", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "u1", T0 + 154, msg, COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);
  /* DUP_SELF applies to URLs too (rules 7–9 are not exempt). */
  g_assert_cmpint (cohort_mech_classify (mech, "u3", T0 + 200, "https://x.cn/a", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "u3", T0 + 210, "https://x.cn/a", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_DUP_SELF);
  /* Two captionless pictures are not copies of each other. */
  g_assert_cmpint (cohort_mech_classify (mech, "u4", T0 + 300, NULL, COHORT_MESSAGE_IMAGE, TRUE),
                   ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "u4", T0 + 301, NULL, COHORT_MESSAGE_IMAGE, TRUE),
                   ==, COHORT_MECH_NONE);
}

static void
test_echo (void)
{
  g_autoptr(CohortMech) mech = cohort_mech_new ();
  const char *msg = "生日快乐";

  /* Single pass: the third distinct member's copy and later copies are ECHO. */
  g_assert_cmpint (cohort_mech_classify (mech, "a", T0, msg, COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "b", T0 + 10, "生日快乐！", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "b", T0 + 100, msg, COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);      /* still two members; 90 s, not DUP_SELF */
  g_assert_cmpint (cohort_mech_classify (mech, "c", T0 + 120, msg, COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_ECHO);
  g_assert_cmpint (cohort_mech_classify (mech, "d", T0 + 290, msg, COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_ECHO);
  g_assert_cmpint (cohort_mech_classify (mech, "a", T0 + 300, msg, COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_ECHO);      /* a repeats; window T0..T0+300 inclusive */

  /* After 5 quiet minutes the window is empty again. */
  g_assert_cmpint (cohort_mech_classify (mech, "e", T0 + 700, msg, COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "f", T0 + 701, msg, COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "g", T0 + 702, msg, COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_ECHO);
}

static void
test_echo_limits (void)
{
  g_autoptr(CohortMech) mech = cohort_mech_new ();
  const char *longmsg = "祝大家周末愉快身体健康万事如意";   /* core 15 > 10 */
  const char *msg = "新年快乐";

  g_assert_cmpint (cohort_mech_classify (mech, "a", T0, longmsg, COHORT_MESSAGE_TEXT, FALSE), ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "b", T0 + 1, longmsg, COHORT_MESSAGE_TEXT, FALSE), ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "c", T0 + 2, longmsg, COHORT_MESSAGE_TEXT, FALSE), ==, COHORT_MECH_NONE);

  /* Three members, but spread over more than 5 minutes. */
  g_assert_cmpint (cohort_mech_classify (mech, "a", T0, msg, COHORT_MESSAGE_TEXT, FALSE), ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "b", T0 + 200, msg, COHORT_MESSAGE_TEXT, FALSE), ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "c", T0 + 400, msg, COHORT_MESSAGE_TEXT, FALSE), ==, COHORT_MECH_NONE);
  /* b (T0+200), c (T0+400) and d are within 5 minutes. */
  g_assert_cmpint (cohort_mech_classify (mech, "d", T0 + 450, msg, COHORT_MESSAGE_TEXT, FALSE), ==, COHORT_MECH_ECHO);

  /* A flood keeps memory bounded: entries expire with the window. */
  for (int i = 0; i < 2000; i++)
    {
      g_autofree char *uid = g_strdup_printf ("m%d", i % 50);
      g_autofree char *text = g_strdup_printf ("话题%d", i);
      cohort_mech_classify (mech, uid, T0 + 1000 + i, text, COHORT_MESSAGE_TEXT, FALSE);
    }
}

/* Entries whose texts left the window are reused for new texts: none carries an old hit,
 * so a text counts only the members of its own window, the same text back later too. */
static void
test_echo_reused_entries (void)
{
  g_autoptr(CohortMech) mech = cohort_mech_new ();

#define CLASSIFY(member, dt, text) \
  cohort_mech_classify (mech, member, T0 + (dt), text, COHORT_MESSAGE_TEXT, FALSE)
  g_assert_cmpint (CLASSIFY ("a", 0, "吃了吗"), ==, COHORT_MECH_NONE);
  g_assert_cmpint (CLASSIFY ("b", 1, "吃了吗"), ==, COHORT_MECH_NONE);
  g_assert_cmpint (CLASSIFY ("c", 2, "去哪跑"), ==, COHORT_MECH_NONE);
  /* Past five minutes every hit above has left; three new texts take their entries. */
  g_assert_cmpint (CLASSIFY ("d", 400, "明天见啦"), ==, COHORT_MECH_NONE);
  g_assert_cmpint (CLASSIFY ("e", 401, "几点集合"), ==, COHORT_MECH_NONE);
  g_assert_cmpint (CLASSIFY ("f", 402, "吃了吗"), ==, COHORT_MECH_NONE);
  g_assert_cmpint (CLASSIFY ("g", 403, "吃了吗"), ==, COHORT_MECH_NONE);   /* a, b are gone */
  g_assert_cmpint (CLASSIFY ("h", 404, "去哪跑"), ==, COHORT_MECH_NONE);
  g_assert_cmpint (CLASSIFY ("e", 405, "明天见啦"), ==, COHORT_MECH_NONE);
  g_assert_cmpint (CLASSIFY ("f", 406, "明天见啦"), ==, COHORT_MECH_ECHO);  /* d, e, f */
  g_assert_cmpint (CLASSIFY ("a", 407, "吃了吗"), ==, COHORT_MECH_ECHO);    /* f, g, a */
  g_assert_cmpint (CLASSIFY ("d", 408, "几点集合"), ==, COHORT_MECH_NONE);  /* e, d */
#undef CLASSIFY
}

/* cohort-mech.c's has_case_context () does not ask g_unichar_totitle: the title case of a
 * character differs from it only for the letters of types Lu, Ll and Lt, or where its lower
 * or upper case differs already.  Checked here for every code point of this GLib. */
static void
test_title_case_premise (void)
{
  for (gunichar c = 0; c <= 0x10FFFF; c++)
    {
      GUnicodeType type = g_unichar_type (c);

      if (g_unichar_totitle (c) == c)
        continue;
      g_assert_true (type == G_UNICODE_UPPERCASE_LETTER || type == G_UNICODE_LOWERCASE_LETTER ||
                     type == G_UNICODE_TITLECASE_LETTER || g_unichar_tolower (c) != c ||
                     g_unichar_toupper (c) != c);
    }
  /* And the loop tests something: DŽ's title case is ǅ. */
  g_assert_cmpuint (g_unichar_totitle (0x01C4), ==, 0x01C5);
}

static void
test_chain (void)
{
  g_autoptr(CohortMech) mech = cohort_mech_new ();

  g_assert_cmpint (cohort_mech_classify (mech, "a", T0, "#接龙\n周六聚餐报名\n1. 张三", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_CHAIN);
  g_assert_cmpint (cohort_mech_classify (mech, "b", T0 + 60, "1. 张三\n2. 李四", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_CHAIN);
  g_assert_cmpint (cohort_mech_classify (mech, "c", T0 + 120, "1. 张三\n2. 李四\n3、王五", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_CHAIN);
  /* Not an extension by exactly one line of the previous chain. */
  g_assert_cmpint (cohort_mech_classify (mech, "d", T0 + 180, "1. 张三\n2. 李四\n3、王五\n4. 赵六\n5. 钱七", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "e", T0 + 240, "1. 甲\n2. 乙", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);
}

static void
test_chain_plain (void)
{
  g_autoptr(CohortMech) mech = cohort_mech_new ();

  /* The first numbered list starts a chain and is genuine. */
  g_assert_cmpint (cohort_mech_classify (mech, "a", T0, "1. 准备材料\n2. 提交申请", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "b", T0 + 5, "今天的会议改到下午", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);
  g_assert_cmpint (cohort_mech_classify (mech, "c", T0 + 10, "1. 准备材料\n2. 提交申请\n3. 小王", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_CHAIN);
  /* Lines with spaces after the number prefix or over 20 chars are not chain lines. */
  g_assert_cmpint (cohort_mech_classify (mech, "d", T0 + 20, "1. 准备材料\n2. 提交申请\n3. 小王\n4. we will bring food", COHORT_MESSAGE_TEXT, FALSE),
                   ==, COHORT_MECH_NONE);
}

static void
test_reason_strings (void)
{
  g_assert_null (cohort_mech_reason_to_string (COHORT_MECH_NONE));
  g_assert_cmpstr (cohort_mech_reason_to_string (COHORT_MECH_STICKER), ==, "STICKER");
  g_assert_cmpstr (cohort_mech_reason_to_string (COHORT_MECH_EMOJI_ONLY), ==, "EMOJI_ONLY");
  g_assert_cmpstr (cohort_mech_reason_to_string (COHORT_MECH_STOPLIST_ZH), ==, "STOPLIST_ZH");
  g_assert_cmpstr (cohort_mech_reason_to_string (COHORT_MECH_STOPLIST_EN), ==, "STOPLIST_EN");
  g_assert_cmpstr (cohort_mech_reason_to_string (COHORT_MECH_PATTERN), ==, "PATTERN");
  g_assert_cmpstr (cohort_mech_reason_to_string (COHORT_MECH_SHORT), ==, "SHORT");
  g_assert_cmpstr (cohort_mech_reason_to_string (COHORT_MECH_DUP_SELF), ==, "DUP_SELF");
  g_assert_cmpstr (cohort_mech_reason_to_string (COHORT_MECH_ECHO), ==, "ECHO");
  g_assert_cmpstr (cohort_mech_reason_to_string (COHORT_MECH_CHAIN), ==, "CHAIN");
}

static void
test_invalid_utf8 (void)
{
  g_assert_cmpstr (classify1 ("\xff\xfe"), ==, "SHORT");
  g_assert_cmpstr (classify1 ("收到\xff"), ==, "SHORT");
}

/* Pieces of chat in many scripts, chosen to reach every branch of the fast paths:
 * NFKC-inert and not (full-width, ligatures, half-width kana, decomposed accents),
 * grapheme clusters of one code point and of many (ZWJ, skin tones, keycaps, flags,
 * tags, Hangul jamo, Indic viramas), lowercase that depends on context (I, J, Σ, İ),
 * zero-width and exotic spaces, CR, quotes, chains, codes and stoplist phrases. */
static const char * const fragments[] = {
  "收到", "好的", "好", "谢谢老师", "辛苦了", "哈哈", "嗯嗯", "明天下午三点开会", "早上好啊大家",
  "不行", "链接", "签到", "加1", "OK", "ok", "okay", "Thank you", "thx", "lol", "gg", "gm",
  "hello world", "this", "same", "noted", "I", "J", "Istanbul", "JSON", "İ", "ı", "ΣΑΣ",
  "όσος", "Straße", "ÉCOLE", "café", "e\u0301", "A\u030a", "한국어", "\u1100\u1161", "가",
  "हिन्दी", "क्\u200dष", "مرحبا", "👍", "👍🏻", "👨\u200d👩\u200d👧", "❤️", "❤", "1️⃣", "#️⃣",
  "🇨🇳", "🇺🇸🇨🇳", "😀😀", "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
  "[强]", "[微笑]", "[OK]", "[项目]", "/微笑", "/强", ":thumbsup:", ":tada:", "10:30:00",
  "<:pepe:123>", "<a:blob:42>", "<@123>", "@张三\u2005", "@李四 ", "＋１", "ＡＢＣ", "ｈｔｔｐｓ://x.cn",
  "https://x.cn/a", "www.example.com", "\u200b", "\u200e", "\u2060", "\ufeff", "\u00a0",
  "\u3000", "\u2005", "\u2028", "\r\n", "\r", "\n", "\t", "> quote", "「张三：明天开会吗」",
  "- - - - - - - -", "---", "1. 张三", "2、李四", "3. 王五", "#接龙", "666", "888", "+1",
  "2024", "？", "?", "。", "！", "～", "~", "…", "...", "ⅠⅡ", "ﬁ", "㍿", "①", "𠀀", "ｶﾞ", "ﾊﾟ",
  "¼", "™", "©", "«»", "^^", "+", "，，，",
};

/* Appendix A, the other tests' texts and a seeded mixed-script corpus, all classified by
 * the fast classifier and by the reference one in lockstep (same members, times and
 * kinds, so rules 7–9 see the same history): every answer and every normalised text
 * must be the same. */
static void
test_fast_equals_reference (void)
{
  g_autoptr(CohortMech) fast = cohort_mech_new ();
  g_autoptr(CohortMech) reference = cohort_mech_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240303);
  g_autoptr(GPtrArray) corpus = g_ptr_array_new_with_free_func (g_free);
  static const char * const separators[] = { "", " ", "  ", "\n", "！", "，", "\u3000" };
  static const int kinds[] = { COHORT_MESSAGE_TEXT, COHORT_MESSAGE_TEXT, COHORT_MESSAGE_TEXT,
                               COHORT_MESSAGE_TEXT, COHORT_MESSAGE_IMAGE, COHORT_MESSAGE_STICKER };
  guint seen[COHORT_MECH_CHAIN + 1] = { 0, };
  guint n_reasons = 0;
  gint64 ts = T0;

  _cohort_mech_set_reference (reference, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (spec_vectors); i++)
    g_ptr_array_add (corpus, g_strdup (spec_vectors[i].text));
  for (guint i = 0; i < G_N_ELEMENTS (fragments); i++)
    g_ptr_array_add (corpus, g_strdup (fragments[i]));
  for (guint i = 0; i < 6000; i++)
    {
      GString *text = g_string_new (NULL);
      guint n = g_rand_int_range (rand, 1, 7);

      for (guint j = 0; j < n; j++)
        {
          if (j > 0)
            g_string_append (text, separators[g_rand_int_range (rand, 0, G_N_ELEMENTS (separators))]);
          g_string_append (text, fragments[g_rand_int_range (rand, 0, G_N_ELEMENTS (fragments))]);
        }
      g_ptr_array_add (corpus, g_string_free (text, FALSE));
      /* Copies of recent messages, for DUP_SELF and ECHO. */
      if (g_rand_int_range (rand, 0, 4) == 0)
        g_ptr_array_add (corpus, g_strdup (corpus->pdata[corpus->len - 1 - g_rand_int_range (rand, 0, MIN (corpus->len, 5))]));
    }

  for (guint i = 0; i < corpus->len; i++)
    {
      const char *text = corpus->pdata[i];
      g_autofree char *uid = g_strdup_printf ("m%d", g_rand_int_range (rand, 0, 6));
      int kind = kinds[g_rand_int_range (rand, 0, G_N_ELEMENTS (kinds))];
      gboolean attachment = g_rand_int_range (rand, 0, 10) == 0;
      g_autofree char *t_fast = cohort_mech_normalize (text);
      g_autofree char *t_reference = _cohort_mech_normalize_reference (text);
      CohortMechReason r_fast, r_reference;

      ts += g_rand_int_range (rand, 0, 40);
      r_fast = cohort_mech_classify (fast, uid, ts, text, kind, attachment);
      r_reference = cohort_mech_classify (reference, uid, ts, text, kind, attachment);
      if (r_fast != r_reference || g_strcmp0 (t_fast, t_reference) != 0)
        g_test_message ("differs: \"%s\"", text);
      g_assert_cmpstr (t_fast, ==, t_reference);
      g_assert_cmpstr (cohort_mech_reason_to_string (r_fast), ==, cohort_mech_reason_to_string (r_reference));
      if (seen[r_reference]++ == 0)
        n_reasons++;
    }

  /* The corpus reaches every rule, so the comparison covers them all. */
  g_assert_cmpuint (n_reasons, ==, COHORT_MECH_CHAIN + 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cohort/mech/spec-vectors", test_spec_vectors);
  g_test_add_func ("/cohort/mech/sticker", test_sticker);
  g_test_add_func ("/cohort/mech/same-member-repeat", test_same_member_repeat);
  g_test_add_func ("/cohort/mech/normalize", test_normalize);
  g_test_add_func ("/cohort/mech/emoji", test_emoji);
  g_test_add_func ("/cohort/mech/stoplists-patterns", test_stoplists_and_patterns);
  g_test_add_func ("/cohort/mech/short", test_short);
  g_test_add_func ("/cohort/mech/exempt", test_exempt);
  g_test_add_func ("/cohort/mech/dup-self", test_dup_self);
  g_test_add_func ("/cohort/mech/echo", test_echo);
  g_test_add_func ("/cohort/mech/echo-limits", test_echo_limits);
  g_test_add_func ("/cohort/mech/echo-reused-entries", test_echo_reused_entries);
  g_test_add_func ("/cohort/mech/title-case-premise", test_title_case_premise);
  g_test_add_func ("/cohort/mech/chain", test_chain);
  g_test_add_func ("/cohort/mech/chain-plain", test_chain_plain);
  g_test_add_func ("/cohort/mech/reason-strings", test_reason_strings);
  g_test_add_func ("/cohort/mech/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/cohort/mech/fast-equals-reference", test_fast_equals_reference);

  return g_test_run ();
}
