# LeadHarvest ingest: functions, topics, Firestore, secrets and schedules (see docs/deploy.md).
#
# Bootstrap done before the first apply (docs/deploy.md, steps 1-3; `make deploy` checks it):
# the Cloud Resource Manager and Service Usage APIs (needed to read the project and enable the
# other APIs) and the `oauth-client-secret` secret with its first version.

locals {
  topics = {
    gmail = "gmail-notifications"
    sync  = "mailbox-sync"
    batch = "email-batches"
    live  = "email-live"
  }
  functions_http  = ["api", "oauth", "gmail_webhook", "retry_failed", "scheduled_tasks"]
  functions_event = { sync_mailbox = "sync", process_emails = "batch", process_live = "live" }
  function_names  = concat(local.functions_http, keys(local.functions_event))

  # Who may invoke each function; shared/invokers.py holds the same table (a deploy check
  # compares them). "public" functions verify signed tokens themselves; the others are behind
  # Cloud Run's IAM and get tokens with the signature removed.
  invokers = {
    api             = "public"
    oauth           = "public"
    gmail_webhook   = "push"
    sync_mailbox    = "push"
    process_emails  = "push"
    process_live    = "push"
    retry_failed    = "scheduler"
    scheduled_tasks = "scheduler"
  }

  # Functions only Pub/Sub push or Cloud Scheduler call take internal-only ingress (Cloud
  # Run's "internal" admits both from the same project); the public ones stay reachable.
  ingress = {
    for fn, who in local.invokers : fn => who == "public" ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"
  }

  # Request timeout of each function (seconds). A push subscription's ack deadline is at least
  # its target's timeout, or Pub/Sub redelivers work that is still running.
  timeouts = {
    api             = 60
    oauth           = 60
    gmail_webhook   = 60
    retry_failed    = 300
    scheduled_tasks = 300
    sync_mailbox    = 540
    process_emails  = 540
    process_live    = 120
  }

  # How each function scales (docs/architecture.md "Lanes and scale"): requests one instance serves at once
  # (the work waits on Gmail and Firestore, so one vCPU serves many), instance bounds, size.
  # process_live keeps one warm instance so a new lead never waits for a cold start.
  runtime = {
    api             = { concurrency = 20, min = 0, max = 10, cpu = "1", memory = "512Mi" }
    oauth           = { concurrency = 20, min = 0, max = 5, cpu = "1", memory = "512Mi" }
    gmail_webhook   = { concurrency = 40, min = 0, max = 10, cpu = "1", memory = "256Mi" }
    retry_failed    = { concurrency = 1, min = 0, max = 1, cpu = "1", memory = "512Mi" }
    scheduled_tasks = { concurrency = 1, min = 0, max = 1, cpu = "1", memory = "512Mi" }
    sync_mailbox    = { concurrency = 16, min = 0, max = 20, cpu = "1", memory = "512Mi" }
    process_emails  = { concurrency = 16, min = 0, max = var.bulk_max_instances, cpu = "1", memory = "1Gi" }
    process_live    = { concurrency = 16, min = 1, max = 20, cpu = "1", memory = "1Gi" }
  }

  # Memory of a processing instance: it holds at most FETCH_BUDGET_BYTES of raw email (each
  # email counted at EMAIL_MAX_BYTES, bigger ones never fetched); docs/architecture.md "Memory is bounded" has the
  # measured peak, which a deploy rule keeps under 70 % of the instance's memory.
  email_max_bytes    = 5242880
  fetch_budget_bytes = 50331648

  # One URL per function, used both as the endpoint callers post to and as the audience of
  # their ID tokens. Internal-only functions get their Cloud Run URL in its deterministic
  # form (known before the function exists): Cloud Run's internal ingress admits Pub/Sub
  # push and Cloud Scheduler on the run.app URL, while the functions' network settings do
  # not list Pub/Sub for the cloudfunctions.net one. Public functions keep cloudfunctions.net.
  function_url = {
    for name in local.function_names :
    name => (local.ingress[name] == "ALLOW_INTERNAL_ONLY"
      ? "https://${replace(name, "_", "-")}-${data.google_project.this.number}.${var.region}.run.app"
    : "https://${var.region}-${var.project_id}.cloudfunctions.net/${replace(name, "_", "-")}")
  }

  # Enabled by hand before the first apply (docs/deploy.md step 2; `make deploy` checks): Terraform
  # needs the first two to read the project and enable the rest; the third serves the
  # bootstrap secret, which must exist before the first plan.
  bootstrap_apis = ["cloudresourcemanager.googleapis.com", "serviceusage.googleapis.com", "secretmanager.googleapis.com"]

  apis = toset([
    "cloudfunctions.googleapis.com", "run.googleapis.com", "cloudbuild.googleapis.com",
    "artifactregistry.googleapis.com", "storage.googleapis.com", "pubsub.googleapis.com",
    "firestore.googleapis.com", "secretmanager.googleapis.com", "cloudscheduler.googleapis.com",
    "gmail.googleapis.com", "iam.googleapis.com", "logging.googleapis.com",
    "monitoring.googleapis.com",
  ])

  # Settings every function gets (shared/config.py); the rest keep their production defaults.
  environment = {
    GOOGLE_CLOUD_PROJECT      = var.project_id
    LEAD_LABEL                = var.lead_label
    MAILBOX_TZ                = var.mailbox_tz
    OAUTH_CLIENT_ID           = var.oauth_client_id
    OAUTH_REDIRECT_URI        = "${local.function_url.oauth}/callback"
    PUSH_AUDIENCE             = local.function_url.gmail_webhook
    EVENT_AUDIENCES           = join(",", [for name in keys(local.functions_event) : local.function_url[name]])
    PUSH_SERVICE_ACCOUNT      = google_service_account.push.email
    SCHEDULER_SERVICE_ACCOUNT = google_service_account.scheduler.email
    SCHEDULER_AUDIENCE        = "${local.function_url.retry_failed},${local.function_url.scheduled_tasks}"
    API_AUDIENCE              = var.oauth_client_id
    ALLOWED_USERS             = var.allowed_users
    ALLOWED_DOMAINS           = var.allowed_domains
    FRONTEND_URL              = var.frontend_url
    FRONTEND_ORIGINS          = var.frontend_origins
    TOPIC_GMAIL               = local.topics.gmail
    TOPIC_SYNC                = local.topics.sync
    TOPIC_BATCHES             = local.topics.batch
    TOPIC_LIVE                = local.topics.live
    CHUNK_SIZE                = tostring(var.chunk_size)
    CHUNK_WINDOW              = tostring(var.chunk_window)
    EMAIL_MAX_BYTES           = tostring(local.email_max_bytes)
    FETCH_BUDGET_BYTES        = tostring(local.fetch_budget_bytes)
    RAW_RETENTION_DAYS        = tostring(var.raw_retention_days)
    RETRY_MAX_ATTEMPTS        = tostring(var.retry_max_attempts)
    SAFETY_NET_MINUTES        = tostring(var.safety_net_minutes)
    GMAIL_QUOTA_UNITS         = tostring(var.gmail_user_units_per_s)
    SECRETS_BACKEND           = "secretmanager"
  }
  secret_environment = {
    OAUTH_CLIENT_SECRET = data.google_secret_manager_secret.oauth_client.secret_id
    LEAD_KEY_SECRET     = data.google_secret_manager_secret.lead_key.secret_id
  }
  token_secrets = "resource.name.startsWith(\"projects/${data.google_project.this.number}/secrets/gmail-refresh-\")"
  # Pub/Sub's service agent: it pushes, forwards dead letters and acks the originals.
  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

data "google_project" "this" {}

resource "google_project_service" "apis" {
  for_each           = local.apis
  service            = each.value
  disable_on_destroy = false
}

resource "google_storage_bucket" "sources" {
  #checkov:skip=CKV_GCP_62:holds only the zipped function sources Terraform uploads; Cloud Audit Logs record who wrote them
  name                        = "${var.project_id}-leadharvest-sources"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
  versioning {
    enabled = true
  }
  depends_on = [google_project_service.apis]
}

# The OAuth client secret and its first version are created by hand before the first apply
# (docs/deploy.md step 3): Cloud Run resolves a mounted secret before an instance starts, and the value
# never passes through Terraform or its state. Reading the secret here fails the plan early if
# the step was skipped.
data "google_secret_manager_secret" "oauth_client" {
  secret_id = "oauth-client-secret"
}

# The key of the keyed hashes that index renters per owner (random bytes, created by hand
# like the client secret; replacing it would split each renter's later emails into new leads).
data "google_secret_manager_secret" "lead_key" {
  secret_id = "lead-key-secret"
}

module "function" {
  source   = "./modules/function"
  for_each = toset(local.function_names)

  name                  = each.value
  project_id            = var.project_id
  region                = var.region
  bundle_dir            = "${var.bundle_root}/${each.value}"
  source_bucket         = google_storage_bucket.sources.name
  environment           = local.environment
  secret_environment    = local.secret_environment
  service_account_email = google_service_account.function[each.value].email
  build_service_account = google_service_account.build.id
  timeout_seconds       = local.timeouts[each.value]
  ingress               = local.ingress[each.value]
  concurrency           = local.runtime[each.value].concurrency
  min_instances         = local.runtime[each.value].min
  max_instances         = local.runtime[each.value].max
  cpu                   = local.runtime[each.value].cpu
  memory                = local.runtime[each.value].memory

  # Everything a new instance needs exists before it starts: the APIs, the function's roles,
  # its access to the OAuth client secret, and the build account's roles.
  depends_on = [
    google_project_service.apis,
    google_project_iam_member.function_roles,
    google_secret_manager_secret_iam_member.oauth_client_reader,
    google_secret_manager_secret_iam_member.lead_key_reader,
    google_project_iam_member.build,
  ]
}
