# Topics, dead letters, and the push subscription from Gmail's topic to the webhook.

resource "google_pubsub_topic" "topic" {
  #checkov:skip=CKV_GCP_83:customer-managed keys are an option (var.kms_key_name); messages carry mailbox addresses and Gmail ids only
  for_each     = local.topics
  name         = each.value
  kms_key_name = var.kms_key_name == "" ? null : var.kms_key_name
  depends_on   = [google_project_service.apis, google_kms_crypto_key_iam_member.pubsub_agent]
}

resource "google_pubsub_topic" "dead_letter" {
  #checkov:skip=CKV_GCP_83:customer-managed keys are an option (var.kms_key_name); messages carry mailbox addresses and Gmail ids only
  for_each     = local.topics
  name         = "${each.value}-dead-letter"
  kms_key_name = var.kms_key_name == "" ? null : var.kms_key_name
  depends_on   = [google_project_service.apis, google_kms_crypto_key_iam_member.pubsub_agent]
}

# With a customer-managed key, Pub/Sub's service agent must be able to use it.
resource "google_kms_crypto_key_iam_member" "pubsub_agent" {
  count         = var.kms_key_name == "" ? 0 : 1
  crypto_key_id = var.kms_key_name
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = local.pubsub_agent
}

# Gmail publishes change notifications as this system account.
resource "google_pubsub_topic_iam_member" "gmail_publisher" {
  topic  = google_pubsub_topic.topic["gmail"].id
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:gmail-api-push@system.gserviceaccount.com"
}

# Push subscriptions: the endpoint and the token's audience are the same URL; the ack deadline
# covers the target's whole timeout; no expiration (a quiet topic must not lose its
# subscription after 31 days); the push account is the only invoker of the targets.
resource "google_pubsub_subscription" "gmail_push" {
  name                 = "gmail-notifications-push"
  topic                = google_pubsub_topic.topic["gmail"].id
  ack_deadline_seconds = local.timeouts.gmail_webhook

  push_config {
    push_endpoint = local.function_url.gmail_webhook
    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = local.function_url.gmail_webhook
    }
  }

  expiration_policy {
    ttl = ""
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter["gmail"].id
    max_delivery_attempts = 10
  }
}

# The two Pub/Sub-driven functions get explicit OIDC push subscriptions (as in the local
# stack): Pub/Sub retries with backoff and moves poison messages to dead-letter topics, which
# an Eventarc-managed subscription would not let Terraform configure.
resource "google_pubsub_subscription" "function_push" {
  for_each             = local.functions_event
  name                 = "${local.topics[each.value]}-push"
  topic                = google_pubsub_topic.topic[each.value].id
  ack_deadline_seconds = local.timeouts[each.key]

  push_config {
    push_endpoint = local.function_url[each.key]
    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = local.function_url[each.key]
    }
  }

  expiration_policy {
    ttl = ""
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter[each.value].id
    max_delivery_attempts = 15
  }
}

resource "google_pubsub_subscription_iam_member" "function_push_subscriber" {
  for_each     = local.functions_event
  subscription = google_pubsub_subscription.function_push[each.key].id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

# Dead letters are kept for inspection (docs/operations.md: where dead letters are).
resource "google_pubsub_subscription" "dead_letter" {
  for_each                   = local.topics
  name                       = "${each.value}-dead-letter-hold"
  topic                      = google_pubsub_topic.dead_letter[each.key].id
  message_retention_duration = "604800s"
  expiration_policy {
    ttl = ""
  }
}

# Pub/Sub's service agent must be able to forward to dead-letter topics and ack originals.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = local.topics
  topic    = google_pubsub_topic.dead_letter[each.key].id
  role     = "roles/pubsub.publisher"
  member   = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "gmail_push_subscriber" {
  subscription = google_pubsub_subscription.gmail_push.id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

# Who may publish where: the webhook and scheduled_tasks queue syncs; oauth queues the backfill;
# sync_mailbox and retry_failed queue chunks.
locals {
  publishers = {
    hook_to_sync   = { fn = "gmail_webhook", topic = "sync" }
    tasks_to_sync  = { fn = "scheduled_tasks", topic = "sync" }
    oauth_to_sync  = { fn = "oauth", topic = "sync" }
    sync_to_batch  = { fn = "sync_mailbox", topic = "batch" }
    sync_to_live   = { fn = "sync_mailbox", topic = "live" }
    bulk_to_batch  = { fn = "process_emails", topic = "batch" }
    live_to_live   = { fn = "process_live", topic = "live" }
    retry_to_batch = { fn = "retry_failed", topic = "batch" }
    oauth_to_batch = { fn = "oauth", topic = "batch" }
    api_to_batch   = { fn = "api", topic = "batch" }
    api_to_sync    = { fn = "api", topic = "sync" }
  }
}

resource "google_pubsub_topic_iam_member" "publishers" {
  for_each = local.publishers
  topic    = google_pubsub_topic.topic[each.value.topic].id
  role     = "roles/pubsub.publisher"
  member   = "serviceAccount:${google_service_account.function[each.value.fn].email}"
}
