# Alerts to var.alert_email: log-based metrics on the functions' structured logs (the
# consistency tests check each filter names a message and fields the code logs), and alert
# policies on them and on Pub/Sub's dead-letter holds.

resource "google_monitoring_notification_channel" "email" {
  display_name = "LeadHarvest alerts"
  type         = "email"
  labels       = { email_address = var.alert_email }
  depends_on   = [google_project_service.apis]
}

locals {
  # metric => logs filter (jsonPayload: the JSON line a function printed)
  log_metrics = {
    lh_dead_emails        = "jsonPayload.message=\"email dead\""
    lh_mailbox_needs_user = "jsonPayload.message=(\"mailbox needs re-consent\" OR \"mailbox blocked\")"
    lh_audit_missing      = "jsonPayload.message=\"mailbox audited\" AND jsonPayload.audit_missing>0"
    lh_function_errors    = "severity>=ERROR AND jsonPayload.logger:\"leadharvest.\""
    lh_client_refused     = "jsonPayload.message=\"oauth client refused by google\""
    lh_unreadable_emails  = "jsonPayload.message=\"email unreadable by the parser\""
    lh_gmail_unavailable  = "jsonPayload.message=\"gmail unavailable: mailbox paused\""
  }
  # alert => the metric it watches, what it means, and how many in 5 minutes is too many
  log_alerts = {
    lh_dead_emails        = { title = "Emails given up on (dead)", above = 0 }
    lh_mailbox_needs_user = { title = "A mailbox needs re-consent or is blocked", above = 0 }
    lh_audit_missing      = { title = "The audit found lead mail without a record", above = 0 }
    lh_function_errors    = { title = "Function errors", above = 5 }
    lh_client_refused     = { title = "Google refuses the OAuth client (misconfigured)", above = 0 }
    # one email's content never pages anyone: only a rate says the parser itself is at fault
    lh_unreadable_emails = { title = "Many emails the parser cannot read", above = 20 }
    lh_gmail_unavailable = { title = "Gmail unavailable: mailboxes paused", above = 0 }
  }
}

resource "google_logging_metric" "metric" {
  for_each = local.log_metrics
  name     = each.key
  filter   = "resource.type=\"cloud_run_revision\" AND ${each.value}"
  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
  }
  depends_on = [google_project_service.apis]
}

# Monitoring knows a new log-based metric only minutes after it is created: a policy created
# at once fails with 404 "Cannot find metric(s) ... could take up to 10 minutes". The
# policies wait for this pause after the last metric, so one apply creates everything.
resource "time_sleep" "metrics_known" {
  create_duration = "600s"
  triggers        = { metrics = join(",", [for m in google_logging_metric.metric : m.id]) }
}

resource "google_monitoring_alert_policy" "log" {
  for_each     = local.log_alerts
  display_name = each.value.title
  combiner     = "OR"
  conditions {
    display_name = each.value.title
    condition_threshold {
      filter          = "resource.type=\"cloud_run_revision\" AND metric.type=\"logging.googleapis.com/user/${google_logging_metric.metric[each.key].name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.above
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }
  depends_on            = [time_sleep.metrics_known]
  notification_channels = [google_monitoring_notification_channel.email.id]
}

resource "google_monitoring_alert_policy" "dead_letters" {
  display_name = "Messages in a dead-letter hold"
  combiner     = "OR"
  conditions {
    display_name = "Undelivered dead letters"
    condition_threshold {
      filter          = "resource.type=\"pubsub_subscription\" AND metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.labels.subscription_id=monitoring.regex.full_match(\".*-dead-letter-hold\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }
  notification_channels = [google_monitoring_notification_channel.email.id]
  depends_on            = [google_pubsub_subscription.dead_letter]
}
