/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-import"

#include "config.h"

#include "cohort-content-keys.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <nettle/sha1.h>

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
  struct sha1_ctx sha1;
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
  /* uid 0x1F ts 0x1F text, and room for the digits. */
  g_byte_array_set_size (keys->material, uid_len + text_len + 2 + 24);
  at = keys->material->data;
  memcpy (at, member_uid != NULL ? member_uid : "", uid_len);
  at += uid_len;
  *at++ = 0x1f;
  at = (guint8 *) put_decimal ((char *) at, ts);
  *at++ = 0x1f;
  memcpy (at, text != NULL ? text : "", text_len);
  at += text_len;
  /* nettle's SHA-1 picks the CPU's SHA instructions when it has them (its "fat" build):
   * about a quarter of GChecksum's time, which also copies every piece into a block of its
   * own and formats the hex digest besides the bytes. */
  sha1_init (&keys->sha1);
  sha1_update (&keys->sha1, (gsize) (at - keys->material->data), keys->material->data);
  sha1_digest (&keys->sha1, SHA1_DIGEST_SIZE, sha1);
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
