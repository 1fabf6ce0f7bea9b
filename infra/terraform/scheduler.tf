# Cloud Scheduler, every job with OIDC: the retry sweep every few minutes, and the scheduled
# tasks of scheduled_tasks, chosen by the body's "task": watch renewal (daily), the safety-net
# sync (every safety_net_minutes), the audit (every audit_minutes) and the purge of
# abandoned consents' tokens (hourly).

locals {
  schedules = {
    retry_failed = { function = "retry_failed", schedule = var.retry_schedule, task = "" }
    renew_watch  = { function = "scheduled_tasks", schedule = var.renew_schedule, task = "renew" }
    safety_net   = { function = "scheduled_tasks", schedule = local.cron_every[var.safety_net_minutes], task = "sync" }
    audit        = { function = "scheduled_tasks", schedule = local.cron_every[var.audit_minutes], task = "audit" }
    # abandoned consents' tokens, at minute 20 (the other jobs start at minute 0)
    purge_pending = { function = "scheduled_tasks", schedule = "20 * * * *", task = "purge" }
  }
  # every N minutes as cron: within an hour "*/N", whole hours "0 */H"
  cron_every = merge(
    { for m in [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30] : m => "*/${m} * * * *" },
    { for h in [1, 2, 3, 4, 6, 8, 12] : h * 60 => "0 */${h} * * *" },
  )
}

resource "google_cloud_scheduler_job" "job" {
  for_each  = local.schedules
  name      = replace(each.key, "_", "-")
  region    = var.region
  schedule  = each.value.schedule
  time_zone = "Etc/UTC"

  http_target {
    http_method = "POST"
    uri         = local.function_url[each.value.function]
    headers     = { "Content-Type" = "application/json" }
    body        = base64encode(jsonencode({ task = each.value.task }))
    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = local.function_url[each.value.function]
    }
  }

  attempt_deadline = "${local.timeouts[each.value.function]}s"

  retry_config {
    retry_count = 3
  }
  # The job's first run needs the function and its invoker binding.
  depends_on = [google_project_service.apis, google_cloud_run_service_iam_member.invoker]
}
