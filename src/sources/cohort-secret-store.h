/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * CohortSecretStore: where a source's secret (API key, app secret) lives, keyed by the
 * source's uid.  The app and the CLI use the libsecret implementation (the system keyring);
 * tests use an in-memory one, because CI has no keyring daemon.  Secrets never reach the
 * database, the settings or a log line.
 */

#define COHORT_TYPE_SECRET_STORE (cohort_secret_store_get_type ())

G_DECLARE_INTERFACE (CohortSecretStore, cohort_secret_store, COHORT, SECRET_STORE, GObject)

struct _CohortSecretStoreInterface
{
  GTypeInterface parent_iface;

  void      (*lookup_async)  (CohortSecretStore   *self,
                              const char          *uid,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
  char     *(*lookup_finish) (CohortSecretStore   *self,
                              GAsyncResult        *result,
                              GError             **error);
  void      (*store_async)   (CohortSecretStore   *self,
                              const char          *uid,
                              const char          *label,
                              const char          *secret,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
  gboolean  (*store_finish)  (CohortSecretStore   *self,
                              GAsyncResult        *result,
                              GError             **error);
  void      (*clear_async)   (CohortSecretStore   *self,
                              const char          *uid,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
  gboolean  (*clear_finish)  (CohortSecretStore   *self,
                              GAsyncResult        *result,
                              GError             **error);
};

/* lookup_finish returns NULL without an error when there is no secret for uid. */
void      cohort_secret_store_lookup_async  (CohortSecretStore   *self,
                                             const char          *uid,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char     *cohort_secret_store_lookup_finish (CohortSecretStore   *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void      cohort_secret_store_store_async   (CohortSecretStore   *self,
                                             const char          *uid,
                                             const char          *label,
                                             const char          *secret,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean  cohort_secret_store_store_finish  (CohortSecretStore   *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void      cohort_secret_store_clear_async   (CohortSecretStore   *self,
                                             const char          *uid,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean  cohort_secret_store_clear_finish  (CohortSecretStore   *self,
                                             GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
