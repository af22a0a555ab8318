/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-cli"

#include "config.h"

#include "cohort-cli-sync.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "cohort-secret-libsecret.h"
#include "cohort-store-sources.h"
#include "cohort-sync-error.h"
#include "cohort-sync-job.h"

#define SECRET_ENV "COHORT_SOURCE_SECRET"

static char *opt_username;
static gboolean opt_secret_stdin;

const GOptionEntry cohort_cli_source_entries[] = {
  { "username", 0, 0, G_OPTION_ARG_STRING, &opt_username, N_("Discourse API user name, WeCom corp id, or chatlog group id"), N_("NAME") },
  { "secret-stdin", 0, 0, G_OPTION_ARG_NONE, &opt_secret_stdin, N_("Read the API key or app secret from the first line of standard input"), NULL },
  { NULL }
};

/* The keyring is asynchronous; the CLI waits for it on its own main loop. */
typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static void
wait_run (Wait *wait)
{
  wait->loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (wait->loop);
  g_main_loop_unref (wait->loop);
}

static CohortDb *
open_db (const char  *db_path,
         GError     **error)
{
  g_autofree char *path = db_path ? g_strdup (db_path) : cohort_db_default_path ();

  return cohort_db_open (path, FALSE, error);
}

static char *
read_secret (void)
{
  const char *env = g_getenv (SECRET_ENV);
  char line[4096];

  if (opt_secret_stdin)
    {
      if (fgets (line, sizeof line, stdin) == NULL)
        return NULL;
      return g_strstrip (g_strdup (line));
    }
  return env && *env ? g_strdup (env) : NULL;
}

static gboolean
valid_kind (const char *kind)
{
  return g_strv_contains ((const char * const[]) { "discourse", "wecom", "chatlog", NULL }, kind);
}

static int
source_add (CohortDb  *db,
            int        argc,
            char     **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSourceInfo) info = NULL;
  g_autoptr(CohortSecretStore) secrets = NULL;
  g_autofree char *secret = NULL;
  Wait wait = { 0, };
  gint64 id;

  if (argc != 3 || !valid_kind (argv[0]))
    {
      g_printerr (_("Usage: cohort-cli source add discourse|wecom|chatlog NAME URL [--username NAME] [--secret-stdin]\n"));
      return 2;
    }
  if (opt_username == NULL)
    {
      g_printerr (_("--username is needed: the Discourse API user, the WeCom corp id, or the chatlog group id (…@chatroom).\n"));
      return 2;
    }
  id = cohort_db_add_source (db, argv[0], argv[1], argv[2], opt_username, &error);
  if (id == 0)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  info = cohort_db_find_source (db, argv[1], &error);
  secret = read_secret ();
  if (secret == NULL && g_str_equal (argv[0], "chatlog"))
    {
      g_print (_("Added “%s”.\n"), info->name);
      return 0;
    }
  if (secret == NULL)
    {
      g_print (_("Added “%s”. No secret was given: set %s when running cohort-cli sync.\n"),
               info->name, SECRET_ENV);
      return 0;
    }

  secrets = cohort_secret_libsecret_new ();
  cohort_secret_store_store_async (secrets, info->uid, info->name, secret, NULL, wait_cb, &wait);
  wait_run (&wait);
  if (!cohort_secret_store_store_finish (secrets, wait.result, &error))
    {
      /* A source whose secret went nowhere would only fail later: take it back now. */
      cohort_db_remove_source (db, id, NULL);
      g_printerr (_("The keyring could not store the secret (%s); the source was not added.\n"),
                  error->message);
      g_object_unref (wait.result);
      return 1;
    }
  g_object_unref (wait.result);
  g_print (_("Added “%s”; its secret is in the system keyring.\n"), info->name);
  return 0;
}

static JsonNode *
source_to_json (const CohortSourceInfo *info)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *error = cohort_sync_error_describe_stored (info->error);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, info->id);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, info->kind);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, info->name);
  json_builder_set_member_name (b, "url");
  json_builder_add_string_value (b, info->base_url);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, info->username);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, info->status);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, error);
  json_builder_set_member_name (b, "last_sync");
  json_builder_add_int_value (b, info->last_sync);
  json_builder_set_member_name (b, "cursor");
  json_builder_add_string_value (b, info->cursor);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

static int
source_list (CohortDb *db,
             gboolean  json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = cohort_db_list_sources (db, &error);

  if (list == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < list->len; i++)
        json_array_add_element (array, source_to_json (g_ptr_array_index (list, i)));
      json_node_set_array (root, array);
      print_json (root);
      return 0;
    }
  if (list->len == 0)
    g_print (_("No sources yet. Add one with: cohort-cli source add discourse NAME URL --username NAME\n"));
  for (guint i = 0; i < list->len; i++)
    {
      const CohortSourceInfo *info = g_ptr_array_index (list, i);

      g_print ("%3" G_GINT64_FORMAT "  %-10s %-24s %-8s %s\n", info->id, info->kind, info->name,
               info->status, info->base_url);
      if (info->error != NULL)
        {
          g_autofree char *words = cohort_sync_error_describe_stored (info->error);
          g_print ("     %s\n", words);
        }
    }
  return 0;
}

static int
source_remove (CohortDb  *db,
               int        argc,
               char     **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CohortSourceInfo) info = NULL;
  g_autoptr(CohortSecretStore) secrets = NULL;
  Wait wait = { 0, };

  if (argc != 1)
    {
      g_printerr (_("Usage: cohort-cli source remove SOURCE\n"));
      return 2;
    }
  if (!(info = cohort_db_find_source (db, argv[0], &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (cohort_sync_kind_needs_secret (info->kind))
    {
      secrets = cohort_secret_libsecret_new ();
      cohort_secret_store_clear_async (secrets, info->uid, NULL, wait_cb, &wait);
      wait_run (&wait);
      if (!cohort_secret_store_clear_finish (secrets, wait.result, &error))
        {
          g_printerr (_("Warning: the keyring could not be reached to delete the secret (%s).\n"),
                      error->message);
          g_clear_error (&error);
        }
      g_object_unref (wait.result);
    }
  if (!cohort_db_remove_source (db, info->id, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print (_("Removed “%s”.\n"), info->name);
  return 0;
}

int
cohort_cli_source (const char  *db_path,
                   gboolean     json,
                   int          argc,
                   char       **argv)
{
  g_autoptr(GError) error = NULL;
  CohortDb *db;
  int status;

  if (argc < 1 || !g_strv_contains ((const char * const[]) { "add", "list", "remove", NULL }, argv[0]))
    {
      g_printerr (_("Usage: cohort-cli source add|list|remove …\n"));
      return 2;
    }
  if (!(db = open_db (db_path, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (g_str_equal (argv[0], "add"))
    status = source_add (db, argc - 1, argv + 1);
  else if (g_str_equal (argv[0], "list"))
    status = source_list (db, json);
  else
    status = source_remove (db, argc - 1, argv + 1);
  cohort_db_close (db);
  return status;
}

/* ------------------------------------------------------------------------------------------ */

static void
progress_cb (CohortSyncJob *job,
             GParamSpec    *pspec,
             gpointer       user_data)
{
  if (isatty (fileno (stderr)))
    g_printerr ("\r%s\033[K", cohort_sync_job_get_message (job));
}

static gboolean
interrupt_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_CONTINUE;
}

static void
print_summary (const char              *name,
               const CohortSyncSummary *s,
               gboolean                 json)
{
  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
#define MEMBER(key, value) \
      json_builder_set_member_name (b, key); json_builder_add_int_value (b, value)
      MEMBER ("pages", s->pages);
      MEMBER ("items", s->items);
      MEMBER ("members_added", s->members_added);
      MEMBER ("messages_added", s->messages_added);
      MEMBER ("messages_present", s->messages_present);
      MEMBER ("reactions_added", s->reactions_added);
      MEMBER ("events_added", s->events_added);
      MEMBER ("invites_added", s->invites_added);
      MEMBER ("stats_added", s->stats_added);
#undef MEMBER
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      print_json (root);
      return;
    }
  if (s->items == 0)
    {
      g_print (_("“%s” is up to date: nothing new.\n"), name);
      return;
    }
  g_print (_("Synced “%s”: %u pages; %d new members, %d new messages, %d reactions, %d platform statistics.\n"),
           name, s->pages, (int)s->members_added, (int)s->messages_added,
           (int)s->reactions_added, (int)s->stats_added);
}

int
cohort_cli_sync (const char  *db_path,
                 gboolean     json,
                 int          argc,
                 char       **argv)
{
  g_autofree char *path = db_path ? g_strdup (db_path) : cohort_db_default_path ();
  g_autoptr(CohortSecretStore) secrets = NULL;
  g_autoptr(CohortSyncJob) job = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree CohortSyncSummary *summary = NULL;
  g_autofree char *secret = NULL;
  Wait wait = { 0, };
  guint sigint;

  if (argc != 1)
    {
      g_printerr (_("Usage: cohort-cli sync SOURCE [--db PATH] [--json]\n"));
      return 2;
    }
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_printerr (_("No database at %s yet: add a source first (cohort-cli source add).\n"), path);
      return 1;
    }

  secret = read_secret ();
  if (secret == NULL)
    secrets = cohort_secret_libsecret_new ();
  job = cohort_sync_job_new (cohort_sync_default_session (), secrets, path, argv[0]);
  if (secret != NULL)
    cohort_sync_job_set_secret (job, secret);
  g_signal_connect (job, "notify::message", G_CALLBACK (progress_cb), NULL);
  /* Ctrl+C cancels: the worker rolls back, the database stays as it was. */
  sigint = g_unix_signal_add (SIGINT, interrupt_cb, cancellable);
  cohort_sync_job_run_async (job, cancellable, wait_cb, &wait);
  wait_run (&wait);
  g_source_remove (sigint);
  summary = cohort_sync_job_run_finish (job, wait.result, &error);
  g_object_unref (wait.result);
  if (isatty (fileno (stderr)))
    g_printerr ("\r\033[K");

  if (summary == NULL)
    {
      g_autofree char *words = cohort_sync_error_describe (error);

      g_printerr (_("Sync of “%s” failed: %s\n"), argv[0], words);
      return 1;
    }
  print_summary (cohort_sync_job_get_source (job)->name, summary, json);
  return 0;
}
