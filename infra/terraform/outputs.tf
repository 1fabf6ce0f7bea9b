output "function_urls" {
  description = "Every function's URL."
  value = {
    for name in local.function_names :
    name => local.ingress[name] == "ALLOW_INTERNAL_ONLY" ? module.function[name].run_uri : module.function[name].url
  }
}

output "function_urls_expected" {
  description = "The URLs the configuration uses as endpoints and audiences; must equal function_urls."
  value       = local.function_url
}

output "oauth_redirect_uri" {
  description = "Add this to the OAuth client's authorized redirect URIs."
  value       = local.environment.OAUTH_REDIRECT_URI
}

output "topics" {
  description = "Topic names."
  value       = { for key, topic in google_pubsub_topic.topic : key => topic.name }
}

output "dead_letter_subscriptions" {
  description = "Where undeliverable messages wait for inspection."
  value       = { for key, sub in google_pubsub_subscription.dead_letter : key => sub.name }
}
