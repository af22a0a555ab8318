/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cohort-test-secrets.h"

struct _CohortTestSecrets
{
  GObject     parent_instance;
  GHashTable *secrets;   /* uid → secret */
};

static void secret_store_iface_init (CohortSecretStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CohortTestSecrets, cohort_test_secrets, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (COHORT_TYPE_SECRET_STORE,
                                                      secret_store_iface_init))

/* Results arrive from the main loop, as they would from the keyring. */
static void
test_lookup_async (CohortSecretStore   *store,
                   const char          *uid,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  CohortTestSecrets *self = COHORT_TEST_SECRETS (store);
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_return_pointer (task, g_strdup (g_hash_table_lookup (self->secrets, uid)), g_free);
}

static char *
test_lookup_finish (CohortSecretStore  *store,
                    GAsyncResult       *result,
                    GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_store_async (CohortSecretStore   *store,
                  const char          *uid,
                  const char          *label,
                  const char          *secret,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  CohortTestSecrets *self = COHORT_TEST_SECRETS (store);
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_hash_table_replace (self->secrets, g_strdup (uid), g_strdup (secret));
  g_task_return_boolean (task, TRUE);
}

static void
test_clear_async (CohortSecretStore   *store,
                  const char          *uid,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  CohortTestSecrets *self = COHORT_TEST_SECRETS (store);
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_hash_table_remove (self->secrets, uid);
  g_task_return_boolean (task, TRUE);
}

static gboolean
test_bool_finish (CohortSecretStore  *store,
                  GAsyncResult       *result,
                  GError            **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
secret_store_iface_init (CohortSecretStoreInterface *iface)
{
  iface->lookup_async = test_lookup_async;
  iface->lookup_finish = test_lookup_finish;
  iface->store_async = test_store_async;
  iface->store_finish = test_bool_finish;
  iface->clear_async = test_clear_async;
  iface->clear_finish = test_bool_finish;
}

static void
cohort_test_secrets_finalize (GObject *object)
{
  CohortTestSecrets *self = COHORT_TEST_SECRETS (object);

  g_hash_table_unref (self->secrets);
  G_OBJECT_CLASS (cohort_test_secrets_parent_class)->finalize (object);
}

static void
cohort_test_secrets_class_init (CohortTestSecretsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cohort_test_secrets_finalize;
}

static void
cohort_test_secrets_init (CohortTestSecrets *self)
{
  self->secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

CohortSecretStore *
cohort_test_secrets_new (void)
{
  return g_object_new (COHORT_TYPE_TEST_SECRETS, NULL);
}

const char *
cohort_test_secrets_peek (CohortTestSecrets *self,
                          const char        *uid)
{
  return g_hash_table_lookup (self->secrets, uid);
}

guint
cohort_test_secrets_count (CohortTestSecrets *self)
{
  return g_hash_table_size (self->secrets);
}
