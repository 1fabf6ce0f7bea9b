# One 2nd-gen Cloud Function from its bundle, with its own least-privilege service account.

resource "google_service_account" "this" {
  account_id   = "fn-${replace(var.name, "_", "-")}"
  display_name = "LeadHarvest function ${var.name}"
}

resource "google_project_iam_member" "roles" {
  for_each = toset(var.roles)
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.this.email}"
}

data "archive_file" "bundle" {
  type        = "zip"
  source_dir  = var.bundle_dir
  output_path = "${path.root}/.terraform/bundles/${var.name}.zip"
}

resource "google_storage_bucket_object" "bundle" {
  name   = "functions/${var.name}-${data.archive_file.bundle.output_md5}.zip"
  bucket = var.source_bucket
  source = data.archive_file.bundle.output_path
}

resource "google_cloudfunctions2_function" "this" {
  name     = replace(var.name, "_", "-")
  location = var.region

  build_config {
    runtime     = "python311"
    entry_point = var.name
    source {
      storage_source {
        bucket = var.source_bucket
        object = google_storage_bucket_object.bundle.name
      }
    }
  }

  service_config {
    service_account_email          = google_service_account.this.email
    environment_variables          = var.environment
    timeout_seconds                = var.timeout_seconds
    max_instance_count             = var.max_instances
    available_memory               = var.memory
    ingress_settings               = "ALLOW_ALL"
    all_traffic_on_latest_revision = true

    dynamic "secret_environment_variables" {
      for_each = var.secret_environment
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }
  }
}
