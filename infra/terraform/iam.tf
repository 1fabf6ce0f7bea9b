# Secrets and invokers, least privilege.

# Refresh tokens: the oauth function creates one secret per mailbox (gmail-refresh-*) and adds
# versions; the functions that call Gmail read them. Conditions limit both to those secrets.
resource "google_project_iam_member" "token_writer" {
  project = var.project_id
  role    = "roles/secretmanager.admin"
  member  = "serviceAccount:${module.function["oauth"].service_account}"
  condition {
    title      = "gmail-refresh-secrets-only"
    expression = local.token_secrets
  }
}

resource "google_project_iam_member" "token_reader" {
  for_each = toset(["api", "sync_mailbox", "process_emails", "renew_watch"])
  project  = var.project_id
  role     = "roles/secretmanager.secretAccessor"
  member   = "serviceAccount:${module.function[each.value].service_account}"
  condition {
    title      = "gmail-refresh-secrets-only"
    expression = local.token_secrets
  }
}

resource "google_secret_manager_secret_iam_member" "oauth_client_reader" {
  for_each  = toset(local.function_names)
  secret_id = google_secret_manager_secret.oauth_client.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${module.function[each.value].service_account}"
}

# Pub/Sub push may call the webhook and the two Pub/Sub-driven functions; Cloud Scheduler
# may call the two scheduled functions.
resource "google_cloud_run_service_iam_member" "push_invoker" {
  for_each = toset(["gmail_webhook", "sync_mailbox", "process_emails"])
  location = var.region
  service  = module.function[each.value].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.push.email}"
}

resource "google_cloud_run_service_iam_member" "scheduler_invoker" {
  for_each = toset(["retry_failed", "renew_watch"])
  location = var.region
  service  = module.function[each.value].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}

# The oauth callback is opened by the operator's browser (it checks the single-use state).
resource "google_cloud_run_service_iam_member" "oauth_public" {
  location = var.region
  service  = module.function["oauth"].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# The frontend calls the API with a Google ID token, which the API verifies itself.
resource "google_cloud_run_service_iam_member" "api_public" {
  location = var.region
  service  = module.function["api"].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}
