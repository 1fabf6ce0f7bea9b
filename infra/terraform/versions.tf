terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "= 6.14.1"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "= 2.7.0"
    }
    time = {
      source  = "hashicorp/time"
      version = "= 0.13.1"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
