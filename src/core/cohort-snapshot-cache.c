/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-snapshot-cache"

#include "config.h"

#include "cohort-snapshot-cache.h"
#include "cohort-snapshot-private.h"
#include "cohort-store.h"

#include <string.h>

/*
 * Layout, in the machine's byte order (a cache is rebuilt, never shared between machines):
 *
 *   header (64 bytes, CacheHeader)
 *   strings: name, platform, zone, then uid and name of each member, each NUL-terminated
 *   columns[] in table order, each n_members, n_spans or n_messages elements long
 *
 * Everything finish () derives (local days, hours, weekdays, first joins, the day range) is
 * recomputed on load: it depends on the zone database, costs a few milliseconds, and would
 * double the size.  A reader checks every header field, the exact size, a checksum over the
 * payload and the member indexes before it hands out a snapshot, so a stale, truncated or
 * damaged cache is refused, never half used.
 */

#define CACHE_MAGIC "COHSNAP"
#define BYTE_ORDER_MARK 0x01020304u

typedef struct
{
  char    magic[8];
  guint32 byte_order;
  guint32 format;
  guint32 schema;
  guint32 n_members;
  guint32 n_spans;
  guint32 n_messages;
  gint64  community;
  gint64  generation;
  guint64 strings_size;
  guint64 checksum;
} CacheHeader;

G_STATIC_ASSERT (sizeof (CacheHeader) == 64);

typedef enum
{
  PER_MEMBER,
  PER_SPAN,
  PER_MESSAGE,
} ColumnLength;

typedef struct
{
  gsize        offset;     /* of the column's pointer in CohortSnapshot */
  gsize        size;       /* of one element */
  ColumnLength length;
} Column;

#define COLUMN(field, length) \
  { G_STRUCT_OFFSET (CohortSnapshot, field), sizeof (((CohortSnapshot *)NULL)->field[0]), length }

/* The stored columns, in stored order.  Changing this table changes the format. */
static const Column columns[] = {
  COLUMN (member_is_bot, PER_MEMBER),
  COLUMN (member_is_staff, PER_MEMBER),
  COLUMN (span_member, PER_SPAN),
  COLUMN (span_start, PER_SPAN),
  COLUMN (span_end, PER_SPAN),
  COLUMN (span_start_kind, PER_SPAN),
  COLUMN (span_end_kind, PER_SPAN),
  COLUMN (msg_ts, PER_MESSAGE),
  COLUMN (msg_member, PER_MESSAGE),
  COLUMN (msg_kind, PER_MESSAGE),
  COLUMN (msg_is_mech, PER_MESSAGE),
  COLUMN (msg_reply_member, PER_MESSAGE),
};

static void *
column_data (const CohortSnapshot *snapshot,
             const Column         *column)
{
  return *(void * const *)((const char *)snapshot + column->offset);
}

static guint64
column_bytes (const Column *column,
              guint64       n_members,
              guint64       n_spans,
              guint64       n_messages)
{
  guint64 n = column->length == PER_MEMBER ? n_members
            : column->length == PER_SPAN ? n_spans : n_messages;

  return n * column->size;
}

/* ------------------------------------------------------------------------------------------ */
/* Checksum: not cryptographic, only there to catch a damaged or truncated cache.  Four
 * independent multiply-xor lanes over 64-bit words keep it at a few milliseconds for the
 * 18 MB of a million messages; each section is hashed on its own and folded in, so the
 * reader, which reads section by section, gets the same value as the writer.               */

#define MIX_PRIME G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)

static guint64
mix (guint64 h,
     guint64 x)
{
  h ^= x;
  h *= MIX_PRIME;
  return h ^ (h >> 31);
}

static guint64
hash_section (const void *data,
              gsize       size)
{
  const guint8 *p = data;
  guint64 lane[4] = { 1, 2, 3, 4 };
  guint64 h = size;
  gsize i = 0;

  for (; i + 32 <= size; i += 32)
    for (int k = 0; k < 4; k++)
      {
        guint64 x;

        memcpy (&x, p + i + 8 * k, 8);
        lane[k] = mix (lane[k], x);
      }
  for (; i + 8 <= size; i += 8)
    {
      guint64 x;

      memcpy (&x, p + i, 8);
      lane[0] = mix (lane[0], x);
    }
  if (i < size)
    {
      guint64 x = 0;

      memcpy (&x, p + i, size - i);
      lane[1] = mix (lane[1], x);
    }
  for (int k = 0; k < 4; k++)
    h = mix (h, lane[k]);
  return h;
}

/* ------------------------------------------------------------------------------------------ */

static gsize
strings_size (const CohortSnapshot *snapshot)
{
  gsize size = strlen (snapshot->name) + strlen (snapshot->platform) + strlen (snapshot->tz_id) + 3;

  for (guint i = 0; i < snapshot->n_members; i++)
    size += strlen (snapshot->member_uid[i] ? snapshot->member_uid[i] : "") +
            strlen (snapshot->member_name[i] ? snapshot->member_name[i] : "") + 2;
  return size;
}

static char *
put_string (char       *out,
            const char *s)
{
  gsize n = strlen (s ? s : "") + 1;

  memcpy (out, s ? s : "", n);
  return out + n;
}

/**
 * cohort_snapshot_cache_encode:
 * @snapshot: a finished snapshot
 * @community: the community it is of, written into the header
 *
 * The stored form of @snapshot, keyed by @snapshot->generation.
 *
 * Returns: (transfer full): the bytes to store
 */
GBytes *
cohort_snapshot_cache_encode (const CohortSnapshot *snapshot,
                              gint64                community)
{
  CacheHeader header = { CACHE_MAGIC, BYTE_ORDER_MARK, COHORT_SNAPSHOT_CACHE_FORMAT,
                         COHORT_SCHEMA_VERSION, 0, };
  gsize size = sizeof header, n_strings;
  char *data, *out;

  g_return_val_if_fail (snapshot != NULL && snapshot->b_members == NULL, NULL);

  n_strings = strings_size (snapshot);
  size += n_strings;
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    size += column_bytes (&columns[i], snapshot->n_members, snapshot->n_spans,
                          snapshot->n_messages);

  data = g_malloc (size);
  out = data + sizeof header;
  out = put_string (out, snapshot->name);
  out = put_string (out, snapshot->platform);
  out = put_string (out, snapshot->tz_id);
  for (guint i = 0; i < snapshot->n_members; i++)
    {
      out = put_string (out, snapshot->member_uid[i]);
      out = put_string (out, snapshot->member_name[i]);
    }
  header.checksum = mix (0, hash_section (data + sizeof header, n_strings));
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      gsize n = column_bytes (&columns[i], snapshot->n_members, snapshot->n_spans,
                              snapshot->n_messages);

      memcpy (out, column_data (snapshot, &columns[i]), n);
      header.checksum = mix (header.checksum, hash_section (out, n));
      out += n;
    }
  g_assert (out == data + size);

  header.n_members = snapshot->n_members;
  header.n_spans = snapshot->n_spans;
  header.n_messages = snapshot->n_messages;
  header.community = community;
  header.generation = snapshot->generation;
  header.strings_size = n_strings;
  memcpy (data, &header, sizeof header);
  return g_bytes_new_take (data, size);
}

/* ------------------------------------------------------------------------------------------ */

static gboolean
header_is_valid (const CacheHeader *header,
                 gsize              size,
                 gint64             community,
                 gint64             generation)
{
  guint64 expected = sizeof *header;

  if (memcmp (header->magic, CACHE_MAGIC, sizeof header->magic) != 0 ||
      header->byte_order != BYTE_ORDER_MARK ||
      header->format != COHORT_SNAPSHOT_CACHE_FORMAT ||
      header->schema != COHORT_SCHEMA_VERSION ||
      header->community != community ||
      header->generation != generation ||
      header->strings_size > size)
    return FALSE;

  /* 64-bit sums of 32-bit counts cannot overflow; the size must match to the byte. */
  expected += header->strings_size;
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    expected += column_bytes (&columns[i], header->n_members, header->n_spans,
                              header->n_messages);
  return expected == size;
}

/* Points the members' names into the block; FALSE unless it holds exactly the strings the
 * header promises. */
static gboolean
split_strings (CohortSnapshot *snapshot,
               char           *block,
               gsize           size,
               const char    **fixed)
{
  char *end = block + size;
  char *p = block;
  guint n = 0, expected = 3 + 2 * snapshot->n_members;

  if (size == 0 || end[-1] != '\0')
    return FALSE;
  while (p < end)
    {
      char *nul = memchr (p, '\0', end - p);

      if (n >= expected)
        return FALSE;
      if (n < 3)
        fixed[n] = p;
      else if ((n - 3) % 2 == 0)
        snapshot->member_uid[(n - 3) / 2] = p;
      else
        snapshot->member_name[(n - 3) / 2] = p;
      n++;
      p = nul + 1;
    }
  return n == expected;
}

/* The checksum cannot tell a bug from bad luck; the metrics index arrays with these. */
static gboolean
columns_are_sane (const CohortSnapshot *snapshot)
{
  for (guint i = 0; i < snapshot->n_spans; i++)
    if (snapshot->span_member[i] >= snapshot->n_members)
      return FALSE;
  for (guint i = 0; i < snapshot->n_messages; i++)
    if (snapshot->msg_member[i] >= snapshot->n_members ||
        snapshot->msg_reply_member[i] < -1 ||
        snapshot->msg_reply_member[i] >= (int)snapshot->n_members ||
        (i > 0 && snapshot->msg_ts[i] < snapshot->msg_ts[i - 1]))
      return FALSE;
  return TRUE;
}

/**
 * cohort_snapshot_cache_decode:
 * @read: reads from the stored form
 * @source: passed to @read
 * @size: the size of the stored form
 * @community: the community it must be of
 * @generation: the generation it must have been written at
 *
 * A snapshot equal to the one that was encoded, with from_cache set.
 *
 * Returns: (transfer full) (nullable): the snapshot, or %NULL if the stored form is of
 *   another format, schema, community or generation, or is truncated or damaged
 */
CohortSnapshot *
cohort_snapshot_cache_decode (CohortSnapshotCacheRead  read,
                              gpointer                 source,
                              gsize                    size,
                              gint64                   community,
                              gint64                   generation)
{
  g_autoptr(CohortSnapshot) snapshot = NULL;
  g_autofree char *block = NULL;
  const char *fixed[3] = { NULL, };
  CacheHeader header;
  gsize offset = sizeof header;
  guint64 checksum;

  if (size < sizeof header || !read (source, &header, sizeof header, 0) ||
      !header_is_valid (&header, size, community, generation))
    return NULL;

  block = g_malloc (header.strings_size + 1);
  if (!read (source, block, header.strings_size, offset))
    return NULL;
  offset += header.strings_size;
  checksum = mix (0, hash_section (block, header.strings_size));

  /* The zone and names are not known before the strings are split; the snapshot is made
   * with placeholders and given them after. */
  snapshot = _cohort_snapshot_new_columns (NULL, NULL, NULL, header.n_members, header.n_spans,
                                           header.n_messages);
  if (!split_strings (snapshot, block, header.strings_size, fixed))
    return NULL;
  snapshot->strings = g_steal_pointer (&block);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      gsize n = column_bytes (&columns[i], header.n_members, header.n_spans, header.n_messages);
      void *data = column_data (snapshot, &columns[i]);

      if (!read (source, data, n, offset))
        return NULL;
      checksum = mix (checksum, hash_section (data, n));
      offset += n;
    }
  if (checksum != header.checksum || !columns_are_sane (snapshot))
    return NULL;

  g_free (snapshot->name);
  g_free (snapshot->platform);
  g_free (snapshot->tz_id);
  g_clear_pointer (&snapshot->tz, g_time_zone_unref);
  snapshot->name = g_strdup (fixed[0]);
  snapshot->platform = g_strdup (fixed[1]);
  snapshot->tz_id = g_strdup (fixed[2]);
  snapshot->tz = g_time_zone_new_identifier (snapshot->tz_id);
  if (snapshot->tz == NULL)
    snapshot->tz = g_time_zone_new_utc ();

  _cohort_snapshot_index_members (snapshot);
  _cohort_snapshot_derive (snapshot);
  snapshot->generation = generation;
  snapshot->from_cache = TRUE;
  return g_steal_pointer (&snapshot);
}

static gboolean
read_bytes (gpointer  source,
            void     *buffer,
            gsize     size,
            gsize     offset)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (source, &length);

  if (offset > length || size > length - offset)
    return FALSE;
  memcpy (buffer, data + offset, size);
  return TRUE;
}

CohortSnapshot *
cohort_snapshot_cache_decode_bytes (GBytes *bytes,
                                    gint64  community,
                                    gint64  generation)
{
  g_return_val_if_fail (bytes != NULL, NULL);

  return cohort_snapshot_cache_decode (read_bytes, bytes, g_bytes_get_size (bytes), community,
                                       generation);
}
