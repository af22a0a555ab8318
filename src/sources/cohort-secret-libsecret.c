/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-secrets"

#include "config.h"

#include "cohort-secret-libsecret.h"

#include <libsecret/secret.h>

struct _CohortSecretLibsecret
{
  GObject parent_instance;
};

static void secret_store_iface_init (CohortSecretStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CohortSecretLibsecret, cohort_secret_libsecret, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (COHORT_TYPE_SECRET_STORE,
                                                      secret_store_iface_init))

/* One attribute, the source's uid: the item carries nothing else about the source. */
static const SecretSchema *
source_schema (void)
{
  static const SecretSchema schema = {
    "io.github.cohortapp.Cohort.Source", SECRET_SCHEMA_NONE,
    {
      { "uid", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

static void
lookup_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, secret, (GDestroyNotify)secret_password_free);
}

static void
libsecret_lookup_async (CohortSecretStore   *store,
                        const char          *uid,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, libsecret_lookup_async);
  secret_password_lookup (source_schema (), cancellable, lookup_done_cb, task,
                          "uid", uid, NULL);
}

static char *
libsecret_lookup_finish (CohortSecretStore  *store,
                         GAsyncResult       *result,
                         GError            **error)
{
  char *secret = g_task_propagate_pointer (G_TASK (result), error);
  char *copy = g_strdup (secret);

  /* libsecret hands out non-pageable memory; callers get a plain string they g_free. */
  secret_password_free (secret);
  return copy;
}

static void
bool_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean (*finish) (GAsyncResult *, GError **) = g_task_get_task_data (task);

  if (!finish (result, &error) && error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
libsecret_store_async (CohortSecretStore   *store,
                       const char          *uid,
                       const char          *label,
                       const char          *secret,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, libsecret_store_async);
  g_task_set_task_data (task, secret_password_store_finish, NULL);
  secret_password_store (source_schema (), SECRET_COLLECTION_DEFAULT, label, secret,
                         cancellable, bool_done_cb, task, "uid", uid, NULL);
}

static void
libsecret_clear_async (CohortSecretStore   *store,
                       const char          *uid,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, libsecret_clear_async);
  g_task_set_task_data (task, secret_password_clear_finish, NULL);
  secret_password_clear (source_schema (), cancellable, bool_done_cb, task, "uid", uid, NULL);
}

static gboolean
libsecret_bool_finish (CohortSecretStore  *store,
                       GAsyncResult       *result,
                       GError            **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
secret_store_iface_init (CohortSecretStoreInterface *iface)
{
  iface->lookup_async = libsecret_lookup_async;
  iface->lookup_finish = libsecret_lookup_finish;
  iface->store_async = libsecret_store_async;
  iface->store_finish = libsecret_bool_finish;
  iface->clear_async = libsecret_clear_async;
  iface->clear_finish = libsecret_bool_finish;
}

static void
cohort_secret_libsecret_class_init (CohortSecretLibsecretClass *klass)
{
}

static void
cohort_secret_libsecret_init (CohortSecretLibsecret *self)
{
}

CohortSecretStore *
cohort_secret_libsecret_new (void)
{
  return g_object_new (COHORT_TYPE_SECRET_LIBSECRET, NULL);
}
