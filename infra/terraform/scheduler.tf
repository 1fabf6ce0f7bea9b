# Cloud Scheduler: the retry sweep every few minutes, watch renewal daily; both with OIDC.

locals {
  schedules = {
    retry_failed = var.retry_schedule
    renew_watch  = var.renew_schedule
  }
}

resource "google_cloud_scheduler_job" "job" {
  for_each  = local.schedules
  name      = replace(each.key, "_", "-")
  region    = var.region
  schedule  = each.value
  time_zone = "Etc/UTC"

  http_target {
    http_method = "POST"
    uri         = local.function_url[each.key]
    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = local.function_url[each.key]
    }
  }

  attempt_deadline = "${local.timeouts[each.key]}s"

  retry_config {
    retry_count = 3
  }
  # The job's first run needs the function and its invoker binding.
  depends_on = [google_project_service.apis, google_cloud_run_service_iam_member.invoker]
}
