/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-import"

#include "config.h"

#include "cohort-content-keys-private.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

/*
 * Linear probing over a power-of-two array, grown at 80 % full.  The digests are SHA-1 bits,
 * so their first bytes are already a good hash.  A slot holds the 10 bytes of the digest and
 * a 16-bit count; the rare digest seen 65 535 times or more keeps its count in `overflow`.
 */

#define DIGEST_BYTES 10
#define COUNT_MAX    G_MAXUINT16

typedef struct
{
  guint8  digest[DIGEST_BYTES];
  guint16 count;             /* 0: empty slot; COUNT_MAX: the count is in overflow */
} Slot;

G_STATIC_ASSERT (sizeof (Slot) == 12);

struct _CohortContentKeys
{
  Slot *slots;
  gsize mask;                /* slots - 1 */
  gsize used;
  GHashTable *overflow;      /* digest (owned, 20 hex digits) → count */
  GByteArray *material;      /* reused by every cohort_content_keys_make () */
};

#define MIN_SLOTS 1024
#define HUGE_PAGE (2 * 1024 * 1024)

/*
 * A chat of a million messages has a table of 24 MB that every message probes at a random
 * place: with 4 KB pages nearly every probe also misses the TLB (a page walk, dear in a
 * virtual machine).  A table of 2 MB or more is aligned to and asks for huge pages, where
 * the kernel gives them on request (transparent huge pages in "madvise" mode, Debian's
 * default).
 */
static Slot *
alloc_slots (gsize n)
{
  gsize bytes = n * sizeof (Slot);
  void *mem = NULL;

  if (bytes < HUGE_PAGE || posix_memalign (&mem, HUGE_PAGE, bytes) != 0)
    return g_new0 (Slot, n);
#ifdef MADV_HUGEPAGE
  madvise (mem, bytes, MADV_HUGEPAGE);
#endif
  memset (mem, 0, bytes);
  return mem;
}

#define MAX_PRESIZED_SLOTS (1 << 24)   /* 200 MB; a longer chat grows past it as it goes */

CohortContentKeys *
cohort_content_keys_new_sized (gsize expected)
{
  CohortContentKeys *keys = g_new0 (CohortContentKeys, 1);
  gsize size = MIN_SLOTS;

  /* Below the 80 % at which the table would grow. */
  while (size < MAX_PRESIZED_SLOTS && expected >= size / 5 * 4)
    size *= 2;
  keys->mask = size - 1;
  keys->slots = alloc_slots (size);
  return keys;
}

CohortContentKeys *
cohort_content_keys_new (void)
{
  return cohort_content_keys_new_sized (0);
}

void
cohort_content_keys_free (CohortContentKeys *keys)
{
  if (keys == NULL)
    return;
  free (keys->slots);
  g_clear_pointer (&keys->overflow, g_hash_table_unref);
  g_clear_pointer (&keys->material, g_byte_array_unref);
  g_free (keys);
}

static gboolean
parse_digest (const char *hex,
              guint8     *out)
{
  for (guint i = 0; i < DIGEST_BYTES; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = hi >= 0 ? g_ascii_xdigit_value (hex[2 * i + 1]) : -1;

      if (lo < 0)
        return FALSE;
      out[i] = (guint8)(hi << 4 | lo);
    }
  return hex[2 * DIGEST_BYTES] == '\0';
}

static gsize
slot_hash (const guint8 *digest)
{
  guint64 h;

  memcpy (&h, digest, sizeof h);
  return (gsize)h;
}

static Slot *
find_slot (Slot         *slots,
           gsize         mask,
           const guint8 *digest)
{
  for (gsize i = slot_hash (digest) & mask;; i = (i + 1) & mask)
    if (slots[i].count == 0 || memcmp (slots[i].digest, digest, DIGEST_BYTES) == 0)
      return &slots[i];
}

static void
grow (CohortContentKeys *keys)
{
  gsize old_size = keys->mask + 1;
  Slot *old = keys->slots;

  keys->mask = old_size * 2 - 1;
  keys->slots = alloc_slots (keys->mask + 1);
  for (gsize i = 0; i < old_size; i++)
    if (old[i].count != 0)
      *find_slot (keys->slots, keys->mask, old[i].digest) = old[i];
  free (old);
}

static void
put_hex (char         *out,
         const guint8 *bytes,
         gsize         n)
{
  static const char digits[] = "0123456789abcdef";

  for (gsize i = 0; i < n; i++)
    {
      out[2 * i] = digits[bytes[i] >> 4];
      out[2 * i + 1] = digits[bytes[i] & 0xf];
    }
}

/* Counts past what a slot holds, keyed by the digest's text. */
static guint
count_overflow (CohortContentKeys *keys,
                const guint8      *bytes)
{
  char digest[2 * DIGEST_BYTES + 1];
  guint n;

  put_hex (digest, bytes, DIGEST_BYTES);
  digest[2 * DIGEST_BYTES] = '\0';
  if (keys->overflow == NULL)
    keys->overflow = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (keys->overflow, digest));
  if (n == 0)
    n = COUNT_MAX;
  g_hash_table_insert (keys->overflow, g_strdup (digest), GUINT_TO_POINTER (n + 1));
  return n;
}

static guint
count_bytes (CohortContentKeys *keys,
             const guint8      *bytes)
{
  Slot *slot = find_slot (keys->slots, keys->mask, bytes);

  if (slot->count == 0)
    {
      memcpy (slot->digest, bytes, DIGEST_BYTES);
      slot->count = 1;
      if (++keys->used * 5 > (keys->mask + 1) * 4)
        grow (keys);
      return 0;
    }
  if (slot->count == COUNT_MAX)
    return count_overflow (keys, bytes);
  return slot->count++;
}

guint
cohort_content_keys_count (CohortContentKeys *keys,
                           const char        *digest)
{
  guint8 bytes[DIGEST_BYTES];

  g_return_val_if_fail (parse_digest (digest, bytes), 0);
  return count_bytes (keys, bytes);
}

/* A number in decimal, as "%" G_GINT64_FORMAT prints it; returns the end of the digits. */
static char *
put_decimal (char   *out,
             gint64  value)
{
  char digits[24];
  char *at = digits + sizeof digits;
  guint64 rest = value < 0 ? -(guint64)value : (guint64)value;
  gsize len;

  do
    {
      *--at = '0' + rest % 10;
      rest /= 10;
    }
  while (rest != 0);
  if (value < 0)
    *--at = '-';
  len = digits + sizeof digits - at;
  memcpy (out, at, len);
  return out + len;
}

/* ------------------------------------------------------------------------------------------ */
/* SHA-1 (FIPS 180-4), in one call over one buffer                                             */

/*
 * GChecksum costs a message about twice the hash itself: it copies every piece into its
 * own block buffer, and g_checksum_get_digest () allocates and formats the hex string
 * besides the bytes.  The keys' digests must stay SHA-1 bits, so this is SHA-1 over the
 * pieces laid out once in one buffer.
 */

static inline guint32
rotl (guint32 x,
      int     n)
{
  return x << n | x >> (32 - n);
}

/* The 80 rounds written out, the variables renamed instead of moved, and the message
 * schedule kept in a ring of 16 words: about half the instructions of a loop. */
#define SHA1_LOAD(i)                                                                \
  (w[i] = (guint32) block[4 * (i)] << 24 | (guint32) block[4 * (i) + 1] << 16 |    \
          (guint32) block[4 * (i) + 2] << 8 | block[4 * (i) + 3])
#define SHA1_NEXT(i)                                                                \
  (w[(i) & 15] = rotl (w[((i) + 13) & 15] ^ w[((i) + 8) & 15] ^                     \
                       w[((i) + 2) & 15] ^ w[(i) & 15], 1))
#define SHA1_F0(b, c, d) ((((c) ^ (d)) & (b)) ^ (d))
#define SHA1_F1(b, c, d) ((b) ^ (c) ^ (d))
#define SHA1_F2(b, c, d) (((b) & (c)) | (((b) | (c)) & (d)))
#define SHA1_STEP(a, b, c, d, e, f, k, x)                                           \
  G_STMT_START {                                                                    \
    e += rotl (a, 5) + f (b, c, d) + (k) + (x);                                     \
    b = rotl (b, 30);                                                               \
  } G_STMT_END
#define SHA1_FIVE(f, k, x0, x1, x2, x3, x4)                                         \
  G_STMT_START {                                                                    \
    SHA1_STEP (a, b, c, d, e, f, k, x0);                                            \
    SHA1_STEP (e, a, b, c, d, f, k, x1);                                            \
    SHA1_STEP (d, e, a, b, c, f, k, x2);                                            \
    SHA1_STEP (c, d, e, a, b, f, k, x3);                                            \
    SHA1_STEP (b, c, d, e, a, f, k, x4);                                            \
  } G_STMT_END

static void
sha1_block (guint32      state[5],
            const guint8 *block)
{
  guint32 w[16];
  guint32 a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];

  SHA1_FIVE (SHA1_F0, 0x5a827999,
             SHA1_LOAD (0), SHA1_LOAD (1), SHA1_LOAD (2), SHA1_LOAD (3), SHA1_LOAD (4));
  SHA1_FIVE (SHA1_F0, 0x5a827999,
             SHA1_LOAD (5), SHA1_LOAD (6), SHA1_LOAD (7), SHA1_LOAD (8), SHA1_LOAD (9));
  SHA1_FIVE (SHA1_F0, 0x5a827999,
             SHA1_LOAD (10), SHA1_LOAD (11), SHA1_LOAD (12), SHA1_LOAD (13), SHA1_LOAD (14));
  SHA1_FIVE (SHA1_F0, 0x5a827999,
             SHA1_LOAD (15), SHA1_NEXT (16), SHA1_NEXT (17), SHA1_NEXT (18), SHA1_NEXT (19));
  SHA1_FIVE (SHA1_F1, 0x6ed9eba1,
             SHA1_NEXT (20), SHA1_NEXT (21), SHA1_NEXT (22), SHA1_NEXT (23), SHA1_NEXT (24));
  SHA1_FIVE (SHA1_F1, 0x6ed9eba1,
             SHA1_NEXT (25), SHA1_NEXT (26), SHA1_NEXT (27), SHA1_NEXT (28), SHA1_NEXT (29));
  SHA1_FIVE (SHA1_F1, 0x6ed9eba1,
             SHA1_NEXT (30), SHA1_NEXT (31), SHA1_NEXT (32), SHA1_NEXT (33), SHA1_NEXT (34));
  SHA1_FIVE (SHA1_F1, 0x6ed9eba1,
             SHA1_NEXT (35), SHA1_NEXT (36), SHA1_NEXT (37), SHA1_NEXT (38), SHA1_NEXT (39));
  SHA1_FIVE (SHA1_F2, 0x8f1bbcdc,
             SHA1_NEXT (40), SHA1_NEXT (41), SHA1_NEXT (42), SHA1_NEXT (43), SHA1_NEXT (44));
  SHA1_FIVE (SHA1_F2, 0x8f1bbcdc,
             SHA1_NEXT (45), SHA1_NEXT (46), SHA1_NEXT (47), SHA1_NEXT (48), SHA1_NEXT (49));
  SHA1_FIVE (SHA1_F2, 0x8f1bbcdc,
             SHA1_NEXT (50), SHA1_NEXT (51), SHA1_NEXT (52), SHA1_NEXT (53), SHA1_NEXT (54));
  SHA1_FIVE (SHA1_F2, 0x8f1bbcdc,
             SHA1_NEXT (55), SHA1_NEXT (56), SHA1_NEXT (57), SHA1_NEXT (58), SHA1_NEXT (59));
  SHA1_FIVE (SHA1_F1, 0xca62c1d6,
             SHA1_NEXT (60), SHA1_NEXT (61), SHA1_NEXT (62), SHA1_NEXT (63), SHA1_NEXT (64));
  SHA1_FIVE (SHA1_F1, 0xca62c1d6,
             SHA1_NEXT (65), SHA1_NEXT (66), SHA1_NEXT (67), SHA1_NEXT (68), SHA1_NEXT (69));
  SHA1_FIVE (SHA1_F1, 0xca62c1d6,
             SHA1_NEXT (70), SHA1_NEXT (71), SHA1_NEXT (72), SHA1_NEXT (73), SHA1_NEXT (74));
  SHA1_FIVE (SHA1_F1, 0xca62c1d6,
             SHA1_NEXT (75), SHA1_NEXT (76), SHA1_NEXT (77), SHA1_NEXT (78), SHA1_NEXT (79));

  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
}

#ifdef HAVE_SHA_NI
/*
 * The same blocks with the SHA instructions of x86 (Intel since Goldmont and Ice Lake, AMD
 * since Zen): about a tenth of the instructions.  Four rounds a step; the schedule's four
 * vectors take turns as a, b, c, d.
 */
#define NI_LOAD(m, i)                                                                \
  (m = _mm_shuffle_epi8 (_mm_loadu_si128 ((const __m128i *)(block + 16 * (i))), swap))
#define NI_STEP(ecur, eother, a, b, c, d, f)                                         \
  G_STMT_START {                                                                     \
    ecur = _mm_sha1nexte_epu32 (ecur, a);                                            \
    eother = abcd;                                                                   \
    b = _mm_sha1msg2_epu32 (b, a);                                                   \
    abcd = _mm_sha1rnds4_epu32 (abcd, ecur, f);                                      \
    d = _mm_sha1msg1_epu32 (d, a);                                                   \
    c = _mm_xor_si128 (c, a);                                                        \
  } G_STMT_END

__attribute__((target ("sha,sse4.1,ssse3")))
static void
sha1_blocks_ni (guint32       state[5],
                const guint8 *block,
                gsize         n_blocks)
{
  const __m128i swap = _mm_set_epi64x (0x0001020304050607ULL, 0x08090a0b0c0d0e0fULL);
  __m128i abcd = _mm_shuffle_epi32 (_mm_loadu_si128 ((const __m128i *) state), 0x1b);
  __m128i e0 = _mm_set_epi32 ((int) state[4], 0, 0, 0);

  for (; n_blocks > 0; n_blocks--, block += 64)
    {
      __m128i abcd_saved = abcd, e_saved = e0, e1;
      __m128i m0, m1, m2, m3;

      NI_LOAD (m0, 0);
      e0 = _mm_add_epi32 (e0, m0);
      e1 = abcd;
      abcd = _mm_sha1rnds4_epu32 (abcd, e0, 0);
      NI_LOAD (m1, 1);
      e1 = _mm_sha1nexte_epu32 (e1, m1);
      e0 = abcd;
      abcd = _mm_sha1rnds4_epu32 (abcd, e1, 0);
      m0 = _mm_sha1msg1_epu32 (m0, m1);
      NI_LOAD (m2, 2);
      e0 = _mm_sha1nexte_epu32 (e0, m2);
      e1 = abcd;
      abcd = _mm_sha1rnds4_epu32 (abcd, e0, 0);
      m1 = _mm_sha1msg1_epu32 (m1, m2);
      m0 = _mm_xor_si128 (m0, m2);
      NI_LOAD (m3, 3);
      NI_STEP (e1, e0, m3, m0, m1, m2, 0);    /* rounds 12–15 */
      NI_STEP (e0, e1, m0, m1, m2, m3, 0);
      NI_STEP (e1, e0, m1, m2, m3, m0, 1);    /* 20–23 */
      NI_STEP (e0, e1, m2, m3, m0, m1, 1);
      NI_STEP (e1, e0, m3, m0, m1, m2, 1);
      NI_STEP (e0, e1, m0, m1, m2, m3, 1);
      NI_STEP (e1, e0, m1, m2, m3, m0, 1);
      NI_STEP (e0, e1, m2, m3, m0, m1, 2);    /* 40–43 */
      NI_STEP (e1, e0, m3, m0, m1, m2, 2);
      NI_STEP (e0, e1, m0, m1, m2, m3, 2);
      NI_STEP (e1, e0, m1, m2, m3, m0, 2);
      NI_STEP (e0, e1, m2, m3, m0, m1, 2);
      NI_STEP (e1, e0, m3, m0, m1, m2, 3);    /* 60–63 */
      NI_STEP (e0, e1, m0, m1, m2, m3, 3);
      NI_STEP (e1, e0, m1, m2, m3, m0, 3);
      NI_STEP (e0, e1, m2, m3, m0, m1, 3);    /* 72–75 */
      e1 = _mm_sha1nexte_epu32 (e1, m3);      /* 76–79 */
      e0 = abcd;
      abcd = _mm_sha1rnds4_epu32 (abcd, e1, 3);

      e0 = _mm_sha1nexte_epu32 (e0, e_saved);
      abcd = _mm_add_epi32 (abcd, abcd_saved);
    }
  _mm_storeu_si128 ((__m128i *) state, _mm_shuffle_epi32 (abcd, 0x1b));
  state[4] = (guint32) _mm_extract_epi32 (e0, 3);
}

static gboolean
cpu_has_sha_ni (void)
{
  unsigned int a, b, c, d;

  if (!__get_cpuid (1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
    return FALSE;
  return __get_cpuid_count (7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#endif

gboolean
_cohort_sha1_accelerated (void)
{
#ifdef HAVE_SHA_NI
  static gsize answer = 0;

  if (g_once_init_enter (&answer))
    g_once_init_leave (&answer, cpu_has_sha_ni () ? 2 : 1);
  return answer == 2;
#else
  return FALSE;
#endif
}

void
_cohort_sha1_padded (guint8   *data,
                     gsize     len,
                     gboolean  accelerated,
                     guint8    digest[20])
{
  guint32 state[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
  guint64 bits = (guint64) len * 8;
  gsize padded = (len + 8) / 64 * 64 + 64;

  data[len] = 0x80;
  memset (data + len + 1, 0, padded - len - 1);
  for (int i = 0; i < 8; i++)
    data[padded - 1 - i] = (guint8)(bits >> (8 * i));
#ifdef HAVE_SHA_NI
  if (accelerated)
    sha1_blocks_ni (state, data, padded / 64);
  else
#endif
    for (gsize at = 0; at < padded; at += 64)
      sha1_block (state, data + at);
  for (int i = 0; i < 5; i++)
    {
      digest[4 * i] = (guint8)(state[i] >> 24);
      digest[4 * i + 1] = (guint8)(state[i] >> 16);
      digest[4 * i + 2] = (guint8)(state[i] >> 8);
      digest[4 * i + 3] = (guint8) state[i];
    }
}

/* ------------------------------------------------------------------------------------------ */

/* Every message without an id comes through here (all of a WhatsApp chat): the pieces are
 * laid out in one reused buffer and hashed at once, the digest is counted as bytes, and the
 * key is written without printf. */
void
cohort_content_keys_hash (CohortContentKeys   *keys,
                          const char          *member_uid,
                          gint64               ts,
                          const char          *text,
                          CohortContentDigest *digest)
{
  gsize uid_len = member_uid != NULL ? strlen (member_uid) : 0;
  gsize text_len = text != NULL ? strlen (text) : 0;
  guint8 sha1[20];
  guint8 *at;

  G_STATIC_ASSERT (sizeof digest->bytes == DIGEST_BYTES);

  if (keys->material == NULL)
    keys->material = g_byte_array_new ();
  /* uid 0x1F ts 0x1F text, and room for the digits and the padding. */
  g_byte_array_set_size (keys->material, uid_len + text_len + 2 + 24 + 72);
  at = keys->material->data;
  memcpy (at, member_uid != NULL ? member_uid : "", uid_len);
  at += uid_len;
  *at++ = 0x1f;
  at = (guint8 *) put_decimal ((char *) at, ts);
  *at++ = 0x1f;
  memcpy (at, text != NULL ? text : "", text_len);
  at += text_len;
  _cohort_sha1_padded (keys->material->data, at - keys->material->data,
                       _cohort_sha1_accelerated (), sha1);
  memcpy (digest->bytes, sha1, DIGEST_BYTES);
  __builtin_prefetch (&keys->slots[slot_hash (sha1) & keys->mask]);
}

char *
cohort_content_keys_take (CohortContentKeys         *keys,
                          const CohortContentDigest *digest)
{
  char key[2 + 2 * DIGEST_BYTES + 1 + 12 + 1];
  guint n = count_bytes (keys, digest->bytes);
  char *end;

  memcpy (key, "c:", 2);
  put_hex (key + 2, digest->bytes, DIGEST_BYTES);
  key[2 + 2 * DIGEST_BYTES] = ':';
  end = put_decimal (key + 3 + 2 * DIGEST_BYTES, n);
  *end = '\0';
  return g_strdup (key);
}

char *
cohort_content_keys_make (CohortContentKeys *keys,
                          const char        *member_uid,
                          gint64             ts,
                          const char        *text)
{
  CohortContentDigest digest;

  cohort_content_keys_hash (keys, member_uid, ts, text, &digest);
  return cohort_content_keys_take (keys, &digest);
}
