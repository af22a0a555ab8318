/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-content-keys.h"

/*
 * The count behind every content key: how many times a digest was seen before in its chat.
 * Two identical lines in one second must stay two messages (keys …:0 and …:1), across the
 * table's growth and past what a slot's 16-bit count holds.
 */

static char *
digest_for (guint i)
{
  g_autofree char *text = g_strdup_printf ("line %u", i);
  char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA1, text, -1);

  digest[20] = '\0';
  return digest;
}

static void
test_repeats (void)
{
  g_autoptr(CohortContentKeys) keys = cohort_content_keys_new ();

  g_assert_cmpuint (cohort_content_keys_count (keys, "0123456789abcdef0123"), ==, 0);
  g_assert_cmpuint (cohort_content_keys_count (keys, "0123456789abcdef0123"), ==, 1);
  g_assert_cmpuint (cohort_content_keys_count (keys, "0123456789abcdef0124"), ==, 0);
  g_assert_cmpuint (cohort_content_keys_count (keys, "0123456789abcdef0123"), ==, 2);
  /* Same first eight bytes, so the same probe start: told apart by the last two. */
  g_assert_cmpuint (cohort_content_keys_count (keys, "0123456789abcdefffff"), ==, 0);
  g_assert_cmpuint (cohort_content_keys_count (keys, "0123456789abcdef0124"), ==, 1);
}

/* 5000 digests outgrow the first 1024 slots three times over; every count survives. */
static void
test_growth (void)
{
  g_autoptr(CohortContentKeys) keys = cohort_content_keys_new ();

  for (guint round = 0; round < 3; round++)
    for (guint i = 0; i < 5000; i++)
      {
        g_autofree char *digest = digest_for (i);

        g_assert_cmpuint (cohort_content_keys_count (keys, digest), ==, round);
      }
}

/* Sized for 200 000 keys at once (a 3 MB table, in huge pages where the kernel gives
 * them): the same counts, and room for them without growing. */
static void
test_presized (void)
{
  g_autoptr(CohortContentKeys) keys = cohort_content_keys_new_sized (200000);

  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < 200000; i++)
      {
        g_autofree char *digest = digest_for (i);

        if (cohort_content_keys_count (keys, digest) != round)
          g_assert_cmpuint (i, ==, G_MAXUINT);
      }
}

/* One line repeated 70 000 times: the count goes on past 65 535. */
static void
test_overflow (void)
{
  g_autoptr(CohortContentKeys) keys = cohort_content_keys_new ();
  g_autofree char *digest = digest_for (7);
  g_autofree char *other = digest_for (8);

  for (guint i = 0; i < 70000; i++)
    if (cohort_content_keys_count (keys, digest) != i)
      g_assert_cmpuint (i, ==, G_MAXUINT);   /* fails, naming the repeat that went wrong */
  g_assert_cmpuint (cohort_content_keys_count (keys, digest), ==, 70000);
  g_assert_cmpuint (cohort_content_keys_count (keys, other), ==, 0);
}

/* The keys databases already hold: the digests are `sha1sum` of the pieces joined by 0x1F
 * ("printf 'name:Ann\x1f1577959320\x1fhello' | sha1sum" is e5ae53c97d7f21a50cc3…). */
static void
test_make (void)
{
  g_autoptr(CohortContentKeys) keys = cohort_content_keys_new ();
  g_autofree char *first = cohort_content_keys_make (keys, "name:Ann", 1577959320, "hello");
  g_autofree char *again = cohort_content_keys_make (keys, "name:Ann", 1577959320, "hello");
  g_autofree char *no_uid = cohort_content_keys_make (keys, NULL, -5, NULL);
  g_autofree char *cjk = cohort_content_keys_make (keys, "name:王", 0, "你好\n第二行");
  g_autofree char *by_hex = NULL;

  g_assert_cmpstr (first, ==, "c:e5ae53c97d7f21a50cc3:0");
  g_assert_cmpstr (again, ==, "c:e5ae53c97d7f21a50cc3:1");
  g_assert_cmpstr (no_uid, ==, "c:f0d54577a4114abe4b5b:0");
  g_assert_cmpstr (cjk, ==, "c:28035b041dbae51d1afa:0");
  /* Both entry points count in the same table. */
  g_assert_cmpuint (cohort_content_keys_count (keys, "e5ae53c97d7f21a50cc3"), ==, 2);
  by_hex = cohort_content_keys_make (keys, "name:Ann", 1577959320, "hello");
  g_assert_cmpstr (by_hex, ==, "c:e5ae53c97d7f21a50cc3:3");
}

/* The digest is SHA-1 at every length: across the block boundaries of the padding (55/56,
 * 119/120 bytes of material) and into several blocks, as GChecksum computes it. */
static void
test_make_every_length (void)
{
  for (guint len = 0; len < 300; len++)
    {
      g_autoptr(CohortContentKeys) keys = cohort_content_keys_new ();
      g_autofree char *text = g_strnfill (len, (char)('a' + len % 26));
      g_autofree char *material = g_strdup_printf ("name:x\x1f%u\x1f%s", len, text);
      g_autofree char *sha1 = g_compute_checksum_for_string (G_CHECKSUM_SHA1, material, -1);
      g_autofree char *expected = g_strdup_printf ("c:%.20s:0", sha1);
      g_autofree char *key = cohort_content_keys_make (keys, "name:x", len, text);

      g_assert_cmpstr (key, ==, expected);
    }
}

/* Past 65 535 repeats the count lives in the overflow table, for made keys too. */
static void
test_make_overflow (void)
{
  g_autoptr(CohortContentKeys) keys = cohort_content_keys_new ();
  g_autofree char *last = NULL;

  for (guint i = 0; i < 70000; i++)
    g_free (cohort_content_keys_make (keys, NULL, 0, "+1"));
  last = cohort_content_keys_make (keys, NULL, 0, "+1");
  g_assert_true (g_str_has_suffix (last, ":70000"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cohort/content-keys/repeats", test_repeats);
  g_test_add_func ("/cohort/content-keys/growth", test_growth);
  g_test_add_func ("/cohort/content-keys/presized", test_presized);
  g_test_add_func ("/cohort/content-keys/overflow", test_overflow);
  g_test_add_func ("/cohort/content-keys/make", test_make);
  g_test_add_func ("/cohort/content-keys/make-overflow", test_make_overflow);
  g_test_add_func ("/cohort/content-keys/make-every-length", test_make_every_length);
  return g_test_run ();
}
