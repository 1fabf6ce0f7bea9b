"""sync_mailbox (Pub/Sub ``mailbox-sync``): new emails of a mailbox into chunked batches."""

import functions_framework
from cloudevents.http import CloudEvent

from shared.entry import run_event
from shared.events import sync_job
from shared.services.mailbox.sync import sync_mailbox as sync


@functions_framework.cloud_event
def sync_mailbox(event: CloudEvent) -> None:
    """Run one sync job."""
    run_event("sync_mailbox", event, sync_job, sync)
