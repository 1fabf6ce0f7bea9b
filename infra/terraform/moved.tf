# Renames, so a plan moves state instead of forgetting it. The function renew_watch became
# scheduled_tasks (it runs three scheduled tasks: watch renewal, the safety net, the audit).
# Its name, service account id and URL change with it, so Terraform still replaces those
# instances (a stateless function: the scheduler jobs follow the new URL in the same apply);
# every instance keyed by the old name is listed, which tests/unit/infra/test_terraform.py
# checks against the configuration.

moved {
  from = module.function["renew_watch"]
  to   = module.function["scheduled_tasks"]
}

moved {
  from = google_service_account.function["renew_watch"]
  to   = google_service_account.function["scheduled_tasks"]
}

moved {
  from = google_project_iam_member.function_roles["renew_watch roles/datastore.user"]
  to   = google_project_iam_member.function_roles["scheduled_tasks roles/datastore.user"]
}

moved {
  from = google_project_iam_member.function_roles["renew_watch roles/logging.logWriter"]
  to   = google_project_iam_member.function_roles["scheduled_tasks roles/logging.logWriter"]
}

moved {
  from = google_secret_manager_secret_iam_member.oauth_client_reader["renew_watch"]
  to   = google_secret_manager_secret_iam_member.oauth_client_reader["scheduled_tasks"]
}

moved {
  from = google_secret_manager_secret_iam_member.lead_key_reader["renew_watch"]
  to   = google_secret_manager_secret_iam_member.lead_key_reader["scheduled_tasks"]
}

moved {
  from = google_project_iam_member.token["renew_watch_reader"]
  to   = google_project_iam_member.token["scheduled_tasks_reader"]
}

moved {
  from = google_cloud_run_service_iam_member.invoker["renew_watch"]
  to   = google_cloud_run_service_iam_member.invoker["scheduled_tasks"]
}

moved {
  from = google_pubsub_topic_iam_member.publishers["renew_to_sync"]
  to   = google_pubsub_topic_iam_member.publishers["tasks_to_sync"]
}
