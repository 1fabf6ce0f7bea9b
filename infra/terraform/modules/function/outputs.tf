output "url" {
  description = "The function's cloudfunctions.net URL (public functions' endpoint and token audience)."
  value       = google_cloudfunctions2_function.this.url
}

output "run_uri" {
  description = "The Cloud Run URL of the service (its deterministic run.app form is shown first): internal-only functions' endpoint and token audience."
  value       = google_cloudfunctions2_function.this.service_config[0].uri
}

output "service" {
  description = "Cloud Run service behind the function (for its invoker bindings)."
  value       = google_cloudfunctions2_function.this.service_config[0].service
}
