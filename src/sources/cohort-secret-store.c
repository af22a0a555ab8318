/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-secrets"

#include "config.h"

#include "cohort-secret-store.h"

G_DEFINE_INTERFACE (CohortSecretStore, cohort_secret_store, G_TYPE_OBJECT)

static void
cohort_secret_store_default_init (CohortSecretStoreInterface *iface)
{
}

void
cohort_secret_store_lookup_async (CohortSecretStore   *self,
                                  const char          *uid,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (COHORT_IS_SECRET_STORE (self));
  g_return_if_fail (uid != NULL);

  COHORT_SECRET_STORE_GET_IFACE (self)->lookup_async (self, uid, cancellable, callback, user_data);
}

char *
cohort_secret_store_lookup_finish (CohortSecretStore  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (COHORT_IS_SECRET_STORE (self), NULL);

  return COHORT_SECRET_STORE_GET_IFACE (self)->lookup_finish (self, result, error);
}

void
cohort_secret_store_store_async (CohortSecretStore   *self,
                                 const char          *uid,
                                 const char          *label,
                                 const char          *secret,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (COHORT_IS_SECRET_STORE (self));
  g_return_if_fail (uid != NULL && secret != NULL);

  COHORT_SECRET_STORE_GET_IFACE (self)->store_async (self, uid, label, secret, cancellable,
                                                     callback, user_data);
}

gboolean
cohort_secret_store_store_finish (CohortSecretStore  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (COHORT_IS_SECRET_STORE (self), FALSE);

  return COHORT_SECRET_STORE_GET_IFACE (self)->store_finish (self, result, error);
}

void
cohort_secret_store_clear_async (CohortSecretStore   *self,
                                 const char          *uid,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (COHORT_IS_SECRET_STORE (self));
  g_return_if_fail (uid != NULL);

  COHORT_SECRET_STORE_GET_IFACE (self)->clear_async (self, uid, cancellable, callback, user_data);
}

gboolean
cohort_secret_store_clear_finish (CohortSecretStore  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (COHORT_IS_SECRET_STORE (self), FALSE);

  return COHORT_SECRET_STORE_GET_IFACE (self)->clear_finish (self, result, error);
}
