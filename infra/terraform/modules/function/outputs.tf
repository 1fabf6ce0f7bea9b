output "url" {
  description = "The function's cloudfunctions.net URL (endpoint and token audience)."
  value       = google_cloudfunctions2_function.this.url
}

output "service" {
  description = "Cloud Run service behind the function (for its invoker bindings)."
  value       = google_cloudfunctions2_function.this.service_config[0].service
}
