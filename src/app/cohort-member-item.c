/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cohort-member-item"

#include "config.h"

#include "cohort-member-item.h"

struct _CohortMemberItem
{
  GObject parent_instance;

  CohortMembersData *data;   /* owned reference */
  guint member;
};

G_DEFINE_FINAL_TYPE (CohortMemberItem, cohort_member_item, G_TYPE_OBJECT)

static void
cohort_member_item_finalize (GObject *object)
{
  CohortMemberItem *self = COHORT_MEMBER_ITEM (object);

  g_clear_pointer (&self->data, cohort_members_data_unref);
  G_OBJECT_CLASS (cohort_member_item_parent_class)->finalize (object);
}

static void
cohort_member_item_class_init (CohortMemberItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cohort_member_item_finalize;
}

static void
cohort_member_item_init (CohortMemberItem *self)
{
}

CohortMemberItem *
cohort_member_item_new (CohortMembersData *data,
                        guint              member)
{
  CohortMemberItem *self;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (member < data->table->n_rows, NULL);

  self = g_object_new (COHORT_TYPE_MEMBER_ITEM, NULL);
  self->data = cohort_members_data_ref (data);
  self->member = member;
  return self;
}

guint
cohort_member_item_get_member (CohortMemberItem *self)
{
  g_return_val_if_fail (COHORT_IS_MEMBER_ITEM (self), 0);
  return self->member;
}

CohortMembersData *
cohort_member_item_get_data (CohortMemberItem *self)
{
  g_return_val_if_fail (COHORT_IS_MEMBER_ITEM (self), NULL);
  return self->data;
}

const CohortMemberRow *
cohort_member_item_get_row (CohortMemberItem *self)
{
  g_return_val_if_fail (COHORT_IS_MEMBER_ITEM (self), NULL);
  return &self->data->table->rows[self->member];
}

const char *
cohort_member_item_get_name (CohortMemberItem *self)
{
  g_return_val_if_fail (COHORT_IS_MEMBER_ITEM (self), NULL);
  return self->data->snapshot->member_name[self->member];
}

const char *
cohort_member_item_get_uid (CohortMemberItem *self)
{
  g_return_val_if_fail (COHORT_IS_MEMBER_ITEM (self), NULL);
  return self->data->snapshot->member_uid[self->member];
}
