variable "name" {
  description = "Function name; also its entry point and the folder under build/."
  type        = string
}

variable "project_id" {
  description = "Google Cloud project id."
  type        = string
}

variable "region" {
  description = "Region of the function."
  type        = string
}

variable "bundle_dir" {
  description = "Folder holding the bundle (main.py, shared/, requirements.txt)."
  type        = string
}

variable "source_bucket" {
  description = "Bucket the zipped bundle is uploaded to."
  type        = string
}

variable "environment" {
  description = "Environment variables (settings) of the function."
  type        = map(string)
}

variable "service_account_email" {
  description = "The function's own service account (runtime identity)."
  type        = string
}

variable "build_service_account" {
  description = "Service account Cloud Build builds the function as (projects/P/serviceAccounts/EMAIL)."
  type        = string
}

variable "timeout_seconds" {
  description = "Request timeout."
  type        = number
  default     = 120
}

variable "max_instances" {
  description = "Upper bound of instances."
  type        = number
  default     = 10
}

variable "memory" {
  description = "Memory per instance."
  type        = string
  default     = "512Mi"
}

variable "secret_environment" {
  description = "Environment variables read from Secret Manager: name => secret id (latest version)."
  type        = map(string)
  default     = {}
}

variable "ingress" {
  description = "ALLOW_INTERNAL_ONLY for functions only Pub/Sub or Cloud Scheduler call; ALLOW_ALL for public ones."
  type        = string
  validation {
    condition     = contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY"], var.ingress)
    error_message = "ingress is ALLOW_ALL or ALLOW_INTERNAL_ONLY."
  }
}

variable "concurrency" {
  description = "Requests one instance serves at once."
  type        = number
  default     = 1
}

variable "min_instances" {
  description = "Instances kept warm."
  type        = number
  default     = 0
}

variable "cpu" {
  description = "vCPUs per instance."
  type        = string
  default     = "1"
}
