/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-member-list"

#include "config.h"

#include "cohort-member-list.h"

#include "cohort-member-item.h"

struct _CohortMemberList
{
  GObject parent_instance;

  CohortMembersData *data;   /* owned reference, NULL until the first load */
  GArray *rows;              /* guint member indices, owned */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CohortMemberList, cohort_member_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
cohort_member_list_get_item_type (GListModel *model)
{
  return COHORT_TYPE_MEMBER_ITEM;
}

static guint
cohort_member_list_get_n_items (GListModel *model)
{
  CohortMemberList *self = COHORT_MEMBER_LIST (model);

  return self->rows != NULL ? self->rows->len : 0;
}

static gpointer
cohort_member_list_get_item (GListModel *model,
                             guint       position)
{
  CohortMemberList *self = COHORT_MEMBER_LIST (model);

  if (self->rows == NULL || position >= self->rows->len)
    return NULL;
  return cohort_member_item_new (self->data, g_array_index (self->rows, guint, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = cohort_member_list_get_item_type;
  iface->get_n_items = cohort_member_list_get_n_items;
  iface->get_item = cohort_member_list_get_item;
}

static void
cohort_member_list_finalize (GObject *object)
{
  CohortMemberList *self = COHORT_MEMBER_LIST (object);

  g_clear_pointer (&self->data, cohort_members_data_unref);
  g_clear_pointer (&self->rows, g_array_unref);
  G_OBJECT_CLASS (cohort_member_list_parent_class)->finalize (object);
}

static void
cohort_member_list_class_init (CohortMemberListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cohort_member_list_finalize;
}

static void
cohort_member_list_init (CohortMemberList *self)
{
}

CohortMemberList *
cohort_member_list_new (void)
{
  return g_object_new (COHORT_TYPE_MEMBER_LIST, NULL);
}

/* Replaces the whole order: one items-changed, whatever the sizes. */
void
cohort_member_list_set_rows (CohortMemberList  *self,
                             CohortMembersData *data,
                             GArray            *rows)
{
  guint removed;

  g_return_if_fail (COHORT_IS_MEMBER_LIST (self));
  g_return_if_fail (data != NULL && rows != NULL);

  removed = self->rows != NULL ? self->rows->len : 0;
  g_clear_pointer (&self->rows, g_array_unref);
  if (self->data != data)
    {
      g_clear_pointer (&self->data, cohort_members_data_unref);
      self->data = cohort_members_data_ref (data);
    }
  self->rows = g_array_ref (rows);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, rows->len);
}

CohortMembersData *
cohort_member_list_get_data (CohortMemberList *self)
{
  g_return_val_if_fail (COHORT_IS_MEMBER_LIST (self), NULL);
  return self->data;
}

guint
cohort_member_list_get_member (CohortMemberList *self,
                               guint             position)
{
  g_return_val_if_fail (COHORT_IS_MEMBER_LIST (self), 0);
  g_return_val_if_fail (self->rows != NULL && position < self->rows->len, 0);
  return g_array_index (self->rows, guint, position);
}

const GArray *
cohort_member_list_get_rows (CohortMemberList *self)
{
  g_return_val_if_fail (COHORT_IS_MEMBER_LIST (self), NULL);
  return self->rows;
}
