# Service accounts, secrets and invokers, least privilege.

# Each function runs as its own account.
resource "google_service_account" "function" {
  for_each     = toset(local.function_names)
  account_id   = "fn-${replace(each.value, "_", "-")}"
  display_name = "LeadHarvest function ${each.value}"
  depends_on   = [google_project_service.apis]
}

# Every function reads and writes Firestore and writes logs (docs/deploy.md "Least privilege").
locals {
  function_project_roles = ["roles/datastore.user", "roles/logging.logWriter"]
}

resource "google_project_iam_member" "function_roles" {
  for_each = {
    for pair in setproduct(local.function_names, local.function_project_roles) :
    "${pair[0]} ${pair[1]}" => { fn = pair[0], role = pair[1] }
  }
  project = var.project_id
  role    = each.value.role
  member  = "serviceAccount:${google_service_account.function[each.value.fn].email}"
}

resource "google_service_account" "push" {
  account_id   = "gmail-push"
  display_name = "Pub/Sub push to the functions (OIDC)"
  depends_on   = [google_project_service.apis]
}

resource "google_service_account" "scheduler" {
  account_id   = "leadharvest-scheduler"
  display_name = "Cloud Scheduler calls to retry_failed and scheduled_tasks (OIDC)"
  depends_on   = [google_project_service.apis]
}

# Pub/Sub's service agent mints the push account's OIDC tokens. Projects created after
# 8 April 2021 grant this implicitly; older ones need it, and it does no harm in new ones.
resource "google_service_account_iam_member" "pubsub_token_creator" {
  service_account_id = google_service_account.push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent
}

# Cloud Build builds the functions as this account (new projects' default build account may
# lack permissions). Roles from Cloud Run's "build service account" page: build logs, the
# built images, and the function sources in Cloud Storage.
resource "google_service_account" "build" {
  account_id   = "leadharvest-build"
  display_name = "Cloud Build for LeadHarvest functions"
  depends_on   = [google_project_service.apis]
}

resource "google_project_iam_member" "build" {
  for_each = toset(["roles/logging.logWriter", "roles/artifactregistry.writer", "roles/storage.objectAdmin"])
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.build.email}"
}

# Refresh tokens: one secret per mailbox (gmail-refresh-*). Creating a secret is authorised
# on the project (the parent), whose name never matches a condition on the secret's name, so
# that one permission is granted unconditionally through a custom role (it reveals nothing).
# Everything else is conditioned on the gmail-refresh- secrets.
locals {
  token_roles = {
    creator = ["secretmanager.secrets.create"]
    writer  = ["secretmanager.versions.add", "secretmanager.versions.list", "secretmanager.versions.destroy"]
    remover = ["secretmanager.secrets.delete"]
  }
  # oauth and api (POST /gmail/token) connect mailboxes: create the secret, add a version,
  # destroy the replaced ones; api (disconnect) deletes it; readers refresh access tokens.
  token_grants = {
    oauth_creator          = { fn = "oauth", role = "creator", conditioned = false }
    oauth_writer           = { fn = "oauth", role = "writer", conditioned = true }
    api_creator            = { fn = "api", role = "creator", conditioned = false }
    api_writer             = { fn = "api", role = "writer", conditioned = true }
    api_remover            = { fn = "api", role = "remover", conditioned = true }
    api_reader             = { fn = "api", role = "reader", conditioned = true }
    sync_mailbox_reader    = { fn = "sync_mailbox", role = "reader", conditioned = true }
    process_emails_reader  = { fn = "process_emails", role = "reader", conditioned = true }
    process_live_reader    = { fn = "process_live", role = "reader", conditioned = true }
    scheduled_tasks_reader = { fn = "scheduled_tasks", role = "reader", conditioned = true }
  }
}

resource "google_project_iam_custom_role" "token" {
  for_each    = local.token_roles
  role_id     = "leadharvestToken${title(each.key)}"
  title       = "LeadHarvest refresh-token ${each.key}"
  permissions = each.value
  depends_on  = [google_project_service.apis]
}

resource "google_project_iam_member" "token" {
  for_each = local.token_grants
  project  = var.project_id
  role     = each.value.role == "reader" ? "roles/secretmanager.secretAccessor" : google_project_iam_custom_role.token[each.value.role].name
  member   = "serviceAccount:${google_service_account.function[each.value.fn].email}"
  dynamic "condition" {
    for_each = each.value.conditioned ? [local.token_secrets] : []
    content {
      title      = "gmail-refresh-secrets-only"
      expression = condition.value
    }
  }
}

resource "google_secret_manager_secret_iam_member" "oauth_client_reader" {
  for_each  = toset(local.function_names)
  secret_id = data.google_secret_manager_secret.oauth_client.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.function[each.value].email}"
}

resource "google_secret_manager_secret_iam_member" "lead_key_reader" {
  for_each  = toset(local.function_names)
  secret_id = data.google_secret_manager_secret.lead_key.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.function[each.value].email}"
}

# Invokers, from local.invokers (= shared/invokers.py). Pub/Sub push and Cloud Scheduler call
# their targets through Cloud Run's IAM; the API and the OAuth flow are public and verify
# tokens themselves (the browser opens the OAuth callback; the frontend sends ID tokens).
locals {
  invoker_members = {
    public    = "allUsers"
    push      = "serviceAccount:${google_service_account.push.email}"
    scheduler = "serviceAccount:${google_service_account.scheduler.email}"
  }
}

resource "google_cloud_run_service_iam_member" "invoker" {
  #checkov:skip=CKV_GCP_102:the API and the OAuth callback are public by design; both verify signed tokens or a single-use state themselves
  for_each = local.invokers
  location = var.region
  service  = module.function[each.key].service
  role     = "roles/run.invoker"
  member   = local.invoker_members[each.value]
}
