# Firestore (native mode), the composite indexes the code's queries need, TTL on expiring docs.

resource "google_firestore_database" "default" {
  name        = "(default)"
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"
  # Every lead lives here: recoverable to any minute of the last 7 days, refused by Google
  # to any delete call (a script included), kept by Terraform on destroy and refused outright
  # by a plan that would destroy it (docs/operations.md, "Backups and restore").
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = "DELETE_PROTECTION_ENABLED"
  deletion_policy                   = "ABANDON"
  depends_on                        = [google_project_service.apis]
  lifecycle {
    prevent_destroy = true
  }
}

# Scheduled backups, kept apart from the database (deleting it leaves them): daily for a
# week, weekly for 14 weeks, the longest each recurrence keeps.
resource "google_firestore_backup_schedule" "daily" {
  database  = google_firestore_database.default.name
  retention = "604800s"
  daily_recurrence {}
}

resource "google_firestore_backup_schedule" "weekly" {
  database  = google_firestore_database.default.name
  retention = "8467200s"
  weekly_recurrence {
    day = "SUNDAY"
  }
}

locals {
  # collection => fields in order, "CONTAINS" for an array-contains field
  # (shared/store/indexes.py lists the same; a test compares them)
  indexes = {
    retries_due                                        = { collection = "retries", fields = [["state", "ASCENDING"], ["next_attempt_at", "ASCENDING"]] }
    retries_batch                                      = { collection = "retries", fields = [["batch_id", "ASCENDING"], ["state", "ASCENDING"]] }
    retries_state_mailbox                              = { collection = "retries", fields = [["state", "ASCENDING"], ["mailbox", "ASCENDING"]] }
    retries_mailbox                                    = { collection = "retries", fields = [["mailbox", "ASCENDING"], ["state", "ASCENDING"]] }
    batches_mailbox                                    = { collection = "batches", fields = [["mailbox", "ASCENDING"], ["created_at", "DESCENDING"]] }
    batches_owner_count                                = { collection = "batches", fields = [["owner", "ASCENDING"], ["mailbox", "ASCENDING"]] }
    batches_owner                                      = { collection = "batches", fields = [["owner", "ASCENDING"], ["mailbox", "ASCENDING"], ["created_at", "DESCENDING"]] }
    batches_open                                       = { collection = "batches", fields = [["open", "ASCENDING"], ["progress_us", "ASCENDING"]] }
    batches_stuck                                      = { collection = "batches", fields = [["mailbox", "ASCENDING"], ["open", "ASCENDING"], ["stuck", "ASCENDING"]] }
    batches_mailbox_open                               = { collection = "batches", fields = [["mailbox", "ASCENDING"], ["open", "ASCENDING"]] }
    batches_active                                     = { collection = "batches", fields = [["owner", "ASCENDING"], ["mailbox", "ASCENDING"], ["open", "ASCENDING"], ["created_at", "DESCENDING"]] }
    messages_mailbox_owner                             = { collection = "messages", fields = [["mailbox", "ASCENDING"], ["owner", "ASCENDING"]] }
    messages_mailbox_owner_desc                        = { collection = "messages", fields = [["mailbox", "ASCENDING"], ["owner", "DESCENDING"]] }
    messages_handed_back                               = { collection = "messages", fields = [["mailbox", "ASCENDING"], ["owner", "ASCENDING"], ["handed_over", "ASCENDING"]] }
    lead_keys_lead                                     = { collection = "lead_keys", fields = [["owner", "ASCENDING"], ["lead_ids", "CONTAINS"]] }
    messages_review                                    = { collection = "messages", fields = [["mailbox", "ASCENDING"], ["owner", "ASCENDING"], ["outcome", "ASCENDING"], ["needs_review", "ASCENDING"], ["processed_at", "DESCENDING"]] }
    messages_review_count                              = { collection = "messages", fields = [["mailbox", "ASCENDING"], ["owner", "ASCENDING"], ["outcome", "ASCENDING"], ["needs_review", "ASCENDING"]] }
    messages_lead                                      = { collection = "messages", fields = [["owner", "ASCENDING"], ["lead_id", "ASCENDING"], ["inquiry_at", "DESCENDING"]] }
    leads_status                                       = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["updated_at", "DESCENDING"]] }
    leads_status_by_last_inquiry                       = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["last_inquiry_at", "DESCENDING"]] }
    leads_status_by_created                            = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["created_at", "DESCENDING"]] }
    leads_status_by_sort_name                          = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["sort_name", "ASCENDING"]] }
    leads_status_source                                = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["updated_at", "DESCENDING"]] }
    leads_status_source_by_last_inquiry                = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["last_inquiry_at", "DESCENDING"]] }
    leads_status_source_by_created                     = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["created_at", "DESCENDING"]] }
    leads_status_source_by_sort_name                   = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["sort_name", "ASCENDING"]] }
    leads_count_status_source                          = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"]] }
    leads_status_review                                = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"], ["updated_at", "DESCENDING"]] }
    leads_status_review_by_last_inquiry                = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"], ["last_inquiry_at", "DESCENDING"]] }
    leads_status_review_by_created                     = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"], ["created_at", "DESCENDING"]] }
    leads_status_review_by_sort_name                   = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"], ["sort_name", "ASCENDING"]] }
    leads_count_status_review                          = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"]] }
    leads_status_source_review                         = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["updated_at", "DESCENDING"]] }
    leads_status_source_review_by_last_inquiry         = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["last_inquiry_at", "DESCENDING"]] }
    leads_status_source_review_by_created              = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["created_at", "DESCENDING"]] }
    leads_status_source_review_by_sort_name            = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["sort_name", "ASCENDING"]] }
    leads_status_mailbox                               = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["mailboxes", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_status_mailbox_by_last_inquiry               = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["mailboxes", "CONTAINS"], ["last_inquiry_at", "DESCENDING"]] }
    leads_status_mailbox_by_created                    = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["mailboxes", "CONTAINS"], ["created_at", "DESCENDING"]] }
    leads_status_mailbox_by_sort_name                  = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["mailboxes", "CONTAINS"], ["sort_name", "ASCENDING"]] }
    leads_count_status_mailbox                         = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["mailboxes", "CONTAINS"]] }
    leads_status_source_mailbox                        = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["mailboxes", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_status_source_mailbox_by_last_inquiry        = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["mailboxes", "CONTAINS"], ["last_inquiry_at", "DESCENDING"]] }
    leads_status_source_mailbox_by_created             = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["mailboxes", "CONTAINS"], ["created_at", "DESCENDING"]] }
    leads_status_source_mailbox_by_sort_name           = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["mailboxes", "CONTAINS"], ["sort_name", "ASCENDING"]] }
    leads_status_review_mailbox                        = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"], ["mailboxes", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_status_review_mailbox_by_last_inquiry        = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"], ["mailboxes", "CONTAINS"], ["last_inquiry_at", "DESCENDING"]] }
    leads_status_review_mailbox_by_created             = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"], ["mailboxes", "CONTAINS"], ["created_at", "DESCENDING"]] }
    leads_status_review_mailbox_by_sort_name           = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"], ["mailboxes", "CONTAINS"], ["sort_name", "ASCENDING"]] }
    leads_status_source_review_mailbox                 = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["mailboxes", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_status_source_review_mailbox_by_last_inquiry = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["mailboxes", "CONTAINS"], ["last_inquiry_at", "DESCENDING"]] }
    leads_status_source_review_mailbox_by_created      = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["mailboxes", "CONTAINS"], ["created_at", "DESCENDING"]] }
    leads_status_source_review_mailbox_by_sort_name    = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["mailboxes", "CONTAINS"], ["sort_name", "ASCENDING"]] }
    leads_count_status                                 = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"]] }
    leads_search                                       = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["search_keys", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_search_by_last_inquiry                       = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["search_keys", "CONTAINS"], ["last_inquiry_at", "DESCENDING"]] }
    leads_search_by_created                            = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["search_keys", "CONTAINS"], ["created_at", "DESCENDING"]] }
    leads_search_by_sort_name                          = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["search_keys", "CONTAINS"], ["sort_name", "ASCENDING"]] }
    leads_search_source                                = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["search_keys", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_search_source_by_last_inquiry                = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["search_keys", "CONTAINS"], ["last_inquiry_at", "DESCENDING"]] }
    leads_search_source_by_created                     = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["search_keys", "CONTAINS"], ["created_at", "DESCENDING"]] }
    leads_search_source_by_sort_name                   = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["search_keys", "CONTAINS"], ["sort_name", "ASCENDING"]] }
    leads_search_review                                = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"], ["search_keys", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_search_review_by_last_inquiry                = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"], ["search_keys", "CONTAINS"], ["last_inquiry_at", "DESCENDING"]] }
    leads_search_review_by_created                     = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"], ["search_keys", "CONTAINS"], ["created_at", "DESCENDING"]] }
    leads_search_review_by_sort_name                   = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"], ["search_keys", "CONTAINS"], ["sort_name", "ASCENDING"]] }
    leads_search_source_review                         = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["search_keys", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_search_source_review_by_last_inquiry         = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["search_keys", "CONTAINS"], ["last_inquiry_at", "DESCENDING"]] }
    leads_search_source_review_by_created              = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["search_keys", "CONTAINS"], ["created_at", "DESCENDING"]] }
    leads_search_source_review_by_sort_name            = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["search_keys", "CONTAINS"], ["sort_name", "ASCENDING"]] }
  }
  ttl_fields = {
    oauth_states        = "expires_at"
    pending_connections = "purge_at"
    locks               = "expires_at"
    quota_slots         = "expires_at"
    raw_emails          = "expires_at"
  }
}

resource "google_firestore_index" "composite" {
  for_each   = local.indexes
  database   = google_firestore_database.default.name
  collection = each.value.collection

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value[0]
      order        = fields.value[1] == "CONTAINS" ? null : fields.value[1]
      array_config = fields.value[1] == "CONTAINS" ? "CONTAINS" : null
    }
  }
}

resource "google_firestore_field" "ttl" {
  for_each   = local.ttl_fields
  database   = google_firestore_database.default.name
  collection = each.key
  field      = each.value
  ttl_config {}
  # No single-field index: a rising timestamp indexed on a busy collection is a write
  # hotspot, and nothing queries these fields (Firestore's TTL does not need an index).
  index_config {}
}
