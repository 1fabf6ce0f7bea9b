variable "project_id" {
  description = "Google Cloud project to deploy into."
  type        = string
}

variable "region" {
  description = "Region for functions, Firestore, Scheduler and the source bucket."
  type        = string
  default     = "us-central1"
}

variable "firestore_location" {
  description = "Firestore location (a region such as us-central1, or a multi-region such as nam5)."
  type        = string
  default     = "nam5"
}

variable "bundle_root" {
  description = "Folder with one bundle per function, written by `make bundle`."
  type        = string
  default     = "../../build"
}

variable "oauth_client_id" {
  description = "OAuth 2.0 web client id (Google Auth Platform > Clients). Also the audience of frontend ID tokens."
  type        = string
}

variable "frontend_url" {
  description = "Where the OAuth callback sends the operator back to."
  type        = string
}

variable "frontend_origins" {
  description = "Origins allowed by CORS on the API, comma-separated."
  type        = string
}

variable "allowed_users" {
  description = "Emails allowed to use the API and connect a mailbox, comma-separated."
  type        = string
  default     = ""
}

variable "allowed_domains" {
  description = "Email domains allowed to use the API, comma-separated."
  type        = string
  default     = ""
}

variable "lead_label" {
  description = "Gmail label whose emails are leads (matched ignoring case, spaces and hyphens)."
  type        = string
  default     = "Processed lead"
}

variable "mailbox_tz" {
  description = "Time zone for forwarded emails' dates."
  type        = string
  default     = "America/New_York"
}

variable "chunk_size" {
  description = "Message ids per processing chunk."
  type        = number
  default     = 25
}

variable "retry_max_attempts" {
  description = "Attempts before a failed email becomes dead."
  type        = number
  default     = 5
}

variable "retry_schedule" {
  description = "Cron schedule of the retry sweep."
  type        = string
  default     = "*/5 * * * *"
}

variable "renew_schedule" {
  description = "Cron schedule of the daily watch renewal."
  type        = string
  default     = "17 3 * * *"
}

variable "safety_net_minutes" {
  description = "Minutes between safety-net syncs of every mailbox (whatever notifications said)."
  type        = number
  default     = 15
  validation {
    condition     = contains([1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120], var.safety_net_minutes)
    error_message = "safety_net_minutes must divide an hour (or be 60 or 120)."
  }
}

variable "audit_minutes" {
  description = "Minutes between audits of every mailbox's lead label against the email records."
  type        = number
  default     = 60
  validation {
    condition     = contains([15, 20, 30, 60, 120, 180, 240, 360, 480, 720], var.audit_minutes)
    error_message = "audit_minutes must be one of 15, 20, 30, 60, 120, 180, 240, 360, 480, 720."
  }
}

variable "kms_key_name" {
  description = "Optional Cloud KMS key (projects/…/cryptoKeys/…) to encrypt the Pub/Sub topics with; empty: Google-managed keys."
  type        = string
  default     = ""
}

variable "raw_retention_days" {
  description = "Days a kept raw email (leads and mail from known sites) lives before Firestore's TTL deletes it; 0 keeps it."
  type        = number
  default     = 365
}

variable "alert_email" {
  description = "Email address the alert policies notify (dead letters, dead emails, mailboxes needing the user, audit findings, function errors)."
  type        = string
}

variable "chunk_window" {
  description = "Chunks of one batch in flight at once; each finished chunk sends the next."
  type        = number
  default     = 4
}

variable "bulk_max_instances" {
  description = "Most process_emails (bulk lane) instances; docs/architecture.md \"Lanes and scale\" has the arithmetic."
  type        = number
  default     = 40
}

variable "gmail_user_units_per_s" {
  description = "Gmail quota units per user per second the limiter hands out: 100 for projects created since 1 May 2026 (6,000 a minute), 250 for older ones (15,000 a minute)."
  type        = number
  default     = 100
}
