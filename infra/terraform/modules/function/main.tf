# One 2nd-gen Cloud Function from its bundle. Its service account, roles and secret access are
# created by the caller first, so they exist before the function's first instance starts.

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
  #checkov:skip=CKV_GCP_124:ingress comes from var.ingress: internal-only except the public api and oauth (docs/deploy.md "Least privilege")
  name     = replace(var.name, "_", "-")
  location = var.region

  build_config {
    runtime         = "python311"
    entry_point     = var.name
    service_account = var.build_service_account
    source {
      storage_source {
        bucket = var.source_bucket
        object = google_storage_bucket_object.bundle.name
      }
    }
  }

  service_config {
    service_account_email            = var.service_account_email
    environment_variables            = var.environment
    timeout_seconds                  = var.timeout_seconds
    max_instance_count               = var.max_instances
    min_instance_count               = var.min_instances
    max_instance_request_concurrency = var.concurrency
    available_cpu                    = var.cpu
    available_memory                 = var.memory
    ingress_settings                 = var.ingress
    all_traffic_on_latest_revision   = true

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
