# Cloud Scheduler: the retry sweep every few minutes, watch renewal daily; both with OIDC.

locals {
  schedules = {
    retry_failed = { schedule = var.retry_schedule, path = "retry-failed" }
    renew_watch  = { schedule = var.renew_schedule, path = "renew-watch" }
  }
}

resource "google_cloud_scheduler_job" "job" {
  for_each  = local.schedules
  name      = replace(each.key, "_", "-")
  region    = var.region
  schedule  = each.value.schedule
  time_zone = "Etc/UTC"

  http_target {
    http_method = "POST"
    uri         = module.function[each.key].url
    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = "${local.url_base}/${each.value.path}"
    }
  }

  retry_config {
    retry_count = 3
  }
  depends_on = [google_project_service.apis]
}
