"""process_live (Pub/Sub ``email-live``): one chunk of new mail a sync found, in its own
service so live work never queues behind bulk work (same use case as ``process_emails``)."""

import functions_framework
from cloudevents.http import CloudEvent

from shared.entry import run_event
from shared.events import chunk_job
from shared.services.ingest.process import process_chunk


@functions_framework.cloud_event
def process_live(event: CloudEvent) -> None:
    """Process one live chunk job."""
    run_event("process_live", event, chunk_job, process_chunk)
