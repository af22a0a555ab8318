/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * How often each content digest has been seen in one chat, for the content keys of messages
 * without a platform id (cohort_import_content_key ()).  A WhatsApp export has a million of
 * them in a large chat: a GHashTable of digest strings took about 70 bytes a key (72 MB of
 * its 119 MB peak at 1M messages); here a key is a 12-byte slot in one open-addressed
 * array.
 */

typedef struct _CohortContentKeys CohortContentKeys;

CohortContentKeys *cohort_content_keys_new   (void);
/* Sized for about expected keys from the start, so that a chat whose length is known never
 * holds the old and the new array at once while the table doubles. */
CohortContentKeys *cohort_content_keys_new_sized (gsize          expected);
void               cohort_content_keys_free  (CohortContentKeys *keys);
/* digest: the 20 lowercase hex digits of a content key.  Returns how many times it was seen
 * before, and counts this time. */
guint              cohort_content_keys_count (CohortContentKeys *keys,
                                              const char        *digest);
/* The content key of a message without a platform id, counted in keys:
 * "c:<the first 20 hex digits of the SHA-1 of member_uid 0x1F ts 0x1F text>:<how many times
 * that digest came before>".  Databases hold these keys, so the format never changes.
 * member_uid and text may be NULL, hashed as empty. */
char              *cohort_content_keys_make  (CohortContentKeys *keys,
                                              const char        *member_uid,
                                              gint64             ts,
                                              const char        *text);

/* cohort_content_keys_make () in two steps, for a caller with other work to do between
 * them: in a chat of a million messages the count's slot is a cache miss, and
 * cohort_content_keys_hash () starts loading it. */
typedef struct
{
  guint8 bytes[10];
} CohortContentDigest;

void               cohort_content_keys_hash  (CohortContentKeys   *keys,
                                              const char          *member_uid,
                                              gint64               ts,
                                              const char          *text,
                                              CohortContentDigest *digest);
char              *cohort_content_keys_take  (CohortContentKeys         *keys,
                                              const CohortContentDigest *digest);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CohortContentKeys, cohort_content_keys_free)

G_END_DECLS
