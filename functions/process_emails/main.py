"""process_emails (Pub/Sub ``email-batches``): fetch, parse and store one chunk of emails."""

import functions_framework
from cloudevents.http import CloudEvent

from shared.entry import run_event
from shared.events import chunk_job
from shared.services.ingest.process import process_chunk


@functions_framework.cloud_event
def process_emails(event: CloudEvent) -> None:
    """Process one chunk job."""
    run_event("process_emails", event, chunk_job, process_chunk)
