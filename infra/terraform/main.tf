# LeadHarvest ingest: functions, topics, Firestore, secrets and schedules (see README "Deploy").

locals {
  topics = {
    gmail = "gmail-notifications"
    sync  = "mailbox-sync"
    batch = "email-batches"
  }
  functions_http  = ["api", "oauth", "gmail_webhook", "retry_failed", "renew_watch"]
  functions_event = { sync_mailbox = "sync", process_emails = "batch" }
  function_names  = concat(local.functions_http, keys(local.functions_event))
  url_base        = "https://${var.region}-${var.project_id}.cloudfunctions.net"

  # Settings every function gets (shared/config.py); the rest keep their production defaults.
  environment = {
    GOOGLE_CLOUD_PROJECT      = var.project_id
    LEAD_LABEL                = var.lead_label
    MAILBOX_TZ                = var.mailbox_tz
    OAUTH_CLIENT_ID           = var.oauth_client_id
    OAUTH_REDIRECT_URI        = "${local.url_base}/oauth/callback"
    PUSH_AUDIENCE             = "${local.url_base}/gmail-webhook"
    PUSH_SERVICE_ACCOUNT      = google_service_account.push.email
    SCHEDULER_SERVICE_ACCOUNT = google_service_account.scheduler.email
    SCHEDULER_AUDIENCE        = "${local.url_base}/retry-failed,${local.url_base}/renew-watch"
    API_AUDIENCE              = var.oauth_client_id
    ALLOWED_USERS             = var.allowed_users
    ALLOWED_DOMAINS           = var.allowed_domains
    FRONTEND_URL              = var.frontend_url
    FRONTEND_ORIGINS          = var.frontend_origins
    TOPIC_GMAIL               = local.topics.gmail
    TOPIC_SYNC                = local.topics.sync
    TOPIC_BATCHES             = local.topics.batch
    CHUNK_SIZE                = tostring(var.chunk_size)
    RETRY_MAX_ATTEMPTS        = tostring(var.retry_max_attempts)
    GMAIL_QUOTA_UNITS         = "250"
    SECRETS_BACKEND           = "secretmanager"
  }
  secret_environment = { OAUTH_CLIENT_SECRET = google_secret_manager_secret.oauth_client.secret_id }
  token_secrets      = "resource.name.startsWith(\"projects/${data.google_project.this.number}/secrets/gmail-refresh-\")"
  # Pub/Sub's service agent: it pushes, forwards dead letters and acks the originals.
  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

data "google_project" "this" {}

resource "google_project_service" "apis" {
  for_each = toset([
    "cloudfunctions.googleapis.com", "run.googleapis.com", "cloudbuild.googleapis.com",
    "artifactregistry.googleapis.com", "eventarc.googleapis.com", "pubsub.googleapis.com",
    "firestore.googleapis.com", "secretmanager.googleapis.com", "cloudscheduler.googleapis.com",
    "gmail.googleapis.com", "iam.googleapis.com",
  ])
  service            = each.value
  disable_on_destroy = false
}

resource "google_storage_bucket" "sources" {
  name                        = "${var.project_id}-leadharvest-sources"
  location                    = var.region
  uniform_bucket_level_access = true
  force_destroy               = true
}

resource "google_service_account" "push" {
  account_id   = "gmail-push"
  display_name = "Pub/Sub push to gmail_webhook (OIDC)"
}

resource "google_service_account" "scheduler" {
  account_id   = "leadharvest-scheduler"
  display_name = "Cloud Scheduler calls to retry_failed and renew_watch (OIDC)"
}

# The OAuth client secret: created here, its value added once by hand (README), never in .tf.
resource "google_secret_manager_secret" "oauth_client" {
  secret_id = "oauth-client-secret"
  replication {
    auto {}
  }
  depends_on = [google_project_service.apis]
}

module "function" {
  source   = "./modules/function"
  for_each = toset(local.function_names)

  name               = each.value
  project_id         = var.project_id
  region             = var.region
  bundle_dir         = "${var.bundle_root}/${each.value}"
  source_bucket      = google_storage_bucket.sources.name
  environment        = local.environment
  secret_environment = local.secret_environment
  roles              = ["roles/datastore.user", "roles/logging.logWriter"]
  timeout_seconds    = each.value == "process_emails" || each.value == "sync_mailbox" ? 540 : 120
  depends_on         = [google_project_service.apis]
}
