# Firestore (native mode), the composite indexes the code's queries need, TTL on expiring docs.

resource "google_firestore_database" "default" {
  name        = "(default)"
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"
  depends_on  = [google_project_service.apis]
}

locals {
  # collection => fields in order, "CONTAINS" for an array-contains field
  # (shared/store/indexes.py lists the same; a test compares them)
  indexes = {
    retries_due                        = { collection = "retries", fields = [["state", "ASCENDING"], ["next_attempt_at", "ASCENDING"]] }
    retries_batch                      = { collection = "retries", fields = [["batch_id", "ASCENDING"], ["state", "ASCENDING"]] }
    retries_mailbox                    = { collection = "retries", fields = [["mailbox", "ASCENDING"], ["state", "ASCENDING"]] }
    batches_mailbox                    = { collection = "batches", fields = [["mailbox", "ASCENDING"], ["created_at", "DESCENDING"]] }
    batches_owner_count                = { collection = "batches", fields = [["owner", "ASCENDING"], ["mailbox", "ASCENDING"]] }
    batches_owner                      = { collection = "batches", fields = [["owner", "ASCENDING"], ["mailbox", "ASCENDING"], ["created_at", "DESCENDING"]] }
    messages_mailbox_owner             = { collection = "messages", fields = [["mailbox", "ASCENDING"], ["owner", "ASCENDING"]] }
    messages_handed_back               = { collection = "messages", fields = [["mailbox", "ASCENDING"], ["owner", "ASCENDING"], ["handed_over", "ASCENDING"]] }
    messages_lead                      = { collection = "messages", fields = [["owner", "ASCENDING"], ["lead_id", "ASCENDING"], ["inquiry_at", "DESCENDING"]] }
    leads_recent                       = { collection = "leads", fields = [["owner", "ASCENDING"], ["updated_at", "DESCENDING"]] }
    leads_status                       = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["updated_at", "DESCENDING"]] }
    leads_source                       = { collection = "leads", fields = [["owner", "ASCENDING"], ["source", "ASCENDING"], ["updated_at", "DESCENDING"]] }
    leads_status_source                = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["updated_at", "DESCENDING"]] }
    leads_review                       = { collection = "leads", fields = [["owner", "ASCENDING"], ["needs_review", "ASCENDING"], ["updated_at", "DESCENDING"]] }
    leads_status_review                = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"], ["updated_at", "DESCENDING"]] }
    leads_source_review                = { collection = "leads", fields = [["owner", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["updated_at", "DESCENDING"]] }
    leads_status_source_review         = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["updated_at", "DESCENDING"]] }
    leads_recent_mailbox               = { collection = "leads", fields = [["owner", "ASCENDING"], ["mailboxes", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_status_mailbox               = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["mailboxes", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_source_mailbox               = { collection = "leads", fields = [["owner", "ASCENDING"], ["source", "ASCENDING"], ["mailboxes", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_status_source_mailbox        = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["mailboxes", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_review_mailbox               = { collection = "leads", fields = [["owner", "ASCENDING"], ["needs_review", "ASCENDING"], ["mailboxes", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_status_review_mailbox        = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["needs_review", "ASCENDING"], ["mailboxes", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_source_review_mailbox        = { collection = "leads", fields = [["owner", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["mailboxes", "CONTAINS"], ["updated_at", "DESCENDING"]] }
    leads_status_source_review_mailbox = { collection = "leads", fields = [["owner", "ASCENDING"], ["status", "ASCENDING"], ["source", "ASCENDING"], ["needs_review", "ASCENDING"], ["mailboxes", "CONTAINS"], ["updated_at", "DESCENDING"]] }
  }
  ttl_fields = {
    oauth_states        = "expires_at"
    pending_connections = "expires_at"
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
}
